"""The engine-facing service behind the web page and the JSON API.

:class:`DigestService` holds one :class:`~bilingual_digest.digest.Digester`, loads its models
once in a background thread, applies the size limit, runs the work (digest, translate,
summarise, detect) in the one :class:`~bilingual_digest.work_queue.WorkQueue` both doors
share, and writes the downloads. Articles from the web come in through it too: a link is
fetched (:meth:`DigestService.load_article`) and a saved page's HTML, sent as text, is
extracted (:meth:`DigestService.read_page`), with the same extractor and limits as every
other door; the digest, translation and summary take the resulting
:class:`~bilingual_digest.documents.Article`, whose metadata travels with the result.

It knows no web framework: the Gradio page (:mod:`bilingual_digest.ui.page`) and the REST
API (:mod:`bilingual_digest.api`) call it and present its results. Every model call takes a
cancel flag (see :mod:`~bilingual_digest.cancel`) and holds its queue slot until the work
has stopped.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .cancel import CancelFlag
from .documents import Article, TextOrArticle, as_text
from .glossary import Glossary
from .languages import parse_direction, resolve_direction
from .options import (
    DEFAULT_LENGTH,
    DEFAULT_SPEED,
    FetchOptions,
    check_text,
    validate_length,
    validate_speed,
)
from .options import max_chars as default_max_chars
from .records import summary_record, translation_record  # noqa: F401  (where they were)
from .report import write_reports
from .request_documents import RequestDocuments
from .settings import (  # noqa: F401  (the names of the first round, where they lived)
    DEFAULT_HOST,
    DEFAULT_PORT,
    GRADIO_HOST_ENV,
    GRADIO_PORT_ENV,
    resolve_address,
    validate_host,
    validate_port,
)
from .text_batches import TextTranslation
from .work_queue import DEFAULT_CONCURRENCY, DEFAULT_QUEUE_SIZE, WorkQueue

if TYPE_CHECKING:
    from .digest import BilingualSummary, Digest, Digester, DigestProgress
    from .translation import Translation

logger = logging.getLogger("bilingual_digest")

Progress = Callable[[float, str], object]
_T = TypeVar("_T")


# --------------------------------------------------------------------------- the service


class DigestService:
    """The engine behind the page and the API: one digester, warmed up once, limits, one queue.

    Args:
        digester: The engine; ``None`` builds the default one (models load lazily).
        max_chars: Largest accepted article (and API request); ``None`` reads
            ``BILINGUAL_DIGEST_MAX_CHARS``.
        output_dir: Where download files are written; ``None`` for a private temp folder.
        concurrency: Requests run on the models at once, page and API together.
        queue_size: Requests that may wait for a slot; one more is refused at once.
        allow_private: Also fetch links to private, loopback and link-local addresses;
            ``None`` reads ``BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS`` (off by default). The
            fetch's time and size limits are read from ``BILINGUAL_DIGEST_FETCH_TIMEOUT``
            and ``BILINGUAL_DIGEST_FETCH_MAX_BYTES`` (see
            :class:`~bilingual_digest.options.FetchOptions`).

    Raises:
        TypeError: If ``max_chars`` is not an int.
        ValueError: If ``max_chars``, ``concurrency`` or ``queue_size`` is not positive, or
            a fetch setting in the environment is unusable.
    """

    def __init__(
        self,
        digester: Digester | None = None,
        *,
        max_chars: int | None = None,
        output_dir: str | os.PathLike[str] | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        allow_private: bool | None = None,
    ) -> None:
        if digester is None:
            from .digest import Digester

            digester = Digester()
        self.digester = digester
        self.max_chars = default_max_chars() if max_chars is None else max_chars
        if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int):
            raise TypeError(f"max_chars must be a positive int, got {self.max_chars!r}.")
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be a positive int, got {self.max_chars!r}.")
        self.queue = WorkQueue(concurrency, queue_size)
        self.documents = RequestDocuments(
            FetchOptions.from_env(allow_private=allow_private),
            self.queue,
            max_fetches=concurrency + queue_size,
        )
        """The articles requests bring (links, saved pages), within the fetch limits."""
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._output_dir = Path(output_dir) if output_dir is not None else None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.status: dict[str, str] | None = None
        """``None`` while loading, then each model's key and ``"ready"`` or its error."""

    # -- models
    def start_warm_up(self) -> None:
        """Start loading the models in a background thread (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._warm_up, name="bilingual-digest-warm-up", daemon=True
            )
            self._thread.start()

    def _warm_up(self) -> None:
        try:
            self.status = dict(self.digester.warm_up())
        except Exception as exc:  # warm_up() promises not to raise; stay up if it does
            logger.exception("Loading the models failed")
            self.status = {"models": f"failed to load: {exc}"}
        finally:
            self._ready.set()
        logger.info("Models: %s", self.status)

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Start the warm-up if needed and wait for it; True when it has finished."""
        self.start_warm_up()
        return self._ready.wait(timeout)

    @property
    def ready(self) -> bool:
        """Whether the warm-up has finished (successfully or not)."""
        return self._ready.is_set()

    @property
    def loading(self) -> bool:
        """Whether the models are being loaded right now (stopping then can't be clean)."""
        return self._thread is not None and self._thread.is_alive()

    # -- checks (no model, no queue)
    def check(self, text: object) -> str:
        """Validate an article (a text, or an :class:`~bilingual_digest.documents.Article`'s
        title and text) against the size limit (see :func:`check_text`); its text."""
        return check_text(text, what="article", limit=self.max_chars)

    # -- articles from the web (no model, no queue slot: network and parsing only)
    @property
    def fetch_options(self) -> FetchOptions:
        """How links are fetched, and the size limit of every page (fetched or sent)."""
        return self.documents.options

    @fetch_options.setter
    def fetch_options(self, options: FetchOptions) -> None:
        self.documents.options = options

    @property
    def max_fetches(self) -> int:
        """Pages fetched at once at most: as many as the requests the server holds."""
        return self.documents.max_fetches

    def load_article(self, link: object) -> Article:
        """Fetch a news page's article within the server's limits
        (:meth:`~bilingual_digest.request_documents.RequestDocuments.load_article`)."""
        return self.documents.load_article(link)

    def read_page(self, html: object, url: str | None = None) -> Article:
        """Extract a saved page's article, its HTML sent as text
        (:meth:`~bilingual_digest.request_documents.RequestDocuments.read_page`)."""
        return self.documents.read_page(html, url)

    def document(
        self, text: object = None, *, url: object = None, html: object = None
    ) -> TextOrArticle:
        """What an API request is about: a saved page's article, a fetched one, or the text
        (:meth:`~bilingual_digest.request_documents.RequestDocuments.document`)."""
        return self.documents.document(text, url=url, html=html)

    def detect(self, text: str, direction: str = "auto") -> tuple[str, str]:
        """The ``(source, target)`` pair a text would be worked in (no model is needed).

        Args:
            text: The article.
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).

        Raises:
            InputError: An unknown direction.
            UnsupportedLanguageError: If the language can't be detected.
        """
        return resolve_direction(direction, text)

    def detect_languages(self, text: str) -> list[tuple[str, float]]:
        """The registered languages a text may be in, most likely first, with confidences 0–1.

        Raises:
            TypeError: If ``text`` is not a ``str``.
            InputError: If it is empty or over the limit.
            UnsupportedLanguageError: If it has no words or reads as another language.
        """
        from .detection import language_confidences

        return language_confidences(check_text(text, limit=self.max_chars))

    def glossary(self, value: object) -> Glossary | None:
        """A request's glossary, checked before any model work (see
        :meth:`~bilingual_digest.glossary.Glossary.from_request`)."""
        return Glossary.from_request(value)

    def read_glossary(self, text: str, name: str) -> list[list[str]]:
        """The rows of a glossary file a client read, for its table, within the size limit
        (see :meth:`~bilingual_digest.glossary.Glossary.table_of`)."""
        return Glossary.table_of(text, name, self.max_chars)

    def _accept(
        self,
        text: object,
        direction: str,
        length: str | None = None,
        glossary: object = None,
        speed: str = DEFAULT_SPEED,
    ) -> tuple[TextOrArticle, str, str | None, str | None, Glossary | None]:
        """Check the request before any model work:
        ``(document, source, target, length, glossary)``.

        The document is the text, or the :class:`~bilingual_digest.documents.Article` as it
        was given (its metadata goes with the result). For ``"auto"`` the source and target
        are ``None`` (the engine detects them).
        """
        pair = parse_direction(direction)
        length = validate_length(length) if length is not None else None
        validate_speed(speed)
        checked = self.check(text)
        document = text if isinstance(text, Article) else checked
        terms = self.glossary(glossary)
        source, target = pair if pair is not None else (None, None)
        return document, source, target, length, terms  # type: ignore[return-value]

    # -- work (one queue slot each)
    def run_in_queue(
        self, work: Callable[[], _T], cancel: CancelFlag | None, progress: Progress | None
    ) -> _T:
        """Wait for a queue slot and the models, then run the work, holding the slot."""
        if progress is not None and self.queue.busy:
            progress(0.0, "Waiting for the requests ahead of this one")
        with self.queue.slot(cancel):
            if progress is not None and not self.ready:
                progress(0.0, "Waiting for the models to finish loading")
            self.wait_ready()
            return work()

    def _article(
        self,
        flow: Callable[..., _T],
        text: TextOrArticle,
        direction: str,
        length: str,
        progress: Progress | None,
        cancel: CancelFlag | None,
        glossary: object = None,
        speed: str = DEFAULT_SPEED,
    ) -> _T:
        """Check an article request, then run a digester flow on it in the queue."""
        checked, source, target, preset, terms = self._accept(
            text, direction, length, glossary, speed
        )
        options = {"target": target, "cancel": cancel, "glossary": terms, "speed": speed}
        work = functools.partial(flow, checked, source, preset, progress, **options)
        return self.run_in_queue(work, cancel, progress)

    def digest(
        self,
        text: TextOrArticle,
        direction: str = "auto",
        length: str = DEFAULT_LENGTH,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
        glossary: object = None,
        speed: str = DEFAULT_SPEED,
    ) -> Digest:
        """Digest one article: its translation and its summary in both languages of its pair.

        Args:
            text: The article: a text, or an :class:`~bilingual_digest.documents.Article`
                (from :meth:`load_article` or :meth:`read_page`), kept as ``Digest.article``.
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).
            length: A summary length preset (``"short"``, ``"medium"``, ``"long"``).
            progress: Called with ``(fraction, stage)`` as the work advances.
            cancel: Set it to stop the work (before its next model batch).
            glossary: This request's glossary (see :meth:`glossary`), added to the
                digester's own (``BILINGUAL_DIGEST_GLOSSARY``'s by default).
            speed: A speed preset (``"default"``: beam 4; ``"fast"``: greedy).

        Returns:
            The :class:`~bilingual_digest.digest.Digest`.

        Raises:
            InputError: Bad text, direction or length.
            UnsupportedLanguageError: If the language can't be detected or has no pair.
            ModelUnavailableError: If a model cannot be loaded.
            ServerBusyError: If the queue is full.
            Cancelled: If ``cancel`` was set before the work was done.
            GlossaryError: A bad glossary.
        """
        return self._article(
            self.digester.digest, text, direction, length, progress, cancel, glossary, speed
        )

    def digest_stream(
        self,
        text: TextOrArticle,
        direction: str = "auto",
        length: str = DEFAULT_LENGTH,
        speed: str = DEFAULT_SPEED,
        cancel: CancelFlag | None = None,
        glossary: object = None,
    ) -> Iterator[DigestProgress]:
        """Digest one article, yielding what is ready as it is made (for a page or a stream).

        The request is checked at the call; then, as the iterator is read, a queue slot and
        the models are waited for and the digest runs (:meth:`Digester.digest_stream`: the
        translation segment by segment, the first paragraph first, then the summaries; the
        last item holds the :class:`~bilingual_digest.digest.Digest`).

        Args:
            text: The article (a text or an :class:`~bilingual_digest.documents.Article`).
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).
            length: A summary length preset.
            speed: A speed preset (``"default"`` or ``"fast"``).
            cancel: Set it to stop the work (before its next model batch).
            glossary: This request's glossary (see :meth:`digest`).

        Returns:
            An iterator of :class:`~bilingual_digest.digest.DigestProgress`.

        Raises:
            The errors of :meth:`digest` (bad input at the call; model errors when read).
        """
        checked, source, target, preset, terms = self._accept(
            text, direction, length, glossary, speed
        )
        return self._stream(checked, source, target, preset, speed, cancel, terms)

    def _stream(
        self,
        text: TextOrArticle,
        source: str | None,
        target: str | None,
        length: str | None,
        speed: str,
        cancel: CancelFlag | None,
        glossary: Glossary | None,
    ) -> Iterator[DigestProgress]:
        with self.queue.slot(cancel):
            self.wait_ready()
            yield from self.digester.digest_stream(
                text,
                source,
                length or DEFAULT_LENGTH,
                target=target,
                speed=speed,
                glossary=glossary,
                cancel=cancel,
            )

    def summarize(
        self,
        text: TextOrArticle,
        direction: str = "auto",
        length: str = DEFAULT_LENGTH,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
        glossary: object = None,
        speed: str = DEFAULT_SPEED,
    ) -> BilingualSummary:
        """Summarise one article in both languages of its pair, translating only what that needs.

        Args:
            text: The article: a text, or an :class:`~bilingual_digest.documents.Article`
                (kept as ``BilingualSummary.article``).
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).
            length: A summary length preset.
            progress: Called with ``(fraction, stage)`` as the work advances.
            cancel: Set it to stop the work (before its next model batch).
            glossary: This request's glossary (see :meth:`digest`).
            speed: A speed preset (``"default"`` or ``"fast"``).

        Returns:
            The :class:`~bilingual_digest.digest.BilingualSummary`.

        Raises:
            The errors of :meth:`digest`.
        """
        return self._article(
            self.digester.summarize, text, direction, length, progress, cancel, glossary, speed
        )

    def translate(
        self,
        text: TextOrArticle,
        direction: str = "auto",
        cancel: CancelFlag | None = None,
        glossary: object = None,
        speed: str = DEFAULT_SPEED,
    ) -> Translation:
        """Translate one article sentence by sentence (no summary).

        Args:
            text: The article: a text, or an :class:`~bilingual_digest.documents.Article`
                (its title and text are translated).
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).
            cancel: Set it to stop the work (before its next model batch).
            glossary: This request's glossary (see :meth:`digest`).
            speed: A speed preset (``"default"`` or ``"fast"``).

        Returns:
            The :class:`~bilingual_digest.translation.Translation`.

        Raises:
            InputError: Bad text or direction.
            UnsupportedLanguageError: If the language can't be detected or has no pair.
            ModelUnavailableError: If the model cannot be loaded.
            ServerBusyError: If the queue is full.
            Cancelled: If ``cancel`` was set before the work was done.
            GlossaryError: A bad glossary.
        """
        document, *_, terms = self._accept(text, direction, glossary=glossary, speed=speed)
        source, target = resolve_direction(direction, as_text(document))  # type: ignore[arg-type]
        terms = self.digester.glossary_with(terms)

        def work() -> Translation:
            translator = self.digester.translator(source, target)
            options = translator.options.at_speed(speed)
            return translator.translate(document, options=options, glossary=terms, cancel=cancel)

        return self.run_in_queue(work, cancel, None)

    def translate_texts(
        self,
        texts: Sequence[str],
        source: str | None,
        target: str,
        *,
        html: bool = False,
        cancel: CancelFlag | None = None,
    ) -> list[TextTranslation]:
        """Translate a batch of texts, as translation clients send them (LibreTranslate's API).

        See :func:`bilingual_digest.text_batches.translate_texts` (the work runs in this
        service's queue, on its digester's translators, within its character limit).
        """
        from .text_batches import translate_texts

        return translate_texts(self, texts, source, target, html=html, cancel=cancel)

    def write_downloads(self, digest: Digest) -> dict[str, Path]:
        """Write the JSON, Markdown and TSV exports of a digest into a fresh folder.

        Returns:
            The written files by kind (``"json"``, ``"markdown"``, ``"tsv"``).
        """
        if self._output_dir is None:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="bilingual-digest-")
            self._output_dir = Path(self._tmp.name)
        folder = Path(tempfile.mkdtemp(prefix="digest-", dir=self._output_dir))
        stem = f"digest-{digest.source_lang}-{digest.target_lang}"
        return write_reports(digest, folder, stem=stem)
