"""The per-document work, shared by every engine: documents in, record dicts out.

An engine (the local loop, a Ray actor pool, ...) builds one :class:`Worker` per process from
a picklable :class:`WorkSpec` and calls :meth:`Worker.process` on lists of documents. The
worker loads each model once, on first use, and batches the sentences of all the documents it
is given together.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import BilingualDigestError
from ..glossary import Glossary, as_glossary, default_glossary
from ..languages import (
    find_pair,
    get_pair,
    pairs,
    parse_direction,
    register_all,
    registered_at_run_time,
    resolve_pair,
)
from ..options import TranslationOptions, validate_backend, validate_device
from ..results import plain_data
from ..sanitize import clean_text
from .documents import Document
from .guard import RunStopped

logger = logging.getLogger("bilingual_digest")

Record = dict[str, Any]


@dataclass(frozen=True)
class WorkSpec:
    """Everything a worker needs, as plain picklable values (ship it to other processes).

    Attributes:
        direction: ``"auto"`` (detect each document's language), ``"fr-en"`` or ``"en-fr"``.
        summarize: Also summarise each document in English and French.
        length: Summary length, passed to the digester.
        model_fr_en: fr→en model override (else the environment variable or the default).
        model_en_fr: en→fr model override.
        model_summary: Summariser override.
        models: Model overrides for any registered pair, by pair key (``{"de-en": dir}``);
            ``model_fr_en``/``model_en_fr`` are the same as ``models["fr-en"]``/``["en-fr"]``.
        device: ``"cpu"``/``"cuda"``; ``None`` reads ``BILINGUAL_DIGEST_DEVICE``.
        backend: Backend name; ``None`` reads ``BILINGUAL_DIGEST_BACKEND``.
        options: Translation decoding options.
        summary_options: Summariser decoding options (a
            :class:`~bilingual_digest.summarization.SummaryOptions`); ``None`` for its defaults.
        cache: SQLite sentence-cache file, or ``None`` for no cache.
        glossary: The glossary (a :class:`~bilingual_digest.glossary.Glossary`, a ``dict`` or
            a file's path; ``None``: the file named by ``BILINGUAL_DIGEST_GLOSSARY``, if any).
            It is read here, in the planning process, and shipped to the workers as data;
            entries without a pair follow each document's direction.
        registry: Languages and pairs registered at run time in the planning process (filled
            in automatically), replayed by each worker so that every process knows them.
    """

    direction: str = "auto"
    summarize: bool = False
    length: str = "medium"
    model_fr_en: str | None = None
    model_en_fr: str | None = None
    model_summary: str | None = None
    device: str | None = None
    backend: str | None = None
    options: TranslationOptions = field(default_factory=TranslationOptions)
    summary_options: Any = None
    cache: str | None = None
    models: Mapping[str, str] = field(default_factory=dict)
    registry: Mapping[str, Any] = field(default_factory=registered_at_run_time)
    glossary: Any = None

    def __post_init__(self) -> None:
        parse_direction(self.direction)
        overrides = dict(self.models)
        for key, value in (("fr-en", self.model_fr_en), ("en-fr", self.model_en_fr)):
            if value is not None:
                overrides[key] = value
        for key in overrides:
            source, _, target = key.partition("-")
            get_pair(source, target)  # an unknown pair is refused here, not at the first document
        object.__setattr__(self, "models", overrides)
        if not isinstance(self.options, TranslationOptions):
            raise TypeError("WorkSpec.options must be a TranslationOptions instance.")
        if self.backend is not None:
            validate_backend(self.backend)
        if self.device is not None:
            validate_device(self.device)
        terms = default_glossary() if self.glossary is None else as_glossary(self.glossary)
        object.__setattr__(self, "glossary", terms if terms is not None else Glossary())

    def model_for(self, source: str, target: str) -> str | None:
        """The model override for a pair, or ``None`` for its configured default."""
        pair = find_pair(source, target)
        return self.models.get(pair.key) if pair is not None else None

    def pair(self) -> tuple[str, str] | None:
        """The fixed ``(source, target)`` pair, or ``None`` when the direction is detected."""
        return parse_direction(self.direction)

    def build(self) -> Worker:
        """A worker for this spec (models load lazily, on first use)."""
        return Worker(self)


def error_record(doc: Document, error: str, warnings: Sequence[str] = ()) -> Record:
    """The record of a document that failed.

    Args:
        doc: The document.
        error: Plain-language reason.
        warnings: Notes gathered before it failed.

    Returns:
        ``{"id", "source", "error", "warnings"}``, and ``duplicate_of`` for a repeated id.
    """
    record: Record = {
        "id": doc.id,
        "source": doc.source,
        "error": error,
        "warnings": list(warnings),
    }
    if doc.duplicate_of is not None:
        record["duplicate_of"] = doc.duplicate_of
    return record


@dataclass
class _Job:
    index: int
    doc: Document
    text: str
    warnings: list[str]


class Worker:
    """Turns documents into records; holds the loaded models of one process.

    Args:
        spec: What to do and with which models.
        translators: Ready translators by ``(source, target)``, used instead of loading
            models (for tests and for callers that built them already).
        digester: A ready digester, used for ``spec.summarize`` instead of building one.
    """

    def __init__(
        self,
        spec: WorkSpec,
        translators: Mapping[tuple[str, str], Any] | None = None,
        digester: Any | None = None,
    ) -> None:
        register_all(spec.registry)
        self.spec = spec
        self._translators: dict[tuple[str, str], Any] = dict(translators or {})
        self._digester = digester
        self._caches: list[Any] = []

    def translator(self, source: str, target: str) -> Any:
        """The translator for a pair, loaded on first use (wrapped in the cache if any).

        Raises:
            ModelUnavailableError: If the model can't be loaded.
        """
        pair = (source, target)
        if pair not in self._translators:
            from ..translation import Translator

            translator = Translator(
                source,
                target,
                model=self.spec.model_for(source, target),
                device=self.spec.device,
                backend=self.spec.backend,
                options=self.spec.options,
                glossary=Glossary(),  # the spec's is passed at each call, bound to a direction
            )
            if self.spec.cache is not None:
                from .sentence_cache import SentenceCache

                translator.backend = SentenceCache(translator.backend, self.spec.cache)
                self._caches.append(translator.backend)
            self._translators[pair] = translator
        return self._translators[pair]

    def digester(self) -> Any:
        """The digester (this worker's translators and the summariser), built on first use."""
        if self._digester is None:
            from ..digest import Digester
            from ..summarization import Summarizer

            summarizer = Summarizer(
                model=self.spec.model_summary,
                device=self.spec.device,
                backend=self.spec.backend,
                options=self.spec.summary_options,
            )
            self._digester = Digester(
                summarizer=summarizer,
                max_chars=sys.maxsize,  # documents were size-checked when read (--max-chars)
                load_translator=self.translator,
                glossary=self.spec.glossary,
            )
        return self._digester

    def prepare(self) -> None:
        """Load every model the run may need now, so that one that can't be loaded stops the
        run before it starts: the direction's translator (with ``direction="auto"``, every
        registered pair's), and with summaries the summariser and the way back.

        Raises:
            ModelUnavailableError: If a model can't be loaded.
            DeviceUnavailableError: If the device isn't available.
        """
        fixed = self.spec.pair()
        wanted = {(p.source, p.target) for p in pairs()} if fixed is None else {fixed}
        if self.spec.summarize:
            self.digester()
            wanted |= {(t, s) for s, t in wanted if find_pair(t, s) is not None}
        for source, target in sorted(wanted):
            self.translator(source, target)

    def process(self, docs: Sequence[Document]) -> list[Record]:
        """Translate (and summarise) documents, batching their sentences together.

        A document that fails gets an error record; the others are unaffected. Models that
        can't be loaded are not a document's fault: that error is raised.

        Args:
            docs: The documents; those with ``error`` set get an error record directly.

        Returns:
            One record per document, in order (see the package docs for the format).

        Raises:
            ModelUnavailableError: If a model can't be loaded.
            DeviceUnavailableError: If the device isn't available.
            RunStopped: If the machinery fails (the sentence cache, the disk): that is no
                document's fault, so no error record is made for it.
        """
        records: list[Record | None] = [None] * len(docs)
        groups: dict[tuple[str, str], list[_Job]] = {}
        for i, doc in enumerate(docs):
            if doc.error is not None or doc.text is None:
                records[i] = error_record(doc, doc.error or "No text.", doc.warnings)
                continue
            cleaned = clean_text(doc.text)
            warnings = [*doc.warnings, *cleaned.notes]
            try:
                pair = self.spec.pair() or resolve_pair(None, None, cleaned.text)
            except BilingualDigestError as exc:
                records[i] = error_record(doc, str(exc), warnings)
                continue
            if not cleaned.text.strip():
                records[i] = error_record(doc, "There is no text left to translate.", warnings)
                continue
            groups.setdefault(pair, []).append(_Job(i, doc, cleaned.text, warnings))
        for pair, jobs in groups.items():
            for job, record in zip(jobs, self._run_group(pair, jobs), strict=True):
                records[job.index] = record
        return records  # type: ignore[return-value]

    def _run_group(self, pair: tuple[str, str], jobs: list[_Job]) -> list[Record]:
        engine = self.digester() if self.spec.summarize else self.translator(*pair)
        try:
            return self._records(engine, pair, jobs)
        except Exception as exc:
            if isinstance(exc, (OSError, sqlite3.Error, MemoryError)):
                raise self._stopped(exc) from exc
            if len(jobs) == 1:
                logger.debug("Document %s failed", jobs[0].doc.id, exc_info=True)
                return [error_record(jobs[0].doc, _failure(exc), jobs[0].warnings)]
        # One document spoiled the batch: redo them one by one to find which.
        return [record for job in jobs for record in self._run_group(pair, [job])]

    def _records(self, engine: Any, pair: tuple[str, str], jobs: list[_Job]) -> list[Record]:
        texts = [job.text for job in jobs]
        if not self.spec.summarize:
            terms = self.spec.glossary.bound(*pair)
            return [
                _record(job, t, t.warnings)
                for job, t in zip(jobs, engine.translate_many(texts, glossary=terms), strict=True)
            ]
        digests = engine.digest_many(texts, source=pair[0], length=self.spec.length, target=pair[1])
        records = []
        for job, digest in zip(jobs, digests, strict=True):
            record = _record(job, digest.translation, digest.warnings)
            record.update({f"summary_{code}": text for code, text in digest.summaries.items()})
            records.append(record)
        return records

    def _stopped(self, exc: BaseException) -> BaseException:
        if isinstance(exc, BilingualDigestError):
            return exc
        if isinstance(exc, sqlite3.Error):
            return RunStopped(
                f"The sentence cache {self.spec.cache!r} failed during the run ({exc}): make it "
                "writable again (or give another --cache) and run the same command again."
            )
        return RunStopped(f"The run had to stop ({type(exc).__name__}: {exc}).")

    def close(self) -> None:
        """Close the sentence caches this worker opened."""
        for cache in self._caches:
            cache.close()
        self._caches.clear()


def _record(job: _Job, translation: Any, warnings: Sequence[str]) -> Record:
    record = {
        "id": job.doc.id,
        "source": job.doc.source,
        "source_lang": translation.source_lang,
        "target_lang": translation.target_lang,
        "translation": translation.text,
        "segments": [plain_data(asdict(s)) for s in translation.segments],
        "warnings": list(dict.fromkeys([*job.warnings, *warnings])),
    }
    if job.text != job.doc.text or job.doc.article is not None:
        record["text"] = job.text  # cleaned (HTML, NUL, CRLF), or a page's article: the
        # text the offsets index, which no input holds as such
    if job.doc.article is not None:
        record["article"] = job.doc.article
    return record


def _failure(exc: BaseException) -> str:
    if isinstance(exc, BilingualDigestError):
        return str(exc)
    return f"Translation failed ({type(exc).__name__}: {exc})."
