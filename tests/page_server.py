"""A local HTTP server for the article tests: real saved pages, and every way a server misbehaves.

Routes (GET only):

- ``/pages/NAME``: ``tests/pages/NAME`` as ``text/html; charset=utf-8``; ``?gzip=1`` sends
  it gzip-compressed.
- ``/news``: a short news page (menu, cookie banner, "read also" box and footer around it).
- ``/links``: a news index (a list of headlines, each a link), not an article.
- ``/redirect?to=PATH``: a 302 to ``PATH`` (relative or absolute).
- ``/loop/a`` ↔ ``/loop/b``: a redirect loop; ``/chain/N``: N redirects, then a page.
- ``/big``: 50 MB of HTML with its Content-Length; ``/big-stream``: the same without one
  (read until the connection closes); ``/gzip-bomb``: 50 MB of HTML squeezed into ~50 kB
  of gzip. All are written from one small buffer, so the server holds no 50 MB either.
- ``/json``, ``/pdf``, ``/no-type``: other content types, and none.
- ``/slow``: answers after 5 s; ``/drip``: sends a byte every 0.2 s, for ever.
- ``/echo``: an article quoting the request's ``Host`` and ``User-Agent`` headers.
- ``/status/N``: answers with status N.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).resolve().parent / "pages"
BIG = 50_000_000
_FILLER = b"<p>" + b"Lorem ipsum dolor sit amet. " * 2000 + b"</p>\n"

LINKS_PAGE = (
    "<!doctype html><html><head><title>Actualités</title></head><body>"
    "<nav><a href='/'>Accueil</a> <a href='/monde'>Monde</a></nav>"
    "<h1>Dernières actualités</h1><ul>"
    + "".join(
        f"<li><a href='/article/{i}'>Retraites : le gouvernement présente le volet {i} de sa "
        "réforme devant le Conseil des ministres</a></li>"
        for i in range(40)
    )
    + "</ul><footer>© Le Journal</footer></body></html>"
)

NEWS_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Le conseil municipal vote le budget | La Gazette</title>
<meta property="og:site_name" content="La Gazette"><meta name="author" content="Marie Dupont">
<meta property="article:published_time" content="2024-03-05T08:00:00+01:00"></head>
<body><header><nav><a href="/">Accueil</a> <a href="/politique">Politique</a>
<a href="/sport">Sport</a></nav></header>
<div class="cookies">Ce site utilise des cookies. <a href="/cookies">En savoir plus</a></div>
<main><article><h1>Le conseil municipal vote le budget</h1>
<p>Le conseil municipal a adopté mardi soir le budget de la ville pour l'année prochaine,
après trois heures de débats animés entre la majorité et l'opposition.</p>
<p>Les dépenses d'investissement augmentent de dix pour cent, portées par la rénovation des
écoles et la construction d'une nouvelle piscine dans le quartier nord.</p>
</article></main>
<aside><h2>À lire aussi</h2><ul><li><a href="/a/1">Les travaux du pont reportés</a></li>
<li><a href="/a/2">Un nouveau marché le samedi</a></li></ul></aside>
<footer>© La Gazette — Mentions légales — Contact</footer></body></html>
"""

ECHO_PAGE = """<!doctype html><html><head><title>Echo</title></head><body><article>
<h1>Echo</h1>
<p>Le serveur a reçu la requête avec l'en-tête Host {host} et l'agent {agent}. Cette phrase
est assez longue pour que l'extraction la garde comme texte principal de la page.</p>
<p>Une deuxième phrase, tout aussi ordinaire, complète ce court article de test.</p>
</article></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        path = url.path
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client hung up
            self._route(path, query)

    def _send(
        self, status: int, body: bytes = b"", content_type: str | None = "text/html", **headers: str
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, b"", Location=location)

    def _stream(self, total: int, *, declare: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if declare:
            self.send_header("Content-Length", str(total))
        self.end_headers()
        self.wfile.write(b"<!doctype html><html><body>")
        sent = 0
        while sent < total:
            self.wfile.write(_FILLER)
            sent += len(_FILLER)

    def _route(self, path: str, query: dict[str, str]) -> None:
        if path.startswith("/pages/"):
            body = (PAGES / Path(path).name).read_bytes()
            if query.get("gzip"):
                self._send(
                    200, gzip.compress(body), "text/html; charset=utf-8", Content_Encoding="gzip"
                )
            else:
                self._send(200, body, "text/html; charset=utf-8")
        elif path == "/news":
            self._send(200, NEWS_PAGE.encode(), "text/html; charset=utf-8")
        elif path == "/links":
            self._send(200, LINKS_PAGE.encode(), "text/html; charset=utf-8")
        elif path == "/redirect":
            self._redirect(query["to"])
        elif path.startswith("/loop/"):
            self._redirect("/loop/b" if path.endswith("a") else "/loop/a")
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            if left > 0:
                self._redirect(f"/chain/{left - 1}")
            else:
                self._route("/pages/wikimediafoundation.org.turkey.html", {})
        elif path == "/big":
            self._stream(BIG, declare=True)
        elif path == "/big-stream":
            self._stream(BIG, declare=False)  # HTTP/1.0: the body ends when the connection closes
        elif path == "/gzip-bomb":
            self._send(200, _bomb(), "text/html", Content_Encoding="gzip")
        elif path == "/json":
            self._send(200, b'{"title": "not a page"}', "application/json")
        elif path == "/pdf":
            self._send(200, b"%PDF-1.7\n", "application/pdf")
        elif path == "/no-type":
            self._send(200, b"just some bytes, no markup", None)
        elif path == "/slow":
            time.sleep(5)
            self._send(200, b"<html><body><p>late</p></body></html>")
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(300):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        elif path == "/echo":
            agent = self.headers.get("User-Agent", "")
            page = ECHO_PAGE.format(host=self.headers.get("Host"), agent=agent)
            self._send(200, page.encode(), "text/html; charset=utf-8")
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"<html><body>nope</body></html>")
        else:
            self._send(404, b"<html><body>not found</body></html>")


@functools.cache
def _bomb() -> bytes:
    """50 MB of HTML as gzip, compressed a megabyte at a time."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: with a gzip header
    parts = [squeeze.compress(b"<!doctype html><html><body><p>")]
    spaces = b" " * 1_000_000
    parts += [squeeze.compress(spaces) for _ in range(BIG // len(spaces))]
    return b"".join([*parts, squeeze.flush()])


@contextmanager
def serve() -> Iterator[str]:
    """Serve the routes on 127.0.0.1 (a free port) for the ``with`` block; yield the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
