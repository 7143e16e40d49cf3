"""The language registry: languages and pairs as data, read by every part of the product."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilingual_digest import Digester, UnsupportedLanguageError, translate
from bilingual_digest import languages as registry
from bilingual_digest.batch import WorkSpec
from bilingual_digest.cli import build_parser
from bilingual_digest.errors import InputError
from bilingual_digest.options import TranslationOptions, translation_model
from bilingual_digest.translation import Translator

from fakes import UpperBackend


@pytest.fixture(autouse=True)
def _fresh_registry() -> Iterator[None]:
    registry.reset_registry()
    yield
    registry.reset_registry()


def german() -> None:
    registry.register_language(
        {"code": "de", "name": "German", "native_name": "Deutsch", "detector": "GERMAN"}
    )
    registry.register_pair({"source": "de", "target": "en", "model": "org/opus-mt-de-en"})


def test_the_shipped_registry() -> None:
    assert [lang.code for lang in registry.languages()] == ["fr", "en"]
    fr_en = registry.get_pair("fr", "en")
    assert (fr_en.key, fr_en.model, fr_en.env_var, fr_en.cli_flag, fr_en.label) == (
        "fr-en",
        "Helsinki-NLP/opus-mt-fr-en",
        "BILINGUAL_DIGEST_MODEL_FR_EN",
        "--model-fr-en",
        "French → English",
    )
    assert registry.get_language("fr").native_name == "français"
    assert registry.directions() == ("auto", "fr-en", "en-fr")
    # The first round's names are live views of the registry.
    assert registry.DIRECTIONS == ("auto", "fr-en", "en-fr")
    assert dict(registry.LANGUAGES) == {"fr": "French", "en": "English"}
    assert registry.SUPPORTED_PAIRS == (("fr", "en"), ("en", "fr"))


def test_a_language_registered_at_run_time_is_seen_everywhere() -> None:
    german()
    assert registry.DIRECTIONS == ("auto", "fr-en", "en-fr", "de-en")
    assert registry.parse_direction("DE-EN") == ("de", "en")
    assert registry.resolve_pair("de", None) == ("de", "en")
    assert translation_model("de", "en") == "org/opus-mt-de-en"
    flags = build_parser()._subparsers._group_actions[0].choices["batch"].format_help()  # type: ignore[union-attr]
    assert "--model-de-en" in flags and "BILINGUAL_DIGEST_MODEL_DE_EN" in flags
    assert WorkSpec(direction="de-en").pair() == ("de", "en")
    assert registry.registered_at_run_time()["pairs"] == [
        {"source": "de", "target": "en", "model": "org/opus-mt-de-en"}
    ]


def test_unknown_pairs_are_refused_not_mapped_to_another_model() -> None:
    with pytest.raises(UnsupportedLanguageError, match="accepted values are 'fr' \\(French\\)"):
        Digester().translator("de")
    with pytest.raises(InputError, match="accepted values are 'auto', 'fr-en', 'en-fr'"):
        WorkSpec(direction="de-en")
    with pytest.raises(UnsupportedLanguageError, match="Unsupported target language 'de'"):
        WorkSpec(models={"en-de": "some/model"})
    with pytest.raises(UnsupportedLanguageError, match="Unsupported language pair fr→fr"):
        registry.resolve_pair("fr", "fr")


def test_registry_files_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "de-en").mkdir()
    extra = {
        "languages": [{"code": "de", "name": "German", "native_name": "Deutsch"}],
        "pairs": [{"source": "de", "target": "en", "model": "./de-en"}],
    }
    (tmp_path / "langs.json").write_text(json.dumps(extra), encoding="utf-8")
    monkeypatch.setenv("BILINGUAL_DIGEST_LANGUAGES", str(tmp_path / "langs.json"))
    registry.reset_registry()
    assert registry.get_pair("de", "en").model == str(tmp_path / "de-en")  # relative to the file
    monkeypatch.setenv("BILINGUAL_DIGEST_DE_EN", "ignored")
    monkeypatch.setenv("BILINGUAL_DIGEST_MODEL_DE_EN", "other/model")
    assert translation_model("de", "en") == "other/model"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "the file must hold a JSON object"),
        ('{"languages": [{"code": "DE!", "name": "x", "native_name": "y"}]}', "2 or 3 lower-case"),
        ('{"pairs": [{"source": "de", "target": "en", "model": "m"}]}', "register the language"),
        ('{"languages": [{"code": "de", "name": "x", "native_name": "y", "size": 1}]}', "size"),
        ("{not json", "Expecting property name"),
    ],
)
def test_a_bad_registry_file_is_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("BILINGUAL_DIGEST_LANGUAGES", str(path))
    registry.reset_registry()
    with pytest.raises(ValueError, match=f"registry file '{path}' can't be used: .*{message}"):
        registry.languages()
    monkeypatch.delenv("BILINGUAL_DIGEST_LANGUAGES")
    assert [lang.code for lang in registry.languages()] == ["fr", "en"]  # read again once fixed


def test_every_door_cleans_markup_and_control_characters() -> None:
    translator = Translator("fr", backend=UpperBackend(), options=TranslationOptions(checks=False))
    result = translator.translate("<P>Le chat dort.</P><p>Il rêve.</p>\x00")
    assert result.original == "Le chat dort.\nIl rêve.\n"
    assert result.text == "LE CHAT DORT.\nIL RÊVE.\n"
    assert result.warnings == (
        "The text contained HTML markup: only its visible text was translated.",
        "Removed 1 invisible control character(s), 1 of them NUL bytes.",
    )
    assert [s.source for s in result.segments] == ["Le chat dort.", "Il rêve."]
    with pytest.raises(InputError, match="no visible characters once cleaned"):
        translate("\x00\x01 <p></p><div></div>", source="fr")
