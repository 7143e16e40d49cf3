"""The JSON API over HTTP: LibreTranslate's own API tests ported (French and English in place
of their languages), then the rest of its behaviour and ours, against the running server."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bilingual_digest.normalization import normalize_punctuation

from api_helpers import EN, FR, FR_ARTICLE, READ_FR, Engine, serving
from fakes import TagBackend


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


@pytest.fixture(scope="module")
def url(engine: Engine):
    with serving(engine, rate_limit="none") as server:
        yield server.url


# --------------------------------------------------------------------------- LibreTranslate's
# tests/test_api/ (test_api_translate.py, test_api_detect_language.py, test_api_get_languages.py,
# test_api_health.py, test_api_spec.py, test_api_frontend_settings.py), request for request.


def test_api_translate(url: str) -> None:
    assert normalize_punctuation(FR, "fr") == READ_FR  # what the tagging fake echoes
    response = httpx.post(
        url + "translate", data={"q": FR, "source": "fr", "target": "en", "format": "text"}
    )
    assert response.status_code == 200
    assert response.json() == {"translatedText": f"[en] {READ_FR}"}


def test_api_translate_batch(url: str) -> None:
    response = httpx.post(
        url + "translate",
        json={"q": ["Bonjour.", "Le monde."], "source": "fr", "target": "en", "format": "text"},
    )
    assert response.status_code == 200
    assert response.json()["translatedText"] == ["[en] Bonjour.", "[en] Le monde."]


def test_api_translate_unsupported_language(url: str) -> None:
    response = httpx.post(
        url + "translate", data={"q": FR, "source": "fr", "target": "zz", "format": "text"}
    )
    assert response.status_code == 400
    assert response.json() == {"error": "zz is not supported"}


def test_api_translate_missing_parameter(url: str) -> None:
    response = httpx.post(url + "translate", data={"source": "fr", "target": "en"})
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid request: missing q parameter"}


def test_api_detect_language(url: str) -> None:
    response = httpx.post(url + "detect", data={"q": "Bonjour à tous"})
    assert response.status_code == 200
    detected = response.json()
    assert detected[0]["language"] == "fr" and 50 < detected[0]["confidence"] <= 100
    assert {d["language"] for d in detected} == {"fr", "en"}


def test_api_detect_language_must_fail_without_parameters(url: str) -> None:
    response = httpx.post(url + "detect")
    assert response.status_code == 400
    assert "error" in response.json()


def test_api_get_languages(url: str) -> None:
    response = httpx.get(url + "languages")
    assert response.status_code == 200
    assert response.json() == [
        {"code": "fr", "name": "French", "targets": ["en"]},
        {"code": "en", "name": "English", "targets": ["fr"]},
    ]


def test_api_get_health(url: str) -> None:
    response = httpx.get(url + "health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_api_get_spec(url: str) -> None:
    response = httpx.get(url + "spec")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "bilingual-digest"
    documented = {"/translate", "/detect", "/languages", "/health", "/frontend/settings",
                  "/api/v1/translate", "/api/v1/digest", "/api/v1/summarize"}  # fmt: skip
    assert documented <= set(spec["paths"])


def test_api_get_frontend_settings(url: str) -> None:
    response = httpx.get(url + "frontend/settings")
    assert response.status_code == 200
    settings = response.json()
    assert settings["charLimit"] == 5000 and settings["keyRequired"] is False
    assert settings["language"]["source"]["code"] == "auto"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "translate"), ("GET", "detect"), ("POST", "languages"), ("POST", "health"),
     ("POST", "spec"), ("GET", "api/v1/digest")],
)  # fmt: skip
def test_wrong_methods_get_405(url: str, method: str, path: str) -> None:
    response = httpx.request(method, url + path)
    assert response.status_code == 405
    assert "Method Not Allowed" in response.json()["error"] and response.headers["allow"]


# --------------------------------------------------------------------------- the rest of /translate


def test_parameters_in_the_query_string_and_as_json(url: str) -> None:
    params = {"q": FR, "source": "fr", "target": "en"}
    by_query = httpx.post(url + "translate", params=params)  # how deep-translator sends them
    by_json = httpx.post(url + "translate", json=params)
    assert by_query.json() == by_json.json() == {"translatedText": f"[en] {READ_FR}"}


def test_auto_detects_each_text_and_says_what_it_found(url: str) -> None:
    one = httpx.post(url + "translate", json={"q": FR, "source": "auto", "target": "en"}).json()
    assert one["translatedText"] == f"[en] {READ_FR}"
    assert one["detectedLanguage"]["language"] == "fr"
    assert 90 < one["detectedLanguage"]["confidence"] <= 100
    batch = httpx.post(
        url + "translate", json={"q": [FR, EN, "2024 !"], "source": "auto", "target": "fr"}
    ).json()
    # French into French, and a text without letters, come back as they are
    assert batch["translatedText"] == [FR, f"[fr] {EN}", "2024 !"]
    assert [d["language"] for d in batch["detectedLanguage"]] == ["fr", "en", "fr"]
    assert batch["detectedLanguage"][2]["confidence"] == 0


def test_html_keeps_the_markup_and_translates_the_text(url: str) -> None:
    page = '<p class="x">Bonjour <b>à tous</b> &amp; bienvenue.</p><script>f("Oui")</script>'
    response = httpx.post(
        url + "translate", json={"q": page, "source": "fr", "target": "en", "format": "html"}
    )
    assert response.json()["translatedText"] == (
        '<p class="x">[en] Bonjour <b>[en] à tous</b> [en] &amp; bienvenue.</p>'
        '<script>f("Oui")</script>'
    )


def test_alternatives_are_accepted(url: str) -> None:
    body = {"q": ["Oui.", "Non."], "source": "fr", "target": "en", "alternatives": 3}
    assert httpx.post(url + "translate", json=body).json()["alternatives"] == [[], []]
    body["alternatives"] = "many"
    response = httpx.post(url + "translate", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "Invalid request: alternatives parameter is not a number"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"q": FR, "target": "en"}, "Invalid request: missing source parameter"),
        ({"q": FR, "source": "fr"}, "Invalid request: missing target parameter"),
        ({"q": FR, "source": "de", "target": "en"}, "de is not supported"),
        ({"q": FR, "source": "fr", "target": "en", "format": "xml"}, "xml format is not supported"),
        ({"q": [FR, 3], "source": "fr", "target": "en"}, "q must be a string or a list of strings"),
        ({"q": "Die Regierung hat heute ein Gesetz über die Energie vorgelegt.",
          "source": "auto", "target": "en"}, "looks like German"),
        ({"q": "x", "source": "auto", "target": "en"},
         'Give the language explicitly in "source" ("fr", "en")'),
    ],
)  # fmt: skip
def test_bad_requests_get_400_with_a_message(url: str, body: dict, message: str) -> None:
    response = httpx.post(url + "translate", json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_a_json_body_that_is_not_an_object(url: str) -> None:
    for body in (b"[1, 2]", b"{not json"):
        response = httpx.post(
            url + "translate", content=body, headers={"content-type": "application/json"}
        )
        assert (response.status_code, response.json()) == (400, {"error": "Invalid JSON format"})


def test_lone_surrogates_get_a_defined_answer(url: str) -> None:
    """JSON can carry "\\ud800", which no codec can encode: removed, with the door's answer."""
    raw = b'{"q": "Bonjour \\ud800 tout le monde.", "source": "auto", "target": "en"}'
    response = httpx.post(
        url + "translate", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["translatedText"] == "[en] Bonjour tout le monde."  # Moses: one space
    raw = b'{"text": "Bonjour \\udfff tout le monde.", "direction": "fr-en"}'
    ours = httpx.post(
        url + "api/v1/translate", content=raw, headers={"content-type": "application/json"}
    ).json()
    assert ours["segments"][0]["source"] == "Bonjour  tout le monde."
    assert any("lone UTF-16 surrogates" in warning for warning in ours["warnings"])
    alone = httpx.post(
        url + "detect", content=b'{"q": "\\ud800"}', headers={"content-type": "application/json"}
    )
    assert alone.status_code == 400 and "without words" in alone.json()["error"]


def test_over_the_character_limit_nothing_is_computed(engine: Engine, url: str) -> None:
    before = engine.calls
    for path, body in (
        ("translate", {"q": ["a" * 3000, "b" * 2001], "source": "fr", "target": "en"}),
        ("translate", {"q": "a" * 5001, "source": "auto", "target": "en"}),
        ("detect", {"q": "a" * 5001}),
        ("api/v1/digest", {"text": "a " * 2501}),
    ):
        response = httpx.post(url + path, json=body)
        assert response.status_code == 400, path
        assert response.json()["error"].startswith("Invalid request: request (50")
        assert response.json()["error"].endswith("exceeds text limit (5000)")
    assert engine.calls == before
    body = {"q": "a " * 2500, "source": "fr", "target": "en"}
    at_limit = httpx.post(url + "translate", json=body)
    assert at_limit.status_code == 200 and engine.calls > before


def test_fifty_concurrent_calls_are_all_answered_correctly(url: str) -> None:
    texts = [f"Le conseil a voté la mesure numéro {n} mardi." for n in range(50)]

    def call(text: str) -> tuple[int, object]:
        response = httpx.post(
            url + "translate", json={"q": text, "source": "fr", "target": "en"}, timeout=120
        )
        return response.status_code, response.json()

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(call, texts))
    assert answers == [(200, {"translatedText": f"[en] {text}"}) for text in texts]


