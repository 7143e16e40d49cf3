"""The one-call digest: original, translation, summaries in both languages, and attribution.

Flows (the summariser works in English, :data:`~bilingual_digest.languages.SUMMARY_LANGUAGE`):

- **An article in another language** (French → English): translate the article to English,
  summarise the English translation, translate the English summary into the article's
  language.
- **An English article** (English → French): summarise the English original, then translate
  the article and the summary into the target language (one batched call).

:meth:`Digester.summarize` runs the same stages less the article's translation where the
summariser doesn't need it (an English article): only its summary is translated.

Which languages there are comes from the registry (:mod:`~bilingual_digest.languages`); a
digest needs English on one side of its pair, since that is what the summariser reads.
Attribution (:mod:`~bilingual_digest.attribution`) ties each English summary sentence to the
source segments it draws on.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .attribution import attribute, unsupported_notes
from .cancel import CancelFlag, check_cancelled
from .checks import LANGUAGES as CHECKED_LANGUAGES
from .checks import check_summary_numbers
from .detection import mixed_language_notes
from .documents import Article, TextOrArticle, is_url
from .errors import InputError, UnsupportedLanguageError
from .glossary import Glossary, GlossaryLike, as_glossary, combine, default_glossary
from .languages import SUMMARY_LANGUAGE, get_pair, language_name, pairs, resolve_pair
from .options import env, max_chars, resolve_device, summary_model, translation_model
from .results import BilingualSummary, Digest, summary_sentences
from .sanitize import prepare_text
from .segment import sentences
from .summarization import Summarizer, default_summarizer, validate_length
from .translation import Translation, Translator, default_translator

logger = logging.getLogger("bilingual_digest")

Progress = Callable[[float, str], None]
"""Called between stages with the fraction done (0 to 1) and what comes next."""

SUMMARY_KEY = "summary"
"""The key of the summariser among the digester's models (the translators' are pair keys)."""


# --- the digester ----------------------------------------------------------------------------


@dataclass
class _Job:
    """One document's way through the stages."""

    text: str
    source: str
    target: str
    article: Article | None = None
    glossary: Glossary | None = None  # bound to this article's direction
    translation: Translation | None = None
    summaries: dict[str, str] = dataclasses.field(default_factory=dict)
    warnings: list[str] = dataclasses.field(default_factory=list)
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    models: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def english(self) -> str:
        """The English text the summariser reads: the original, or the translation."""
        if self.source == SUMMARY_LANGUAGE:
            return self.text
        return self.translation.text if self.translation is not None else ""

    @property
    def summary_languages(self) -> list[str]:
        """The languages the English summary is translated into (the pair's other side)."""
        return [code for code in (self.source, self.target) if code != SUMMARY_LANGUAGE]


