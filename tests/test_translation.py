from __future__ import annotations

from pathlib import Path

import pytest

from bilingual_digest import (
    InputError,
    ModelUnavailableError,
    Translation,
    TranslationOptions,
    Translator,
    UnsupportedLanguageError,
    translate,
)
from bilingual_digest.backends import Generated
from bilingual_digest.errors import DeviceUnavailableError
from bilingual_digest.normalization import normalize_punctuation
from bilingual_digest.segment import non_blank_offsets

from fakes import UpperBackend

GREEDY = TranslationOptions(num_beams=1, max_new_tokens=24, batch_size=4)


def fake(max_input_tokens: int = 512, **kwargs) -> Translator:
    return Translator("fr", "en", backend=UpperBackend(max_input_tokens), **kwargs)


# --- engine logic, with a fake backend -----------------------------------------------------


def test_every_sentence_is_translated_exactly_once_in_order(seed_article: str) -> None:
    translator = fake()
    result = translator.translate(seed_article)
    sources = [s.source for s in result.segments]
    read = [normalize_punctuation(s, "fr") for s in sources]  # what the model reads (’ → ')
    assert sorted(translator.backend.seen) == sorted(read)  # each sent once
    assert len(translator.backend.seen) == len(sources) == 17
    assert [s.translation for s in result.segments] == [s.upper() for s in read]
    assert [s.index for s in result.segments] == list(range(17))
    assert [s.paragraph for s in result.segments] == sorted(s.paragraph for s in result.segments)
    for seg in result.segments:
        assert seed_article[seg.start : seg.end] == seg.source


def test_paragraphs_and_line_breaks_stand(seed_article: str) -> None:
    text = "Premier. Deuxième.\nTroisième.\n\n\n  Quatrième,  cinquième.\n"
    result = fake().translate(text)
    # (the model reads one space inside a sentence: Moses normalisation)
    assert result.text == "PREMIER. DEUXIÈME.\nTROISIÈME.\n\n\n  QUATRIÈME, CINQUIÈME.\n"
    read = seed_article.replace("’", "'").replace("« ", '" ').replace(" »", ' "')
    assert fake().translate(seed_article).text == read.upper()
    assert result.text.count("\n") == text.count("\n")


def test_many_texts_are_batched_longest_first_and_bounded() -> None:
    translator = fake(options=TranslationOptions(batch_size=2))
    translator.translate_many(
        ["Court. Une phrase bien plus longue que les autres.", "Moyenne ici."]
    )
    assert translator.backend.calls == [
        ["Une phrase bien plus longue que les autres.", "Moyenne ici."],
        ["Court."],
    ]


def test_one_text_is_batched_in_reading_order_first_paragraph_alone() -> None:
    translator = fake(options=TranslationOptions(batch_size=4))
    translator.translate("Un.\nDeux. Trois.\nQuatre. Cinq. Six.\nSept. Huit.")
    assert translator.backend.calls == [
        ["Un."],  # the opening paragraph that fits half a batch: its translation comes first
        ["Deux.", "Trois.", "Quatre.", "Cinq."],  # then the rest, balanced, in reading order
        ["Six.", "Sept.", "Huit."],
    ]


def test_long_sentence_is_split_never_truncated() -> None:
    text = ", ".join(f"la partie numéro {i}" for i in range(300)) + "."
    translator = fake(max_input_tokens=50)
    result = translator.translate(text)
    assert len(result.segments) > 1
    assert all(len(s.source.split()) + 1 <= 49 for s in result.segments)
    assert result.text == text.upper()
    covered = [i for s in result.segments for i in range(s.start, s.end) if not text[i].isspace()]
    assert covered == non_blank_offsets(text)


def test_translate_many_batches_across_documents() -> None:
    translator = fake(options=TranslationOptions(batch_size=16))
    results = translator.translate_many(["Un. Deux.", "Trois."])
    assert len(translator.backend.calls) == 1
    assert [r.text for r in results] == ["UN. DEUX.", "TROIS."]
    assert all(isinstance(r, Translation) for r in results)


@pytest.mark.parametrize("bad", ["", "   ", "\n\t\n"])
def test_empty_text_is_a_clear_value_error(bad: str) -> None:
    with pytest.raises(InputError, match="The text is empty"):
        fake().translate(bad)
    with pytest.raises(ValueError, match="empty"):
        translate(bad)


