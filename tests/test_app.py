"""The real app, served in-process on a free port with tiny models, called through gradio_client."""

from __future__ import annotations

import importlib
import ipaddress
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import gradio as gr
import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from bilingual_digest import ui
from bilingual_digest.digest import Digester
from bilingual_digest.options import TranslationOptions
from bilingual_digest.summarization import Summarizer, SummaryOptions
from bilingual_digest.translation import Translator

ROOT = Path(__file__).resolve().parent.parent
FR = (
    "Le gouvernement a présenté mardi un projet de loi sur l’énergie. Les députés l’examineront "
    "à l’automne. Le ministre a défendu « une réforme nécessaire » devant la presse."
)


ENGLISH = (
    "The government presented an energy bill on Tuesday. Members of parliament will examine it "
    "in the autumn. The minister defended a necessary reform before the press."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tiny_digester(fr_en: Path, en_fr: Path, summary: Path) -> Digester:
    """A real Digester on the tiny models, greedy and short so that it is fast."""
    options = TranslationOptions(num_beams=1, max_new_tokens=16)
    return Digester(
        fr_en=Translator("fr", model=str(fr_en), backend="torch", options=options),
        en_fr=Translator("en", model=str(en_fr), backend="torch", options=options),
        summarizer=Summarizer(
            model=str(summary),
            backend="torch",
            options=SummaryOptions(num_beams=1, max_new_tokens=16),
        ),
    )


@pytest.fixture(scope="module")
def served(
    marian_fr_en: Path, marian_en_fr: Path, bart_summary: Path, tmp_path_factory
) -> Iterator[tuple[gr.Blocks, Client, tuple[str, int]]]:
    demo = ui.build_demo(
        tiny_digester(marian_fr_en, marian_en_fr, bart_summary),
        max_chars=2000,
        output_dir=tmp_path_factory.mktemp("downloads"),
    )
    port = free_port()
    with pytest.MonkeyPatch.context() as mp:  # the port from the environment, host by default
        mp.setenv("BILINGUAL_DIGEST_PORT", str(port))
        mp.delenv("BILINGUAL_DIGEST_HOST", raising=False)
        address = ui.launch(demo, block=False, quiet=True)
    try:
        client = Client(
            f"http://127.0.0.1:{port}/",
            analytics_enabled=False,
            verbose=False,
            download_files=False,
        )
        yield demo, client, address
    finally:
        demo.close()


def test_launch_binds_loopback_on_the_configured_port(served) -> None:
    demo, _, (host, port) = served
    assert host == "127.0.0.1"
    assert demo.server_name == "127.0.0.1" and demo.server_port == port
    assert demo.share is False or demo.share is None


def test_models_warm_up_in_the_background_at_launch(served) -> None:
    demo, _, _ = served
    assert demo.service.wait_ready(60)
    assert demo.service.status == {"fr-en": "ready", "en-fr": "ready", "summary": "ready"}


def test_api_lists_the_three_named_endpoints(served) -> None:
    _, client, _ = served
    info = client.view_api(print_info=False, return_format="dict")
    assert set(info["named_endpoints"]) == {"/digest", "/translate", "/summarize"}
    params = {
        name: [p["parameter_name"] for p in endpoint["parameters"]]
        for name, endpoint in info["named_endpoints"].items()
    }
    assert params == {
        "/digest": ["text", "direction", "length", "glossary", "url", "html", "speed"],
        "/translate": ["text", "direction", "glossary", "url", "html", "speed"],
        "/summarize": ["text", "length", "direction", "glossary", "url", "html", "speed"],
    }


def test_endpoints_take_a_saved_page_and_refuse_a_link_to_this_machine(served) -> None:
    from page_server import NEWS_PAGE

    _, client, _ = served
    link = "https://example.fr/budget"
    summary = client.predict(html=NEWS_PAGE, url=link, length="short", api_name="/summarize")
    assert summary["article"] == {
        "url": link,
        "title": "Le conseil municipal vote le budget",
        "author": "Marie Dupont",
        "date": "2024-03-05",
        "site": "La Gazette",
    }
    translated = client.predict(html=NEWS_PAGE, api_name="/translate")
    assert translated["segments"][0]["source"] == "Le conseil municipal vote le budget"
    assert "cookies" not in translated["translation"]
    with pytest.raises(AppError, match=r"Refused to fetch http://127\.0\.0\.1:9/: 127\.0\.0\.1 is"):
        client.predict(url="http://127.0.0.1:9/", api_name="/digest")
    with pytest.raises(AppError, match=r"Give one of text, url or html, not text and url\."):
        client.predict(FR, url=link, api_name="/digest")


def test_endpoints_take_a_glossary(served) -> None:
    _, client, _ = served
    terms = {"gouvernement": "Government", "ministre": "minister"}
    result = client.predict(FR, "fr-en", terms, api_name="/translate")
    first, _, third = (s["translation"] for s in result["segments"])
    assert "Government" in first and "minister" in third
    rows = [["députés", "MPs", "", "fr-en"], ["", "", "", ""]]
    digest = client.predict(FR, "fr-en", "short", rows, api_name="/digest")
    assert "MPs" in digest["translation"]["segments"][1]["translation"]
    with pytest.raises(AppError, match=r"the glossary table, row 1: the target term is empty"):
        client.predict(FR, "fr-en", [["députés", ""]], api_name="/translate")
    with pytest.raises(AppError, match=r"a file is read by the client and its entries sent"):
        client.predict(FR, "fr-en", "/etc/passwd", api_name="/translate")


def test_digest_endpoint(served) -> None:
    _, client, _ = served
    result = client.predict(FR, "auto", "short", api_name="/digest")
    assert result["original"] == FR
    assert (result["source_lang"], result["target_lang"]) == ("fr", "en")
    segments = result["translation"]["segments"]
    assert [s["source"] for s in segments] == [
        "Le gouvernement a présenté mardi un projet de loi sur l’énergie.",
        "Les députés l’examineront à l’automne.",
        "Le ministre a défendu « une réforme nécessaire » devant la presse.",
    ]
    assert result["translation"]["text"].strip() and result["summary_en"].strip()
    assert result["summary_fr"].strip()
    assert len(result["attribution"]) == len(result["summary_sentences"])
    assert all(0 <= i < len(segments) for sources in result["attribution"] for i in sources)
    assert {"fr-en", "en-fr"} <= set(result["models"])


def test_translate_endpoint_keeps_the_sentence_alignment(served) -> None:
    _, client, _ = served
    result = client.predict(FR, "fr-en", api_name="/translate")
    assert (result["source_lang"], result["target_lang"]) == ("fr", "en")
    assert [s["source"] for s in result["segments"]] == [
        "Le gouvernement a présenté mardi un projet de loi sur l’énergie.",
        "Les députés l’examineront à l’automne.",
        "Le ministre a défendu « une réforme nécessaire » devant la presse.",
    ]
    assert all(s["translation"].strip() for s in result["segments"])


def test_summarize_endpoint(served) -> None:
    _, client, _ = served
    result = client.predict(FR, "medium", api_name="/summarize")
    assert set(result) == {
        "source_lang", "summary_en", "summary_fr", "warnings", "target_lang", "summaries",
        "article",
    }  # fmt: skip
    assert result["article"] is None  # a text, not a page
    assert result["source_lang"] == "fr" and result["summary_en"].strip()
    assert result["summaries"] == {"en": result["summary_en"], "fr": result["summary_fr"]}
    english = client.predict(ENGLISH, "short", "en-fr", api_name="/summarize")
    assert (english["source_lang"], english["target_lang"]) == ("en", "fr")
    assert english["summary_en"].strip() and english["summary_fr"].strip()


@pytest.mark.parametrize(
    ("args", "api_name", "message"),
    [
        (("   ", "auto", "short"), "/digest", "The article is empty"),
        (("a " * 1001, "auto", "short"), "/digest", "over the limit of 2,000"),
        ((FR, "fr-de"), "/translate", "Unknown direction 'fr-de'"),
        ((FR, "huge"), "/summarize", "Unknown summary length 'huge'"),
        ((FR, "short", "fr-de"), "/summarize", "Unknown direction 'fr-de'"),
        (("Der Bundestag hat heute ein neues Gesetz beschlossen.", "auto"), "/translate",
         "looks like German"),
    ],
)  # fmt: skip
def test_errors_come_back_as_clear_messages(served, args, api_name, message) -> None:
    _, client, _ = served
    with pytest.raises(AppError, match=message) as info:
        client.predict(*args, api_name=api_name)
    assert "Traceback" not in str(info.value)


def test_nothing_but_loopback_is_contacted(
    marian_fr_en: Path, marian_en_fr: Path, bart_summary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Launch, load the models, digest through the client: every connection stays local."""
    contacted: list[object] = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def is_local(host: object) -> bool:
        if not isinstance(host, str):
            return True  # a Unix socket path
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            return False

    def connect(sock: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else address
        if not is_local(host):
            contacted.append(address)
            raise OSError(f"test: blocked connection to {address!r}")
        real_connect(sock, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host is not None and not is_local(host):
            contacted.append(host)
            raise socket.gaierror(f"test: blocked lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    demo = ui.build_demo(tiny_digester(marian_fr_en, marian_en_fr, bart_summary))
    _, port = ui.launch(demo, port=free_port(), block=False, quiet=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", analytics_enabled=False, verbose=False)
        result = client.predict(FR, "auto", "short", api_name="/digest")
        assert demo.service.status == {"fr-en": "ready", "en-fr": "ready", "summary": "ready"}
    finally:
        demo.close()
    assert result["summary_fr"].strip()
    assert contacted == []


def test_app_module_builds_the_demo_without_loading_models(
    tiny_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    sys.modules.pop("app", None)
    app = importlib.import_module("app")
    try:
        assert isinstance(app.demo, gr.Blocks)
        service = app.demo.service
        assert service.status is None and not service.ready
        assert repr(service.digester) == "Digester(loaded=[])"
    finally:
        sys.modules.pop("app", None)


def test_cli_serve_passes_every_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from bilingual_digest import server
    from bilingual_digest.cli import main
    from bilingual_digest.settings import ServerSettings

    calls: list[ServerSettings] = []
    monkeypatch.setattr(server, "serve", lambda settings: calls.append(settings) or 0)
    argv = ["serve", "--host", "0.0.0.0", "--port", "8123", "--max-chars", "500",
            "--rate-limit", "5/second", "--cors-origins", "chrome-extension://abc",
            "--queue-size", "9", "--concurrency", "2"]  # fmt: skip
    assert main(argv) == 0
    assert calls[-1] == ServerSettings(
        host="0.0.0.0", port=8123, max_chars=500, rate_limit="5/second",
        cors_origins=("chrome-extension://abc",), queue_size=9, concurrency=2,
    )  # fmt: skip
    monkeypatch.setenv("BILINGUAL_DIGEST_PORT", "8124")
    monkeypatch.setenv("BILINGUAL_DIGEST_RATE_LIMIT", "none")
    assert main(["serve"]) == 0
    assert (calls[-1].host, calls[-1].port, calls[-1].rate_limit) == ("127.0.0.1", 8124, None)
    assert main(["serve", "--port", "http"]) == 2
    assert main(["serve", "--rate-limit", "lots"]) == 2


def test_launch_reads_gradios_variables_when_ours_are_not_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui_fakes import FakeDigester

    port = free_port()
    monkeypatch.setenv("GRADIO_SERVER_NAME", "127.0.0.1")
    monkeypatch.setenv("GRADIO_SERVER_PORT", str(port))
    demo = ui.build_demo(FakeDigester(), examples_dir=None)
    try:
        assert ui.launch(demo, block=False, quiet=True) == ("127.0.0.1", port)
        assert httpx.get(f"http://127.0.0.1:{port}/config").status_code == 200
    finally:
        demo.close()


def test_python_app_py_takes_the_options_of_serve(tiny_env: dict[str, str]) -> None:
    env = {**os.environ, **tiny_env, "GRADIO_SERVER_PORT": "1"}  # ours win: --port
    bad = subprocess.run(
        [sys.executable, "app.py", "--port", "http"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "argument --port: The port must be an integer from 1 to 65535, got 'http'" in bad.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--max-chars", "1234"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stderr.read()  # type: ignore[union-attr]
            try:
                config = httpx.get(f"http://127.0.0.1:{port}/config", timeout=5).text
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the app never answered on --port"
                time.sleep(0.5)
        assert "Up to 1,234 characters;" in config  # the page's limits line
    finally:
        server.terminate()
        server.wait(30)
