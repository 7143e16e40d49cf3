"""One article's way through a digest's stages, and what it becomes at the end.

The :class:`~bilingual_digest.digest.Digester` runs the stages (batched over many articles,
or streamed for one: :mod:`~bilingual_digest.streaming`); each stage's outcome is written
into the article's :class:`Job` by the helpers here, in the order of the stages, so the
warnings read in that order whichever way the stages ran. :func:`finish` and
:func:`finish_summary` turn a finished job into a :class:`Digest` or a
:class:`BilingualSummary`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .attribution import attribute, unsupported_notes
from .checks import LANGUAGES as CHECKED_LANGUAGES
from .checks import check_summary_numbers
from .documents import Article
from .glossary import Glossary
from .languages import SUMMARY_LANGUAGE, pairs
from .results import BilingualSummary, Digest, summary_sentences
from .segment import sentences
from .summarization import Summary
from .translation import Translation

SUMMARY_KEY = "summary"
"""The key of the summariser among the digester's models (the translators' are pair keys)."""


def model_keys() -> tuple[str, ...]:
    """The digester's model keys: every registered pair's key, then ``"summary"``."""
    return (*(pair.key for pair in pairs()), SUMMARY_KEY)


@dataclass
class Job:
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


EMPTY_TRANSLATION = "Summary: the translation is empty, so there is nothing to summarise."


def grouped(items: Sequence[Any], key: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    """The items grouped by ``key``, groups and items in their first order."""
    groups: dict[Any, list[Any]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def timed(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """``function(*args, **kwargs)`` and the seconds it took."""
    began = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - began


def set_translation(job: Job, translation: Translation, seconds: float, model: str) -> None:
    """Record the article's translation."""
    job.translation = translation
    job.timings["translate"] = seconds
    job.models[f"{translation.source_lang}-{translation.target_lang}"] = model
    job.warnings.extend(f"Article translation: {w}" for w in translation.warnings)


def set_summary(job: Job, summary: Summary | None, seconds: float) -> None:
    """Record the English summary (``None``: there was no English text to summarise)."""
    if summary is None:
        job.warnings.append(EMPTY_TRANSLATION)
        return
    job.timings["summarize"] = seconds
    job.summaries[SUMMARY_LANGUAGE] = summary.text
    job.warnings.extend(f"Summary: {w}" for w in summary.warnings)
    if summary.model_called:
        job.models[SUMMARY_KEY] = summary.model


def set_summary_translation(
    job: Job, translation: Translation, seconds: float, model: str, *, timed_apart: bool = True
) -> None:
    """Record the English summary's translation into ``translation.target_lang``.

    Args:
        timed_apart: Whether ``seconds`` is the summary's own time (else it was translated
            with the article, whose time holds it).
    """
    code = translation.target_lang
    job.summaries[code] = translation.text
    job.models[f"{SUMMARY_LANGUAGE}-{code}"] = model
    job.warnings.extend(f"Summary translation: {w}" for w in translation.warnings)
    if timed_apart:
        job.timings["translate_summary"] = seconds


def finish(job: Job, total: float) -> Digest:
    """The :class:`Digest` of a job whose stages have all run."""
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


def finish_summary(job: Job, total: float) -> BilingualSummary:
    """The :class:`BilingualSummary` of a job whose summary stages have run."""
    if job.translation is not None:  # the article was translated into English
        english_side = [seg.translation for seg in job.translation.segments]
    else:  # an English article, not translated: its own sentences
        english_side = [piece.text for piece in sentences(job.text, SUMMARY_LANGUAGE)]
    _, notes = _summary_support(job, english_side)
    return BilingualSummary(**_finished_fields(job, notes, total))


def _summary_support(
    job: Job, english_side: Sequence[str]
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


def _finished_fields(job: Job, notes: Sequence[str], total: float) -> dict[str, Any]:
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