def test_bad_types_and_pairs() -> None:
    with pytest.raises(TypeError, match="expects a str, an Article or a list of them"):
        translate(42)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="use translate\\(\\) for one str"):
        fake().translate_many("abc")
    with pytest.raises(UnsupportedLanguageError, match="supported pairs are fr→en, en→fr"):
        Translator("fr", "fr", backend=UpperBackend())
    with pytest.raises(UnsupportedLanguageError, match="accepted values are 'fr'"):
        Translator("de", backend=UpperBackend())
    with pytest.raises(InputError, match="text at index 1 is empty"):
        translate(["Bonjour le monde.", ""], source="fr")


def test_hit_limit_is_reported(marian_fr_en: Path) -> None:
    translator = Translator("fr", model=str(marian_fr_en), backend="torch", options=GREEDY)
    result = translator.translate("Les deux parties vont entamer des discussions.")
    # The random tiny model never stops by itself: the cut is said, not hidden.
    assert result.segments[0].complete is False
    assert result.segments[0].retried is True
    assert result.warnings == (
        "Sentence 1: the model repeated itself; it was translated again with repetition guards "
        "and the retry did no better, so the first output was kept.",
        "Sentence 1 reached the limit of 24 generated tokens: its translation may be cut short.",
    )


# --- the real loading and generation code, on tiny models ------------------------------------


def test_tiny_model_translates_the_seed_article(marian_fr_en: Path, seed_article: str) -> None:
    translator = Translator("fr", "en", model=str(marian_fr_en), backend="torch", options=GREEDY)
    result = translator.translate(seed_article)
    assert result.source_lang == "fr" and result.target_lang == "en"
    assert result.model == str(marian_fr_en)
    assert len(result.segments) == 19
    assert result.text.count("\n") == seed_article.count("\n")
    assert all(s.translation for s in result.segments)
    assert len({s.translation for s in result.segments}) > 5  # outputs depend on inputs


def test_batched_sorted_output_equals_one_sentence_at_a_time(
    marian_fr_en: Path, seed_article: str
) -> None:
    translator = Translator("fr", model=str(marian_fr_en), backend="torch", options=GREEDY)
    result = translator.translate(seed_article)
    alone = Translator(
        "fr", model=str(marian_fr_en), backend="torch", options=TranslationOptions(1, 24, 1)
    )
    assert [alone.translate(s.source).text for s in result.segments] == [
        s.translation for s in result.segments
    ]


def test_long_input_splits_by_real_tokens(marian_fr_en: Path) -> None:
    text = " ".join(["discussions sur un retrait ordonné et sûr des forces"] * 60)
    translator = Translator("fr", model=str(marian_fr_en), backend="torch", options=GREEDY)
    assert translator.backend.max_input_tokens == 128
    result = translator.translate(text)
    assert len(result.segments) > 3
    assert all(translator.backend.count_tokens(s.source) <= 127 for s in result.segments)
    assert " ".join(s.source for s in result.segments) == text


def test_translate_function_detects_and_keeps_shape(tiny_env: dict[str, str]) -> None:
    fr = "Les deux parties vont entamer des discussions sur un retrait ordonné."
    en = "The two parties will begin talks on an orderly withdrawal."
    one = translate(fr)
    assert isinstance(one, str) and one
    many = translate([fr, en, fr])
    assert isinstance(many, list) and len(many) == 3
    assert many[0] == many[2] == one
    assert translate(fr, source="fr", target="en") == one


