"""Clients nobody here wrote, from the package registry, against the running server:
``libretranslatepy`` and ``deep-translator``'s ``LibreTranslator``; then both, and the
README's calls, against ``python app.py`` itself (tiny models)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from deep_translator import LibreTranslator
from deep_translator.exceptions import AuthorizationException
from libretranslatepy import LibreTranslateAPI

from api_helpers import EN, FR, FR_ARTICLE, READ_FR, serving

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving(rate_limit="none") as server:
        yield server.url


def test_libretranslatepy(url: str) -> None:
    api = LibreTranslateAPI(url)
    assert api.translate(FR, "fr", "en") == f"[en] {READ_FR}"
    assert api.translate(EN, "en", "fr") == f"[fr] {EN}"
    detected = api.detect(FR)
    assert detected[0]["language"] == "fr" and detected[0]["confidence"] > 50
    assert [(lang["code"], lang["name"]) for lang in api.languages()] == [
        ("fr", "French"),
        ("en", "English"),
    ]


def test_deep_translator(url: str) -> None:
    # deep-translator insists on some key; a server without keys ignores it
    translator = LibreTranslator(source="fr", target="en", api_key="unused", custom_url=url)
    assert translator.translate(FR) == f"[en] {READ_FR}"
    assert translator.translate_batch([FR, "Bonjour."]) == [f"[en] {READ_FR}", "[en] Bonjour."]
    by_name = LibreTranslator(source="English", target="French", api_key="x", custom_url=url)
    assert by_name.translate(EN) == f"[fr] {EN}"
    auto = LibreTranslator(source="auto", target="en", api_key="x", custom_url=url)
    assert auto.translate(FR) == f"[en] {READ_FR}"


def test_the_clients_with_keys() -> None:
    with serving(api_keys="k1", rate_limit="none") as server:
        assert LibreTranslateAPI(server.url, api_key="k1").translate(FR, "fr", "en") == (
            f"[en] {READ_FR}"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            LibreTranslateAPI(server.url).translate(FR, "fr", "en")
        assert refused.value.code == 403
        assert LibreTranslateAPI(server.url).languages()  # no key needed to list languages
        keyed = LibreTranslator(source="fr", target="en", api_key="k1", custom_url=server.url)
        assert keyed.translate(FR) == f"[en] {READ_FR}"
        wrong = LibreTranslator(source="fr", target="en", api_key="k2", custom_url=server.url)
        with pytest.raises(AuthorizationException):
            wrong.translate(FR)


# --------------------------------------------------------------------------- python app.py


@pytest.fixture(scope="module")
def app_py(marian_fr_en: Path, marian_en_fr: Path, bart_summary: Path) -> Iterator[str]:
    """``python app.py`` on a free port, with the tiny models (greedy, short)."""
    from test_app import free_port

    port = free_port()
    env = {
        **os.environ,
        "BILINGUAL_DIGEST_MODEL_FR_EN": str(marian_fr_en),
        "BILINGUAL_DIGEST_MODEL_EN_FR": str(marian_en_fr),
        "BILINGUAL_DIGEST_MODEL_SUMMARY": str(bart_summary),
        "BILINGUAL_DIGEST_BACKEND": "torch",
        "BILINGUAL_DIGEST_API_KEYS": "k-test",
        "BILINGUAL_DIGEST_RATE_LIMIT": "none",
    }
    server = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port), "--max-chars", "3000"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, server.stderr.read()  # type: ignore[union-attr]
            try:
                if httpx.get(url + "health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "python app.py never answered"
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(30)


def test_real_clients_against_python_app_py(app_py: str) -> None:
    direct = httpx.post(
        app_py + "translate", data={"q": FR, "source": "fr", "target": "en", "api_key": "k-test"},
        timeout=120,
    )  # fmt: skip
    assert direct.status_code == 200
    expected = direct.json()["translatedText"]
    assert isinstance(expected, str) and expected.strip()
    assert LibreTranslateAPI(app_py, api_key="k-test").translate(FR, "fr", "en") == expected
    assert LibreTranslateAPI(app_py, api_key="k-test").detect(FR)[0]["language"] == "fr"
    assert {lang["code"] for lang in LibreTranslateAPI(app_py).languages()} == {"fr", "en"}
    client = LibreTranslator(source="fr", target="en", api_key="k-test", custom_url=app_py)
    assert client.translate(FR) == expected
    assert httpx.get(app_py, timeout=30).status_code == 200  # the page, same port


def test_the_readme_digest_call_against_python_app_py(app_py: str) -> None:
    response = httpx.post(
        app_py + "api/v1/digest",
        json={"text": FR_ARTICLE},
        headers={"Authorization": "Bearer k-test"},
        timeout=300,
    )
    assert response.status_code == 200
    digest = response.json()
    assert (digest["source_lang"], digest["target_lang"]) == ("fr", "en")
    assert len(digest["translation"]["segments"]) == 3
    assert digest["summary_en"].strip() and digest["summary_fr"].strip()
    over = httpx.post(
        app_py + "api/v1/digest", json={"text": "a" * 3001, "api_key": "k-test"}, timeout=30
    )
    assert over.status_code == 400 and "exceeds text limit (3000)" in over.json()["error"]