# --------------------------------------------------------------------------- ours: /api/v1


def test_v1_digest_with_only_the_text_uses_the_documented_defaults(url: str) -> None:
    response = httpx.post(url + "api/v1/digest", json={"text": FR_ARTICLE})
    assert response.status_code == 200
    digest = response.json()
    assert (digest["source_lang"], digest["target_lang"]) == ("fr", "en")
    assert digest["translation"]["text"] == " ".join(
        f"[en] {normalize_punctuation(s['source'], 'fr')}"
        for s in digest["translation"]["segments"]
    )
    assert digest["summary_en"] and digest["summary_fr"].startswith("[fr] ")
    assert len(digest["attribution"]) == len(digest["summary_sentences"])
    short = httpx.post(
        url + "api/v1/digest", json={"text": FR_ARTICLE, "direction": "fr-en", "length": "short"}
    )
    assert short.status_code == 200


def test_v1_translate_and_summarize(url: str) -> None:
    translated = httpx.post(url + "api/v1/translate", json={"text": FR_ARTICLE}).json()
    assert set(translated) == {
        "source_lang", "target_lang", "translation", "segments", "warnings", "article",
    }  # fmt: skip
    assert translated["article"] is None  # a text (tests/test_api_articles.py: links, pages)
    assert [s["index"] for s in translated["segments"]] == [0, 1, 2]
    summary = httpx.post(url + "api/v1/summarize", data={"text": EN, "direction": "en-fr"})
    assert summary.status_code == 200
    assert summary.json()["summaries"]["fr"].startswith("[fr] ")


