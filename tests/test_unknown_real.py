"""`<unk>` with the real OPUS-MT tokenizers: what the model reads after the translator's steps,
and what a copy through the real vocabulary keeps (issue 12). Real files and sentences:
tests/data/real/ (provenance in its README); benchmarks/unknown_characters.py gives the same
figures on all of ../shared/eval (README, "Characters the model can't read")."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from bilingual_digest.backends.light_tokenizers import TransformersTokenizer, load_tokenizer
from bilingual_digest.backends.model_files import read_json
from bilingual_digest.normalization import normalize_punctuation
from bilingual_digest.options import TranslationOptions
from bilingual_digest.translation import Translator

from real_data import REAL, sentences

ROOT = Path(__file__).resolve().parents[1]
PLAIN = TranslationOptions(checks=False, retry_degenerate=False)


@pytest.fixture(scope="module")
def bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "unknown_bench", ROOT / "benchmarks" / "unknown_characters.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def english() -> list[str]:
    """newstest2013's English side and the newstest2010 sentences opus-mt-en-fr reads with <unk>."""
    extra = (REAL / "text" / "newstest2010.unk.en").read_text(encoding="utf-8").splitlines()
    return sentences("en") + extra


def tokenizer(real_tokenizers: dict[str, Path], name: str):  # type: ignore[no-untyped-def]
    model = str(real_tokenizers[name])
    return load_tokenizer(model, read_json(model, "config.json"))


def copier(bench, real_tokenizers, name: str, source: str) -> Translator:  # type: ignore[no-untyped-def]
    backend = bench.CopyingBackend(tokenizer(real_tokenizers, name))
    return Translator(source, backend=backend, options=PLAIN)


def test_unk_inputs_drop_to_zero_and_nothing_is_lost(bench, real_tokenizers) -> None:  # type: ignore[no-untyped-def]
    en_fr = bench.measure(str(real_tokenizers["opus-mt-en-fr"]), "en-fr", "en", english())
    # 24 sentences read with <unk> (’ and one "|"); Moses leaves the "|"; the steps none.
    assert (en_fr.sentences, en_fr.raw, en_fr.moses, en_fr.steps) == (3023, 24, 1, 0)
    big = bench.measure(str(real_tokenizers["opus-mt-tc-big-fr-en"]), "big", "fr", sentences("fr"))
    # 89 French sentences hold letters or signs opus-mt-tc-big-fr-en lacks (á ö Č £ …).
    assert (big.sentences, big.raw, big.moses, big.steps) == (3000, 89, 89, 0)
    for row in (en_fr, big):
        assert row.meaning_changed == 0  # Moses changed no letter or digit of 6,000 sentences
        assert row.lost_before == row.raw  # the first round's translator lost a character each
        assert (row.lost_after, row.flagged) == (0, 0)  # a perfect copy now keeps them all


def test_moses_changes_only_punctuation_and_spaces() -> None:
    numbers = re.compile(r"\d+(?:[.,]\d+)*")
    for language, lines in (("en", english()), ("fr", sentences("fr"))):
        changed = 0
        for line in lines:
            normal = normalize_punctuation(line, language)
            changed += normal != line
            assert re.findall(r"[^\W_]", normal) == re.findall(r"[^\W_]", line), line
            assert numbers.findall(normal) == numbers.findall(line), line
        # It did something (’ → ', spaces); newstest2013 is mostly plain ASCII already. On all
        # of ../shared/eval it changes 1,313 sentences, none in a letter or digit.
        assert changed == {"en": 23, "fr": 1}[language]


def test_stroebele_keeps_its_umlaut(bench, real_tokenizers) -> None:  # type: ignore[no-untyped-def]
    text = "Hans-Christian Ströbele a payé 20 £ à Çatalhöyük."
    big = tokenizer(real_tokenizers, "opus-mt-tc-big-fr-en")
    assert big.unknown_characters(text) == ["ö", "£", "Ç", "ü"]
    backend = bench.CopyingBackend(big)
    assert backend.generate([text], PLAIN.generation())[0].text == (
        "Hans-Christian Strbele a payé 20  à atalhyk."  # what decoding made of it
    )
    translator = copier(bench, real_tokenizers, "opus-mt-tc-big-fr-en", "fr")
    segment = translator.translate(text).segments[0]
    assert segment.translation == text
    assert segment.findings == ()


def test_a_name_the_model_did_not_copy_is_flagged(real_tokenizers) -> None:  # type: ignore[no-untyped-def]
    big = tokenizer(real_tokenizers, "opus-mt-tc-big-fr-en")

    class Translating:  # a model that renders the name its own way
        model_id, max_input_tokens = "renders", 512

        def count_tokens(self, text: str) -> int:
            return len(big.encode_batch([text])[0])

        def unknown_characters(self, text: str) -> list[str]:
            return big.unknown_characters(text)

        def generate(self, texts, options):  # type: ignore[no-untyped-def]
            from bilingual_digest.backends import Generated

            return [Generated("Gothenburg welcomed the team.", 6) for _ in texts]

    segment = (
        Translator("fr", backend=Translating(), options=PLAIN)
        .translate("Göteborg a accueilli l'équipe.")
        .segments[0]
    )
    assert segment.translation == "Gothenburg welcomed the team."
    assert [(f.kind, f.text) for f in segment.findings] == [("character_lost", "Göteborg")]
    assert '"Goteborg" for "Göteborg"' in segment.findings[0].message


def test_every_tokenizer_says_the_same_characters(real_tokenizers) -> None:  # type: ignore[no-untyped-def]
    """transformers' tokenizer (the torch backend's; asked one character at a time) and the
    light one (the CTranslate2 backend's; asked per piece) name the same characters."""
    for name, language in (("opus-mt-tc-big-fr-en", "fr"), ("opus-mt-en-fr", "en")):
        light = tokenizer(real_tokenizers, name)
        full = TransformersTokenizer(str(real_tokenizers[name]))
        lines = [line for line in sentences(language) if light.unknown_characters(line)]
        lines += ["Zu\u0308rich ﬁn", "Ströbele"]
        for line in lines:
            assert sorted(full.unknown_characters(line)) == sorted(
                light.unknown_characters(line)
            ), line
    bart = tokenizer(real_tokenizers, "bart")
    assert bart.unknown_characters("Ströbele £ 😀") == []
