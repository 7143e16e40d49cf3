"""The JSON API's request and response shapes: validation for our endpoints, and the OpenAPI
document's schemas and examples for all of them (served at ``/spec``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .languages import AUTO
from .options import DEFAULT_LENGTH, DEFAULT_SPEED, SPEEDS, speed_label

DESCRIPTION = """French↔English translation and bilingual summaries, on this machine.

**LibreTranslate-compatible** endpoints (`/translate`, `/detect`, `/languages`, `/health`,
`/frontend/settings`, `/spec`) take their parameters as form data, a JSON body or the query
string, and answer as LibreTranslate does; errors are `{"error": "..."}` with status 400
(bad request), 403 (API key missing or wrong, when the server needs keys), 405 (wrong method),
413 (body too large), 429 (over the rate limit) or 503 (busy, or a model unavailable).

**Ours** (`/api/v1/...`) give the sentence alignment, the faithfulness warnings and the
digest, of a `text`, of the article at a `url` (fetched by the server: http and https only,
public addresses only unless the operator allows private ones, within a time and size
limit), or of a saved page's `html` (its article extracted; `url` may say where it came
from). Their errors are `{"error": "..."}` too: 400 (a bad request, a bad or refused link),
422 (the page is not HTML, holds no article text, or is too large), 413 (the `html` sent is
over the page size limit), 502 (the page could not be fetched), 504 (fetching it timed out),
and 403, 429, 503 as above. The API key goes in `api_key` or an `Authorization: Bearer`
header.
"""
"""The API's description at the head of its OpenAPI document."""

_FR = "Les deux parties vont entamer des discussions sur un retrait ordonné des forces."
_EN = "The two parties will begin discussions on an orderly withdrawal of the forces."
_URL = "https://www.example.fr/politique/retrait.html"
_HTML = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Retrait | Le Journal'
    '</title></head><body><nav><a href="/">Accueil</a></nav><article><h1>Retrait</h1>'
    f"<p>{_FR}</p></article><footer>© Le Journal</footer></body></html>"
)


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


# --------------------------------------------------------------------------- LibreTranslate


class TranslateRequest(_Request):
    """``POST /translate``: as a form, a JSON body or the query string."""

    q: str | list[str] = Field(description="A text, or a list of texts (a batch).")
    source: str = Field(description='The texts\' language ("fr", "en"), or "auto" to detect it.')
    target: str = Field(description='The language to translate into ("en", "fr").')
    format: Literal["text", "html"] = Field(
        "text", description="text, or html: the markup is kept and only its text translated."
    )
    alternatives: int = Field(0, description="Accepted; no alternative translations are made.")
    api_key: str | None = Field(None, description="Your API key, when the server needs one.")


class DetectedLanguage(BaseModel):
    language: str = Field(description="Language code.", examples=["fr"])
    confidence: float = Field(description="From 0 to 100.", examples=[99.99])


class TranslateResponse(BaseModel):
    translatedText: str | list[str] = Field(description="The translation (a list for a list).")
    detectedLanguage: DetectedLanguage | list[DetectedLanguage] | None = Field(
        None, description='With source "auto": the language each text was read as.'
    )
    alternatives: list[str] | list[list[str]] | None = Field(
        None, description="With alternatives > 0: always empty lists."
    )


class DetectRequest(_Request):
    """``POST /detect``: as a form, a JSON body or the query string."""

    q: str = Field(description="The text.")
    api_key: str | None = Field(None, description="Your API key, when the server needs one.")


class LanguageInfo(BaseModel):
    code: str = Field(examples=["fr"])
    name: str = Field(examples=["French"])
    targets: list[str] = Field(description="What it translates into.", examples=[["en"]])


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class ErrorBody(BaseModel):
    error: str = Field(description="What went wrong, and what is accepted.")


# --------------------------------------------------------------------------- ours (/api/v1)


class V1TranslateRequest(_Request):
    """``POST /api/v1/translate``: one of ``text``, ``url`` or ``html``."""

    text: str | None = Field(None, description="The article, as text.")
    url: str | None = Field(
        None,
        description="A link to the article (http or https): the server fetches the page and "
        "extracts its article (title, author, date, site, main text). With `html`: where "
        "that page came from (not fetched).",
    )
    html: str | None = Field(
        None, description="A saved web page's HTML: its article is extracted (no fetch)."
    )
    direction: str = Field(AUTO, description='"auto" (detect), or a pair: "fr-en", "en-fr".')
    glossary: dict[str, str] | list[list[str]] | None = Field(
        None,
        description="Terms to translate as you say: {source term: target term} (a target equal "
        "to its source keeps the term), or rows [source, target, note, pair]. Never a file name.",
    )
    speed: str = Field(
        DEFAULT_SPEED,
        description=f"Decoding speed: {', '.join(map(repr, SPEEDS))} "
        f"({', '.join(speed_label(name) for name in SPEEDS)}).",
    )
    api_key: str | None = Field(None, description="Your API key, when the server needs one.")


