"""Faithfulness checks on machine translation (and on summaries), each usable alone.

Every public check takes plain strings and returns a list of :class:`Finding` in a
deterministic order (order of appearance in the text, missing items before added ones).
They are heuristics that point a reader at segments worth a second look; they favour
precision (few false alarms on correct translations) over recall.

>>> from bilingual_digest.checks import check_numbers
>>> [f.kind for f in check_numbers("Le 25 avril 2024.", "On April 24, 2024.", "fr", "en")]
['number_missing', 'number_added']

This module depends on the standard library only and does nothing at import time beyond
compiling a few regular expressions.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

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
    "repetition_score",
]

FINDING_KINDS: tuple[str, ...] = (
    "number_missing",
    "number_added",
    "name_missing",
    "untranslated",
    "empty",
    "length_ratio",
    "repetition",
    "summary_number_unsupported",
)
"""Every value :attr:`Finding.kind` can take."""

LANGUAGES: tuple[str, ...] = ("en", "fr")
"""Language codes the checks accept."""


@dataclass(frozen=True)
class Finding:
    """One problem found by a check.

    Attributes:
        kind: What was found, one of :data:`FINDING_KINDS`.
        text: The text in question, as written (a number, a name, a repeated phrase, or an
            excerpt of the segment).
        segment: The segment index the caller passed, or ``None``.
        message: A plain-language English sentence for the user.
    """

    kind: str
    text: str
    segment: int | None
    message: str

    def __post_init__(self) -> None:
        if self.kind not in FINDING_KINDS:
            raise ValueError(
                f"Unknown finding kind {self.kind!r}: accepted values are "
                f"{', '.join(FINDING_KINDS)}."
            )


# ---------------------------------------------------------------------------------------
# Validation and text helpers
# ---------------------------------------------------------------------------------------


def _check_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}.")
    return value


def _check_lang(name: str, value: object) -> str:
    if value not in LANGUAGES:
        raise ValueError(f"{name} must be one of 'en', 'fr'; got {value!r}.")
    return value  # type: ignore[return-value]


def _check_segment(value: object) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise TypeError(f"segment must be an int or None, not {type(value).__name__}.")
    return value


def _check_pair(
    source: object, translation: object, source_lang: object, target_lang: object
) -> None:
    _check_text("source", source)
    _check_text("translation", translation)
    _check_lang("source_lang", source_lang)
    _check_lang("target_lang", target_lang)


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "’‘ʼ":
        return "'"
    if char.isascii():
        return char
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base if len(base) == 1 else char


def _fold_same_length(text: str) -> str:
    """Strip accents (and unify apostrophes) without changing the string's length."""
    return "".join(_fold_char(c) for c in text)


def _fold(text: str) -> str:
    """Accent-free, case-folded form used for comparisons."""
    return _fold_same_length(text).casefold()


def _wordlist(text: str) -> frozenset[str]:
    """The white-space separated words of a literal list."""
    return frozenset(text.split())


def _excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


_WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*")
_LETTER_WORD_RE = re.compile(r"[^\W\d_]+")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)


# ---------------------------------------------------------------------------------------
# Numbers, amounts, percentages, dates and times
# ---------------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {
    "janvier": 1, "january": 1, "janv": 1, "jan": 1,
    "fevrier": 2, "february": 2, "fevr": 2, "fev": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3,
    "avril": 4, "april": 4, "avr": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "july": 7, "juil": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "september": 9, "sept": 9, "sep": 9,
    "octobre": 10, "october": 10, "oct": 10,
    "novembre": 11, "november": 11, "nov": 11,
    "decembre": 12, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_FULL = sorted(
    _wordlist(
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre "
        "january february april june july august september october november december"
    ),
    key=lambda name: (-len(name), name),
)
# Month names match in any case, except that French abbreviations need their period and
# English abbreviations, "March" and "May" (also verbs) need their capital.
_MONTH_RE = (
    r"(?:(?:" + "|".join(_MONTH_FULL) + r")(?![^\W\d_])"
    r"|(?:janv|fevr|fev|avr|juil|sept|oct|nov|dec)\."
    r"|(?-i:March|MARCH|May|MAY)(?![^\W\d_])"
    r"|(?-i:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?(?![^\W\d_]))"
)
_DAY_RE = r"\d{1,2}(?!\d)(?:ere|er|re|st|nd|rd|th|e)?(?![^\W\d_])"
_DAY_SEP_RE = r"\s*(?:-|–|—|&|,|\bau\b|\ba\b|\bet\b|\bto\b|\band\b|\bthrough\b)\s*"
_DAYS_RE = rf"(?P<days>{_DAY_RE}(?:{_DAY_SEP_RE}{_DAY_RE}){{0,6}})"
_YEAR_RE = r"(?P<year>[12]\d{3})(?!\d)"

