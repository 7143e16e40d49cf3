from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bilingual_digest import Translator
from bilingual_digest.backends import Generated
from bilingual_digest.batch import Document, JsonlWriter, Worker, WorkSpec, run_local
from bilingual_digest.batch.run import run_batch
from bilingual_digest.options import GenerationOptions

from fakes import UpperBackend


class ExplodingBackend(UpperBackend):
    """Upper-cases, but fails on any batch holding the word "BOOM"."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        if any("BOOM" in t for t in texts):
            raise RuntimeError("the model fell over")
        return super().generate(texts, options)


def fake_worker(backend: type[UpperBackend] = UpperBackend, **spec: object) -> Worker:
    translators = {
        ("fr", "en"): Translator("fr", "en", backend=backend(model_id="fake/fr-en")),
        ("en", "fr"): Translator("en", "fr", backend=backend(model_id="fake/en-fr")),
    }
    return Worker(WorkSpec(**spec), translators=translators)


def doc(doc_id: str, text: str | None, error: str | None = None) -> Document:
    return Document(doc_id, f"in/{doc_id}", text, error, relpath=doc_id)


FR = "Les deux parties vont entamer des discussions. Le retrait sera ordonné."
EN = "The two parties will begin discussions on an orderly withdrawal."


def plain(value: object) -> object:
    return json.loads(json.dumps(value))


CORE = ("index", "paragraph", "start", "end", "source", "translation", "complete")


def test_records_carry_the_translation_and_alignment() -> None:
    worker = fake_worker()
    fr, en = worker.process([doc("fr.txt", FR + "\n"), doc("en.txt", EN)])
    expected = worker.translator("fr", "en").translate(FR + "\n")
    assert list(fr) == [
        "id",
        "source",
        "source_lang",
        "target_lang",
        "translation",
        "segments",
        "warnings",
    ]
    assert (fr["id"], fr["source"], fr["source_lang"], fr["target_lang"]) == (
        "fr.txt",
        "in/fr.txt",
        "fr",
        "en",
    )
    assert fr["translation"] == FR.upper() + "\n"
    assert [{k: s[k] for k in CORE} for s in fr["segments"]] == [
        {
            "index": 0,
            "paragraph": 0,
            "start": 0,
            "end": 46,
            "source": "Les deux parties vont entamer des discussions.",
            "translation": "LES DEUX PARTIES VONT ENTAMER DES DISCUSSIONS.",
            "complete": True,
        },
        {
            "index": 1,
            "paragraph": 0,
            "start": 47,
            "end": 71,
            "source": "Le retrait sera ordonné.",
            "translation": "LE RETRAIT SERA ORDONNÉ.",
            "complete": True,
        },
    ]
    assert fr["segments"] == [plain(dataclasses.asdict(s)) for s in expected.segments]
    assert fr["warnings"] == list(expected.warnings)  # the translator's notes, passed on
    assert (en["source_lang"], en["target_lang"], en["translation"]) == ("en", "fr", EN.upper())
    assert json.loads(json.dumps(fr)) == fr  # plain JSON


def test_sentences_are_batched_across_documents() -> None:
    worker = fake_worker(direction="fr-en")
    worker.process([doc("a", "Un. Deux."), doc("b", "Trois."), doc("c", "Quatre.")])
    assert worker.translator("fr", "en").backend.calls == [["Quatre.", "Trois.", "Deux.", "Un."]]


def test_a_failing_document_does_not_spoil_the_others() -> None:
    worker = fake_worker(ExplodingBackend, direction="fr-en")
    docs = [
        doc("a", "Bonjour à tous."),
        doc("b", "Un BOOM terrible."),
        doc("c", "Au revoir."),
        doc("d", None, "in/d is empty: there is no text to translate."),
        doc("e", "Je vois un \x00\x01mot."),
    ]
    records = worker.process(docs)
    assert [r.get("translation") for r in records] == [
        "BONJOUR À TOUS.",
        None,
        "AU REVOIR.",
        None,
        "JE VOIS UN MOT.",
    ]
    assert records[1] == {
        "id": "b",
        "source": "in/b",
        "error": "Translation failed (RuntimeError: the model fell over).",
        "warnings": [],
    }
    assert records[3]["error"] == "in/d is empty: there is no text to translate."
    assert records[4]["warnings"][0] == (
        "Removed 2 invisible control character(s), 1 of them NUL bytes."
    )


def test_undetectable_language_is_an_error_record() -> None:
    (record,) = fake_worker().process([doc("x", "12345 67 !!")])
    assert record["error"].startswith("Cannot detect the language of a text without words.")


def test_spec_is_validated() -> None:
    with pytest.raises(
        ValueError, match="Unknown direction 'fr-de': accepted values are 'auto', 'fr-en', 'en-fr'"
    ):
        WorkSpec(direction="fr-de")
    with pytest.raises(TypeError, match="TranslationOptions"):
        WorkSpec(options={"num_beams": 1})  # type: ignore[arg-type]
    assert WorkSpec(direction="en-fr").pair() == ("en", "fr") and WorkSpec().pair() is None


def test_run_local_writes_each_record_once_and_counts(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a", "error": "old failure"}\n', encoding="utf-8")
    docs = [doc(name, f"Phrase {name}.") for name in "abcde"] + [doc("f", None, "unreadable")]
    lines: list[str] = []
    with JsonlWriter(out) as sink:
        stats = run_local(
            docs,
            fake_worker(direction="fr-en"),
            sink,
            docs_per_step=2,
            report=lines.append,
            report_every=0.0,
        )
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == ["a", "b", "c", "d", "e", "f"]
    assert (stats.done, stats.failed, stats.skipped, stats.skipped_failed) == (4, 1, 1, 1)
    assert not stats.ok
    assert stats.summary().startswith("done 4, failed 1, skipped 1 (1 failed earlier), elapsed ")
    assert lines[0] == "resuming: 1 document(s) already have a record and are skipped"
    assert lines[-1].startswith("5/5 documents (1 failed), ")
    with pytest.raises(ValueError, match="docs_per_step must be a positive integer"):
        run_local(docs, fake_worker(), JsonlWriter(tmp_path / "x.jsonl"), docs_per_step=0)


def test_run_batch_txt_mirrors_the_tree_and_resumes(tmp_path: Path) -> None:
    src = tmp_path / "articles"
    (src / "deep").mkdir(parents=True)
    (src / "a.txt").write_text("Bonjour.\n", encoding="utf-8")
    (src / "deep" / "b.md").write_text("Salut à tous.", encoding="utf-8")
    (src / "deep" / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    worker = fake_worker(direction="fr-en")
    stats = run_batch([str(src)], str(out), fmt="txt", worker=worker)
    assert (stats.done, stats.failed, stats.skipped) == (2, 1, 0)
    assert (out / "a.txt").read_text(encoding="utf-8") == "BONJOUR.\n"
    assert (out / "deep" / "b.md").read_text(encoding="utf-8") == "SALUT À TOUS."
    assert not (out / "deep" / "empty.txt").exists()
    again = run_batch([str(src)], str(out), fmt="txt", worker=fake_worker(direction="fr-en"))
    assert (again.done, again.failed, again.skipped) == (0, 1, 2)  # failures are retried


def test_run_batch_usage_errors_come_before_any_work(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"text": "Un."}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"--format txt writes one file per input file; '.*"):
        run_batch([str(rows)], str(tmp_path / "out"), fmt="txt", worker=fake_worker())
    with pytest.raises(ValueError, match="Input not found"):
        run_batch([str(tmp_path / "nope")], str(tmp_path / "o.jsonl"), worker=fake_worker())
    assert not (tmp_path / "out").exists() and not (tmp_path / "o.jsonl").exists()


def test_run_batch_reads_stdin(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    stats = run_batch(
        ["-"], str(out), worker=fake_worker(), stdin=io.BytesIO("Bonjour à tous.".encode())
    )
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (stats.done, record["id"], record["translation"]) == (1, "-", "BONJOUR À TOUS.")


class FakeDigester:
    """Records its calls; the "summary" is the first sentence, upper-cased for English."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.calls: list[tuple[list[str], str | None, str]] = []

    def digest_many(
        self,
        texts: list[str],
        source: str | None = None,
        length: str = "medium",
        *,
        target: str | None = None,
    ):
        from types import SimpleNamespace

        self.calls.append((list(texts), source, length))
        assert target == ("en" if source == "fr" else "fr")
        translations = self.worker.translator(source, target).translate_many(texts)
        return [
            SimpleNamespace(
                translation=t,
                summaries={
                    "en": f"EN {t.segments[0].source}",
                    "fr": f"FR {t.segments[0].source}",
                },
                warnings=("summary note",),
            )
            for t in translations
        ]


