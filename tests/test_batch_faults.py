"""Fault injection: kill -9 at random points, a cache that turns read-only mid-run, a full disk.

After each fault the output holds only whole records, none twice; the same command run again
finishes the corpus, and the result is byte for byte the output of a run that was never
interrupted.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bilingual_digest import Translator
from bilingual_digest.batch import RunStopped, SentenceCache, Worker, WorkSpec, writer
from bilingual_digest.batch.run import run_batch
from bilingual_digest.cli import main
from faults import tiny_disk

from fakes import UpperBackend

FAST = ["--beams", "1", "--max-new-tokens", "6", "--backend", "torch"]


def check_whole(path: Path, *, allow_torn: bool = False) -> list[str]:
    """The ids of an output's records: every line a whole record, no id twice."""
    data = path.read_bytes() if path.exists() else b""
    lines = data.split(b"\n")
    tail = lines.pop()
    assert allow_torn or tail == b"", f"torn last line: {tail[:80]!r}"
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == len(set(ids)), "an id written twice"
    return ids


def _articles(root: Path, count: int) -> Path:
    folder = root / "articles"
    folder.mkdir()
    for i in range(count):
        text = " ".join(f"Le document {i} parle de la phrase {k} et des prix." for k in range(2))
        (folder / f"doc{i:02d}.txt").write_text(text, encoding="utf-8")
    return folder


def test_kill_9_at_random_points_then_resume_gives_the_uninterrupted_output(
    tiny_env: dict[str, str], tmp_path: Path
) -> None:
    folder = _articles(tmp_path, 24)
    argv = ["batch", str(folder), "--direction", "fr-en", "--docs-per-step", "2", *FAST]
    reference = tmp_path / "reference.jsonl"
    assert main([*argv, "-o", str(reference)]) == 0
    out = tmp_path / "out.jsonl"
    rng = random.Random(13)
    kills = 0
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "bilingual_digest", *argv, "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        start = len(check_whole(out)) if out.exists() else 0
        # A random point: during start-up, reading, or right after the k-th new record.
        wanted, deadline = rng.randint(0, 3), time.monotonic() + rng.uniform(0.2, 60)
        while proc.poll() is None and time.monotonic() < deadline:
            if out.exists() and out.read_bytes().count(b"\n") >= start + wanted + 1:
                time.sleep(rng.uniform(0, 0.05))
                break
            time.sleep(0.005)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        check_whole(out, allow_torn=True)
        if proc.returncode == 0:
            break
    assert kills >= 3, "the runs finished before they could be killed"
    assert main([*argv, "-o", str(out)]) == 0
    assert out.read_bytes() == reference.read_bytes()


def _cached_worker(cache: Path) -> tuple[Worker, SentenceCache]:
    backend = SentenceCache(UpperBackend(model_id="fake/fr-en"), cache)
    spec = WorkSpec(direction="fr-en", cache=str(cache))
    return Worker(
        spec, translators={("fr", "en"): Translator("fr", "en", backend=backend)}
    ), backend


def _folder(root: Path, count: int) -> list[str]:
    folder = root / "in"
    folder.mkdir()
    for i in range(count):
        (folder / f"d{i:02d}.txt").write_text(f"Phrase {i}. Encore {i}.", encoding="utf-8")
    return [str(folder)]


def test_a_cache_that_turns_read_only_mid_run_stops_it_without_error_records(
    tmp_path: Path,
) -> None:
    inputs = _folder(tmp_path, 12)
    reference = tmp_path / "reference.jsonl"
    run_batch(
        inputs,
        str(reference),
        worker=Worker(
            WorkSpec(direction="fr-en"),
            {("fr", "en"): Translator("fr", "en", backend=UpperBackend(model_id="fake/fr-en"))},
        ),
        docs_per_step=2,
    )
    cache_file = tmp_path / "sentences.db"
    worker, cache = _cached_worker(cache_file)
    generate = cache.inner.generate
    calls = 0

    def turning_read_only(texts, options):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 3:  # from now on, the cache file can only be read
            store = cache.store
            store._db.close()
            store._db = sqlite3.connect(f"file:{cache_file}?mode=ro", uri=True)
        return generate(texts, options)

    cache.inner.generate = turning_read_only  # type: ignore[method-assign]
    out = tmp_path / "out.jsonl"
    with pytest.raises(
        RunStopped, match=rf"The sentence cache '{cache_file}' failed during the run"
    ):
        run_batch(inputs, str(out), worker=worker, docs_per_step=2)
    ids = check_whole(out)
    assert len(ids) == 4  # the two steps before: nothing lost, no document blamed
    assert all("error" not in json.loads(line) for line in out.read_text().splitlines())

    worker, _ = _cached_worker(cache_file)  # the cache is writable again
    stats = run_batch(inputs, str(out), worker=worker, docs_per_step=2)
    assert (stats.done, stats.skipped, stats.failed) == (8, 4, 0)
    assert out.read_bytes() == reference.read_bytes()


def _plain_worker() -> Worker:
    fake = Translator("fr", "en", backend=UpperBackend(model_id="fake/fr-en"))
    return Worker(WorkSpec(direction="fr-en"), translators={("fr", "en"): fake})


def test_a_failing_writer_leaves_whole_records_and_the_run_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = _folder(tmp_path, 10)
    reference = tmp_path / "reference.jsonl"
    run_batch(inputs, str(reference), worker=_plain_worker())
    out = tmp_path / "out.jsonl"
    real_write = os.write
    writes = 0

    def disk_full_at_the_fifth_record(fd: int, data: bytes) -> int:
        nonlocal writes
        writes += 1
        if writes == 5:
            real_write(fd, data[: len(data) // 2])  # half of it lands, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(writer.os, "write", disk_full_at_the_fifth_record)
    with pytest.raises(RunStopped, match=r"No space left on device.*run the same command again"):
        run_batch(inputs, str(out), worker=_plain_worker())
    monkeypatch.undo()
    assert len(check_whole(out)) == 4  # the half line was cut off again
    run_batch(inputs, str(out), worker=_plain_worker())
    assert out.read_bytes() == reference.read_bytes()


def test_a_full_disk_for_real(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = _folder(tmp_path, 40)
    reference = tmp_path / "reference.jsonl"
    run_batch(inputs, str(reference), worker=_plain_worker())
    assert reference.stat().st_size > 3 * 4096
    with tiny_disk(tmp_path / "disk", "8k") as disk:
        out = disk / "out.jsonl"
        with pytest.raises(RunStopped, match="No space left on device"):
            run_batch(inputs, str(out), worker=_plain_worker())
        ids = check_whole(out)
        assert 0 < len(ids) < 40
        subprocess.run(["mount", "-o", "remount,size=1m", str(disk)], check=True)  # freed
        stats = run_batch(inputs, str(out), worker=_plain_worker())
        assert (stats.done, stats.skipped) == (40 - len(ids), len(ids))
        assert out.read_bytes() == reference.read_bytes()
