"""The benchmark's figures: ratios, targets (met or not), and the Markdown report.

``results.json`` keeps the keys of the earlier runs (``translate``, ``digest``,
``peak_rss_mb``, ``best_of_runs``, ``by_cpu_time``, ``targets_met``, ``settings``,
``machine``, ``engines``) so older figures stay comparable; the CPU-time ratios sit beside
the wall-clock ones (``…_cpu``), with ``page``, ``cold_start_s`` and ``cold_start``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import engines

# (key in the results, comparison, threshold, what the issue asks): every target printed
TARGETS: list[tuple[str, Callable[[float, float], bool], float, str]] = [
    ("translate.default_vs_raw_ctranslate2", operator.ge, 1.15, "translation vs raw (wall)"),
    ("translate.default_vs_raw_ctranslate2_cpu", operator.ge, 1.15, "translation vs raw (CPU)"),
    ("digest.default_vs_naive", operator.ge, 8, "digest vs naive (wall)"),
    ("digest.default_vs_naive_cpu", operator.ge, 7, "digest vs naive (CPU)"),
    ("page.first_result_s", operator.le, 1.5, "first paragraph in the page, s"),
    ("cold_start_s", operator.le, 5, "python app.py to every model ready, s"),
    ("peak_rss_mb.all_models_loaded", operator.le, 800, "peak memory, three models, MB"),
    ("translate.fast_vs_default", operator.gt, 1, "fast (greedy) vs default beam 4 (wall)"),
    ("translate.default_vs_naive", operator.ge, 7, "translation vs naive (wall; earlier)"),
    ("digest.default_vs_naive", operator.ge, 5, "digest vs naive (wall; earlier)"),
]
_SYMBOL = {operator.ge: ">=", operator.le: "<=", operator.gt: ">"}


def _ratio(a: float, b: float) -> float:
    return round(a / b, 2)


def _get(results: dict[str, Any], key: str) -> float | None:
    value: Any = results
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def summarise(measured: dict[str, Any], extra: dict[str, Any], args: Any) -> dict[str, Any]:
    """Ratios (speed-ups: higher is faster), targets and the raw figures.

    Args:
        measured: Each engine's figures, by name.
        extra: ``page``, ``cold_start``, ``round_loads`` and ``machine``.
        args: The command line (runs, reruns).
    """
    wall = {name: e["warm_s"] for name, e in measured.items()}
    cpu = {name: e["warm_cpu_s"] for name, e in measured.items()}
    best = {name: min(e["runs_s"]) for name, e in measured.items()}

    def ratios(of: dict[str, float]) -> dict[str, float]:
        pairs = {
            "translate.default_vs_naive": ("translate-naive", "translate-default"),
            "translate.default_vs_raw_ctranslate2": ("translate-raw", "translate-default"),
            "translate.torch_backend_vs_naive": ("translate-naive", "translate-torch"),
            "translate.fast_vs_default": ("translate-default", "translate-fast"),
            "digest.default_vs_naive": ("digest-naive", "digest-default"),
        }
        return {k: _ratio(of[a], of[b]) for k, (a, b) in pairs.items() if a in of and b in of}

    by_wall, by_cpu = ratios(wall), ratios(cpu)
    translate = {k.split(".", 1)[1]: v for k, v in by_wall.items() if k.startswith("translate.")}
    translate.update(
        {f"{k.split('.', 1)[1]}_cpu": v for k, v in by_cpu.items() if k.startswith("translate.")}
    )
    digest = {
        "default_vs_naive": by_wall.get("digest.default_vs_naive"),
        "default_vs_naive_cpu": by_cpu.get("digest.default_vs_naive"),
    }
    results: dict[str, Any] = {
        "translate": translate,
        "digest": digest,
        "peak_rss_mb": {
            "all_models_loaded": measured.get("digest-default", {}).get("peak_rss_mb"),
            "all_models_loaded_naive": measured.get("digest-naive", {}).get("peak_rss_mb"),
            "app_serving_page": extra.get("page", {}).get("server_peak_rss_mb"),
        },
        "best_of_runs": ratios(best),
        "by_cpu_time": by_cpu,
        "page": extra.get("page", {}),
        "cold_start_s": extra.get("cold_start", {}).get("cold_start_s"),
        "cold_start": extra.get("cold_start", {}),
    }
    results["targets_met"] = {
        f"{key} {_SYMBOL[op]} {threshold:g}": (value := _get(results, key)) is not None
        and bool(op(value, threshold))
        for key, op, threshold, _ in TARGETS
    }
    data = engines.inputs()
    settings = extra.get("settings") or {
        "beam": engines.BEAM,
        "sentences": len(data["sentences"]),
        "tokens_per_sentence": engines.TRANSLATION_TOKENS,
        "summary_tokens": engines.SUMMARY_TOKENS,
        "summary_input_tokens": data["summary_input_tokens"],
        "summary_sentences": len(data["summary_sentences"]),
        "timed_runs": getattr(args, "runs", None),
        "quick": bool(getattr(args, "quick", False)),
        "max_reruns": getattr(args, "reruns", None),
        "threads": extra.get("machine", {}).get("cores"),
    }
    results.update(
        settings=settings,
        machine=extra.get("machine", {}),
        round_loads=extra.get("round_loads", []),
        engines=measured,
    )
    return results


def verdicts(results: dict[str, Any]) -> str:
    """Every target, one line each: met or NOT met, with the figure."""
    lines = ["Targets:"]
    for key, op, threshold, what in TARGETS:
        value = _get(results, key)
        met = value is not None and op(value, threshold)
        shown = "—" if value is None else f"{value:g}"
        lines.append(
            f"  {'met    ' if met else 'NOT met'}  {what}: {key} = {shown} "
            f"({_SYMBOL[op]} {threshold:g})"
        )
    loads = results["machine"].get("load_before"), results["machine"].get("load_after")
    if all(loads):
        lines.append(
            f"Load average before {loads[0][0]:.2f} / after {loads[1][0]:.2f} "
            f"on {results['machine'].get('cores')} cores: figures from a busy machine move."
        )
    return "\n".join(lines)


def _loads(values: Any) -> str:
    return ", ".join(f"{x:.2f}" for x in values) if values else "—"


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown report (the table the README quotes)."""
    s, m = results["settings"], results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"`.venv/bin/python benchmarks/bench.py` — beam {s['beam']}, {s['threads']} cores, the "
        f"sample article ({s['sentences']} sentences × {s['tokens_per_sentence']} tokens), "
        f"summary {s['summary_tokens']} tokens from {s['summary_input_tokens']} input tokens, "
        f"{s['summary_sentences']} summary sentences translated back; random weights with the "
        f"exact architectures; median of {s['timed_runs']} runs per engine, the engines taking "
        "turns (each in its own process). Load average (1, 5, 15 min) before: "
        f"{_loads(m.get('load_before'))} / after: {_loads(m.get('load_after'))} on "
        f"{m.get('cores')} cores (a shared machine); torch {m.get('torch')}, transformers "
        f"{m.get('transformers')}, ctranslate2 {m.get('ctranslate2')}.",
        "",
        "| engine | s/article | CPU s/article | spread (wall / CPU) | tokens/s "
        "| cold start s | peak RSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, e in results["engines"].items():
        rerun = f", rerun {e['reruns']}×" if e.get("reruns") else ""
        lines.append(
            f"| {name} | {e['warm_s']:.2f} | {e['warm_cpu_s']:.2f} | "
            f"{e['spread']:.0%} / {e['cpu_spread']:.0%}{rerun} | {e['tokens_per_s']:.0f} "
            f"| {e['cold_s']:.1f} | {e['peak_rss_mb']:.0f} |"
        )
    lines += ["", "| target | value | met |", "|---|---|---|"]
    for key, op, threshold, what in TARGETS:
        value = _get(results, key)
        met = value is not None and op(value, threshold)
        shown = "—" if value is None else f"{value:g}"
        lines.append(f"| {what} (`{key}` {_SYMBOL[op]} {threshold:g}) | {shown} | "
                     f"{'✓' if met else '✗'} |")  # fmt: skip
    lines += ["", "| ratio (higher is faster) | wall | CPU | fastest runs |", "|---|---|---|---|"]
    for key, value in results["by_cpu_time"].items():
        wall = _get(results, key.replace("translate.", "translate.", 1))
        if key.startswith("digest."):
            wall = results["digest"]["default_vs_naive"]
        lines.append(
            f"| {key} | {wall:.2f}× | {value:.2f}× | {results['best_of_runs'].get(key, 0):.2f}× |"
        )
    page, cold = results.get("page") or {}, results.get("cold_start") or {}
    lines.append("")
    if page:
        lines.append(
            f"- Page (headless chromium, the sample article): first paragraph's translation "
            f"shown {page['first_result_s']} s after the click, whole digest {page['complete_s']}"
            f" s (runs {page['first_result_runs_s']} / {page['complete_runs_s']}; the first "
            f"digest after start {page['cold_first_result_s']} / {page['cold_complete_s']} s); "
            f"the serving process's peak memory {page['server_peak_rss_mb']:.0f} MB (gradio "
            "included)."
        )
    if cold:
        lines.append(
            f"- `python app.py` to every model ready in the page: {cold['cold_start_s']} s "
            f"(runs {cold['cold_start_runs_s']}, peak {cold['cold_start_peak_rss_mb']:.0f} MB); "
            f"first run with an empty cache (three conversions): {cold['first_run_s']} s, "
            f"peak {cold['first_run_peak_rss_mb']:.0f} MB (conversion runs in a subprocess)."
        )
    for name, e in results["engines"].items():
        if "stages_median_s" in e:
            stages = ", ".join(f"{k} {v}" for k, v in e["stages_median_s"].items())
            lines.append(f"- {name} stages (median s): {stages}")
        if "repeat_with_cache_s" in e:
            lines.append(
                f"- {name}: the same article again (cache full): {e['repeat_with_cache_s']} s"
            )
    if results.get("round_loads"):
        lines.append(
            "- Load average (1 min) at each round: "
            + ", ".join(f"{x[0]:.1f}" for x in results["round_loads"])
        )
    return "\n".join(lines) + "\n"


