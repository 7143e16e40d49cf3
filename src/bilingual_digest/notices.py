"""How the warnings are told: grouped by kind, with counts, beside the sentences they concern.

A translation's warnings are of two sorts: those about one sentence (a check's finding, a
translation cut short or translated again), which the page shows beside that sentence and
every door counts by kind in one line (:func:`summary_line`), and the notes on the whole text
(a control character removed, the summary …), listed in full (:func:`general_notes`).
The labels of the kinds are defined here once (:data:`KIND_LABELS`).

>>> from bilingual_digest.translation import Segment
>>> from bilingual_digest.checks import Finding
>>> lost = Finding("number_missing", "9", 0, "The number 9 is missing.")
>>> segments = [Segment(0, 0, 0, 9, "Il a 9 ans.", "He is.", findings=(lost,)),
...             Segment(1, 0, 10, 15, "Bien.", "Good.")]
>>> summary_line(segments)
'1 of 2 sentences has a warning: number missing 1 (sentence 1).'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .checks import FINDING_KINDS

if TYPE_CHECKING:
    from .translation import Segment

CUT_SHORT = "cut_short"
"""The kind of a sentence whose translation reached the token limit (``Segment.complete``)."""
RETRIED = "retried"
"""The kind of a sentence translated again because it looped (``Segment.retried``)."""

KIND_LABELS: dict[str, str] = {
    "number_missing": "number missing",
    "number_added": "number added",
    "name_missing": "name missing",
    "untranslated": "left untranslated",
    "empty": "empty translation",
    "length_ratio": "length mismatch",
    "repetition": "repetition",
    "summary_number_unsupported": "number not in the article",
    "protected_lost": "protected text lost",
    "glossary_lost": "glossary term lost",
    "character_lost": "character lost",
    CUT_SHORT: "may be cut short",
    RETRIED: "translated again",
}
"""A short label for each kind of sentence warning, in the order they are listed."""
assert set(FINDING_KINDS) <= set(KIND_LABELS), "every finding kind needs a label"

LEAST_CONFIDENT_SHARE = 0.1
"""The share of a text's sentences marked as the model's least confident (at least one)."""

_SENTENCE_WARNING = re.compile(r"^(?:Article translation: )?Sentence (\d+)\b")


def sentence_warnings(segment: Segment) -> list[tuple[str, str]]:
    """One sentence's warnings as ``(kind, message)``, in :data:`KIND_LABELS` order."""
    found = [] if segment.complete else [(CUT_SHORT, _CUT_SHORT_MESSAGE)]
    found += [(RETRIED, _RETRIED_MESSAGE)] if segment.retried else []
    found += [(finding.kind, finding.message) for finding in segment.findings]
    order = list(KIND_LABELS)
    return sorted(found, key=lambda item: order.index(item[0]))


_CUT_SHORT_MESSAGE = "Its translation reached the token limit and may be cut short."
_RETRIED_MESSAGE = "The model repeated itself; the sentence was translated again."


def sentence_kinds(segment: Segment) -> list[str]:
    """The kinds of warning one sentence has, one per finding (in :data:`KIND_LABELS` order)."""
    return [kind for kind, _ in sentence_warnings(segment)]


def grouped(segments: Iterable[Segment]) -> dict[str, list[tuple[int, str]]]:
    """The sentence warnings by kind, in :data:`KIND_LABELS` order: for each kind found, the
    ``(sentence index, message)`` of each warning, in the order of the text."""
    found: dict[str, list[tuple[int, str]]] = {}
    for segment in segments:
        for kind, message in sentence_warnings(segment):
            found.setdefault(kind, []).append((segment.index, message))
    order = list(KIND_LABELS)
    return dict(sorted(found.items(), key=lambda item: order.index(item[0])))


def _sentences(indices: Sequence[int]) -> str:
    unique = sorted(set(indices))
    return f"sentence{'s' if len(unique) > 1 else ''} {', '.join(str(i + 1) for i in unique)}"


def kind_counts(segments: Iterable[Segment]) -> list[str]:
    """``"number missing 2 (sentences 3, 7)"`` for each kind found, in order."""
    return [
        f"{KIND_LABELS[kind]} {len(items)} ({_sentences([index for index, _ in items])})"
        for kind, items in grouped(segments).items()
    ]


def summary_line(segments: Sequence[Segment]) -> str:
    """One line on the sentence warnings: how many sentences have one, and how many of each
    kind in which sentences (``""`` when none has)."""
    flagged = sum(1 for segment in segments if sentence_kinds(segment))
    if not flagged:
        return ""
    verb = "has" if flagged == 1 else "have"
    counts = "; ".join(kind_counts(segments))
    total = f"{len(segments)} sentence{'s' if len(segments) > 1 else ''}"
    return f"{flagged} of {total} {verb} a warning: {counts}."


def general_notes(warnings: Iterable[str], segments: Sequence[Segment]) -> list[str]:
    """The warnings that are not about one sentence of the text, in order.

    A warning about sentence N (a translation's ``Sentence N …``, a digest's ``Article
    translation: Sentence N …``) is left out when that sentence carries a warning of its own
    (:func:`sentence_kinds`), to be shown beside it; any other warning is kept.
    """
    flagged = {segment.index + 1 for segment in segments if sentence_kinds(segment)}
    notes = []
    for warning in warnings:
        about = _SENTENCE_WARNING.match(warning)
        if about is None or int(about.group(1)) not in flagged:
            notes.append(warning)
    return notes


def least_confident(segments: Sequence[Segment]) -> set[int]:
    """The indices of the sentences the model is least confident of: the lowest
    :data:`LEAST_CONFIDENT_SHARE` of those with a confidence (rounded up), when at least two
    have one. The confidence isn't calibrated: this ranks the sentences of one text."""
    scored = sorted(
        (segment.confidence, segment.index)
        for segment in segments
        if segment.confidence is not None
    )
    if len(scored) < 2:
        return set()
    return {index for _, index in scored[: math.ceil(len(scored) * LEAST_CONFIDENT_SHARE)]}
