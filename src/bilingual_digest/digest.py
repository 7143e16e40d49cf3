"""The one-call digest: original, translation, English and French summaries, and attribution.

Flows (the summariser works in English):

- **French → English**: translate the article to English, summarise the English
  translation, translate the English summary to French.
- **English → French**: summarise the English original, then translate the article and the
  summary to French (one batched call).

Attribution ties each English summary sentence to the source segments it draws on, by
lexical overlap of content words with the English side of the segments (the translation for
French articles, the original for English ones), so a UI can highlight them in both
languages. A summary sentence that matches nothing is flagged as a possible hallucination.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .checks import check_summary_numbers
from .errors import InputError, UnsupportedLanguageError
from .languages import LANGUAGES, SUMMARY_LANGUAGE, detect_language, resolve_pair
from .options import (
    check_text,
    env,
    max_chars,
    resolve_device,
    summary_model,
    translation_model,
)
from .sanitize import clean_text
from .segment import paragraphs, sentences
from .summarization import Summarizer, default_summarizer, validate_length
from .translation import Translation, Translator, default_translator

logger = logging.getLogger("bilingual_digest")

Progress = Callable[[float, str], None]
"""Called between stages with the fraction done (0 to 1) and what comes next."""

MODEL_KEYS = ("fr-en", "en-fr", "summary")


@dataclass(frozen=True)
class Digest:
    """Everything the product shows for one article.

    Attributes:
        original: The article as given.
        source_lang: Its language, ``"fr"`` or ``"en"``.
        target_lang: The other one.
        translation: The article's :class:`~bilingual_digest.translation.Translation`, with
            its segments (sentence alignment).
        summary_en: The English summary.
        summary_fr: Its French version.
        attribution: For each sentence of :meth:`summary_sentences`, the sorted indices of
            the translation's segments that support it (empty: no support found).
        warnings: Plain-language notes from every stage.
        timings: Seconds per stage that ran: ``translate`` (the article; for English
            articles, the article and the summary together), ``summarize``,
            ``translate_summary`` (French articles) and ``total``. With
            :meth:`Digester.digest_many` the translation stages are batched, so their times
            are those of the whole batch.
        models: Model ids used, under ``"fr-en"``, ``"en-fr"`` and ``"summary"`` (absent
            when the text was too short to need the summariser).
    """

    original: str
    source_lang: str
    target_lang: str
    translation: Translation
    summary_en: str
    summary_fr: str
    attribution: tuple[tuple[int, ...], ...]
    warnings: tuple[str, ...]
    timings: dict[str, float]
    models: dict[str, str]

    def summary_sentences(self) -> tuple[str, ...]:
        """The sentences of ``summary_en`` that :attr:`attribution` refers to, in order."""
        return summary_sentences(self.summary_en)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of every field (segments included) and the summary sentences.

        Returns:
            Plain dicts, lists, strings and numbers.
        """
        data = plain_data(dataclasses.asdict(self))
        data["summary_sentences"] = list(self.summary_sentences())
        return data


def plain_data(value: Any) -> Any:
    """Tuples as lists, recursively, so a dict equals its own JSON reading."""
    if isinstance(value, dict):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(item) for item in value]
    return value


def summary_sentences(summary: str) -> tuple[str, ...]:
    """Split an English summary into sentences (the unit of attribution).

    Args:
        summary: The English summary; may be empty.

    Returns:
        Its sentences, in order.
    """
    if not summary.strip():
        return ()
    return tuple(piece.text for piece in sentences(summary, SUMMARY_LANGUAGE))


# --- attribution -----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*", re.UNICODE)
_STOPWORDS = frozenset(
    """a about after also an and are as at be been before being but by can could did do does
    for from had has have he her his i if in into is it its more most not of on or other our
    out over said says she so some such than that the their them then there these they this
    those to up was we were what when where which while who will with would you your""".split()  # noqa: SIM905
)


