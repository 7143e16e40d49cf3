"""Articles from the web: a link or a saved page in, the article's own text and metadata out.

Main-text extraction is trafilatura's (the reference for news pages: boilerplate, menus,
"read also" boxes and comments left out; title, author, date and site read from the page's
metadata). On top of it:

- paragraphs are kept apart by blank lines (each block trafilatura finds is one paragraph);
- the headline is not repeated: when the text opens with the title (after a breadcrumb or a
  kicker at most), that heading is taken as the title and dropped from the text;
- a page that is mostly links (an index, a list of headlines, a menu) is refused as "no
  article text", rather than having its link titles translated as if they were an article:
  on the 110 real pages of trafilatura's test set, at most 23.5 % of the extracted text is
  link titles (``benchmarks/link_share.py``); on a list of headlines it is 99 %.

Fetching (:func:`fetch_article`) goes through :mod:`bilingual_digest.fetching`: bounded in
time and size, HTML only, public addresses only unless allowed.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .documents import Article, is_url
from .errors import ArticleError, NoArticleTextError, PageTooLargeError
from .fetching import fetch_page, size_text
from .options import FetchOptions

logger = logging.getLogger("bilingual_digest")

__all__ = [
    "Article",
    "extract_article",
    "extract_page",
    "fetch_article",
    "is_url",
    "looks_like_html_file",
    "read_page_file",
]

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
MAX_LINK_SHARE = 0.5
"""Above this share of link titles in the extracted text, a page is not an article."""

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " : ", " :: ", " · ")
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252"}
_MAX_LEADING_BLOCK = 200


def looks_like_html_file(path: str | Path, head: bytes) -> bool:
    """Whether a file is a saved web page: an HTML suffix, or content that starts like HTML.

    Args:
        path: The file's name.
        head: Its first bytes (a kilobyte is plenty).
    """
    if Path(path).suffix.lower() in HTML_SUFFIXES:
        return True
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html"))


def fetch_article(
    url: str,
    *,
    allow_private: bool | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> Article:
    """Fetch a news page and extract its article.

    Args:
        url: An ``http`` or ``https`` link.
        allow_private: Also fetch private, loopback and link-local addresses; ``None`` reads
            ``BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS`` (off by default).
        timeout: Seconds the whole fetch may take; ``None`` reads
            ``BILINGUAL_DIGEST_FETCH_TIMEOUT`` (default 15).
        max_bytes: Largest page, in bytes; ``None`` reads ``BILINGUAL_DIGEST_FETCH_MAX_BYTES``
            (default 10 MB).

    Returns:
        The :class:`Article`, its ``url`` the address after redirects.

    Raises:
        PrivateAddressError: If the link, or a redirect, points at a non-public address and
            that is not allowed.
        ArticleError: If the page can't be fetched or holds no article, with the reason; its
            subclass says which (see :mod:`bilingual_digest.errors`): ``FetchTimeoutError``,
            ``FetchError`` (unreachable, an HTTP error, redirects …), ``PageTooLargeError``,
            ``NotHTMLError``, ``NoArticleTextError``; a bad link is an ``ArticleError``.
        ValueError: If an option (or its environment variable) is unusable.
    """
    options = FetchOptions.from_env(
        timeout=timeout, max_bytes=max_bytes, allow_private=allow_private
    )
    page = fetch_page(url, options)
    html = _decode(page.content, page.charset)
    return _extract(html, page.url, what=page.url, canonical=False)


def extract_article(
    html: str | bytes, url: str | None = None, *, max_bytes: int | None = None
) -> Article:
    """Extract the article from a page's HTML (a saved page, or one fetched elsewhere).

    Args:
        html: The page, as text or as bytes (decoded by its ``<meta charset>``, else UTF-8,
            else the most likely encoding).
        url: Where it came from, if known (kept as :attr:`Article.url`, and used to read
            metadata); else the page's own canonical address, if it gives one.
        max_bytes: Largest page, in bytes (UTF-8 for text); ``None`` reads
            ``BILINGUAL_DIGEST_FETCH_MAX_BYTES`` (default 10 MB), the limit of fetched pages.

    Returns:
        The :class:`Article`.

    Raises:
        TypeError: If ``html`` is neither ``str`` nor ``bytes``.
        ArticleError: If the page is a link rather than HTML;
            :class:`~bilingual_digest.errors.PageTooLargeError` over the size limit,
            :class:`~bilingual_digest.errors.NoArticleTextError` if it is empty or holds no
            article text.
        ValueError: If ``max_bytes`` (or its environment variable) is unusable.
    """
    if isinstance(html, (bytes, bytearray)):
        _check_size(len(html), url or "The page", max_bytes)
        html = _decode(bytes(html), None)
    elif isinstance(html, str):
        if is_url(html):
            raise ArticleError(
                "extract_article() takes a page's HTML, not its address: to fetch a link, use "
                "fetch_article(url)."
            )
        _check_size(len(html.encode("utf-8", "surrogatepass")), url or "The page", max_bytes)
    else:
        raise TypeError(
            f"extract_article() expects HTML as str or bytes, got {type(html).__name__}."
        )
    return _extract(html, url, what=url or "the page", canonical=url is None)


def read_page_file(path: str | Path) -> Article:
    """Extract the article from a saved page (an ``.html`` file).

    Raises:
        OSError: If the file can't be read.
        ArticleError: If it is over the size limit or holds no article text (the message
            names the file).
    """
    path = Path(path)
    what = f"File {str(path)!r}"
    _check_size(path.stat().st_size, what)
    return extract_page(path.read_bytes(), what)


def extract_page(
    data: bytes, what: str, *, size: int | None = None, max_bytes: int | None = None
) -> Article:
    """Extract the article from a saved page's bytes, naming the page as ``what`` in errors.

    Args:
        data: The page's bytes (decoded by its ``<meta charset>``, else guessed).
        what: How messages name the page (e.g. its path).
        size: The file's real size, when ``data`` is only its start.
        max_bytes: Largest page, in bytes; ``None`` reads ``BILINGUAL_DIGEST_FETCH_MAX_BYTES``.

    Raises:
        ArticleError: If the page is over the size limit or holds no article text.
    """
    _check_size(size if size is not None else len(data), what, max_bytes)
    return _extract(_decode(data, None), None, what=what, canonical=True)


def _check_size(size: int, what: str, max_bytes: int | None = None) -> None:
    limit = FetchOptions.from_env(max_bytes=max_bytes).max_bytes
    if size > limit:
        raise PageTooLargeError(
            f"{what} is {size_text(size)}, over the limit of {size_text(limit)} for a page",
            "BILINGUAL_DIGEST_FETCH_MAX_BYTES",
        )


def _decode(content: bytes, charset: str | None) -> str | bytes:
    """Bytes to text by the declared character set (HTTP header, else ``<meta>``); without
    one, the bytes are left to trafilatura (UTF-8, else the most likely encoding)."""
    if charset is None:
        found = _META_CHARSET.search(content[:4096])
        charset = found.group(1).decode("ascii").lower() if found else None
    if charset is None:
        return content
    charset = _WHATWG_ALIASES.get(charset, charset)
    try:
        return content.decode(charset, errors="replace")
    except LookupError:  # an unknown character set name: guess instead
        logger.info("Unknown character set %r; guessing the encoding", charset)
        return content


def _extract(html: str | bytes, url: str | None, *, what: str, canonical: bool) -> Article:
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        raise NoArticleTextError(f"No article text found in {what}: it is empty or not HTML.")
    anchors = {_norm(a.text_content()) for a in tree.iter("a")} - {""}
    document = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    blocks = _blocks(document)
    if not blocks:
        raise NoArticleTextError(f"No article text found in {what}.")
    link_share = _link_share(blocks, anchors)
    if link_share > MAX_LINK_SHARE:
        raise NoArticleTextError(
            f"No article text found in {what}: {link_share:.0%} of its text is link titles "
            "(an index, a list of headlines or a menu, not an article)."
        )
    title, blocks = _title_and_body(_norm(document.title or ""), blocks, document.sitename)
    if not blocks:
        raise NoArticleTextError(f"No article text found in {what}: it holds only a title.")
    page_url = url if url is not None or not canonical else document.url
    return Article(
        url=page_url,
        title=title or None,
        author=_norm(document.author or "") or None,
        date=document.date or None,
        site=_norm(document.sitename or "") or _host(page_url),
        text="\n\n".join(blocks),
    )


def _norm(text: str) -> str:
    return " ".join(text.split())


def _host(url: str | None) -> str | None:
    return (urlsplit(url).hostname or None) if url else None


def _blocks(document: Any) -> list[str]:
    """One paragraph per block of the extracted body; line breaks inside a block are kept."""
    if document is None or document.body is None:
        return []
    from trafilatura.xml import xmltotxt

    blocks = []
    for element in document.body:
        lines = (_norm(line) for line in xmltotxt(element, False).split("\n"))
        block = "\n".join(line for line in lines if line)
        if block:
            blocks.append(block)
    return blocks


def _link_share(blocks: list[str], anchors: set[str]) -> float:
    lines = [line for block in blocks for line in block.split("\n")]
    total = sum(map(len, lines))
    return sum(len(line) for line in lines if line in anchors) / total if total else 0.0


def _title_and_body(title: str, blocks: list[str], site: str | None) -> tuple[str, list[str]]:
    """Drop the headline from the text when the text opens with it (after a breadcrumb or a
    kicker at most); the page's own heading then wins over a ``<title>`` with a site suffix.
    A title still ending in `` | Site`` loses that suffix."""
    if title:
        for i, block in enumerate(blocks[:3]):
            if _same_headline(title, block):
                return block, blocks[i + 1 :]
            if len(block) > _MAX_LEADING_BLOCK:
                break
    if title and site:
        for separator in _TITLE_SEPARATORS:
            if title.lower().endswith((separator + site).lower()):
                return title[: -len(separator + site)].strip(), blocks
    return title, blocks


def _same_headline(title: str, block: str) -> bool:
    if block == title:
        return True
    return any(
        title.startswith(block + sep) or title.endswith(sep + block) for sep in _TITLE_SEPARATORS
    )
