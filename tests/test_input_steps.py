"""The translator's model-input steps with fakes: Moses punctuation (normalization.py) and
characters the model can't read (unknown_characters.py). The real tokenizers' figures are in
test_unknown_real.py."""

from __future__ import annotations

import pytest

from bilingual_digest import TranslationOptions, Translator
from bilingual_digest.normalization import PunctuationStep, normalize_punctuation
from bilingual_digest.placeholders import ProtectStep
from bilingual_digest.steps import prepare_sentence
from bilingual_digest.unknown_characters import UnknownCharacterStep

from fakes import UpperBackend

PLAIN = TranslationOptions(checks=False, retry_degenerate=False)


def translate(text: str, unknown: str = "ö£€|¨Ç") -> tuple[str, list[tuple[str, str]], list[str]]:
    """(translation, findings as (kind, text), what the model read) with an upper-casing fake."""
    backend = UpperBackend(unknown=unknown)
    segment = Translator("fr", backend=backend, options=PLAIN).translate(text).segments[0]
    return segment.translation, [(f.kind, f.text) for f in segment.findings], backend.seen


@pytest.mark.parametrize(
    ("text", "read", "translation"),
    [
        # A word read in ASCII and put back (in the output's case).
        (
            "Hans-Christian Ströbele parle.",
            "Hans-Christian Strobele parle.",
            "HANS-CHRISTIAN STRÖBELE PARLE.",
        ),
        # A sign left out, put back next to the word it stood against (spaced or glued).
        ("Il a payé 20 £ hier.", "Il a payé 20 hier.", "IL A PAYÉ 20 £ HIER."),
        ("Il a payé 20€ hier.", "Il a payé 20 hier.", "IL A PAYÉ 20€ HIER."),
        (
            "Soins palliatifs | Le Devoir",
            "Soins palliatifs Le Devoir",
            "SOINS PALLIATIFS | LE DEVOIR",
        ),
        # The sentence's last character stays the last.
        ("Fin du match ¨", "Fin du match", "FIN DU MATCH ¨"),
        # Nothing unknown: Moses only.
        ("L’accord « historique »", 'L\'accord " historique "', 'L\'ACCORD " HISTORIQUE "'),
    ],
)
def test_unknown_characters_are_put_back(text: str, read: str, translation: str) -> None:
    assert translate(text) == (translation, [], [read])


def test_what_cannot_be_put_back_for_sure_is_flagged() -> None:
    # The ASCII form is also in the source: which "Ramon" was "Ramón" can't be told.
    out, findings, read = translate("Ramon et Ramón.", unknown="ó")
    assert (out, findings, read) == (
        "RAMON ET RAMON.",
        [("character_lost", "Ramón")],
        ["Ramon et Ramon."],
    )
    # A sign between two words the output holds twice each.
    out, findings, _ = translate("Paris | Paris et Lyon | Lyon", unknown="|")
    assert out == "PARIS PARIS ET LYON LYON"
    assert findings == [("character_lost", "|"), ("character_lost", "|")]


def test_a_sentence_of_unknown_characters_comes_back_as_it_was() -> None:
    backend = UpperBackend(unknown="¨£")
    result = Translator("fr", backend=backend, options=PLAIN).translate("Un. ¨£ ! Deux.")
    assert result.text == "UN. ¨£ ! DEUX."
    assert [s.findings for s in result.segments] == [(), (), ()]


def test_a_backend_without_unknown_characters_gets_moses_only() -> None:
    class Old(UpperBackend):  # a backend written before the interface had the method
        unknown_characters = None  # type: ignore[assignment]

    translator = Translator("fr", backend=Old(), options=PLAIN)
    assert [type(step) for step in translator.steps()] == [ProtectStep, PunctuationStep]
    assert [type(step) for step in Translator("fr", backend=UpperBackend()).steps()] == [
        ProtectStep,
        PunctuationStep,
        UnknownCharacterStep,
    ]


def test_the_translators_steps_keep_a_url_and_restore_a_name() -> None:
    """Placeholders first, then Moses and the unknown characters, undone in reverse."""
    translator = Translator("fr", backend=UpperBackend(unknown="ö£"), options=PLAIN)
    source = "Voir https://lemonde.fr/a-b.html (« Ströbele ») : 20 £."
    assert prepare_sentence(source, translator.steps()).model_input == (
        'Voir [1] (" Strobele "): 20.'
    )
    result = translator.translate(source)
    assert result.text == 'VOIR https://lemonde.fr/a-b.html (" STRÖBELE "): 20 £.'
    assert result.segments[0].findings == ()


def test_placeholders_pass_both_steps_unchanged() -> None:
    """The protection step's [N] placeholders (which run before these steps) survive them."""
    steps = [
        PunctuationStep("fr"),
        UnknownCharacterStep(UpperBackend(unknown="ö£").unknown_characters),
    ]
    ready = prepare_sentence("Voir [1] (« Ströbele ») et [2], [3] : 20 £.", steps)
    assert ready.model_input == 'Voir [1] (" Strobele ") et [2], [3]: 20.'
    assert ready.restore('See [1] (" Strobele ") and [2], [3]: 20.') == (
        'See [1] (" Ströbele ") and [2], [3]: 20 £.',
        (),
    )


def test_moses_leaves_numbers_alone() -> None:
    # Moses' number rule would make "1 000" (non-breaking space) "1,000": one point zero in French.
    assert normalize_punctuation("Il y a 1\u00a0000 soldats", "fr") == "Il y a 1\u00a0000 soldats"
    assert normalize_punctuation("Il y a 1\u00a0000 soldats", "en") == "Il y a 1\u00a0000 soldats"
    # Invisible characters go; a letter and its combining accent become one letter.
    assert normalize_punctuation("anti\u00adconstitution\u200bnellement Zu\u0308rich", "fr") == (
        "anticonstitutionnellement Zürich"
    )
