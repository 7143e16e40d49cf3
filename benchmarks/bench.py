"""Speed and memory of bilingual-digest against plain transformers, on the sample article.

Run (about 10 minutes on 2 cores; builds the models once into benchmarks/.models/)::

    .venv/bin/python benchmarks/bench.py

It builds random-weight models with the exact architectures of opus-mt-fr-en, opus-mt-en-fr
and distilbart-cnn-12-6 (benchmarks/models.py), converts them once with the project's own
conversion, then runs each engine in its own process, ``--runs`` timed runs after a cold one:

- ``translate-naive``: transformers fp32, one sentence at a time, beam 4;
- ``translate-torch``: the project's Translator with the torch backend;
- ``translate-default``: the project's default (CTranslate2 int8 behind the LRU cache,
  cleared between runs so every run does the work);
- ``translate-raw``: ``ctranslate2.Translator.translate_batch`` on the same pre-tokenised
  sentences (the floor for the project's overhead);
- ``digest-naive`` / ``digest-default``: French article → English translation → English
  summary (distilbart) → French summary.

Every output has a fixed length (``TRANSLATION_TOKENS`` per sentence, ``SUMMARY_TOKENS`` per
summary), so every engine does the same work. Random weights give gibberish, so the summariser
reads a fixed English stand-in of a translation's length and the French summary translates a
fixed 4-sentence English summary: identical inputs for every engine.
The digest is the project's engines composed in the order :meth:`Digester.digest` runs them
for a French article (the Digester's summariser picks its own lengths, which can't be forced).
Writes benchmarks/results.json and benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
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
TRANSLATE_ENGINES = ("translate-naive", "translate-torch", "translate-default", "translate-raw")
DIGEST_ENGINES = ("digest-naive", "digest-default")


LOAD_BEFORE = os.getloadavg()


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    english, lines = "", english_lines()
    while len(bart_tok(english).input_ids) < SUMMARY_INPUT_TOKENS:
        english = f"{english} {lines[len(english.split('.')) % len(lines)]}".strip()
    inputs = {
        "article": article,
        "sentences": [p.text for p in pieces],
        "summary_input": english,
        "summary_input_tokens": len(bart_tok(english).input_ids),
        "summary": " ".join(lines[:4]),
        "summary_sentences": lines[:4],
    }
    INPUTS.write_text(json.dumps(inputs, ensure_ascii=False, indent=1), encoding="utf-8")


# --- engines ---------------------------------------------------------------------------------


class Naive:
    """What a user writes without us: transformers fp32, one sentence at a time."""

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


def _fixed_length_options(**extra: Any) -> Any:
    """The benchmark's translation options (``extra``: more TranslationOptions fields)."""
    from dataclasses import dataclass, replace

    from bilingual_digest import TranslationOptions
    from bilingual_digest.options import GenerationOptions

    @dataclass(frozen=True)
    class FixedLength(TranslationOptions):
        """Translation options that force every sentence to exactly max_new_tokens tokens."""

        def generation(self) -> GenerationOptions:
            return replace(super().generation(), min_new_tokens=self.max_new_tokens)

    # No retry of "looping" sentences: a forced length makes every sentence look cut short,
    # which would translate each one twice (a real model stops by itself). Checks stay on.
    return FixedLength(
        num_beams=BEAM,
        max_new_tokens=TRANSLATION_TOKENS,
        batch_size=16,
        retry_degenerate=False,
        **extra,
    )


def _translator(source: str, model: Path, backend: str | None, **extra: Any) -> Any:
    from bilingual_digest import Translator

    translator = Translator(
        source, model=str(model), backend=backend, options=_fixed_length_options(**extra)
    )
    if backend is None:
        from bilingual_digest.backends.ct2_backend import CTranslate2Backend

        assert isinstance(translator.backend.inner, CTranslate2Backend), translator.backend
    return translator


def _project_translate(translator: Any, text: str) -> Any:
    translator.backend.clear()  # measure the work, not the LRU cache
    result = translator.translate(text)
    assert all(not s.complete for s in result.segments)  # every sentence: the fixed length
    return result


