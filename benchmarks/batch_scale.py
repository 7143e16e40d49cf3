"""The batch script at archive scale: peak memory, first record, resume start, throughput.

Run (builds the tiny models and the JSONL archives once, under benchmarks/.models/)::

    .venv/bin/python benchmarks/batch_scale.py                      # 200,000 and 1,000,000 docs
    .venv/bin/python benchmarks/batch_scale.py --sizes 20000 --stretch 10 --engines local

Archives: JSONL files of ``{"text": …}`` documents of about 300 French characters (runs of
sentences of the seed article, so each differs). Models: the test suite's tiny OPUS-MT-layout
Marian (tests/tiny_models.py) on the default CTranslate2 backend, so a run is nearly all the
batch script's own overhead. Every measurement runs in its own process:

- ``first``: the real command, ``bilingual-digest batch docs.jsonl -o OUT --direction fr-en
  --beams 1 --max-new-tokens 16`` (``--engine ray --workers W`` for Ray, ``OUT`` a folder):
  time from the start of the process to the first record on disk; it then runs ``--stretch``
  more seconds and is stopped (SIGINT). Peak RSS: the command's process (``VmHWM``; the Ray
  driver), and for Ray the sum of all its processes' RSS at the end of the stretch. At
  these model speeds a stretch covers a few thousand documents, not the archive: reading is
  lazy, so what the archive's size can cost shows here (the old engines read it all first).
- ``archive``: the same engines, in-process, over the *whole* archive with a worker that does
  no translation (each record holds the document's text: reading, the ledger, records and
  writing all run, and for Ray the datasource, the actor pool and the driver's collecting):
  peak RSS at the end, after every id has been met, and how RSS grew per record from a
  quarter of the archive to its end. This is the figure for "peak RSS at N documents".
- ``resume``: the ``archive`` output cut to its first 98.3 % of records (196,601 of 200,000,
  as in issue 14) plus a torn half line, then the tiny-model command on it: time from the
  start to the first *new* record.
- ``throughput``: the local engine with ``BILINGUAL_DIGEST_THREADS=W`` against Ray with ``W``
  one-thread workers, over the same stretch after each one's first record: documents per
  second (wall) and CPU seconds per document (all the processes of the run).

The machine's load average is printed with every figure: on a shared machine take them as
±30 %. Results merge into benchmarks/batch_scale.json (by scenario, size and engine: parts
can be run alone with ``--skip``/``--engines``/``--sizes``); a Markdown table is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".models" / "batch_scale"
MODEL = WORK / "tiny-opus-mt-fr-en"
SEED = ROOT / "seeds" / "000_077823ae67d334e0.txt"
RESUME_SHARE = 196_601 / 200_000
FAST = ["--direction", "fr-en", "--beams", "1", "--max-new-tokens", "16"]
TICK = os.sysconf("SC_CLK_TCK")


# --- preparation -----------------------------------------------------------------------------


def prepare(sizes: list[int]) -> None:
    """Build the tiny model (converted once to CTranslate2) and the archives."""
    WORK.mkdir(parents=True, exist_ok=True)
    if not (MODEL / "config.json").exists():  # in a process of its own: torch stays there
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
            "from tiny_models import build_marian; build_marian(Path(sys.argv[2]), 'fr', 'en')"
        )
        subprocess.run([sys.executable, "-c", code, str(ROOT / "tests"), str(MODEL)], check=True)
    for size in sizes:
        path = archive(size)
        if not path.exists():
            write_archive(path, size)
    warm = WORK / "warm.jsonl"  # converts the model to CTranslate2 once, outside the timings
    warm.write_text(json.dumps({"text": "Bonjour."}) + "\n", encoding="utf-8")
    out = WORK / "warm-out.jsonl"
    _remove(out)
    cmd = [sys.executable, "-m", "bilingual_digest", "batch", str(warm), "-o", str(out), *FAST]
    subprocess.run(cmd, env=env(1), check=True, capture_output=True)


def archive(size: int) -> Path:
    return WORK / f"docs-{size}.jsonl"


def write_archive(path: Path, size: int) -> None:
    """``size`` documents of about 300 characters: runs of the seed article's sentences."""
    text = SEED.read_text(encoding="utf-8")
    sentences = [s.strip() + "." for s in text.replace("\n", " ").split(". ") if s.strip()]
    rng = random.Random(size)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for i in range(size):
            doc, at = f"({i})", rng.randrange(len(sentences))
            while len(doc) < 300:
                doc += " " + sentences[at % len(sentences)]
                at += 1
            f.write(json.dumps({"text": doc[:330]}, ensure_ascii=False) + "\n")
    tmp.replace(path)


