"""The HTTP app: LibreTranslate's API, ours, and the web page, on one port (FastAPI).

:func:`create_app` builds it over a :class:`~bilingual_digest.service.DigestService`:

- LibreTranslate's endpoints, with its parameters (form data, JSON body or query string),
  answers and error shapes: ``POST /translate``, ``POST /detect``, ``GET /languages``,
  ``GET /health``, ``GET /frontend/settings``, and ``GET /spec`` (this app's OpenAPI
  document);
- ours: ``POST /api/v1/translate`` (the sentence alignment and warnings), ``/api/v1/digest``
  (``Digest.to_dict()``) and ``/api/v1/summarize``;
- the Gradio page, mounted at ``/`` (:func:`bilingual_digest.ui.page.mount_page`).

Keys and the rate limit (:mod:`~bilingual_digest.access`) apply to the calls that do work;
the character limit is checked before anything is computed; every call that runs a model
waits in the service's one queue, and a client that hangs up cancels its work. The guards
around every response (security headers, host names, CORS, body size) are in
:mod:`~bilingual_digest.http_guards`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from . import __version__
from .access import Access
from .api_models import (
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
from .errors import (
    BilingualDigestError,
    Cancelled,
    ModelUnavailableError,
    ServerBusyError,
)
from .http_guards import BodyTooLarge, add_guards, refuse_uploads
from .languages import AUTO, directions, find_language, languages, pairs
from .service import DigestService, TextTranslation, summary_record, translation_record
from .settings import ServerSettings
from .work_queue import run_cancellable

logger = logging.getLogger("bilingual_digest")

LIBRETRANSLATE = "LibreTranslate-compatible"
OURS = "bilingual-digest"


class ApiError(Exception):
    """A refusal with its HTTP status: answered as ``{"error": message}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class SafeJSONResponse(JSONResponse):
    """JSON in UTF-8; a string no codec can encode (a lone surrogate) is written escaped."""

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
        except UnicodeEncodeError:
            return json.dumps(content, separators=(",", ":")).encode()


def _error(exc: BaseException) -> Response:
    """The answer for an exception, in LibreTranslate's shape ``{"error": ...}``."""
    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        status, message, headers = exc.status, exc.message, exc.headers
    elif isinstance(exc, BodyTooLarge):
        status, message = 413, str(exc)
    elif isinstance(exc, ServerBusyError):
        status, message, headers = 503, str(exc), {"Retry-After": str(exc.retry_after)}
    elif isinstance(exc, (Cancelled, ModelUnavailableError)):
        status, message = 503, str(exc)
    elif isinstance(exc, (BilingualDigestError, ValueError, TypeError)):
        status, message = 400, str(exc)
    else:
        logger.exception("Unexpected error in the API")
        status = 500
        message = f"Internal error ({type(exc).__name__}); the details are in the server log."
    return SafeJSONResponse({"error": message}, status_code=status, headers=headers)


def _answers(fn: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Any]]:
    """Turn what an endpoint raises into its ``{"error": ...}`` answer (never a traceback)."""

    @functools.wraps(fn)
    async def endpoint(request: Request) -> Any:
        try:
            return await fn(request)
        except Exception as exc:
            return _error(exc)

    return endpoint


_SOURCE_HINT = 'e.g. source="fr" or source="en"'
"""The engine's hint for an undetectable language, in Python's words: true at LibreTranslate's
``/translate`` (its parameter is ``source`` too), rewritten for ours, which take a direction."""


def _v1(fn: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Any]]:
    """:func:`_answers`, with messages in the words of ``/api/v1`` (``direction``)."""
    answered = _answers(fn)

    @functools.wraps(fn)
    async def endpoint(request: Request) -> Any:
        response = await answered(request)
        if isinstance(response, Response) and response.status_code == 400:
            body = json.loads(response.body)
            pairs_ = " or ".join(f'"{d}"' for d in directions() if d != AUTO)
            body["error"] = body["error"].replace(_SOURCE_HINT, f'with "direction": {pairs_}')
            return SafeJSONResponse(body, status_code=400)
        return response

    return endpoint


