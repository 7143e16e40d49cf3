"""Per-language tables the checks read (month names, number words, function words, …).

The tables are data: one JSON file per language, ``checks/tables/<code>.json`` for the
languages shipped, or the file a registered language names (``Language.check_tables``).
:func:`load_tables` returns a language's tables, or ``None`` when there are none, in which
case the checks that need them are skipped for that language (never an error).

A tables file is a JSON object; every key is optional (an absent one is empty). Words are
written naturally (accents, any case) and compared accent- and case-folded:

``decimal_separator``
    ``","`` or ``"."``: how a lone separator before three digits is read (``"1,200"``).
``months`` / ``month_abbreviations``
    name → month number. ``month_abbreviations_need`` is ``"period"`` (``"sept."``) or
    ``"capital"`` (``"Sep"``); ``capitalised_months`` lists month names that are also common
    words and count only with a capital (``"May"``).
``weekdays``, ``ordinal_suffixes`` (``"1er"``, ``"1st"``), ``roman_ordinal_suffixes``
    (``"XXe"``), ``day_connectors`` (``"du 3 au 5"``), ``day_month_prepositions``
    (``"5th of May"``), ``month_year_prepositions``.
``hour_words`` (``"15 h 30"``, ``"22 heures"``), ``am_pm`` (whether ``"3 p.m."`` is
    written), ``decade_words`` (``"les années 70"``), ``decade_suffix`` (``"the 1970s"``).
``percent_words``, ``percentage_point_words``, ``currency_words`` (ISO 4217 code →
    words), ``amount_prepositions`` (``"3 millions d'euros"``), ``scales`` (word → value,
    or the list of values it can have: French ``"billion"``), ``scale_abbreviations``
    (``"M$"``, ``"£4bn"``; the bare number is kept as a reading too), ``number_words``
    (words for numbers that the number-words library does not read: ``"dozen"``).
``function_words``
    frequent words that tell the language (the untranslated check).
``name_stopwords``, ``translatable_words``, ``name_connectors``, ``title_abbreviations``,
``elisions``
    what the names check needs: capitalised words that are not names, institutional words
    that translate, words allowed inside a name, abbreviations followed by a period, and
    elided articles (``"l'"``).
``equivalents``
    form → list of concept keys shared across languages (ISO country codes, ``"org:un"``):
    two forms in two languages with a key in common name the same thing (CLDR's country,
    language and city names are added to these, see :mod:`.entities`). ``demonyms``: the
    same for words naming a people or an adjective of place (never required).
``common_words_file``
    a text file beside the tables (one word a line) of the language's common lower-case
    words: a capitalised word among them is likely a common noun, not a name (looked up
    with :func:`lexicon_form`).
``stemmer``
    the Snowball stemmer of the language (``"french"``): a word opening a sentence whose
    stem is a common word's ("Troisièmement", "Luckily") is taken for a common word.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import fold

__all__ = [
    "Tables",
    "has_tables",
    "language_name",
    "lexicon_form",
    "load_tables",
    "skipped_checks_note",
    "tables_path",
]

logger = logging.getLogger("bilingual_digest")

BUILTIN_DIR = Path(__file__).with_name("tables")

_WORD_LISTS = (
    "weekdays",
    "capitalised_months",
    "function_words",
    "name_stopwords",
    "translatable_words",
    "name_connectors",
    "title_abbreviations",
    "elisions",
)
_ORDERED_LISTS = (
    "hour_words",
    "decade_words",
    "ordinal_suffixes",
    "roman_ordinal_suffixes",
    "day_connectors",
    "day_month_prepositions",
    "month_year_prepositions",
    "percent_words",
    "percentage_point_words",
    "amount_prepositions",
)
_NUMBER_MAPS = ("months", "month_abbreviations", "number_words")
_SCALE_MAPS = ("scales", "scale_abbreviations")
_SCALARS = (
    "language",
    "decimal_separator",
    "month_abbreviations_need",
    "am_pm",
    "decade_suffix",
    "common_words_file",
    "stemmer",
)


def _longest_first(words: Any) -> tuple[str, ...]:
    return tuple(sorted({fold(w) for w in words}, key=lambda w: (-len(w), w)))


@dataclass(frozen=True, eq=False)
class Tables:
    """One language's tables, accent- and case-folded (see the module docstring)."""

    code: str
    decimal_separator: str | None = None
    months: dict[str, int] = field(default_factory=dict)
    month_abbreviations: dict[str, int] = field(default_factory=dict)
    month_abbreviations_need: str = "period"
    capitalised_months: frozenset[str] = frozenset()
    weekdays: frozenset[str] = frozenset()
    ordinal_suffixes: tuple[str, ...] = ()
    roman_ordinal_suffixes: tuple[str, ...] = ()
    day_connectors: tuple[str, ...] = ()
    day_month_prepositions: tuple[str, ...] = ()
    month_year_prepositions: tuple[str, ...] = ()
    hour_words: tuple[str, ...] = ()
    am_pm: bool = False
    decade_words: tuple[str, ...] = ()
    decade_suffix: str | None = None
    percent_words: tuple[str, ...] = ()
    percentage_point_words: tuple[str, ...] = ()
    currency_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    amount_prepositions: tuple[str, ...] = ()
    scales: dict[str, tuple[int, ...]] = field(default_factory=dict)
    scale_abbreviations: dict[str, tuple[int, ...]] = field(default_factory=dict)
    number_words: dict[str, int] = field(default_factory=dict)
    function_words: frozenset[str] = frozenset()
    name_stopwords: frozenset[str] = frozenset()
    translatable_words: frozenset[str] = frozenset()
    name_connectors: frozenset[str] = frozenset()
    title_abbreviations: frozenset[str] = frozenset()
    elisions: frozenset[str] = frozenset()
    equivalents: dict[str, frozenset[str]] = field(default_factory=dict)
    demonyms: dict[str, frozenset[str]] = field(default_factory=dict)
    common_words: frozenset[str] = frozenset()
    stemmer: str | None = None

    @classmethod
    def from_dict(cls, code: str, data: object, origin: str) -> Tables:
        """Build tables from a parsed JSON object; ``origin`` names it in error messages.

        ``common_words_file`` is read relative to the folder of ``origin``.
        """
        if not isinstance(data, dict):
            raise ValueError(f"Check tables {origin}: expected a JSON object.")
        known = {*_WORD_LISTS, *_ORDERED_LISTS, *_NUMBER_MAPS, *_SCALE_MAPS, *_SCALARS}
        known |= {"currency_words", "equivalents", "demonyms"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"Check tables {origin}: unknown keys {', '.join(unknown)}.")
        try:
            values: dict[str, Any] = {
                "code": code,
                "decimal_separator": data.get("decimal_separator"),
                "month_abbreviations_need": data.get("month_abbreviations_need", "period"),
                "am_pm": bool(data.get("am_pm", False)),
                "decade_suffix": data.get("decade_suffix"),
                "common_words_file": data.get("common_words_file"),
                "stemmer": data.get("stemmer"),
            }
            for key in _WORD_LISTS:
                values[key] = frozenset(fold(w) for w in data.get(key, ()))
            for key in _ORDERED_LISTS:
                values[key] = _longest_first(data.get(key, ()))
            for key in _NUMBER_MAPS:
                values[key] = {fold(w): int(v) for w, v in data.get(key, {}).items()}
            for key in _SCALE_MAPS:  # a value, or every value the word can have
                values[key] = {
                    fold(w): tuple(int(x) for x in (v if isinstance(v, list) else [v]))
                    for w, v in data.get(key, {}).items()
                }
            currencies = data.get("currency_words", {}).items()
            values["currency_words"] = {unit: _longest_first(ws) for unit, ws in currencies}
            for key in ("equivalents", "demonyms"):
                values[key] = {
                    fold(form): frozenset(keys) for form, keys in data.get(key, {}).items()
                }
        except (AttributeError, TypeError, ValueError) as exc:
            raise ValueError(f"Check tables {origin}: {exc}") from exc
        if values["decimal_separator"] not in (None, ",", "."):
            raise ValueError(f"Check tables {origin}: decimal_separator must be ',' or '.'.")
        if values["month_abbreviations_need"] not in ("period", "capital"):
            raise ValueError(
                f"Check tables {origin}: month_abbreviations_need must be 'period' or 'capital'."
            )
        values["name_stopwords"] |= values["weekdays"] | set(values["months"])
        # "Sept. 11": a month's abbreviation is not a name ("Jan", "Mar" may be one).
        values["name_stopwords"] |= {a for a in values["month_abbreviations"] if len(a) >= 4}
        common = values.pop("common_words_file", None)
        if common:
            path = Path(origin).parent / str(common)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise ValueError(f"Check tables {origin}: common_words_file: {exc}") from exc
            values["common_words"] = frozenset(_lexicon_forms(text.split()))
        return cls(**values)


