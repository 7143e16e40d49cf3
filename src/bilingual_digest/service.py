"""The engine-facing service behind the web page and the JSON API.

:class:`DigestService` holds one :class:`~bilingual_digest.digest.Digester`, loads its models
once in a background thread, applies the size limit, runs the work (digest, translate,
summarise, detect) in the one :class:`~bilingual_digest.work_queue.WorkQueue` both doors
share, and writes the downloads. It knows no web framework: the Gradio page
(:mod:`bilingual_digest.ui.page`) and the REST API (:mod:`bilingual_digest.api`) call it and
present its results. Every model call takes a cancel flag (see :mod:`~bilingual_digest.cancel`)
and holds its queue slot until the work has stopped.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .cancel import CancelFlag
from .errors import GlossaryError, InputError, UnsupportedLanguageError
from .glossary import Glossary
from .languages import get_pair, parse_direction, resolve_direction, validate_language
from .options import DEFAULT_LENGTH, DEFAULT_SPEED, check_text, validate_length, validate_speed
from .options import max_chars as default_max_chars
from .report import write_reports
from .settings import (  # noqa: F401  (the names of the first round, where they lived)
    DEFAULT_HOST,
    DEFAULT_PORT,
    GRADIO_HOST_ENV,
    GRADIO_PORT_ENV,
    resolve_address,
    validate_host,
    validate_port,
)
from .work_queue import DEFAULT_CONCURRENCY, DEFAULT_QUEUE_SIZE, WorkQueue

if TYPE_CHECKING:
    from .digest import BilingualSummary, Digest, Digester, DigestProgress
    from .translation import Translation

logger = logging.getLogger("bilingual_digest")

Progress = Callable[[float, str], object]
_T = TypeVar("_T")

GLOSSARY_TABLE = "the glossary table"
"""How messages name a glossary a client sends as rows (the page's table)."""


@dataclass(frozen=True)
class TextTranslation:
    """One text of a batch translated for a client (see :meth:`DigestService.translate_texts`).

    Attributes:
        text: The translation; the text itself when there was nothing to translate (no
            letters) or it was already in the target language.
        source: The language it was read as (given, or detected).
        confidence: How sure the detection was, from 0 to 1; ``None`` when the language was
            given; 0 when there was nothing to detect.
    """

    text: str
    source: str
    confidence: float | None = None


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

    Raises:
        TypeError: If ``max_chars`` is not an int.
        ValueError: If ``max_chars``, ``concurrency`` or ``queue_size`` is not positive.
    """

    def __init__(
        self,
        digester: Digester | None = None,
        *,
        max_chars: int | None = None,
        output_dir: str | os.PathLike[str] | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        queue_size: int = DEFAULT_QUEUE_SIZE,
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
        """Validate an article against the size limit (see :func:`check_text`)."""
        return check_text(text, what="article", limit=self.max_chars)

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
        """A request's glossary, checked before any model work.

        Args:
            value: ``None``; a :class:`~bilingual_digest.glossary.Glossary`; a ``dict`` of
                source term → target term; or table rows ``[source, target, note, pair]``
                (the page's table; blank rows skipped, messages name the row). Not a path:
                the server reads no file a client names.

        Raises:
            GlossaryError: For a bad glossary or any other kind of value.
        """
        if value is None or isinstance(value, Glossary):
            return value
        if isinstance(value, dict):
            return Glossary.from_dict(value, name="the glossary")
        if isinstance(value, (list, tuple)):
            return Glossary.from_rows(value, name=GLOSSARY_TABLE)
        raise GlossaryError(
            "The glossary must be entries (source term → target term, or rows [source, "
            f"target, note, pair]), got {type(value).__name__}; a file is read by the client "
            "and its entries sent."
        )

    def read_glossary(self, text: str, name: str) -> list[list[str]]:
        """The rows of a glossary file a client read (TSV, CSV or TBX text), for its table.

        Args:
            text: The file's text (the page's opener decodes it in the browser).
            name: The file's name, for messages.

        Raises:
            GlossaryError: If it isn't a glossary (the message names the file and line).
        """
        if not isinstance(text, str):
            raise GlossaryError(f"The glossary {name!r} must be text.")
        if len(text) > self.max_chars:
            raise GlossaryError(
                f"The glossary {name!r} has {len(text):,} characters, over the limit of "
                f"{self.max_chars:,}."
            )
        return Glossary.parse(text, name=name).table()

    def _accept(
        self,
        text: object,
        direction: str,
        length: str | None = None,
        glossary: object = None,
        speed: str = DEFAULT_SPEED,
    ) -> tuple[str, str, str | None, str | None, Glossary | None]:
        """Check the request before any model work: ``(text, source, target, length, glossary)``.

        For ``"auto"`` the source and target are ``None`` (the engine detects them).
        """
        pair = parse_direction(direction)
        length = validate_length(length) if length is not None else None
        validate_speed(speed)
        text = self.check(text)
        terms = self.glossary(glossary)
        source, target = pair if pair is not None else (None, None)
        return text, source, target, length, terms  # type: ignore[return-value]

    # -- work (one queue slot each)
    def _run(
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
        text: str,
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
        return self._run(work, cancel, progress)

    def digest(
        self,
        text: str,
        direction: str = "auto",
        length: str = DEFAULT_LENGTH,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
        glossary: object = None,
        speed: str = DEFAULT_SPEED,
    ) -> Digest:
        """Digest one article: its translation and its summary in both languages of its pair.

        Args:
            text: The article.
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
        text: str,
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
            text: The article.
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
        text: str,
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
        text: str,
        direction: str = "auto",
        length: str = DEFAULT_LENGTH,
        progress: Progress | None = None,
        cancel: CancelFlag | None = None,
        glossary: object = None,
        speed: str = DEFAULT_SPEED,
    ) -> BilingualSummary:
        """Summarise one article in both languages of its pair, translating only what that needs.

        Args:
            text: The article.
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
        text: str,
        direction: str = "auto",
        cancel: CancelFlag | None = None,
        glossary: object = None,
        speed: str = DEFAULT_SPEED,
    ) -> Translation:
        """Translate one article sentence by sentence (no summary).

        Args:
            text: The article.
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
        text, *_, terms = self._accept(text, direction, glossary=glossary, speed=speed)
        source, target = resolve_direction(direction, text)
        terms = self.digester.glossary_with(terms)

        def work() -> Translation:
            translator = self.digester.translator(source, target)
            options = translator.options.at_speed(speed)
            return translator.translate(text, options=options, glossary=terms, cancel=cancel)

        return self._run(work, cancel, None)

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

        Each text's language is the one given, or detected on its own; a text without
        letters, or already in the target language, comes back as it is. With ``html`` the
        texts are HTML: only their text is translated, the markup is kept (see
        :mod:`~bilingual_digest.markup`). All texts of one pair go to the model together.

        Args:
            texts: The texts.
            source: Their language, or ``None`` to detect each one's.
            target: The language to translate into.
            html: Whether the texts are HTML.
            cancel: Set it to stop the work (before its next model batch).

        Returns:
            One :class:`TextTranslation` per text, in order.

        Raises:
            TypeError: If a text is not a ``str``.
            InputError: If the texts together are over the character limit.
            UnsupportedLanguageError: If a language is unknown, can't be detected, or has no
                pair to the target.
            ServerBusyError: If the queue is full.
            Cancelled: If ``cancel`` was set before the work was done.
        """
        from .markup import join_html, split_html

        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"Text at index {i} must be a str, got {type(text).__name__}.")
        size = sum(len(text) for text in texts)
        if size > self.max_chars:
            raise InputError(
                f"The texts have {size:,} characters together, over the limit of "
                f"{self.max_chars:,}."
            )
        tgt = validate_language(target, "target")
        src = validate_language(source, "source") if source is not None else None
        parts = [split_html(text) if html else None for text in texts]
        units = [
            p.sources() if p is not None else _plain(t) for p, t in zip(parts, texts, strict=True)
        ]
        read = [self._read_as(u, src, tgt, i, len(texts)) for i, u in enumerate(units)]
        work = [i for i, (lang, _) in enumerate(read) if lang != tgt and units[i]]
        done = self._run(
            lambda: self._translate_units(work, units, read, tgt, cancel), cancel, None
        )
        results = []
        for i, text in enumerate(texts):
            out = done.get(i)
            if out is not None and parts[i] is not None:
                out = join_html(parts[i], out)  # type: ignore[arg-type]
            elif out is not None:
                out = out[0]
            results.append(TextTranslation(_as_is(text) if out is None else out, *read[i]))
        return results

    @staticmethod
    def _read_as(
        units: list[str], source: str | None, target: str, index: int, count: int
    ) -> tuple[str, float | None]:
        """The language a text is read as, and the detection's confidence (``None``: given)."""
        if source is not None:
            return source, None
        if not units:
            return target, 0.0  # nothing to translate: returned as it is
        from .detection import language_confidences

        try:
            code, confidence = language_confidences(" ".join(units))[0]
        except UnsupportedLanguageError as exc:
            where = f"Text at index {index}: " if count > 1 else ""
            raise UnsupportedLanguageError(
                f"{where}{exc.reason}", asks_for_language=exc.asks_for_language
            ) from None
        return code, confidence

    def _translate_units(
        self,
        work: list[int],
        units: list[list[str]],
        read: list[tuple[str, float | None]],
        target: str,
        cancel: CancelFlag | None,
    ) -> dict[int, list[str]]:
        """Translate the units of the texts in ``work``, one batched call per language pair."""
        by_pair: dict[str, list[int]] = {}
        for i in work:
            by_pair.setdefault(get_pair(read[i][0], target).key, []).append(i)
        done: dict[int, list[str]] = {}
        terms = self.digester.glossary_with()  # BILINGUAL_DIGEST_GLOSSARY's, if any
        for indices in by_pair.values():
            translator = self.digester.translator(read[indices[0]][0], target)
            flat = [unit for i in indices for unit in units[i]]
            outputs = iter(translator.translate_many(flat, glossary=terms, cancel=cancel))
            for i in indices:
                done[i] = [next(outputs).text for _ in units[i]]
        return done

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


