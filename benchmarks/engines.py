"""The engines the benchmark times, and the inputs they all share.

Each engine is built in its own process (``bench.py --worker NAME``) and does one article
per call. Random weights give gibberish, so where a stage reads another stage's output the
text is a fixed stand-in (:class:`StandIn`): the fr→en translator's outputs read as English
sentences of the stand-in translation, the summariser's as a fixed 4-sentence summary. The
models still do all their work (every output has a forced length), and every engine reads
the same texts: the naive digest summarises exactly the stand-in translation the project's
digest produces, and translates the same 4 summary sentences.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MODELS = HERE / ".models"
INPUTS = MODELS / "inputs.json"
ARTICLE = ROOT / "seeds" / "000_077823ae67d334e0.txt"
FR_EN, EN_FR, SUMMARY = (
    MODELS / "opus-mt-fr-en",
    MODELS / "opus-mt-en-fr",
    MODELS / "distilbart-cnn-12-6",
)
BEAM = 4
TRANSLATION_TOKENS = 40
SUMMARY_TOKENS = 100
SUMMARY_INPUT_TOKENS = 700


# --- preparation (its own process: conversion memory must not count) ---------------------


def prepare() -> None:
    """Build and convert the models; write the inputs every engine uses."""
    sys.path.insert(0, str(HERE))
    from models import build_distilbart, build_opus_mt

    from bilingual_digest.conversion import ensure_converted
    from bilingual_digest.models import load_tokenizer
    from bilingual_digest.segment import segment

    build_opus_mt(FR_EN, "fr", "en")
    build_opus_mt(EN_FR, "en", "fr")
    build_distilbart(SUMMARY)
    for model in (FR_EN, EN_FR, SUMMARY):
        ensure_converted(str(model))
    article = ARTICLE.read_text(encoding="utf-8")
    fr_tok = load_tokenizer(str(FR_EN))
    pieces = segment(article, "fr", lambda t: len(fr_tok(t).input_ids), 511)
    sys.path.insert(0, str(ROOT / "tests"))
    from tiny_models import english_lines

    bart_tok = load_tokenizer(str(SUMMARY))
    lines = english_lines()
    stand_ins = _stand_ins(article, pieces, lines, lambda t: len(bart_tok(t).input_ids))
    translation = _joined(article, pieces, stand_ins)
    inputs = {
        "article": article,
        "sentences": [p.text for p in pieces],
        "stand_in_translations": stand_ins,
        "summary_input": translation,
        "summary_input_tokens": len(bart_tok(translation).input_ids),
        "summary": " ".join(lines[:4]),
        "summary_sentences": lines[:4],
        "first_paragraph": [p.text for p in pieces if p.paragraph == 0],
    }
    INPUTS.write_text(json.dumps(inputs, ensure_ascii=False, indent=1), encoding="utf-8")


def _stand_ins(
    article: str, pieces: Sequence[Any], lines: list[str], count: Callable[[str], int]
) -> list[str]:
    """One English stand-in per piece: whole lines, cycled, until the joined translation is
    about :data:`SUMMARY_INPUT_TOKENS` summariser tokens."""
    stand_ins = [lines[i % len(lines)] for i in range(len(pieces))]
    n = len(pieces)
    while count(_joined(article, pieces, stand_ins)) < SUMMARY_INPUT_TOKENS:
        i = min(range(len(pieces)), key=lambda k: (len(stand_ins[k]), k))
        stand_ins[i] = f"{stand_ins[i]} {lines[n % len(lines)]}"
        n += 1
    return stand_ins


def _joined(article: str, pieces: Sequence[Any], outputs: Sequence[str]) -> str:
    """The translation the translator assembles: each output in place of its piece."""
    parts, cursor = [], 0
    for piece, output in zip(pieces, outputs, strict=True):
        parts += [article[cursor : piece.start], output]
        cursor = piece.end
    parts.append(article[cursor:])
    return "".join(parts)


def inputs() -> dict[str, Any]:
    """The shared inputs written by :func:`prepare`."""
    return json.loads(INPUTS.read_text(encoding="utf-8"))


# --- the project's engines -------------------------------------------------------------------


class StandIn:
    """A backend whose outputs read as stand-ins; the work (and its length) is the inner one's.

    Args:
        inner: The backend that generates.
        text_for: The stand-in text for an input.
    """

    def __init__(self, inner: Any, text_for: Callable[[str], str]) -> None:
        self.inner = inner
        self.text_for = text_for

    def __getattr__(self, name: str) -> Any:
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def generate(self, texts: Sequence[str], options: Any) -> list[Any]:
        outputs = self.inner.generate(texts, options)
        return [
            dataclasses.replace(out, text=self.text_for(text))
            for text, out in zip(texts, outputs, strict=True)
        ]


def fixed_length_options(speed: str = "default", **extra: Any) -> Any:
    """Translation options that force every sentence to exactly ``TRANSLATION_TOKENS``
    (``extra``: more TranslationOptions fields, e.g. ``confidence=True``)."""
    from bilingual_digest import TranslationOptions
    from bilingual_digest.options import GenerationOptions

    @dataclasses.dataclass(frozen=True)
    class FixedLength(TranslationOptions):
        """Every sentence decoded to exactly max_new_tokens tokens."""

        def generation(self) -> GenerationOptions:
            return dataclasses.replace(super().generation(), min_new_tokens=self.max_new_tokens)

    # No retry of "looping" sentences: a forced length makes every sentence look cut short,
    # which would translate each one twice (a real model stops by itself). Checks stay on.
    options = FixedLength(
        num_beams=BEAM,
        max_new_tokens=TRANSLATION_TOKENS,
        batch_size=16,
        retry_degenerate=False,
        **extra,
    )
    return options.at_speed(speed)


def backend(model: Path, role: str, cached: bool = True) -> Any:
    """The project's default CPU backend for a model (CTranslate2 int8), as the engine loads
    it: the thread layout of its role, behind the output cache unless ``cached`` is False."""
    from bilingual_digest.backends import load_backend
    from bilingual_digest.backends.cache import CachedBackend
    from bilingual_digest.backends.ct2_backend import CTranslate2Backend
    from bilingual_digest.cores import thread_layout

    inner = load_backend("ctranslate2", str(model), "cpu", thread_layout(role))
    assert isinstance(inner, CTranslate2Backend), inner
    return CachedBackend(inner) if cached else inner


def digester(data: dict[str, Any], cached: bool = True) -> Any:
    """The project's Digester over the benchmark models, with the stand-ins and fixed lengths."""
    from bilingual_digest import Digester, Summarizer, SummaryOptions, Translator
    from bilingual_digest.normalization import normalize_punctuation

    stand_in = {  # keyed by what the model reads: the sentence after the input steps
        normalize_punctuation(sentence, "fr"): translation
        for sentence, translation in zip(
            data["sentences"], data["stand_in_translations"], strict=True
        )
    }

    def wrap(inner: Any, text_for: Callable[[str], str]) -> Any:
        from bilingual_digest.backends.cache import CachedBackend

        if not cached:
            return StandIn(inner, text_for)
        inner_backend = inner.inner  # put the stand-in under the cache, as a model would be
        return CachedBackend(StandIn(inner_backend, text_for))

    fr_en = wrap(backend(FR_EN, "translation", cached), lambda text: stand_in[text])
    summary = wrap(backend(SUMMARY, "summary", cached), lambda text: data["summary"])
    fixed = SummaryOptions(min_new_tokens=SUMMARY_TOKENS, max_new_tokens=SUMMARY_TOKENS)
    return Digester(
        fr_en=Translator("fr", model=str(FR_EN), backend=fr_en, options=fixed_length_options()),
        en_fr=Translator(
            "en",
            model=str(EN_FR),
            backend=backend(EN_FR, "translation", cached),
            options=fixed_length_options(),
        ),
        summarizer=Summarizer(model=str(SUMMARY), backend=summary, options=fixed),
    )


