from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilingual_digest.batch import Document, JsonlWriter, TextTreeWriter, scan_jsonl
from bilingual_digest.batch.run import open_sink


def doc(doc_id: str, relpath: str | None = None) -> Document:
    return Document(doc_id, f"src/{doc_id}", "texte", relpath=relpath)


def test_each_record_is_one_complete_line(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "out.jsonl"
    with JsonlWriter(path) as writer:
        writer.write({"id": "a", "translation": "Line one\nline two é"})
        assert path.read_bytes().endswith(b"\n")  # on disk before the next document
        writer.write({"id": "b", "error": "bad"})
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"id": "a", "translation": "Line one\nline two é"},
        {"id": "b", "error": "bad"},
    ]
    scan = scan_jsonl(path)
    assert (scan.ids, scan.failed, scan.torn, scan.bad_lines) == ({"a", "b"}, {"b"}, False, [])


def test_a_torn_last_line_is_dropped_and_cut_before_appending(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "out.jsonl"
    good = '{"id": "a", "translation": "x"}\n'
    path.write_text(good + '{"id": "b", "transl', encoding="utf-8")
    scan = scan_jsonl(path)
    assert (scan.ids, scan.torn, scan.good_size) == ({"a"}, True, len(good))
    writer = JsonlWriter(path)
    assert writer.is_done(doc("a")) and not writer.is_done(doc("b"))
    writer.write({"id": "b", "translation": "y"})
    writer.close()
    assert path.read_text(encoding="utf-8") == good + '{"id": "b", "translation": "y"}\n'
    assert "ended with a torn (half-written) line; it was removed" in caplog.text


def test_lines_that_are_not_records_are_reported_and_ignored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "a"}\nnot json\n\n{"no": "id"}\n', encoding="utf-8")
    scan = scan_jsonl(path)
    assert (scan.ids, scan.bad_lines, scan.torn) == ({"a"}, [2, 4], False)
    JsonlWriter(path).close()
    assert f"Line 2 of {path} is not a record; it was ignored." in caplog.text


def test_no_resume_starts_the_file_afresh(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "old"}\n', encoding="utf-8")
    with JsonlWriter(path, resume=False) as writer:
        assert not writer.is_done(doc("old"))
        writer.write({"id": "new"})
    assert path.read_text(encoding="utf-8") == '{"id": "new"}\n'


def test_writer_validates_its_arguments_and_records(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="fsync_every must be a positive integer, got 0"):
        JsonlWriter(tmp_path / "x.jsonl", fsync_every=0)
    with pytest.raises(IsADirectoryError, match="is a folder; give a file name"):
        JsonlWriter(tmp_path)
    writer = JsonlWriter(tmp_path / "x.jsonl", fsync_every=3)
    with pytest.raises(ValueError, match="A record needs a string 'id'"):
        writer.write({"id": 3})
    writer.close()
    with pytest.raises(ValueError, match="is closed"):
        writer.write({"id": "a"})
    with pytest.raises(ValueError, match="is a folder; --format jsonl needs a file"):
        open_sink(str(tmp_path), "jsonl")
    with pytest.raises(ValueError, match="is a file; --format txt needs a folder"):
        open_sink(str(tmp_path / "x.jsonl"), "txt")
    with pytest.raises(ValueError, match="Unknown format 'xml': accepted: jsonl, txt"):
        open_sink(str(tmp_path / "y"), "xml")


def test_text_tree_mirrors_inputs_and_keeps_failures_apart(tmp_path: Path) -> None:
    root = tmp_path / "out"
    sink = TextTreeWriter(root)
    a, b = doc("a.txt", "a.txt"), doc("deep/b.md", "deep/b.md")
    assert not sink.is_done(a)
    sink.write({"id": "a.txt", "translation": "Hello.\n"}, a)
    sink.write(
        {"id": "deep/b.md", "translation": "Hi.", "summary_en": "Sum.", "summary_fr": "Rés."}, b
    )
    sink.write({"id": "c.txt", "source": "src/c.txt", "error": "empty"}, doc("c.txt", "c.txt"))
    sink.close()
    assert (root / "a.txt").read_text(encoding="utf-8") == "Hello.\n"
    assert (root / "deep" / "b.md").read_text(encoding="utf-8") == "Hi."
    assert (root / "deep" / "b.md.summary.txt").read_text(encoding="utf-8") == "Sum.\n\nRés.\n"
    assert not (root / "c.txt").exists()
    assert json.loads((root / "_errors.jsonl").read_text(encoding="utf-8"))["error"] == "empty"
    assert sorted(p.name for p in root.rglob("*")) == sorted(
        ["a.txt", "deep", "b.md", "b.md.summary.txt", "_errors.jsonl", ".bilingual-digest.lock"]
    )  # no temporary files left behind; the lock file stays (see test_batch_guard.py)
    again = TextTreeWriter(root)
    assert again.is_done(a) and again.is_done(b) and not again.is_done(doc("c.txt", "c.txt"))
    assert not (root / "_errors.jsonl").exists()  # describes the latest run only
    with pytest.raises(ValueError, match="is a JSONL/CSV row: --format txt takes text files"):
        again.target(doc("x.jsonl:1"))
    again.close()
    fresh = TextTreeWriter(root, resume=False)
    assert not fresh.is_done(a)
    fresh.close()