def env(threads: int) -> dict[str, str]:
    values = dict(os.environ)
    values.update(
        {
            "BILINGUAL_DIGEST_MODEL_FR_EN": str(MODEL),
            "BILINGUAL_DIGEST_BACKEND": "ctranslate2",
            "BILINGUAL_DIGEST_CACHE_DIR": str(WORK / "cache"),
            "BILINGUAL_DIGEST_THREADS": str(threads),
            "HF_HUB_OFFLINE": "1",
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        }
    )
    return values


# --- watching a process tree -----------------------------------------------------------------


def _stat(pid: int) -> tuple[int, int] | None:
    """``(parent pid, CPU ticks)`` of a process, or ``None`` if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def tree(root: int) -> list[int]:
    """``root`` and all its descendants."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                parents.setdefault(stat[0], []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def cpu_seconds(root: int) -> float:
    return sum((_stat(pid) or (0, 0))[1] for pid in tree(root)) / TICK


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Lines:
    """Records in an output (a JSONL file or a folder of shards), counted as they are added.

    Only the bytes added since the last count are read: counting a resumed run's 600 MB
    output again every 50 ms would take a core from the run being measured. A file that
    shrinks (a torn last line cut off) is followed from its new end.
    """

    def __init__(self, output: Path) -> None:
        self.output = output
        self.seen: dict[Path, tuple[int, int]] = {}  # file: (bytes read, newlines in them)

    def __call__(self) -> int:
        files = sorted(self.output.glob("part-*.jsonl")) if self.output.is_dir() else [self.output]
        for path in files:
            at, count = self.seen.get(path, (0, 0))
            try:
                size = path.stat().st_size
                if size < at:
                    at = size
                with open(path, "rb") as f:
                    f.seek(at)
                    for chunk in iter(lambda f=f: f.read(1 << 20), b""):
                        count += chunk.count(b"\n")
                        at += len(chunk)
            except FileNotFoundError:
                continue
            self.seen[path] = (at, count)
        return sum(count for _, count in self.seen.values())


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


# --- the scenarios ---------------------------------------------------------------------------


def run_command(
    size: int, engine: str, output: Path, stretch: float, workers: int, *, fresh: bool = True
) -> dict[str, Any]:
    """The real command: first (new) record, then ``stretch`` seconds; peak RSS and CPU."""
    if fresh:
        _remove(output)
    lines_in = Lines(output)
    before = lines_in()
    argv = [
        sys.executable,
        "-m",
        "bilingual_digest",
        "batch",
        str(archive(size)),
        "-o",
        str(output),
    ]
    argv += FAST
    if engine == "ray":
        argv += ["--engine", "ray", "--workers", str(workers)]
    threads = workers if engine == "local" else 1
    started = time.monotonic()
    log = open(output.with_name(output.name + ".log"), "w+b")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        argv,
        env=env(threads),
        stdout=subprocess.DEVNULL,
        stderr=log,  # a file: a pipe nobody reads would fill up and stop the command
        start_new_session=True,  # Ray's clean-up stays in the command's own process group
    )
    first = first_cpu = first_lines = None
    result: dict[str, Any] = {"size": size, "engine": engine, "load_start": load()}
    peak = everything = processes = 0
    end_lines, end_cpu, ended = before, 0.0, started
    while proc.poll() is None:
        now = time.monotonic()
        lines = lines_in()
        if first is None and lines > before:
            first, first_cpu, first_lines = now - started, cpu_seconds(proc.pid), lines
        pids = tree(proc.pid)  # sampled while it runs: it may finish inside the stretch
        peak = max(peak, status_kb(proc.pid, "VmHWM"))
        everything = max(everything, sum(status_kb(p, "VmRSS") for p in pids))
        processes = max(processes, len(pids))
        if first is not None:
            end_lines, end_cpu, ended = lines, cpu_seconds(proc.pid), now
            if now - started >= first + stretch:
                break
        time.sleep(0.05)
    if first is None:
        log.seek(0)
        raise RuntimeError(f"no record came: {log.read().decode()[-2000:]}")
    seconds = max(ended - started - first, 1e-9)
    done = end_lines - first_lines  # type: ignore[operator]
    result.update(
        first_record_s=round(first, 2),
        first_record_cpu_s=round(first_cpu, 2),  # type: ignore[arg-type]
        peak_rss_mb=round(peak / 1024),
        all_processes_rss_mb=round(everything / 1024),
        processes=processes,
        stretch_s=round(seconds, 1),
        docs_in_stretch=done,
        docs_per_s=round(done / seconds, 2),
        cpu_s_per_doc=round((end_cpu - first_cpu) / max(done, 1), 4),  # type: ignore[operator]
        load_end=load(),
    )
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()
    return result


def _remove(output: Path) -> None:
    if output.is_dir():
        shutil.rmtree(output)
    elif output.exists():
        output.unlink()


