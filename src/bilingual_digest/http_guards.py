"""What wraps every response of the server, page and API alike.

- **Security headers**: ``X-Content-Type-Options: nosniff`` (no type sniffing),
  ``X-Frame-Options: DENY`` and ``Content-Security-Policy: frame-ancestors 'none'`` (no other
  site can frame the page: no clickjacking), ``Referrer-Policy: no-referrer``.
- **Host names** (Starlette's ``TrustedHostMiddleware``): a server bound to loopback answers
  only to loopback names, so a web page can't reach it through a DNS name rebound to
  127.0.0.1 (DNS rebinding); ``--allowed-hosts`` names others (a reverse proxy's).
- **CORS** (Starlette's ``CORSMiddleware``): no other origin may read the answers unless
  ``--cors-origins`` lists it. Always installed, so Gradio leaves CORS to it.
- **Body size**: a body over the character limit's widest encoding is refused (413) before
  it is read whole; the routes that take a saved page's HTML (:data:`PAGE_ROUTES`) make
  room for a page up to the page size limit.
- **Uploads**: the page reads files in the browser, so Gradio's routes that write what a
  client sends to disk are refused (:func:`refuse_uploads`).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .settings import ServerSettings

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}

PAGE_ROUTES = ("/api/v1/", "/gradio_api/")
"""The routes whose bodies may carry a saved page's HTML (``/api/v1/*``'s ``html``; the
page's file opener, through Gradio's queue); the others (LibreTranslate's) keep the text's
limit."""

UPLOAD_ROUTES = (
    "/gradio_api/upload",
    "/gradio_api/upload_progress",
    "/gradio_api/process_recording",
    "/gradio_api/stream/{rest:path}",
    "/gradio_api/run-history/{rest:path}",
)
"""Gradio's routes that take files or streams from a client (the page uses none of them)."""

NO_UPLOADS = (
    "This server accepts no file uploads: the page reads a file in your browser and sends "
    "only its text."
)


def add_guards(
    app: FastAPI, settings: ServerSettings, *, limit: int, page_limit: int | None = None
) -> None:
    """Wrap the app in the guards above (the last added runs first: host names first).

    Args:
        app: The app.
        settings: CORS origins and host names.
        limit: Largest request body, in bytes.
        page_limit: Largest request body on :data:`PAGE_ROUTES`, in bytes (default
            ``limit``).
    """
    app.add_middleware(_BodyLimit, limit=limit, page_limit=page_limit)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    hosts = settings.hosts
    if hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=[_bracketed(h) for h in hosts])
    app.add_middleware(_SecurityHeaders)


def refuse_uploads(app: FastAPI) -> None:
    """Answer 403 on Gradio's upload and stream routes (before the page is mounted)."""

    async def refuse() -> JSONResponse:
        return JSONResponse({"error": NO_UPLOADS}, status_code=403)

    for path in UPLOAD_ROUTES:
        methods = ["POST"] if "{rest" in path else ["GET", "POST", "PUT"]
        app.add_api_route(path, refuse, methods=methods, include_in_schema=False)


def _bracketed(host: str) -> str:
    """An IPv6 address as it appears in a Host header (``[::1]``)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class _SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every response that doesn't set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """A request body over the limit, raised while it is read (answered 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"Request body too large: the most this server reads is {limit:,} bytes.")


class _BodyLimit:
    """Refuse a request body over the limit with 413, by its length or as it arrives: ``limit``
    bytes, or ``page_limit`` on :data:`PAGE_ROUTES`."""

    def __init__(self, app: ASGIApp, limit: int, page_limit: int | None = None) -> None:
        self.app, self.limits = app, (limit, limit if page_limit is None else page_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits[str(scope.get("path", "")).startswith(PAGE_ROUTES)]
        refusal = JSONResponse({"error": str(BodyTooLarge(limit))}, status_code=413)
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await refusal(scope, receive, send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except BodyTooLarge:
            if not started:
                await refusal(scope, receive, send)
