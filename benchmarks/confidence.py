"""What the per-sentence confidence costs: translation time with and without it.

Run from the project root (about 5 minutes on 2 cores; builds the model once into
benchmarks/.models/, as bench.py does)::

    .venv/bin/python benchmarks/confidence.py [--runs 5] [--backend ctranslate2 torch]

On the random-weight model with the exact architecture of opus-mt-fr-en
(benchmarks/models.py), each backend translates the sample article (seeds/, 17 sentences,
every output forced to 40 tokens, beam 4, checks on, as bench.py does), ``--runs`` times
without ``TranslationOptions(confidence=True)`` and as many times with it, alternating, the
cache cleared before each run. It prints the median wall and CPU (process) time of each and
their ratios: the cost of the one teacher-forced pass that reads the confidence.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engines import ARTICLE, FR_EN, fixed_length_options  # noqa: E402
from models import build_opus_mt  # noqa: E402


def timed(run: object) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(backend: str, runs: int) -> dict[str, float]:
    """Median wall and CPU time without and with confidence, and the ratios (with / without)."""
    article = ARTICLE.read_text(encoding="utf-8")
    engine = None if backend == "ctranslate2" else backend
    from bilingual_digest import Translator

    plain, scored = (
        Translator(
            "fr", model=str(FR_EN), backend=engine, options=fixed_length_options(confidence=c)
        )
        for c in (False, True)
    )

    def run(translator: object, confidence: bool) -> None:
        translator.backend.clear()  # type: ignore[attr-defined]
        result = translator.translate(article)  # type: ignore[attr-defined]
        assert all((s.confidence is not None) == confidence for s in result.segments)

    run(plain, False), run(scored, True)  # warm both
    times: dict[str, list[tuple[float, float]]] = {"off": [], "on": []}
    for _ in range(runs):
        times["off"].append(timed(lambda: run(plain, False)))
        times["on"].append(timed(lambda: run(scored, True)))
    out = {
        f"{key}_{kind}_s": statistics.median(t[i] for t in values)
        for key, values in times.items()
        for i, kind in enumerate(("wall", "cpu"))
    }
    out["wall_ratio"] = out["on_wall_s"] / out["off_wall_s"]
    out["cpu_ratio"] = out["on_cpu_s"] / out["off_cpu_s"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument(
        "--backend", nargs="*", default=["ctranslate2", "torch"], choices=["ctranslate2", "torch"]
    )
    args = parser.parse_args(argv)
    from bilingual_digest.conversion import ensure_converted

    ensure_converted(str(build_opus_mt(FR_EN, "fr", "en")))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| backend | without (wall / CPU s) | with (wall / CPU s) | wall ratio | CPU ratio |")
    print("|---|---|---|---|---|")
    for backend in args.backend:
        m = measure(backend, args.runs)
        print(
            f"| {backend} | {m['off_wall_s']:.2f} / {m['off_cpu_s']:.2f} "
            f"| {m['on_wall_s']:.2f} / {m['on_cpu_s']:.2f} "
            f"| {m['wall_ratio']:.2f}× | {m['cpu_ratio']:.2f}× |"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
