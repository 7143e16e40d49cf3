"""What protects the server: keys, rate limit, character and body limits, CORS, security
headers, host names (DNS rebinding), no uploads, nothing secret in the logs; and the promises
of issue 13 (a cancelled request stops; a bad address or port is one line and an exit status)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from bilingual_digest.access import BAD_KEY, NEED_KEY
from bilingual_digest.api import create_app
from bilingual_digest.backends import Generated
from bilingual_digest.options import GenerationOptions
from bilingual_digest.settings import ServerSettings

from api_helpers import FR, FR_ARTICLE, READ_FR, Engine, serving
from fakes import TagBackend

ROOT = Path(__file__).resolve().parent.parent
TRANSLATE = {"q": FR, "source": "fr", "target": "en"}


# --------------------------------------------------------------------------- API keys


def test_with_keys_every_working_call_needs_one(tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("# the operator's keys\nk-file-1\n\n  k-file-2  \n", encoding="utf-8")
    with serving(api_keys_file=str(keys), api_keys="k-env", rate_limit="none") as server:
        url = server.url
        missing = httpx.post(url + "translate", data=TRANSLATE)
        assert (missing.status_code, missing.json()) == (403, {"error": NEED_KEY})
        wrong = httpx.post(url + "translate", data={**TRANSLATE, "api_key": "k-guess"})
        assert (wrong.status_code, wrong.json()) == (403, {"error": BAD_KEY})
        for key in ("k-file-1", "k-file-2", "k-env"):
            ok = httpx.post(url + "translate", data={**TRANSLATE, "api_key": key})
            assert ok.json() == {"translatedText": f"[en] {READ_FR}"}
        assert httpx.post(url + "detect", json={"q": FR}).status_code == 403
        assert httpx.post(url + "api/v1/digest", json={"text": FR_ARTICLE}).status_code == 403
        bearer = httpx.post(
            url + "api/v1/translate",
            json={"text": FR},
            headers={"Authorization": "Bearer k-env"},
        )
        assert bearer.status_code == 200
        for path in ("languages", "health", "spec", "frontend/settings"):  # as LibreTranslate
            assert httpx.get(url + path).status_code == 200, path
        settings = httpx.get(url + "frontend/settings").json()
        assert settings["apiKeys"] is True and settings["keyRequired"] is True


def test_keys_settings_that_cannot_work_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "keys.txt"
    empty.write_text("# none yet\n", encoding="utf-8")
    with pytest.raises(ValueError, match="holds no key"):
        create_app(settings=ServerSettings.resolve(api_keys_file=str(empty)), page=False)
    with pytest.raises(ValueError, match="does not exist"):
        ServerSettings.resolve(api_keys_file=str(tmp_path / "nowhere"))
    with pytest.raises(ValueError, match="page_requires_key needs API keys"):
        create_app(settings=ServerSettings.resolve(page_requires_key=True), page=False)


def test_an_open_page_offers_no_keyless_api_and_a_keyed_page_asks_for_a_key() -> None:
    with serving(page=True, api_keys="k1") as server:  # open page, keyed API
        info = httpx.get(server.url + "gradio_api/info").json()
        assert info["named_endpoints"] == {}
        assert httpx.get(server.url).status_code == 200
    with serving(page=True, api_keys="k1", page_requires_key=True) as server:
        assert httpx.get(server.url + "config").status_code == 401
        with httpx.Client(base_url=server.url) as client:
            refused = client.post("login", data={"username": "me", "password": "nope"})
            assert refused.status_code == 400
            client.post("login", data={"username": "me", "password": "k1"})
            assert client.get("config").status_code == 200
            assert "/digest" in client.get("gradio_api/info").json()["named_endpoints"]


# --------------------------------------------------------------------------- rate limit


def test_a_client_over_its_rate_limit_gets_429_and_others_are_unaffected() -> None:
    with serving(rate_limit="3/minute", api_keys="k1,k2") as server:
        url = server.url
        first = [
            httpx.post(url + "translate", data={**TRANSLATE, "api_key": "k1"}) for _ in range(4)
        ]
        assert [r.status_code for r in first] == [200, 200, 200, 429]
        assert first[3].json() == {"error": "Slowdown: 3 per 1 minute"}
        assert 0 < int(first[3].headers["retry-after"]) <= 60
        other = httpx.post(url + "translate", data={**TRANSLATE, "api_key": "k2"})
        assert other.status_code == 200  # another key: another client
        assert httpx.get(url + "health").status_code == 200  # not rate limited
    with serving(rate_limit="2/minute") as server:  # no keys: clients are addresses
        here = [httpx.post(server.url + "detect", data={"q": FR}) for _ in range(3)]
        assert [r.status_code for r in here] == [200, 200, 429]
        elsewhere = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        with elsewhere:
            assert elsewhere.post(server.url + "detect", data={"q": FR}).status_code == 200


def test_guessing_keys_is_rate_limited_too() -> None:
    with serving(rate_limit="2/minute", api_keys="k1") as server:
        codes = [
            httpx.post(server.url + "translate", data={**TRANSLATE, "api_key": f"g{n}"})
            for n in range(3)
        ]
        assert [r.status_code for r in codes] == [403, 403, 429]


# --------------------------------------------------------------------------- sizes


def test_a_body_over_the_limit_is_refused_before_it_is_read() -> None:
    # LibreTranslate's routes take no page: the page size limit (10 MB) gives them no room.
    with serving(max_chars=100, rate_limit="none") as server:
        limit = 12 * 100 + 64 * 1024
        big = httpx.post(server.url + "translate", content=b"x" * (limit + 1))
        assert big.status_code == 413 and big.json()["error"] == (
            f"Request body too large: the most this server reads is {limit:,} bytes."
        )
        assert httpx.post(server.url + "detect", content=b"x" * (limit + 1)).status_code == 413
        page = httpx.post(server.url + "api/v1/digest", content=b"x" * (limit + 1))
        assert page.status_code == 400  # read (a page may be that large), then found bad
        opened = httpx.post(server.url + "gradio_api/queue/join", content=b"x" * (limit + 1))
        assert opened.status_code != 413  # the page's file opener sends a saved page there

        def chunks():  # no Content-Length: counted as it arrives
            for _ in range(limit // 4096 + 2):
                yield b"q=" + b"a" * 4094

        streamed = httpx.post(
            server.url + "translate",
            content=chunks(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert streamed.status_code == 413


# --------------------------------------------------------------------------- browser guards


def test_cors_is_off_by_default_and_on_for_the_configured_origins() -> None:
    preflight = {"Origin": "chrome-extension://abc", "Access-Control-Request-Method": "POST"}
    with serving(rate_limit="none") as server:
        answer = httpx.options(server.url + "translate", headers=preflight)
        assert "access-control-allow-origin" not in answer.headers
        post = httpx.post(server.url + "translate", data=TRANSLATE, headers=preflight)
        assert "access-control-allow-origin" not in post.headers
    with serving(rate_limit="none", cors_origins="chrome-extension://abc") as server:
        answer = httpx.options(server.url + "translate", headers=preflight)
        assert answer.headers["access-control-allow-origin"] == "chrome-extension://abc"
        post = httpx.post(server.url + "translate", data=TRANSLATE, headers=preflight)
        assert post.headers["access-control-allow-origin"] == "chrome-extension://abc"
        stranger = httpx.post(
            server.url + "translate", data=TRANSLATE, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in stranger.headers


def test_every_answer_carries_the_security_headers() -> None:
    with serving(page=True) as server:
        answers = [
            httpx.get(server.url),  # the page
            httpx.get(server.url + "config"),
            httpx.post(server.url + "translate", data=TRANSLATE),
            httpx.post(server.url + "translate", data={"q": FR}),  # 400
            httpx.get(server.url + "translate"),  # 405
            httpx.get(server.url + "no-such-page"),  # 404
        ]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_a_loopback_server_answers_only_to_loopback_host_names() -> None:
    """DNS rebinding: evil.example resolving to 127.0.0.1 must not reach the server."""
    with serving(page=True) as server:
        port = server.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "localhost"):
            assert httpx.get(server.url + "health", headers={"host": host}).status_code == 200
        for host in (f"evil.example:{port}", "attacker.localhost.evil.example", "10.0.0.1"):
            for path in ("health", "", "config"):
                assert httpx.get(server.url + path, headers={"host": host}).status_code == 400
    with serving(allowed_hosts="translate.example.org") as server:
        named = {"host": "translate.example.org"}
        assert httpx.get(server.url + "health", headers=named).status_code == 200
        assert httpx.get(server.url + "health", headers={"host": "localhost"}).status_code == 400
    assert ServerSettings.resolve(host="0.0.0.0").hosts is None  # exposed: any name (a proxy's)


def test_the_server_accepts_no_uploads_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    with serving(page=True) as server:
        for n in range(20):
            answer = httpx.post(
                server.url + "gradio_api/upload",
                files={"files": (".bashrc", bytes([n % 2]), "text/plain")},
            )
            assert answer.status_code == 403
            assert "accepts no file uploads" in answer.json()["error"]
        for path in ("gradio_api/process_recording", "gradio_api/stream/abc"):
            assert httpx.post(server.url + path).status_code == 403
        multipart = httpx.post(
            server.url + "translate",
            data={"source": "fr", "target": "en"},
            files={"q": ("a.txt", b"Bonjour", "text/plain")},
        )
        assert multipart.status_code == 400 and "files are not accepted" in multipart.text
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# --------------------------------------------------------------------------- logs


def test_nothing_secret_in_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with serving(api_keys="s3cret-key", rate_limit="none") as server:
        params = {"q": "Texte privé du client.", "source": "fr", "target": "en",
                  "api_key": "s3cret-key"}  # fmt: skip
        assert httpx.post(server.url + "translate", params=params).status_code == 200
        assert httpx.post(server.url + "translate", params={**params, "api_key": "wrong-key"})
    access = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert any('"POST /translate HTTP/1.1" 200' in line for line in access)
    server_side = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    for secret in ("s3cret", "wrong-key", "privé"):  # (the test's own client logs its URLs)
        assert not any(secret in line for line in server_side)


# --------------------------------------------------------------------------- cancellation


class SlowBackend(TagBackend):
    """A translator that takes 0.2 s a batch and records when each batch ran."""

    def __init__(self) -> None:
        super().__init__("en")
        self.spans: list[tuple[float, float, str]] = []

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        began = time.monotonic()
        time.sleep(0.2)
        self.spans.append((began, time.monotonic(), texts[0]))
        return super().generate(texts, options)


def _long(tag: str, n: int = 25) -> str:
    return " ".join(f"Phrase {tag} numéro {i} du conseil municipal." for i in range(n))


def test_a_client_that_hangs_up_stops_its_work() -> None:
    slow = SlowBackend()
    engine = Engine(slow, batch_size=1)
    with serving(engine, rate_limit="none", max_chars=50_000) as server:
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(
                server.url + "api/v1/translate",
                json={"text": _long("A"), "direction": "fr-en"},
                timeout=0.7,
            )
        time.sleep(1.5)
        batches = len(slow.spans)
        assert batches < 10  # of 25: stopped soon after the client left
        time.sleep(1.0)
        assert len(slow.spans) == batches  # and stays stopped
        after = httpx.post(
            server.url + "api/v1/translate", json={"text": FR, "direction": "fr-en"}, timeout=30
        )
        assert after.status_code == 200


def test_submit_and_cancel_on_the_page_cannot_run_two_digests_at_once() -> None:
    from gradio_client import Client

    slow = SlowBackend()
    engine = Engine(slow, batch_size=1)
    with serving(engine, page=True, rate_limit="none", max_chars=50_000) as server:
        client = Client(server.url, verbose=False, analytics_enabled=False)
        first = client.submit(_long("A"), "fr-en", "short", api_name="/digest")
        deadline = time.monotonic() + 30
        while not slow.spans:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        first.cancel()
        cancelled_at = time.monotonic()
        second = client.submit(_long("B", 3), "fr-en", "short", api_name="/digest")
        result = second.result(timeout=60)
        assert result["original"].startswith("Phrase B")
    a_spans = [s for s in slow.spans if "Phrase A" in s[2]]
    b_spans = [s for s in slow.spans if "Phrase B" in s[2]]
    assert len(a_spans) < 10  # the cancelled digest stopped (25 batches otherwise)
    assert max(end for _, end, _ in a_spans) <= min(start for start, _, _ in b_spans)
    assert max(end for _, end, _ in a_spans) - cancelled_at < 1.0


# --------------------------------------------------------------------------- start-up errors


def _serve(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True,
        timeout=180,
    )  # fmt: skip


def test_bad_addresses_and_ports_are_one_line_and_an_exit_status() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        in_use = f"Port {port} is already in use"
        app, cli = [sys.executable, "app.py"], [sys.executable, "-m", "bilingual_digest", "serve"]
        cases = [
            ([*app, "--port", str(port)], {}, 1, in_use),
            ([*cli, "--port", str(port)], {}, 1, in_use),
            ([*app, "--host", "999.1.1.1"], {}, 2, "'999.1.1.1' is not an IPv4"),
            (app, {"BILINGUAL_DIGEST_PORT": "abc"}, 2,
             "BILINGUAL_DIGEST_PORT: The port must be an integer from 1 to 65535, got 'abc'"),
            ([*app, "--host", "no-such-host.invalid"], {}, 2,
             "is not an address or a name this machine knows"),
            ([*cli, "--host", "192.0.2.1"], {}, 2,
             "192.0.2.1 is not an address of this machine"),
        ]  # fmt: skip
        for args, env, status, message in cases:
            done = _serve(args, env)
            lines = done.stderr.strip().splitlines()
            assert done.returncode == status, (args, done.stderr)
            assert message in lines[-1], (args, done.stderr)
            assert "Traceback" not in done.stderr and "terminate called" not in done.stderr
            assert [line for line in lines if "error" in line.lower()] == [lines[-1]]


def test_nothing_starts_before_the_port_is_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first round aborted (exit 134) because models were loading when it failed to bind."""
    from bilingual_digest.server import PortInUseError, serve
    from bilingual_digest.service import DigestService

    built: list[object] = []
    monkeypatch.setattr(DigestService, "__init__", lambda self, *a, **k: built.append(self))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(PortInUseError, match="already in use"):
            serve(ServerSettings.resolve(port=taken.getsockname()[1]))
    assert built == []


