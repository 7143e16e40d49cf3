"""Messages true for the door they are shown at, and language detection by majority."""

from __future__ import annotations

import pytest

from bilingual_digest import (
    Digester,
    InputError,
    UnsupportedLanguageError,
    detect_language,
    digest,
    summarize,
)
from bilingual_digest.detection import mixed_language_notes
from bilingual_digest.messages import door_message, language_hint

FR = (
    "Les deux parties vont entamer des discussions sur un retrait ordonné et sûr des forces "
    "américaines du Niger, selon le communiqué publié mardi soir."
)
DE = (
    "Die beiden Parteien werden Gespräche über einen geordneten und sicheren Abzug der "
    "amerikanischen Truppen aus Niger aufnehmen, hieß es am Dienstag."
)
EN = "The United States will keep working with its partners in the region to fight terror."


def test_a_mostly_french_article_with_a_german_paragraph_is_french_and_the_paragraph_named() -> (
    None
):
    text = f"{DE}\n{FR}\n{FR}"  # the German paragraph first, where a sample would look
    assert detect_language(text) == "fr"
    assert mixed_language_notes(text, "fr") == [
        "Paragraph(s) 1 look German, not French: they were passed through the fr→en model as "
        "they are (usually copied through). Digest them separately to get them translated."
    ]
    # English paragraphs in a French article are named the same way, and both at once.
    notes = mixed_language_notes(f"{FR}\n{EN}\n{FR}\n{DE}", "fr")
    assert [note.split(":")[0] for note in notes] == [
        "Paragraph(s) 2 look English, not French",
        "Paragraph(s) 4 look German, not French",
    ]


def test_a_mostly_german_article_is_refused_as_german() -> None:
    with pytest.raises(UnsupportedLanguageError, match="looks like German, not French or English"):
        detect_language(f"{DE}\n{DE}\n{FR}")


def test_the_advice_to_give_the_language_is_told_in_each_door_s_terms() -> None:
    with pytest.raises(UnsupportedLanguageError) as info:
        detect_language("x")
    exc = info.value
    assert str(exc) == (
        "Cannot detect the language of a text without words. Pass the language explicitly, "
        'e.g. source="fr" or source="en".'
    )
    assert door_message(exc, "cli").endswith("with --direction fr-en or en-fr.")
    assert door_message(exc, "web").endswith(
        "Choose the direction (fr-en, en-fr) instead of detecting it."
    )
    assert door_message(exc, "api").endswith(
        'Give the language explicitly in "source" ("fr", "en").'
    )
    assert door_message(ValueError("plain"), "web") == "plain"
    with pytest.raises(ValueError, match="Unknown door 'mail'"):
        language_hint("mail")


def test_digest_refuses_a_list_saying_what_takes_one() -> None:
    with pytest.raises(TypeError, match=r"use Digester\.digest_many\(\)"):
        Digester().digest(["Un article."])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="The text must be a str or an Article, got int"):
        digest(3)  # type: ignore[arg-type]


def test_a_bad_summary_length_is_our_error() -> None:
    with pytest.raises(InputError, match="Unknown summary length 'huge': accepted values are"):
        summarize("Some text.", length="huge")