def setup_engine(name: str, inputs: dict[str, Any]) -> Any:
    """Load what an engine needs; return the function that does one article."""
    article, sentences = inputs["article"], inputs["sentences"]
    if name == "translate-naive":
        naive = Naive(FR_EN)
        return lambda: naive.translate(sentences)
    if name in ("translate-torch", "translate-default"):
        translator = _translator("fr", FR_EN, "torch" if name == "translate-torch" else None)

        def run() -> None:
            _project_translate(translator, article)

        if name == "translate-default":
            run.repeat = lambda: translator.translate(article)  # type: ignore[attr-defined]
        return run
    if name == "translate-raw":
        return _raw_ctranslate2(sentences)
    if name == "digest-naive":
        fr_en, summariser, en_fr = Naive(FR_EN), Naive(SUMMARY), Naive(EN_FR)
        return lambda: _stages(
            lambda: fr_en.translate(sentences),
            lambda: summariser.generate(inputs["summary_input"], SUMMARY_TOKENS),
            lambda: en_fr.translate(inputs["summary_sentences"]),
        )
    if name == "digest-default":
        return _default_digest(inputs)
    raise SystemExit(f"unknown engine {name!r}")


def _raw_ctranslate2(sentences: list[str]) -> Any:
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


def _default_digest(inputs: dict[str, Any]) -> Any:
    """The project's default engines composed as the digest does (see results.md)."""
    from bilingual_digest.backends import generate_batched, load_backend
    from bilingual_digest.backends.cache import CachedBackend
    from bilingual_digest.options import GenerationOptions, resolve_backend

    fr_en = _translator("fr", FR_EN, None)
    summariser = CachedBackend(load_backend(resolve_backend(None, "cpu"), str(SUMMARY)))
    en_fr = _translator("en", EN_FR, None)
    fixed = GenerationOptions(min_new_tokens=SUMMARY_TOKENS, max_new_tokens=SUMMARY_TOKENS)

    def summarise() -> None:
        summariser.clear()
        out = generate_batched(summariser, [inputs["summary_input"]], fixed, 1)
        assert out[0].num_tokens == SUMMARY_TOKENS, out[0].num_tokens

    return lambda: _stages(
        lambda: _project_translate(fr_en, inputs["article"]),
        summarise,
        lambda: _project_translate(en_fr, inputs["summary"]),
    )


def _stages(*steps: Any) -> dict[str, float]:
    times = {}
    for label, step in zip(
        ("translate_s", "summarise_s", "translate_summary_s"), steps, strict=True
    ):
        start = time.perf_counter()
        step()
        times[label] = round(time.perf_counter() - start, 3)
    return times


