"""Every translation check on one segment: :func:`check_segment`."""

from __future__ import annotations

from .findings import Finding
from .names import check_names
from .numbers import check_numbers
from .repetition import check_repetition
from .text import check_pair, check_segment_index
from .untranslated import check_length_ratio, check_untranslated

__all__ = ["check_segment"]


def check_segment(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str,
    *,
    segment: int | None = None,
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

    Args:
        source: The source segment.
        translation: Its translation.
        source_lang: Language code of ``source`` (``"fr"``, ``"en"``, …).
        target_lang: Language code of ``translation``.
        segment: Segment index to copy into each finding.

    Returns:
        The findings of every check, concatenated.

    Raises:
        TypeError: If a text or language code is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language code is empty.
    """
    check_pair(source, translation, source_lang, target_lang)
    check_segment_index(segment)
    untranslated = check_untranslated(
        source, translation, source_lang, target_lang, segment=segment
    )
    if any(f.kind == "empty" for f in untranslated):
        return untranslated
    return [
        *check_numbers(source, translation, source_lang, target_lang, segment=segment),
        *check_names(source, translation, source_lang, target_lang, segment=segment),
        *untranslated,
        *check_length_ratio(source, translation, segment=segment),
        *check_repetition(translation, segment=segment),
    ]
