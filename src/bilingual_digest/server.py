"""Serving: bind the port, load the models in the background, run the app (uvicorn).

:func:`serve` is ``bilingual-digest serve`` and ``python app.py``: one process, one port,
the page and the JSON API (:func:`bilingual_digest.api.create_app`). The socket is bound
before anything else is started, so a port in use or an address this machine doesn't have is
one line and an exit status, never a half-started server. :func:`start` serves in a thread
(tests, notebooks) and :func:`launch` serves a page built by
:func:`~bilingual_digest.ui.page.build_demo`, as the first round's ``ui.launch`` did.

Logs: the access log (with ``-v``) shows each request's path without its query string, which
may hold an API key or the text itself; keys are never logged.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .settings import ServerSettings, resolve_address, warn_if_exposed

if TYPE_CHECKING:
    from fastapi import FastAPI

    from .service import DigestService

logger = logging.getLogger("bilingual_digest")


class PortInUseError(OSError):
    """The port is taken (another server is running there)."""


def bind(host: str, port: int) -> socket.socket:
    """Open a listening socket, with messages that say what to change.

    Raises:
        ValueError: If the host is not a name or address of this machine (a bad option).
        PortInUseError: If the port is taken.
        OSError: If binding fails otherwise (e.g. a privileged port).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise ValueError(
            f"The host {host!r} is not an address or a name this machine knows."
        ) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        where = f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                errno.EADDRINUSE,
                f"Port {port} is already in use on {host} (another server?): choose another "
                "with --port or BILINGUAL_DIGEST_PORT.",
            ) from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ValueError(
                f"Cannot serve on {where}: {host} is not an address of this machine."
            ) from None
        if exc.errno == errno.EACCES:
            raise OSError(
                exc.errno, f"Cannot serve on {where}: ports below 1024 need privileges."
            ) from None
        raise OSError(exc.errno, f"Cannot serve on {where}: {exc.strerror}.") from None
    sock.set_inheritable(True)
    return sock


class _NoQueryString(logging.Filter):
    """Drop the query string from uvicorn's access log lines (keys and texts may be in it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def _config(app: FastAPI, sock: socket.socket) -> Any:
    import uvicorn

    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _NoQueryString) for f in access.filters):
        access.addFilter(_NoQueryString())
    host, port = sock.getsockname()[:2]
    return uvicorn.Config(
        app, host=host, port=port, log_config=None, timeout_graceful_shutdown=5, lifespan="on"
    )


@dataclass
class RunningServer:
    """A server running in a thread (:func:`start`).

    Attributes:
        host: The address it is bound to.
        port: Its port.
        app: The app it serves.
    """

    host: str
    port: int
    app: FastAPI
    _server: Any
    _thread: threading.Thread

    @property
    def url(self) -> str:
        """``http://host:port/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def close(self) -> None:
        """Stop serving and free the port."""
        self._server.should_exit = True
        self._thread.join(15)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start(app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Serve an app in a background thread until :meth:`RunningServer.close`.

    Args:
        app: The app (:func:`bilingual_digest.api.create_app`).
        host: Address to bind.
        port: Port; 0 for a free one.

    Raises:
        The errors of :func:`bind`; RuntimeError if the server doesn't start in 60 s.
    """
    import uvicorn

    sock = bind(host, port)
    server = uvicorn.Server(_config(app, sock))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="bilingual-digest-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"The server on {host}:{port} did not start.")
        time.sleep(0.02)
    bound_host, bound_port = sock.getsockname()[:2]
    return RunningServer(bound_host, bound_port, app, server, thread)


def launch(
    demo: Any,
    host: str | None = None,
    port: int | str | None = None,
    *,
    block: bool = True,
    quiet: bool = False,
) -> tuple[str, int]:
    """Serve a page from :func:`~bilingual_digest.ui.page.build_demo`, with the JSON API.

    The page's service is shared with the API; keys, limits and the rest come from the
    environment (``BILINGUAL_DIGEST_*``).

    Args:
        demo: The page (its ``demo.service`` is served).
        host: Address to bind; default ``BILINGUAL_DIGEST_HOST``, else ``GRADIO_SERVER_NAME``,
            else ``127.0.0.1`` (loopback only).
        port: TCP port; default ``BILINGUAL_DIGEST_PORT``, else ``GRADIO_SERVER_PORT``, else
            7860.
        block: Serve until interrupted; False returns once the server is up (``demo.close()``
            stops it, as for a Gradio app).
        quiet: Don't print the address.

    Returns:
        The ``(host, port)`` served.

    Raises:
        ValueError: If the host or port is invalid.
        OSError: If the port is taken.
    """
    from .api import create_app

    host, port = resolve_address(host, port)
    settings = ServerSettings.resolve(host=host, port=port)
    service: DigestService = demo.service
    sock = bind(host, port) if block else None
    app = create_app(service, settings, page=demo)
    warn_if_exposed(host, app.state.access.keys_required)
    service.start_warm_up()
    if sock is None:
        demo.server = start(app, host, port)  # Blocks.close() stops it, as for Gradio's launch
    if not quiet:
        print(f"Serving on http://{host}:{port}/", flush=True)
    if sock is not None:
        _run(app, sock)
    return host, port


def _run(app: FastAPI, sock: socket.socket) -> None:
    import uvicorn

    uvicorn.Server(_config(app, sock)).run(sockets=[sock])


def serve(settings: ServerSettings) -> int:
    """``bilingual-digest serve``: bind, start loading the models, serve until interrupted.

    Returns:
        The exit status (0).

    Raises:
        ValueError: For a bad setting (exit status 2 on the command line).
        OSError: If the port is taken or can't be bound (exit status 1).
    """
    from .service import DigestService

    sock = bind(settings.host, settings.port)
    service = DigestService(
        max_chars=settings.max_chars,
        concurrency=settings.concurrency,
        queue_size=settings.queue_size,
        allow_private=settings.allow_private_urls,
    )
    service.start_warm_up()  # the models load while the web framework is imported
    try:
        from .api import create_app

        app = create_app(service, settings)
    except BaseException:
        sock.close()
        raise
    warn_if_exposed(settings.host, app.state.access.keys_required)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(
        f"Serving on http://{host}:{settings.port}/ (the page; the API at /translate and "
        "/api/v1, described at /spec)",
        file=sys.stderr,
        flush=True,
    )
    _run(app, sock)
    if service.loading:  # stopped while a model was loading in native code: leave now, or
        logger.warning("Stopped while the models were loading.")  # its thread aborts at exit
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(0)
    return 0
