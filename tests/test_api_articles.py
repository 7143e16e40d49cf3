"""Articles from the web through the REST API: ``url`` and ``html`` on /api/v1, real saved
pages served by a local server (allowed with the private-address switch), every refusal as
JSON with its status."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from bilingual_digest.fetching import size_text
from test_articles import REAL_PAGES

from api_helpers import FR, Engine, serving
from page_server import NEWS_PAGE, PAGES, serve

NEWS = {
    "title": "Le conseil municipal vote le budget",
    "author": "Marie Dupont",
    "date": "2024-03-05",
    "site": "La Gazette",
}
PSL = PAGES / "psl.eu.luniversite.html"
PSL_TITLE = "L’Université PSL : quand les grandes écoles font université"
PSL_URL = "https://www.psl.eu/actualites/luniversite-psl-quand-les-grandes-ecoles-font-universite"


@pytest.fixture(scope="module")
def pages() -> Iterator[str]:
    with serve() as base:
        yield base


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="module")
def url(engine: Engine) -> Iterator[str]:
    """A server that may fetch private addresses (the local page server is one)."""
    with serving(engine, rate_limit="none", allow_private_urls=True) as server:
        yield server.url


def post(url: str, path: str, body: dict, timeout: float = 30) -> httpx.Response:
    return httpx.post(url + "api/v1/" + path, json=body, timeout=timeout)


# --------------------------------------------------------------------------- url


def test_digest_of_a_link_is_the_digest_of_its_article_with_its_metadata(
    url: str, pages: str
) -> None:
    response = post(url, "digest", {"url": pages + "/news", "length": "short"})
    assert response.status_code == 200, response.text
    digest = response.json()
    assert digest["article"] == {"url": pages + "/news", **NEWS}
    original = digest["original"]
    assert original.startswith(NEWS["title"] + "\n\nLe conseil municipal a adopté mardi soir")
    for boilerplate in ("cookies", "À lire aussi", "Mentions légales", "Accueil"):
        assert boilerplate not in original
    assert digest["source_lang"] == "fr"
    assert digest["translation"]["text"].startswith(f"[en] {NEWS['title']}")


@pytest.mark.parametrize(
    "name",  # a French page and two English ones, each under the server's 5,000 characters
    ["psl.eu.luniversite.html", "reuters.com.parasite.html", "wikimediafoundation.org.turkey.html"],
)
def test_a_real_news_page_gives_its_article_without_boilerplate(
    url: str, pages: str, name: str
) -> None:
    link = f"{pages}/pages/{name}"
    fetched = post(url, "digest", {"url": link})
    assert fetched.status_code == 200, fetched.text
    _, inside, outside, meta = REAL_PAGES[name]
    digest = fetched.json()
    assert {key: digest["article"][key] for key in meta} == meta
    assert digest["article"]["url"] == link
    assert digest["original"].startswith(meta["title"] + "\n\n")
    for sentence in inside:
        assert sentence in digest["original"]
    for boilerplate in outside:
        assert boilerplate not in digest["original"]
    sent = post(url, "digest", {"html": (PAGES / name).read_bytes().decode("utf-8")}).json()
    assert sent["original"] == digest["original"]  # a saved page reads as the page fetched


def test_translate_and_summarize_take_a_link_and_name_the_article(url: str, pages: str) -> None:
    translated = post(url, "translate", {"url": pages + "/news"}).json()
    assert translated["article"]["title"] == NEWS["title"]
    assert translated["segments"][0] == {
        "index": 0,
        "source": NEWS["title"],
        "translation": f"[en] {NEWS['title']}",
    }
    summary = post(url, "summarize", {"url": pages + "/news", "length": "short"}).json()
    assert summary["article"] == {"url": pages + "/news", **NEWS}
    assert summary["summaries"]["fr"] and summary["summaries"]["en"].startswith("[en] ")


def test_a_link_followed_through_a_redirect_names_the_final_address(url: str, pages: str) -> None:
    body = {"url": f"{pages}/redirect?to=/pages/{PSL.name}"}
    article = post(url, "summarize", body).json()["article"]
    assert article["url"] == f"{pages}/pages/{PSL.name}"
    assert (article["title"], article["date"]) == (PSL_TITLE, "2019-11-06")


def test_a_text_still_has_no_article(url: str) -> None:
    assert post(url, "digest", {"text": FR}).json()["article"] is None
    assert post(url, "translate", {"text": FR}).json()["article"] is None


# --------------------------------------------------------------------------- html


def test_a_saved_page_sent_as_html_is_read_like_the_same_page_fetched(url: str, pages: str) -> None:
    html = PSL.read_bytes().decode("utf-8")
    sent = post(url, "summarize", {"html": html}).json()
    fetched = post(url, "summarize", {"url": f"{pages}/pages/{PSL.name}"}).json()
    assert sent["summaries"] == fetched["summaries"]
    assert (sent["article"]["title"], sent["article"]["date"]) == (PSL_TITLE, "2019-11-06")
    # The page's own canonical address, unless the client says where it came from.
    assert sent["article"]["url"] == PSL_URL
    assert fetched["article"]["url"] == f"{pages}/pages/{PSL.name}"
    named = post(url, "digest", {"html": NEWS_PAGE, "url": "https://example.fr/budget"}).json()
    assert named["article"] == {"url": "https://example.fr/budget", **NEWS}


def test_the_spec_documents_url_and_html_and_its_examples_work(url: str) -> None:
    spec = httpx.get(url + "spec").json()
    for path in ("/api/v1/digest", "/api/v1/summarize", "/api/v1/translate"):
        post_spec = spec["paths"][path]["post"]
        body = post_spec["requestBody"]["content"]["application/json"]
        assert {"text", "url", "html"} <= set(body["schema"]["properties"])
        assert {"a link", "a saved page"} <= set(body["examples"])
        assert {"422", "502", "504"} <= set(post_spec["responses"])
    example = spec["paths"]["/api/v1/digest"]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ]["a saved page"]["value"]
    done = post(url, "digest", example)
    assert done.status_code == 200 and done.json()["article"]["title"] == "Retrait"
    assert "`url`" in spec["info"]["description"] and "504" in spec["info"]["description"]


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Invalid request: missing text parameter (or url, or html)"),
        ({"text": FR, "url": "https://example.fr/a"}, "give one of text, url or html, not "
         "text and url"),
        ({"text": FR, "html": "<p>x</p>"}, "not text and html"),
        ({"url": 5}, "Invalid request: url: Input should be a valid string"),
        ({"url": "ftp://example.fr/a"}, "Only http and https links can be fetched"),
        ({"url": "https://user:pw@example.fr/"}, "Links with a user name or password"),
        ({"html": "<html><body>   </body></html>", "url": "example"},
         "The page's address must be an http or https link, not 'example'"),
        ({"html": "  "}, "The page is empty"),
    ],
)  # fmt: skip
def test_bad_requests_are_400_saying_what_is_accepted(url: str, body: dict, message: str) -> None:
    response = post(url, "digest", body)
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/links", 422, "No article text found in {base}/links: 9"),
        ("/pdf", 422, "{base}/pdf is not an HTML page (the server says it is application/pdf)"),
        ("/big", 422, "The page {base}/big is 50 MB, over the limit of 10 MB"),
        ("/status/404", 502, "The server answered 404 Not Found for {base}/status/404"),
        ("/loop/a", 502, "redirects in a loop"),
    ],
)
def test_a_link_that_gives_no_article_is_an_error_with_its_status(
    url: str, pages: str, path: str, status: int, message: str
) -> None:
    for endpoint in ("digest", "translate", "summarize"):
        response = post(url, endpoint, {"url": pages + path})
        assert response.status_code == status, response.text
        assert set(response.json()) == {"error"}
        assert message.format(base=pages) in response.json()["error"]


def test_a_page_without_article_text_sent_as_html_is_422(url: str) -> None:
    from page_server import LINKS_PAGE

    response = post(url, "digest", {"html": LINKS_PAGE})
    assert response.status_code == 422
    assert response.json()["error"].startswith("No article text found in the page: 9")


def test_a_private_address_is_refused_by_default(engine: Engine, pages: str) -> None:
    calls = engine.calls
    with serving(engine, rate_limit="none") as server:
        response = post(server.url, "digest", {"url": pages + "/news"})
    assert response.status_code == 400
    port = pages.rsplit(":", 1)[1]
    assert response.json() == {
        "error": f"Refused to fetch http://127.0.0.1:{port}/news: 127.0.0.1 is a loopback "
        "address; private, loopback and link-local addresses are not fetched unless allowed "
        "(the server's operator can allow them with serve --allow-private-urls or "
        "BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS=1)."
    }
    assert engine.calls == calls  # no model ran


def test_a_slow_page_times_out_with_504_and_a_large_page_sent_is_413(
    engine: Engine, pages: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILINGUAL_DIGEST_FETCH_TIMEOUT", "1")
    monkeypatch.setenv("BILINGUAL_DIGEST_FETCH_MAX_BYTES", "30000")
    with serving(engine, rate_limit="none", allow_private_urls=True) as server:
        slow = post(server.url, "digest", {"url": pages + "/slow"})
        assert slow.status_code == 504
        assert slow.json()["error"] == (
            f"Fetching {pages}/slow timed out after 1 s (the server's operator can raise the "
            "limit with BILINGUAL_DIGEST_FETCH_TIMEOUT)."
        )
        html = PSL.read_text(encoding="utf-8")
        big = post(server.url, "digest", {"html": html})
        assert big.status_code == 413
        size = size_text(len(html.encode("utf-8")))
        assert big.json()["error"].startswith(f"The page is {size}, over the limit of 30 kB")
        fetched = post(server.url, "digest", {"url": f"{pages}/pages/{PSL.name}"})
        assert fetched.status_code == 422 and "over the limit of 30 kB" in fetched.text


def test_links_need_the_key_like_everything_else(engine: Engine, pages: str) -> None:
    with serving(engine, api_keys="k1", allow_private_urls=True) as server:
        refused = post(server.url, "digest", {"url": pages + "/news"})
        assert refused.status_code == 403
        done = httpx.post(
            server.url + "api/v1/summarize",
            json={"url": pages + "/news"},
            headers={"Authorization": "Bearer k1"},
            timeout=30,
        )
        assert done.status_code == 200 and done.json()["article"]["title"] == NEWS["title"]


def test_an_article_over_the_character_limit_is_refused_after_extraction(
    engine: Engine, pages: str
) -> None:
    with serving(engine, rate_limit="none", allow_private_urls=True, max_chars=1000) as server:
        response = post(server.url, "digest", {"url": f"{pages}/pages/{PSL.name}"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("The article has 4,173 characters, over the limit")


# --------------------------------------------------------------------------- the setting


def test_serve_has_the_private_address_switch(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from bilingual_digest import server
    from bilingual_digest.cli import main
    from bilingual_digest.settings import ServerSettings

    calls: list[ServerSettings] = []
    monkeypatch.setattr(server, "serve", lambda settings: calls.append(settings) or 0)
    assert main(["serve"]) == 0 and calls[-1].allow_private_urls is False
    assert main(["serve", "--allow-private-urls"]) == 0 and calls[-1].allow_private_urls is True
    monkeypatch.setenv("BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS", "1")
    assert main(["serve"]) == 0 and calls[-1].allow_private_urls is True
    assert main(["serve", "--no-allow-private-urls"]) == 0
    assert calls[-1].allow_private_urls is False
    assert main(["serve", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "--allow-private-urls" in shown and "env BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS" in shown


def test_the_body_limit_makes_room_for_a_page(monkeypatch: pytest.MonkeyPatch) -> None:
    from bilingual_digest.api import body_limit

    assert body_limit(100_000, 10_000_000) == 30_000_000 + 64 * 1024
    assert body_limit(100_000, 1_000) == 1_200_000 + 64 * 1024
    monkeypatch.setenv("BILINGUAL_DIGEST_FETCH_MAX_BYTES", "40000")
    with serving(rate_limit="none", max_chars=100) as server:
        html = json.dumps({"html": "é" * 19_000}, ensure_ascii=True)  # 38 kB as UTF-8
        assert len(html) > 12 * 100 + 64 * 1024  # over the text's widest encoding …
        response = httpx.post(
            server.url + "api/v1/digest",
            content=html,
            headers={"content-type": "application/json"},
            timeout=30,
        )
        assert response.status_code == 422  # … read, and found to hold no article
        assert "No article text found in the page" in response.json()["error"]


def test_libretranslate_endpoints_take_a_link_as_text(url: str, pages: str) -> None:
    link = pages + "/news"
    answer = httpx.post(
        url + "translate", data={"q": f"Lisez {link} ce soir.", "source": "fr", "target": "en"}
    )
    assert answer.status_code == 200, answer.text
    translated = answer.json()["translatedText"]
    assert link in translated and NEWS["title"] not in translated  # kept, never fetched
    assert set(answer.json()) == {"translatedText"}