# --------------------------------------------------------------------------- requests


async def read_params(request: Request) -> dict[str, Any]:
    """The parameters of a request, LibreTranslate's way: the query string, then the form
    or JSON body; a name given several times is a list.

    Raises:
        ApiError: For a JSON body that is not an object, or a form carrying files.
    """
    params: dict[str, Any] = {}

    def add(items: Any) -> None:
        for key in dict.fromkeys(items.keys()):
            values = items.getlist(key)
            params[key] = values[0] if len(values) == 1 else values

    add(request.query_params)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = await request.form(max_files=0)
        except (MultiPartException, HTTPException) as exc:
            reason = getattr(exc, "detail", None) or getattr(exc, "message", exc)
            raise ApiError(400, f"Invalid request: {reason} (files are not accepted)") from None
        add(form)
    elif kind == "application/json" or kind.endswith("+json"):
        body = await request.body()
        if body.strip():
            try:
                data = json.loads(body)
            except ValueError:
                raise ApiError(400, "Invalid JSON format") from None
            if not isinstance(data, dict):
                raise ApiError(400, "Invalid JSON format")
            params.update(data)
    return params


def _key(request: Request, params: dict[str, Any]) -> object:
    """The API key: the ``api_key`` parameter, else an ``Authorization: Bearer`` header."""
    if params.get("api_key"):
        return params["api_key"]
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _texts(value: object, name: str) -> list[str]:
    """A required text or list of texts."""
    if value is None or value == "" or value == []:
        raise ApiError(400, f"Invalid request: missing {name} parameter")
    texts = value if isinstance(value, list) else [value]
    if not all(isinstance(text, str) for text in texts):
        raise ApiError(400, f"Invalid request: {name} must be a string or a list of strings")
    return texts  # type: ignore[return-value]


