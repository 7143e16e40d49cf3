"""The HTTP app: LibreTranslate's API, ours, and the web page, on one port (FastAPI).

:func:`create_app` builds it over a :class:`~bilingual_digest.service.DigestService`:

- LibreTranslate's endpoints, with its parameters (form data, JSON body or query string),
  answers and error shapes: ``POST /translate``, ``POST /detect``, ``GET /languages``,
  ``GET /health``, ``GET /frontend/settings``, and ``GET /spec`` (this app's OpenAPI
  document);
- ours: ``POST /api/v1/translate`` (the sentence alignment and warnings), ``/api/v1/digest``
  (``Digest.to_dict()``) and ``/api/v1/summarize``, each of a ``text``, a ``url`` (the
  article fetched by the service, :meth:`~bilingual_digest.service.DigestService.load_article`)
  or a saved page's ``html`` (its article extracted,
  :meth:`~bilingual_digest.service.DigestService.read_page`);
- the Gradio page, mounted at ``/`` (:func:`bilingual_digest.ui.page.mount_page`).

Keys and the rate limit (:mod:`~bilingual_digest.access`) apply to the calls that do work;
the character limit is checked before anything is computed; every call that runs a model
waits in the service's one queue, and a client that hangs up cancels its work. The guards
around every response (security headers, host names, CORS, body size) are in
:mod:`~bilingual_digest.http_guards`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel

from . import __version__
from .access import Access
from .api_models import (
    DESCRIPTION,
    DIGEST_EXAMPLE,
    EXAMPLES,
    DetectedLanguage,
    DetectRequest,
    ErrorBody,
    Health,
    LanguageInfo,
    TranslateRequest,
    TranslateResponse,
    V1DigestRequest,
    V1Summary,
    V1TranslateRequest,
    V1Translation,
    request_body,
)
from .api_requests import (
    ApiError,
    SafeJSONResponse,
    answers,
    answers_v1,
    api_key,
    check_size,
    read_params,
    texts_param,
    validated,
)
from .documents import Article, TextOrArticle
from .errors import PageTooLargeError
from .http_guards import add_guards, refuse_uploads
from .languages import AUTO, find_language, languages, pairs
from .messages import door_message
from .service import DigestService, TextTranslation, summary_record, translation_record
from .settings import ServerSettings
from .work_queue import run_cancellable

LIBRETRANSLATE = "LibreTranslate-compatible"
OURS = "bilingual-digest"


# --------------------------------------------------------------------------- the app


def create_app(
    service: DigestService | None = None,
    settings: ServerSettings | None = None,
    *,
    page: Any = True,
) -> FastAPI:
    """Build the app: the JSON API, the guards, and the web page mounted at ``/``.

    Args:
        service: The service; ``None`` builds one from the settings (models load lazily).
        settings: Keys, limits, CORS, host names; ``None`` reads them from the environment.
        page: ``True`` to build and mount the web page over the service, a ``gr.Blocks``
            from :func:`~bilingual_digest.ui.page.build_demo` to mount that one, ``False``
            for the API alone.

    Returns:
        The FastAPI app (``app.state.service``, ``app.state.access``, ``app.state.settings``).

    Raises:
        ValueError: For settings that don't fit together, or an unreadable keys file.
    """
    settings = settings if settings is not None else ServerSettings.resolve()
    if service is None:
        service = DigestService(
            max_chars=settings.max_chars,
            concurrency=settings.concurrency,
            queue_size=settings.queue_size,
            allow_private=settings.allow_private_urls,
        )
    access = Access.from_settings(settings)
    if settings.page_requires_key and not access.keys_required:
        raise ValueError(
            "page_requires_key needs API keys: give --api-keys-file or BILINGUAL_DIGEST_API_KEYS."
        )
    app = FastAPI(
        title="bilingual-digest",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/spec",
        docs_url=None,
        redoc_url=None,
        default_response_class=SafeJSONResponse,
    )
    app.state.service, app.state.access, app.state.settings = service, access, settings
    _routes(app, service, access)
    refuse_uploads(app)
    if page is not False:
        from .ui.page import build_demo, mount_page

        demo = page if page is not True else build_demo(
            service=service, api_endpoints=settings.page_requires_key or not access.keys_required
        )  # fmt: skip

        def auth(user: str, password: str) -> bool:  # the login form: any user, a key
            return access.valid(password)

        mount_page(
            app,
            demo,
            auth=auth if settings.page_requires_key else None,
            host=settings.host,
            port=settings.port,
        )
    add_guards(
        app,
        settings,
        limit=body_limit(service.max_chars),
        page_limit=body_limit(service.max_chars, service.fetch_options.max_bytes),
    )
    return app


def body_limit(max_chars: int, page_bytes: int = 0) -> int:
    """Largest request body, in bytes: the larger of the character limit at its widest
    encoding (a character sent as ``\\ud83d\\ude00`` in JSON or ``%F0%9F%98%80`` in a form
    takes 12 bytes) and the page size limit (of a saved page's ``html``, counted in UTF-8)
    as JSON sends it (at most 3 bytes a byte: ``é`` as ``\\u00e9``), plus room for the rest
    of the request. Only the routes that take a page get the page's room
    (:data:`~bilingual_digest.http_guards.PAGE_ROUTES`): LibreTranslate's keep the text's."""
    return max(12 * max_chars, 3 * page_bytes) + 64 * 1024


def _routes(app: FastAPI, service: DigestService, access: Access) -> None:
    """LibreTranslate's endpoints and ours."""
    errors = {code: {"model": ErrorBody} for code in (400, 403, 413, 429, 503)}

    async def admitted(request: Request) -> dict[str, Any]:
        """The request's parameters, once its key and rate limit are checked."""
        params = await read_params(request)
        address = request.client.host if request.client else "unknown"
        verdict = access.admit(api_key(request, params), address)
        if verdict.status != 200:
            retry = {"Retry-After": str(verdict.retry_after)} if verdict.retry_after else {}
            raise ApiError(verdict.status, verdict.error, retry)
        return params

    async def run(request: Request, work: Callable[[Any], Any]) -> Any:
        return await run_cancellable(work, gone=request.is_disconnected)

    async def article(
        request: Request, model: type[BaseModel], work: Callable[[Any, Any, Any], Any]
    ) -> Any:
        """Run ``work(body, document, cancel)`` for an /api/v1 request once it is checked; the
        document is its text, or the article of its ``url`` or ``html`` (fetched or
        extracted in the work's thread, before the work takes its place in the queue)."""
        body = validated(model, await admitted(request))
        given = [name for name in ("text", "url", "html") if getattr(body, name) is not None]
        if not given:
            raise ApiError(400, "Invalid request: missing text parameter (or url, or html)")
        if body.text is not None and len(given) > 1:
            raise ApiError(
                400, f"Invalid request: give one of text, url or html, not {' and '.join(given)}"
            )
        if body.text is not None:
            check_size([body.text], service.max_chars)
        return await run(request, lambda cancel: work(body, _document(service, body), cancel))

    @app.post(
        "/translate",
        tags=[LIBRETRANSLATE],
        summary="Translate text",
        response_model=TranslateResponse,
        response_model_exclude_none=True,
        responses=errors,
        openapi_extra=request_body(TranslateRequest, EXAMPLES["translate"], form=True),
    )
    @answers
    async def translate(request: Request) -> dict[str, Any]:
        """Translate a text or a list of texts; `source` may be `auto`. With `format=html`
        the markup is kept and only the text translated. The parameters may also be sent
        in the query string."""
        params = await admitted(request)
        texts = texts_param(params.get("q"), "q")
        for name in ("source", "target"):
            if not params.get(name):
                raise ApiError(400, f"Invalid request: missing {name} parameter")
        try:
            alternatives = max(0, int(params.get("alternatives") or 0))
        except (TypeError, ValueError):
            raise ApiError(400, "Invalid request: alternatives parameter is not a number") from None
        check_size(texts, service.max_chars)
        fmt = params.get("format") or "text"
        if fmt not in ("text", "html"):
            raise ApiError(400, f"{fmt} format is not supported")
        source, target = params["source"], params["target"]
        known = {str(code): find_language(code) for code in (source, target)}
        for code in (target, source):
            if known[str(code)] is None and code != AUTO:
                raise ApiError(400, f"{code} is not supported")
        auto = source == AUTO
        done: list[TextTranslation] = await run(
            request,
            lambda cancel: service.translate_texts(
                texts,
                None if auto else known[source].code,  # type: ignore[union-attr]
                known[target].code,  # type: ignore[union-attr]
                html=fmt == "html",
                cancel=cancel,
            ),
        )
        batch = isinstance(params["q"], list)
        answer: dict[str, Any] = {
            "translatedText": [d.text for d in done] if batch else done[0].text
        }
        if auto:
            detected = [_detected(d.source, d.confidence or 0.0) for d in done]
            answer["detectedLanguage"] = detected if batch else detected[0]
        if alternatives:
            answer["alternatives"] = [[] for _ in done] if batch else []
        return answer

    @app.post(
        "/detect",
        tags=[LIBRETRANSLATE],
        summary="Detect the language of a text",
        response_model=list[DetectedLanguage],
        responses=errors,
        openapi_extra=request_body(DetectRequest, EXAMPLES["detect"], form=True),
    )
    @answers
    async def detect(request: Request) -> list[dict[str, Any]]:
        """The registered languages the text may be in, most likely first (confidence
        0–100). A text clearly in another language is refused, naming it."""
        params = await admitted(request)
        q = params.get("q")
        if not isinstance(q, str) or not q:
            texts_param(q, "q")
            raise ApiError(400, "Invalid request: q must be a string")
        check_size([q], service.max_chars)
        found = await asyncio.to_thread(service.detect_languages, q)
        return [_detected(code, confidence) for code, confidence in found]

    @app.get(
        "/languages",
        tags=[LIBRETRANSLATE],
        summary="Supported languages",
        response_model=list[LanguageInfo],
    )
    async def get_languages() -> list[dict[str, Any]]:
        """Each registered language with the languages it translates into."""
        return [
            {"code": lang.code, "name": lang.name,
             "targets": [p.target for p in pairs() if p.source == lang.code]}
            for lang in languages()
        ]  # fmt: skip

    @app.get("/health", tags=[LIBRETRANSLATE], summary="Health", response_model=Health)
    async def health() -> dict[str, str]:
        """`{"status": "ok"}` while the server answers (the models may still be loading)."""
        return {"status": "ok"}

    @app.get("/frontend/settings", tags=[LIBRETRANSLATE], summary="Settings for a front end")
    async def frontend_settings() -> dict[str, Any]:
        """The settings document LibreTranslate's own page reads: the character limit,
        whether keys are needed, the default languages; no files, no suggestions."""
        first = pairs()[0]
        target = find_language(first.target)
        return {
            "charLimit": service.max_chars,
            "frontendTimeout": 500,
            "apiKeys": access.keys_required,
            "keyRequired": access.keys_required,
            "suggestions": False,
            "filesTranslation": False,
            "supportedFilesFormat": [],
            "language": {
                "source": {"code": AUTO, "name": "Auto Detect"},
                "target": {"code": first.target, "name": target.name if target else first.target},
            },
        }

    def v1(path: str, model: type[BaseModel], examples: str, summary: str, answer: Any) -> Any:
        responses: dict[int | str, Any] = dict(errors)
        responses.update({code: {"model": ErrorBody} for code in (422, 502, 504)})  # articles
        if answer is None:  # the digest: a documented example rather than a schema
            responses[200] = {"content": {"application/json": {"example": DIGEST_EXAMPLE}}}
        return app.post(
            path, tags=[OURS], summary=summary, response_model=answer, responses=responses,
            openapi_extra=request_body(model, EXAMPLES[examples], form=False),
        )  # fmt: skip

    @v1("/api/v1/translate", V1TranslateRequest, "v1_translate", "Translate an article, "
        "sentence by sentence", V1Translation)  # fmt: skip
    @answers_v1
    async def v1_translate(request: Request) -> dict[str, Any]:
        """The translation with its sentence alignment (`segments`) and the faithfulness
        `warnings`, and the `article`'s metadata. Give one of `text`, `url` (the article is
        fetched) or `html` (a saved page; `url` may say where it came from)."""
        return await article(
            request,
            V1TranslateRequest,
            lambda b, doc, c: translation_record(
                service.translate(doc, b.direction, c, b.glossary, b.speed),
                doc if isinstance(doc, Article) else None,
            ),
        )

    @v1("/api/v1/digest", V1DigestRequest, "v1_digest", "Digest an article", None)
    @answers_v1
    async def v1_digest(request: Request) -> dict[str, Any]:
        """The whole digest as the Python `Digest.to_dict()`: the translation with its
        segments, the summary in both languages, the attribution, warnings, timings, models
        and the `article`'s metadata (title, author, date, site, url; null for a text). Give
        one of `text`, `url` (the article is fetched) or `html` (a saved page; `url` may say
        where it came from)."""
        done = await article(
            request,
            V1DigestRequest,
            lambda b, doc, c: service.digest(
                doc, b.direction, b.length, cancel=c, glossary=b.glossary, speed=b.speed
            ),
        )
        return done.to_dict()

    @v1("/api/v1/summarize", V1DigestRequest, "v1_digest", "Summarise an article in both "
        "languages", V1Summary)  # fmt: skip
    @answers_v1
    async def v1_summarize(request: Request) -> dict[str, Any]:
        """The summary in both languages of the pair, and the `article`'s metadata; only what
        the summaries need is translated. Give one of `text`, `url` or `html`."""
        done = await article(
            request,
            V1DigestRequest,
            lambda b, doc, c: service.summarize(
                doc, b.direction, b.length, cancel=c, glossary=b.glossary, speed=b.speed
            ),
        )
        return summary_record(done)

    _methods_not_allowed(app)


def _document(service: DigestService, body: Any) -> TextOrArticle:
    """What an /api/v1 request is about: its text, the article of its saved page's ``html``
    (``url`` saying where it came from), or the article fetched from its ``url``."""
    try:
        return service.document(body.text, url=body.url, html=body.html)
    except PageTooLargeError as exc:
        if body.html is None:
            raise
        raise ApiError(413, door_message(exc, "api")) from None  # what the client sent: 413


def _detected(code: str, confidence: float) -> dict[str, Any]:
    return {"language": code, "confidence": round(confidence * 100, 2)}


def _methods_not_allowed(app: FastAPI) -> None:
    """405 with ``{"error": ...}`` for the other methods on the API's paths (the page mounted
    at ``/`` would otherwise take them)."""
    allowed: dict[str, set[str]] = {}
    for route in app.routes:
        methods, path = getattr(route, "methods", None), getattr(route, "path", "")
        if methods and (getattr(route, "include_in_schema", False) or path == app.openapi_url):
            allowed.setdefault(path, set()).update(methods)
    every = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
    for path, methods in allowed.items():
        app.add_api_route(
            path, _refusal(", ".join(sorted(methods))), methods=sorted(every - methods),
            include_in_schema=False,
        )  # fmt: skip


def _refusal(allow: str) -> Callable[[], Awaitable[Response]]:
    async def refuse() -> Response:
        return SafeJSONResponse(
            {"error": f"Method Not Allowed: use {allow}"}, status_code=405, headers={"Allow": allow}
        )

    return refuse
