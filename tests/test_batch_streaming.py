"""Streaming: documents are pulled one step at a time, resume reads ids only, progress totals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilingual_digest.batch import Document, JsonlWriter, encode_record, run_local, writer
from bilingual_digest.batch.progress import BatchStats, Progress, count_documents
from bilingual_digest.batch.readers import check_inputs
from bilingual_digest.batch.writer import line_id
from test_batch_work import fake_worker


def test_documents_are_pulled_one_step_at_a_time(tmp_path: Path) -> None:
    pulled = 0

    def archive() -> Iterator[Document]:
        nonlocal pulled
        for i in range(1_000_000):  # far more than a test could hold as a list
            pulled += 1
            yield Document(f"d{i}", f"in/d{i}", f"Phrase {i}.")

    class Stop(Exception):
        pass

    class Sink(JsonlWriter):
        def write(self, record, doc=None):  # type: ignore[no-untyped-def]
            super().write(record, doc)
            if self.scan.ids is not None and record["id"] == "d9":
                raise Stop  # the 10th record: how much of the archive was read by then?

    with Sink(tmp_path / "out.jsonl") as sink, pytest.raises(Stop):
        run_local(archive(), fake_worker(direction="fr-en"), sink, docs_per_step=4)
    assert pulled == 12  # three steps of four: nothing read ahead


def test_resume_reads_each_records_id_without_parsing_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    records = [
        {"id": f'd"{i}\\', "source": f"s{i}", "translation": "é" * i, "segments": [{"error": 1}]}
        for i in range(500)
    ]
    records.append({"id": "bad", "source": "x", "error": 'An "error": here.', "warnings": []})
    out.write_bytes(
        b"".join(encode_record(r) for r in records) + b'{"source": "x", "id": "hand"}\n'
    )
    calls = 0
    loads = json.loads

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return loads(*args, **kwargs)

    monkeypatch.setattr(writer.json, "loads", counting)
    with JsonlWriter(out) as sink:
        assert sink.scan.ids == {r["id"] for r in records} | {"hand"}
        assert sink.scan.failed == {"bad"}
    assert calls == 500 + 1  # the ids with a backslash escape, and the hand-edited line
    assert line_id(b'{"id": "a\\"b", "source": "s", "error": "x"}\n') == ('a"b', True)
    said = b'{"id": "a", "source": "s\\\\", "translation": "\\", \\"error\\": no"}\n'
    assert line_id(said) == ("a", False)
    assert line_id(b'{"id": "a", "source": "s", "transl') is None  # torn


def test_a_record_with_lone_surrogates_is_still_one_valid_line() -> None:
    line = encode_record({"translation": "x\ud800", "id": "a"})
    assert line.endswith(b"\n") and line.startswith(b'{"id": "a"')  # id first, always
    assert json.loads(line) == {"id": "a", "translation": "x\ud800"}


def test_the_total_is_counted_cheaply_and_unknown_for_stdin_and_csv(tmp_path: Path) -> None:
    root = tmp_path / "arts"
    (root / "deep").mkdir(parents=True)
    for name in ("a.txt", "deep/b.md", "deep/c.pdf", ".hidden.txt"):
        (root / name).write_text("x", encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"text": "a"}\n{"text": "b"}\n{"text": "c"}', encoding="utf-8")
    table = tmp_path / "t.csv"
    table.write_text("text\na\n", encoding="utf-8")
    assert count_documents(check_inputs([str(root), str(feed)])) == 5
    assert count_documents(check_inputs([str(root), "-"])) is None
    assert count_documents(check_inputs([str(table)])) is None


def test_progress_lines_with_and_without_a_total() -> None:
    said: list[str] = []
    progress = Progress(None, False, said.append, 0.0, started=0.0)
    stats = BatchStats()
    progress.record(stats, "a", None)
    assert said[-1].startswith("1 documents (0 failed), ")
    progress.set_total(4)
    progress.record(stats, "b", "bad")
    assert said[-1].startswith("2/4 documents (1 failed), ") and "s left" in said[-1]
