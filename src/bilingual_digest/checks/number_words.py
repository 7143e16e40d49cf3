"""Numbers a text states without digits: words, Roman numerals, digits inside names.

A number written in digits on one side may be written out on the other (``"28"`` /
``"vingt-huit"``, ``"20 %"`` / ``"twenty per cent"``, ``"9 milliards"`` / ``"nine
billion"``), in Roman numerals (``"1ère Guerre mondiale"`` / ``"World War I"``) or inside a
name (``"Formule 1"`` / ``"F1"``). :func:`stated_values` collects what a text states in
these ways; the numbers check accepts a number that one of them states. They only ever
support a number: a number written out and missing on the other side is not reported (an
``"un"``, ``"one"`` or ``"second"`` is too often not a number at all).

Number words are read by text2num (``text_to_num``), which knows French and English (and a
few other languages) cardinals, ordinals, ``"quatre-vingt-dix"``, ``"two thousand and
nine"`` …; the tables add the words it doesn't read (``"dozen"``, ``"centaine"``).
"""

from __future__ import annotations

import functools
import logging
import re
from decimal import Decimal

from .language_tables import Tables
from .number_patterns import roman_value
from .text import fold

__all__ = ["stated_values"]

logger = logging.getLogger("bilingual_digest")

_TOKEN_RE = re.compile(r"\w+|[^\w\s]")
# A Roman numeral after a capitalised word: "World War I", "Louis XIV", "Jean-Paul II".
# (Not the pronoun: "Then I went".)
_BARE_ROMAN = re.compile(r"\b[A-Z][a-z]+ (?P<roman>[IVXL]{1,6})(?![\w'’]| [a-z])")
_GLUED_DIGITS = re.compile(r"(?<=[^\W\d_])[-‑]?(\d+)|(\d+)(?=[^\W\d_])")
_TEXT2NUM_LANGUAGES = frozenset({"fr", "en", "es", "pt", "de", "nl", "it", "da"})


class _Token:
    """A word for text2num's ``find_numbers`` (its ``Token`` protocol)."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def text(self) -> str:
        return self._text

    def nt_separated(self, previous: object) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return False


@functools.lru_cache(maxsize=1)
def _find_numbers() -> object | None:
    try:
        from text_to_num import find_numbers
    except ImportError:  # pragma: no cover - a dependency; without it words are not read
        logger.warning("text2num is not installed: numbers written in words are not read.")
        return None
    return find_numbers


def _word_numbers(text: str, code: str) -> tuple[set[Decimal], set[Decimal]]:
    """Cardinals and ordinals written in words, per text2num."""
    find = _find_numbers()
    cardinals: set[Decimal] = set()
    ordinals: set[Decimal] = set()
    if find is None or code not in _TEXT2NUM_LANGUAGES:
        return cardinals, ordinals
    tokens = [_Token(t) for t in _TOKEN_RE.findall(text)]
    for found in find(tokens, code, 0.0):  # type: ignore[operator]
        if any(c.isdigit() for t in tokens[found.start : found.end] for c in t.text()):
            continue
        value = Decimal(str(found.value)).normalize()
        if found.is_ordinal:
            ordinals.add(value)
        elif value > 1:  # "un"/"one" is mostly an article; "o" (of "o'clock") a letter
            cardinals.add(value)
    return cardinals, ordinals


@functools.lru_cache(maxsize=16)
def _scaled_pattern(tables: Tables) -> re.Pattern[str] | None:
    if not tables.number_words or not tables.scales:
        return None
    words = "|".join(map(re.escape, sorted(tables.number_words, key=len, reverse=True)))
    scales = "|".join(map(re.escape, sorted(tables.scales, key=len, reverse=True)))
    return re.compile(rf"\b(?P<n>{words})\s+(?:(?:de|of)\s+|d')?(?P<s>{scales})\b")


def _scaled_words(folded: str, tables: Tables) -> set[Decimal]:
    """ "une centaine de milliards" = 100 billion, "dozens of millions" = 12 million."""
    pattern = _scaled_pattern(tables)
    if pattern is None:
        return set()
    return {
        Decimal(tables.number_words[m.group("n")]) * Decimal(scale)
        for m in pattern.finditer(folded)
        for scale in tables.scales[m.group("s")]
    }


def stated_values(text: str, tables: Tables) -> tuple[set[Decimal], set[Decimal]]:
    """Numbers a text states without digits of their own: ``(cardinals, ordinals)``.

    Cardinals: number words (``"vingt-huit"``, ``"nine billion"``, ``"dozen"``) and digits
    inside a name (``"F1"``). Ordinals: ordinal words (``"vingtième"``, ``"second"``) and
    Roman numerals after a capitalised word (``"World War I"``); an ordinal in digits
    (``"2nd"``) may be stated either way, a cardinal only by a cardinal (``"the second
    game"`` says nothing about a ``"2"``).
    """
    cardinals, ordinals = _word_numbers(text, tables.code)
    folded = fold(text)
    words = set(re.findall(r"\w+", folded))
    cardinals.update(Decimal(v) for w, v in tables.number_words.items() if w in words)
    cardinals.update(_scaled_words(folded, tables))
    for m in _BARE_ROMAN.finditer(text):
        value = roman_value(m.group("roman"))
        if value is not None:
            ordinals.add(Decimal(value))
    for m in _GLUED_DIGITS.finditer(text):
        cardinals.add(Decimal(m.group(1) or m.group(2)))
    return cardinals, ordinals
