from __future__ import annotations

import math

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


def test_a_clear_article_is_judged_without_the_high_accuracy_models(seed_article: str) -> None:
    """The wide detector is sure of every paragraph of a plain French article: lingua's
    high-accuracy models (about 45 MB) are not loaded for it."""
    from bilingual_digest import detection

    detection._exact_detector.cache_clear()
    assert detect_language(seed_article) == "fr"
    assert detection.mixed_language_notes(seed_article, "fr") == []
    assert detection._exact_detector.cache_info().currsize == 0
    # A text too short for the wide detector goes to the high-accuracy one.
    assert detect_language("Il pleut encore.") == "fr"
    assert detection._exact_detector.cache_info().currsize == 1


def test_the_shortcut_changes_no_verdict_on_real_sentences() -> None:
    """On 1,500 real newstest2013 sentences per language, the verdicts are those of the
    high-accuracy detector (the wide one only decides when all but certain)."""
    from bilingual_digest import detection

    from real_data import sentences

    handles = detection._detectable()
    changed = decided = 0
    for language in ("fr", "en"):
        for text in sentences(language)[:1500]:
            if len(detection._LETTER.findall(text)) < 15:
                continue
            ours = detection._judge(text, handles)
            before = detection._judge(text, handles, sure=math.inf)  # never sure
            changed += ours != before
            wide = detection._wide_detector(tuple(handles))
            decided += wide.compute_language_confidence_values(text)[0].value >= detection._SURE
    assert changed <= 1
    assert decided > 2000  # most of the 3,000 never reach the high-accuracy models