def _lexicon_forms(words: list[str]) -> set[str]:
    """Lower-case words, each also without the accent of its first letter ("etat" for
    "état": capitals often lose theirs), other accents kept ("colé" is not "Coles")."""
    forms = set()
    for word in words:
        word = word.casefold()
        forms.add(word)
        forms.add(fold(word[:1]) + word[1:])
    return forms


def lexicon_form(word: str) -> str:
    """How a word is looked up among ``common_words``: lower case, first accent dropped."""
    word = word.casefold().replace("’", "'")
    return fold(word[:1]) + word[1:]


def tables_path(code: str) -> Path | None:
    """Where a language's tables are: the registry's ``check_tables``, else the built-in file.

    Args:
        code: A language code such as ``"fr"``.

    Returns:
        The path of its JSON tables file, or ``None`` if it has none.
    """
    language = _registered(code)
    custom = getattr(language, "check_tables", None) if language is not None else None
    if custom:
        return Path(custom)
    builtin = BUILTIN_DIR / f"{code}.json"
    return builtin if builtin.is_file() else None


def _registered(code: str) -> object | None:
    """The registry's entry for ``code`` (``languages.find_language``), if it has one."""
    from .. import languages

    return languages.find_language(code)


def load_tables(code: str) -> Tables | None:
    """Return a language's tables, or ``None`` if the checks have none for it.

    Args:
        code: A language code (any case).

    Returns:
        The language's :class:`Tables`, or ``None``.

    Raises:
        ValueError: If its tables file exists but is not valid (the message names the file).
    """
    code = code.strip().lower()
    path = tables_path(code)
    return None if path is None else _load(code, str(path))


