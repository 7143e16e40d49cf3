"""The CTranslate2 backend's tokenizers and configs without transformers: same as transformers'."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, GenerationConfig

from bilingual_digest import prompts
from bilingual_digest.backends.ct2_backend import CTranslate2Backend
from bilingual_digest.backends.light_tokenizers import (
    ByteLevelBPETokenizer,
    MarianSentencePieceTokenizer,
    TransformersTokenizer,
    load_tokenizer,
)
from bilingual_digest.backends.model_files import (
    GenerationDefaults,
    generation_defaults,
    read_json,
)
from bilingual_digest.backends.torch_backend import TorchBackend
from bilingual_digest.conversion import ensure_converted
from bilingual_digest.summarization import model_config

from real_data import articles, sentences
from tiny_models import english_lines, french_lines

ODD_TEXTS = [
    "« Bonjour », dit-elle. « Au revoir ! »",
    "l’été dernier, c’est l’Assemblée qu’il a quittée",
    "Emoji 😀🇫🇷👍🏽 ok",
    "Ça coûte 3,5 % — 1 200 € (ou 1.200,50 $) le 23/04/2024 à 10h30.",
    "Voir https://example.org/a?b=c&d=e#f et www.exemple.fr/page.",
    "",
    " ",
    "\n\t ",
    ".",
    "漢字, ∑ ∫ ☃ ✓ ß Ω and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "a </s> b<unk>c<pad> d<s>e<mask>",
    ">>fra<< Bonjour",
    "   leading and trailing   ",
    "NBSP\u00a0here\u202fand thin",
    "zero\u200bwidth and combining e\u0301",
    "ÉTATS-UNIS, NIGER, ÎLE, ŒUVRE, ÆON",
    "“Quoted” ‘single’ „low“ ‹angle› … –dash—",
    "tab\tand\nnewline\r\nand  double  spaces",
]
FAMILIES = [
    ("marian_fr_en", MarianSentencePieceTokenizer),
    ("marian_en_fr", MarianSentencePieceTokenizer),
    ("bart_summary", ByteLevelBPETokenizer),
]


def texts(seed_article: str) -> list[str]:
    sentences = [line for line in seed_article.splitlines() if line.strip()]
    return [*sentences, *french_lines(), *english_lines(), *ODD_TEXTS]


def assert_same_as_transformers(model: Path, kind: type, inputs: list[str]) -> list[list[int]]:
    """Same ids, tokens and decoded text as transformers' tokenizer; returns the ids."""
    reference = AutoTokenizer.from_pretrained(str(model))
    light = load_tokenizer(str(model), read_json(str(model), "config.json"))
    assert type(light) is kind
    ids = light.encode_batch(inputs)
    assert ids == reference(inputs).input_ids
    tokens = [light.convert_ids_to_tokens(row) for row in ids]
    assert tokens == [reference.convert_ids_to_tokens(row) for row in ids]
    assert [light.convert_tokens_to_ids(row) for row in tokens] == ids
    assert light.convert_tokens_to_ids(["not-a-token"]) == reference.convert_tokens_to_ids(
        ["not-a-token"]
    )
    rng = random.Random(0)  # any ids, special ones included, as a model may generate them
    size = len(reference.get_vocab())
    rows = ids + [[rng.randrange(size) for _ in range(rng.randrange(1, 30))] for _ in range(200)]
    decoded = light.batch_decode(rows)
    assert decoded == reference.batch_decode(rows, skip_special_tokens=True)
    assert light.model_max_length == reference.model_max_length
    assert len({text for text in decoded if text}) > 100  # a real comparison, not all empty
    return ids


@pytest.mark.parametrize(("fixture", "kind"), FAMILIES)
def test_same_ids_tokens_and_text_as_transformers(request, fixture, kind, seed_article) -> None:
    assert_same_as_transformers(request.getfixturevalue(fixture), kind, texts(seed_article))


def test_bart_without_tokenizer_json_reads_vocab_and_merges(
    bart_summary: Path, tmp_path: Path, seed_article: str
) -> None:
    model = tmp_path / "distilbart"
    shutil.copytree(bart_summary, model)
    (model / "tokenizer.json").unlink()
    assert_same_as_transformers(model, ByteLevelBPETokenizer, texts(seed_article))


