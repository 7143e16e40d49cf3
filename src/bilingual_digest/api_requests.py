"""Reading API requests LibreTranslate's way, and answering failures in its shape.

Parameters come from the query string, then a form or a JSON body (:func:`read_params`);
every failure is answered ``{"error": message}`` with its status (:func:`answers`), never a
traceback; a string no codec can encode (a lone surrogate) is written escaped
(:class:`SafeJSONResponse`).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from .errors import (
    BilingualDigestError,
    Cancelled,
    FetchError,
    FetchTimeoutError,
    ModelUnavailableError,
    NoArticleTextError,
    NotHTMLError,
    PageTooLargeError,
    ServerBusyError,
)
from .http_guards import BodyTooLarge
from .languages import AUTO, directions
from .messages import door_message

logger = logging.getLogger("bilingual_digest")


ARTICLE_STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (FetchTimeoutError, 504),
    (FetchError, 502),
    (NotHTMLError, 422),
    (NoArticleTextError, 422),
    (PageTooLargeError, 422),
)
"""The status of an article that can't be had, first match wins: the fetch timed out (504
Gateway Timeout) or failed (502 Bad Gateway: unreachable, an HTTP error, redirects); the page
is no article (422: not HTML, no article text, too large to take). A bad or refused link is
a bad request (400), like every other error of ours."""


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


def error_response(exc: BaseException, *, v1: bool = False) -> Response:
    """The answer for an exception, in LibreTranslate's shape ``{"error": ...}``.

    Advice to give the language is told in the endpoint's terms: ``source`` for
    LibreTranslate's (:func:`~bilingual_digest.messages.door_message`), ``direction`` for
    ours (``v1``).
    """
    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        status, message, headers = exc.status, exc.message, exc.headers
    elif isinstance(exc, BodyTooLarge):
        status, message = 413, str(exc)
    elif isinstance(exc, ServerBusyError):
        status, message, headers = 503, str(exc), {"Retry-After": str(exc.retry_after)}
    elif isinstance(exc, (Cancelled, ModelUnavailableError)):
        status, message = 503, str(exc)
    elif v1 and getattr(exc, "asks_for_language", False):
        choices = " or ".join(f'"{d}"' for d in directions() if d != AUTO)
        reason = getattr(exc, "reason", str(exc))
        status, message = 400, f'{reason} Give the language explicitly in "direction" ({choices}).'
    elif any(isinstance(exc, kind) for kind, _ in ARTICLE_STATUS):
        status = next(code for kind, code in ARTICLE_STATUS if isinstance(exc, kind))
        message = door_message(exc, "api")
    elif isinstance(exc, (BilingualDigestError, ValueError, TypeError)):
        status, message = 400, door_message(exc, "api")
    else:
        logger.exception("Unexpected error in the API")
        status = 500
        message = f"Internal error ({type(exc).__name__}); the details are in the server log."
    return SafeJSONResponse({"error": message}, status_code=status, headers=headers)


def answers(fn: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Any]]:
    """Turn what an endpoint raises into its ``{"error": ...}`` answer (never a traceback)."""
    return _answering(fn, v1=False)


def answers_v1(fn: Callable[[Request], Awaitable[Any]]) -> Callable[[Request], Awaitable[Any]]:
    """:func:`answers`, with messages in the words of ``/api/v1`` (``direction``)."""
    return _answering(fn, v1=True)


def _answering(
    fn: Callable[[Request], Awaitable[Any]], *, v1: bool
) -> Callable[[Request], Awaitable[Any]]:
    @functools.wraps(fn)
    async def endpoint(request: Request) -> Any:
        try:
            return await fn(request)
        except Exception as exc:
            return error_response(exc, v1=v1)

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


def api_key(request: Request, params: dict[str, Any]) -> object:
    """The API key: the ``api_key`` parameter, else an ``Authorization: Bearer`` header."""
    if params.get("api_key"):
        return params["api_key"]
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def texts_param(value: object, name: str) -> list[str]:
    """A required text or list of texts."""
    if value is None or value == "" or value == []:
        raise ApiError(400, f"Invalid request: missing {name} parameter")
    texts = value if isinstance(value, list) else [value]
    if not all(isinstance(text, str) for text in texts):
        raise ApiError(400, f"Invalid request: {name} must be a string or a list of strings")
    return texts  # type: ignore[return-value]


def validated(model: type[BaseModel], params: dict[str, Any]) -> Any:
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "body"
        if first["type"] == "missing":
            raise ApiError(400, f"Invalid request: missing {name} parameter") from None
        raise ApiError(400, f"Invalid request: {name}: {first['msg']}") from None


def check_size(texts: list[str], limit: int) -> None:
    size = sum(len(text) for text in texts)
    if size > limit:
        raise ApiError(400, f"Invalid request: request ({size}) exceeds text limit ({limit})")
