"""Every translation check on one segment: :func:`check_segment`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .findings import Finding
from .names import check_names
from .numbers import check_numbers
from .repetition import check_repetition
from .text import check_pair, check_segment_index, excerpt
from .untranslated import check_length_ratio, check_untranslated

__all__ = ["check_segment", "without_agreed_terms"]

_AGREED = " • "
"""What stands for a glossary term while the checks read a segment: no number, name or word."""


def without_agreed_terms(
    source: str, translation: str, terms: Iterable[tuple[str, str]]
) -> tuple[str, str]:
    """The two texts without the terms the caller vouches for (a glossary's), each pair once.

    Args:
        source: The source segment.
        translation: Its translation.
        terms: ``(as written in the source, as written in the translation)`` pairs; a pair
            is taken out of both texts when both are there (its first occurrence in each).

    Returns:
        ``(source, translation)`` with each such pair replaced by a neutral mark.
    """
    for written, translated in terms:
        if written and translated and written in source and translated in translation:
            source = source.replace(written, _AGREED, 1)
            translation = translation.replace(translated, _AGREED, 1)
    return source, translation


def check_segment(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str,
    *,
    segment: int | None = None,
    glossary: Iterable[tuple[str, str]] = (),
) -> list[Finding]:
    """Run every translation check on one segment.

    Runs :func:`check_numbers`, :func:`check_names`, :func:`check_untranslated`,
    :func:`check_length_ratio` and :func:`check_repetition` (on the translation) with
    their defaults, in that order. A blank translation of a non-blank source gives only the
    ``empty`` finding (every number and name would otherwise be reported missing too).

    For a language without check tables (see :func:`~bilingual_digest.checks.has_tables`)
    the language-specific parts are skipped, never an error: numbers are compared as digits
    only, names and the untranslated-language test are skipped; the length ratio, loops and
    a verbatim copy are still checked.

    Glossary terms are correct by definition: with ``glossary``, the numbers, names and
    language checks read the texts without them (:func:`without_agreed_terms`), so
    "Département d'État" rendered as "State Department" is no missing name, and a term kept
    as is is no untranslated text.

    Args:
        source: The source segment.
        translation: Its translation.
        source_lang: Language code of ``source`` (``"fr"``, ``"en"``, …).
        target_lang: Language code of ``translation``.
        segment: Segment index to copy into each finding.
        glossary: ``(source term, its translation)`` pairs as written in these two texts,
            known to be right (the glossary entries the translator enforced here).

    Returns:
        The findings of every check, concatenated.

    Raises:
        TypeError: If a text or language code is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language code is empty.
    """
    check_pair(source, translation, source_lang, target_lang)
    check_segment_index(segment)
    if not translation.strip() and source.strip():
        return check_untranslated(source, translation, source_lang, target_lang, segment=segment)
    src, tgt = without_agreed_terms(source, translation, glossary)
    untranslated = [  # quoted as written, not with the terms taken out
        replace(f, text=excerpt(translation))
        for f in check_untranslated(src, tgt, source_lang, target_lang, segment=segment)
    ]
    if any(f.kind == "empty" for f in untranslated):
        return untranslated
    return [
        *check_numbers(src, tgt, source_lang, target_lang, segment=segment),
        *check_names(src, tgt, source_lang, target_lang, segment=segment),
        *untranslated,
        *check_length_ratio(source, translation, segment=segment),
        *check_repetition(translation, segment=segment),
    ]
