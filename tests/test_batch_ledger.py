"""Repeated ids: never two records with the same id, whatever the inputs, the engine, a resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bilingual_digest.batch import Document, Ledger
from bilingual_digest.batch.run import run_batch
from bilingual_digest.cli import main
from test_batch_work import fake_worker


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_ledger_skips_done_ids_and_gives_a_repeat_an_id_of_its_own() -> None:
    ledger = Ledger(done={"a", "b"}, failed={"b"})
    assert ledger.known_done("a")
    assert ledger.admit(Document("a", "in/a")) is None  # has a record: skipped
    assert not ledger.known_done("a")  # met now: a second "a" is a repeat, not a skip
    again = ledger.admit(Document("a", "other/a", text="x"))
    assert again is not None and again.text is None
    assert (again.id, again.source, again.duplicate_of) == ("other/a", "other/a", "a")
    assert again.error is not None and again.error.startswith("Duplicate id 'a': an earlier")
    third = ledger.admit(Document("a", "other/a"))  # same place again (the file given twice)
    assert third is not None and third.id == "other/a#2"
    assert ledger.admit(Document("b", "in/b", done=True)) is None
    new = Document("c", "in/c", text="y")
    assert ledger.admit(new) is new
    assert (ledger.skipped, ledger.skipped_failed, ledger.duplicates) == (2, 1, 2)


def test_claim_skips_an_id_without_a_document_and_then_it_counts_as_met() -> None:
    ledger = Ledger(done={"a", "b"}, failed={"b"})
    assert ledger.claim("b") and not ledger.claim("b") and not ledger.claim("z")
    again = ledger.admit(Document("b", "x/b"))
    assert again is not None and again.duplicate_of == "b"
    assert (ledger.skipped, ledger.skipped_failed) == (1, 1)


def _twin_folders(root: Path) -> list[str]:
    for folder, text in (("2023", "Bonjour."), ("2024", "Salut.")):
        (root / folder / "politics").mkdir(parents=True)
        (root / folder / "politics" / "a.txt").write_text(text, encoding="utf-8")
        (root / folder / f"only{folder}.txt").write_text(text, encoding="utf-8")
    return [str(root / "2023"), str(root / "2024")]


def test_two_folders_with_the_same_relative_path(tmp_path: Path) -> None:
    inputs = _twin_folders(tmp_path)
    out = tmp_path / "out.jsonl"
    stats = run_batch(inputs, str(out), worker=fake_worker(direction="fr-en"))
    records = lines(out)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)) == 4  # no two records share an id
    repeat = records[3]
    second = str(tmp_path / "2024" / "politics" / "a.txt")
    assert (repeat["id"], repeat["source"], repeat["duplicate_of"]) == (
        second,
        second,
        "politics/a.txt",
    )
    assert "Ids must be unique: give the inputs' common folder" in repeat["error"]
    assert (stats.done, stats.failed) == (3, 1)

    # The same command again: nothing new, nothing repeated.
    again = run_batch(inputs, str(out), worker=fake_worker(direction="fr-en"))
    assert (again.done, again.failed, again.skipped, again.skipped_failed) == (0, 0, 4, 1)
    assert lines(out) == records


def test_a_resumed_run_with_repeats_writes_what_an_uninterrupted_one_does(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [("u1", "Un."), ("u2", "Deux."), ("u1", "Un bis."), ("u3", "Trois."), ("u2", "Deux.")]
    feed.write_text("".join(json.dumps({"url": u, "text": t}) + "\n" for u, t in rows))
    whole, part = tmp_path / "whole.jsonl", tmp_path / "part.jsonl"
    for out in (whole, part):
        run_batch([str(feed)], str(out), worker=fake_worker(direction="fr-en"), read_options=_url())
    data = whole.read_bytes()
    for cut in range(1, 5):  # interrupted after `cut` records (and a torn half line)
        kept = b"".join(data.splitlines(keepends=True)[:cut])
        part.write_bytes(kept + b'{"id": "u')
        run_batch(
            [str(feed)], str(part), worker=fake_worker(direction="fr-en"), read_options=_url()
        )
        assert part.read_bytes() == data, cut
    records = lines(whole)
    assert [r["id"] for r in records] == ["u1", "u2", f"{feed}:3", "u3", f"{feed}:5"]
    assert [r.get("duplicate_of") for r in records] == [None, None, "u1", None, "u2"]


def _url():
    from bilingual_digest.batch import ReadOptions

    return ReadOptions(id_field="url")


@pytest.mark.parametrize(
    ("names", "extra"),
    [
        (("a/data.jsonl", "b/data.jsonl"), []),
        (("a/x.txt", "b/x.txt"), []),
        (("a/x.txt", "a/x.txt"), []),
        (("a/data.csv", "b/data.csv"), []),
    ],
)
def test_inputs_whose_ids_would_clash_are_refused_before_anything(
    names: tuple[str, str], extra: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text('{"text": "Un."}\n' if "jsonl" in name else "text\nUn.\n")
        paths.append(str(path))
    out = tmp_path / "out.jsonl"
    assert main(["batch", *paths, "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert f"Two inputs are named {Path(names[0]).name!r} ({paths[0]!r} and {paths[1]!r})" in err
    assert not out.exists()


def test_rows_with_an_id_field_may_come_from_files_of_the_same_name(tmp_path: Path) -> None:
    paths = []
    for folder, url in (("a", "u1"), ("b", "u2")):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "data.jsonl"
        path.write_text(json.dumps({"url": url, "text": "Un."}) + "\n")
        paths.append(str(path))
    out = tmp_path / "out.jsonl"
    run_batch(paths, str(out), worker=fake_worker(direction="fr-en"), read_options=_url())
    assert [r["id"] for r in lines(out)] == ["u1", "u2"]