class Digester:
    """Holds the translators and the summariser, and turns articles into :class:`Digest` objects.

    Build one and reuse it (the web UI and the batch script do): models load once, on first
    use or on :meth:`warm_up`.

    Args:
        fr_en: The French→English translator; ``None`` for the default one (lazily loaded).
        en_fr: The English→French translator; ``None`` for the default one.
        summarizer: The summariser; ``None`` for the default one.
        max_chars: Largest accepted article; ``None`` reads ``BILINGUAL_DIGEST_MAX_CHARS`` at
            each call (the batch script passes its own ``--max-chars``).
        translators: Ready translators for any registered pair, by pair key (``"de-en"``);
            pairs not given are loaded on first use, by ``load_translator``.
        load_translator: Builds the translator for ``(source, target)`` when first needed;
            default: the shared default translator of the pair.
        glossary: Terms to translate as the user says, in the article and in the summary
            (a ``Glossary``, a ``dict`` or a file's path; see :mod:`~bilingual_digest.glossary`).
            Entries without a pair are read in each article's direction, and reversed for
            its summary's translation back into the article's language. Default (``None``):
            the file named by ``BILINGUAL_DIGEST_GLOSSARY``, if any, read at each call;
            ``{}`` for none. Give it here rather than to the translators, which don't know
            the article's direction when they translate a summary.

    Raises:
        ValueError: If ``max_chars`` is not a positive integer.
        GlossaryError: If the glossary can't be used.
    """

    def __init__(
        self,
        fr_en: Translator | None = None,
        en_fr: Translator | None = None,
        summarizer: Summarizer | None = None,
        max_chars: int | None = None,
        *,
        translators: Mapping[str, Translator] | None = None,
        load_translator: Callable[[str, str], Translator] | None = None,
        glossary: GlossaryLike = None,
    ) -> None:
        if max_chars is not None and (
            isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1
        ):
            raise ValueError(f"max_chars must be a positive integer or None, got {max_chars!r}.")
        self.max_chars = max_chars
        self._models: dict[str, Translator | Summarizer] = dict(translators or {})
        given = {"fr-en": fr_en, "en-fr": en_fr, SUMMARY_KEY: summarizer}
        self._models.update({key: model for key, model in given.items() if model is not None})
        self._load_translator = load_translator or default_translator
        self.glossary: Glossary | None = as_glossary(glossary)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Digester(loaded={list(self._models)})"

    def _get(self, key: str) -> Any:
        with self._lock:
            if key not in self._models:
                if key == SUMMARY_KEY:
                    self._models[key] = default_summarizer()
                else:
                    pair = next(p for p in pairs() if p.key == key)
                    self._models[key] = self._load_translator(pair.source, pair.target)
            return self._models[key]

    def translator(self, source: str, target: str | None = None) -> Translator:
        """The translator for a registered pair, loaded.

        Args:
            source: Source language code.
            target: Target language code; ``None`` for the source's default target.

        Raises:
            UnsupportedLanguageError: If the pair is not registered.
            ModelUnavailableError: If the model cannot be loaded.
        """
        src, tgt = resolve_pair(source, target)
        return self._get(get_pair(src, tgt).key)

    @property
    def summarizer(self) -> Summarizer:
        """The summariser, loaded.

        Raises:
            ModelUnavailableError: If the model cannot be loaded.
        """
        return self._get(SUMMARY_KEY)

    def warm_up(self) -> dict[str, str]:
        """Load every model now rather than on first use.

        Returns:
            ``{"fr-en": ..., "en-fr": ..., "summary": ...}`` (every registered pair, then the
            summariser), each ``"ready"`` or the message of the error that prevented
            loading. Never raises.
        """
        status = {}
        for key in model_keys():
            try:
                self._get(key)
                status[key] = "ready"
            except Exception as exc:  # reported, not raised: the UI shows it
                logger.warning("Could not load the %s model: %s", key, exc)
                status[key] = str(exc) or type(exc).__name__
        return status

    def digest(
        self,
        text: TextOrArticle,
        source: str | None = None,
        length: str = "medium",
        progress: Progress | None = None,
        *,
        target: str | None = None,
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> Digest:
        """Translate and summarise one article in both languages of its pair.

        An article in another language: translate it to English, summarise the English
        translation, translate the summary back. An English article: summarise the original,
        translate the article and the summary into the target language.

        Args:
            text: The article, up to ``BILINGUAL_DIGEST_MAX_CHARS``: a text, or an
                :class:`~bilingual_digest.documents.Article` (from
                :func:`~bilingual_digest.articles.fetch_article` or
                :func:`~bilingual_digest.articles.extract_article`), whose title and text
                are digested and whose metadata the digest carries.
            source: Its language code; ``None`` detects it.
            length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
            progress: Called between stages with the fraction done and the next stage.
            target: The translation's language; ``None`` for the source's default target.
            glossary: More glossary entries for this article, added to the digester's own
                (these win for the same term).
            cancel: Checked between stages and before each batch sent to a model; see
                :mod:`~bilingual_digest.cancel`.

        Returns:
            The :class:`Digest`.

        Raises:
            TypeError: If ``text`` is neither a ``str`` nor an ``Article``.
            InputError: If ``text`` is empty, over the size limit or a bare link (fetch it
                first with ``fetch_article``), or ``length`` is not a preset.
            UnsupportedLanguageError: If the language is unknown or can't be detected, or the
                pair has no English side.
            ModelUnavailableError: If a model cannot be loaded.
            GlossaryError: If the glossary can't be used.
            Cancelled: If ``cancel`` was set before the work was done.
        """
        if isinstance(text, (list, tuple)):
            raise TypeError(
                "digest() takes one article as a str; for several, use Digester.digest_many()."
            )
        jobs = self._jobs([text], source, target, glossary)
        total = self._stages(jobs, length, progress, articles=True, cancel=cancel)
        return _finish(jobs[0], total)

    def summarize(
        self,
        text: TextOrArticle,
        source: str | None = None,
        length: str = "medium",
        progress: Progress | None = None,
        *,
        target: str | None = None,
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> BilingualSummary:
        """Summarise one article in both languages of its pair, translating only what that needs.

        The stages of :meth:`digest`, less the article's translation when the summariser
        can read the article as it is: an English article is summarised, and only its summary
        is translated. An article in another language is still translated into English (the
        summariser reads English).

        Args:
            text: The article, up to ``BILINGUAL_DIGEST_MAX_CHARS`` (a text or an
                :class:`~bilingual_digest.documents.Article`).
            source: Its language code; ``None`` detects it.
            length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
            progress: Called between stages with the fraction done and the next stage.
            target: The pair's other language; ``None`` for the source's default target.
            glossary: More glossary entries (see :meth:`digest`).
            cancel: Checked between stages and before each batch sent to a model.

        Returns:
            The :class:`BilingualSummary`: the summaries by language, with the warnings.

        Raises:
            The errors of :meth:`digest`.
        """
        jobs = self._jobs([text], source, target, glossary)
        total = self._stages(jobs, length, progress, articles=False, cancel=cancel)
        return _finish_summary(jobs[0], total)

    def digest_many(
        self,
        texts: Sequence[TextOrArticle],
        source: str | None = None,
        length: str = "medium",
        *,
        target: str | None = None,
        glossary: GlossaryLike = None,
    ) -> list[Digest]:
        """Digest several articles, batching each translation stage across them.

        Args:
            texts: Articles, texts or :class:`~bilingual_digest.documents.Article` objects
                (their languages may mix when ``source`` is ``None``).
            source: The language of all of them; ``None`` detects each one's.
            length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
            target: The translations' language; ``None`` for each source's default target.
            glossary: More glossary entries for these articles (see :meth:`digest`).

        Returns:
            One :class:`Digest` per article, in order.

        Raises:
            TypeError: If ``texts`` is a ``str`` or holds something other than ``str`` or
                ``Article``.
            InputError: If a text is empty or over the size limit (the message gives its
                index), or ``length`` is not a preset.
            UnsupportedLanguageError: If a language is unknown or can't be detected.
            ModelUnavailableError: If a model cannot be loaded.
        """
        if isinstance(texts, str):
            raise TypeError("digest_many() takes a list of texts; use digest() for one str.")
        jobs = self._jobs(list(texts), source, target, glossary)
        total = self._stages(jobs, length, None, articles=True)
        return [_finish(job, total) for job in jobs]

    def glossary_with(self, glossary: GlossaryLike = None) -> Glossary | None:
        """The digester's glossary (or ``BILINGUAL_DIGEST_GLOSSARY``'s) with a call's added.

        Raises:
            GlossaryError: If a glossary can't be used.
        """
        return combine(default_glossary() if self.glossary is None else self.glossary, glossary)

    def _jobs(
        self,
        texts: list[TextOrArticle],
        source: str | None,
        target: str | None,
        glossary: GlossaryLike,
    ) -> list[_Job]:
        limit = max_chars() if self.max_chars is None else self.max_chars
        terms = self.glossary_with(glossary)
        jobs = []
        for i, text in enumerate(texts):
            what = "text" if len(texts) == 1 else f"text at index {i}"
            clean = prepare_text(text, what, limit)
            if is_url(clean.text):
                raise InputError(
                    f"The {what} is a link, not an article: fetch it first "
                    "(digest(fetch_article(url)))."
                )
            article = text if isinstance(text, Article) else None
            job = _Job(clean.text, *resolve_pair(source, target, clean.text), article=article)
            if SUMMARY_LANGUAGE not in (job.source, job.target):
                raise UnsupportedLanguageError(
                    f"A digest needs {language_name(SUMMARY_LANGUAGE)} on one side (the "
                    f"summariser reads it); {job.source}→{job.target} has none. Translate the "
                    "text instead, or digest it into English."
                )
            job.warnings.extend(clean.notes)
            job.warnings.extend(mixed_language_notes(job.text, job.source, job.target))
            job.glossary = terms.bound(job.source, job.target) if terms else None
            jobs.append(job)
        return jobs

    def _stages(
        self,
        jobs: list[_Job],
        length: str,
        progress: Progress | None,
        *,
        articles: bool,
        cancel: CancelFlag | None = None,
    ) -> float:
        """Run the stages over the jobs; return the seconds they took.

        With ``articles`` False, English articles are not translated (only their summaries).
        ``cancel`` is checked before each stage and, inside them, before each model batch.
        """
        length = validate_length(length)
        first = [job for job in jobs if job.source != SUMMARY_LANGUAGE]
        english = language_name(SUMMARY_LANGUAGE)
        stages = [f"Translating the article to {english}"] if first else []
        last = {job.target for job in jobs if job.source == SUMMARY_LANGUAGE}
        last.update(code for job in jobs for code in job.summary_languages)
        names = " and ".join(sorted(language_name(code) for code in last))
        stages += [f"Summarising in {english}", f"Translating to {names}"]
        step = iter(range(len(stages)))
        given = progress or (lambda fraction, stage: None)

        def report(fraction: float, stage: str) -> None:
            check_cancelled(cancel)
            given(fraction, stage)

        started = time.perf_counter()

        if first:  # stage: the articles into English, batched per pair
            report(next(step) / len(stages), stages[0])
            self._translate_articles(first, cancel)

        report(next(step) / len(stages), stages[-2])
        for job in jobs:
            self._summarize(job, length, cancel)

        # stage: the English articles and every summary out of English, batched per pair
        report(next(step) / len(stages), stages[-1])
        self._translate_from_english(jobs, articles=articles, cancel=cancel)
        total = time.perf_counter() - started
        report(1.0, "Done")
        return total

    def _translate_articles(self, jobs: list[_Job], cancel: CancelFlag | None) -> None:
        for (src, tgt), group in _grouped(jobs, lambda job: (job.source, job.target)).items():
            translator = self.translator(src, tgt)  # one direction: one bound glossary
            texts = [job.text for job in group]
            outputs, seconds = _timed(
                translator.translate_many, texts, glossary=group[0].glossary, cancel=cancel
            )
            for job, out in zip(group, outputs, strict=True):
                _set_translation(job, out, seconds, translator.model)

    def _translate_from_english(
        self, jobs: list[_Job], *, articles: bool, cancel: CancelFlag | None
    ) -> None:
        # (job, language, "article" | "summary"): the articles first, then the summaries
        english = [job for job in jobs if job.source == SUMMARY_LANGUAGE] if articles else []
        work = [(job, job.target, "article") for job in english]
        for job in jobs:
            if job.summaries.get(SUMMARY_LANGUAGE):
                work += [(job, code, "summary") for code in job.summary_languages]
        # one call per language and glossary (entries without a pair follow each article)
        for (code, glossary), items in _grouped(work, lambda i: (i[1], i[0].glossary)).items():
            translator = self.translator(SUMMARY_LANGUAGE, code)
            inputs = [job.text if kind == "article" else job.summaries[SUMMARY_LANGUAGE]
                      for job, _, kind in items]  # fmt: skip
            outputs, seconds = _timed(
                translator.translate_many, inputs, glossary=glossary, cancel=cancel
            )
            for (job, _, kind), out in zip(items, outputs, strict=True):
                if kind == "article":
                    _set_translation(job, out, seconds, translator.model)
                    continue
                job.summaries[code] = out.text
                job.models[f"{SUMMARY_LANGUAGE}-{code}"] = translator.model
                job.warnings.extend(f"Summary translation: {w}" for w in out.warnings)
                if job.source != SUMMARY_LANGUAGE or not articles:  # not timed with the article
                    job.timings["translate_summary"] = seconds

    def _summarize(self, job: _Job, length: str, cancel: CancelFlag | None) -> None:
        if not job.english.strip():
            job.warnings.append(
                "Summary: the translation is empty, so there is nothing to summarise."
            )
            return
        summary, seconds = _timed(self.summarizer.summarize, job.english, length, cancel=cancel)
        job.timings["summarize"] = seconds
        job.summaries[SUMMARY_LANGUAGE] = summary.text
        job.warnings.extend(f"Summary: {w}" for w in summary.warnings)
        if summary.model_called:
            job.models[SUMMARY_KEY] = summary.model


def model_keys() -> tuple[str, ...]:
    """The digester's model keys: every registered pair's key, then ``"summary"``."""
    return (*(pair.key for pair in pairs()), SUMMARY_KEY)


def _grouped(items: Sequence[Any], key: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    groups: dict[Any, list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _timed(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - began


def _set_translation(job: _Job, translation: Translation, seconds: float, model: str) -> None:
    job.translation = translation
    job.timings["translate"] = seconds
    job.models[f"{translation.source_lang}-{translation.target_lang}"] = model
    job.warnings.extend(f"Article translation: {w}" for w in translation.warnings)


def _finish(job: _Job, total: float) -> Digest:
    translation = job.translation
    assert translation is not None  # every job went through a translation stage
    english_side = [
        seg.source if job.source == SUMMARY_LANGUAGE else seg.translation
        for seg in translation.segments
    ]
    attribution, notes = _summary_support(job, english_side)
    return Digest(
        translation=translation,
        attribution=attribution,
        **_finished_fields(job, notes, total),
    )


def _finish_summary(job: _Job, total: float) -> BilingualSummary:
    if job.translation is not None:  # the article was translated into English
        english_side = [seg.translation for seg in job.translation.segments]
    else:  # an English article, not translated: its own sentences
        english_side = [piece.text for piece in sentences(job.text, SUMMARY_LANGUAGE)]
    _, notes = _summary_support(job, english_side)
    return BilingualSummary(**_finished_fields(job, notes, total))


def _summary_support(
    job: _Job, english_side: Sequence[str]
) -> tuple[tuple[tuple[int, ...], ...], list[str]]:
    """Each summary sentence's sources on the article's English side, and the notes on both."""
    summary_en = job.summaries.get(SUMMARY_LANGUAGE, "")
    summary = summary_sentences(summary_en)
    attribution = attribute(summary, english_side)
    numbers = (
        check_summary_numbers(summary_en, job.text, SUMMARY_LANGUAGE, job.source)
        if summary_en and job.source in CHECKED_LANGUAGES
        else []
    )
    notes = [
        *unsupported_notes(summary, attribution),
        *(f"Summary: {finding.message}" for finding in numbers),
    ]
    return attribution, notes


def _finished_fields(job: _Job, notes: Sequence[str], total: float) -> dict[str, Any]:
    """The fields a :class:`Digest` and a :class:`BilingualSummary` share, from a finished job."""
    order = {key: i for i, key in enumerate(model_keys())}
    summaries = {code: job.summaries.get(code, "") for code in (job.source, job.target)}
    return {
        "original": job.text,
        "source_lang": job.source,
        "target_lang": job.target,
        "summaries": dict(sorted(summaries.items(), key=lambda item: item[0] != SUMMARY_LANGUAGE)),
        "warnings": (*job.warnings, *notes),
        "timings": {**job.timings, "total": total},
        "models": dict(sorted(job.models.items(), key=lambda item: order.get(item[0], len(order)))),
        "article": job.article,
    }


def _settings() -> tuple[str | None, ...]:
    device = resolve_device(None)
    models = tuple(translation_model(pair.source, pair.target) for pair in pairs())
    return (*models, summary_model(), device, env("BACKEND"))


@functools.lru_cache(maxsize=2)
def _cached_digester(settings: tuple[str | None, ...]) -> Digester:
    return Digester()


def default_digester() -> Digester:
    """The shared :class:`Digester` for the current settings (models, device, backend)."""
    return _cached_digester(_settings())


def digest(
    text: TextOrArticle,
    source: str | None = None,
    length: str = "medium",
    *,
    target: str | None = None,
    glossary: GlossaryLike = None,
) -> Digest:
    """Translate and summarise one article in both languages, with the default models.

    An article in another language: translate it to English, summarise the English
    translation, translate the summary back. An English article: summarise the original,
    translate the article and the summary into the target language. See
    :meth:`Digester.digest`.

    Args:
        text: The article, up to ``BILINGUAL_DIGEST_MAX_CHARS``: a text or an
            :class:`~bilingual_digest.documents.Article` (``fetch_article(url)``).
        source: Its language code (``"fr"``, ``"en"`` …); ``None`` detects it.
        length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
        target: The translation's language; ``None`` for the source's default target.
        glossary: Terms to translate as you say, in the article and in its summary (a
            ``Glossary``, a ``dict`` of source term → target term, or a glossary file's
            path), added to the file named by ``BILINGUAL_DIGEST_GLOSSARY``, if any.

    Returns:
        The :class:`Digest`.

    Raises:
        BilingualDigestError: The errors of :meth:`Digester.digest` (``TypeError`` for
            neither a ``str`` nor an ``Article``, ``InputError`` / ``ValueError`` for bad
            input, unsupported languages, models that can't be loaded).
    """
    return default_digester().digest(text, source, length, target=target, glossary=glossary)
