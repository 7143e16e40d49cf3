"""opus-mt-tc-big-fr-en's real config as a drop-in ``BILINGUAL_DIGEST_MODEL_FR_EN``, both backends.

Its token ids are not the OPUS-MT defaults the tiny models use: end of sentence 43311 (not 0),
pad and decoder start 53016, ``bad_words_ids`` [[53016]], ``forced_eos_token_id`` 43311, a
53,017-entry vocabulary, and weights stored in float16. The model here is built from the real
``config.json``, ``generation_config.json`` and tokenizer files (tests/data/real/) with
random weights. The full model (232M parameters) takes minutes to build and convert on two
cores, so only the size fields are scaled down (d_model 1024 → 64, FFN 4096 → 128, 6 → 2
layers, 16 → 2 heads); every token id, the vocabulary size and every generation setting are
the real ones. Random weights loop on one token; a bias on the end-of-sentence logit lets
some outputs end by themselves (see :func:`tiny_models.build_from_real_config`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilingual_digest import TranslationOptions, Translator
from bilingual_digest.backends.ct2_backend import CTranslate2Backend
from bilingual_digest.backends.torch_backend import TorchBackend
from bilingual_digest.options import GenerationOptions

from real_data import sentences
from tiny_models import build_from_real_config

SIZES = {
    "d_model": 64,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 128,
    "decoder_ffn_dim": 128,
}
EOS, PAD = 43311, 53016
LIMIT = 40
GREEDY = GenerationOptions(num_beams=1, max_new_tokens=LIMIT)
GUARDED = GenerationOptions(  # what the Translator retries a looping sentence with
    num_beams=1, max_new_tokens=LIMIT, no_repeat_ngram_size=3, repetition_penalty=1.3
)
SPECIAL_TEXT = ("</s>", "<pad>", "<unk>")


@pytest.fixture(scope="module")
def tc_big(real_tokenizers: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("opus-mt-tc-big-fr-en")
    return build_from_real_config(
        directory, real_tokenizers["opus-mt-tc-big-fr-en"], SIZES, eos_bias=5.0
    )


@pytest.fixture(scope="module")
def french() -> list[str]:
    """Ten real French news sentences (newstest2013) of 40 to 120 characters."""
    return [s for s in sentences("fr") if 40 < len(s) < 120][:10]


def _row(tokenizer, model, text: str, options: GenerationOptions) -> list[int]:
    """The ids transformers generates for ``text`` (decoder start token dropped)."""
    import torch

    kwargs = options.as_kwargs()
    with torch.inference_mode():
        output = model.generate(**tokenizer([text], return_tensors="pt"), **kwargs)
    return output[0, 1:].tolist()


def test_only_the_size_fields_differ_from_the_real_config(
    tc_big: Path, real_tokenizers: dict[str, Path]
) -> None:
    real = real_tokenizers["opus-mt-tc-big-fr-en"]
    built, original = (json.loads((d / "config.json").read_text()) for d in (tc_big, real))
    changed = {key for key in built.keys() | original.keys() if built.get(key) != original.get(key)}
    assert changed == {*SIZES, "num_hidden_layers"}
    assert (built["eos_token_id"], built["pad_token_id"], built["vocab_size"]) == (EOS, PAD, 53017)
    assert (tc_big / "generation_config.json").read_bytes() == (
        real / "generation_config.json"
    ).read_bytes()


def test_both_backends_stop_at_eos_43311_and_agree_token_for_token(
    tc_big: Path, french: list[str]
) -> None:
    """Greedy outputs, torch against CTranslate2 (float32: exact weights on both sides)."""
    torch_backend = TorchBackend(str(tc_big))
    assert torch_backend.model.dtype.is_floating_point and torch_backend.model.dtype.itemsize == 2
    torch_backend.model.float()  # the checkpoint's float16 weights, computed in float32
    ct2 = CTranslate2Backend(str(tc_big), quantization="float32")
    assert ct2.generation_config.eos_token_id == EOS
    assert ct2.tokenizer.convert_tokens_to_ids(["</s>"]) == [EOS]
    for options in (GREEDY, GUARDED):
        expected = torch_backend.generate(french, options)
        assert ct2.generate(french, options) == expected, options
    ended = [(text, out) for text, out in zip(french, expected, strict=True) if not out.hit_limit]
    cut = [(text, out) for text, out in zip(french, expected, strict=True) if out.hit_limit]
    assert len(ended) >= 3 and len(cut) >= 2  # both ways of stopping are exercised
    for text, out in ended:  # stopped by itself: at 43311, counted, before the limit
        row = _row(torch_backend.tokenizer, torch_backend.model, text, GUARDED)
        assert row[-1] == EOS and EOS not in row[:-1] and PAD not in row
        assert out.num_tokens == len(row) < LIMIT
    for text, out in cut:  # reached the limit: 43311 forced last, as HF's forced_eos does
        row = _row(torch_backend.tokenizer, torch_backend.model, text, GUARDED)
        assert out.num_tokens == len(row) == LIMIT and row[-1] == EOS
    for out in expected:
        assert out.text and out.text == out.text.strip()
        assert not any(special in out.text for special in SPECIAL_TEXT)


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_drop_in_through_the_environment_on_both_backends(
    tc_big: Path, french: list[str], backend: str, monkeypatch: pytest.MonkeyPatch, capfd
) -> None:
    monkeypatch.setenv("BILINGUAL_DIGEST_MODEL_FR_EN", str(tc_big))
    translator = Translator("fr", "en", backend=backend, options=TranslationOptions(1, LIMIT, 8))
    expected_inner = {"torch": TorchBackend, "ctranslate2": CTranslate2Backend}[backend]
    assert type(translator.backend.inner) is expected_inner  # no silent fallback
    assert translator.model == str(tc_big)
    article = "\n".join(french)  # one paragraph each (the first is a headline)
    result = translator.translate(article)
    assert [s.source for s in result.segments] == french
    assert not any(special in result.text for special in SPECIAL_TEXT)
    for segment in result.segments:
        assert segment.translation and segment.translation in result.text
        limit_note = f"Sentence {segment.index + 1} reached the limit of {LIMIT} generated"
        assert segment.complete != any(w.startswith(limit_note) for w in result.warnings)
    assert any(s.complete for s in result.segments)  # ended at 43311 by themselves
    assert any(s.retried for s in result.segments)  # looping outputs were retried

    short = Translator("fr", "en", backend=backend, options=TranslationOptions(1, 3, 8))
    cut = short.translate(french[0])
    assert [s.complete for s in cut.segments] == [False]
    assert "reached the limit of 3 generated tokens" in " ".join(cut.warnings)
    assert cut.text and not any(special in cut.text for special in SPECIAL_TEXT)
    # float16 weights: CTranslate2 loads int8 with float32 on CPU, without a warning each time
    assert "compute type" not in capfd.readouterr().err
