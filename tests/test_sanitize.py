from __future__ import annotations

import pytest

from bilingual_digest.sanitize import clean_text, looks_like_html


def test_plain_text_is_untouched() -> None:
    text = "Le « retrait » des forces 🇺🇸 — 25 avril.\n\n# Titre\n*gras* et مرحبا\tfin"
    assert clean_text(text).text == text
    assert clean_text(text).notes == ()


def test_control_characters_and_nul_bytes_are_stripped_with_a_note() -> None:
    result = clean_text("Bon\x00jour\x07 le\x1b monde.\u200b\nFin\x00.")
    assert result.text == "Bonjour le monde.\nFin."
    assert result.notes == ("Removed 5 invisible control character(s), 2 of them NUL bytes.",)


def test_line_endings_are_normalised() -> None:
    assert clean_text("Un.\r\nDeux.\rTrois.").text == "Un.\nDeux.\nTrois."


def test_html_is_reduced_to_its_text() -> None:
    page = (
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<h1>Le titre</h1><p>Premier  paragraphe &amp; suite.</p><script>alert(1)</script>"
        "<p>Second <b>paragraphe</b>.</p></body></html>"
    )
    result = clean_text(page)
    assert result.text == "Le titre\nPremier paragraphe & suite.\nSecond paragraphe."
    assert result.notes == (
        "The text contained HTML markup: only its visible text was translated.",
    )


def test_a_lone_angle_bracket_is_not_html() -> None:
    assert not looks_like_html("Si a < b et b > c, alors <b> est gras.")
    assert clean_text("a < b > c").text == "a < b > c"


def test_type_is_checked() -> None:
    with pytest.raises(TypeError, match="expects a str"):
        clean_text(b"abc")  # type: ignore[arg-type]


def test_lone_surrogates_get_a_defined_answer_everywhere() -> None:
    from bilingual_digest import Translator, detect_language
    from bilingual_digest.options import TranslationOptions

    from fakes import UpperBackend

    text = "Le chat\ud800 dort\udfff."
    clean = clean_text(text)
    assert clean.text == "Le chat dort."
    assert clean.notes == (
        "Removed 2 invalid character(s) (lone UTF-16 surrogates, which no text encoding can "
        "represent).",
    )
    assert detect_language("Les deux parties vont entamer\ud800 des discussions.") == "fr"
    translator = Translator("fr", backend=UpperBackend(), options=TranslationOptions(checks=False))
    result = translator.translate(text)
    assert result.text == "LE CHAT DORT." and result.warnings == clean.notes