def _plain(text: str) -> list[str]:
    """A plain text as the units to translate: itself, or nothing when it has no letters."""
    return [text] if any(ch.isalpha() for ch in text) else []


def _as_is(text: str) -> str:
    """A text returned untranslated, made safe to encode."""
    from .sanitize import without_surrogates

    return without_surrogates(text)


# --------------------------------------------------------------------------- answers as data


def translation_record(translation: Translation) -> dict[str, Any]:
    """A translation as the API returns it: the languages, the text, the aligned sentences."""
    return {
        "source_lang": translation.source_lang,
        "target_lang": translation.target_lang,
        "translation": translation.text,
        "segments": [
            {"index": s.index, "source": s.source, "translation": s.translation}
            for s in translation.segments
        ],
        "warnings": list(translation.warnings),
    }


def summary_record(summary: BilingualSummary) -> dict[str, Any]:
    """A bilingual summary as the API returns it.

    ``summary_en`` and ``summary_fr`` (the keys of the first round, ``""`` for a language not
    in the pair), and beside them ``target_lang`` and ``summaries`` (every summary by language).
    """
    return {
        "source_lang": summary.source_lang,
        "target_lang": summary.target_lang,
        "summary_en": summary.summary_en,
        "summary_fr": summary.summary_fr,
        "summaries": dict(summary.summaries),
        "warnings": list(summary.warnings),
    }
