"""Web pages as batch documents: a saved page's article, a fetched link's article.

Both become a :class:`~.documents.Document` whose text is the article's title and main text
(:attr:`~bilingual_digest.documents.Article.full_text`: menus, banners and comments left
out) and whose ``article`` holds its metadata (url, title, author, date, site), which the
record carries as the digest does. A page that can't be fetched, is over a limit or holds
no article is a document with ``error`` set, its message saying what happened: the run goes
on. Extraction and fetching are :mod:`bilingual_digest.articles`' (trafilatura, and the safe
fetcher of :mod:`bilingual_digest.fetching`).
"""

from __future__ import annotations

import logging

from ..articles import HTML_SUFFIXES, extract_page, fetch_article
from ..documents import Article
from ..errors import BilingualDigestError
from ..messages import door_message
from ..sanitize import too_long_message
from .documents import Document, ReadOptions

logger = logging.getLogger("bilingual_digest")

PAGE_OUTPUT_SUFFIX = ".txt"
"""``--format txt`` writes a page's translation to its name with this added (``a.html.txt``)."""


def output_relpath(rel: str) -> str:
    """Where ``--format txt`` writes a file's translation: a page's gets ``.txt`` added."""
    return rel + PAGE_OUTPUT_SUFFIX if is_page_name(rel) else rel


def is_page_name(name: str) -> bool:
    """Whether a file name is a saved web page's (``.html``, ``.htm``, ``.xhtml``, ``.shtml``)."""
    return name.lower().endswith(HTML_SUFFIXES)


def article_document(
    doc_id: str,
    source: str,
    article: Article,
    options: ReadOptions,
    relpath: str | None = None,
) -> Document:
    """The document of an extracted article: its title and text, its metadata.

    An article over ``--max-chars`` is an error document (the limit is on what is translated).
    """
    text = article.full_text
    if len(text) > options.max_chars:
        what = f"The article of {source}"
        return Document(
            doc_id,
            source,
            error=too_long_message(what, f"{len(text):,} characters", options.max_chars),
        )
    return Document(doc_id, source, text, relpath=relpath, article=article.metadata())


def page_document(
    data: bytes,
    doc_id: str,
    source: str,
    relpath: str,
    options: ReadOptions,
    *,
    size: int | None = None,
) -> Document:
    """A saved page's document from its bytes (every engine reads ``.html`` files through this).

    Args:
        data: The page's bytes (perhaps only its start, see
            :func:`~.readers.read_text_file`).
        doc_id: Its id (its path relative to the input root).
        source: How to name it.
        relpath: Its path relative to the input root, as the OS spells it.
        options: The size limits.
        size: The file's real size when ``data`` is only its start.
    """
    try:
        article = extract_page(data, source, size=size, max_bytes=options.fetch_options().max_bytes)
    except BilingualDigestError as exc:
        return Document(doc_id, source, error=str(exc))
    except Exception as exc:  # a crash in the extractor is this page's error, not the run's
        logger.debug("Extracting %s failed", source, exc_info=True)
        return Document(
            doc_id, source, error=f"{source} could not be read ({type(exc).__name__}: {exc})."
        )
    return article_document(doc_id, source, article, options, output_relpath(relpath))


def url_document(doc_id: str, source: str, url: str, options: ReadOptions) -> Document:
    """Fetch a link and make its article a document; any failure is the document's error.

    Args:
        doc_id: The document's id.
        source: Where the link was found (``list.urls:3``, ``feed.jsonl:7``).
        url: The ``http(s)`` link.
        options: How to fetch (:attr:`ReadOptions.fetch`) and the size limit.
    """
    fetch = options.fetch_options()
    try:
        article = fetch_article(
            url, allow_private=fetch.allow_private, timeout=fetch.timeout, max_bytes=fetch.max_bytes
        )
    except BilingualDigestError as exc:
        return Document(doc_id, source, error=door_message(exc, "cli"))
    except Exception as exc:  # a crash while fetching is this link's error, not the run's
        logger.debug("Fetching %s failed", url, exc_info=True)
        return Document(
            doc_id, source, error=f"Fetching {url} failed ({type(exc).__name__}: {exc})."
        )
    logger.info("%s: fetched %s", source, article.url)
    return article_document(doc_id, source, article, options)