def content_words(text: str) -> frozenset[str]:
    """The words that carry meaning: lower-cased, stop words dropped, plural ``-s`` removed.

    Args:
        text: English text.

    Returns:
        The set of normalised words (numbers included).
    """
    words = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def attribute(
    summary: Sequence[str], sources: Sequence[str], *, max_segments: int = 3
) -> tuple[tuple[int, ...], ...]:
    """Tie each summary sentence to the source sentences it draws on, by content-word overlap.

    For each summary sentence, the source sentence sharing the most of its content words is
    taken, then the one sharing most of the words still uncovered, and so on, while each
    covers at least ``max(2, 20 %)`` of the sentence's words (all of them for a sentence of
    one word), up to ``max_segments``.

    Args:
        summary: Summary sentences (English).
        sources: Source sentences (English), e.g. the segments' English side.
        max_segments: Most source sentences tied to one summary sentence.

    Returns:
        For each summary sentence, the sorted indices of its sources; empty when none
        qualifies (or the sentence has no content words).
    """
    source_words = [content_words(s) for s in sources]
    result = []
    for sentence in summary:
        remaining = set(content_words(sentence))
        needed = min(len(remaining), max(2, math.ceil(0.2 * len(remaining))))
        chosen: list[int] = []
        while remaining and source_words and len(chosen) < max_segments:
            gains = [len(remaining & words) for words in source_words]
            best = max(range(len(gains)), key=lambda i: (gains[i], -i))
            if gains[best] < needed:
                break
            chosen.append(best)
            remaining -= source_words[best]
        result.append(tuple(sorted(chosen)))
    return tuple(result)


def _unsupported(summary: Sequence[str], attribution: Sequence[tuple[int, ...]]) -> list[str]:
    return [
        f'Summary sentence {i + 1} ("{sentence}") matches nothing in the article: it may not be '
        "supported by the source (a possible hallucination)."
        for i, (sentence, support) in enumerate(zip(summary, attribution, strict=True))
        if not support and content_words(sentence)
    ]


# --- the digester ----------------------------------------------------------------------------


@dataclass
class _Job:
    """One document's way through the stages."""

    text: str
    source: str
    target: str
    translation: Translation | None = None
    summary_en: str = ""
    summary_fr: str = ""
    warnings: list[str] = dataclasses.field(default_factory=list)
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    models: dict[str, str] = dataclasses.field(default_factory=dict)