README_BEGIN = "<!-- speed-results: written by benchmarks/bench.py; do not edit by hand -->"
README_END = "<!-- /speed-results -->"


def readme_section(results: dict[str, Any]) -> str:
    """The README's Speed figures (between :data:`README_BEGIN` and :data:`README_END`): the
    targets and the engines of the run, named by its date and load."""
    s, m = results["settings"], results["machine"]
    before, after = m.get("load_before") or [0], m.get("load_after") or [0]
    lines = [
        README_BEGIN,
        f"Run of {m.get('date', '?')} (`benchmarks/bench.py`; {m.get('cores')} cores, load "
        f"average {before[0]:.1f} before / {after[0]:.1f} after; beam {s['beam']}, the "
        f"sample article: {s['sentences']} sentences × {s['tokens_per_sentence']} tokens; "
        f"median of {s['timed_runs']} runs{'; --quick' if s.get('quick') else ''}). A loaded "
        "machine moves these figures: "
        "the CPU-time ratios are the steadier ones. All figures in "
        "[benchmarks/results.md](benchmarks/results.md).",
        "",
        "| target | this run | met |",
        "|---|---|---|",
    ]
    for key, op, threshold, what in TARGETS:
        value = _get(results, key)
        met = value is not None and op(value, threshold)
        shown = "—" if value is None else f"{value:g}"
        lines.append(f"| {what} ({_SYMBOL[op]} {threshold:g}) | {shown} | {'✓' if met else '✗'} |")
    lines += [
        "",
        "| engine | s/article | CPU s/article | tokens/s | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for name, e in results["engines"].items():
        lines.append(
            f"| {name} | {e['warm_s']:.2f} | {e['warm_cpu_s']:.2f} | "
            f"{e['tokens_per_s']:.0f} | {e['peak_rss_mb']:.0f} |"
        )
    lines.append(README_END)
    return "\n".join(lines)


def update_readme(readme: str, results: dict[str, Any]) -> str:
    """``readme`` with its Speed figures replaced by this run's (unchanged without markers)."""
    if README_BEGIN not in readme or README_END not in readme:
        return readme
    head, rest = readme.split(README_BEGIN, 1)
    tail = rest.split(README_END, 1)[1]
    return head + readme_section(results) + tail
