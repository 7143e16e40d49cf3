"""Reading numbers, amounts, percentages, dates and times out of a text, by value.

Each text is read with its own language's tables (:mod:`.language_tables`): month names, ordinal
suffixes, decimal separator, scale and currency words. Without tables, only digits are
read, compared as digit strings (``"1 200"`` = ``"1,200"`` = ``"1.200"``), so two texts in
languages without tables are still compared fairly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .language_tables import Tables
from .number_patterns import (
    ISO_DATE,
    NUMERIC_DATE,
    PREFIX_UNITS,
    YEAR_RANGE,
    parse_numeral,
    patterns,
    roman_value,
)
from .text import fold_same_length

__all__ = ["Mention", "extract_mentions"]

_RANK = re.compile(r"(?:\bn[°o]\.?|\bnumero|\bnumber|#)\s*$", re.IGNORECASE)
_CODE = re.compile(r"(?<![\w.,])(?=[\w-]*\d)(?=[\w-]*[^\W\d_])\w+(?:-\w+)*")
_GENERIC_NUMBER = re.compile(r"(?<!\w)\d+(?:[.,]\d+|[\u00a0\u202f\u2009 ]\d{3}(?!\d))*(?!\w)")


@dataclass(frozen=True)
class Mention:
    """A number, date or time found in a text."""

    kind: str  # "number", "date", "time" or "code"
    key: tuple[object, ...]  # (value,) | (year, month, day) | (hour, minute) | (code,)
    unit: str | None  # currency, "percent" or "pp" for numbers; "24h" for unambiguous times
    text: str
    start: int
    roman: str | None = None  # "xxi" for "XXIe": "Napoléon Ier" may stay "Napoleon I"
    alts: tuple[tuple[object, ...], ...] = ()  # other readings ("1,200": 1.2 or 1200)
    ordinal: bool = False  # "1er", "20th", "XXe": "premier"/"twentieth" state it too

    @property
    def readings(self) -> tuple[tuple[object, ...], ...]:
        """Every plausible value of the text, the likeliest first."""
        return (self.key, *self.alts)

    @property
    def noun(self) -> str:
        return {"date": "date", "time": "time", "code": "code"}.get(self.kind, "number")

    @property
    def ident(self) -> tuple[object, ...]:
        return (self.kind, self.key, self.unit)


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
    reader = _Reader(text, tables)
    for step in (
        reader.numeric_dates,
        reader.named_dates,
        reader.times,
        reader.roman_ordinals,
        reader.decades,
        reader.year_ranges,
        reader.amounts,
        reader.codes,
    ):
        step()
    return sorted(reader.found, key=lambda mention: mention.start)


class _Reader:
    """One text being read: what is found is blanked out of ``work`` so it is read once."""

    def __init__(self, text: str, tables: Tables) -> None:
        self.text = text
        self.tables = tables
        self.pats = patterns(tables)
        self.work = fold_same_length(text)
        self.found: list[Mention] = []

    def consume(self, start: int, end: int) -> None:
        self.work = self.work[:start] + "\x00" * (end - start) + self.work[end:]

    def add(
        self,
        kind: str,
        keys: list[tuple[object, ...]],
        unit: str | None,
        start: int,
        end: int,
        label: str | None = None,
        *,
        ordinal: bool = False,
    ) -> None:
        unique = list(dict.fromkeys(keys))
        label = label if label is not None else self.text[start:end].strip()
        self.found.append(
            Mention(kind, unique[0], unit, label, start, alts=tuple(unique[1:]), ordinal=ordinal)
        )

    def numeric_dates(self) -> None:
        for m in list(ISO_DATE.finditer(self.work)):
            year, month, day = (int(g) for g in m.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                self.add("date", [(year, month, day)], None, m.start(), m.end())
                self.consume(m.start(), m.end())
        for m in list(NUMERIC_DATE.finditer(self.work)):
            first, second, year_text = int(m.group(1)), int(m.group(3)), m.group(4)
            year = int(year_text)
            if len(year_text) == 2:
                year += 2000 if year < 50 else 1900
            readings = [(year, second, first), (year, first, second)]  # day first, or month
            readings = [r for r in readings if 1 <= r[1] <= 12 and 1 <= r[2] <= 31]
            if readings:
                self.add("date", readings, None, m.start(), m.end())
                self.consume(m.start(), m.end())

    def named_dates(self) -> None:
        """ "25 avril 2024", "April 23-25", "the 10th of January of 2011", "mai 2012"."""
        pats = self.pats
        for index, pattern in enumerate(pats.dates):
            for m in list(pattern.finditer(self.work)):
                month = pats.month_numbers[m.group("month").rstrip(".").lower()]
                days = [int(d) for d in re.findall(r"\d{1,2}", m.group("days"))]
                if not all(1 <= d <= 31 for d in days):
                    continue
                year = int(m.group("year")) if m.group("year") else None
                self.consume(m.start(), m.end())
                if len(days) == 1:
                    self.add("date", [(year, month, days[0])], None, m.start(), m.end())
                    continue
                month_text = self.text[m.start("month") : m.end("month")]
                year_text = f" {m.group('year')}" if year else ""
                for d_match in re.finditer(r"\d{1,2}", m.group("days")):
                    at = m.start("days") + d_match.start()
                    d_text = self.text[at : m.start("days") + d_match.end()]
                    label = (
                        f"{d_text} {month_text}{year_text}"
                        if index == 0
                        else f"{month_text} {d_text}{',' if year else ''}{year_text}"
                    )
                    self.add("date", [(year, month, int(d_text))], None, m.start(), 0, label)
        if pats.month_year is not None:
            for m in list(pats.month_year.finditer(self.work)):
                month = pats.month_numbers[m.group("month").rstrip(".").lower()]
                self.add("date", [(int(m.group("year")), month, None)], None, m.start(), m.end())
                self.consume(m.start(), m.end())

    def times(self) -> None:
        for pattern in self.pats.times:
            for m in list(pattern.finditer(self.work)):
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
                    unit = "24h" if definite else None
                    self.add("time", [(hour, minute)], unit, m.start(), m.end())
                    self.consume(m.start(), m.end())

    def roman_ordinals(self) -> None:
        """ "XXIe siècle", "Ve République", "Ier"."""
        if self.pats.roman is None:
            return
        for m in list(self.pats.roman.finditer(self.work)):
            value = roman_value(m.group("roman"))
            if value is not None:
                label = self.text[m.start() : m.end()]
                roman = m.group("roman").lower()
                self.found.append(
                    Mention(
                        "number",
                        (Decimal(value),),
                        None,
                        label,
                        m.start(),
                        roman=roman,
                        ordinal=True,
                    )
                )
                self.consume(m.start(), m.end())

    def decades(self) -> None:
        """ "les années 70" = "the 1970s" = "the '70s"."""
        if self.pats.decade is None:
            return
        for m in list(self.pats.decade.finditer(self.work)):
            digits = m.groupdict().get("a") or m.groupdict()["b"]
            value = Decimal(digits)
            readings = [value, value % 100] if len(digits) == 4 else [value, 1900 + value]
            self.add("number", [(v,) for v in readings], None, m.start(), m.end())
            self.consume(m.start(), m.end())

    def year_ranges(self) -> None:
        """ "2000-08" = "2000 à 2008"."""
        for m in list(YEAR_RANGE.finditer(self.work)):
            first, second = m.group("first"), m.group("second")
            if int(second) <= int(first[2:]):  # "2010-08" is more likely a date, a score …
                continue
            self.add("number", [(Decimal(first),)], None, m.start("first"), m.end("first"))
            readings = [(Decimal(first[:2] + second),), (Decimal(second),)]
            self.add("number", readings, None, m.start("second"), m.end("second"))
            self.consume(m.start(), m.end())

    def amounts(self) -> None:
        pats = self.pats
        for m in list(pats.amount.finditer(self.work)):
            numbers = parse_numeral(m.group("num"), self.tables.decimal_separator)
            if not numbers:
                continue
            scale = m.groupdict().get("scale") or m.groupdict().get("joined")
            factors = pats.scale_values(scale) if scale else [Decimal(1)]
            pre = m.group("pre")
            unit = (PREFIX_UNITS.get(pre.lower()) or pats.unit_of(pre)) if pre else None
            unit = unit or pats.unit_of(m.group("unit"))
            start = m.start() if unit and pre else m.start("num")
            # "n°1", "No. 1": a rank, which "the first" may say.
            ordinal = bool(m.groupdict().get("ord")) or bool(_RANK.search(self.work[: m.start()]))
            for i, readings in enumerate(numbers):
                if i < len(numbers) - 1:
                    self.add("number", [(r,) for r in readings], None, start, m.end())
                    continue
                keys = [(r * f,) for r in readings for f in factors]
                self.add("number", keys, unit, start, m.end(), ordinal=ordinal)
            self.consume(m.start(), m.end())

    def codes(self) -> None:
        """Digits inside a word ("MP3", "BR23C", "4x4", "S21", "G20"): the word must match."""
        for m in list(_CODE.finditer(self.work)):
            code = self.text[m.start() : m.end()]
            self.add("code", [(code.casefold(),)], None, m.start(), m.end())
            self.consume(m.start(), m.end())
