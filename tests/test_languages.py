from __future__ import annotations

import pytest

from bilingual_digest import UnsupportedLanguageError, detect_language
from bilingual_digest.languages import resolve_pair


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les deux parties vont entamer des discussions sur un retrait ordonné.", "fr"),
        ("The two parties will begin talks on an orderly withdrawal.", "en"),
        ("Bonjour !", "fr"),
        ("Hello there, how are you?", "en"),
    ],
)
def test_detects_french_and_english(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_detects_the_seed_article_as_french(seed_article: str) -> None:
    assert detect_language(seed_article) == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "Guten Tag, wie geht es Ihnen heute? Ich hoffe, es geht Ihnen gut.",
        "Hola, ¿cómo estás? Muy bien, gracias, amigo mío.",
        "12345 67890 !!!",
        "   ",
    ],
)
def test_neither_language_suggests_passing_source(text: str) -> None:
    with pytest.raises(UnsupportedLanguageError, match='source="fr"'):
        detect_language(text)


def test_detect_language_rejects_non_strings() -> None:
    with pytest.raises(TypeError, match="expects a str"):
        detect_language(42)  # type: ignore[arg-type]


def test_resolve_pair() -> None:
    assert resolve_pair("fr", None) == ("fr", "en")
    assert resolve_pair(" EN ", None) == ("en", "fr")
    assert resolve_pair(None, None, "Le chat dort sur le canapé.") == ("fr", "en")
    with pytest.raises(UnsupportedLanguageError, match="supported pairs are fr→en, en→fr"):
        resolve_pair("fr", "fr")
    with pytest.raises(UnsupportedLanguageError, match=r"accepted values are 'fr' \(French\)"):
        resolve_pair("de", "en")
