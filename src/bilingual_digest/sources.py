"""What a door reads, named on a command line or in a list: a text file, standard input, a
saved web page (its article extracted) or a link (fetched, its article extracted)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from .documents import Article, is_url

logger = logging.getLogger("bilingual_digest")


def read_text_file(path: str) -> str:
    """A text file's text (``-``: standard input), decoded as every door decodes files.

    Raises:
        OSError: If the file can't be read.
        InputError: For binary, undecodable, empty or oversized content (the message names
            the file).
    """
    from .options import max_chars
    from .sanitize import byte_limit, decode_bytes, read_head

    limit, size = max_chars(), None
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with Path(path).open("rb") as file:
            data, size = read_head(file, byte_limit(limit))  # a 50 MB file is not read whole
    what = "Standard input" if path == "-" else f"File {path!r}"
    text, warnings = decode_bytes(data, what=what, max_chars=limit, size=size)
    for warning in warnings:
        logger.warning("%s", warning)
    return text


def read_source(source: str, *, allow_private: bool | None = None) -> str | Article:
    """One input: an ``http(s)`` link (fetched), a saved page (an HTML suffix, or content
    that starts like HTML: its article), a text file, or ``-`` for standard input.

    Args:
        source: The link, the file's path, or ``-``.
        allow_private: For links: also fetch private addresses; ``None`` reads
            ``BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS``.

    Returns:
        The :class:`~bilingual_digest.documents.Article` of a link or a page; the text of a
        text file.

    Raises:
        ArticleError: For a link or page that gives no article (the reason said).
        InputError: For a text file that can't be read as text.
        OSError: For a file that can't be read (a missing file that looks like a link
            without its scheme says so).
    """
    from .articles import fetch_article, read_page_file

    if is_url(source):
        article = fetch_article(source, allow_private=allow_private)
    elif source != "-" and is_html_file(Path(source)):
        article = read_page_file(source)
    else:
        return read_text_file(source)
    logger.info("Article: %s", article_line(article) or "(no title)")
    return article


def is_html_file(path: Path) -> bool:
    """Whether a file is a saved web page (see
    :func:`~bilingual_digest.articles.looks_like_html_file`).

    Raises:
        OSError: If it can't be opened.
    """
    from .articles import looks_like_html_file

    if not path.exists() and "/" in path.as_posix() and "." in path.parts[0]:
        raise FileNotFoundError(
            f"No such file: {str(path)!r} (a link must start with http:// or https://)."
        )
    with path.open("rb") as file:
        return looks_like_html_file(path, file.read(1024))


def article_line(article: Article) -> str:
    """``Title — Site · Author · Date``, from what is known."""
    from .report import article_byline

    return " — ".join(v for v in (article.title, article_byline(article)) if v)
