"""The glossary through the command line and the batch script (`--glossary FILE`)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from bilingual_digest import Glossary, GlossaryError, Translator
from bilingual_digest.batch import Worker, WorkSpec
from bilingual_digest.batch.readers import Document
from bilingual_digest.cli import main

from fakes import UpperBackend

GLOSSARY = (
    "source\ttarget\tnote\tpair\n"
    "Département d'État\tState Department\t\tfr-en\n"
    "CNSP\tCNSP\tkeep as is\t\n"
)
FR = "Selon le Département d'État, le CNSP écrit à contact@cnsp.ne."
FAST = ["--beams", "1", "--backend", "torch"]


@pytest.fixture
def glossary_file(tmp_path: Path) -> Path:
    path = tmp_path / "niger.tsv"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


def test_translate_command_takes_a_glossary(
    tiny_env: dict[str, str],
    tmp_path: Path,
    glossary_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(FR, encoding="utf-8")
    argv = ["translate", str(article), "--direction", "fr-en", *FAST]
    assert main([*argv, "--glossary", str(glossary_file)]) == 0
    out = capsys.readouterr().out
    assert out.index("State Department") < out.index("CNSP") < out.index("contact@cnsp.ne")


def test_a_bad_glossary_is_one_clear_line(
    tiny_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(FR, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_bytes("source,target\nÉtat,State\nétat,Nation\n".encode())
    batch = ["batch", str(article), "-o", str(tmp_path / "o"), *FAST]
    digest = ["digest", str(article), str(article)]  # one line, not one per input
    for command in (["translate", str(article), *FAST], batch, digest):
        assert main([*command, "--glossary", str(bad)]) == 1
        err = capsys.readouterr().err
        assert err == (
            "bilingual-digest: error: bad.csv, line 3: 'état' → 'Nation' conflicts with bad.csv, "
            "line 2 ('État' → 'State'); keep one target per term and direction.\n"
        )
    assert not (tmp_path / "o").exists()  # refused before any work


def test_the_environment_variable_is_the_default(
    tiny_env: dict[str, str],
    tmp_path: Path,
    glossary_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BILINGUAL_DIGEST_GLOSSARY", str(glossary_file))
    article = tmp_path / "a.txt"
    article.write_text(FR, encoding="utf-8")
    assert main(["translate", str(article), "--direction", "fr-en", *FAST]) == 0
    assert "State Department" in capsys.readouterr().out
    assert main(["translate", "--help"]) == 0
    assert "BILINGUAL_DIGEST_GLOSSARY" in " ".join(capsys.readouterr().out.split())


def test_digest_command_takes_a_glossary(
    tiny_env: dict[str, str],
    tmp_path: Path,
    glossary_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    article = tmp_path / "a.txt"
    article.write_text(FR, encoding="utf-8")
    argv = ["digest", str(article), "--direction", "fr-en", "--format", "json"]
    assert main([*argv, "--glossary", str(glossary_file)]) == 0
    text = json.loads(capsys.readouterr().out)["translation"]["text"]
    assert text.index("State Department") < text.index("CNSP") < text.index("contact@cnsp.ne")


def test_batch_command_takes_a_glossary(
    tiny_env: dict[str, str], tmp_path: Path, glossary_file: Path
) -> None:
    (tmp_path / "fr.txt").write_text(FR, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    argv = ["batch", str(tmp_path / "fr.txt"), "-o", str(out), "--glossary", str(glossary_file)]
    assert main([*argv, *FAST, "--max-new-tokens", "8"]) == 0
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    text = record["translation"]
    assert text.index("State Department") < text.index("CNSP") < text.index("contact@cnsp.ne")


def worker(**spec: object) -> Worker:
    translators = {
        ("fr", "en"): Translator("fr", "en", backend=UpperBackend()),
        ("en", "fr"): Translator("en", "fr", backend=UpperBackend()),
    }
    return Worker(WorkSpec(**spec), translators=translators)


def test_work_spec_reads_the_glossary_once_and_ships_it(
    glossary_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = WorkSpec(glossary=str(glossary_file))
    assert isinstance(spec.glossary, Glossary) and len(spec.glossary) == 2
    assert pickle.loads(pickle.dumps(spec)).glossary == spec.glossary  # to Ray workers
    assert len(WorkSpec().glossary) == 0
    monkeypatch.setenv("BILINGUAL_DIGEST_GLOSSARY", str(glossary_file))
    assert WorkSpec().glossary == spec.glossary
    with pytest.raises(GlossaryError, match=r"nope\.tsv"):
        WorkSpec(glossary=str(glossary_file.with_name("nope.tsv")))


def test_worker_binds_entries_without_a_pair_to_each_documents_direction() -> None:
    spec = {"glossary": {"chef": "leader", "CNSP": "CNSP"}}
    docs = [
        Document("fr", "fr", "Le chef du CNSP.", None, relpath="fr"),
        Document("en", "en", "The chef of the CNSP left the country today.", None, relpath="en"),
    ]
    fr, en = worker(**spec).process(docs)
    assert fr["translation"] == "LE leader DU CNSP."
    assert en["translation"] == "THE leader OF THE CNSP LEFT THE COUNTRY TODAY."


def test_the_json_api_takes_a_glossary() -> None:
    import httpx

    from api_helpers import FR, serving

    with serving() as server:
        url = server.url
        terms = {"gouvernement": "Government", "projet de loi": "bill"}
        done = httpx.post(url + "api/v1/translate", json={"text": FR, "glossary": terms}).json()
        # The fake model echoes what it reads (Moses: ’ is ').
        assert done["translation"] == "[en] Le Government a présenté mardi un bill sur l'énergie."
        rows = [["gouvernement", "cabinet", "", "fr-en"]]
        digest = httpx.post(url + "api/v1/digest", json={"text": FR, "glossary": rows}).json()
        assert "cabinet" in digest["translation"]["text"]
        bad = httpx.post(url + "api/v1/summarize", json={"text": FR, "glossary": [["x", ""]]})
        assert bad.status_code == 400
        assert "the glossary table, row 1: the target term is empty" in bad.json()["error"]
        path = httpx.post(url + "api/v1/translate", json={"text": FR, "glossary": "g.tsv"})
        assert path.status_code == 400


def test_libretranslate_translate_uses_the_servers_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from api_helpers import FR, serving

    path = tmp_path / "g.tsv"
    path.write_text("source\ttarget\ngouvernement\tGovernment\n", encoding="utf-8")
    monkeypatch.setenv("BILINGUAL_DIGEST_GLOSSARY", str(path))
    with serving() as server:
        body = {"q": FR, "source": "fr", "target": "en"}
        done = httpx.post(server.url + "translate", json=body).json()
        assert done["translatedText"].startswith("[en] Le Government a présenté")
