from __future__ import annotations

import itertools

import pytest

from bilingual_digest.segment import non_blank_offsets, segment, sentences


def words(text: str) -> int:
    return len(text.split()) + 1


def assert_covers(text: str, pieces) -> None:
    """Every non-blank character lies in exactly one piece, and pieces are in order."""
    covered = [i for p in pieces for i in range(p.start, p.end) if not text[i].isspace()]
    assert covered == non_blank_offsets(text)
    for p in pieces:
        assert p.text == text[p.start : p.end] == p.text.strip() != ""
    assert all(a.end <= b.start for a, b in itertools.pairwise(pieces))


ODD_INPUTS = {
    "no_full_stop": " ".join(f"mot{i}" for i in range(3000)),
    "no_full_stop_commas": ", ".join(f"le mot numéro {i}" for i in range(800)),
    "list": "Courses :\n- pain\n- lait, 2 litres\n* œufs\n\n1. premier point.\n2. second point.",
    "quotes": "Il a dit : « Nous continuons de prendre la menace au sérieux ». Puis il est parti.",
    "numbers": "Le budget est de 1 200,50 € (soit 3,5 %) en 2024. Le 25 avril 2024, rien.",
    "urls": "Voir https://example.org/a.b?c=1&d=2. Et www.test.fr/x. Courriel : a.b@c.fr.",
    "emoji": "Bravo 🎉🎉 ! L'équipe 🇫🇷 a gagné 👍🏽. Incroyable…",
    "whitespace": "  \t Début.  \r\n\n\n   Fin   de   ligne.\t\n \u00a0\n",
    "rtl_mixed": "Il a dit « مرحبا بالعالم » hier. שלום עולם. Fin.",
    "one_char": "x",
}


@pytest.mark.parametrize("name", sorted(ODD_INPUTS))
@pytest.mark.parametrize("limit", [None, 8, 64])
def test_every_character_in_exactly_one_piece(name: str, limit: int | None) -> None:
    text = ODD_INPUTS[name]
    pieces = segment(text, "fr", words if limit else None, limit)
    assert_covers(text, pieces)
    if limit:
        assert all(words(p.text) <= limit for p in pieces)


def test_sentences_use_the_language_aware_splitter() -> None:
    text = "Kurt M. Campbell est arrivé. Il a vu Mme Martin ; elle dormait. Fin !"
    assert [p.text for p in sentences(text, "fr")] == [
        "Kurt M. Campbell est arrivé.",
        "Il a vu Mme Martin ; elle dormait.",
        "Fin !",
    ]
    english = "Mr. Smith met Dr. Jones at 3 p.m. today. They talked."
    assert [p.text for p in sentences(english, "en")][-1] == "They talked."


def test_paragraph_index_follows_lines() -> None:
    text = "Un. Deux.\nTrois.\n\nQuatre."
    pieces = sentences(text, "fr")
    assert [(p.text, p.paragraph) for p in pieces] == [
        ("Un.", 0),
        ("Deux.", 0),
        ("Trois.", 1),
        ("Quatre.", 2),
    ]


def test_long_sentence_is_cut_at_clauses_before_words() -> None:
    text = "un deux trois quatre, cinq six sept huit, neuf dix onze douze."
    pieces = segment(text, "fr", words, 6)
    assert [p.text for p in pieces] == [
        "un deux trois quatre,",
        "cinq six sept huit,",
        "neuf dix onze douze.",
    ]


def test_clauses_are_packed_back_together_when_they_fit() -> None:
    text = "a, b, c, d, e, f, g, h."
    pieces = segment(text, "en", words, 5)
    assert [p.text for p in pieces] == ["a, b, c, d,", "e, f, g, h."]


def test_sentence_without_punctuation_is_cut_between_words() -> None:
    text = " ".join(f"w{i}" for i in range(25))
    pieces = segment(text, "en", words, 11)
    assert [len(p.text.split()) for p in pieces] == [10, 10, 5]
    assert " ".join(p.text for p in pieces) == text


def test_a_word_longer_than_the_limit_is_cut_between_characters() -> None:
    def chars(text: str) -> int:
        return len(text) + 1

    text = "x" * 100
    pieces = segment(text, "en", chars, 16)
    assert "".join(p.text for p in pieces) == text
    assert all(len(p.text) <= 15 for p in pieces)


def test_language_is_validated() -> None:
    with pytest.raises(ValueError, match="accepted values are 'fr'"):
        sentences("Hallo.", "de")
