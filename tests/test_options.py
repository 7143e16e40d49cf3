from __future__ import annotations

import pytest

from bilingual_digest import GenerationOptions, TranslationOptions
from bilingual_digest.options import (
    cache_dir,
    check_text,
    max_chars,
    resolve_device,
    translation_model,
)


def test_translation_defaults_are_opus_mt_defaults() -> None:
    options = TranslationOptions()
    assert (options.num_beams, options.max_new_tokens) == (4, 512)
    assert options.generation() == GenerationOptions(num_beams=4, max_new_tokens=512)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_beams": 0}, "num_beams must be a positive integer, got 0"),
        ({"batch_size": -1}, "batch_size must be a positive integer"),
        ({"max_new_tokens": 1.5}, "max_new_tokens must be a positive integer"),
        ({"num_beams": True}, "num_beams must be a positive integer"),
    ],
)
def test_translation_options_are_validated(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TranslationOptions(**kwargs)


def test_generation_options_are_validated() -> None:
    with pytest.raises(ValueError, match="min_new_tokens must not exceed max_new_tokens"):
        GenerationOptions(max_new_tokens=10, min_new_tokens=20)
    with pytest.raises(ValueError, match="length_penalty must be a non-negative number"):
        GenerationOptions(length_penalty=-1.0)
    assert GenerationOptions(num_beams=2).as_kwargs() == {"num_beams": 2}


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    assert translation_model("fr", "en") == "Helsinki-NLP/opus-mt-fr-en"
    assert translation_model("en", "fr") == "Helsinki-NLP/opus-mt-en-fr"
    monkeypatch.setenv("BILINGUAL_DIGEST_MODEL_EN_FR", str(tmp_path))
    assert translation_model("en", "fr") == str(tmp_path)
    assert translation_model("en", "fr", "my/model") == "my/model"
    assert resolve_device(None) == "cpu"
    monkeypatch.setenv("BILINGUAL_DIGEST_DEVICE", "CUDA:1")
    assert resolve_device(None) == "cuda:1"
    with pytest.raises(ValueError, match="accepted values are 'cpu', 'cuda' or 'cuda:N'"):
        resolve_device("tpu")
    monkeypatch.setenv("BILINGUAL_DIGEST_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    assert not (tmp_path / "c").exists()


def test_max_chars(monkeypatch: pytest.MonkeyPatch) -> None:
    assert max_chars() == 100_000
    monkeypatch.setenv("BILINGUAL_DIGEST_MAX_CHARS", "5_000")
    assert max_chars() == 5000
    monkeypatch.setenv("BILINGUAL_DIGEST_MAX_CHARS", "lots")
    with pytest.raises(ValueError, match="MAX_CHARS must be a positive integer, got 'lots'"):
        max_chars()


def test_check_text() -> None:
    assert check_text("abc") == "abc"
    with pytest.raises(ValueError, match="The text is empty"):
        check_text(" \n\t")
    with pytest.raises(TypeError, match="must be a str"):
        check_text(b"abc")
    with pytest.raises(ValueError, match="10 characters, over the limit of 5"):
        check_text("0123456789", limit=5)
