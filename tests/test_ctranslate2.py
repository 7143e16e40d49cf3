"""The CTranslate2 backend: same outputs as torch, safe one-time conversion, torch fallback."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bilingual_digest import InputError, TranslationOptions, Translator
from bilingual_digest.backends import factory, load_backend
from bilingual_digest.backends.cache import CachedBackend
from bilingual_digest.backends.ct2_backend import CTranslate2Backend
from bilingual_digest.backends.torch_backend import TorchBackend
from bilingual_digest.conversion import (
    MARKER,
    ConversionError,
    converted_dir,
    ensure_converted,
    is_complete,
    model_key,
)
from bilingual_digest.options import GenerationOptions, resolve_backend, threads
from bilingual_digest.steps import prepare_sentence

from tiny_models import english_lines, french_lines

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = [
    GenerationOptions(num_beams=1, max_new_tokens=20),
    GenerationOptions(num_beams=1, max_new_tokens=30, min_new_tokens=25),
    GenerationOptions(num_beams=1, max_new_tokens=40, no_repeat_ngram_size=2),
    GenerationOptions(num_beams=1, max_new_tokens=12, repetition_penalty=1.5),
]


def short(lines: list[str]) -> list[str]:
    return [line for line in lines if len(line) < 200][:8]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BILINGUAL_DIGEST_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "ct2"


@pytest.fixture
def count_conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every real conversion (and slow it down a little, to widen races).

    The conversions run in this process, where the converter can be watched.
    """
    from ctranslate2.converters import TransformersConverter

    from bilingual_digest import conversion

    monkeypatch.setattr(conversion, "IN_SUBPROCESS", False)

    calls: list[str] = []
    real = TransformersConverter.convert

    def convert(self, output_dir, *args, **kwargs):
        calls.append(output_dir)
        threading.Event().wait(0.2)
        return real(self, output_dir, *args, **kwargs)

    monkeypatch.setattr(TransformersConverter, "convert", convert)
    return calls


# --- same outputs as torch --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "lines"),
    [
        ("marian_fr_en", french_lines),
        ("marian_en_fr", english_lines),
        ("bart_summary", english_lines),
    ],
)
def test_greedy_output_equals_torch_token_for_token(request, fixture, lines) -> None:
    """Exact equality needs exact weights: float32 conversion, the same code path as int8.

    (int8 rounding flips argmaxes of these tiny init_std=1.0 models, differently per CPU.)
    """
    model = str(request.getfixturevalue(fixture))
    torch_backend = TorchBackend(model)
    ct2 = CTranslate2Backend(model, quantization="float32")
    texts = short(lines())
    outputs = set()
    for options in [*OPTIONS, GenerationOptions(num_beams=4, max_new_tokens=16)]:
        expected = torch_backend.generate(texts, options)
        assert ct2.generate(texts, options) == expected, options
        outputs.update(g.text for g in expected)
    assert len(outputs) > len(OPTIONS)  # outputs differ by input or option: a real comparison
    assert ct2.count_tokens(texts[0]) == torch_backend.count_tokens(texts[0])
    assert (ct2.max_input_tokens, ct2.max_output_tokens) == (
        torch_backend.max_input_tokens,
        torch_backend.max_output_tokens,
    )


def test_hit_limit_and_forced_eos_match_torch(marian_fr_en: Path) -> None:
    options = GenerationOptions(num_beams=1, max_new_tokens=6)
    ct2 = CTranslate2Backend(str(marian_fr_en), quantization="float32")
    out = ct2.generate(["Le Niger et les États-Unis."], options)
    assert out == TorchBackend(str(marian_fr_en)).generate(["Le Niger et les États-Unis."], options)
    assert out[0].num_tokens == 6 and out[0].hit_limit


def test_default_int8_backend_runs_behind_the_translator(marian_fr_en: Path, seed_article) -> None:
    options = TranslationOptions(1, 24, 4, checks=False, retry_degenerate=False)
    translator = Translator("fr", model=str(marian_fr_en), options=options)
    assert isinstance(translator.backend, CachedBackend)
    assert isinstance(translator.backend.inner, CTranslate2Backend)
    assert translator.backend.path.name.endswith("-int8")
    reference = Translator("fr", model=str(marian_fr_en), backend="torch")
    result = translator.translate(seed_article)
    expected = reference.pieces(seed_article)
    assert [(s.start, s.end, s.paragraph) for s in result.segments] == [
        (p.start, p.end, p.paragraph) for p in expected
    ]
    ready = [prepare_sentence(s.source, translator.steps()) for s in result.segments]
    direct = translator.backend.inner.generate(
        [r.model_input for r in ready], translator.options.generation()
    )
    restored = [r.restore(g.text)[0] for r, g in zip(ready, direct, strict=True)]
    assert [s.translation for s in result.segments] == restored
    assert all(not s.complete for s in result.segments)  # random weights never stop early
    assert len(result.warnings) == len(result.segments)


