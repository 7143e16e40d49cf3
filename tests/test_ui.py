"""The web app's service, handlers, rendering and exports, with a fake digester (no server)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from pathlib import Path

import gradio as gr
import pytest

from bilingual_digest import service as svc
from bilingual_digest import ui
from bilingual_digest.errors import (
    GlossaryError,
    InputError,
    ModelUnavailableError,
    UnsupportedLanguageError,
)
from bilingual_digest.report import (
    aligned_tsv,
    digest_json,
    digest_markdown,
    summary_heading,
    write_reports,
)
from bilingual_digest.ui import page, render
from ui_fakes import FakeDigester

FR = (
    "Le gouvernement a présenté un projet de loi. Les députés l’examineront à l’automne.\n"
    "Ça coûte cher."
)


@pytest.fixture
def fake() -> FakeDigester:
    return FakeDigester()


@pytest.fixture
def service(fake: FakeDigester, tmp_path: Path) -> svc.DigestService:
    return svc.DigestService(fake, max_chars=500, output_dir=tmp_path)


# --------------------------------------------------------------------------- choices


def test_the_choices_and_labels_come_from_the_registry_and_options() -> None:
    assert render.direction_choices() == [
        ("Detect", "auto"),
        ("French → English", "fr-en"),
        ("English → French", "en-fr"),
    ]
    assert render.summary_languages() == ["en", "fr"]
    assert [summary_heading(code) for code in ("en", "fr")] == [
        "Summary (English)",
        "Résumé (français)",
    ]
    assert render.model_roles() == {
        "fr-en": "French → English translator",
        "en-fr": "English → French translator",
        "summary": "Summariser",
    }
    assert render.source_names() == "French or English"


@pytest.mark.parametrize(
    ("direction", "length", "message"),
    [
        ("de-en", "short", r"Unknown direction 'de-en': accepted values are 'auto', 'fr-en', "),
        (None, "short", r"Unknown direction None"),
        ("auto", "tiny", r"Unknown summary length 'tiny': accepted values are 'short', 'medium'"),
    ],
)
def test_service_refuses_unknown_choices_with_the_accepted_values(
    service: svc.DigestService, direction: object, length: str, message: str
) -> None:
    for call in (service.digest, service.summarize):
        with pytest.raises(InputError, match=message):
            call(FR, direction, length)  # type: ignore[arg-type]
    assert service.digester.calls == []  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- uploads


def test_file_opener_reads_in_the_browser_with_the_limit() -> None:
    html = render.render_opener(12_345, 10_000)
    assert 'data-max-chars="12345"' in html
    assert 'accept=".txt,.md,text/plain,text/markdown,' in html  # and saved pages:
    assert "only its text is sent" in html  # tests/test_ui_articles.py


def test_seed_examples(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("Second article.\nBody.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Premier " + "mot " * 30 + "\nSuite.", encoding="utf-8")
    (tmp_path / "c.pdf").write_text("not offered", encoding="utf-8")
    (tmp_path / "d.txt").write_text("   ", encoding="utf-8")
    found = render.seed_examples(tmp_path)
    assert [text for _, text in found] == [
        "Premier " + "mot " * 30 + "\nSuite.",
        "Second article.\nBody.",
    ]
    assert found[0][0] == "Premier " + " ".join(["mot"] * 15) + "…"
    assert found[1][0] == "Second article."


def test_seed_examples_default_is_the_repository_seeds(seed_article: str) -> None:
    assert seed_article in [text for _, text in render.seed_examples(None)]


# --------------------------------------------------------------------------- host and port


def test_validate_host_and_port(caplog: pytest.LogCaptureFixture) -> None:
    from bilingual_digest.settings import warn_if_exposed

    assert svc.validate_host(" 127.0.0.1 ") == "127.0.0.1"
    assert svc.validate_host("localhost") == "localhost"
    warn_if_exposed("localhost")
    assert not caplog.records
    assert svc.validate_host("0.0.0.0") == "0.0.0.0"
    warn_if_exposed("0.0.0.0")
    assert "anyone who can reach this machine" in caplog.text
    assert "with no API key" in caplog.text
    with pytest.raises(ValueError, match="The host must be an address"):
        svc.validate_host(" ")
    with pytest.raises(ValueError, match=r"'999\.1\.1\.1' is not an IPv4 address"):
        svc.validate_host("999.1.1.1")
    assert svc.validate_port("8080") == 8080
    for bad in ("http", 0, 70000, True):
        with pytest.raises(ValueError, match=r"integer from 1 to 65535, got"):
            svc.validate_port(bad)


def test_the_address_comes_from_the_argument_ours_then_gradios(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert svc.resolve_address() == ("127.0.0.1", 7860)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "localhost")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "8081")
    assert svc.resolve_address() == ("localhost", 8081)
    monkeypatch.setenv("BILINGUAL_DIGEST_HOST", "127.0.0.2")
    monkeypatch.setenv("BILINGUAL_DIGEST_PORT", " 8082 ")
    assert svc.resolve_address() == ("127.0.0.2", 8082)
    assert svc.resolve_address("127.0.0.3", 8083) == ("127.0.0.3", 8083)
    monkeypatch.setenv("BILINGUAL_DIGEST_PORT", "")  # blank counts as unset
    monkeypatch.setenv("GRADIO_SERVER_PORT", "http")
    with pytest.raises(ValueError, match=r"^GRADIO_SERVER_PORT: The port must be an integer"):
        svc.resolve_address()
    with pytest.raises(ValueError, match=r"^The port must be an integer from 1 to 65535, got 0"):
        svc.resolve_address(port=0)


# --------------------------------------------------------------------------- rendering


def test_render_aligned_pairs_attribution_and_escaping(fake: FakeDigester) -> None:
    text = "Un <b>test</b> {x} ${y}. Deuxième phrase.\nTroisième."
    digest = fake.digest(text, source="fr")
    page = render.render_aligned(digest)
    assert page.count('class="bd-pair') == 3
    assert page.count('class="bd-pair bd-para"') == 1  # the third sentence starts a paragraph
    assert (
        'lang="fr" data-seg="0">Un &lt;b&gt;test&lt;/b&gt; &#123;x&#125; &#36;&#123;y&#125;.'
        in (page)
    )
    assert 'lang="en" data-seg="2">TROISIÈME.</span>' in page
    # Summary = last then first sentence: each lists its source segment.
    assert '<li class="bd-sum" tabindex="0" data-src="2" lang="en">Troisième.' in page
    assert 'data-src="0" lang="en">' in page
    assert "<b>" not in page and "${" not in page


def test_render_aligned_flags_incomplete_segments_and_findings(fake: FakeDigester) -> None:
    from dataclasses import replace

    from bilingual_digest.checks import Finding

    digest = fake.digest("Une phrase.", source="fr")
    finding = Finding("number_missing", "25 avril", 0, 'The date "25 avril" is <missing>.')
    flagged = replace(
        digest.translation.segments[0], complete=False, retried=True, findings=(finding,)
    )
    translation = replace(digest.translation, segments=(flagged,))
    page = render.render_aligned(replace(digest, translation=translation))
    assert (
        ' <span class="bd-flag" title="reached the length limit">may be cut short</span>'
        ' <span class="bd-flag" title="the model repeated itself; translated again">'
        "translated again</span>"
        ' <span class="bd-flag" title="The date &quot;25 avril&quot; is &lt;missing&gt;.">'
        "number missing: 25 avril</span>"
    ) in page


def test_render_status() -> None:
    assert "Loading the models" in render.render_status(None)
    ready = render.render_status({"fr-en": "ready", "en-fr": "ready", "summary": "ready"})
    assert ready == (
        "**Models ready:** French → English translator, English → French translator, Summariser."
    )
    error = str(ModelUnavailableError("sshleifer/distilbart-cnn-12-6", "no network"))
    failed = render.render_status({"fr-en": "ready", "en-fr": "ready", "summary": error})
    assert failed.splitlines() == [
        "**Some models could not be loaded**; the rest of the page still works.",
        "- French → English translator: ready",
        "- English → French translator: ready",
        f"- Summariser: {error}",
    ]
    assert "BILINGUAL_DIGEST_MODEL_" in failed  # says how to fix it


def test_render_notices(fake: FakeDigester) -> None:
    assert render.render_notices(fake.digest("Bonjour à tous.", source="fr")) == ""
    # A sentence warning the sentence doesn't carry stays in the list (nothing is lost).
    warned = FakeDigester(warnings=("Sentence 2 reached the limit.", "Summary is short."))
    assert render.render_notices(warned.digest("Bonjour à tous.", source="fr")) == (
        "**Notes**\n\n- Sentence 2 reached the limit.\n- Summary is short."
    )


def test_detection_note(service: svc.DigestService) -> None:
    assert page.detection_note(service, "", "auto") == ""
    assert service.detect(FR, "auto") == ("fr", "en")
    assert page.detection_note(service, FR, "auto") == (
        "Detected language: **French** → translation into English."
    )
    assert page.detection_note(service, FR, "en-fr") == (
        "Language (as chosen): **English** → translation into French."
    )
    assert page.detection_note(service, "1234 !!", "auto").startswith(
        "Language: Cannot detect the language"
    )
    assert page.detection_note(service, FR, "xx").startswith("Language: Unknown direction 'xx'")


# --------------------------------------------------------------------------- the service


def test_service_digest_waits_for_warm_up_once(tmp_path: Path) -> None:
    gate = threading.Event()
    fake = FakeDigester(gate=gate)
    service = svc.DigestService(fake, max_chars=500, output_dir=tmp_path)
    assert fake.warm_ups == 0 and not service.ready
    service.start_warm_up()
    stages: list[tuple[float, str]] = []
    done: list[object] = []
    worker = threading.Thread(
        target=lambda: done.append(service.digest(FR, "fr-en", "short", progress=lambda f, s: (
            stages.append((f, s))))),
    )  # fmt: skip
    worker.start()
    worker.join(0.3)
    assert not done and fake.calls == []  # still waiting for the models
    gate.set()
    worker.join(10)
    assert service.ready and fake.warm_ups == 1
    assert fake.calls == [(FR, "fr", "short")]
    assert stages == [
        (0.0, "Waiting for the models to finish loading"),
        (0.5, "Translating"),
        (1.0, "Summarising"),
    ]
    service.start_warm_up()
    service.digest(FR, "auto", "medium")
    assert fake.warm_ups == 1
    assert fake.calls[-1] == (FR, None, "medium")


def test_service_takes_a_glossary_as_entries_never_a_path(service: svc.DigestService) -> None:
    fake = service.digester
    rows = [["ministre", "minister", "", "fr-en"], ["", "", "", ""], ["CNSP", "CNSP"]]
    service.digest(FR, "fr-en", "short", glossary=rows)
    table = fake.glossaries[-1]
    assert [(e.source, e.target, e.pair) for e in table] == [
        ("ministre", "minister", "fr-en"), ("CNSP", "CNSP", None)
    ]  # fmt: skip
    assert [e.origin for e in table] == ["the glossary table, row 1", "the glossary table, row 3"]
    service.summarize(FR, "fr-en", "short", glossary={"ministre": "minister"})
    assert len(fake.glossaries[-1]) == 1
    calls = len(fake.calls)
    for bad, message in (
        ([["ministre", ""]], "the glossary table, row 1: the target term is empty"),
        ("/etc/passwd", "got str; a file is read by the client and its entries sent"),
        ([["a", "b", "", "de-en"]], "row 1: the language pair 'de-en' is not registered"),
    ):
        with pytest.raises(GlossaryError, match=message):
            service.digest(FR, "fr-en", "short", glossary=bad)
    assert len(fake.calls) == calls  # refused before the engine


def test_service_reads_a_glossary_files_text(service: svc.DigestService) -> None:
    tsv = "source\ttarget\tnote\nministre\tminister\tgovernment\n"
    assert service.read_glossary(tsv, "g.tsv") == [["ministre", "minister", "government", ""]]
    with pytest.raises(GlossaryError, match=r"^g.csv: the first row must name the columns"):
        service.read_glossary("a,b\nc,d\n", "g.csv")
    with pytest.raises(GlossaryError, match=r"over the limit of 500"):
        service.read_glossary(tsv * 50, "big.tsv")


def test_glossary_table_notes_and_opened_files(service: svc.DigestService) -> None:
    assert render.glossary_note(service, [["", "", "", ""]]) == (
        "No glossary: terms are translated by the model alone."
    )
    assert render.glossary_note(service, [["ministre", "minister", None, ""]]) == (
        "1 entry: used for every digest on this page."
    )
    assert render.glossary_note(service, [["ministre", "minister"], ["Ministre", "x"]]) == (
        "**The glossary can't be used:** the glossary table, row 2: 'Ministre' → 'x' "
        "conflicts with the glossary table, row 1 ('ministre' → 'minister'); keep one target "
        "per term and direction."
    )
    payload = json.dumps({"name": "g.tsv", "text": "source\ttarget\nCNSP\tCNSP\n"})
    assert render.opened_glossary(service, payload) == (
        [["CNSP", "CNSP", "", ""]],
        "Opened g.tsv: 1 entry.",
    )
    bad = json.dumps({"name": "g.tsv", "text": "source\ttarget\nCNSP\n"})
    assert render.opened_glossary(service, bad) == (
        None,
        "**g.tsv can't be used:** g.tsv, line 2: the target term is empty (to keep a term as "
        "it is, give the term itself as its target).",
    )
    assert render.opened_glossary(service, "{")[0] is None
    opener = render.render_glossary_opener(500)
    assert 'data-target="#bd-glossary-file textarea"' in opener and "data-strict" in opener
    assert 'data-kinds="glossary files (.tsv, .csv, .tbx, .txt)"' in opener


def test_service_checks_input_before_the_engine(service: svc.DigestService) -> None:
    fake = service.digester
    with pytest.raises(InputError, match=r"The article has 501 characters, over the limit of 500"):
        service.digest("a" * 501)
    with pytest.raises(InputError, match="The article is empty"):
        service.digest(" \n ")
    with pytest.raises(InputError, match="Unknown summary length"):
        service.digest(FR, "auto", "huge")
    assert fake.calls == []  # type: ignore[attr-defined]


def test_service_rejects_bad_limits(fake: FakeDigester) -> None:
    with pytest.raises(ValueError, match="max_chars must be a positive int, got 0"):
        svc.DigestService(fake, max_chars=0)
    with pytest.raises(TypeError, match="max_chars must be a positive int, got '9'"):
        svc.DigestService(fake, max_chars="9")  # type: ignore[arg-type]


def test_service_default_limit_from_environment(
    fake: FakeDigester, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert svc.DigestService(fake).max_chars == 100_000
    monkeypatch.setenv("BILINGUAL_DIGEST_MAX_CHARS", "2_000")
    assert svc.DigestService(fake).max_chars == 2000


def test_service_summarize_asks_the_engine_for_summaries_only(
    service: svc.DigestService,
) -> None:
    fake = service.digester
    english = "The council met today. Talks begin on Monday. A delegation will arrive."
    result = svc.summary_record(service.summarize(english, "auto", "short"))
    assert fake.summarize_calls == [(english, None, None, "short")]  # type: ignore[attr-defined]
    assert fake.calls == []  # type: ignore[attr-defined]  # no digest was run
    assert result == {
        "source_lang": "en",
        "target_lang": "fr",
        "summary_en": "A delegation will arrive. The council met today.",
        "summary_fr": "A DELEGATION WILL ARRIVE. THE COUNCIL MET TODAY.",
        "summaries": {
            "en": "A delegation will arrive. The council met today.",
            "fr": "A DELEGATION WILL ARRIVE. THE COUNCIL MET TODAY.",
        },
        "warnings": [],
        "article": None,
    }
    service.summarize(FR, "fr-en")
    assert fake.summarize_calls[-1] == (FR, "fr", "en", "medium")  # type: ignore[attr-defined]


def test_service_passes_the_speed_on_and_refuses_unknown_ones(
    service: svc.DigestService, fake: FakeDigester
) -> None:
    service.digest(FR, "auto", "short", speed="fast")
    service.summarize(FR, "auto", "short", speed="default")
    translator = fake.translator("fr")
    service.digester.translator = lambda source, target=None: translator  # type: ignore[method-assign]
    service.translate(FR, "fr-en", speed="fast")
    assert fake.speeds == ["fast", "default"] and translator.beams == [1]
    for call in (service.digest, service.summarize, service.digest_stream):
        with pytest.raises(InputError, match="Unknown speed 'turbo': accepted values are "):
            call(FR, "auto", "short", speed="turbo")  # type: ignore[operator]
    assert len(fake.calls) == 1  # only the first digest ran


def test_service_streams_the_digest_and_checks_the_request_first(
    service: svc.DigestService, fake: FakeDigester
) -> None:
    with pytest.raises(InputError, match="over the limit of 500"):
        service.digest_stream("x" * 501)
    steps = list(service.digest_stream(FR, "auto", "short", "fast"))
    assert [len(step.segments) for step in steps[:4]] == [0, 1, 2, 3]
    assert steps[-1].digest is not None and steps[-1].digest.original == FR
    assert fake.speeds == ["fast"]


def test_the_digest_button_streams_the_translation_then_the_summaries(
    fake: FakeDigester, tmp_path: Path
) -> None:
    demo = ui.build_demo(fake, examples_dir=None, output_dir=tmp_path)
    (handler,) = [fn.fn for fn in demo.fns.values() if fn.name == "on_digest"]
    demo.service.wait_ready(10)

    async def read() -> list[list]:  # the handler streams (an async generator)
        return [update async for update in handler(FR, "", "", "auto", "short", None, "default")]

    updates = asyncio.run(read())
    translations = [update[2]["value"] for update in updates]
    segments = fake.digest(FR).translation.segments
    assert translations[:4] == [
        "",
        segments[0].translation,
        f"{segments[0].translation} {segments[1].translation}",
        FR.upper(),
    ]
    assert [update[3]["value"] for update in updates[:4]] == [""] * 4  # no summary yet
    assert [update[6] for update in updates[:2]] == ["*Translating…*"] * 2
    for update in updates[:-1]:  # no download before the digest is done
        assert all(button["visible"] is False for button in update[-4:-1])
    assert (
        updates[-1]
        == page.page_outputs(demo.service, fake.digest(FR), detected=True, languages=["en", "fr"])[
            :7
        ]
        + updates[-1][7:]
    )
    assert all(button["visible"] for button in updates[-1][-4:-1])


def test_page_outputs_fill_every_output(service: svc.DigestService) -> None:
    digest = service.digest(FR, "auto", "short")
    out = page.page_outputs(service, digest, detected=True, languages=["en", "fr", "de"])
    assert len(out) == 12
    assert out.pop() == ""  # the article's heading: none for a text
    assert out[0] == "Detected language: **French** → translation into English."
    assert out[1]["value"] == FR and out[1]["label"] == "Original (French)"
    assert out[2]["value"] == FR.upper() and out[2]["label"] == "Translation (English)"
    summary = "Ça coûte cher. Le gouvernement a présenté un projet de loi."
    assert (out[3]["value"], out[3]["visible"]) == (summary, True)
    assert (out[4]["value"], out[4]["visible"]) == (summary.upper(), True)
    assert (out[5]["value"], out[5]["visible"]) == ("", False)  # not a language of the pair
    del out[5]
    assert out[5] == render.render_aligned(digest)
    assert out[6] == ""
    paths = [Path(o["value"]) for o in out[7:]]
    assert all(o["visible"] for o in out[7:])
    assert [p.name for p in paths] == ["digest-fr-en.json", "digest-fr-en.md", "digest-fr-en.tsv"]
    assert json.loads(paths[0].read_text(encoding="utf-8")) == digest.to_dict()
    assert paths[2].read_text(encoding="utf-8") == aligned_tsv(digest)
    # A second digest gets its own folder: an earlier download link stays valid.
    again = page.page_outputs(service, digest, detected=True, languages=["en", "fr"])
    assert Path(again[7]["value"]).parent != paths[0].parent and paths[0].exists()


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("error", "title"),
    [
        (InputError("The article is empty: give some French or English text."), "Cannot digest"),
        (UnsupportedLanguageError("The text looks like German, not French."), "Cannot digest"),
        (ModelUnavailableError("x/y", "no network"), "Model unavailable"),
    ],
)
def test_engine_errors_become_page_messages(error: Exception, title: str) -> None:
    wrapped = page.guarded(lambda: (_ for _ in ()).throw(error))
    with pytest.raises(gr.Error) as info:
        wrapped()
    assert info.value.message == str(error)
    assert info.value.title.startswith(title)
    assert info.value.print_exception is False


def test_unexpected_errors_are_logged_not_shown_as_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> None:
        raise RuntimeError("CUDA out of memory")

    with pytest.raises(gr.Error) as info:
        page.guarded(broken)()
    assert info.value.message == (
        "Something went wrong (RuntimeError: CUDA out of memory). Details are in the server log."
    )
    assert "Traceback" in caplog.text  # the details go to the log, not to the page


# --------------------------------------------------------------------------- building


def test_build_demo_loads_nothing_and_names_the_endpoints(fake: FakeDigester) -> None:
    demo = ui.build_demo(fake, max_chars=1234, examples_dir=None)
    assert fake.warm_ups == 0 and demo.service.status is None
    assert demo.service.max_chars == 1234
    public = {
        fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public" and fn.api_name
    }
    assert public == {"digest", "translate", "summarize"}


def test_build_demo_shows_the_registry_and_the_static_files(fake: FakeDigester) -> None:
    demo = ui.build_demo(fake, examples_dir=None)
    blocks = {b.elem_id: b for b in demo.blocks.values() if getattr(b, "elem_id", None)}
    assert blocks["bd-direction"].choices == render.direction_choices()
    assert [value for _, value in blocks["bd-length"].choices] == ["short", "medium", "long"]
    assert blocks["bd-length"].value == "medium"
    assert [blocks[f"bd-summary-{code}"].label for code in ("en", "fr")] == [
        "Summary (English)",
        "Résumé (français)",
    ]
    assert blocks["bd-upload"].js_on_load == render.static_text("opener.js")
    assert blocks["bd-aligned"].css_template == render.static_text("aligned.css")
    assert "arrayBuffer" in render.static_text("opener.js")


def test_the_digest_handler_is_guarded_once(fake: FakeDigester) -> None:
    demo = ui.build_demo(fake, examples_dir=None)
    (handler,) = [fn.fn for fn in demo.fns.values() if fn.name == "on_digest"]
    assert handler.__wrapped__.__name__ == "on_digest"
    assert not hasattr(handler.__wrapped__, "__wrapped__")  # not a guard around a guard


def test_the_static_files_are_package_data() -> None:
    import tomllib

    static = Path(render.__file__).with_name("static")
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["bilingual_digest.ui"]
    shipped = {path.name for pattern in patterns for path in static.parent.glob(pattern)}
    assert shipped == {path.name for path in static.iterdir()} >= {"page.css", "opener.js"}


@pytest.mark.parametrize("limit", [0, -1, True, 1.5])
def test_build_demo_rejects_bad_concurrency(fake: FakeDigester, limit: object) -> None:
    with pytest.raises(ValueError, match="concurrency_limit must be a positive int"):
        ui.build_demo(fake, concurrency_limit=limit)  # type: ignore[arg-type]


def test_package_service_and_rendering_do_not_import_gradio() -> None:
    code = (
        "import sys, bilingual_digest, bilingual_digest.report, bilingual_digest.cli, "
        "bilingual_digest.service, bilingual_digest.ui, bilingual_digest.ui.render; "
        "print('gradio' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- exports


def test_exports(fake: FakeDigester, tmp_path: Path) -> None:
    digest = fake.digest("Il a dit\tnon. Fin.", source="fr")
    assert aligned_tsv(digest) == (
        "index\tparagraph\tfr\ten\tcomplete\n1\t1\tIl a dit non.\tIL A DIT NON.\tyes\n"
        "2\t1\tFin.\tFIN.\tyes\n"
    )
    markdown = digest_markdown(digest)
    assert "- Direction: French → English\n" in markdown
    assert "## Résumé (français)\n\nFIN. IL A DIT\tNON.\n" in markdown
    assert "1. Fin. — source sentence 2\n2. Il a dit\tnon. — source sentence 1\n" in markdown
    assert "| 1 | Il a dit non. | IL A DIT NON. |" in markdown
    assert json.loads(digest_json(digest))["summary_fr"] == "FIN. IL A DIT\tNON."
    paths = write_reports(digest, tmp_path, stem="x")
    assert {k: p.name for k, p in paths.items()} == {
        "json": "x.json",
        "markdown": "x.md",
        "tsv": "x.tsv",
    }
    assert paths["markdown"].read_text(encoding="utf-8") == markdown


def test_ui_turns_off_analytics_and_telemetry_before_importing_gradio() -> None:
    code = (
        "import os\n"
        "for name in ('GRADIO_ANALYTICS_ENABLED', 'HF_HUB_DISABLE_TELEMETRY'):\n"
        "    os.environ.pop(name, None)\n"
        "from bilingual_digest.ui import build_demo\n"
        "print(os.environ['GRADIO_ANALYTICS_ENABLED'], os.environ['HF_HUB_DISABLE_TELEMETRY'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "1"]