class Digester:
    """Holds the three models and turns articles into :class:`Digest` objects.

    Build one and reuse it (the web UI and the batch script do): models load once, on first
    use or on :meth:`warm_up`.

    Args:
        fr_en: The French→English translator; ``None`` for the default one (lazily loaded).
        en_fr: The English→French translator; ``None`` for the default one.
        summarizer: The summariser; ``None`` for the default one.
        max_chars: Largest accepted article; ``None`` reads ``BILINGUAL_DIGEST_MAX_CHARS`` at
            each call (the batch script passes its own ``--max-chars``).

    Raises:
        ValueError: If ``max_chars`` is not a positive integer.
    """

    def __init__(
        self,
        fr_en: Translator | None = None,
        en_fr: Translator | None = None,
        summarizer: Summarizer | None = None,
        max_chars: int | None = None,
    ) -> None:
        if max_chars is not None and (
            isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1
        ):
            raise ValueError(f"max_chars must be a positive integer or None, got {max_chars!r}.")
        self.max_chars = max_chars
        self._models: dict[str, Translator | Summarizer | None] = {
            "fr-en": fr_en,
            "en-fr": en_fr,
            "summary": summarizer,
        }
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        loaded = [key for key, model in self._models.items() if model is not None]
        return f"Digester(loaded={loaded})"

    def _get(self, key: str) -> Any:
        with self._lock:
            if self._models[key] is None:
                self._models[key] = (
                    default_summarizer() if key == "summary" else default_translator(key[:2])
                )
            return self._models[key]

    def translator(self, source: str) -> Translator:
        """The translator from ``source`` (``"fr"`` or ``"en"``) to the other language, loaded.

        Raises:
            ModelUnavailableError: If the model cannot be loaded.
        """
        return self._get("fr-en" if source == "fr" else "en-fr")

    @property
    def summarizer(self) -> Summarizer:
        """The summariser, loaded.

        Raises:
            ModelUnavailableError: If the model cannot be loaded.
        """
        return self._get("summary")

    def warm_up(self) -> dict[str, str]:
        """Load every model now rather than on first use.

        Returns:
            ``{"fr-en": ..., "en-fr": ..., "summary": ...}``, each ``"ready"`` or the message
            of the error that prevented loading. Never raises.
        """
        status = {}
        for key in MODEL_KEYS:
            try:
                self._get(key)
                status[key] = "ready"
            except Exception as exc:  # reported, not raised: the UI shows it
                logger.warning("Could not load the %s model: %s", key, exc)
                status[key] = str(exc) or type(exc).__name__
        return status

    def digest(
        self,
        text: str,
        source: str | None = None,
        length: str = "medium",
        progress: Progress | None = None,
    ) -> Digest:
        """Translate and summarise one article in both languages.

        French → English: translate the article, summarise the English translation, translate
        the English summary to French. English → French: summarise the English original,
        translate the article and the summary to French.

        Args:
            text: The article, French or English, up to ``BILINGUAL_DIGEST_MAX_CHARS``.
            source: ``"fr"`` or ``"en"``; ``None`` detects it.
            length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
            progress: Called between stages with the fraction done and the next stage.

        Returns:
            The :class:`Digest`.

        Raises:
            TypeError: If ``text`` is not a ``str``.
            InputError: If ``text`` is empty or over the size limit.
            ValueError: If ``length`` is not a preset.
            UnsupportedLanguageError: If the language is unknown or can't be detected.
            ModelUnavailableError: If a model cannot be loaded.
        """
        return self._run([text], source, length, progress)[0]

    def digest_many(
        self, texts: Sequence[str], source: str | None = None, length: str = "medium"
    ) -> list[Digest]:
        """Digest several articles, batching each translation stage across them.

        Args:
            texts: Articles, French or English (they may mix when ``source`` is ``None``).
            source: ``"fr"`` or ``"en"`` for all; ``None`` detects each one's language.
            length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.

        Returns:
            One :class:`Digest` per article, in order.

        Raises:
            TypeError: If ``texts`` is a ``str`` or holds something other than ``str``.
            InputError: If a text is empty or over the size limit (the message gives its
                index).
            ValueError: If ``length`` is not a preset.
            UnsupportedLanguageError: If a language is unknown or can't be detected.
            ModelUnavailableError: If a model cannot be loaded.
        """
        if isinstance(texts, str):
            raise TypeError("digest_many() takes a list of texts; use digest() for one str.")
        return self._run(list(texts), source, length, None)

    def _run(
        self, texts: list[str], source: str | None, length: str, progress: Progress | None
    ) -> list[Digest]:
        limit = max_chars() if self.max_chars is None else self.max_chars
        cleaned = []
        for i, text in enumerate(texts):
            what = "text" if len(texts) == 1 else f"text at index {i}"
            check_text(text, what=what, limit=limit)
            clean = clean_text(text)
            if not clean.text.strip():
                raise InputError(f"The {what} has no visible characters once cleaned.")
            cleaned.append(clean)
        length = validate_length(length)
        jobs = []
        for clean in cleaned:
            job = _Job(clean.text, *resolve_pair(source, None, clean.text))
            job.warnings.extend(clean.notes)
            job.warnings.extend(mixed_language_notes(job.text, job.source))
            jobs.append(job)
        french = [job for job in jobs if job.source == "fr"]
        stages = ["Translating the article to English"] if french else []
        stages += ["Summarising in English", "Translating to French"]
        step = iter(range(len(stages)))
        report = progress or (lambda fraction, stage: None)
        started = time.perf_counter()

        if french:  # stage: the French articles to English, in one batch
            report(next(step) / len(stages), stages[0])
            translator = self.translator("fr")
            outputs, seconds = _timed(translator.translate_many, [job.text for job in french])
            for job, out in zip(french, outputs, strict=True):
                _set_translation(job, out, seconds, translator.model)

        report(next(step) / len(stages), stages[-2])
        for job in jobs:
            self._summarize(job, length)

        # stage: the English articles and every summary to French, in one batch
        report(next(step) / len(stages), stages[-1])
        english = [job for job in jobs if job.source == "en"]
        summarised = [job for job in jobs if job.summary_en]
        inputs = [job.text for job in english] + [job.summary_en for job in summarised]
        if inputs:
            translator = self.translator("en")
            outputs, seconds = _timed(translator.translate_many, inputs)
            for job, out in zip(english, outputs, strict=False):
                _set_translation(job, out, seconds, translator.model)
            for job, out in zip(summarised, outputs[len(english) :], strict=True):
                job.summary_fr = out.text
                job.models["en-fr"] = translator.model
                job.warnings.extend(f"Summary translation: {w}" for w in out.warnings)
                if job.source == "fr":
                    job.timings["translate_summary"] = seconds
        total = time.perf_counter() - started
        report(1.0, "Done")
        return [_finish(job, total) for job in jobs]

    def _summarize(self, job: _Job, length: str) -> None:
        english = job.text if job.source == "en" else job.translation.text  # type: ignore[union-attr]
        if not english.strip():
            job.warnings.append(
                "Summary: the translation is empty, so there is nothing to summarise."
            )
            return
        summary, seconds = _timed(self.summarizer.summarize, english, length)
        job.timings["summarize"] = seconds
        job.summary_en = summary.text
        job.warnings.extend(f"Summary: {w}" for w in summary.warnings)
        if summary.model_called:
            job.models["summary"] = summary.model