def test_none_options_take_the_models_generation_defaults() -> None:
    """distilbart-cnn-12-6's generation config, mapped to translate_batch arguments."""
    from transformers import GenerationConfig

    backend = CTranslate2Backend.__new__(CTranslate2Backend)
    backend.generation_config = GenerationConfig(
        num_beams=4,
        length_penalty=2.0,
        min_length=56,
        max_length=142,
        no_repeat_ngram_size=3,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        eos_token_id=2,
    )
    backend.max_output_tokens = 1023
    backend.suppressed = []
    kwargs, limit = backend.decoding_arguments(GenerationOptions())
    assert limit == 141
    assert kwargs == {
        "beam_size": 4,
        "length_penalty": 2.0,
        "repetition_penalty": 1.0,
        "no_repeat_ngram_size": 3,
        "max_decoding_length": 140,  # + the forced EOS = 141 tokens, as HF's max_length 142
        "min_decoding_length": 55,
        "max_input_length": 0,
        "return_end_token": True,
    }
    kwargs, limit = backend.decoding_arguments(
        GenerationOptions(num_beams=1, max_new_tokens=2000, min_new_tokens=3, length_penalty=1.0)
    )
    assert limit == 1023
    assert (kwargs["beam_size"], kwargs["max_decoding_length"]) == (1, 1022)
    assert (kwargs["min_decoding_length"], kwargs["length_penalty"]) == (3, 1.0)


def test_too_long_input_is_refused_not_truncated(marian_fr_en: Path) -> None:
    ct2 = CTranslate2Backend(str(marian_fr_en))
    with pytest.raises(InputError, match=r"over the model's limit of 128; split it first"):
        ct2.generate(["mot " * 200], GenerationOptions(num_beams=1, max_new_tokens=4))
    assert ct2.generate([], GenerationOptions()) == []


# --- conversion: once, atomic, concurrent ------------------------------------------------


def test_conversion_is_reused(marian_fr_en: Path, fresh_cache: Path, count_conversions) -> None:
    first = CTranslate2Backend(str(marian_fr_en))
    second = CTranslate2Backend(str(marian_fr_en))
    assert len(count_conversions) == 1
    assert first.path == second.path and is_complete(first.path)
    assert first.path.parent == fresh_cache
    assert (first.path / MARKER).is_file()
    assert [p.name for p in fresh_cache.iterdir() if p.is_dir()] == [first.path.name]


def test_failed_conversion_leaves_nothing_usable(
    marian_fr_en: Path, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch, count_conversions
) -> None:
    from ctranslate2.converters import TransformersConverter

    def broken(self, output_dir, *args, **kwargs):
        Path(output_dir, "model.bin").write_bytes(b"half a model")
        raise OSError("No space left on device")

    with monkeypatch.context() as patch:  # in this process (count_conversions), where it's seen
        patch.setattr(TransformersConverter, "convert", broken)
        with pytest.raises(ConversionError, match=r"No space left on device"):
            ensure_converted(str(marian_fr_en))
    assert [p.name for p in fresh_cache.iterdir() if p.is_dir()] == []
    # A crashed process's leftovers (temp dir, unmarked target) are never used, then cleared.
    target = converted_dir(str(marian_fr_en))
    (fresh_cache / f".tmp-{target.name}-crashed").mkdir()
    target.mkdir()
    (target / "model.bin").write_bytes(b"half a model")
    assert not is_complete(target)
    assert ensure_converted(str(marian_fr_en)) == target
    assert is_complete(target) and len(count_conversions) == 1
    assert [p.name for p in fresh_cache.iterdir() if p.is_dir()] == [target.name]


