"""The batch script on Ray: same records as the local engine, resume, a killed actor, the CLI.

One local Ray instance (2 CPUs) serves the whole module; actors load the tiny models named by
the ``BILINGUAL_DIGEST_*`` variables, which the engine forwards to them.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bilingual_digest.batch import OutputBusyError, ray_engine
from bilingual_digest.batch.local import run_local
from bilingual_digest.batch.ray_engine import (
    INSTALL_HINT,
    RayEngineError,
    RayWorker,
    ShardedJsonlSink,
    check_address,
    ray_missing,
    ray_session,
    run_ray,
    run_ray_batch,
)
from bilingual_digest.batch.ray_resume import done_parts, segments
from bilingual_digest.batch.ray_source import (
    DoneSet,
    doc_from_json,
    doc_to_json,
    line_index,
    plan,
    read_piece,
    row_blocks,
    skips_of,
)
from bilingual_digest.batch.readers import Document, ReadOptions, iter_documents
from bilingual_digest.batch.run import run_batch
from bilingual_digest.batch.work import WorkSpec
from bilingual_digest.batch.writer import JsonlWriter
from bilingual_digest.cli import main
from bilingual_digest.options import TranslationOptions

from tiny_models import english_lines, french_lines

ray_mark = pytest.mark.ray
LOCK = ".bilingual-digest.lock"
SPEC = WorkSpec(options=TranslationOptions(num_beams=1, max_new_tokens=12))


def _write_folder(root: Path) -> Path:
    """20 documents: 11 French, 8 English (two of them two paragraphs long), 1 empty."""
    folder = root / "articles"
    (folder / "fr").mkdir(parents=True)
    (folder / "en").mkdir()
    for i, line in enumerate(french_lines()[:11]):
        (folder / "fr" / f"{i:02d}.txt").write_text(line + "\n", encoding="utf-8")
    english = english_lines()
    for i in range(8):
        text = english[i] if i < 6 else f"{english[i]}\n\n{english[i + 10]}"
        (folder / "en" / f"{i:02d}.md").write_text(text, encoding="utf-8")
    (folder / "en" / "empty.txt").write_text("  \n", encoding="utf-8")
    return folder


def _records(path: Path) -> list[dict[str, Any]]:
    """Every record under a JSONL file or a folder of shards, sorted by id."""
    files = sorted(path.glob("part-*.jsonl")) if path.is_dir() else [path]
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    return sorted((json.loads(line) for line in lines), key=lambda r: r["id"])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_folder(tmp_path_factory.mktemp("ray-input"))


@pytest.fixture(scope="module")
def docs(folder: Path) -> list[Document]:
    return list(iter_documents([str(folder)]))


@pytest.fixture(scope="module")
def local_records(
    tmp_path_factory: pytest.TempPathFactory,
    docs: list[Document],
    marian_fr_en: Path,
    marian_en_fr: Path,
) -> list[dict[str, Any]]:
    """The local engine's output for the folder: what every Ray run must reproduce."""
    out = tmp_path_factory.mktemp("ray-local") / "local.jsonl"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BILINGUAL_DIGEST_MODEL_FR_EN", str(marian_fr_en))
        mp.setenv("BILINGUAL_DIGEST_MODEL_EN_FR", str(marian_en_fr))
        mp.setenv("BILINGUAL_DIGEST_BACKEND", "torch")
        worker = SPEC.build()
        with JsonlWriter(out, resume=False) as sink:
            stats = run_local(docs, worker, sink)
        worker.close()
    assert (stats.done, stats.failed) == (19, 1)
    return _records(out)


@pytest.fixture(scope="module")
def ray_instance() -> Iterator[Any]:
    """One local Ray instance (2 CPUs, no dashboard) for the module; shut down after it."""
    pytest.importorskip("ray.data")
    with ray_session(num_cpus=2) as ray:
        yield ray
    assert not ray.is_initialized()


