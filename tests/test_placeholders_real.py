"""The placeholder form on the real OPUS-MT tokenizer files and real news sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from transformers import MarianTokenizer

from bilingual_digest import Glossary
from bilingual_digest.placeholders import PLACEHOLDER, ProtectStep
from bilingual_digest.protected import MARKER

from placeholder_probe import FORMS, probe
from real_data import sentences

CASES = [("opus-mt-en-fr", "en"), ("opus-mt-tc-big-fr-en", "fr")]
BREAKS = ("source_unk", "target_unk", "source_round_trip", "target_round_trip")


@pytest.fixture(scope="module")
def tokenizers(real_tokenizers: dict[str, Path]) -> dict[str, MarianTokenizer]:
    return {name: MarianTokenizer.from_pretrained(real_tokenizers[name]) for name, _ in CASES}


@pytest.mark.parametrize(("name", "language"), CASES)
def test_the_placeholder_survives_real_tokenizers_and_moses(
    tokenizers: dict[str, MarianTokenizer], name: str, language: str
) -> None:
    assert FORMS[0] == PLACEHOLDER
    found = probe(tokenizers[name], sentences(language), language, PLACEHOLDER)
    assert found["sentences"] > 1000 and found["placeholders"] > 2500
    assert {key: found[key] for key in (*BREAKS, "moses_en", "moses_fr")} == dict.fromkeys(
        (*BREAKS, "moses_en", "moses_fr"), 0
    )
    assert found["moses_spacing_en"] == 0  # French typography moves spaces before ":" ";" only
    assert found["pieces"] == found["placeholders"]  # "▁[1]" … is one piece of both vocabularies


def test_why_not_the_other_forms(tokenizers: dict[str, MarianTokenizer]) -> None:
    french = sentences("fr")[:500]
    tc_big = tokenizers["opus-mt-tc-big-fr-en"]
    for form in ("{{{}}}", "<{}>", "#{}#", "@{}@", "§{}§"):  # <unk> in opus-mt-tc-big-fr-en
        found = probe(tc_big, french, "fr", form)
        assert found["source_unk"] == found["source_round_trip"] == found["sentences"] > 0
    glued = probe(tc_big, french, "fr", "%{}")  # Moses glues "12 %1" into "12%1"
    assert glued["source_round_trip"] == 0 and glued["moses_spacing_en"] > 20


@pytest.mark.parametrize(("name", "language"), CASES)
def test_what_the_step_sends_decodes_to_itself(
    tokenizers: dict[str, MarianTokenizer], name: str, language: str
) -> None:
    tokenizer = tokenizers[name]
    urls = ", ".join(f"https://exemple{i}.fr/?id={i}" for i in range(25))
    texts = [
        f"Les liens sont {urls}.",
        "Écrivez à jean.dupont@gouv.ne, suivez @AFPfr et #Niger (voir `make all` et [3]).",
        *sentences(language)[:200],
    ]
    step = ProtectStep(
        Glossary.from_dict({"Niger": "Niger", "Paris": "Paris"}).for_pair("fr", "en")
    )
    for text in texts:
        model_input = step.prepare(text)[0]
        for ids in (tokenizer(model_input).input_ids, tokenizer(text_target=model_input).input_ids):
            decoded = tokenizer.decode(ids, skip_special_tokens=True)
            assert MARKER.findall(decoded) == MARKER.findall(model_input)
            assert (
                tokenizer.unk_token_id not in ids
                or tokenizer.unk_token_id in tokenizer(text).input_ids
            )