def test_v1_speed_fast_decodes_greedily() -> None:
    class Beams(TagBackend):
        def generate(self, texts, options):  # type: ignore[no-untyped-def]
            self.beams.append(options.num_beams)
            return super().generate(texts, options)

    engine = Engine(fr_en=Beams("en"))
    engine.fr_en.beams = []  # type: ignore[attr-defined]
    with serving(engine, rate_limit="none") as server:
        for speed in ("fast", "default"):
            body = {"text": FR_ARTICLE, "direction": "fr-en", "speed": speed}
            assert httpx.post(server.url + "api/v1/translate", json=body).status_code == 200
    assert sorted(set(engine.fr_en.beams)) == [1, 4]  # type: ignore[attr-defined]
    assert engine.fr_en.beams[0] == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Invalid request: missing text parameter"),
        ({"text": 5}, "Invalid request: text: Input should be a valid string"),
        ({"text": FR, "direction": "fr-de"}, "Unknown direction 'fr-de'"),
        ({"text": FR, "length": "huge"}, "Unknown summary length 'huge'"),
        ({"text": FR, "speed": "turbo"}, "Unknown speed 'turbo': accepted values are"),
        ({"text": "x"}, 'Give the language explicitly in "direction" ("fr-en" or "en-fr")'),
    ],
)
def test_v1_errors_are_400_in_its_own_words(url: str, body: dict, message: str) -> None:
    response = httpx.post(url + "api/v1/digest", json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert "source=" not in response.json()["error"]  # /api/v1 has no source parameter


def test_the_spec_documents_the_examples_and_the_digest_truthfully(
    engine: Engine, url: str
) -> None:
    from bilingual_digest.api_models import DIGEST_EXAMPLE

    spec = httpx.get(url + "spec").json()
    translate = spec["paths"]["/translate"]["post"]
    content = translate["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(content)
    assert content["application/json"]["examples"]["one text"]["value"]["source"] == "fr"
    digest = spec["paths"]["/api/v1/digest"]["post"]
    assert digest["responses"]["200"]["content"]["application/json"]["example"] == DIGEST_EXAMPLE
    real = engine.digester.digest(FR_ARTICLE, "fr").to_dict()
    assert set(DIGEST_EXAMPLE) == set(real)
    assert set(DIGEST_EXAMPLE["translation"]) == set(real["translation"])
    assert set(DIGEST_EXAMPLE["translation"]["segments"][0]) == set(
        real["translation"]["segments"][0]
    )
    for path in ("/translate", "/detect", "/api/v1/digest"):
        assert "examples" in json.dumps(spec["paths"][path]["post"]["requestBody"])