class V1DigestRequest(V1TranslateRequest):
    """``POST /api/v1/digest`` and ``/api/v1/summarize``."""

    length: str = Field(DEFAULT_LENGTH, description='Summary length: "short", "medium", "long".')


class V1Article(BaseModel):
    url: str | None = Field(description="Where the page came from (after redirects).")
    title: str | None
    author: str | None
    date: str | None = Field(description="Publication date, YYYY-MM-DD.")
    site: str | None


class V1Segment(BaseModel):
    index: int
    source: str
    translation: str


class V1Translation(BaseModel):
    source_lang: str
    target_lang: str
    translation: str
    segments: list[V1Segment]
    warnings: list[str]
    article: V1Article | None = Field(
        description="The article's metadata (for a `url` or `html`); null for a `text`."
    )


class V1Summary(BaseModel):
    source_lang: str
    target_lang: str
    summary_en: str
    summary_fr: str
    summaries: dict[str, str]
    warnings: list[str]
    article: V1Article | None = Field(
        description="The article's metadata (for a `url` or `html`); null for a `text`."
    )


# --------------------------------------------------------------------------- examples

EXAMPLES: dict[str, dict[str, Any]] = {
    "translate": {
        "one text": {"value": {"q": _FR, "source": "fr", "target": "en"}},
        "a batch, language detected": {
            "value": {"q": [_FR, "Bonjour à tous."], "source": "auto", "target": "en"}
        },
        "html": {
            "value": {"q": "<p>Bonjour <b>à tous</b>.</p>", "source": "fr", "target": "en",
                      "format": "html"}
        },
    },
    "detect": {"a text": {"value": {"q": _FR}}},
    "v1_translate": {
        "an article": {"value": {"text": _FR, "direction": "fr-en"}},
        "a link": {"value": {"url": _URL}},
        "a saved page": {"value": {"html": _HTML, "url": _URL}},
    },
    "v1_digest": {
        "an article, defaults": {"value": {"text": _FR}},
        "English, short": {"value": {"text": _EN, "direction": "en-fr", "length": "short"}},
        "a link": {"value": {"url": _URL, "length": "short"}},
        "a saved page": {"value": {"html": _HTML}},
    },
}  # fmt: skip

DIGEST_EXAMPLE: dict[str, Any] = {
    "original": _FR,
    "source_lang": "fr",
    "target_lang": "en",
    "translation": {
        "text": _EN,
        "source_lang": "fr",
        "target_lang": "en",
        "original": _FR,
        "model": "Helsinki-NLP/opus-mt-fr-en",
        "segments": [
            {"index": 0, "paragraph": 0, "start": 0, "end": len(_FR), "source": _FR,
             "translation": _EN, "complete": True, "findings": [], "retried": False,
             "confidence": -0.21}
        ],
        "warnings": [],
    },
    "summary_en": _EN,
    "summary_fr": _FR,
    "summaries": {"en": _EN, "fr": _FR},
    "summary_sentences": [_EN],
    "attribution": [[0]],
    "warnings": ["Summary: The text is too short to summarise (1 sentence): the summary is the "
                 "text itself."],
    "timings": {"translate": 0.41, "summarize": 0.0, "total": 0.62},
    "models": {"fr-en": "Helsinki-NLP/opus-mt-fr-en", "en-fr": "Helsinki-NLP/opus-mt-en-fr"},
    "article": {"url": _URL, "title": "Retrait",
                "author": "Marie Dupont", "date": "2024-03-05", "site": "Le Journal"},
}  # fmt: skip
"""An illustration of ``Digest.to_dict()`` for the API description (the real keys; ``article``
is ``null`` for a text, and the page's metadata for an article from the web; a segment's
``confidence`` is ``null`` unless the server runs with ``BILINGUAL_DIGEST_CONFIDENCE=1``)."""


def request_body(model: type[BaseModel], examples: dict[str, Any], *, form: bool) -> dict:
    """An OpenAPI ``requestBody``: JSON (and form data when ``form``), with examples."""
    schema = model.model_json_schema()
    content: dict[str, Any] = {"application/json": {"schema": schema, "examples": examples}}
    if form:
        content["application/x-www-form-urlencoded"] = {"schema": schema}
    return {"requestBody": {"required": True, "content": content}}
