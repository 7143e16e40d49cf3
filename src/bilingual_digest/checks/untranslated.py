"""Untranslated, empty and length checks: a translation that isn't one."""

from __future__ import annotations

from .findings import Finding
from .language_tables import Tables, language_name, load_tables
from .text import (
    LETTER_WORD_RE,
    URL_RE,
    check_pair,
    check_segment_index,
    check_text,
    excerpt,
    fold,
)

__all__ = ["check_length_ratio", "check_untranslated"]


def _words(text: str) -> list[str]:
    return LETTER_WORD_RE.findall(URL_RE.sub(" ", text))


def _has_language_words(text: str, vocab: frozenset[str]) -> bool:
    """At least three words, one of them an ordinary (lower-case or function) word."""
    words = _words(text)
    return len(words) >= 3 and any(w[0].islower() or fold(w) in vocab for w in words)


def _reads_as_source(translation: str, source: Tables, target: Tables) -> bool:
    """More words proper to the source language than to the target one (three at least)."""
    source_only = source.function_words - target.function_words
    target_only = target.function_words - source.function_words
    words = [fold(w) for w in _words(translation)]
    in_source = sum(w in source_only for w in words)
    return in_source >= 3 and in_source > sum(w in target_only for w in words)


def check_untranslated(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str,
    *,
    segment: int | None = None,
) -> list[Finding]:
    """Flag an empty translation, or one left in the source language.

    * ``empty``: the source has text and the translation is empty or blank.
    * ``untranslated``: the translation equals the source (ignoring case and spacing) and
      the source has at least three words, one of them an ordinary word; or the translation
      has at least three function words of the source language (``le``, ``des``, ``que``...
      / ``the``, ``of``, ``which``...) and more of them than of the target language.
      Numbers, URLs and lists of names are never reported. Nothing is reported as
      untranslated when both languages are the same. The function-word test needs both
      languages' check tables (see :func:`~bilingual_digest.checks.has_tables`); the
      verbatim copy is caught in any language.

    Args:
        source: The source segment.
        translation: Its translation.
        source_lang: Language code of ``source`` (``"fr"``, ``"en"``, …).
        target_lang: Language code of ``translation``.
        segment: Segment index to copy into each finding.

    Returns:
        At most one finding, ``empty`` or ``untranslated``; its text is an excerpt of the
        source (for ``empty``) or of the translation.

    Raises:
        TypeError: If a text or language code is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language code is empty.
    """
    source_lang, target_lang = check_pair(source, translation, source_lang, target_lang)
    check_segment_index(segment)
    if not source.strip():
        return []
    if not translation.strip():
        return [
            Finding(
                "empty",
                excerpt(source),
                segment,
                "The translation is empty although the source has text.",
            )
        ]
    if source_lang == target_lang:
        return []
    src_tables, tgt_tables = load_tables(source_lang), load_tables(target_lang)
    if " ".join(source.casefold().split()) == " ".join(translation.casefold().split()):
        vocab = frozenset().union(*(t.function_words for t in (src_tables, tgt_tables) if t))
        if _has_language_words(source, vocab):
            return [
                Finding(
                    "untranslated",
                    excerpt(translation),
                    segment,
                    "The translation is a copy of the source: it was left untranslated.",
                )
            ]
        return []
    if src_tables and tgt_tables and _reads_as_source(translation, src_tables, tgt_tables):
        return [
            Finding(
                "untranslated",
                excerpt(translation),
                segment,
                f"The translation still reads as {language_name(source_lang)} rather than "
                f"{language_name(target_lang)}: it looks untranslated.",
            )
        ]
    return []


def check_length_ratio(
    source: str,
    translation: str,
    *,
    segment: int | None = None,
    low: float = 0.5,
    high: float = 2.0,
    min_chars: int = 20,
) -> list[Finding]:
    """Flag a translation much shorter or longer than its source.

    Lengths are counted in characters after collapsing runs of white space. Sources shorter
    than ``min_chars`` are never reported (short segments vary too much). A blank
    translation has a ratio of 0 and is reported too (:func:`check_segment` reports it as
    ``empty`` instead).

    Args:
        source: The source segment.
        translation: Its translation.
        segment: Segment index to copy into each finding.
        low: Smallest acceptable ratio of translation length to source length.
        high: Largest acceptable ratio.
        min_chars: Shortest source, in characters, that is checked.

    Returns:
        At most one ``length_ratio`` finding; its text is an excerpt of the translation.

    Raises:
        TypeError: If a text is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If ``low``/``high``/``min_chars`` are out of range
            (``0 <= low < high``, ``min_chars >= 0``).
    """
    check_text("source", source)
    check_text("translation", translation)
    check_segment_index(segment)
    if not 0 <= low < high:
        raise ValueError(f"Need 0 <= low < high; got low={low!r}, high={high!r}.")
    if min_chars < 0:
        raise ValueError(f"min_chars must be >= 0; got {min_chars!r}.")
    src_len = len(" ".join(source.split()))
    if src_len == 0 or src_len < min_chars:
        return []
    ratio = len(" ".join(translation.split())) / src_len
    if low <= ratio <= high:
        return []
    how = "shorter" if ratio < low else "longer"
    return [
        Finding(
            "length_ratio",
            excerpt(translation),
            segment,
            f"The translation is much {how} than the source ({ratio:.2f} times its length; "
            f"expected between {low:g} and {high:g}).",
        )
    ]