def run_archive(size: int, engine: str, output: Path, workers: int) -> dict[str, Any]:
    """The whole archive with a worker that translates nothing, in a process of its own."""
    _remove(output)
    argv = [sys.executable, __file__, "--child", engine, str(size), str(output), str(workers)]
    started = time.monotonic()
    log = output.with_name(output.name + ".log")
    with open(log, "w+b") as err:
        proc = subprocess.Popen(
            argv, env=env(1), stdout=err, stderr=subprocess.STDOUT, start_new_session=True
        )
        first, lines_in = None, Lines(output)
        while proc.poll() is None:
            if first is None and lines_in() > 0:
                first = time.monotonic() - started
            time.sleep(0.2)
        err.seek(0)
        out = err.read()
    if proc.returncode != 0:
        raise RuntimeError(out.decode(errors="replace")[-3000:])
    last = [line for line in out.decode(errors="replace").splitlines() if line.startswith("{")]
    child = json.loads(last[-1])
    return {"size": size, "engine": engine, "first_record_s": first, **child, "load_end": load()}


class NullWorker:
    """Does no translation at all: each document's record holds its own text.

    What is left is all the batch script's own work: reading, the ledger, records, writing
    (and for Ray the datasource, the actor pool and the driver's collecting); the per-document
    work of the translator (segmentation, checks) is not what grows with the archive.
    """

    def __init__(self, spec: Any = None) -> None:
        from bilingual_digest.batch import WorkSpec

        self.spec = spec if spec is not None else WorkSpec(direction="fr-en")

    def prepare(self) -> None:
        return None

    def process(self, docs: Any) -> list[dict[str, Any]]:
        from bilingual_digest.batch import error_record

        records = []
        for doc in docs:
            if doc.text is None:
                records.append(error_record(doc, doc.error or "No text.", doc.warnings))
                continue
            records.append(_record(doc.id, doc.source, doc.text, list(doc.warnings)))
        return records

    def close(self) -> None:
        return None


def _record(doc_id: str, source: str, text: str, warnings: list[str]) -> dict[str, Any]:
    """A record of a real one's shape and size (the tiny models' records average ~3 KB):
    one segment per sentence, each "translation" three times its source (as they ramble)."""
    segments, start = [], 0
    for index, sentence in enumerate(text.split(". ")):
        out = f"{sentence} {sentence} {sentence}"
        segment = {"index": index, "paragraph": 0, "start": start, "end": start + len(sentence)}
        segment.update(source=sentence, translation=out, complete=True, findings=[])
        segments.append({**segment, "retried": False})
        start += len(sentence) + 2
    translation = " ".join(s["translation"] for s in segments)
    return {
        "id": doc_id,
        "source": source,
        "source_lang": "fr",
        "target_lang": "en",
        "translation": translation,
        "segments": segments,
        "warnings": warnings,
    }


def child(engine: str, size: int, output: str, workers: int) -> None:
    """``--child``: one engine over the whole archive with the null model; prints a JSON line.

    The process's RSS is sampled every few seconds against the records written, so the line
    also says how the memory grew with the documents met (``growth_bytes_per_doc``: from a
    quarter of the archive to its end, after the start-up's own growth).
    """
    started = time.monotonic()
    samples: list[tuple[int, int]] = []  # (records written, RSS in KiB)
    stop = threading.Event()

    def watch() -> None:
        lines_in = Lines(Path(output))
        while not stop.wait(5.0):
            samples.append((lines_in(), status_kb(os.getpid(), "VmRSS")))
            print("sample", *samples[-1], file=sys.stderr, flush=True)  # in the log as it runs

    threading.Thread(target=watch, daemon=True).start()
    if engine == "local":
        from bilingual_digest.batch.run import run_batch

        stats = run_batch([str(archive(size))], output, worker=NullWorker(), docs_per_step=64)
    else:
        from bilingual_digest.batch.ray_engine import RayWorker, run_ray_batch

        class NullRayWorker(RayWorker):
            def __init__(self, spec: Any) -> None:
                self.worker = NullWorker(spec)  # type: ignore[assignment]
                self._ready = True

        stats = run_ray_batch(
            [str(archive(size))], output, workers=workers, docs_per_step=1024, actor=NullRayWorker
        )
    stop.set()
    peak = status_kb(os.getpid(), "VmHWM") / 1024  # ru_maxrss counts the parent's at fork
    print(json.dumps({"peak_rss_mb": round(peak), **_growth(samples), "done": stats.done,
                      "elapsed_s": round(time.monotonic() - started, 1),
                      "cpu_s": round(time.process_time(), 1)}))  # fmt: skip


