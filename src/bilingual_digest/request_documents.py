"""The articles a request to the server brings: a link fetched within the server's limits,
a saved page's HTML sent as text, or the text itself.

No model and no queue slot here (network and parsing only): a slow site must not stall the
others' work, but a request the queue would refuse is refused before its page is fetched,
and only so many pages are fetched at once. The extractor and limits are those of every
other door (:mod:`~bilingual_digest.articles`).
"""

from __future__ import annotations

import threading

from .documents import Article, TextOrArticle, is_url
from .errors import ArticleError, InputError, ServerBusyError
from .options import FetchOptions
from .work_queue import WorkQueue


class RequestDocuments:
    """Reads the article a request is about.

    Args:
        options: How links are fetched, and the size limit of every page (fetched or sent).
        queue: The server's queue: a request it would refuse is refused before fetching.
        max_fetches: Pages fetched at once at most.
    """

    def __init__(self, options: FetchOptions, queue: WorkQueue, *, max_fetches: int) -> None:
        self.options = options
        self.queue = queue
        self.max_fetches = max_fetches
        self._fetches = threading.BoundedSemaphore(max_fetches)

    def load_article(self, link: object) -> Article:
        """Fetch a news page and extract its article, within the server's fetch limits.

        The fetch holds no slot on the models (a slow site must not stall the others' work),
        but a request the queue would refuse is refused before fetching, and at most
        :attr:`max_fetches` pages are fetched at once.

        Args:
            link: An ``http`` or ``https`` link.

        Returns:
            The :class:`~bilingual_digest.documents.Article`.

        Raises:
            TypeError: If ``link`` is not a ``str``.
            PrivateAddressError: If it points at a non-public address and that is not allowed.
            ArticleError: If the page can't be fetched or holds no article (the subclass
                says which: timed out, too large, not HTML, no article text, unreachable).
            ServerBusyError: If the queue is full, or too many pages are being fetched.
        """
        from .articles import fetch_article

        if not isinstance(link, str):
            raise TypeError(f"The link must be a str, got {type(link).__name__}.")
        self.queue.refuse_if_full()
        if not self._fetches.acquire(blocking=False):
            raise ServerBusyError(
                f"The server is fetching {self.max_fetches} pages already, the most it fetches "
                "at once. Try again shortly."
            )
        try:
            options = self.options
            return fetch_article(
                link.strip(),
                allow_private=options.allow_private,
                timeout=options.timeout,
                max_bytes=options.max_bytes,
            )
        finally:
            self._fetches.release()

    def read_page(self, html: object, url: str | None = None) -> Article:
        """Extract the article of a saved page, its HTML sent as text (the server takes no
        uploads: the page's file opener and API clients read the file themselves).

        Args:
            html: The page's HTML.
            url: Where the page came from, if known (kept as the article's address; it is
                not fetched); else the page's own canonical address, if it gives one.

        Returns:
            The :class:`~bilingual_digest.documents.Article`.

        Raises:
            TypeError: If ``html`` is not a ``str``.
            ArticleError: If ``url`` is not a link, or the page is empty;
                ``PageTooLargeError`` over the page size limit (the same as fetched pages'),
                ``NoArticleTextError`` if it holds no article text.
        """
        from .articles import extract_article

        if not isinstance(html, str):
            raise TypeError(f"The page must be HTML text (a str), got {type(html).__name__}.")
        if not html.strip():
            raise ArticleError("The page is empty: there is no HTML to read an article from.")
        if url is not None and not is_url(url):
            raise ArticleError(f"The page's address must be an http or https link, not {url!r}.")
        return extract_article(html, url, max_bytes=self.options.max_bytes)

    def document(
        self, text: object = None, *, url: object = None, html: object = None
    ) -> TextOrArticle:
        """What an API request is about: the article of a saved page's ``html`` (``url``
        saying where it came from), else the article fetched from ``url``, else ``text``.

        Raises:
            InputError: If a text is given with a ``url`` or ``html``.
            The errors of :meth:`read_page` and :meth:`load_article`.
        """
        if text not in (None, "") and (url is not None or html is not None):
            given = " and ".join(n for n, v in (("url", url), ("html", html)) if v is not None)
            raise InputError(f"Give one of text, url or html, not text and {given}.")
        if html is not None:
            return self.read_page(html, url)  # type: ignore[arg-type]
        if url is not None:
            return self.load_article(url)
        return text  # type: ignore[return-value]
