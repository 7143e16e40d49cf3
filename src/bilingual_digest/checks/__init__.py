"""Faithfulness checks on machine translation (and on summaries), each usable alone.

Every public check takes plain strings and returns a list of :class:`Finding` in a
deterministic order (order of appearance in the text, missing items before added ones).
They are heuristics that point a reader at segments worth a second look; they favour
precision (few false alarms on correct translations) over recall.

>>> from bilingual_digest.checks import check_numbers
>>> [f.kind for f in check_numbers("Le 25 avril 2024.", "On April 24, 2024.", "fr", "en")]
['number_missing', 'number_added']

One module per family: :mod:`.numbers` (numbers, amounts, dates, times; read by
:mod:`.mentions`), :mod:`.names`, :mod:`.untranslated` (untranslated, empty, length),
:mod:`.repetition`, :mod:`.summary`; :mod:`.segment` runs them all. What is specific to a
language is data (``tables/<code>.json``, read by :mod:`.language_tables`); a language
without tables gets the language-independent checks only (:func:`has_tables`). Nothing
happens at import time beyond compiling a few regular expressions.
"""

from __future__ import annotations

from .findings import FINDING_KINDS, Finding
from .language_tables import has_tables, load_tables, skipped_checks_note
from .names import check_names
from .numbers import check_numbers
from .repetition import check_repetition, repetition_score
from .segment import check_segment, without_agreed_terms
from .summary import check_summary_numbers
from .untranslated import check_length_ratio, check_untranslated

__all__ = [
    "FINDING_KINDS",
    "LANGUAGES",
    "Finding",
    "check_length_ratio",
    "check_names",
    "check_numbers",
    "check_repetition",
    "check_segment",
    "check_summary_numbers",
    "check_untranslated",
    "has_tables",
    "load_tables",
    "repetition_score",
    "skipped_checks_note",
    "without_agreed_terms",
]

LANGUAGES: tuple[str, ...] = ("en", "fr")
"""Language codes with built-in check tables (any other code gets the language-independent
checks only; a registered language can bring its own tables)."""