@ray_mark
def test_ray_records_equal_the_local_engines(
    ray_instance: Any, tiny_env: dict[str, str], docs, local_records, tmp_path: Path
) -> None:
    out = tmp_path / "shards"
    lines: list[str] = []
    stats = run_ray(
        docs, SPEC, out, workers=2, docs_per_step=4, report=lines.append, report_every=0
    )
    assert (stats.done, stats.failed, stats.skipped) == (19, 1, 0)
    assert lines[-1].startswith("20/20 documents (1 failed), ")
    assert sorted(p.name for p in out.iterdir()) == [LOCK, "part-00000.jsonl"]
    records = _records(out)
    assert len(records) == 20
    for ray_record, local_record in zip(records, local_records, strict=True):
        assert ray_record == local_record
    assert records[0]["source_lang"] == "en" and records[0]["segments"]
    empty = next(r for r in records if r["id"] == "en/empty.txt")
    assert "empty" in empty["error"]


def _dying_actor(marker: Path) -> type[RayWorker]:
    """A RayWorker whose first batch, in whichever actor gets it, kills that actor's process.

    Defined in a function so that Ray ships the class by value to its workers.
    """

    class DyingOnce(RayWorker):
        def __call__(self, batch: Any) -> dict[str, list[str]]:
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return RayWorker.__call__(self, batch)
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            os.kill(os.getpid(), signal.SIGKILL)
            raise AssertionError("unreachable")

    return DyingOnce


@ray_mark
def test_an_actor_killed_mid_run_loses_no_document(
    ray_instance: Any, tiny_env: dict[str, str], docs, local_records, tmp_path: Path
) -> None:
    marker = tmp_path / "killed.pid"
    out = tmp_path / "shards"
    stats = run_ray(docs, SPEC, out, workers=2, docs_per_step=4, actor=_dying_actor(marker))
    assert int(marker.read_text()) != os.getpid()  # an actor process was SIGKILLed mid-run
    assert (stats.done, stats.failed) == (19, 1)
    assert _records(out) == local_records  # every document exactly once, the same records


@ray_mark
def test_resume_skips_ids_in_earlier_shards_through_the_cli(
    ray_instance: Any,
    tiny_env: dict[str, str],
    folder: Path,
    local_records,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "shards"
    out.mkdir()
    earlier = [r for r in local_records if r["id"].startswith("en/")]  # the error record too
    assert len(earlier) == 9 and sum("error" in r for r in earlier) == 1
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in earlier)
    (out / "part-00000.jsonl").write_text(lines + '{"id": "torn', encoding="utf-8")
    argv = ["batch", str(folder), "-o", str(out), "--engine", "ray", "--workers", "2"]
    argv += ["--beams", "1", "--max-new-tokens", "12", "--docs-per-step", "4"]
    assert main(argv) == 1  # the empty document failed (in the earlier run)
    assert "done 11, failed 0, skipped 9 (1 failed earlier)" in capsys.readouterr().err
    assert (out / "part-00000.jsonl").read_text(encoding="utf-8") == lines  # torn line cut
    new = _records(out / "part-00001.jsonl")
    assert [r["id"] for r in new] == [r["id"] for r in local_records if r not in earlier]
    assert _records(out) == local_records


def test_shard_sink_resumes_across_shards_and_numbers_the_next(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "part-00000.jsonl").write_text('{"id": "a"}\n{"id": "b", "error": "x"}\n')
    (folder / "part-00003.jsonl").write_text('{"id": "c"}\n{"id": "d"')
    (folder / "notes.jsonl").write_text('{"id": "e"}\n')  # not a shard: ignored
    sink = ShardedJsonlSink(folder)
    assert sink.ids == {"a", "b", "c"} and sink.failed == {"b"}
    assert sink.failed_before(Document(id="b", source="b"))
    assert not sink.is_done(Document(id="d", source="d"))  # torn, so not done
    assert (folder / "part-00003.jsonl").read_text() == '{"id": "c"}\n'
    assert sink.path.name == "part-00004.jsonl" and not sink.path.exists()  # made lazily
    sink.write({"id": "d", "translation": "D"})
    sink.close()
    assert (folder / "part-00004.jsonl").read_text() == '{"id": "d", "translation": "D"}\n'

    fresh = ShardedJsonlSink(folder, resume=False)
    assert fresh.ids == set() and fresh.path.name == "part-00000.jsonl"
    fresh.close()
    assert sorted(p.name for p in folder.iterdir()) == [LOCK, "notes.jsonl"]