def _growth(samples: list[tuple[int, int]]) -> dict[str, Any]:
    """RSS growth per record from a quarter of the archive to the end, and a few samples."""
    written = samples[-1][0] if samples else 0
    after = [s for s in samples if s[0] >= written / 4]
    if len(after) < 2 or after[-1][0] == after[0][0]:
        return {}
    slope = (after[-1][1] - after[0][1]) * 1024 / (after[-1][0] - after[0][0])
    step = max(1, len(samples) // 10)
    shown = [[docs, round(kb / 1024)] for docs, kb in samples[::step]]
    if shown[-1][0] != samples[-1][0]:
        shown.append([samples[-1][0], round(samples[-1][1] / 1024)])
    return {"growth_bytes_per_doc": round(slope), "rss_mb_at_docs": shown}


def run_resume(size: int, engine: str, stretch: float, workers: int) -> dict[str, Any]:
    """The archive's output cut to 98.3 % (and a torn line), then the tiny-model command."""
    full = WORK / f"archive-{engine}-{size}"
    full = full.with_suffix(".jsonl") if engine == "local" else full
    output = WORK / f"resume-{engine}-{size}"
    output = output.with_suffix(".jsonl") if engine == "local" else output
    _remove(output)
    keep = round(size * RESUME_SHARE)
    source = full if engine == "local" else sorted(full.glob("part-*.jsonl"))[0]
    target = output if engine == "local" else output / "part-00000.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as src, open(target, "wb") as dst:
        for _ in range(keep):
            dst.write(src.readline())
        dst.write(b'{"id": "docs-')
    result = run_command(size, engine, output, stretch, workers, fresh=False)
    return {**result, "done_before": keep}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--engines", nargs="+", default=["local", "ray"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stretch", type=float, default=20.0)
    parser.add_argument("--throughput-stretch", type=float, default=60.0)
    parser.add_argument("--skip", nargs="*", default=[], help="scenarios to leave out")
    parser.add_argument("--child", nargs=4, metavar=("ENGINE", "SIZE", "OUT", "WORKERS"))
    args = parser.parse_args(argv)
    if args.child:
        engine, size, output, workers = args.child
        child(engine, int(size), output, int(workers))
        return 0
    prepare(args.sizes)
    results: list[dict[str, Any]] = []

    def record(kind: str, result: dict[str, Any]) -> None:
        result = {"scenario": kind, **result}
        results.append(result)
        print(json.dumps(result), flush=True)

    for size in args.sizes:
        for engine in args.engines:
            suffix = ".jsonl" if engine == "local" else ""
            if "first" not in args.skip:
                out = WORK / f"first-{engine}-{size}{suffix}"
                record("first", run_command(size, engine, out, args.stretch, args.workers))
            if "archive" not in args.skip:
                out = WORK / f"archive-{engine}-{size}{suffix}"
                record("archive", run_archive(size, engine, out, args.workers))
            if "resume" not in args.skip and size == min(args.sizes):
                record("resume", run_resume(size, engine, args.stretch, args.workers))
    if "throughput" not in args.skip:
        size = min(args.sizes)
        for engine in args.engines:
            suffix = ".jsonl" if engine == "local" else ""
            out = WORK / f"throughput-{engine}{suffix}"
            result = run_command(size, engine, out, args.throughput_stretch, args.workers)
            record("throughput", result)
    results = merged(results)
    (HERE / "batch_scale.json").write_text(json.dumps(results, indent=1) + "\n")
    print(markdown(results))
    return 0


def merged(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """This run's results over the earlier ones in batch_scale.json (same scenario, size and
    engine replaced), so scenarios can be run one at a time."""
    path = HERE / "batch_scale.json"
    earlier = json.loads(path.read_text()) if path.exists() else []
    key = lambda r: (r["scenario"], r["size"], r["engine"])  # noqa: E731
    new = {key(r) for r in results}
    return [r for r in earlier if key(r) not in new] + results


def markdown(results: list[dict[str, Any]]) -> str:
    rows = [
        "| scenario | documents | engine | peak RSS (driver) | all processes | first record "
        "(CPU s) | docs/s | CPU s/doc | RSS growth | load avg (1/5/15 min) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        first, cpu = r.get("first_record_s"), r.get("first_record_cpu_s")
        first_text = (
            "" if first is None else f"{first:.1f} s" + ("" if cpu is None else f" ({cpu})")
        )
        extra = f" ({r['done_before']:,} done)" if "done_before" in r else ""
        growth = r.get("growth_bytes_per_doc")
        rows.append(
            f"| {r['scenario']}{extra} | {r['size']:,} | {r['engine']} | {r.get('peak_rss_mb')} MB "
            f"| {r.get('all_processes_rss_mb', '')} | {first_text} | {r.get('docs_per_s', '')} "
            f"| {r.get('cpu_s_per_doc', '')} | {'' if growth is None else f'{growth} B/doc'} "
            f"| {r.get('load_end')} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
