"""Reading numbers, amounts, percentages, dates and times out of a text, by value.

Each text is read with its own language's tables (:mod:`.language_tables`): month names, ordinal
suffixes, decimal separator, scale and currency words. Without tables, only digits are
read, compared as digit strings (``"1 200"`` = ``"1,200"`` = ``"1.200"``), so two texts in
languages without tables are still compared fairly.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .language_tables import Tables
from .text import fold_same_length

__all__ = ["Mention", "extract_mentions", "roman_value"]


@dataclass(frozen=True)
class Mention:
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


_GROUP_SPACE = " \u00a0\u202f\u2009"
_NUMERAL_RE = (
    rf"(?:\d{{1,3}}(?:[{_GROUP_SPACE}]\d{{3}}(?!\d))+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)*)"
)
_ISO_DATE = re.compile(r"(?<![\w.,])([12]\d{3})-(\d{1,2})-(\d{1,2})(?!\w)")
_NUMERIC_DATE = re.compile(r"(?<![\w.,/])(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})(?![\w/])")
_YEAR_RE = r"(?P<year>[12]\d{3})(?!\d)"
_AMPM_RE = r"(?P<ap>[ap]\.?\s?m\b\.?)"
_TIME_COLON_RE = r"(?<![\w.,:])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])"
_GENERIC_NUMBER = re.compile(r"(?<!\w)\d+(?:[.,]\d+|[\u00a0\u202f\u2009 ]\d{3}(?!\d))*(?!\w)")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_PREFIX_UNITS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_CODE_UNITS = {
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "chf": "FRANC", "jpy": "JPY", "xof": "FRANC",
}  # fmt: skip
_SYMBOL_UNITS = {"%": "percent", "€": "EUR", "us$": "USD", "$": "USD", "£": "GBP", "¥": "JPY"}


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of words (longest first), spaces matching any white space."""
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)