def clear(digest_engine: Any) -> None:
    """Forget every cached output of a digester's models (so each run does the work)."""
    for key in ("fr-en", "en-fr", "summary"):
        model = digest_engine._get(key)
        clear_cache = getattr(model.backend, "clear", None)
        if clear_cache is not None:
            clear_cache()


# --- what a user writes without us -----------------------------------------------------------


class Naive:
    """transformers fp32, one sentence at a time, beam 4."""

    def __init__(self, model: Path) -> None:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model)
        self.model = AutoModelForSeq2SeqLM.from_pretrained(model).eval()

    def generate(self, text: str, tokens: int) -> str:
        import torch

        with torch.inference_mode():
            out = self.model.generate(
                **self.tokenizer(text, return_tensors="pt"),
                num_beams=BEAM,
                min_new_tokens=tokens,
                max_new_tokens=tokens,
            )
        assert out.shape[1] - 1 == tokens, out.shape
        return self.tokenizer.decode(out[0], skip_special_tokens=True)

    def translate(self, sentences: list[str]) -> list[str]:
        return [self.generate(s, TRANSLATION_TOKENS) for s in sentences]


# --- one article per call ----------------------------------------------------------------------


def setup(name: str, data: dict[str, Any]) -> Callable[[], dict[str, float] | None]:
    """Load what an engine needs; return the function that does one article.

    The function returns the seconds of each stage (digests) or ``None``.
    """
    article, sentences = data["article"], data["sentences"]
    if name == "translate-naive":
        naive = Naive(FR_EN)
        return lambda: naive.translate(sentences) and None
    if name in ("translate-torch", "translate-default", "translate-fast"):
        from bilingual_digest import Translator

        speed = "fast" if name == "translate-fast" else "default"
        model = backend(FR_EN, "translation") if name != "translate-torch" else "torch"
        translator = Translator(
            "fr", model=str(FR_EN), backend=model, options=fixed_length_options(speed)
        )

        def one() -> None:
            translator.backend.clear()  # measure the work, not the cache
            result = translator.translate(article)
            assert all(not s.complete for s in result.segments)  # every one: the fixed length

        one.repeat = lambda: translator.translate(article)  # type: ignore[attr-defined]
        return one
    if name == "translate-raw":
        return _raw_ctranslate2(sentences)
    if name == "digest-naive":
        fr_en, summariser, en_fr = Naive(FR_EN), Naive(SUMMARY), Naive(EN_FR)
        return lambda: _stages(
            lambda: fr_en.translate(sentences),
            lambda: summariser.generate(data["summary_input"], SUMMARY_TOKENS),
            lambda: en_fr.translate(data["summary_sentences"]),
        )
    if name == "digest-default":
        engine = digester(data)
        for key in ("fr-en", "en-fr", "summary"):
            engine._get(key)

        def digest_one() -> dict[str, float]:
            clear(engine)
            result = engine.digest(article, source="fr", length="medium")
            assert result.summary_en == data["summary"], result.summary_en
            assert result.translation.text == data["summary_input"]
            timings = result.timings
            return {
                "translate_s": round(timings["translate"], 3),
                "summarise_s": round(timings["summarize"], 3),
                "translate_summary_s": round(timings["translate_summary"], 3),
            }

        return digest_one
    raise SystemExit(f"unknown engine {name!r}")


def _raw_ctranslate2(sentences: list[str]) -> Callable[[], None]:
    """What a user who hands CTranslate2 the sentences in one call gets (library defaults)."""
    import ctranslate2

    from bilingual_digest.conversion import converted_dir
    from bilingual_digest.models import load_tokenizer
    from bilingual_digest.options import threads

    tokenizer = load_tokenizer(str(FR_EN))
    translator = ctranslate2.Translator(
        str(converted_dir(str(FR_EN))), compute_type="int8", intra_threads=threads()
    )
    tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(sentences).input_ids]

    def run() -> None:
        results = translator.translate_batch(
            tokens,
            beam_size=BEAM,
            min_decoding_length=TRANSLATION_TOKENS,
            max_decoding_length=TRANSLATION_TOKENS,
            max_batch_size=16,
            max_input_length=0,
        )
        assert all(len(r.hypotheses[0]) == TRANSLATION_TOKENS for r in results)

    return run


def _stages(*steps: Callable[[], object]) -> dict[str, float]:
    times = {}
    for label, step in zip(
        ("translate_s", "summarise_s", "translate_summary_s"), steps, strict=True
    ):
        start = time.perf_counter()
        step()
        times[label] = round(time.perf_counter() - start, 3)
    return times