def test_named_endpoints_over_plain_http_take_their_documented_defaults() -> None:
    """``{"data": [text]}`` alone (curl, no gradio_client): the README's defaults apply."""
    with serving(page=True) as server:
        results = {}
        for name in ("digest", "translate", "summarize"):
            call = httpx.post(server.url + f"gradio_api/call/{name}", json={"data": [FR_ARTICLE]})
            assert call.status_code == 200, call.text
            event = call.json()["event_id"]
            stream = httpx.get(server.url + f"gradio_api/call/{name}/{event}", timeout=60)
            lines = stream.text.splitlines()
            assert "event: complete" in lines, stream.text
            results[name] = json.loads(lines[lines.index("event: complete") + 1][len("data: ") :])
    (digest,) = results["digest"]
    assert (digest["source_lang"], digest["target_lang"]) == ("fr", "en")  # direction auto
    assert digest["summary_en"] and digest["summary_fr"]
    (translation,) = results["translate"]
    assert translation["translation"].startswith("[en] ")
    (summary,) = results["summarize"]
    assert summary["source_lang"] == "fr" and summary["summary_en"]


def test_only_a_named_endpoints_cancel_without_an_event_id_is_given_one() -> None:
    """gradio_client's early ``Job.cancel()`` names no event; the page's own script sends
    such cancels too (while a glossary file is read), and those stay what Gradio makes of
    them: refused, the page's work left running."""
    import asyncio

    from bilingual_digest.ui.endpoints import DefaultArguments

    seen: list[dict[str, object]] = []

    async def gradio(scope, receive, send) -> None:  # what Gradio would read
        seen.append(json.loads((await receive())["body"]))

    middleware = DefaultArguments(gradio, {"digest": []}, endpoint_ids=[10])

    def cancel(body: dict[str, object]) -> dict[str, object]:
        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": json.dumps(body).encode()}

        scope = {"type": "http", "method": "POST", "path": "/gradio_api/cancel", "headers": []}
        asyncio.run(middleware(scope, receive, None))
        return seen[-1]

    session = {"session_hash": "s"}
    assert cancel({**session, "fn_index": 10, "event_id": None})["event_id"] == ""
    assert cancel({**session, "fn_index": 3, "event_id": None})["event_id"] is None
    assert cancel({**session, "fn_index": 10, "event_id": "e1"})["event_id"] == "e1"