class _Patterns:
    """The regular expressions for one language, built from its tables."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        months = sorted(set(tables.months) - tables.capitalised_months, key=lambda w: (-len(w), w))
        parts = [rf"(?:{_alternation(months)})(?![^\W\d_])"] if months else []
        caps = [m.capitalize() for m in sorted(tables.capitalised_months)]
        caps += [m.upper() for m in sorted(tables.capitalised_months)]
        if caps:
            parts.append(rf"(?-i:{'|'.join(caps)})(?![^\W\d_])")
        abbreviations = sorted(tables.month_abbreviations, key=lambda w: (-len(w), w))
        if abbreviations and tables.month_abbreviations_need == "period":
            parts.append(rf"(?:{_alternation(abbreviations)})\.")
        elif abbreviations:
            capitalised = "|".join(a.capitalize() for a in abbreviations)
            parts.append(rf"(?-i:{capitalised})\.?(?![^\W\d_])")
        self.month_numbers = {**tables.months, **tables.month_abbreviations}
        suffixes = _alternation(tables.ordinal_suffixes)
        day = r"\d{1,2}(?!\d)" + (rf"(?:{suffixes})?" if suffixes else "") + r"(?![^\W\d_])"
        connectors = "|".join(rf"\b{re.escape(c)}\b" for c in tables.day_connectors)
        day_sep = r"\s*(?:-|–|—|&|," + (f"|{connectors}" if connectors else "") + r")\s*"
        days = rf"(?P<days>{day}(?:{day_sep}{day}){{0,6}})"
        self.dates: list[re.Pattern[str]] = []
        self.month_year: re.Pattern[str] | None = None
        if parts:
            month = "(?:" + "|".join(parts) + ")"
            dm_prep = _alternation(tables.day_month_prepositions)
            dm = rf"(?:(?:{dm_prep})\s+)?" if dm_prep else ""
            my_prep = _alternation(tables.month_year_prepositions)
            my = rf"(?:(?:{my_prep})\s+)?" if my_prep else ""
            self.dates = [
                re.compile(
                    rf"(?<![\w.,]){days}\s+{dm}(?P<month>{month})(?:,?\s+{_YEAR_RE})?",
                    re.IGNORECASE,
                ),
                re.compile(
                    rf"(?<![^\W\d_])(?P<month>{month})\s+(?:the\s+)?{days}(?![.,]\d)"
                    rf"(?:,?\s+{_YEAR_RE})?",
                    re.IGNORECASE,
                ),
            ]
            self.month_year = re.compile(
                rf"(?<![^\W\d_])(?P<month>{month})\s+{my}{_YEAR_RE}", re.IGNORECASE
            )
        ampm = rf"(?:\s?{_AMPM_RE})?" if tables.am_pm else ""
        self.times = [re.compile(_TIME_COLON_RE + ampm, re.IGNORECASE)]
        if tables.am_pm:
            self.times.append(
                re.compile(rf"(?<![\w.,])(?P<h>\d{{1,2}})\s?{_AMPM_RE}", re.IGNORECASE)
            )
        if tables.hour_letter:
            letter = re.escape(tables.hour_letter)
            self.times.append(
                re.compile(
                    rf"(?<![\w.,])(?P<h>\d{{1,2}})\s?{letter}\s?(?P<m>\d{{2}})?(?![^\W\d_])",
                    re.IGNORECASE,
                )
            )
        roman_suffixes = _alternation(tables.roman_ordinal_suffixes)
        self.roman = (
            re.compile(
                rf"(?<![\w.,])(?P<roman>[IVXLC]{{2,7}}|[IVX])(?:{roman_suffixes})(?![^\W\d_])"
            )
            if roman_suffixes
            else None
        )
        self.units: list[tuple[re.Pattern[str], str]] = []
        for words, unit in (
            (tables.percentage_point_words, "pp"),
            (tables.percent_words, "percent"),
            *((words, unit) for unit, words in tables.currency_words.items()),
        ):
            if words:
                self.units.append((re.compile(_alternation(words), re.IGNORECASE), unit))
        unit_words = [
            *tables.percentage_point_words,
            *tables.percent_words,
            *(w for words in tables.currency_words.values() for w in words),
        ]
        unit_alt = "|".join(
            [
                _alternation(sorted(unit_words, key=lambda w: (-len(w), w))),
                "%",
                "€",
                r"us\$",
                r"\$",
                "£",
                "¥",
                *_CODE_UNITS,
            ]
        ).strip("|")
        scales = _alternation(sorted(tables.scales, key=lambda w: (-len(w), w)))
        preps = "|".join(
            (re.escape(p) + r"\s?") if p.endswith("'") else (re.escape(p) + r"\s+")
            for p in tables.amount_prepositions
        )
        self.amount = re.compile(
            r"(?:(?P<pre>US\$|\$|€|£|¥|(?-i:USD|EUR|GBP|CHF))\s?)?"
            rf"(?<![\w.,])(?P<num>{_NUMERAL_RE})"
            + (rf"(?:(?P<ord>{suffixes})(?![^\W\d_])|" if suffixes else "(?:")
            + (rf"(?:\s?(?P<scale>{scales})(?![^\W\d_]))?" if scales else "")
            + (rf"(?:\s?(?:{preps})?" if preps else r"(?:\s?")
            + rf"(?P<unit>{unit_alt})(?![^\W\d_]))?)",
            re.IGNORECASE,
        )

    def unit_of(self, text: str | None) -> str | None:
        if not text:
            return None
        flat = " ".join(text.split()).lower()
        if flat in _CODE_UNITS or flat in _SYMBOL_UNITS:
            return _CODE_UNITS.get(flat) or _SYMBOL_UNITS[flat]
        for pattern, unit in self.units:
            if pattern.fullmatch(flat):
                return unit
        return None


@functools.lru_cache(maxsize=16)
def _patterns(tables: Tables) -> _Patterns:
    return _Patterns(tables)


def parse_numeral(raw: str, decimal_separator: str | None) -> list[Decimal]:
    """Read one written numeral; a lone separator before 3 digits follows the language."""
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
        is_thousands = len(tail) == 3 and len(head) <= 3 and seps[0] != decimal_separator
        return [Decimal(head + tail)] if is_thousands else [Decimal(f"{head}.{tail}")]
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return []


def roman_value(roman: str) -> int | None:
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


def _generic_mentions(text: str) -> list[Mention]:
    found = []
    for m in _GENERIC_NUMBER.finditer(text):
        digits = re.sub(r"\D", "", m.group()).lstrip("0") or "0"
        found.append(Mention("number", (digits,), None, m.group(), m.start()))
    return found


def extract_mentions(text: str, tables: Tables | None) -> list[Mention]:
    """Find dates, times, amounts and numbers, in order of appearance.

    Dates and times are read first and blanked out, so the year or day inside a date is
    not read again as a bare number. Without tables (``None``), numbers only, as digit
    strings.
    """
    if tables is None:
        return _generic_mentions(text)
    pats = _patterns(tables)
    work = fold_same_length(text)
    found: list[Mention] = []

    def consume(start: int, end: int) -> None:
        nonlocal work
        work = work[:start] + "\x00" * (end - start) + work[end:]

    def add(kind: str, key: tuple[object, ...], unit: str | None, start: int, end: int) -> None:
        found.append(Mention(kind, key, unit, text[start:end].strip(), start))

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
    for index, pattern in enumerate(pats.dates):
        for m in list(pattern.finditer(work)):
            month = pats.month_numbers[m.group("month").rstrip(".").lower()]
            days = [int(d) for d in re.findall(r"\d{1,2}", m.group("days"))]
            if not all(1 <= d <= 31 for d in days):
                continue
            year = int(m.group("year")) if m.group("year") else None
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
                        if index == 0
                        else f"{month_text} {d_text}{',' if year else ''}{year_text}"
                    )
                    found.append(
                        Mention("date", (year, month, int(d_text)), None, label, m.start())
                    )
            consume(m.start(), m.end())
    if pats.month_year is not None:
        for m in list(pats.month_year.finditer(work)):
            month = pats.month_numbers[m.group("month").rstrip(".").lower()]
            add("date", (int(m.group("year")), month, None), None, m.start(), m.end())
            consume(m.start(), m.end())
    for pattern in pats.times:
        for m in list(pattern.finditer(work)):
            hour = int(m.group("h"))
            minute = int(m.group("m") or 0) if "m" in pattern.groupindex else 0
            ampm = (m.groupdict().get("ap") or "").lower()
            if ampm.startswith("p") and hour < 12:
                hour += 12
            elif ampm.startswith("a") and hour == 12:
                hour = 0
            # "21h15", "9:15 a.m." and "14:30" say which half of the day; "9:15" does not.
            definite = bool(ampm) or ":" not in m.group() or hour == 0 or hour > 12
            if hour <= 24 and minute <= 59:
                add("time", (hour, minute), "24h" if definite else None, m.start(), m.end())
                consume(m.start(), m.end())
    if pats.roman is not None:
        for m in list(pats.roman.finditer(work)):
            value = roman_value(m.group("roman"))
            if value is not None:
                found.append(
                    Mention(
                        "number",
                        (Decimal(value),),
                        None,
                        text[m.start() : m.end()],
                        m.start(),
                        roman=m.group("roman").lower(),
                    )
                )
                consume(m.start(), m.end())
    for m in list(pats.amount.finditer(work)):
        values = parse_numeral(m.group("num"), tables.decimal_separator)
        if not values:
            continue
        scale_word = (m.groupdict().get("scale") or "").lower()
        if scale_word:
            values[-1] *= tables.scales.get(" ".join(scale_word.split()), 1)
        pre = m.group("pre")
        unit = _PREFIX_UNITS.get(pre.lower(), pats.unit_of(pre)) if pre else None
        unit = unit or pats.unit_of(m.group("unit"))
        for i, value in enumerate(values):
            last = i == len(values) - 1
            add("number", (value,), unit if last else None, m.start(), m.end())
        consume(m.start(), m.end())
    found.sort(key=lambda mention: mention.start)
    return found