def test_shard_sink_refuses_a_file(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("")
    with pytest.raises(NotADirectoryError, match="into a folder"):
        ShardedJsonlSink(path)


def test_without_ray_the_cli_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    assert ray_missing() == INSTALL_HINT
    (tmp_path / "a.txt").write_text("Bonjour.")
    code = main(["batch", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), "--engine", "ray"])
    assert code == 2
    err = capsys.readouterr().err
    assert "pip install 'bilingual-digest[ray]'" in err and "pip install '.[ray]'" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--engine", "ray", "--format", "txt"], "not --format txt"),
        (["--workers", "2"], "--workers and --address apply to --engine ray only"),
        (["--engine", "ray", "--workers", "0"], "workers must be a positive integer"),
    ],
)
def test_cli_usage_errors(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("ray.data")
    (tmp_path / "a.txt").write_text("Bonjour.")
    code = main(["batch", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out"), *extra])
    assert code == 2
    assert message in capsys.readouterr().err


def test_ray_worker_returns_json_records_or_the_fatal_error(
    tiny_env: dict[str, str], docs: list[Document], local_records, tmp_path: Path
) -> None:
    """The actor's callable, called directly (no Ray): records as JSON, or why it must stop."""
    batch = {"task": [0, 0, 0], "seq": [0, 1, 2], "doc": [doc_to_json(doc) for doc in docs[:3]]}
    out = RayWorker(SPEC)(batch)
    assert out["fatal"] == ["", "", ""] and out["seq"] == [0, 1, 2]
    assert [json.loads(raw) for raw in out["line"]] == local_records[:3]

    missing = str(tmp_path / "no-such-model")
    out = RayWorker(WorkSpec(direction="en-fr", model_en_fr=missing))(batch)
    assert out["line"] == [b"", b"", b""]
    assert len(set(out["fatal"])) == 1 and "Cannot load model" in out["fatal"][0]
    assert missing in out["fatal"][0]


def test_nothing_to_do_starts_no_ray(
    monkeypatch: pytest.MonkeyPatch, docs: list[Document], local_records, tmp_path: Path
) -> None:
    out = tmp_path / "shards"
    out.mkdir()
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in local_records)
    (out / "part-00000.jsonl").write_text(lines, encoding="utf-8")

    def no_ray(*args: object, **kwargs: object) -> None:
        raise AssertionError("Ray was started with nothing to do")

    monkeypatch.setattr(ray_engine, "ray_session", no_ray)
    said: list[str] = []
    stats = run_ray(docs, SPEC, out, report=said.append)
    assert (stats.done, stats.failed, stats.skipped, stats.skipped_failed) == (0, 0, 20, 1)
    assert said == ["resuming: 20 document(s) already have a record and are skipped"]
    assert sorted(p.name for p in out.iterdir()) == [LOCK, "part-00000.jsonl"]  # no empty shard


def test_a_cluster_address_that_cannot_work_fails_fast() -> None:
    with pytest.raises(RayEngineError, match=r"Cannot reach the Ray cluster at '127.0.0.1:1' \("):
        check_address("127.0.0.1:1", timeout=5)
    with pytest.raises(RayEngineError, match="is not auto, HOST:PORT or ray://HOST:PORT"):
        check_address("headnode")
    check_address("auto")  # Ray resolves it (and says when there is none)


# --- the workers read the inputs: same records, byte for byte, as the local engine ----------


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A folder, a JSONL feed and a second folder: repeated ids, odd names, bad and odd rows."""
    root = tmp_path_factory.mktemp("ray-mixed")
    folder = _write_folder(root)
    (folder / "fr" / os.fsdecode(b"caf\xe9.txt")).write_text(french_lines()[12], encoding="utf-8")
    feed = root / "feed.jsonl"
    rows = [
        {"url": "u1", "text": french_lines()[13]},
        {"url": "u2", "text": "<p>" + english_lines()[12] + "</p><p>" + english_lines()[13]},
        {"url": "u1", "text": french_lines()[14]},  # a repeated id
        {"url": "u3", "text": french_lines()[15].replace(" ", "\r\n", 1)},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    feed.write_text("\n".join([*lines[:2], "{broken", *lines[2:]]) + "\n", encoding="utf-8")
    more = root / "more"
    (more / "fr").mkdir(parents=True)
    (more / "fr" / "00.txt").write_text(french_lines()[16], encoding="utf-8")  # id of articles'
    return [str(folder), str(feed), str(more)]


URL = ReadOptions(id_field="url")


@pytest.fixture(scope="module")
def mixed_local(
    tmp_path_factory: pytest.TempPathFactory,
    mixed: list[str],
    marian_fr_en: Path,
    marian_en_fr: Path,
) -> bytes:
    out = tmp_path_factory.mktemp("ray-mixed-local") / "local.jsonl"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BILINGUAL_DIGEST_MODEL_FR_EN", str(marian_fr_en))
        mp.setenv("BILINGUAL_DIGEST_MODEL_EN_FR", str(marian_en_fr))
        mp.setenv("BILINGUAL_DIGEST_BACKEND", "torch")
        stats = run_batch(mixed, str(out), spec=SPEC, read_options=URL, docs_per_step=4)
    assert (stats.done, stats.failed) == (23, 4)  # empty, broken line, two repeats
    return out.read_bytes()


def _shards(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.glob("part-*.jsonl")))


@ray_mark
def test_workers_reading_the_inputs_write_the_local_engines_bytes(
    ray_instance: Any, tiny_env: dict[str, str], mixed, mixed_local: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "shards"
    said: list[str] = []
    stats = run_ray_batch(
        mixed, str(out), spec=SPEC, read_options=URL, workers=2, docs_per_step=4,
        report=said.append, report_every=0,
    )  # fmt: skip
    assert (stats.done, stats.failed, stats.skipped) == (23, 4, 0)
    assert _shards(out) == mixed_local
    records = [json.loads(line) for line in mixed_local.splitlines()]
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) and "fr/caf\\xe9.txt" in ids
    assert [r["duplicate_of"] for r in records if "duplicate_of" in r] == ["u1", "fr/00.txt"]
    assert said[-1].startswith("27/")  # the total came from the plan and a count on a worker


@ray_mark
def test_a_resumed_ray_run_writes_what_an_uninterrupted_one_does(
    ray_instance: Any, tiny_env: dict[str, str], mixed, mixed_local: bytes, tmp_path: Path
) -> None:
    lines = mixed_local.splitlines(keepends=True)
    out = tmp_path / "shards"
    out.mkdir()
    (out / "part-00000.jsonl").write_bytes(b"".join(lines[:13]) + b'{"id": "fr/0')
    stats = run_ray_batch(mixed, str(out), spec=SPEC, read_options=URL, workers=2, docs_per_step=4)
    assert (stats.skipped, stats.done + stats.failed) == (13, len(lines) - 13)
    assert _shards(out) == mixed_local


@ray_mark
def test_object_storage_uris_are_read_by_the_workers_through_pyarrow(
    ray_instance: Any, tiny_env: dict[str, str], folder: Path, local_records, tmp_path: Path
) -> None:
    out = tmp_path / "shards"
    stats = run_ray_batch([folder.as_uri()], str(out), spec=SPEC, workers=2, docs_per_step=4)
    assert (stats.done, stats.failed) == (19, 1)
    records = _records(out)
    for got, want in zip(records, local_records, strict=True):
        assert got["source"] == f"{folder.as_uri()}/{want['id']}"  # the file as given
        as_local = json.dumps(got, ensure_ascii=False).replace(folder.as_uri(), str(folder))
        assert json.loads(as_local) == want


@ray_mark
def test_the_driver_killed_then_resumed_loses_and_repeats_nothing(
    ray_instance: Any, tiny_env: dict[str, str], folder: Path, local_records, tmp_path: Path
) -> None:
    out = tmp_path / "shards"
    argv = [sys.executable, "-m", "bilingual_digest", "batch", str(folder), "-o", str(out)]
    argv += ["--engine", "ray", "--workers", "2", "--beams", "1", "--max-new-tokens", "12"]
    argv += ["--docs-per-step", "4"]
    # A session of its own: Ray's clean-up after the killed driver must not reach this one.
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    shard = out / "part-00000.jsonl"
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            if shard.exists() and shard.read_bytes().count(b"\n") >= 1:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    before = len(_records(out))
    assert 1 <= before < 20
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=600, check=False, start_new_session=True
    )
    assert done.returncode == 1, done.stderr  # the empty document's error record
    assert f"skipped {before}" in done.stderr.splitlines()[-1]
    assert _records(out) == local_records  # every document exactly once


def test_shard_sink_retry_errors_removes_every_shards_error_records(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    error = '{"id": "b", "source": "b", "error": "x", "warnings": []}\n'
    (folder / "part-00000.jsonl").write_text('{"id": "a", "source": "a"}\n' + error)
    (folder / "part-00001.jsonl").write_text(error.replace('"b"', '"c"'))
    with ShardedJsonlSink(folder, retry_errors=True) as sink:
        assert (sink.ids, sink.failed) == ({"a"}, set())
        assert sink.path.name == "part-00002.jsonl"
    assert (folder / "part-00000.jsonl").read_text() == '{"id": "a", "source": "a"}\n'
    assert (folder / "part-00001.jsonl").read_text() == ""
    with ShardedJsonlSink(folder) as sink, pytest.raises(OutputBusyError):
        ShardedJsonlSink(folder)  # a second run on the same folder


def test_jsonl_parts_read_the_same_documents_as_the_whole_file(tmp_path: Path) -> None:
    """The Ray plan splits a JSONL file at line starts; its parts number lines as the whole."""
    rng = random.Random(1)
    path = tmp_path / "feed.jsonl"
    for trial in range(150):
        lines = [
            rng.choice(["", "{broken", json.dumps({"text": "é" * rng.randint(1, 30)})])
            for _ in range(rng.randint(0, 40))
        ]
        data = "\n".join(lines) + rng.choice(["", "\n"])
        path.write_text("\ufeff" + data if trial % 7 == 0 else data, encoding="utf-8")
        marks, total = line_index(str(path), span=rng.randint(1, 60))
        assert total == len(path.read_bytes().splitlines())
        pieces = plan([(str(path), "jsonl")], {str(path): marks})
        got = [doc for piece in pieces for doc in read_piece(piece, ReadOptions(), None)]
        assert got == list(iter_documents([str(path)])), trial


def test_the_plan_runs_in_windows_of_bounded_input_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each window is one Ray Data execution (whose per-block statistics the driver keeps
    until it ends): consecutive pieces, about WINDOW_BYTES of input per 8 workers each."""
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"".join(json.dumps({"text": "x" * 90}).encode() + b"\n" for _ in range(300)))
    marks, _ = line_index(str(feed), span=1000)  # 30 parts of about 1 KB
    listing = [(f"{i:03d}.txt", None) for i in range(2500)]  # 3 pieces, 2 KiB a file
    monkeypatch.setattr("bilingual_digest.batch.ray_source._listing", lambda _: iter(listing))
    pieces = plan([(str(feed), "jsonl"), (str(tmp_path), "dir")], {str(feed): marks})
    monkeypatch.setattr(ray_engine, "WINDOW_BYTES", 5000)
    groups = ray_engine.windows(pieces, 2)
    assert [p for group in groups for p in group] == pieces
    parts = [sum(p.end - p.start if p.end >= 0 else 1000 for p in g) for g in groups[:-3]]
    assert all(4000 < size <= 5000 for size in parts[:-1])  # the last JSONL window is a rest
    assert [len(g[0].files) for g in groups[-3:]] == [1000, 1000, 500]  # each too big alone
    assert len(ray_engine.windows(pieces, 16)) < len(groups)  # more workers, bigger windows
    monkeypatch.setattr(ray_engine, "WINDOW_BYTES", 64 << 20)
    assert ray_engine.windows(pieces, 2) == [pieces]


def test_done_documents_ride_along_in_the_next_rows_skipped_list() -> None:
    """A resumed run's read task: a row per document to do; the done ones, in order, in
    ``skipped`` (a run of them longer than ``skip_run``, or at the end, ends in a row)."""
    rng = random.Random(3)
    for trial in range(200):
        docs = [
            Document(f"f:{i}", f"src/f:{i}", None if done else "x", done=done)
            for i, done in enumerate(rng.random() < 0.8 for _ in range(rng.randint(0, 60)))
        ]
        block_docs, skip_run = rng.randint(1, 5), rng.randint(1, 7)
        blocks = list(row_blocks(7, iter(docs), block_docs, skip_run))
        rows = [row for block in blocks for row in block]
        assert all(0 < len(block) <= block_docs for block in blocks)
        assert [(row["task"], row["seq"]) for row in rows] == [(7, n) for n in range(len(rows))]
        again = [d for row in rows for d in [*skips_of(row["skipped"]), doc_from_json(row["doc"])]]
        assert [(d.id, d.source, d.done) for d in again] == [(d.id, d.source, d.done) for d in docs]
        assert len(rows) <= sum(not d.done for d in docs) + len(docs) // skip_run + 1, trial
        assert all(len(skips_of(row["skipped"])) < skip_run for row in rows)


@ray_mark
def test_relative_inputs_name_the_same_sources_as_locally(
    ray_instance: Any,
    tiny_env: dict[str, str],
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(folder.parent)
    local, shards = tmp_path / "local.jsonl", tmp_path / "shards"
    run_batch(["articles"], str(local), spec=SPEC, docs_per_step=4)
    run_ray_batch(["articles"], str(shards), spec=SPEC, workers=2, docs_per_step=4)
    assert _shards(shards) == local.read_bytes()
    assert json.loads(local.read_bytes().splitlines()[0])["source"] == "articles/en/00.md"


@ray_mark
def test_saved_pages_and_lists_of_links_are_read_by_the_workers(
    ray_instance: Any, tiny_env: dict[str, str], tmp_path: Path
) -> None:
    """Read tasks extract the pages and fetch the links themselves: the local engine's bytes."""
    import shutil

    from bilingual_digest.options import FetchOptions

    from page_server import PAGES, serve

    pages = tmp_path / "saved"
    pages.mkdir()
    shutil.copy(PAGES / "wikimediafoundation.org.turkey.html", pages / "turkey.html")
    links = tmp_path / "links.urls"
    opts = ReadOptions(fetch=FetchOptions(allow_private=True, timeout=5))
    with serve() as base:
        links.write_text(f"{base}/news\n{base}/status/404\n{base}/news\n", encoding="utf-8")
        inputs = [str(pages), str(links)]
        local = tmp_path / "local.jsonl"
        run_batch(inputs, str(local), spec=SPEC, read_options=opts, docs_per_step=4)
        out = tmp_path / "shards"
        stats = run_ray_batch(
            inputs, str(out), spec=SPEC, read_options=opts, workers=2, docs_per_step=4
        )
    assert (stats.done, stats.failed) == (2, 2)  # a 404, a repeated link
    assert _shards(out) == local.read_bytes()
    records = [json.loads(line) for line in local.read_bytes().splitlines()]
    assert [r.get("article", {}).get("site") for r in records] == [
        "Wikimedia Foundation", "La Gazette", None, None,
    ]  # fmt: skip


def test_parts_found_done_from_the_plan_are_what_their_read_finds_done(tmp_path: Path) -> None:
    """A resumed run does not run the parts of the plan whose every line has a record: the ids
    :func:`done_parts` gives for a part are, in order, the done placeholders its read task would
    send; a part with a line to do, a blank line, an id field or two inputs of the same name
    is read as before."""
    rng = random.Random(5)
    hits = misses = 0
    for trial in range(120):
        paths = [tmp_path / f"feed{n}.jsonl" for n in range(rng.randint(1, 3))]
        for path in paths:
            lines = [
                json.dumps({"text": "é" * rng.randint(1, 20)}) for _ in range(rng.randint(0, 30))
            ]
            if lines and rng.random() < 0.2:
                lines[rng.randrange(len(lines))] = " "
            path.write_text("\n".join(lines) + rng.choice(["", "\n"]), encoding="utf-8")
        index = {str(p): line_index(str(p), span=rng.randint(5, 120)) for p in paths}
        pieces = plan([(str(p), "jsonl") for p in paths], {k: m for k, (m, _) in index.items()})
        counts = {k: n for k, (_, n) in index.items()}
        ids = [d.id for d in iter_documents([str(p) for p in paths])]  # a blank line has none
        cut = rng.randint(0, len(ids))
        done = set(ids[:cut]) | {i for i in ids[cut:] if rng.random() < 0.3}
        found = done_parts(pieces, counts, ReadOptions(), done)
        check = DoneSet.of(done) if done else None
        for at, (piece, got) in enumerate(zip(pieces, found, strict=True)):
            read = [(d.id, d.done) for d in read_piece(piece, ReadOptions(), check)]
            nxt = pieces[at + 1] if at + 1 < len(pieces) else None
            same = nxt is not None and nxt.location == piece.location
            last = nxt.first_line - 1 if same else counts[piece.location]  # type: ignore[union-attr]
            every = [
                (f"{Path(piece.location).name}:{n}", True)
                for n in range(piece.first_line, last + 1)
            ]
            if got is not None:
                hits += 1
                assert read == [(i, True) for i in got] == every, trial
            else:  # a line to do, or a blank one: read as before
                misses += 1
                assert not every or read != every, trial
        found_once = segments(pieces, found, lambda part: [list(part)])
        met, ran = [], []
        for ids_met, window in found_once:
            met += ids_met
            ran += window
        assert ran == [p for p, f in zip(pieces, found, strict=True) if f is None]
        assert met == [i for f in found if f is not None for i in f]
    assert hits > 100 and misses > 100  # both cases are met
    (tmp_path / "feed0.jsonl").write_text('{"text": "a"}\n', encoding="utf-8")
    same = [(str(tmp_path / "feed0.jsonl"), "jsonl")] * 2
    twice = plan(same, {str(tmp_path / "feed0.jsonl"): [(0, 1)]})
    assert done_parts(twice, {same[0][0]: 1}, ReadOptions(), {"feed0.jsonl:1"}) == [None, None]
    one = twice[:1]
    assert done_parts(one, {same[0][0]: 1}, ReadOptions(), {"feed0.jsonl:1"}) == [["feed0.jsonl:1"]]
    assert done_parts(one, {same[0][0]: 1}, URL, {"feed0.jsonl:1"}) == [None]


@ray_mark
def test_a_resumed_run_starts_ray_data_where_the_done_records_stop(
    ray_instance: Any, tiny_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parts of the plan whose every line has a record are neither read nor run; the records
    are the uninterrupted run's, byte for byte."""
    feed = tmp_path / "feed.jsonl"
    texts = [*french_lines()[:12], *english_lines()[:6]]
    feed.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    monkeypatch.setattr("bilingual_digest.batch.ray_source.SPAN_BYTES", 400)
    whole = tmp_path / "whole"
    run_ray_batch([str(feed)], str(whole), spec=SPEC, workers=2, docs_per_step=4)
    lines = _shards(whole).splitlines(keepends=True)
    assert len(lines) == len(texts)
    seen: list[list[Any]] = []
    make = ray_engine.make_source
    monkeypatch.setattr(
        ray_engine, "make_source", lambda window, *a: (seen.append(window), make(window, *a))[1]
    )
    out = tmp_path / "shards"
    out.mkdir()
    (out / "part-00000.jsonl").write_bytes(b"".join(lines[:13]) + b'{"id": "feed')
    stats = run_ray_batch([str(feed)], str(out), spec=SPEC, workers=2, docs_per_step=4)
    assert (stats.skipped, stats.done + stats.failed) == (13, len(texts) - 13)
    assert _shards(out) == _shards(whole)
    first = min(p.first_line for window in seen for p in window)
    assert 1 < first <= 14  # the leading parts, all done, were not run