def run_engine(name: str, runs: int) -> dict[str, Any]:
    """Cold start (load + first article), then ``runs`` timed warm runs, in this process."""
    inputs = json.loads(INPUTS.read_text(encoding="utf-8"))
    start, cpu_start = time.perf_counter(), time.process_time()
    one = setup_engine(name, inputs)
    loaded = time.perf_counter()
    loaded_rss = _rss_mb()
    one()
    cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    times, cpu_times, stages = [], [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = one()
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
        if isinstance(out, dict):
            stages.append(out)
    n_sent, n_sum = len(inputs["sentences"]), len(inputs["summary_sentences"])
    tokens = n_sent * TRANSLATION_TOKENS
    if name.startswith("digest"):
        tokens += SUMMARY_TOKENS + n_sum * TRANSLATION_TOKENS
    warm = statistics.median(times)
    result = {
        "engine": name,
        "load_s": round(loaded - start, 3),
        "cold_s": round(cold, 3),
        "warm_s": round(warm, 3),
        "runs_s": [round(t, 3) for t in times],
        "cold_cpu_s": round(cold_cpu, 3),
        "warm_cpu_s": round(statistics.median(cpu_times), 3),
        "runs_cpu_s": [round(t, 3) for t in cpu_times],
        "tokens": tokens,
        "tokens_per_s": round(tokens / warm, 1),
        "loaded_rss_mb": round(loaded_rss, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }
    if stages:
        result["stages_median_s"] = {
            k: round(statistics.median(s[k] for s in stages), 3) for k in stages[0]
        }
    repeat = getattr(one, "repeat", None)
    if repeat is not None:  # the same article again, the LRU cache still full: no model call
        t0 = time.perf_counter()
        repeat()
        result["repeat_with_cache_s"] = round(time.perf_counter() - t0, 4)
    return result


# --- orchestration ---------------------------------------------------------------------------


def _engine_process(name: str, runs: int, env: dict[str, str]) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--engine", name, "--runs", str(runs)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ratio(a: float, b: float) -> float:
    return round(a / b, 2)


def summarise_results(engines: dict[str, dict[str, Any]], runs: int) -> dict[str, Any]:
    """Ratios (speed-ups: higher is faster), targets and the raw figures."""
    warm = {name: e["warm_s"] for name, e in engines.items()}
    inputs = json.loads(INPUTS.read_text(encoding="utf-8"))
    translate = {
        "default_vs_naive": _ratio(warm["translate-naive"], warm["translate-default"]),
        "default_vs_raw_ctranslate2": _ratio(warm["translate-raw"], warm["translate-default"]),
        "torch_backend_vs_naive": _ratio(warm["translate-naive"], warm["translate-torch"]),
    }
    digest = {"default_vs_naive": _ratio(warm["digest-naive"], warm["digest-default"])}
    best = {name: min(e["runs_s"]) for name, e in engines.items()}
    best_of_runs = {
        "translate.default_vs_naive": _ratio(best["translate-naive"], best["translate-default"]),
        "translate.default_vs_raw_ctranslate2": _ratio(
            best["translate-raw"], best["translate-default"]
        ),
        "translate.torch_backend_vs_naive": _ratio(
            best["translate-naive"], best["translate-torch"]
        ),
        "digest.default_vs_naive": _ratio(best["digest-naive"], best["digest-default"]),
    }
    cpu = {name: e["warm_cpu_s"] for name, e in engines.items()}
    by_cpu_time = {
        "translate.default_vs_naive": _ratio(cpu["translate-naive"], cpu["translate-default"]),
        "translate.default_vs_raw_ctranslate2": _ratio(
            cpu["translate-raw"], cpu["translate-default"]
        ),
        "translate.torch_backend_vs_naive": _ratio(cpu["translate-naive"], cpu["translate-torch"]),
        "digest.default_vs_naive": _ratio(cpu["digest-naive"], cpu["digest-default"]),
    }
    rss = {
        "all_models_loaded": engines["digest-default"]["peak_rss_mb"],
        "all_models_loaded_naive": engines["digest-naive"]["peak_rss_mb"],
    }
    targets = {
        "translate.default_vs_naive >= 7": translate["default_vs_naive"] >= 7,
        "translate.default_vs_raw_ctranslate2 >= 0.9": translate["default_vs_raw_ctranslate2"]
        >= 0.9,
        "digest.default_vs_naive >= 5": digest["default_vs_naive"] >= 5,
        "peak_rss_mb.all_models_loaded <= 1024": rss["all_models_loaded"] <= 1024,
    }
    import ctranslate2
    import torch
    import transformers

    return {
        "translate": translate,
        "digest": digest,
        "peak_rss_mb": rss,
        "best_of_runs": best_of_runs,
        "by_cpu_time": by_cpu_time,
        "targets_met": targets,
        "settings": {
            "beam": BEAM,
            "sentences": len(inputs["sentences"]),
            "tokens_per_sentence": TRANSLATION_TOKENS,
            "summary_tokens": SUMMARY_TOKENS,
            "summary_input_tokens": inputs["summary_input_tokens"],
            "summary_sentences": len(inputs["summary_sentences"]),
            "timed_runs": runs,
            "threads": len(os.sched_getaffinity(0)),
        },
        "machine": {
            "cpu": platform.processor() or platform.machine(),
            "cores": os.cpu_count(),
            "load_before": LOAD_BEFORE,
            "load_after": os.getloadavg(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "ctranslate2": ctranslate2.__version__,
        },
        "engines": engines,
    }


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown report (the table the README quotes)."""
    s, m = results["settings"], results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"`.venv/bin/python benchmarks/bench.py` — beam {s['beam']}, {s['threads']} threads, "
        f"the sample article ({s['sentences']} sentences × {s['tokens_per_sentence']} tokens), "
        f"summary {s['summary_tokens']} tokens from {s['summary_input_tokens']} input tokens, "
        f"{s['summary_sentences']} summary sentences translated back; random weights with the "
        f"exact architectures; median of {s['timed_runs']} warm runs, each engine in its own "
        f"process. Load average before the run: {', '.join(f'{x:.2f}' for x in m['load_before'])}"
        f" / after: {', '.join(f'{x:.2f}' for x in m['load_after'])} (1, 5, 15 min)"
        f" on {m['cores']} cores (a shared machine); torch {m['torch']}, transformers "
        f"{m['transformers']}, ctranslate2 {m['ctranslate2']}.",
        "",
        "| engine | warm s/article | tokens/s | CPU s/article | cold start s (load + 1st) "
        "| peak RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    for name, e in results["engines"].items():
        lines.append(
            f"| {name} | {e['warm_s']:.2f} | {e['tokens_per_s']:.0f} | {e['warm_cpu_s']:.2f} "
            f"| {e['cold_s']:.1f} | {e['peak_rss_mb']:.0f} |"
        )
    t, d, r = results["translate"], results["digest"], results["peak_rss_mb"]
    met = results["targets_met"]
    lines += [
        "",
        "| ratio (speed-up, higher is faster) | value | target |",
        "|---|---|---|",
        f"| translation: default vs naive | {t['default_vs_naive']:.2f}× | ≥ 7× "
        f"{'✓' if met['translate.default_vs_naive >= 7'] else '✗'} |",
        f"| translation: default vs raw CTranslate2 | {t['default_vs_raw_ctranslate2']:.2f}× "
        f"| ≥ 0.9× {'✓' if met['translate.default_vs_raw_ctranslate2 >= 0.9'] else '✗'} |",
        f"| translation: torch backend vs naive | {t['torch_backend_vs_naive']:.2f}× | |",
        *(f"| (fastest runs) {k} | {v:.2f}× | |" for k, v in results["best_of_runs"].items()),
        *(f"| (by CPU time) {k} | {v:.2f}× | |" for k, v in results["by_cpu_time"].items()),
        f"| digest: default vs naive | {d['default_vs_naive']:.2f}× | ≥ 5× "
        f"{'✓' if met['digest.default_vs_naive >= 5'] else '✗'} |",
        f"| peak RSS, all three models loaded (default) | {r['all_models_loaded']:.0f} MB "
        f"| ≤ 1024 MB {'✓' if met['peak_rss_mb.all_models_loaded <= 1024'] else '✗'} |",
        f"| peak RSS, all three models loaded (naive) | {r['all_models_loaded_naive']:.0f} MB | |",
        "",
    ]
    for name in DIGEST_ENGINES:
        stages = results["engines"][name].get("stages_median_s", {})
        lines.append(
            f"- {name} stages (median s): " + ", ".join(f"{k} {v}" for k, v in stages.items())
        )
    for name, e in results["engines"].items():
        if "repeat_with_cache_s" in e:
            lines.append(
                f"- {name}: the same article again (LRU cache full): {e['repeat_with_cache_s']} s"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed warm runs per engine (>= 3)")
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--only", nargs="*", help="run only these engines (no results written)")
    parser.add_argument(
        "--report", action="store_true", help="rewrite the reports from results.json's figures"
    )
    args = parser.parse_args(argv)
    env = {**os.environ, "BILINGUAL_DIGEST_CACHE_DIR": str(MODELS / "cache"), "HF_HUB_OFFLINE": "1"}
    if args.report:
        old = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
        results = summarise_results(old["engines"], old["settings"]["timed_runs"])
        results["machine"].update(
            load_before=old["machine"]["load_before"], load_after=old["machine"]["load_after"]
        )
        _write(results)
        return 0
    if args.engine == "prepare":
        os.environ.update(env)
        prepare()
        return 0
    if args.engine:
        os.environ.update(env)
        print(json.dumps(run_engine(args.engine, args.runs)))
        return 0
    subprocess.run([sys.executable, __file__, "--engine", "prepare"], env=env, check=True)
    names = args.only or [*TRANSLATE_ENGINES, *DIGEST_ENGINES]
    engines = {}
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        engines[name] = _engine_process(name, args.runs, env)
        print(json.dumps(engines[name]), file=sys.stderr, flush=True)
    if args.only:
        return 0
    results = summarise_results(engines, args.runs)
    _write(results)
    print(markdown(results))
    return 0


def _write(results: dict[str, Any]) -> None:
    (HERE / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (HERE / "results.md").write_text(markdown(results), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