def test_env_var_picks_the_model(tiny_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from bilingual_digest.translation import default_translator

    assert default_translator("en").model == tiny_env["BILINGUAL_DIGEST_MODEL_EN_FR"]
    assert default_translator("en") is default_translator("en", "fr")
    monkeypatch.setenv("BILINGUAL_DIGEST_MODEL_EN_FR", tiny_env["BILINGUAL_DIGEST_MODEL_FR_EN"])
    assert default_translator("en").model == tiny_env["BILINGUAL_DIGEST_MODEL_FR_EN"]


# --- models that can't be had ----------------------------------------------------------------


def test_unknown_hub_id_offline_names_the_model_and_the_fix() -> None:
    with pytest.raises(ModelUnavailableError) as info:
        Translator("fr", model="Helsinki-NLP/opus-mt-fr-en", backend="torch")
    message = str(info.value)
    assert "Helsinki-NLP/opus-mt-fr-en" in message
    assert "not in the local Hugging Face cache" in message
    assert "BILINGUAL_DIGEST_MODEL_" in message and "local directory" in message


def test_directory_without_model_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here")
    with pytest.raises(ModelUnavailableError, match=r"has no config\.json"):
        Translator("fr", model=str(tmp_path), backend="torch")


def test_half_downloaded_directory(tmp_path: Path, marian_fr_en: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in marian_fr_en.iterdir():
        if item.name != "model.safetensors":
            (broken / item.name).write_bytes(item.read_bytes())
    with pytest.raises(ModelUnavailableError, match="no weights file"):
        Translator("fr", model=str(broken), backend="torch")
    (broken / "model.safetensors").write_bytes(b"\x00" * 100)
    with pytest.raises(ModelUnavailableError, match=f"{broken} is corrupt or incomplete"):
        Translator("fr", model=str(broken), backend="torch")


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="there is no directory"):
        Translator("fr", model=str(tmp_path / "nope"), backend="torch")


def test_cuda_only_when_available(marian_fr_en: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(DeviceUnavailableError, match="CUDA is not available"):
        Translator("fr", model=str(marian_fr_en), device="cuda", backend="torch")


class LoopingBackend(UpperBackend):
    """Tags sentences "[en]", loops on "boucle" unless guarded, and turns 25 into 26."""

    def generate(self, texts, options):
        self.calls.append(list(texts))
        guarded = bool(options.no_repeat_ngram_size)
        outputs = []
        for text in texts:
            if "boucle" in text and not guarded:
                out = "no, " * 30 + "no"
            else:
                out = "[en] " + text.replace("25", "26")
            outputs.append(Generated(out, len(out.split()) + 1))
        return outputs


def test_looping_sentence_is_retried_with_guards_and_the_better_output_kept() -> None:
    backend = LoopingBackend()
    translator = Translator("fr", backend=backend)
    result = translator.translate("Une phrase normale. Une boucle ici.")
    assert [s.translation for s in result.segments] == [
        "[en] Une phrase normale.",
        "[en] Une boucle ici.",
    ]
    assert [s.retried for s in result.segments] == [False, True]
    assert backend.calls[-1] == ["Une boucle ici."]  # only the looping sentence again
    assert result.warnings == (
        "Sentence 2: the model repeated itself; it was translated again with repetition guards "
        "and the better output was kept.",
    )


def test_findings_are_attached_to_segments_and_warnings() -> None:
    translator = Translator("fr", backend=LoopingBackend())
    result = translator.translate("Le sommet a lieu le 25 avril à Niamey. Rien à signaler.")
    first = result.segments[0]
    # The fake "translation" keeps the French month, which English text doesn't read as one.
    assert [(f.kind, f.text, f.segment) for f in first.findings] == [
        ("number_missing", "25 avril", 0),
        ("number_added", "26", 0),
    ]
    assert result.segments[1].findings == ()
    assert result.warnings == tuple(f"Sentence 1: {f.message}" for f in first.findings)
    quiet = Translator("fr", backend=LoopingBackend(), options=TranslationOptions(checks=False))
    assert quiet.translate("Le 25 avril.").warnings == ()


def test_safetensors_weights_are_preferred(tmp_path: Path, marian_fr_en: Path) -> None:
    """A directory with safetensors and a (here booby-trapped) pickle loads the safetensors."""
    both = tmp_path / "both"
    both.mkdir()
    for item in marian_fr_en.iterdir():
        (both / item.name).write_bytes(item.read_bytes())
    (both / "pytorch_model.bin").write_bytes(b"not a pickle: loading this would fail")
    translator = Translator("fr", model=str(both), backend="torch", options=GREEDY)
    assert translator.translate("Les deux parties.").segments[0].translation


class _Bracket:
    """A step that hides digits from the model and puts them back (or says it couldn't)."""

    def prepare(self, text: str):  # type: ignore[no-untyped-def]
        from bilingual_digest.checks import Finding

        digits = [c for c in text if c.isdigit()]
        hidden = "".join("#" if c.isdigit() else c for c in text)

        def restore(output: str):  # type: ignore[no-untyped-def]
            if output.count("#") != len(digits):
                return output, (Finding("number_missing", "#", None, "A digit was lost."),)
            for digit in digits:
                output = output.replace("#", digit, 1)
            return output, ()

        return hidden, restore if digits else None


def test_steps_rewrite_what_the_model_sees_and_restore_its_output() -> None:
    backend = UpperBackend()
    translator = Translator("fr", "en", backend=backend)
    translator.steps = lambda glossary=None: [_Bracket()]  # type: ignore[method-assign]
    result = translator.translate("Le 25 avril. Rien.")
    assert sorted(backend.seen) == ["Le ## avril.", "Rien."]
    assert [s.source for s in result.segments] == ["Le 25 avril.", "Rien."]  # offsets unmoved
    assert result.text == "LE 25 AVRIL. RIEN."
    backend.generate = lambda texts, options: [  # type: ignore[method-assign]
        Generated(t.replace("#", ""), 3) for t in texts
    ]
    lost = translator.translate("Le 25 mai.")
    assert lost.segments[0].findings[0].message == "A digit was lost."
