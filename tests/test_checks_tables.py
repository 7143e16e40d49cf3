"""Check tables as data: a language without tables gets the language-independent checks only
(never an error), a registered language can bring its own tables file, a broken file is
named in the error, and the shipped tables travel as package data."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilingual_digest import languages
from bilingual_digest.checks import (
    check_length_ratio,
    check_names,
    check_numbers,
    check_repetition,
    check_segment,
    check_summary_numbers,
    check_untranslated,
    has_tables,
    load_tables,
    skipped_checks_note,
)
from bilingual_digest.checks.language_tables import BUILTIN_DIR

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def registry() -> Iterator[None]:
    """Languages registered by a test are forgotten after it."""
    yield
    languages.reset_registry()


def register(code: str, name: str, tables: Path | None) -> None:
    languages.register_language(
        languages.Language(
            code, name, name, check_tables=str(tables) if tables is not None else None
        )
    )


def kinds(findings: list) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in findings]


def test_shipped_languages_have_tables() -> None:
    assert has_tables("fr") and has_tables("en") and has_tables(" EN ")
    assert not has_tables("de") and not has_tables("xx")
    assert load_tables("de") is None
    fr = load_tables("fr")
    assert fr is not None and fr.months["fevrier"] == 2 and fr.decimal_separator == ","


@pytest.mark.parametrize(
    ("source", "translation", "expected"),
    [
        # Digits are compared whatever the separators: "1.200,5" (German) = "1,200.5".
        (
            "Er zahlte 1.200,5 Euro am 25. April 2024.",
            "He paid 1,200.5 euros on April 25, 2024.",
            [],
        ),
        (
            "Er zahlte 1.300 Euro.",
            "He paid 1,200 euros.",
            [("number_missing", "1.300"), ("number_added", "1,200")],
        ),
    ],
)
def test_unknown_language_numbers_are_compared_as_digits(
    source: str, translation: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(check_numbers(source, translation, "de", "en")) == expected
    swapped = {"number_missing": "number_added", "number_added": "number_missing"}
    reverse = kinds(check_numbers(translation, source, "en", "de"))
    assert sorted(reverse) == sorted((swapped[k], t) for k, t in expected)


def test_unknown_language_skips_language_specific_checks() -> None:
    source = "Angela Merkel traf Emmanuel Macron in Berlin."
    # The names were dropped, but names are not checked without tables on both sides.
    assert check_names(source, "She met him there.", "de", "en") == []
    assert check_names("She met Angela there.", "Sie traf ihn.", "en", "de") == []
    # Untranslated by function words needs both tables; a verbatim copy is caught anyway.
    english = "The meeting was short and the talks were long."
    assert check_untranslated(source, english, "de", "en") == []
    assert kinds(check_untranslated(source, source, "de", "en")) == [("untranslated", source)]
    assert kinds(check_untranslated(source, "", "de", "en")) == [("empty", source)]
    assert check_summary_numbers("Im Jahr 2024.", "In 2024, it rained.", "de", "en") == []


def test_check_segment_on_an_unknown_language_runs_the_rest() -> None:
    source = "Der Vertrag wurde 2019 in Berlin von 27 Staaten unterzeichnet."
    looped = "The treaty was signed in 2019 in in in in in Berlin by 28 states."
    assert kinds(check_segment(source, looped, "de", "en")) == [
        ("number_missing", "27"),
        ("number_added", "28"),
        ("repetition", "in"),
    ]
    short = "Signed in 2019 by 27."
    assert [f.kind for f in check_segment(source, short, "de", "en")] == ["length_ratio"]
    assert check_length_ratio(source, short) != [] and check_repetition(looped) != []


def test_a_registered_language_brings_its_own_tables(tmp_path: Path, registry: None) -> None:
    tables = {
        "decimal_separator": ",",
        "ordinal_suffixes": ["."],
        "months": {"april": 4},
        "name_stopwords": ["der", "die", "das"],
        "function_words": ["der", "die", "das", "und", "ist", "nicht"],
        "equivalents": {"deutschland": ["DE"]},
    }
    path = tmp_path / "de.json"
    path.write_text(json.dumps(tables), encoding="utf-8")
    register("de", "German", path)
    assert has_tables("de")
    # Dates are now read as dates on both sides, names are checked, and so is the language.
    assert check_numbers("am 25. April 2024", "on April 25, 2024", "de", "en") == []
    findings = check_names(
        "Merkel besuchte Deutschland mit Scholz.", "Merkel visited Germany.", "de", "en"
    )
    assert kinds(findings) == [("name_missing", "Scholz")]
    (finding,) = check_untranslated(
        "Das ist gut.", "Das ist nicht der Fall und die Lage.", "de", "en"
    )
    assert finding.message.startswith("The translation still reads as German rather than English")


def test_a_broken_tables_file_is_named(tmp_path: Path, registry: None) -> None:
    path = tmp_path / "xx.json"
    path.write_text('{"monthz": {}}', encoding="utf-8")
    register("xx", "Test", path)
    with pytest.raises(ValueError, match=r"xx\.json: unknown keys monthz"):
        check_numbers("1", "1", "xx", "en")


def test_tables_are_package_data() -> None:
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    line = re.search(
        r"(?m)^bilingual_digest = \[(.*)\]$", config.split("[tool.setuptools.package-data]")[1]
    )
    assert line is not None
    patterns = re.findall(r'"([^"]+)"', line.group(1))
    package = ROOT / "src" / "bilingual_digest"
    shipped = {p for pattern in patterns for p in package.glob(pattern)}
    assert sorted(BUILTIN_DIR.glob("*.json")) and set(BUILTIN_DIR.glob("*.json")) <= shipped


def test_one_note_says_what_was_skipped(registry: None) -> None:
    assert skipped_checks_note("fr", "en") is None
    assert skipped_checks_note("xx", "en") == (
        "The faithfulness checks have no language tables for xx: names, dates, spelled-out "
        "numbers and untranslated text were not checked (digits, length and repetition were)."
    )
    register("de", "German", None)
    assert not has_tables("de")
    note = skipped_checks_note("en", "de")
    assert note is not None and " for German: " in note
