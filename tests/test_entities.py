"""The index of names that change across languages: where its multi-word forms are."""

from __future__ import annotations

import re

import pytest

from bilingual_digest.checks.entities import _spaced_same_length, entity_index
from bilingual_digest.checks.language_tables import load_tables
from bilingual_digest.checks.text import fold

from real_data import sentences


def every_form(index, folded: str) -> list[tuple[int, int, str]]:
    """The definition: every occurrence of every multi-word form, form by form."""
    spaced = _spaced_same_length(folded)
    return [
        (m.start(), m.end(), phrase)
        for phrase in index.phrases
        for m in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", spaced)
    ]


def test_phrases_are_found_where_they_are_overlaps_included() -> None:
    index = entity_index(load_tables("fr"))
    text = fold("Les États-Unis et le Royaume-Uni ; la Nouvelle-Zélande, les états unis.")
    found = index.phrases_in(text)
    assert {(text[s:e], phrase) for s, e, phrase in found} >= {
        ("etats-unis", "etats unis"),
        ("royaume-uni", "royaume uni"),
        ("nouvelle-zelande", "nouvelle zelande"),
        ("etats unis", "etats unis"),
    }
    assert found == every_form(index, text)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_indexed_search_finds_what_a_scan_of_every_form_finds(language: str) -> None:
    """On 1,500 real news sentences: the same matches, in the same order."""
    index = entity_index(load_tables(language))
    texts = [fold(s) for s in sentences(language)[:1500]]
    assert sum(bool(every_form(index, t)) for t in texts) > 20  # the test sees phrases
    for text in texts:
        assert index.phrases_in(text) == every_form(index, text)