def _validated(model: type[BaseModel], params: dict[str, Any]) -> Any:
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "body"
        if first["type"] == "missing":
            raise ApiError(400, f"Invalid request: missing {name} parameter") from None
        raise ApiError(400, f"Invalid request: {name}: {first['msg']}") from None


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
        )
    access = Access.from_settings(settings)
    if settings.page_requires_key and not access.keys_required:
        raise ValueError(
            "page_requires_key needs API keys: give --api-keys-file or BILINGUAL_DIGEST_API_KEYS."
        )
    app = FastAPI(
        title="bilingual-digest",
        version=__version__,
        description=_DESCRIPTION,
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
    add_guards(app, settings, limit=body_limit(service.max_chars))
    return app


def body_limit(max_chars: int) -> int:
    """Largest request body, in bytes: the character limit at its widest encoding (a
    character sent as ``\\ud83d\\ude00`` in JSON or ``%F0%9F%98%80`` in a form takes 12
    bytes), plus room for the rest of the request."""
    return 12 * max_chars + 64 * 1024


_DESCRIPTION = """French↔English translation and bilingual summaries, on this machine.

**LibreTranslate-compatible** endpoints (`/translate`, `/detect`, `/languages`, `/health`,
`/frontend/settings`, `/spec`) take their parameters as form data, a JSON body or the query
string, and answer as LibreTranslate does; errors are `{"error": "..."}` with status 400
(bad request), 403 (API key missing or wrong, when the server needs keys), 405 (wrong method),
413 (body too large), 429 (over the rate limit) or 503 (busy, or a model unavailable).

**Ours** (`/api/v1/...`) give the sentence alignment, the faithfulness warnings and the
digest. The API key goes in `api_key` or an `Authorization: Bearer` header.
"""


def _over_limit(texts: list[str], limit: int) -> None:
    size = sum(len(text) for text in texts)
    if size > limit:
        raise ApiError(400, f"Invalid request: request ({size}) exceeds text limit ({limit})")


def _routes(app: FastAPI, service: DigestService, access: Access) -> None:
    """LibreTranslate's endpoints and ours."""
    errors = {code: {"model": ErrorBody} for code in (400, 403, 413, 429, 503)}

    async def admitted(request: Request) -> dict[str, Any]:
        """The request's parameters, once its key and rate limit are checked."""
        params = await read_params(request)
        address = request.client.host if request.client else "unknown"
        verdict = access.admit(_key(request, params), address)
        if verdict.status != 200:
            retry = {"Retry-After": str(verdict.retry_after)} if verdict.retry_after else {}
            raise ApiError(verdict.status, verdict.error, retry)
        return params

    async def run(request: Request, work: Callable[[Any], Any]) -> Any:
        return await run_cancellable(work, gone=request.is_disconnected)

    @app.post(
        "/translate",
        tags=[LIBRETRANSLATE],
        summary="Translate text",
        response_model=TranslateResponse,
        response_model_exclude_none=True,
        responses=errors,
        openapi_extra=request_body(TranslateRequest, EXAMPLES["translate"], form=True),
    )
    @_answers
    async def translate(request: Request) -> dict[str, Any]:
        """Translate a text or a list of texts; `source` may be `auto`. With `format=html`
        the markup is kept and only the text translated. The parameters may also be sent
        in the query string."""
        params = await admitted(request)
        texts = _texts(params.get("q"), "q")
        for name in ("source", "target"):
            if not params.get(name):
                raise ApiError(400, f"Invalid request: missing {name} parameter")
        try:
            alternatives = max(0, int(params.get("alternatives") or 0))
        except (TypeError, ValueError):
            raise ApiError(400, "Invalid request: alternatives parameter is not a number") from None
        _over_limit(texts, service.max_chars)
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
    @_answers
    async def detect(request: Request) -> list[dict[str, Any]]:
        """The registered languages the text may be in, most likely first (confidence
        0–100). A text clearly in another language is refused, naming it."""
        params = await admitted(request)
        q = params.get("q")
        if not isinstance(q, str) or not q:
            _texts(q, "q")
            raise ApiError(400, "Invalid request: q must be a string")
        _over_limit([q], service.max_chars)
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
        if answer is None:  # the digest: a documented example rather than a schema
            responses[200] = {"content": {"application/json": {"example": DIGEST_EXAMPLE}}}
        return app.post(
            path, tags=[OURS], summary=summary, response_model=answer, responses=responses,
            openapi_extra=request_body(model, EXAMPLES[examples], form=False),
        )  # fmt: skip

    @v1("/api/v1/translate", V1TranslateRequest, "v1_translate", "Translate an article, "
        "sentence by sentence", V1Translation)  # fmt: skip
    @_v1
    async def v1_translate(request: Request) -> dict[str, Any]:
        """The translation with its sentence alignment (`segments`) and the faithfulness
        `warnings`. Only `text` is required."""
        body = _validated(V1TranslateRequest, await admitted(request))
        _over_limit([body.text], service.max_chars)
        done = await run(request, lambda c: service.translate(body.text, body.direction, c))
        return translation_record(done)

    @v1("/api/v1/digest", V1DigestRequest, "v1_digest", "Digest an article", None)
    @_v1
    async def v1_digest(request: Request) -> dict[str, Any]:
        """The whole digest as the Python `Digest.to_dict()`: the translation with its
        segments, the summary in both languages, the attribution, warnings, timings and
        models. Only `text` is required."""
        body = _validated(V1DigestRequest, await admitted(request))
        _over_limit([body.text], service.max_chars)
        done = await run(
            request,
            lambda c: service.digest(body.text, body.direction, body.length, cancel=c),
        )
        return done.to_dict()

    @v1("/api/v1/summarize", V1DigestRequest, "v1_digest", "Summarise an article in both "
        "languages", V1Summary)  # fmt: skip
    @_v1
    async def v1_summarize(request: Request) -> dict[str, Any]:
        """The summary in both languages of the pair; only what the summaries need is
        translated. Only `text` is required."""
        body = _validated(V1DigestRequest, await admitted(request))
        _over_limit([body.text], service.max_chars)
        done = await run(
            request,
            lambda c: service.summarize(body.text, body.direction, body.length, cancel=c),
        )
        return summary_record(done)

    _methods_not_allowed(app)


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
