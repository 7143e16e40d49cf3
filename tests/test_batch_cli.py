"""The batch command end to end, with tiny models (real loading and generation code)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bilingual_digest.batch import scan_jsonl
from bilingual_digest.cli import main

FAST = ["--beams", "1", "--max-new-tokens", "6", "--backend", "torch"]
FR = "Les deux parties vont entamer des discussions. Le retrait sera ordonné et sûr."
EN = "The two parties will begin talks.\nPrices rose by 3.5 percent in March."


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def check_translated(record: dict, text: str) -> None:
    """A good record: aligned segments that cover the text, one translation per segment."""
    assert "error" not in record
    assert record["segments"], record
    for seg in record["segments"]:
        assert text[seg["start"] : seg["end"]] == seg["source"]
        assert seg["translation"] in record["translation"]
    covered = "".join(s["source"] for s in record["segments"])
    assert "".join(covered.split()) == "".join(text.split())  # every non-blank char, once


def test_every_input_kind_with_bad_documents_among_good_ones(
    tiny_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "articles"
    (folder / "en").mkdir(parents=True)
    (folder / "fr.txt").write_text(FR, encoding="utf-8")
    (folder / "en" / "news.md").write_bytes(b"\xef\xbb\xbf" + EN.encode())
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
    (folder / "latin1.txt").write_bytes("Le café est très bon.".encode("cp1252"))
    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_text(json.dumps({"url": "u1", "body": FR}) + "\n{not json}\n", encoding="utf-8")
    table = tmp_path / "table.csv"
    table.write_text(f'url,text\nt1,"{EN}"\n', encoding="utf-8")  # --id-field: both
    out = tmp_path / "out.jsonl"
    argv = ["batch", str(folder), str(jsonl), str(table), "-o", str(out)]
    code = main([*argv, "--text-field", "body", "--id-field", "url", *FAST])
    assert code == 1
    got = {r["id"]: r for r in records(out)}
    assert list(got) == [
        "en/news.md",
        "fr.txt",
        "image.txt",
        "latin1.txt",
        "u1",
        "feed.jsonl:2",
        "t1",
    ]
    check_translated(got["fr.txt"], FR)
    check_translated(got["u1"], FR)
    check_translated(got["en/news.md"], EN)
    check_translated(got["t1"], EN)
    assert [(got[i]["source_lang"], got[i]["target_lang"]) for i in ("fr.txt", "en/news.md")] == [
        ("fr", "en"),
        ("en", "fr"),
    ]
    assert got["u1"]["source"] == f"{jsonl}:1"
    assert "Windows-1252" in got["latin1.txt"]["warnings"][0]
    assert got["image.txt"]["error"] == (
        f"{folder / 'image.txt'} looks like a binary file (it holds NUL bytes), not text."
    )
    assert got["feed.jsonl:2"]["error"].startswith(f"Line 2 of {jsonl} is not valid JSON: ")
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("done 5, failed 2, skipped 0, elapsed ")

    # Run it again: nothing to do, and the earlier failures still make the status 1.
    assert main([*argv, "--text-field", "body", "--id-field", "url", *FAST]) == 1
    assert len(records(out)) == 7
    assert "done 0, failed 0, skipped 7 (2 failed earlier)" in capsys.readouterr().err


def test_txt_format_with_cache_and_exit_zero(
    tiny_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(FR + "\n\n" + FR + "\n", encoding="utf-8")
    (folder / "sub" / "b.md").write_text(FR, encoding="utf-8")
    out, cache = tmp_path / "out", tmp_path / "sentences.db"
    argv = ["batch", str(folder), "-o", str(out), "--format", "txt", "--cache", str(cache), *FAST]
    assert main([*argv, "--direction", "fr-en"]) == 0
    a = (out / "a.txt").read_text(encoding="utf-8")
    b = (out / "sub" / "b.md").read_text(encoding="utf-8")
    assert a == f"{b}\n\n{b}\n"  # same sentences, same translation; layout mirrored
    assert cache.stat().st_size > 0
    assert "done 2, failed 0, skipped 0" in capsys.readouterr().err
    (out / "a.txt").unlink()
    assert main([*argv, "--direction", "fr-en"]) == 0  # resume: only a.txt again, from cache
    assert (out / "a.txt").read_text(encoding="utf-8") == a
    assert "done 1, failed 0, skipped 1" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "xml"], "invalid choice: 'xml'"),
        (["--max-chars", "0"], "max_chars must be a positive integer, got 0"),
        (["--beams", "0"], "TranslationOptions.num_beams must be a positive integer"),
        (["--backend", "onnx"], "invalid choice: 'onnx' (choose from 'ctranslate2', 'torch')"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    (tmp_path / "a.txt").write_text(FR, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(tmp_path / "a.txt"), "-o", str(out), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_input_and_wrong_output_kind_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "Un."}\n', encoding="utf-8")
    assert main(["batch", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.jsonl")]) == 2
    assert "Input not found" in capsys.readouterr().err
    assert main(["batch", str(rows), "-o", str(tmp_path)]) == 2
    assert "is a folder; --format jsonl needs a file" in capsys.readouterr().err
    assert main(["batch", str(rows), "-o", str(tmp_path / "t"), "--format", "txt"]) == 2
    assert "--format txt writes one file per input file" in capsys.readouterr().err
    assert main(["batch", "-o", str(tmp_path / "o.jsonl")]) == 2  # no INPUT


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["batch", "--help"]) == 0
    out = capsys.readouterr().out
    assert "bilingual-digest batch articles/ -o corpus.jsonl" in out
    assert "Exit status: 0 all documents succeeded, 1 some failed" in out


def test_stdin_through_python_m(tiny_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "bilingual_digest", "batch", "-", "-o", str(out), *FAST],
        input=FR.encode(),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    (record,) = records(out)
    assert (record["id"], record["source"], record["source_lang"]) == ("-", "<stdin>", "fr")
    check_translated(record, FR)
    assert proc.stderr.decode().splitlines()[-1].startswith("done 1, failed 0, skipped 0")


def test_kill_and_resume_loses_nothing_and_repeats_nothing(
    tiny_env: dict[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    ids = [f"doc{i:02d}.txt" for i in range(30)]
    for i, name in enumerate(ids):
        sentences = (f"Le document {i} parle de la phrase {k} et des prix." for k in range(2))
        (folder / name).write_text(" ".join(sentences), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    argv = ["batch", str(folder), "-o", str(out), "--direction", "fr-en", "--docs-per-step", "4"]
    argv += FAST
    proc = subprocess.Popen(
        [sys.executable, "-m", "bilingual_digest", "-v", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 3:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, "the batch finished before it could be killed"
    before = scan_jsonl(out).ids
    assert 3 <= len(before) < 30

    caplog.set_level(logging.INFO, logger="bilingual_digest")
    assert main(argv) == 0
    final = records(out)
    assert sorted(r["id"] for r in final) == ids  # every document exactly once
    translated = {r.getMessage().split()[-1] for r in caplog.records if "translated" in r.msg}
    assert translated == set(ids) - before  # none done before the kill is translated again


def test_summarize_adds_english_and_french_summaries(
    tiny_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "fr.txt").write_text(FR + " " + FR, encoding="utf-8")
    (tmp_path / "en.txt").write_text(EN, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    argv = ["batch", str(tmp_path / "fr.txt"), str(tmp_path / "en.txt"), "-o", str(out)]
    assert main([*argv, "--summarize", "--summary-max-new-tokens", "8", *FAST]) == 0
    got = {r["id"]: r for r in records(out)}
    assert list(got) == ["fr.txt", "en.txt"]
    check_translated(got["fr.txt"], FR + " " + FR)
    check_translated(got["en.txt"], EN)
    for record in got.values():
        assert isinstance(record["summary_en"], str) and record["summary_en"].strip()
        assert isinstance(record["summary_fr"], str) and record["summary_fr"].strip()
    assert got["en.txt"]["summary_en"].split() == EN.split()  # under 3 sentences: itself


def test_odd_files_never_stop_the_run_nor_a_resume(
    tiny_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name that is not UTF-8, a binary file, a CRLF file: records, and resume goes past them."""
    folder = tmp_path / "arts"
    folder.mkdir()
    (folder / os.fsdecode(b"r\xe9sum\xe9.txt")).write_text(FR, encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "windows.txt").write_bytes(FR.replace(". ", ".\r\n").encode())
    out = tmp_path / "out.jsonl"
    argv = ["batch", str(folder), "-o", str(out), "--direction", "fr-en", *FAST]
    assert main(argv) == 1  # the binary file failed; the others are translated
    got = {r["id"]: r for r in records(out)}
    assert list(got) == ["image.txt", "r\\xe9sum\\xe9.txt", "windows.txt"]
    check_translated(got["r\\xe9sum\\xe9.txt"], FR)
    check_translated(got["windows.txt"], got["windows.txt"]["text"])
    assert "\r" not in got["windows.txt"]["text"]
    assert main(argv) == 1
    assert "done 0, failed 0, skipped 3 (1 failed earlier)" in capsys.readouterr().err