def _timed(function: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - began


def _set_translation(job: _Job, translation: Translation, seconds: float, model: str) -> None:
    job.translation = translation
    job.timings["translate"] = seconds
    job.models[f"{translation.source_lang}-{translation.target_lang}"] = model
    job.warnings.extend(f"Article translation: {w}" for w in translation.warnings)


def _finish(job: _Job, total: float) -> Digest:
    translation = job.translation
    assert translation is not None  # every job went through a translation stage
    summary = summary_sentences(job.summary_en)
    english_side = [
        seg.source if job.source == "en" else seg.translation for seg in translation.segments
    ]
    attribution = attribute(summary, english_side)
    order = {key: i for i, key in enumerate(MODEL_KEYS)}
    return Digest(
        original=job.text,
        source_lang=job.source,
        target_lang=job.target,
        translation=translation,
        summary_en=job.summary_en,
        summary_fr=job.summary_fr,
        attribution=attribution,
        warnings=(
            *job.warnings,
            *_unsupported(summary, attribution),
            *_summary_number_warnings(job),
        ),
        timings={**job.timings, "total": total},
        models=dict(sorted(job.models.items(), key=lambda item: order[item[0]])),
    )


def _summary_number_warnings(job: _Job) -> list[str]:
    if not job.summary_en:
        return []
    findings = check_summary_numbers(job.summary_en, job.text, SUMMARY_LANGUAGE, job.source)
    return [f"Summary: {finding.message}" for finding in findings]


_MIN_LETTERS_TO_JUDGE = 60


def mixed_language_notes(text: str, source: str) -> list[str]:
    """Say which paragraphs read as the other language than the article's.

    The translator works in one direction per article, so a paragraph already in the target
    language is passed through the model as if it were in the source language (OPUS-MT
    mostly copies it). Paragraphs too short to judge (under 60 letters) are not checked.

    Args:
        text: The article.
        source: Its language.

    Returns:
        A note naming the paragraphs (1-based) in the other language, or nothing.
    """
    other = [
        number
        for number, (start, end) in enumerate(paragraphs(text), start=1)
        if sum(ch.isalpha() for ch in text[start:end]) >= _MIN_LETTERS_TO_JUDGE
        and _language_or_none(text[start:end]) not in (None, source)
    ]
    if not other:
        return []
    listed = ", ".join(map(str, other))
    return [
        f"Paragraph(s) {listed} look {LANGUAGES[_other(source)]}, not {LANGUAGES[source]}: they "
        f"were passed through the {source}→{_other(source)} model as they are (usually copied "
        "through). Digest them separately to get them translated the other way."
    ]


def _other(source: str) -> str:
    return "en" if source == "fr" else "fr"


def _language_or_none(text: str) -> str | None:
    try:
        return detect_language(text)
    except UnsupportedLanguageError:
        return None


def _settings() -> tuple[str | None, ...]:
    device = resolve_device(None)
    return (
        translation_model("fr", "en"),
        translation_model("en", "fr"),
        summary_model(),
        device,
        env("BACKEND"),
    )


@functools.lru_cache(maxsize=2)
def _cached_digester(settings: tuple[str | None, ...]) -> Digester:
    return Digester()


def default_digester() -> Digester:
    """The shared :class:`Digester` for the current settings (models, device, backend)."""
    return _cached_digester(_settings())


def digest(text: str, source: str | None = None, length: str = "medium") -> Digest:
    """Translate and summarise one article in both languages, with the default models.

    French → English: translate the article, summarise the English translation, translate
    the English summary to French. English → French: summarise the English original,
    translate the article and the summary to French. See :meth:`Digester.digest`.

    Args:
        text: The article, French or English, up to ``BILINGUAL_DIGEST_MAX_CHARS``.
        source: ``"fr"`` or ``"en"``; ``None`` detects it.
        length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.

    Returns:
        The :class:`Digest`.

    Raises:
        BilingualDigestError: The errors of :meth:`Digester.digest` (``TypeError`` for a
            non-``str``, ``InputError`` / ``ValueError`` for bad input, unsupported languages,
            models that can't be loaded).
    """
    return default_digester().digest(text, source, length)