def test_concurrent_threads_convert_once(
    marian_fr_en: Path, fresh_cache: Path, count_conversions
) -> None:
    results: list[Path] = []
    workers = [
        threading.Thread(target=lambda: results.append(ensure_converted(str(marian_fr_en))))
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == 4 and len(set(results)) == 1
    assert len(count_conversions) == 1 and is_complete(results[0])


def test_conversion_runs_in_a_child_process(marian_en_fr: Path, fresh_cache: Path) -> None:
    """The serving process loads the converted model without importing transformers/torch."""
    code = (
        "import sys; from bilingual_digest.backends.ct2_backend import CTranslate2Backend;"
        "backend = CTranslate2Backend(sys.argv[1]);"
        "print(backend.path, 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    env = {**os.environ, "BILINGUAL_DIGEST_CACHE_DIR": str(fresh_cache.parent)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(marian_en_fr)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    path, torch_loaded, transformers_loaded = done.stdout.split()
    assert is_complete(Path(path)) and Path(path).parent == fresh_cache
    assert (torch_loaded, transformers_loaded) == ("False", "False")


def test_a_failed_conversion_in_the_child_is_a_conversion_error(
    tmp_path: Path, fresh_cache: Path
) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "marian", "d_model": "wide"}')
    with pytest.raises(ConversionError, match=r"CTranslate2 cannot convert .*broken-model"):
        ensure_converted(str(broken))
    assert [p.name for p in fresh_cache.iterdir() if p.is_dir()] == []  # nothing usable left


def test_concurrent_processes_convert_once(marian_en_fr: Path, fresh_cache: Path) -> None:
    code = (
        "import logging, sys; logging.basicConfig(level=logging.INFO, format='%(message)s');"
        "from bilingual_digest.conversion import ensure_converted;"
        "print(ensure_converted(sys.argv[1]))"
    )
    env = {**os.environ, "BILINGUAL_DIGEST_CACHE_DIR": str(fresh_cache.parent)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(marian_en_fr)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [proc.communicate(timeout=300) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outs
    assert len({out.strip() for out, _ in outs}) == 1
    assert sum(err.count("Converting ") for _, err in outs) == 1
    assert is_complete(Path(outs[0][0].strip()))


def test_model_key_names_hub_ids_and_local_dirs(marian_fr_en: Path) -> None:
    assert model_key("Helsinki-NLP/opus-mt-fr-en") == "Helsinki-NLP--opus-mt-fr-en"
    local = model_key(str(marian_fr_en))
    assert local.startswith("opus-mt-fr-en-") and "/" not in local
    with pytest.raises(ValueError, match=r"accepted values are 'int8', "):
        ensure_converted(str(marian_fr_en), "int4")


# --- fallback to torch ---------------------------------------------------------------------


def _fallback_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_missing_ctranslate2_falls_back_to_torch_with_one_warning(
    marian_fr_en: Path, marian_en_fr: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # import ctranslate2 -> ImportError
    monkeypatch.setattr(factory, "_warned", set())
    with caplog.at_level(logging.WARNING, logger="bilingual_digest"):
        first = load_backend("ctranslate2", str(marian_fr_en))
        second = load_backend("ctranslate2", str(marian_en_fr))
    assert isinstance(first, TorchBackend) and isinstance(second, TorchBackend)
    warnings = _fallback_warnings(caplog)
    assert len(warnings) == 1
    assert "ctranslate2 package is not installed" in warnings[0]
    assert "Using the torch backend" in warnings[0]


def test_failed_conversion_falls_back_to_torch_with_one_warning(
    marian_fr_en: Path, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    from ctranslate2.converters import TransformersConverter

    from bilingual_digest import conversion

    def unsupported(self, *args, **kwargs):
        raise NotImplementedError("No conversion is registered for the model configuration")

    monkeypatch.setattr(conversion, "IN_SUBPROCESS", False)  # the patch is seen in this process
    monkeypatch.setattr(TransformersConverter, "convert", unsupported)
    monkeypatch.setattr(factory, "_warned", set())
    with caplog.at_level(logging.WARNING, logger="bilingual_digest"):
        backend = load_backend("ctranslate2", str(marian_fr_en))
    assert isinstance(backend, TorchBackend)
    warnings = _fallback_warnings(caplog)
    assert len(warnings) == 1
    assert "cannot convert" in warnings[0] and str(marian_fr_en) in warnings[0]


# --- settings --------------------------------------------------------------------------------


def test_backend_default_is_ctranslate2_on_cpu_torch_on_cuda(monkeypatch) -> None:
    assert resolve_backend(None, "cpu") == "ctranslate2"
    assert resolve_backend(None, "cuda:1") == "torch"
    assert resolve_backend("Torch", "cpu") == "torch"
    monkeypatch.setenv("BILINGUAL_DIGEST_BACKEND", "torch")
    assert resolve_backend(None, "cpu") == "torch"
    with pytest.raises(ValueError, match=r"accepted values are 'ctranslate2', 'torch'"):
        resolve_backend("onnx", "cpu")


def test_threads_default_to_the_cores_and_can_be_set(monkeypatch) -> None:
    assert threads() == len(os.sched_getaffinity(0))
    monkeypatch.setenv("BILINGUAL_DIGEST_THREADS", "3")
    assert threads() == 3
    monkeypatch.setenv("BILINGUAL_DIGEST_THREADS", "zero")
    with pytest.raises(ValueError, match=r"BILINGUAL_DIGEST_THREADS must be a positive integer"):
        threads()
