"""Regular expressions that find numbers, dates and times, built from a language's tables.

Also the readers of what they find: :func:`parse_numeral` (``"1 200,5"``, ``"1,200"`` …, with
every plausible reading) and :func:`roman_value`.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from .language_tables import Tables

__all__ = [
    "Patterns",
    "currency_codes",
    "parse_numeral",
    "patterns",
    "roman_value",
    "unit_family",
]

GROUP_SPACE = " \u00a0\u202f\u2009"
NUMERAL_RE = (
    rf"(?:\d{{1,3}}(?:[{GROUP_SPACE}]\d{{3}}(?!\d))+(?:[.,]\d+)?"
    r"|\d+(?:[.,]\d+)*)"
)
YEAR_RE = r"(?P<year>[12]\d{3})(?!\d)"
AMPM_RE = r"(?P<ap>[ap]\.?\s?m\b\.?)"
ISO_DATE = re.compile(r"(?<![\w.,])([12]\d{3})-(\d{1,2})-(\d{1,2})(?!\w)")
NUMERIC_DATE = re.compile(r"(?<![\w.,/])(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})(?![\w/])")
# "2000-08", "1914-18": the second year written with two digits.
YEAR_RANGE = re.compile(r"(?<![\w.,])(?P<first>[12]\d{3})\s?[-–/]\s?(?P<second>\d{2})(?![\w.,]?\d)")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
PREFIX_UNITS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_SYMBOL_UNITS = {"%": "percent", "€": "EUR", "us$": "USD", "$": "USD", "£": "GBP", "¥": "JPY"}
# Currencies several words name ("francs" is any franc): one family each.
_FAMILIES = {"CHF": "FRANC", "XOF": "FRANC", "XAF": "FRANC", "FRF": "FRANC", "BEF": "FRANC"}


def unit_family(unit: str | None) -> str | None:
    """The unit two mentions must share: a currency code, ``"percent"`` or ``"pp"``."""
    return _FAMILIES.get(unit, unit) if unit else None


@functools.lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """ISO 4217 currency codes (Babel's list)."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of words (longest first), spaces matching any white space."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(map(re.escape, w.split())) for w in ordered)


class Patterns:
    """The regular expressions for one language, built from its tables."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        month = self._month_re(tables)
        self.month_numbers = {**tables.months, **tables.month_abbreviations}
        suffixes = _alternation(tables.ordinal_suffixes)
        day = r"\d{1,2}(?!\d)" + (rf"(?:{suffixes})?" if suffixes else "") + r"(?![^\W\d_])"
        # "18. décembre" (a German habit that travels) is read like "18 décembre".
        dotted = r"\d{1,2}(?!\d)" + (rf"(?:{suffixes}|\.)?" if suffixes else r"\.?")
        dotted += r"(?![^\W\d_])"
        connectors = "|".join(rf"\b{re.escape(c)}\b" for c in tables.day_connectors)
        day_sep = r"\s*(?:-|–|—|&|/|," + (f"|{connectors}" if connectors else "") + r")\s*"
        days_first = rf"(?P<days>{dotted}(?:{day_sep}{dotted}){{0,6}})"
        days = rf"(?P<days>{day}(?:{day_sep}{day}){{0,6}})"
        self.dates: list[re.Pattern[str]] = []
        self.month_year: re.Pattern[str] | None = None
        if month:
            dm_prep = _alternation(tables.day_month_prepositions)
            dm = rf"(?:(?:{dm_prep})\s+)?" if dm_prep else ""
            my_prep = _alternation(tables.month_year_prepositions)
            my = rf"(?:(?:{my_prep})\s+)?" if my_prep else ""
            year = rf"(?:,?\s+{my}{YEAR_RE})?"
            self.dates = [
                re.compile(
                    rf"(?<![\w.,]){days_first}\s+{dm}(?P<month>{month}){year}", re.IGNORECASE
                ),
                re.compile(
                    rf"(?<![^\W\d_])(?P<month>{month})\s+(?:the\s+)?{days}(?![.,]\d){year}",
                    re.IGNORECASE,
                ),
            ]
            self.month_year = re.compile(
                rf"(?<![^\W\d_])(?P<month>{month})\s+{my}{YEAR_RE}", re.IGNORECASE
            )
        self.times = self._time_res(tables)
        roman_suffixes = _alternation(tables.roman_ordinal_suffixes)
        self.roman = (
            re.compile(
                rf"(?<![\w.,])(?P<roman>[IVXLC]{{2,7}}|[IVX])(?:{roman_suffixes})(?![^\W\d_])"
            )
            if roman_suffixes
            else None
        )
        self.decade = self._decade_re(tables)
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
        symbols = r"%|€|us\$|\$|£|¥"
        unit_alt = f"{_alternation(unit_words)}|{symbols}" if unit_words else symbols
        codes = r"(?-i:[A-Z]{3})"
        scales = _alternation([*tables.scales, *tables.scale_abbreviations])
        preps = "|".join(
            (re.escape(p) + r"\s?") if p.endswith("'") else (re.escape(p) + r"\s+")
            for p in tables.amount_prepositions
        )
        scale = rf"(?P<scale>(?:{scales})(?:\s+(?:{scales}))?)" if scales else None
        # "150-million-crown campaign": a scale word joined by a hyphen, as English writes
        # an amount used as an adjective.
        words = _alternation(list(tables.scales))
        joined = rf"|-(?P<joined>{words})" if tables.scales else ""
        scale_part = rf"(?:\s?{scale}{joined}(?![^\W\d_]))?" if scale else ""
        prep_part = rf"(?:{preps})?" if preps else ""
        unit_part = rf"(?:\s?{prep_part}(?P<unit>{unit_alt}|{codes})(?![^\W\d_]))?"
        ordinal = rf"(?P<ord>{suffixes})(?![^\W\d_])|" if suffixes else ""
        self.amount = re.compile(
            rf"(?:(?P<pre>US\$|\$|€|£|¥|{codes})\s?)?"
            rf"(?<![\w.,])(?P<num>{NUMERAL_RE})(?!\d|[.,]\d)"
            rf"(?:{ordinal}{scale_part}{unit_part})"
            # A number glued to letters ("4x4", "F1", "A380") is part of a name, not a number.
            r"(?![^\W\d_])",
            re.IGNORECASE,
        )

    @staticmethod
    def _month_re(tables: Tables) -> str | None:
        months = sorted(set(tables.months) - tables.capitalised_months)
        parts = [rf"(?:{_alternation(months)})(?![^\W\d_])"] if months else []
        caps = [m.capitalize() for m in sorted(tables.capitalised_months)]
        caps += [m.upper() for m in sorted(tables.capitalised_months)]
        if caps:
            parts.append(rf"(?-i:{'|'.join(caps)})(?![^\W\d_])")
        abbreviations = sorted(tables.month_abbreviations)
        if abbreviations and tables.month_abbreviations_need == "period":
            parts.append(rf"(?:{_alternation(abbreviations)})\.")
        elif abbreviations:
            capitalised = "|".join(a.capitalize() for a in abbreviations)
            parts.append(rf"(?-i:{capitalised})\.?(?![^\W\d_])")
        return "(?:" + "|".join(parts) + ")" if parts else None

    @staticmethod
    def _time_res(tables: Tables) -> list[re.Pattern[str]]:
        ampm = rf"(?:\s?{AMPM_RE})?" if tables.am_pm else ""
        times = [
            re.compile(
                rf"(?<![\w.,:])(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?![\d:]){ampm}", re.IGNORECASE
            )
        ]
        if tables.am_pm:
            times.append(
                re.compile(
                    rf"(?<![\w.,])(?P<h>\d{{1,2}})(?:\.(?P<m>\d{{2}}))?\s?{AMPM_RE}", re.IGNORECASE
                )
            )
        # "1530 hours": military time, in any language with hour words.
        times.append(
            re.compile(r"(?<![\w.,])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)\s?(?:hours|hrs|h)\b")
        )
        if tables.hour_words:
            words = _alternation(tables.hour_words)
            times.append(
                re.compile(
                    rf"(?<![\w.,])(?P<h>\d{{1,2}})\s?(?:{words})(?:\s?(?P<m>\d{{2}})(?!\d))?"
                    r"(?![^\W\d_])",
                    re.IGNORECASE,
                )
            )
        return times

    @staticmethod
    def _decade_re(tables: Tables) -> re.Pattern[str] | None:
        parts = []
        if tables.decade_words:  # "les années 70", "années 1970"
            words = _alternation(tables.decade_words)
            parts.append(rf"(?<![^\W\d_])(?:{words})\s+(?P<a>(?:1[89]|20)?\d0)(?!\d)")
        if tables.decade_suffix:  # "the 1970s", "the '70s"
            suffix = re.escape(tables.decade_suffix)
            parts.append(rf"(?<![\w.,])['’]?(?P<b>(?:1[89]|20)?\d0){suffix}(?![^\W\d_])")
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def unit_of(self, text: str | None) -> str | None:
        """The unit a currency symbol, code or word names (``None`` for anything else)."""
        if not text:
            return None
        flat = " ".join(text.split())
        if flat.upper() in currency_codes() and flat.isupper():
            return flat.upper()
        flat = flat.lower()
        if flat in _SYMBOL_UNITS:
            return _SYMBOL_UNITS[flat]
        for pattern, unit in self.units:
            if pattern.fullmatch(flat):
                return unit
        return None

    def scale_values(self, text: str) -> list[Decimal]:
        """Every reading of a scale (``"milliards"``, ``"thousand million"``, ``"m"``)."""
        readings = [Decimal(1)]
        for word in text.lower().split():
            options = self.tables.scales.get(word) or self.tables.scale_abbreviations.get(word)
            if not options:
                continue
            readings = [r * Decimal(v) for r in readings for v in options]
        if any(w in self.tables.scale_abbreviations for w in text.lower().split()):
            readings.append(Decimal(1))  # "100m" may be metres: the bare number stands too
        return readings


@functools.lru_cache(maxsize=16)
def patterns(tables: Tables) -> Patterns:
    """The (cached) patterns of one language's tables."""
    return Patterns(tables)


def parse_numeral(raw: str, decimal_separator: str | None) -> list[list[Decimal]]:
    """Read one written numeral: a list of numbers, each with its plausible readings.

    ``"1 200,5"`` is one number; ``"1,200"`` is 1.2 in French and 1200 in English, and since
    either can be met in the other language the other reading is kept as a second choice;
    ``"3.4.5"`` is three numbers.
    """
    compact = re.sub(f"[{GROUP_SPACE}]", "", raw)
    try:
        if compact != raw:  # spaces were thousands separators; what is left is decimal
            return [[Decimal(compact.replace(",", "."))]]
        seps = re.findall(r"[.,]", compact)
        groups = re.split(r"[.,]", compact)
        if not seps:
            return [[Decimal(compact)]]
        if len(set(seps)) == 2:
            thousands = "," if seps[-1] == "." else "."
            if (
                all(s == thousands for s in seps[:-1])
                and len(groups[0]) <= 3
                and all(len(g) == 3 for g in groups[1:-1])
            ):
                return [[Decimal("".join(groups[:-1]) + "." + groups[-1])]]
            return [[Decimal(g)] for g in groups]
        if len(seps) > 1:
            if len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
                return [[Decimal("".join(groups))]]
            return [[Decimal(g)] for g in groups]
        head, tail = groups
        decimal = Decimal(f"{head}.{tail}")
        if len(tail) == 3 and len(head) <= 3:
            thousands = Decimal(head + tail)
            if seps[0] == decimal_separator:
                return [[decimal, thousands]]
            return [[thousands, decimal]]
        return [[decimal]]
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return []


def roman_value(roman: str) -> int | None:
    """The value of a well-formed Roman numeral, else None."""
    total = 0
    for i, char in enumerate(roman):
        value = _ROMAN_VALUES.get(char)
        if value is None:
            return None
        following = _ROMAN_VALUES.get(roman[i + 1], 0) if i + 1 < len(roman) else 0
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