def test_marian_with_a_legacy_tokenizer_config(
    marian_fr_en: Path, tmp_path: Path, seed_article: str
) -> None:
    """OPUS-MT checkpoints on the hub carry a bare tokenizer_config.json (no added tokens)."""
    model = tmp_path / "opus-mt-fr-en"
    shutil.copytree(marian_fr_en, model)
    bare = {"source_lang": "fr", "target_lang": "en"}
    (model / "tokenizer_config.json").write_text(json.dumps(bare), encoding="utf-8")
    assert_same_as_transformers(model, MarianSentencePieceTokenizer, texts(seed_article))


def test_other_families_and_uncovered_settings_use_transformers(
    marian_fr_en: Path, bart_summary: Path, tmp_path: Path
) -> None:
    t5_like = load_tokenizer(str(bart_summary), {"model_type": "t5"})
    assert isinstance(t5_like, TransformersTokenizer)
    model = tmp_path / "opus-mt-fr-en"
    shutil.copytree(marian_fr_en, model)
    settings = json.loads((model / "tokenizer_config.json").read_text(encoding="utf-8"))
    settings["added_tokens_decoder"]["1"]["lstrip"] = True  # a setting the light one lacks
    (model / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    fallback = load_tokenizer(str(model), {"model_type": "marian"})
    assert isinstance(fallback, TransformersTokenizer)
    reference = AutoTokenizer.from_pretrained(str(model))
    assert fallback.encode_batch(["Le Niger."]) == reference(["Le Niger."]).input_ids


# --- the real tokenizer files on real news ---------------------------------------------------

REAL_CASES = [
    ("opus-mt-en-fr", "en", MarianSentencePieceTokenizer),
    ("opus-mt-tc-big-fr-en", "fr", MarianSentencePieceTokenizer),
    ("bart", "en", ByteLevelBPETokenizer),
]


@pytest.mark.parametrize(("name", "language", "kind"), REAL_CASES)
def test_real_tokenizers_match_transformers_on_real_news(
    real_tokenizers: dict[str, Path], name: str, language: str, kind: type
) -> None:
    """The real tokenizer files, 3,000 newstest2013 sentences each (BART: and 5 whole articles).

    Ids, tokens and decoded text are transformers' exactly (0 differences; on all 14,500
    newstest sentences of ../shared/eval too, see tests/data/real/README.md).
    """
    news = [*sentences(language), *(articles() if name == "bart" else [])]
    ids = assert_same_as_transformers(real_tokenizers[name], kind, [*news, *ODD_TEXTS])
    assert len(news) >= 3000 and len(ids) == len(news) + len(ODD_TEXTS)
    if name == "bart":  # byte-level BPE is lossless: real text comes back as it went in
        light = load_tokenizer(str(real_tokenizers[name]), {"model_type": "bart"})
        assert light.batch_decode(ids[: len(news)]) == news


# --- tokenizer.json's added-token flags (facebook/bart-*'s <mask> strips the space before it) --

MASK_TEXTS = [
    "Hello <mask> world",
    "Hello<mask>world",
    "a  <mask>  b",
    " <mask> x",
    "x\n<mask>\nx",
    "x\t <mask>. <s> </s>x <pad><unk>",
    "The <mask> is <mask>.",
    "un<mask>known <mask><mask> <mask>",
    "word <extra> x<extra>y <extra>",
    "<MASK> <Mask> é <mask> ü",
]


def test_bart_mask_strips_the_space_before_it_as_transformers_does(
    real_tokenizers: dict[str, Path],
) -> None:
    model = real_tokenizers["bart"]
    ids = assert_same_as_transformers(
        model, ByteLevelBPETokenizer, [*MASK_TEXTS, *sentences("en")[:300]]
    )
    assert ids[0] == [0, 31414, 50264, 232, 2]  # "Hello", "<mask>" (" " swallowed), " world"
    assert ids[2] == [0, 102, 50264, 1437, 741, 2]  # only the spaces before <mask> go


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _edit_json(path: Path, change) -> None:
    _write_json(path, change(json.loads(path.read_text(encoding="utf-8"))))


def _vocab_and_merges_only(model: Path) -> None:
    """Replace tokenizer.json by vocab.json + merges.txt (the files older checkpoints have)."""
    serialized = json.loads((model / "tokenizer.json").read_text(encoding="utf-8"))
    _write_json(model / "vocab.json", serialized["model"]["vocab"])
    merges = [m if isinstance(m, str) else " ".join(m) for m in serialized["model"]["merges"]]
    (model / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", "utf-8")
    (model / "tokenizer.json").unlink()


def _with_decoder(flags: dict[str, dict], extra: dict[int, dict] | None = None):
    """tokenizer_config.json given an added_tokens_decoder (as transformers 4.3x saves it)."""

    def edit(model: Path) -> None:
        serialized = json.loads((model / "tokenizer.json").read_text(encoding="utf-8"))
        entries = serialized["added_tokens"]
        decoder = {str(e.pop("id")): e | flags.get(e["content"], {}) for e in entries}
        decoder |= {str(index): entry for index, entry in (extra or {}).items()}
        _edit_json(model / "tokenizer_config.json", lambda c: c | {"added_tokens_decoder": decoder})

    return edit


FORCE_BPE_CLEAN_UP = "clean_up_tokenization_spaces_for_bpe_even_though_it_will_corrupt_output"
NEW_TOKEN = {"content": "<extra>", "lstrip": True, "rstrip": True, "normalized": True}
NEW_TOKEN |= {"single_word": True, "special": False}
BART_VARIANTS = {
    "no tokenizer.json (special_tokens_map's <mask> lstrip)": _vocab_and_merges_only,
    "no special_tokens_map.json": lambda m: (m / "special_tokens_map.json").unlink(),
    "no flags anywhere": lambda m: (
        _vocab_and_merges_only(m),
        (m / "special_tokens_map.json").unlink(),
    ),
    "added_tokens_decoder with rstrip, single_word": _with_decoder(
        {
            "<mask>": {"lstrip": True, "rstrip": True},
            "</s>": {"single_word": True},
            "<s>": {"rstrip": True},
        }
    ),
    "added_tokens_decoder with a new token": _with_decoder({}, {50265: NEW_TOKEN}),
    "tokenizer.json with a new token": lambda m: _edit_json(
        m / "tokenizer.json",
        lambda t: t | {"added_tokens": [*t["added_tokens"], {"id": 50265, **NEW_TOKEN}]},
    ),
    "legacy serialized mask_token": lambda m: (
        _vocab_and_merges_only(m),
        (m / "special_tokens_map.json").unlink(),
        _edit_json(
            m / "tokenizer_config.json",
            lambda c: (
                c | {"mask_token": {"__type": "AddedToken", "content": "<mask>", "lstrip": True}}
            ),
        ),
    ),
    "extra special tokens": lambda m: _edit_json(
        m / "tokenizer_config.json", lambda c: c | {"additional_special_tokens": ["<extra>"]}
    ),
    "special_tokens_map with an rstrip </s>": lambda m: _edit_json(
        m / "special_tokens_map.json",
        lambda s: s | {"eos_token": {"content": "</s>", "rstrip": True, "normalized": False}},
    ),
    "clean-up forced on BPE": lambda m: _edit_json(
        m / "tokenizer_config.json",
        lambda c: c | {"clean_up_tokenization_spaces": True, FORCE_BPE_CLEAN_UP: True},
    ),
}


@pytest.mark.parametrize("variant", list(BART_VARIANTS))
def test_bart_token_flags_from_every_source_transformers_reads(
    real_tokenizers: dict[str, Path], tmp_path: Path, variant: str
) -> None:
    """Each place transformers takes added/special tokens and their flags from, one at a time."""
    model = tmp_path / "bart"
    shutil.copytree(real_tokenizers["bart"], model)
    BART_VARIANTS[variant](model)
    assert_same_as_transformers(model, ByteLevelBPETokenizer, [*MASK_TEXTS, *sentences("en")[:300]])


def test_forms_not_reproduced_use_transformers(
    real_tokenizers: dict[str, Path], tmp_path: Path
) -> None:
    """A legacy added_tokens.json (BART), a stripping special token (Marian): transformers."""
    bart = tmp_path / "bart"
    shutil.copytree(real_tokenizers["bart"], bart)
    _write_json(bart / "added_tokens.json", {"<extra>": 50265})
    assert_same_as_transformers(bart, TransformersTokenizer, [*MASK_TEXTS, *sentences("en")[:300]])
    marian = tmp_path / "opus-mt-tc-big-fr-en"
    shutil.copytree(real_tokenizers["opus-mt-tc-big-fr-en"], marian)
    _edit_json(
        marian / "special_tokens_map.json",
        lambda s: s | {"eos_token": {"content": "</s>", "rstrip": True}},
    )
    assert_same_as_transformers(marian, TransformersTokenizer, sentences("fr")[:300])


# --- configs -------------------------------------------------------------------------------


def _as_tuple(config: object) -> tuple:
    return tuple(getattr(config, f.name) for f in fields(GenerationDefaults))


@pytest.mark.parametrize("fixture", ["marian_fr_en", "bart_summary"])
def test_generation_defaults_equal_transformers(request, fixture) -> None:
    model = str(request.getfixturevalue(fixture))
    light = generation_defaults(model, read_json(model, "config.json"))
    assert _as_tuple(light) == _as_tuple(GenerationConfig.from_pretrained(model))
    assert light.eos_token_id is not None and light.max_length is not None


def test_legacy_generation_settings_in_config_json_as_the_torch_model(
    bart_summary: Path, tmp_path: Path
) -> None:
    """No generation_config.json (like sshleifer/distilbart-cnn-12-6): config.json holds them."""
    model = tmp_path / "distilbart"
    shutil.copytree(bart_summary, model)
    (model / "generation_config.json").unlink()
    config = json.loads((model / "config.json").read_text(encoding="utf-8"))
    legacy = {"num_beams": 3, "length_penalty": 2.0, "max_length": 42, "min_length": 7}
    legacy |= {"no_repeat_ngram_size": 3, "forced_bos_token_id": 0}
    (model / "config.json").write_text(json.dumps(config | legacy), encoding="utf-8")
    light = generation_defaults(str(model), config | legacy)
    torch_model = AutoModelForSeq2SeqLM.from_pretrained(str(model))
    assert _as_tuple(light) == _as_tuple(torch_model.generation_config)
    assert (light.num_beams, light.max_length, light.forced_eos_token_id) == (3, 42, 2)


def test_backend_limits_and_prompt_selection_from_the_json_config(bart_summary: Path) -> None:
    ct2 = CTranslate2Backend(str(bart_summary))
    reference = TorchBackend(str(bart_summary))
    assert isinstance(ct2.config, dict) and ct2.config["model_type"] == "bart"
    assert (ct2.max_input_tokens, ct2.max_output_tokens) == (256, 255)
    assert (ct2.max_input_tokens, ct2.max_output_tokens) == (
        reference.max_input_tokens,
        reference.max_output_tokens,
    )
    chosen = prompts.select(model_config(ct2, str(bart_summary)), str(bart_summary))
    expected = prompts.select(model_config(reference, str(bart_summary)), str(bart_summary))
    assert chosen == expected


# --- the serving process never imports torch -----------------------------------------------

_SERVE = """
import sys
from bilingual_digest import Summarizer, SummaryOptions, TranslationOptions, Translator
options = TranslationOptions(1, 12, 4, checks=False, retry_degenerate=False)
fr_en = Translator("fr", "en", model=sys.argv[1], backend="ctranslate2", options=options)
en_fr = Translator("en", "fr", model=sys.argv[2], backend="ctranslate2", options=options)
summarizer = Summarizer(sys.argv[3], backend="ctranslate2", options=SummaryOptions(num_beams=1))
print(type(fr_en.backend.inner).__name__, type(fr_en.backend.inner.tokenizer).__name__)
print(fr_en.translate("Le Niger et les États-Unis. Les troupes partiront.").text)
print(en_fr.translate("The troops will leave.").text)
print(summarizer.summarize(" ".join(["The troops will leave Niger soon."] * 5), "short").text)
print("torch" in sys.modules, "transformers" in sys.modules)
"""


def test_serving_converted_models_imports_neither_torch_nor_transformers(
    marian_fr_en: Path, marian_en_fr: Path, bart_summary: Path, tmp_path: Path, monkeypatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BILINGUAL_DIGEST_CACHE_DIR", str(cache))
    models = [str(marian_fr_en), str(marian_en_fr), str(bart_summary)]
    for model in models:
        ensure_converted(model)  # converting does use transformers: done once, beforehand
    env = {**os.environ, "BILINGUAL_DIGEST_CACHE_DIR": str(cache), "BILINGUAL_DIGEST_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _SERVE, *models],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "CTranslate2Backend MarianSentencePieceTokenizer"
    assert all(line.strip() for line in lines[1:4])  # three real outputs
    assert lines[-1] == "False False"
