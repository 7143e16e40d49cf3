"""The run's own machinery: refused or stopped at the start, with the file named, never recorded
as if a document were at fault (output placement, a second run, the cache, the models)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bilingual_digest.batch import JsonlWriter, OutputBusyError, TextTreeWriter
from bilingual_digest.batch.run import run_batch
from bilingual_digest.cli import main
from faults import read_only
from test_batch_work import fake_worker

FR = "Les deux parties vont entamer des discussions."


@pytest.fixture
def arts(tmp_path: Path) -> Path:
    folder = tmp_path / "arts"
    (folder / "sub").mkdir(parents=True)
    (folder / "a1.txt").write_text(FR, encoding="utf-8")
    (folder / "sub" / "a2.txt").write_text(FR, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("inputs", "output", "extra", "message"),
    [
        (["arts/a1.txt"], "arts/a1.txt", [], "The output 'OUT' is the input 'arts/a1.txt'"),
        (["arts"], "arts/out.jsonl", [], "is inside the input folder 'arts'"),
        (["arts"], "arts/sub/deep/out.jsonl", [], "is inside the input folder 'arts'"),
        (["arts"], "arts", ["--format", "txt"], "The output 'OUT' is the input 'arts'"),
        (["arts"], "arts/translated", ["--format", "txt"], "is inside the input folder"),
        (["arts/sub/a2.txt"], "arts", ["--format", "txt"], "is inside the output folder 'OUT'"),
        (["arts"], "arts/shards", ["--engine", "ray"], "is inside the input folder 'arts'"),
    ],
)
def test_an_output_that_is_or_is_inside_an_input_is_refused(
    arts: Path,
    inputs: list[str],
    output: str,
    extra: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if "ray" in extra:
        pytest.importorskip("ray.data")
    monkeypatch.chdir(arts.parent)
    before = {p: p.read_bytes() for p in arts.rglob("*") if p.is_file()}
    assert main(["batch", *inputs, "-o", output, *extra]) == 2
    assert message.replace("OUT", output) in capsys.readouterr().err
    assert {p: p.read_bytes() for p in arts.rglob("*") if p.is_file()} == before  # untouched


def test_a_symlink_to_the_input_is_the_input(
    arts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = arts.parent / "link.txt"
    link.symlink_to(arts / "a1.txt")
    assert main(["batch", str(arts / "a1.txt"), "-o", str(link)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert (arts / "a1.txt").read_text(encoding="utf-8") == FR


def test_a_second_run_on_the_same_output_is_refused(
    arts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    with JsonlWriter(out) as first:  # another run, holding the output
        first.write({"id": "a1.txt", "translation": "x"})
        assert main(["batch", str(arts), "-o", str(out)]) == 2
        err = capsys.readouterr().err
        assert f"Another bilingual-digest run is using the output '{out}'" in err
        with pytest.raises(OutputBusyError):
            run_batch([str(arts)], str(out), worker=fake_worker())
        with pytest.raises(OutputBusyError):  # not even --no-resume may truncate it
            run_batch([str(arts)], str(out), resume=False, worker=fake_worker())
    assert out.read_text(encoding="utf-8") == '{"id": "a1.txt", "translation": "x"}\n'
    stats = run_batch([str(arts)], str(out), worker=fake_worker(direction="fr-en"))
    assert (stats.done, stats.skipped) == (1, 1)  # once it is free: 2 records, none twice

    folder = tmp_path / "tree"
    with TextTreeWriter(folder), pytest.raises(OutputBusyError, match="is using the output"):
        TextTreeWriter(folder)


def test_two_processes_on_the_same_output(arts: Path, tmp_path: Path) -> None:
    """A real second process: the lock is an OS lock, not a flag in this process."""
    out = tmp_path / "out.jsonl"
    code = (
        "import sys, time; from bilingual_digest.batch import JsonlWriter\n"
        "w = JsonlWriter(sys.argv[1]); print('locked', flush=True); time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        proc = subprocess.run(
            [sys.executable, "-m", "bilingual_digest", "batch", str(arts), "-o", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        f"bilingual-digest: error: Another bilingual-digest run is using the output '{out}': "
        "wait for it to finish, or give another --output."
    )
    assert out.read_bytes() == b""


def test_a_damaged_cache_stops_the_run_at_the_start(
    arts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "sentences.db"
    cache.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(arts), "-o", str(out), "--cache", str(cache)]) == 1
    err = capsys.readouterr().err
    assert f"The sentence cache '{cache}' can't be used (" in err
    assert "give another --cache file, or delete that file" in err
    assert not out.exists()  # nothing written, so nothing for a resume to count as done


def test_a_read_only_cache_stops_the_run_at_the_start(
    arts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    cache = folder / "sentences.db"
    sqlite3.connect(cache).execute("CREATE TABLE t (x)").connection.close()
    out = tmp_path / "out.jsonl"
    with read_only(folder):
        assert main(["batch", str(arts), "-o", str(out), "--cache", str(cache)]) == 1
    err = capsys.readouterr().err
    assert f"The sentence cache '{cache}' can't be used (attempt to write a readonly " in err
    assert not out.exists()


def test_a_model_that_cannot_be_loaded_stops_the_run_before_any_record(
    tiny_env: dict[str, str], arts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    missing = tmp_path / "no-such-model"
    argv = ["batch", str(arts), "-o", str(out), "--model-en-fr", str(missing), "--backend", "torch"]
    assert main(argv) == 1  # auto direction: both models are loaded at the start
    assert f"Cannot load model '{missing}'" in capsys.readouterr().err
    assert not out.exists()


def test_an_output_that_cannot_be_written_stops_the_run_at_the_start(
    arts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    assert main(["batch", str(arts), "-o", str(tmp_path / "file" / "out.jsonl")]) == 1
    err = capsys.readouterr().err
    assert f"The output '{tmp_path / 'file' / 'out.jsonl'}' can't be written (" in err


def test_retry_errors_does_failed_documents_again_and_keeps_one_record_each(
    arts: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "out.jsonl"
    old_error = {"id": "a1.txt", "source": "x", "error": "Transient.", "warnings": []}
    good = {"id": "sub/a2.txt", "source": "y", "translation": "kept"}
    out.write_text(json.dumps(old_error) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    stats = run_batch([str(arts)], str(out), worker=fake_worker(direction="fr-en"))
    assert (stats.done, stats.skipped, stats.skipped_failed) == (0, 2, 1)  # errors count as done

    stats = run_batch(
        [str(arts)], str(out), worker=fake_worker(direction="fr-en"), retry_errors=True
    )
    assert (stats.done, stats.skipped, stats.skipped_failed) == (1, 1, 0)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["sub/a2.txt", "a1.txt"]
    assert records[0] == good and records[1]["translation"] == FR.upper()
    assert "1 error record(s) removed; their documents are done again" in caplog.text
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no temporary file left
