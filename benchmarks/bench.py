"""Speed and memory of bilingual-digest against plain transformers and raw CTranslate2.

One command (about 15 minutes on 2 quiet cores; builds the models once into
benchmarks/.models/) prints every target of the project as met or not met::

    .venv/bin/python benchmarks/bench.py

Random-weight models with the exact architectures of opus-mt-fr-en, opus-mt-en-fr and
distilbart-cnn-12-6 (benchmarks/models.py), converted once with the project's own conversion;
every output has a forced length, so every engine does the same work (engines.py). Engines:

- ``translate-naive``: transformers fp32, one sentence at a time, beam 4;
- ``translate-torch``: the project's Translator on the torch backend;
- ``translate-default``: the project's default (CTranslate2 int8, its thread layout and
  batching, behind the cache, cleared before every run);
- ``translate-fast``: the same with the ``fast`` speed preset (greedy);
- ``translate-raw``: one ``ctranslate2.Translator.translate_batch`` call over the article's
  pre-tokenised sentences, beam 4, the library's thread defaults for the cores;
- ``digest-naive`` / ``digest-default``: French article → English translation → English
  summary → French summary; the default is the project's Digester.digest itself.

Each engine lives in its own process, loaded once (load + first article = its cold start);
then the engines take turns, one article each, ``--runs`` rounds, so that engines compared
with each other are timed side by side under the same load. Wall and CPU time (all the
process's threads) are both recorded; an engine whose runs spread more than 10 % is run
again (``--reruns`` times at most) and the set of runs with the least spread is kept. Then
the page (page.py): a real headless browser digests the sample article (time to the first
paragraph, to the whole digest), and ``python app.py`` is started cold (to every model
ready; once more with an empty cache: a first run, conversion included).

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
sys.path.insert(0, str(HERE))

import engines  # noqa: E402  (beside this file)
from report import TARGETS, markdown, summarise, update_readme, verdicts  # noqa: E402

TRANSLATE_ENGINES = (
    "translate-naive",
    "translate-torch",
    "translate-default",
    "translate-fast",
    "translate-raw",
)
DIGEST_ENGINES = ("digest-naive", "digest-default")
PARTS = ("engines", "page", "cold")
MAX_SPREAD = 0.10
PROTOCOL = "@@ "  # the lines of the worker protocol on stdout (libraries may print too)
LOAD_BEFORE = os.getloadavg()


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- one engine, in its own process ---------------------------------------------------------


def worker(name: str) -> None:
    """Load the engine, then do one article per ``run`` line on stdin; ``finish`` ends."""

    def say(message: dict[str, Any]) -> None:
        print(PROTOCOL + json.dumps(message), flush=True)

    data = engines.inputs()
    start = time.perf_counter()
    one = engines.setup(name, data)
    say({"load_s": round(time.perf_counter() - start, 3), "loaded_rss_mb": round(_rss_mb(), 1)})
    for line in sys.stdin:
        if line.strip() == "run":
            t0, c0 = time.perf_counter(), time.process_time()
            stages = one()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            say({"wall": round(wall, 3), "cpu": round(cpu, 3), "stages": stages})
        elif line.strip() == "finish":
            done: dict[str, Any] = {"peak_rss_mb": round(_peak_rss_mb(), 1)}
            repeat = getattr(one, "repeat", None)
            if repeat is not None:  # the same article again, the cache full: no model call
                t0 = time.perf_counter()
                repeat()
                done["repeat_with_cache_s"] = round(time.perf_counter() - t0, 4)
            say(done)
            return


class Engine:
    """The orchestrator's handle on one engine's process."""

    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "bench.py"), "--worker", name],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.loaded = self._read()
        self.runs: list[dict[str, Any]] = []
        self.cold = self.run()  # load + the first article: the cold start

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(PROTOCOL):
                return json.loads(line[len(PROTOCOL) :])
        raise SystemExit(f"{self.name} stopped (run it alone: bench.py --worker {self.name})")

    def _send(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def run(self) -> dict[str, Any]:
        """One article, timed."""
        return self._send("run")

    def finish(self) -> dict[str, Any]:
        done = self._send("finish")
        self.process.wait()
        return done


def spread(values: list[float]) -> float:
    """(max - min) / median."""
    return (max(values) - min(values)) / statistics.median(values)


def run_engines(names: list[str], runs: int, reruns: int, env: dict[str, str]) -> dict[str, Any]:
    """Load each engine, then ``runs`` rounds of one article each, turn by turn."""
    handles = {}
    for name in names:
        print(f"loading {name} …", file=sys.stderr, flush=True)
        handles[name] = Engine(name, env)
    loads: list[tuple[float, ...]] = []
    for round_ in range(runs):
        loads.append(os.getloadavg())
        for handle in handles.values():
            handle.runs.append(handle.run())
        print(f"round {round_ + 1}/{runs} done", file=sys.stderr, flush=True)
    reran: dict[str, int] = {}
    for name, handle in handles.items():
        tries = 0
        while spread([r["wall"] for r in handle.runs]) > MAX_SPREAD and tries < reruns:
            tries += 1
            print(f"{name}: runs spread over 10 %, again ({tries})", file=sys.stderr, flush=True)
            again = [handle.run() for _ in range(runs)]
            if spread([r["wall"] for r in again]) < spread([r["wall"] for r in handle.runs]):
                handle.runs = again
        reran[name] = tries
    loads.append(os.getloadavg())
    results = {}
    for name, handle in handles.items():
        results[name] = _engine_result(name, handle, handle.finish(), reran[name])
    results["_loads"] = loads  # type: ignore[assignment]
    return results


def _engine_result(name: str, handle: Engine, done: dict[str, Any], reran: int) -> dict[str, Any]:
    data = engines.inputs()
    walls = [r["wall"] for r in handle.runs]
    cpus = [r["cpu"] for r in handle.runs]
    tokens = len(data["sentences"]) * engines.TRANSLATION_TOKENS
    if name.startswith("digest"):
        tokens += engines.SUMMARY_TOKENS
        tokens += len(data["summary_sentences"]) * engines.TRANSLATION_TOKENS
    warm = statistics.median(walls)
    result = {
        "engine": name,
        "load_s": handle.loaded["load_s"],
        "cold_s": round(handle.loaded["load_s"] + handle.cold["wall"], 3),
        "warm_s": round(warm, 3),
        "runs_s": walls,
        "cold_cpu_s": handle.cold["cpu"],
        "warm_cpu_s": round(statistics.median(cpus), 3),
        "runs_cpu_s": cpus,
        "spread": round(spread(walls), 3),
        "cpu_spread": round(spread(cpus), 3),
        "reruns": reran,
        "tokens": tokens,
        "tokens_per_s": round(tokens / warm, 1),
        "loaded_rss_mb": handle.loaded["loaded_rss_mb"],
        **done,
    }
    stages = [r["stages"] for r in handle.runs if r.get("stages")]
    if stages:
        result["stages_median_s"] = {
            k: round(statistics.median(s[k] for s in stages), 3) for k in stages[0]
        }
    return result


# --- the whole benchmark ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds per engine (>= 3)")
    parser.add_argument(
        "--reruns", type=int, default=2, help="new sets of runs for an engine spread > 10 %%"
    )
    parser.add_argument("--page-runs", type=int, default=3, help="digests in the browser")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts of app.py")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a check that every part runs: 3 rounds, no reruns, one page digest and one cold "
        "start (figures noisier; the results say so)",
    )
    parser.add_argument("--only", nargs="*", help="run only these engines (no results written)")
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=PARTS,
        default=list(PARTS),
        help="what to measure (default all; results are written only when all ran)",
    )
    parser.add_argument("--report", action="store_true", help="rewrite the reports from results")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--serve-page", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.reruns, args.page_runs, args.cold_runs = 3, 0, 1, 1
    cache = engines.MODELS / "cache"
    env = {**os.environ, "BILINGUAL_DIGEST_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(engines.ROOT / "src"), os.environ.get("PYTHONPATH")) if p
    )
    os.environ.update(env)
    if args.worker == "prepare":
        engines.prepare()
        return 0
    if args.worker:
        worker(args.worker)
        return 0
    if args.serve_page:
        import page

        page.serve(args.serve_page)
        return 0
    if args.report:
        results = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
        _write(summarise(results["engines"], results, args))
        return 0
    subprocess.run([sys.executable, __file__, "--worker", "prepare"], env=env, check=True)
    measured: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if "engines" in args.parts:
        names = args.only or [*TRANSLATE_ENGINES, *DIGEST_ENGINES]
        measured = run_engines(names, args.runs, args.reruns, env)
        extra["round_loads"] = measured.pop("_loads")
        for result in measured.values():
            print(json.dumps(result), file=sys.stderr, flush=True)
    import page

    if "page" in args.parts:
        print("the page, in a browser …", file=sys.stderr, flush=True)
        extra["page"] = page.measure_page(engines.inputs(), args.page_runs, env)
        print(json.dumps(extra["page"]), file=sys.stderr, flush=True)
    if "cold" in args.parts:
        print("cold starts of python app.py …", file=sys.stderr, flush=True)
        models = {"fr-en": engines.FR_EN, "en-fr": engines.EN_FR, "summary": engines.SUMMARY}
        app_env = page.app_env(env, models, cache)
        extra["cold_start"] = page.measure_cold_start(app_env, args.cold_runs)
        print(json.dumps(extra["cold_start"]), file=sys.stderr, flush=True)
    if args.only or set(args.parts) != set(PARTS):
        return 0  # a part of the benchmark: its figures printed above, no results written
    extra["machine"] = _machine()
    results = summarise(measured, extra, args)
    _write(results)
    print(markdown(results))
    print(verdicts(results))
    return 0


def _machine() -> dict[str, Any]:
    import ctranslate2
    import torch
    import transformers

    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "load_before": LOAD_BEFORE,
        "load_after": os.getloadavg(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "ctranslate2": ctranslate2.__version__,
    }


def _write(results: dict[str, Any]) -> None:
    (HERE / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (HERE / "results.md").write_text(markdown(results), encoding="utf-8")
    readme = HERE.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(update_readme(text, results), encoding="utf-8")


__all__ = ["TARGETS", "main"]

if __name__ == "__main__":
    sys.exit(main())