_ISO_DATE = re.compile(r"(?<![\w.,])([12]\d{3})-(\d{1,2})-(\d{1,2})(?!\w)")
_NUMERIC_DATE = re.compile(r"(?<![\w.,/])(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})(?![\w/])")
_DAY_MONTH = re.compile(
    rf"(?<![\w.,]){_DAYS_RE}\s+(?:of\s+|de\s+)?(?P<month>{_MONTH_RE})(?:,?\s+{_YEAR_RE})?",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"(?<![^\W\d_])(?P<month>{_MONTH_RE})\s+(?:the\s+)?{_DAYS_RE}(?![.,]\d)"
    rf"(?:,?\s+{_YEAR_RE})?",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(
    rf"(?<![^\W\d_])(?P<month>{_MONTH_RE})\s+(?:(?:de|of)\s+)?{_YEAR_RE}", re.IGNORECASE
)
_AMPM_RE = r"(?P<ap>[ap]\.?\s?m\b\.?)"
_TIME_H = re.compile(r"(?<![\w.,])(?P<h>\d{1,2})\s?h\s?(?P<m>\d{2})?(?![^\W\d_])", re.IGNORECASE)
_TIME_COLON = re.compile(
    rf"(?<![\w.,:])(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?![\d:])(?:\s?{_AMPM_RE})?", re.IGNORECASE
)
_TIME_AMPM = re.compile(rf"(?<![\w.,])(?P<h>\d{{1,2}})\s?{_AMPM_RE}", re.IGNORECASE)

# French Roman ordinals: "XXIe siècle", "Ve République", "Ier".
_ROMAN_ORDINAL = re.compile(
    r"(?<![\w.,])(?P<roman>[IVXLC]{2,7}|[IVX])(?:eme|ème|e|er|re)(?![^\W\d_])"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

_GROUP_SPACE = " \u00a0\u202f\u2009"
_NUMERAL_RE = (
    rf"(?:\d{{1,3}}(?:[{_GROUP_SPACE}]\d{{3}}(?!\d))+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)*)"
)
_UNITS: tuple[tuple[str, str], ...] = (
    (r"points?\s+de\s+pourcentage", "pp"),
    (r"percentage\s+points?", "pp"),
    (r"%", "percent"),
    (r"pour[\s-]?cent", "percent"),
    (r"per[\s-]?cent", "percent"),
    (r"€|euros?|eur", "EUR"),
    (r"us\$|\$|dollars?|usd", "USD"),
    (r"£|livres?\s+sterling|pounds?(?:\s+sterling)?|gbp", "GBP"),
    (r"francs?\s+cfa|fcfa|cfa\s+francs?|xof|francs?|chf", "FRANC"),
    (r"¥|yens?|jpy", "JPY"),
)
_UNIT_PATTERNS = tuple((re.compile(p, re.IGNORECASE), u) for p, u in _UNITS)
_PREFIX_UNITS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_SCALES: dict[str, dict[str, int]] = {
    "fr": {
        "mille": 10**3, "thousand": 10**3, "million": 10**6, "milliard": 10**9,
        "md": 10**9, "mds": 10**9, "mrd": 10**9, "mrds": 10**9, "bn": 10**9,
        "billion": 10**12, "trillion": 10**18,
    },
    "en": {
        "mille": 10**3, "thousand": 10**3, "million": 10**6, "milliard": 10**9,
        "md": 10**9, "mds": 10**9, "mrd": 10**9, "mrds": 10**9, "bn": 10**9,
        "billion": 10**9, "trillion": 10**12,
    },
}  # fmt: skip
_AMOUNT = re.compile(
    r"(?:(?P<pre>US\$|\$|€|£|¥|(?-i:USD|EUR|GBP|CHF))\s?)?"
    rf"(?<![\w.,])(?P<num>{_NUMERAL_RE})"
    r"(?:(?P<ord>ere|er|re|eme|nde|nd|st|rd|th|e)(?![^\W\d_])"
    r"|(?:\s?(?P<scale>millions?|milliards?|billions?|trillions?|thousands?|mille|bn|mrds?|mds?)"
    r"(?![^\W\d_]))?"
    r"(?:\s?(?:d'\s?|de\s+|of\s+)?(?P<unit>" + "|".join(p for p, _ in _UNITS) + r")"
    r"(?![^\W\d_]))?)",
    re.IGNORECASE,
)

_SPELLED: dict[int, tuple[str, ...]] = {
    0: ("zero",),
    1: ("one", "first", "premier", "premiere", "single", "seul", "seule"),
    2: ("two", "deux", "second", "deuxieme", "seconde", "both", "pair"),
    3: ("three", "trois", "third", "troisieme"),
    4: ("four", "quatre", "fourth", "quatrieme"),
    5: ("five", "cinq", "fifth", "cinquieme"),
    6: ("six", "sixth", "sixieme"),
    7: ("seven", "sept", "seventh", "septieme"),
    8: ("eight", "huit", "eighth", "huitieme"),
    9: ("nine", "neuf", "ninth", "neuvieme"),
    10: ("ten", "dix", "tenth", "dixieme"),
    11: ("eleven", "onze"),
    12: ("twelve", "douze", "dozen", "douzaine"),
    13: ("thirteen", "treize"),
    14: ("fourteen", "quatorze"),
    15: ("fifteen", "quinze"),
    16: ("sixteen", "seize"),
    17: ("seventeen", "dix-sept"),
    18: ("eighteen", "dix-huit"),
    19: ("nineteen", "dix-neuf"),
    20: ("twenty", "vingt"),
    100: ("hundred", "cent"),
    1000: ("thousand", "mille", "millier"),
}


@dataclass(frozen=True)
class _Mention:
    """A number, date or time found in a text."""

    kind: str  # "number", "date" or "time"
    key: tuple[object, ...]  # (value,) | (year, month, day) | (hour, minute)
    unit: str | None  # currency, "percent" or "pp" for numbers; "24h" for unambiguous times
    text: str
    start: int
    roman: str | None = None  # "xxi" for "XXIe": "Napoléon Ier" may stay "Napoleon I"

    @property
    def noun(self) -> str:
        return {"date": "date", "time": "time"}.get(self.kind, "number")

    @property
    def ident(self) -> tuple[object, ...]:
        return (self.kind, self.key, self.unit)


def _parse_numeral(raw: str, lang: str) -> list[Decimal]:
    """Read one written numeral, using the side's language for an ambiguous separator."""
    compact = re.sub(f"[{_GROUP_SPACE}]", "", raw)
    try:
        if compact != raw:  # spaces were thousands separators; what is left is decimal
            return [Decimal(compact.replace(",", "."))]
        seps = re.findall(r"[.,]", compact)
        groups = re.split(r"[.,]", compact)
        if not seps:
            return [Decimal(compact)]
        if len(set(seps)) == 2:
            thousands = "," if seps[-1] == "." else "."
            if (
                all(s == thousands for s in seps[:-1])
                and len(groups[0]) <= 3
                and all(len(g) == 3 for g in groups[1:-1])
            ):
                return [Decimal("".join(groups[:-1]) + "." + groups[-1])]
            return [Decimal(g) for g in groups]
        if len(seps) > 1:
            if len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
                return [Decimal("".join(groups))]
            return [Decimal(g) for g in groups]
        head, tail = groups
        sep = seps[0]
        is_thousands = (
            len(tail) == 3
            and len(head) <= 3
            and ((sep == "," and lang == "en") or (sep == "." and lang == "fr"))
        )
        return [Decimal(head + tail)] if is_thousands else [Decimal(f"{head}.{tail}")]
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return []


def _roman_value(roman: str) -> int | None:
    """The value of a well-formed Roman numeral, else None."""
    total = 0
    for i, char in enumerate(roman):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[roman[i + 1]] if i + 1 < len(roman) else 0
        total += -value if value < following else value
    canonical = ""
    rest = total
    for symbol, value in (
        ("C", 100), ("XC", 90), ("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5),
        ("IV", 4), ("I", 1),
    ):  # fmt: skip
        count, rest = divmod(rest, value)
        canonical += symbol * count
    return total if total and canonical == roman else None


def _unit_of(text: str | None) -> str | None:
    if not text:
        return None
    flat = " ".join(text.split())
    for pattern, unit in _UNIT_PATTERNS:
        if pattern.fullmatch(flat):
            return unit
    return None


def _year_value(text: str | None) -> int | None:
    return int(text) if text else None


def _extract_mentions(text: str, lang: str) -> list[_Mention]:
    """Find dates, times, amounts and numbers, in order of appearance.

    Dates and times are read first and blanked out, so the year or day inside a date is
    not read again as a bare number.
    """
    work = _fold_same_length(text)
    found: list[_Mention] = []

    def consume(start: int, end: int) -> None:
        nonlocal work
        work = work[:start] + "\x00" * (end - start) + work[end:]

    def add(kind: str, key: tuple[object, ...], unit: str | None, start: int, end: int) -> None:
        found.append(_Mention(kind, key, unit, text[start:end].strip(), start))

    for m in list(_ISO_DATE.finditer(work)):
        year, month, day = (int(g) for g in m.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            add("date", (year, month, day), None, m.start(), m.end())
            consume(m.start(), m.end())
    for m in list(_NUMERIC_DATE.finditer(work)):
        first, second, year_text = int(m.group(1)), int(m.group(3)), m.group(4)
        day, month = (second, first) if first <= 12 < second else (first, second)
        year = int(year_text)
        if len(year_text) == 2:
            year += 2000 if year < 50 else 1900
        if 1 <= month <= 12 and 1 <= day <= 31:
            add("date", (year, month, day), None, m.start(), m.end())
            consume(m.start(), m.end())
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for m in list(pattern.finditer(work)):
            month = _MONTHS[m.group("month").rstrip(".").lower()]
            days = [int(d) for d in re.findall(r"\d{1,2}", m.group("days"))]
            if not all(1 <= d <= 31 for d in days):
                continue
            year = _year_value(m.group("year"))
            if len(days) == 1:
                add("date", (year, month, days[0]), None, m.start(), m.end())
            else:
                month_text = text[m.start("month") : m.end("month")]
                year_text = f" {m.group('year')}" if year else ""
                for d_match in re.finditer(r"\d{1,2}", m.group("days")):
                    d_text = text[
                        m.start("days") + d_match.start() : m.start("days") + d_match.end()
                    ]
                    label = (
                        f"{d_text} {month_text}{year_text}"
                        if pattern is _DAY_MONTH
                        else f"{month_text} {d_text}{',' if year else ''}{year_text}"
                    )
                    found.append(
                        _Mention("date", (year, month, int(d_text)), None, label, m.start())
                    )
            consume(m.start(), m.end())
    for m in list(_MONTH_YEAR.finditer(work)):
        month = _MONTHS[m.group("month").rstrip(".").lower()]
        add("date", (int(m.group("year")), month, None), None, m.start(), m.end())
        consume(m.start(), m.end())
    for pattern in (_TIME_COLON, _TIME_AMPM, _TIME_H):
        for m in list(pattern.finditer(work)):
            hour = int(m.group("h"))
            minute = int(m.group("m") or 0) if "m" in pattern.groupindex else 0
            ampm = (m.groupdict().get("ap") or "").lower()
            if ampm.startswith("p") and hour < 12:
                hour += 12
            elif ampm.startswith("a") and hour == 12:
                hour = 0
            # "21h15", "9:15 a.m." and "14:30" say which half of the day; "9:15" does not.
            definite = bool(ampm) or pattern is _TIME_H or hour == 0 or hour > 12
            if hour <= 24 and minute <= 59:
                add("time", (hour, minute), "24h" if definite else None, m.start(), m.end())
                consume(m.start(), m.end())
    for m in list(_ROMAN_ORDINAL.finditer(work)):
        roman_value = _roman_value(m.group("roman"))
        if roman_value is not None:
            found.append(
                _Mention(
                    "number",
                    (Decimal(roman_value),),
                    None,
                    text[m.start() : m.end()],
                    m.start(),
                    roman=m.group("roman").lower(),
                )
            )
            consume(m.start(), m.end())
    for m in list(_AMOUNT.finditer(work)):
        values = _parse_numeral(m.group("num"), lang)
        if not values:
            continue
        scale_word = (m.group("scale") or "").lower()
        if scale_word:
            scale_word = scale_word.rstrip("s") if scale_word not in ("mds", "mrds") else scale_word
            values[-1] *= _SCALES[lang].get(scale_word, 1)
        pre = m.group("pre")
        unit = _PREFIX_UNITS.get(pre.lower(), _unit_of(pre)) if pre else None
        unit = unit or _unit_of(m.group("unit"))
        for i, value in enumerate(values):
            last = i == len(values) - 1
            add("number", (value,), unit if last else None, m.start(), m.end())
        consume(m.start(), m.end())
    found.sort(key=lambda mention: mention.start)
    return found


def _compatible(a: _Mention, b: _Mention) -> bool:
    """Whether two mentions say the same thing (a missing unit is tolerated)."""
    if a.kind == b.kind == "number":
        return a.key == b.key and (a.unit is None or b.unit is None or a.unit == b.unit)
    if a.kind == b.kind == "date":
        return a.key == b.key
    if a.kind == b.kind == "time":
        (ha, ma), (hb, mb) = a.key, b.key
        if a.unit and b.unit:  # both say which half of the day
            return (ha, ma) == (hb, mb)
        return ma == mb and int(ha) % 12 == int(hb) % 12  # type: ignore[call-overload]
    if {a.kind, b.kind} == {"time", "number"}:
        time, number = (a, b) if a.kind == "time" else (b, a)
        return number.unit is None and time.key[1] == 0 and number.key[0] == time.key[0]
    return False


def _supports(article: _Mention, claim: _Mention) -> bool:
    """Whether an article mention backs a summary mention (a vaguer date is fine)."""
    if _compatible(article, claim):
        return True
    if article.kind == claim.kind == "date":
        return all(c is None or c == a for a, c in zip(article.key, claim.key, strict=True))
    if article.kind == "date" and claim.kind == "number" and claim.unit is None:
        return article.key[0] is not None and claim.key[0] == article.key[0]
    return False


def _word_set(text: str) -> set[str]:
    words: set[str] = set()
    for m in _WORD_RE.finditer(_fold(text)):
        word = m.group()
        words.add(word)
        words.update(part for part in re.split(r"['\-]", word) if part)
    return words


def _spelled_out(mention: _Mention, words: set[str]) -> bool:
    """Whether a small whole number is written out in words (or Roman) on the other side."""
    if mention.kind != "number" or mention.unit is not None:
        return False
    if mention.roman and mention.roman in words:
        return True
    value = mention.key[0]
    if not isinstance(value, Decimal) or value != value.to_integral_value():
        return False
    return any(form in words for form in _SPELLED.get(int(value), ()))


def _number_findings(
    mentions: Iterable[_Mention],
    others: list[_Mention],
    other_words: set[str],
    kind: str,
    segment: int | None,
    message: str,
    match: object = _compatible,
) -> list[Finding]:
    findings: list[Finding] = []
    reported: set[tuple[object, ...]] = set()
    for mention in mentions:
        if any(match(other, mention) for other in others):  # type: ignore[operator]
            continue
        if _spelled_out(mention, other_words) or mention.ident in reported:
            continue
        reported.add(mention.ident)
        findings.append(
            Finding(
                kind, mention.text, segment, message.format(noun=mention.noun, text=mention.text)
            )
        )
    return findings


def check_numbers(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str,
    *,
    segment: int | None = None,
) -> list[Finding]:
    """Flag numbers, amounts, percentages, dates and times that differ between the two sides.

    Both sides are read with their own language's conventions, then compared by value:
    ``"1 200,50 €"`` = ``"€1,200.50"`` = ``"1,200.50 euros"``; ``"3,5 %"`` = ``"3.5 percent"``;
    ``"25 avril 2024"`` = ``"April 25, 2024"``; ``"1er"`` = ``"1st"``; ``"14h30"`` =
    ``"2:30 p.m."``; ``"2 milliards"`` = ``"2 billion"``. A lone ``","`` or ``"."`` followed
    by three digits is a thousands separator in English (``"1,200"``) and a decimal comma
    in French (``"1,200"`` is 1.2); thin and no-break spaces group thousands. The year or day
    of a date is not reported again as a bare number. A unit on one side only (``"50 %"``
    against ``"50"``) is tolerated; two different units (``"50 €"`` against ``"$50"``) are
    not. A small whole number written out in words on the other side (``"3"`` against
    ``"three"``/``"trois"``, 0 to 20, ordinals to 10th, 100, 1000) is accepted, and so is a
    French Roman ordinal kept bare (``"Napoléon Ier"`` / ``"Napoleon I"``). Month names are
    read in either language, accents optional, in any case, except that English
    ``"March"``, ``"May"`` and abbreviations need their capital (``"may 5"`` is a verb) and
    French abbreviations their period (``"sept."``).

    Known limits: values are compared as sets, so a value repeated on one side and given
    once on the other is not reported; signs are ignored; spelled-out numbers beyond the
    small ones above are not read; a numeric date such as ``04/05/2024`` is read day first
    unless that is impossible.

    Args:
        source: The source segment.
        translation: Its translation.
        source_lang: Language of ``source``, ``"fr"`` or ``"en"``.
        target_lang: Language of ``translation``, ``"fr"`` or ``"en"``.
        segment: Segment index to copy into each finding.

    Returns:
        ``number_missing`` findings (in source order) then ``number_added`` findings (in
        translation order); a changed number gives one of each.

    Raises:
        TypeError: If a text is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language is not ``"fr"`` or ``"en"``.
    """
    _check_pair(source, translation, source_lang, target_lang)
    _check_segment(segment)
    src = _extract_mentions(source, source_lang)
    tgt = _extract_mentions(translation, target_lang)
    missing = _number_findings(
        src,
        tgt,
        _word_set(translation),
        "number_missing",
        segment,
        'The {noun} "{text}" in the source is missing from the translation.',
    )
    added = _number_findings(
        tgt,
        src,
        _word_set(source),
        "number_added",
        segment,
        'The translation contains the {noun} "{text}", which is not in the source.',
    )
    return missing + added


def check_summary_numbers(
    summary: str,
    article: str,
    summary_lang: str,
    article_lang: str,
    *,
    segment: int | None = None,
) -> list[Finding]:
    """Flag numbers and dates in a summary that the article does not contain.

    Values are compared as in :func:`check_numbers`, each text read with its own language.
    A summary date less precise than the article's is supported (``"April 25"`` by
    ``"25 avril 2024"``), and so is a bare year that is the year of a date in the article.

    Args:
        summary: The summary.
        article: The article it summarises (either language).
        summary_lang: Language of ``summary``, ``"fr"`` or ``"en"``.
        article_lang: Language of ``article``, ``"fr"`` or ``"en"``.
        segment: Segment index to copy into each finding.

    Returns:
        One ``summary_number_unsupported`` finding per distinct unsupported value, in
        summary order.

    Raises:
        TypeError: If a text is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language is not ``"fr"`` or ``"en"``.
    """
    _check_text("summary", summary)
    _check_text("article", article)
    _check_lang("summary_lang", summary_lang)
    _check_lang("article_lang", article_lang)
    _check_segment(segment)
    return _number_findings(
        _extract_mentions(summary, summary_lang),
        _extract_mentions(article, article_lang),
        _word_set(article),
        "summary_number_unsupported",
        segment,
        'The {noun} "{text}" in the summary does not appear in the article.',
        match=_supports,
    )


# ---------------------------------------------------------------------------------------
# Names and acronyms
# ---------------------------------------------------------------------------------------

# Capitalised words that are not names: function words, pronouns, common sentence openers,
# titles, and month and day names, in both languages (accent-folded, lower case).
_NAME_STOPWORDS = _wordlist(
    """
    le la les l un une des du de d au aux ce cet cette ces ca cela ceci celui celle ceux
    celles il elle ils elles on nous vous je j tu me te se moi toi lui leur leurs mon ma mes
    ton ta tes son sa ses notre nos votre vos et ou mais donc or ni car que qu qui quoi dont
    quand comme si alors ainsi puis ensuite enfin pour par dans sur sous avec sans selon lors
    depuis apres avant entre vers chez contre malgre pendant durant parmi en a y ne pas plus
    tres aussi deja encore toujours jamais tout tous toute toutes chaque aucun aucune autre
    autres meme cependant pourtant toutefois neanmoins desormais egalement notamment hier
    aujourd demain oui non voici voila quel quelle quels quelles lequel laquelle c s n m t ici
    madame monsieur mademoiselle messieurs mesdames mme mlle mm dr pr me
    the a an this that these those it its he she they we you i him her them his their our
    your my and or but so nor yet for in on at by with without from to of as into onto about
    after before during since while when where which who whom whose what why how if then
    than there here however also although though because not no yes all some many most more
    any each every other another such only just even still already again today yesterday
    tomorrow now mr mrs ms sir st according
    lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday
    friday saturday sunday
    """
) | frozenset(_MONTHS)

# Capitalised common nouns, titles and adjectives that legitimately translate: they are
# never required in the translation (accent-folded, lower case).
_TRANSLATABLE = _wordlist(
    """
    etat etats conseil ministere ministre ministres president presidente presidence premier
    premiere gouvernement republique assemblee nationale national parlement senat defense
    interieur affaires etrangeres exterieur justice sante economie finances armee armees
    force forces marine air terre general generale colonel capitaine lieutenant sergent
    amiral commandant chef directeur directrice secretaire adjoint adjointe ambassadeur
    ambassadrice ambassade union unies unis uni nations royaume nord sud est ouest occident
    orient centre centrale etat-major roi reine prince princesse pape saint sainte monde
    mondiale mondial international internationale sommet conference accord traite loi
    constitution cour supreme haut haute tribunal commission comite bureau agence banque
    federal federale eglise parti ville region province mairie bourse hexagone orient
    extreme-orient sud-ouest sud-est nord-ouest nord-est southwest southeast northwest northeast
    state states council ministry minister ministers president presidency prime government
    republic assembly parliament senate defence interior foreign affairs home office
    treasury finance army armies navy marines commander chief director secretary deputy
    assistant undersecretary ambassador embassy united kingdom north south east west
    northern southern eastern western middle central king queen princess pope world
    summit agreement treaty law act court high committee agency bank department church
    party city region staff joint major
    french english british german spanish italian dutch swiss greek turkish polish irish
    scottish welsh japanese chinese russian american african european asian arab arabic
    muslim christian jewish catholic protestant islamic belgian portuguese brazilian mexican
    canadian australian ukrainian israeli palestinian iranian syrian egyptian libyan algerian
    tunisian nigerian nigerien malian senegalese ivorian chadian sudanese congolese
    ethiopian kenyan somali finnish
    """
)

# Names whose translation looks nothing like them (accent-folded, lower case).
_EQUIVALENT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("etats-unis", "etats unis", "united states", "us", "usa", "u.s.", "america", "american",
     "americans", "americain", "americaine", "americains", "americaines", "amerique"),
    ("etats", "states", "etats-unis", "united states", "usa", "us"),
    ("unis", "united", "etats-unis", "usa", "us"),
    ("royaume-uni", "united kingdom", "uk", "britain", "grande-bretagne", "british",
     "britannique"),
    ("allemagne", "germany", "german", "allemand", "allemande"),
    ("espagne", "spain", "spanish", "espagnol", "espagnole"),
    ("maroc", "morocco", "moroccan", "marocain", "marocaine"),
    ("pologne", "poland", "polish", "polonais", "polonaise"),
    ("turquie", "turkey", "turkiye", "turkish", "turc", "turque"),
    ("inde", "india", "indian", "indien", "indienne"),
    ("suisse", "switzerland", "swiss"),
    ("pays-bas", "netherlands", "holland", "dutch", "neerlandais", "hollandais"),
    ("bruxelles", "brussels"),
    ("pekin", "beijing"),
    ("cote", "coast"),
    ("ivoire", "ivory"),
    ("maison-blanche", "maison blanche", "white house"),
    ("grece", "greece", "greek", "grec", "grecque"),
    ("france", "french", "francais", "francaise"),
    ("angleterre", "england", "english", "anglais", "anglaise"),
    ("chine", "china", "chinese", "chinois", "chinoise"),
    ("japon", "japan", "japanese", "japonais", "japonaise"),
    ("coree", "korea", "korean", "coreen", "coreenne"),
    ("onu", "un", "nations unies", "united nations"),
    ("cedeao", "ecowas"),
    ("pib", "gdp"),
    ("oms", "who"),
    ("opep", "opec"),
    ("ue", "eu", "union europeenne", "european union"),
    ("otan", "nato"),
    ("ei", "is", "isis", "isil", "daech", "daesh", "etat islamique", "islamic state"),
    ("ong", "ngo", "ngos"),
    ("pme", "sme", "smes"),
    ("pdg", "ceo"),
    ("tva", "vat"),
    ("cpi", "icc"),
    ("urss", "ussr", "union sovietique", "soviet union"),
    ("ua", "au", "union africaine", "african union"),
    ("jo", "olympics", "olympic games", "jeux olympiques"),
    ("moyen-orient", "middle east"),
    ("proche-orient", "near east", "middle east"),
    ("nouvelle-zelande", "new zealand"),
    ("ecosse", "scotland", "scottish", "ecossais", "ecossaise"),
    ("galles", "wales", "welsh", "gallois", "galloise"),
    ("norvege", "norway", "norwegian", "norvegien", "norvegienne"),
    ("suede", "sweden", "swedish", "suedois", "suedoise"),
    ("danemark", "denmark", "danish", "danois", "danoise"),
    ("autriche", "austria", "austrian", "autrichien", "autrichienne"),
    ("hongrie", "hungary", "hungarian", "hongrois", "hongroise"),
    ("chypre", "cyprus", "cypriot", "chypriote"),
    ("bielorussie", "belarus", "belarusian", "bielorusse"),
    ("liban", "lebanon", "lebanese", "libanais", "libanaise"),
    ("koweit", "kuwait", "kuwaiti", "koweitien"),
    ("irak", "iraq", "iraqi", "irakien", "irakienne"),
    ("varsovie", "warsaw"),
    ("mecque", "mecca"),
    ("noel", "christmas"),
    ("paques", "easter"),
    ("toussaint", "all saints"),
    ("dieu", "god"),
    ("jeux", "games", "olympics"),
    ("croix-rouge", "red cross"),
    ("croix", "cross"),
    ("rouge", "red"),
    ("white", "blanche", "maison-blanche"),
    ("house", "maison", "maison-blanche"),
    ("verts", "greens", "green"),
)  # fmt: skip

# Lower-case words allowed inside a multi-word name ("Département d'État", "Afrique de
# l'Ouest", "Council for the Safeguard of the Homeland").
_CONNECTORS = _wordlist(
    "de du des la le d l von van der den di da do dos del della al el ben bin ibn of the y for pour"
)
_ABBREVIATIONS = _wordlist("m mme mlle mr mrs ms dr st jr sr prof gen col lt sgt mgr me")
_ELISION_RE = re.compile(
    r"^(?:l|d|j|m|n|s|t|c|qu|lorsqu|puisqu|jusqu|presqu)['’](?=\w)", re.IGNORECASE
)
_NAME_TOKEN_RE = re.compile(r"(?P<dotted>(?:[A-Z]\.){2,})|(?P<word>\w+(?:['’\-]\w+)*)")
_BOUNDARY_CHARS = frozenset('.!?…:;«"“(\n')
_ROMAN_RE = re.compile(r"[IVX]+")


@functools.lru_cache(maxsize=1)
def _equivalents_index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for group in _EQUIVALENT_GROUPS:
        for member in group:
            index.setdefault(member, set()).update(group)
    return {key: frozenset(value) for key, value in index.items()}


@dataclass
class _NameToken:
    core: str  # the word without elision ("l'") or possessive ("'s")
    start: int  # start of the core
    end: int
    kind: str  # "acronym", "cap", "initial", "lower" or "other"
    initial: bool  # first word of a sentence (or of a quotation)


def _classify(core: str) -> tuple[str, str]:
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return "other", core
    upper = sum(c.isupper() for c in letters)
    lower = sum(c.islower() for c in letters)
    if len(letters) == 1 and upper == 1:
        return "initial", core
    if upper >= 2 and (lower == 0 or (lower == 1 and core.endswith("s"))):
        base = core[:-1] if lower else core
        if len(letters) <= 9 and not _ROMAN_RE.fullmatch(base):
            return "acronym", base
        return "other", core
    if _ROMAN_ORDINAL.fullmatch(core):  # "XXIe" is a number, not a name
        return "other", core
    if core[0].isupper() and lower:
        return "cap", core
    return ("lower" if lower else "other"), core


def _name_tokens(text: str) -> list[_NameToken]:
    tokens: list[_NameToken] = []
    prev_end = 0
    prev_core = ""
    for m in _NAME_TOKEN_RE.finditer(text):
        gap = text[prev_end : m.start()]
        boundary = not tokens or any(c in _BOUNDARY_CHARS and c != "." for c in gap)
        if "." in gap and not boundary:
            boundary = not (len(prev_core) == 1 or _fold(prev_core) in _ABBREVIATIONS)
        prev_end = m.end()
        if m.group("dotted"):
            core = m.group().replace(".", "")
            tokens.append(_NameToken(core, m.start(), m.end(), "acronym", boundary))
            prev_core = core
            continue
        word, start = m.group(), m.start()
        elision = _ELISION_RE.match(word)
        if elision:
            word, start = word[elision.end() :], start + elision.end()
        word = re.sub(r"['’]s$", "", word)
        kind, core = _classify(word)
        tokens.append(_NameToken(core, start, start + len(word), kind, boundary))
        prev_core = word
    return tokens


def _joinable(text: str, left: _NameToken, right: _NameToken) -> bool:
    gap = text[left.end : right.start]
    if "\n" in gap:
        return False
    stripped = gap.strip()
    if not stripped:
        return True
    # "Kurt M. Campbell", and an elided article glued to the next word ("d'État").
    if stripped == "." and (left.kind == "initial" or _fold(left.core) in _ABBREVIATIONS):
        return True
    return re.fullmatch(r"(?i)(?:l|d|qu)['’]", stripped) is not None


def _name_groups(text: str, tokens: list[_NameToken]) -> list[list[_NameToken]]:
    """Runs of capitalised words (with connectors between them) forming one name."""
    groups: list[list[_NameToken]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].kind not in ("cap", "initial"):
            i += 1
            continue
        members = [tokens[i]]
        j = i + 1
        while j < len(tokens):
            if not _joinable(text, tokens[j - 1], tokens[j]):
                break
            if tokens[j].kind in ("cap", "initial"):
                members.append(tokens[j])
                j += 1
                continue
            k = j
            while (
                k < len(tokens)
                and tokens[k].kind == "lower"
                and _fold(tokens[k].core) in _CONNECTORS
                and _joinable(text, tokens[k - 1], tokens[k])
            ):
                k += 1
            if (
                k > j
                and k < len(tokens)
                and tokens[k].kind == "cap"
                and _joinable(text, tokens[k - 1], tokens[k])
            ):
                members.extend(tokens[j : k + 1])
                j = k + 1
                continue
            break
        groups.append(members)
        i = j
    return groups


def _significant(token: _NameToken) -> bool:
    return token.kind == "cap" and _fold(token.core) not in _NAME_STOPWORDS


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _similar(a: str, b: str) -> bool:
    """Same name allowing for small spelling differences ("Pentagone" ~ "Pentagon")."""
    if a == b:
        return True
    if (len(a) >= 4 and a in b) or (len(b) >= 5 and b in a):
        return True
    prefix = _common_prefix(a, b)
    if prefix >= 5:
        return True
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < 0.6:
        return False
    ratio = matcher.ratio()
    return ratio >= 0.85 or (prefix >= 3 and ratio >= 0.75) or (prefix >= 4 and ratio >= 0.6)


class _TargetIndex:
    """What a translation contains, for quick name look-ups."""

    def __init__(self, text: str) -> None:
        self.folded = _fold(text)
        self.words: set[str] = set()
        self.upper_words: set[str] = set()
        self.acronym_letters: set[str] = set()
        for token in _name_tokens(text):
            if token.kind == "other" and not any(c.isalpha() for c in token.core):
                continue
            folded = _fold(token.core)
            forms = {folded, *(p for p in folded.split("-") if p)}
            self.words.update(forms)
            if any(c.isupper() for c in token.core):
                self.upper_words.update(forms)
            if token.kind == "acronym":
                self.acronym_letters.add("".join(sorted(folded)))
        self._cache: dict[str, bool] = {}

    def _equivalent_present(self, form: str) -> bool:
        if " " in form or "." in form:
            pattern = rf"(?<!\w){re.escape(form)}(?!\w)"
            return re.search(pattern, self.folded) is not None
        if len(form) <= 3:
            return form in self.upper_words
        return self._fuzzy_present(form)

    def _fuzzy_present(self, form: str) -> bool:
        if form in self.words:
            return True
        if form not in self._cache:
            self._cache[form] = any(_similar(form, w) for w in self.words if len(w) >= 2)
        return self._cache[form]

    def has_word(self, core: str, *, allow_translatable: bool = True) -> bool:
        form = _fold(core)
        if allow_translatable and form in _TRANSLATABLE:
            return True
        if any(self._equivalent_present(e) for e in _equivalents_index().get(form, ())):
            return True
        if self._fuzzy_present(form):
            return True
        # "Sud-Soudan" ~ "South Sudan": every part present, one of them not merely translatable.
        parts = [p for p in form.split("-") if len(p) > 1]
        return (
            len(parts) > 1
            and all(self.has_word(p) for p in parts)
            and any(self.has_word(p, allow_translatable=False) for p in parts)
        )

    def has_acronym(self, core: str) -> bool:
        form = _fold(core)
        if form in self.upper_words:
            return True
        if "".join(sorted(form)) in self.acronym_letters:  # OTAN/NATO, UE/EU, RDC/DRC
            return True
        return any(self._equivalent_present(e) for e in _equivalents_index().get(form, ()))


def _looks_like_title(tokens: list[_NameToken]) -> bool:
    """A headline in Title Case or in capitals, where capitals say nothing about names."""
    words = [t for t in tokens if sum(c.isalpha() for c in t.core) >= 2]
    if len(words) < 4:
        return False
    capitalised = sum(t.kind in ("cap", "acronym") for t in words)
    return capitalised >= 0.7 * len(words)


def check_names(
    source: str,
    translation: str,
    source_lang: str,
    target_lang: str,
    *,
    segment: int | None = None,
) -> list[Finding]:
    """Flag names and acronyms of the source that are absent from the translation.

    The heuristic, tuned to avoid false alarms:

    * Candidates are acronyms (2+ capitals, no lower case; ``"CNSP"``, ``"U.S."``,
      ``"NGOs"``; Roman numerals excluded) and runs of capitalised words, joined across
      connectors (``de``, ``d'``, ``l'``, ``of``, ``the``, ``for``, ``von``...) and initials:
      ``"Kathleen Fitz Gibbon"``, ``"Kurt M. Campbell"``, ``"Département d'État"``.
      French elisions (``"l'Afrique"`` → ``"Afrique"``) and possessives (``"Ryder's"``) are
      stripped.
    * Capitalised function words, titles and month/day names (``"Les"``, ``"The"``,
      ``"Lors"``, ``"Mme"``, ``"Avril"``) never count. A run left with a single word that
      opens a sentence or a quotation is skipped (``"Niamey accueille..."`` is not checked).
    * A word counts as present when its accent-folded, case-folded form, or a close
      spelling of it, is among the translation's words: equal; one contains the other
      (``"Fitz"`` in ``"FitzGibbon"``); a shared prefix of 5+ letters (``"Département"`` /
      ``"Department"``); or a similarity ratio of 0.85 (0.75 with a 3-letter shared prefix,
      0.6 with 4: ``"Afrique"`` / ``"Africa"``). Common institutional words, titles and
      demonyms that translate (``"Conseil"``, ``"État"``, ``"Défense"``, ``"Secretary"``,
      ``"French"``) always count as present; a small table covers names that change
      completely (``"États-Unis"`` / ``"United States"``, ``"Allemagne"`` / ``"Germany"``).
    * An acronym counts as present if the translation has it (in a word with a capital),
      the same letters reordered (``"OTAN"`` / ``"NATO"``), or a listed equivalent
      (``"ONU"`` / ``"UN"``).
    * A multi-word name is reported when more than half of its words are absent, so a
      dropped first name alone, or an institution name whose common nouns were translated,
      is not reported. The finding names the span from the first to the last absent word
      (adjacent names such as ``"Niger Kathleen Fitz Gibbon"`` cannot be told apart).
    * Text in Title Case or capitals throughout (a headline) is not checked for
      capitalised words, only for acronyms (and not at all if it is all in capitals).

    Known limits: a sentence-initial one-word name is not checked; names spelled very
    differently across languages and not in the table (``"Kadhafi"`` / ``"Gaddafi"``) are
    reported; a name replaced by a similar-looking word is not.

    Args:
        source: The source segment.
        translation: Its translation.
        source_lang: Language of ``source``, ``"fr"`` or ``"en"``.
        target_lang: Language of ``translation``, ``"fr"`` or ``"en"``.
        segment: Segment index to copy into each finding.

    Returns:
        One ``name_missing`` finding per distinct missing name, in source order.

    Raises:
        TypeError: If a text is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language is not ``"fr"`` or ``"en"``.
    """
    _check_pair(source, translation, source_lang, target_lang)
    _check_segment(segment)
    tokens = _name_tokens(source)
    if not tokens:
        return []
    target = _TargetIndex(translation)
    title = _looks_like_title(tokens)
    all_caps = title and all(t.kind != "cap" for t in tokens)
    candidates: list[tuple[int, str]] = []

    if not all_caps:
        for token in tokens:
            if (
                token.kind == "acronym"
                and _fold(token.core) not in _NAME_STOPWORDS
                and not target.has_acronym(token.core)
            ):
                candidates.append((token.start, source[token.start : token.end]))
    if not title:
        for group in _name_groups(source, tokens):
            while group and not _significant(group[0]):
                group = group[1:]
            while group and not _significant(group[-1]):
                group = group[:-1]
            significant = [t for t in group if _significant(t)]
            if not significant or (len(significant) == 1 and significant[0].initial):
                continue
            missing = [t for t in significant if not target.has_word(t.core)]
            if 2 * len(missing) > len(significant):
                # Name the missing part: "Kathleen Fitz Gibbon" of "Niger Kathleen Fitz Gibbon".
                candidates.append((missing[0].start, source[missing[0].start : missing[-1].end]))

    findings: list[Finding] = []
    seen: set[str] = set()
    for _, name in sorted(candidates):
        key = _fold(name)
        if key in seen:
            continue
        seen.add(key)
        findings.append(
            Finding(
                "name_missing",
                name,
                segment,
                f'The name "{name}" in the source is missing from the translation.',
            )
        )
    return findings


# ---------------------------------------------------------------------------------------
# Untranslated, empty and length
# ---------------------------------------------------------------------------------------

_FUNCTION_WORDS_FR = _wordlist(
    """
    le la les l des du un une et est sont dans par sur avec que qui ne pas au aux ce cette
    ces il elle ils elles nous vous leur leurs sa ses mais ou été etre être avoir ont très
    aussi comme entre selon depuis lors vers sans sous chez tout tous toute toutes notre nos
    votre vos mon ma mes je tu dont cela ceci celui celle ceux donc puis après avant déjà
    encore moins fait sera seront était avait peut doit ainsi d qu cet quand
    """
)
_FUNCTION_WORDS_EN = _wordlist(
    """
    the of and to in is are was were be been has have had that this these those with for
    from by at it its he she they we you his her their our not but which who will would can
    could should an there than also into about after before between during since while what
    when where how all some any more most other such only over under out up do does did said
    says i them him been being
    """
)
_FUNCTION_WORDS = {
    "fr": frozenset(_fold(w) for w in _FUNCTION_WORDS_FR - _FUNCTION_WORDS_EN),
    "en": _FUNCTION_WORDS_EN - _FUNCTION_WORDS_FR,
}
_LANGUAGE_NAMES = {"fr": "French", "en": "English"}


def _function_word_counts(text: str) -> dict[str, int]:
    words = [_fold(w) for w in _LETTER_WORD_RE.findall(_URL_RE.sub(" ", text))]
    return {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}


def _has_language_words(text: str) -> bool:
    """At least three words, one of them an ordinary (lower-case or function) word."""
    words = _LETTER_WORD_RE.findall(_URL_RE.sub(" ", text))
    if len(words) < 3:
        return False
    vocab = _FUNCTION_WORDS["fr"] | _FUNCTION_WORDS["en"]
    return any(w[0].islower() or _fold(w) in vocab for w in words)


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
      untranslated when both languages are the same.

    Args:
        source: The source segment.
        translation: Its translation.
        source_lang: Language of ``source``, ``"fr"`` or ``"en"``.
        target_lang: Language of ``translation``, ``"fr"`` or ``"en"``.
        segment: Segment index to copy into each finding.

    Returns:
        At most one finding, ``empty`` or ``untranslated``; its text is an excerpt of the
        source (for ``empty``) or of the translation.

    Raises:
        TypeError: If a text is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language is not ``"fr"`` or ``"en"``.
    """
    _check_pair(source, translation, source_lang, target_lang)
    _check_segment(segment)
    if not source.strip():
        return []
    if not translation.strip():
        return [
            Finding(
                "empty",
                _excerpt(source),
                segment,
                "The translation is empty although the source has text.",
            )
        ]
    if source_lang == target_lang:
        return []
    if " ".join(source.casefold().split()) == " ".join(translation.casefold().split()):
        if _has_language_words(source):
            return [
                Finding(
                    "untranslated",
                    _excerpt(translation),
                    segment,
                    "The translation is a copy of the source: it was left untranslated.",
                )
            ]
        return []
    counts = _function_word_counts(translation)
    if counts[source_lang] >= 3 and counts[source_lang] > counts[target_lang]:
        return [
            Finding(
                "untranslated",
                _excerpt(translation),
                segment,
                f"The translation still reads as {_LANGUAGE_NAMES[source_lang]} rather than "
                f"{_LANGUAGE_NAMES[target_lang]}: it looks untranslated.",
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
    _check_text("source", source)
    _check_text("translation", translation)
    _check_segment(segment)
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
            _excerpt(translation),
            segment,
            f"The translation is much {how} than the source ({ratio:.2f} times its length; "
            f"expected between {low:g} and {high:g}).",
        )
    ]


# ---------------------------------------------------------------------------------------
# Repetition
# ---------------------------------------------------------------------------------------

_MAX_LOOP_N = 4
_SHORT_TEXT_WORDS = 100


def _repetition_words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD_RE.findall(text)]


def _is_periodic(gram: tuple[str, ...]) -> bool:
    """Whether an n-gram is itself a smaller unit repeated ("the the")."""
    n = len(gram)
    return any(n % p == 0 and gram == gram[:p] * (n // p) for p in range(1, n))


def _loops(words: list[str]) -> list[tuple[int, int, int]]:
    """Consecutive repeats as (start, n, times), for n-grams of 1 to 4 words (times >= 2)."""
    runs: list[tuple[int, int, int]] = []
    for n in range(1, _MAX_LOOP_N + 1):
        i = 0
        while i + 2 * n <= len(words):
            gram = tuple(words[i : i + n])
            if _is_periodic(gram):  # found with its smaller unit
                i += 1
                continue
            times = 1
            while tuple(words[i + times * n : i + (times + 1) * n]) == gram:
                times += 1
            if times >= 2:
                runs.append((i, n, times))
                i += times * n
            else:
                i += 1
    return runs


def check_repetition(
    text: str, *, segment: int | None = None, n: int = 3, max_repeats: int = 3
) -> list[Finding]:
    """Flag degenerate output: loops and phrases repeated over and over.

    Two signs are reported, each n-gram once: any word n-gram of 1 to 4 words repeated
    back to back more than ``max_repeats`` times (``"no, no, no, no, no"``, ``"the the the
    the"``); and, in a short text (at most 100 words), an ``n``-word n-gram occurring more
    than ``max_repeats`` times in all, outside the loops already reported. Case and
    punctuation are ignored.

    Args:
        text: The text to check (usually a translation or a summary).
        segment: Segment index to copy into each finding.
        n: Size of the n-grams counted over the whole short text.
        max_repeats: How many repeats are still acceptable.

    Returns:
        ``repetition`` findings in order of first occurrence; their text is the n-gram,
        lower-cased.

    Raises:
        TypeError: If ``text`` is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If ``n`` or ``max_repeats`` is below 1.
    """
    _check_text("text", text)
    _check_segment(segment)
    if n < 1 or max_repeats < 1:
        raise ValueError(
            f"n and max_repeats must be >= 1; got n={n!r}, max_repeats={max_repeats!r}."
        )
    words = _repetition_words(text)
    hits: list[tuple[int, str, str]] = []
    covered: set[int] = set()
    reported: set[str] = set()
    for start, size, times in _loops(words):
        if times <= max_repeats:
            continue
        covered.update(range(start, start + size * times))
        gram = " ".join(words[start : start + size])
        if gram in reported:
            continue
        reported.add(gram)
        hits.append(
            (
                start,
                gram,
                f'The phrase "{gram}" is repeated {times} times in a row: the output looks '
                "stuck in a loop.",
            )
        )
    if len(words) <= _SHORT_TEXT_WORDS:
        counts: Counter[tuple[str, ...]] = Counter()
        first: dict[tuple[str, ...], int] = {}
        for i in range(len(words) - n + 1):
            if set(range(i, i + n)) <= covered:
                continue
            gram_t = tuple(words[i : i + n])
            counts[gram_t] += 1
            first.setdefault(gram_t, i)
        for gram_t, count in counts.items():
            gram = " ".join(gram_t)
            if count > max_repeats and gram not in reported:
                reported.add(gram)
                hits.append(
                    (
                        first[gram_t],
                        gram,
                        f'The phrase "{gram}" occurs {count} times in a short text: the '
                        "output looks repetitive.",
                    )
                )
    hits.sort(key=lambda hit: hit[0])
    return [Finding("repetition", gram, segment, message) for _, gram, message in hits]


def repetition_score(text: str) -> float:
    """Measure how repetitive a text is, to keep the better of two outputs.

    The score adds the share of words that repeat the n-gram (1 to 4 words) just before
    them and the share of 3-grams that already occurred earlier in the text.

    Args:
        text: The text to score.

    Returns:
        ``0.0`` for no repetition at all; higher is worse (at most 2).

    Raises:
        TypeError: If ``text`` is not a ``str``.
    """
    _check_text("text", text)
    words = _repetition_words(text)
    if not words:
        return 0.0
    repeated: set[int] = set()
    for start, size, times in _loops(words):
        repeated.update(range(start + size, start + size * times))
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    duplicate_share = (len(trigrams) - len(set(trigrams))) / len(trigrams) if trigrams else 0.0
    return len(repeated) / len(words) + duplicate_share


# ---------------------------------------------------------------------------------------
# All together
# ---------------------------------------------------------------------------------------


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

    Args:
        source: The source segment.
        translation: Its translation.
        source_lang: Language of ``source``, ``"fr"`` or ``"en"``.
        target_lang: Language of ``translation``, ``"fr"`` or ``"en"``.
        segment: Segment index to copy into each finding.

    Returns:
        The findings of every check, concatenated.

    Raises:
        TypeError: If a text is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language is not ``"fr"`` or ``"en"``.
    """
    _check_pair(source, translation, source_lang, target_lang)
    _check_segment(segment)
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