def test_summarize_adds_both_summaries_per_language_group() -> None:
    worker = fake_worker(summarize=True, length="short")
    worker._digester = digester = FakeDigester(worker)
    fr, en, bad = worker.process([doc("fr", FR), doc("en", EN), doc("bad", None, "unreadable")])
    assert digester.calls == [([FR], "fr", "short"), ([EN], "en", "short")]
    assert (fr["summary_en"], fr["summary_fr"]) == (
        "EN Les deux parties vont entamer des discussions.",
        "FR Les deux parties vont entamer des discussions.",
    )
    assert fr["translation"] == FR.upper() and fr["warnings"] == ["summary note"]
    assert en["summary_en"].startswith("EN The two parties") and en["target_lang"] == "fr"
    assert "summary_en" not in bad and bad["error"] == "unreadable"


def test_progress_bar_counts_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = [doc(name, f"Phrase {name}.") for name in "abc"]
    with JsonlWriter(tmp_path / "o.jsonl") as sink:
        stats = run_local(docs, fake_worker(direction="fr-en"), sink, progress_bar=True)
    assert stats.done == 3
    assert "3/3" in capsys.readouterr().err


def test_summarize_honours_the_batch_size_limit_not_the_environment(
    bart_summary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents are size-checked when read (--max-chars); the digest does not re-cap them."""
    from bilingual_digest.summarization import SummaryOptions

    monkeypatch.setenv("BILINGUAL_DIGEST_MAX_CHARS", "40")
    monkeypatch.setenv("BILINGUAL_DIGEST_BACKEND", "torch")
    worker = fake_worker(
        summarize=True,
        model_summary=str(bart_summary),
        summary_options=SummaryOptions(num_beams=1, max_new_tokens=8),
    )
    text = f"{FR} Une délégation arrivera la semaine prochaine."
    assert len(text) > 40
    (record,) = worker.process([doc("long", text)])
    assert "error" not in record
    assert record["summary_en"] and record["summary_fr"]


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Premier point.\r\nDeuxième point.\r\n", "Premier point.\nDeuxième point.\n"),
        ("Premier\x00 point. Deuxième point.", "Premier point. Deuxième point."),
        (
            "<html><body><p>Premier point.</p><p>Deuxième &amp; dernier.</p></body></html>",
            "Premier point.\nDeuxième & dernier.",
        ),
    ],
)
def test_offsets_index_the_text_the_record_gives(raw: str, cleaned: str) -> None:
    """A cleaned document's record carries the text its segments' start/end index."""
    (record,) = fake_worker(direction="fr-en").process([doc("d", raw)])
    assert record["text"] == cleaned
    assert record["segments"]
    for seg in record["segments"]:
        assert record["text"][seg["start"] : seg["end"]] == seg["source"]
    (plain_record,) = fake_worker(direction="fr-en").process([doc("p", cleaned)])
    assert "text" not in plain_record  # nothing was cleaned: offsets index the input itself
    for seg in plain_record["segments"]:
        assert cleaned[seg["start"] : seg["end"]] == seg["source"]
