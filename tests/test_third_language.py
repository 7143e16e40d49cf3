"""Proof that a language pair is data: a third language, registered at run time, works through
every door (Python, the command line, the batch script, other processes, the web app) without
editing a module. The "German" models are tiny random Marian models the suite builds, so their
output is noise; what is checked is that the right model runs, in the right direction,
everywhere."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from bilingual_digest import Digester, detect_language, digest, translate
from bilingual_digest import languages as registry
from bilingual_digest.batch import Document, WorkSpec
from bilingual_digest.batch.run import run_batch
from bilingual_digest.cli import main
from bilingual_digest.options import TranslationOptions

from tiny_models import build_marian, english_lines, german_lines

GERMAN = " ".join(german_lines()[:4])
ENGLISH = " ".join(english_lines()[:4])
GREEDY = TranslationOptions(num_beams=1, max_new_tokens=16, retry_degenerate=False)


@pytest.fixture(scope="module")
def german_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("tiny-de")
    return {
        "de-en": str(build_marian(root / "opus-mt-de-en", "de", "en", seed=5)),
        "en-de": str(build_marian(root / "opus-mt-en-de", "en", "de", seed=6)),
    }


@pytest.fixture
def german(german_models: dict[str, str], tiny_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Register German and its two pairs, as a user's code or registry file would."""
    registry.reset_registry()
    registry.register_language(
        {
            "code": "de",
            "name": "German",
            "native_name": "Deutsch",
            "summary_label": "Zusammenfassung",
            "detector": "GERMAN",
        }
    )
    for key, model in german_models.items():
        source, target = key.split("-")
        registry.register_pair({"source": source, "target": target, "model": model})
    yield german_models
    registry.reset_registry()


def test_translate_detects_and_translates_german(german: dict[str, str]) -> None:
    assert detect_language(GERMAN) == "de"
    out = translate(GERMAN)
    assert isinstance(out, str) and out.strip()
    assert translate(ENGLISH, source="en", target="de").strip()


def test_digest_of_a_german_article_has_german_and_english_summaries(
    german: dict[str, str], tiny_env: dict[str, str]
) -> None:
    result = Digester().digest(GERMAN, length="short")
    assert (result.source_lang, result.target_lang) == ("de", "en")
    assert list(result.summaries) == ["en", "de"]
    assert result.summaries["en"].strip()
    assert {key: result.models[key] for key in ("de-en", "en-de")} == german
    data = result.to_dict()
    assert data["summary_de"] == result.summaries["de"] and "summary_fr" not in data
    english = digest(ENGLISH, target="de", length="short")
    assert (english.target_lang, list(english.summaries)) == ("de", ["en", "de"])


def test_command_line_offers_and_runs_the_new_direction(
    german: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "artikel.txt"
    article.write_text(GERMAN + "\n", encoding="utf-8")
    assert main(["translate", str(article), "--direction", "de-en", "--beams", "1"]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["translate", str(article), "--direction", "de-fr"]) == 2
    assert "invalid choice: 'de-fr'" in capsys.readouterr().err


def test_batch_script_over_german_documents(german: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "artikel"
    folder.mkdir()
    for i, line in enumerate(german_lines()[:3]):
        (folder / f"{i}.txt").write_text(line, encoding="utf-8")
    out = tmp_path / "corpus.jsonl"
    spec = WorkSpec(direction="auto", summarize=True, length="short", options=GREEDY)
    stats = run_batch([str(folder)], str(out), spec=spec)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (stats.done, stats.failed) == (3, 0)
    assert {(r["source_lang"], r["target_lang"]) for r in records} == {("de", "en")}
    assert all({"summary_de", "summary_en"} <= set(r) and r["summary_en"] for r in records)


def _process_in_a_fresh_process(spec_bytes: bytes) -> dict[str, object]:
    spec = pickle.loads(spec_bytes)
    (record,) = spec.build().process([Document("a", "a.txt", GERMAN)])
    return record


def test_another_process_replays_the_registry(german: dict[str, str]) -> None:
    """Batch workers and Ray actors start with the shipped registry; the spec carries the rest."""
    spec = WorkSpec(direction="de-en", options=GREEDY)
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        record = pool.submit(_process_in_a_fresh_process, pickle.dumps(spec)).result(timeout=300)
    assert (record["source_lang"], record["target_lang"]) == ("de", "en")
    assert record["translation"]


def test_web_app_offers_and_runs_the_new_direction(german: dict[str, str], tmp_path: Path) -> None:
    """The page built over the registry shows German, and its API works in de-en."""
    import httpx
    from gradio_client import Client

    from bilingual_digest.translation import Translator
    from bilingual_digest.ui import build_demo, launch
    from bilingual_digest.ui.page import page_outputs
    from bilingual_digest.ui.render import render_status, summary_languages
    from test_app import free_port

    def greedy(source: str, target: str) -> Translator:  # the registry's model, beam 1
        return Translator(source, target, options=GREEDY)

    demo = build_demo(Digester(load_translator=greedy), examples_dir=tmp_path, max_chars=5000)
    _, port = launch(demo, port=free_port(), block=False, quiet=True)
    try:
        config = httpx.get(f"http://127.0.0.1:{port}/config", timeout=30).json()
        props = {c["props"].get("elem_id"): c["props"] for c in config["components"]}
        assert ["German → English", "de-en"] in props["bd-direction"]["choices"]
        assert ["English → German", "en-de"] in props["bd-direction"]["choices"]
        assert props["bd-summary-de"]["label"] == "Zusammenfassung (Deutsch)"
        assert "French, English or German" in props["bd-header"]["value"]

        client = Client(f"http://127.0.0.1:{port}/", analytics_enabled=False, verbose=False)
        translated = client.predict(GERMAN, "de-en", api_name="/translate")
        assert (translated["source_lang"], translated["target_lang"]) == ("de", "en")
        assert [s["source"] for s in translated["segments"]] == german_lines()[:4]
        result = client.predict(GERMAN, "de-en", "short", api_name="/digest")
        assert (result["source_lang"], result["target_lang"]) == ("de", "en")
        assert result["summary_en"].strip() and result["summary_de"].strip()
        assert {key: result["models"][key] for key in ("de-en", "en-de")} == german
        summary = client.predict(GERMAN, "short", "de-en", api_name="/summarize")
        assert summary["summaries"] == {"en": result["summary_en"], "de": result["summary_de"]}
        assert summary["summary_fr"] == ""

        service = demo.service
        assert service.wait_ready(120) and {"de-en", "en-de"} <= set(service.status)
        assert "German → English translator, English → German translator" in (
            render_status(service.status)
        )
        shown = page_outputs(
            service, service.digest(GERMAN, "de-en", "short"), False, summary_languages()
        )
        assert shown[0] == "Language (as chosen): **German** → translation into English."
        assert shown[1]["label"] == "Original (German)"
        boxes = dict(zip(summary_languages(), shown[3:6], strict=True))
        assert {code: box["visible"] for code, box in boxes.items()} == {
            "en": True,
            "fr": False,
            "de": True,
        }
    finally:
        demo.close()