@functools.lru_cache(maxsize=32)
def _load(code: str, path: str) -> Tables:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"Check tables {path}: {exc}") from exc
    return Tables.from_dict(code, data, path)


def has_tables(code: str) -> bool:
    """Whether the language-specific checks can run for ``code`` (it has tables).

    For a language without tables, :func:`~bilingual_digest.checks.check_segment` still
    checks digits, the length ratio, loops and a verbatim copy, and skips dates and
    spelled-out numbers, names and the untranslated-language test.
    """
    return tables_path(code.strip().lower()) is not None


def language_name(code: str) -> str:
    """A language's English name for messages (the registry's, else the code itself)."""
    from ..languages import language_name as registered_name

    return registered_name(code)


def skipped_checks_note(source_lang: str, target_lang: str) -> str | None:
    """The one note to show when a pair's language-specific checks can't run, else ``None``.

    Args:
        source_lang: Language code of the source.
        target_lang: Language code of the translation.

    Returns:
        A plain-language sentence naming the languages without tables and what was
        skipped, or ``None`` when both languages have tables.
    """
    missing = [code for code in (source_lang, target_lang) if not has_tables(code)]
    if not missing:
        return None
    names = " and ".join(dict.fromkeys(language_name(code.strip().lower()) for code in missing))
    return (
        f"The faithfulness checks have no language tables for {names}: names, dates, "
        "spelled-out numbers and untranslated text were not checked (digits, length and "
        "repetition were)."
    )
