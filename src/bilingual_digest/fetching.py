"""Fetch one web page safely: bounded in time and size, HTML only, public addresses only.

The HTTP client is httpx (already installed with gradio; streaming, per-request timeouts, a
request extension to set the TLS server name). What this module adds:

- **No way into a private network.** Each host name is resolved here, every address it
  resolves to is checked (private, loopback, link-local, multicast, reserved and other
  non-public ranges are refused unless allowed), and the connection goes to the checked
  address itself: the URL's host is replaced by that address, with the ``Host`` header and
  the TLS server name (so the certificate is still verified for the host name) set to the
  real host. A DNS answer that changes between the check and the connection (DNS
  rebinding) has no effect, and each redirect target is resolved and checked again.
  Proxies from the environment are not used, and connections are not kept alive (a
  connection verified for one host is never reused for another).
- **Limits.** One deadline for the whole fetch (name lookup, connections, redirects and
  reading), a size cap on the decompressed body (the body is streamed and reading stops at
  the cap; gzip is decompressed here in bounded steps, so a compressed bomb can't expand in
  memory), and a limit on redirects, with loops named as such.
- **Plain errors.** Everything that goes wrong is an
  :class:`~bilingual_digest.errors.ArticleError` saying what happened, for which link.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import (
    ArticleError,
    FetchError,
    FetchTimeoutError,
    NotHTMLError,
    PageTooLargeError,
    PrivateAddressError,
)
from .options import FetchOptions

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger("bilingual_digest")

HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = (301, 302, 303, 307, 308)
_SNIFF = 1024


def user_agent() -> str:
    """The User-Agent sent with every request: the product, its version and what it does."""
    from . import __version__

    return f"bilingual-digest/{__version__} (article fetcher for translation and summaries)"


@dataclass(frozen=True)
class Page:
    """A fetched HTML page.

    Attributes:
        url: Its address after redirects.
        content: The body, decompressed, at most ``max_bytes`` long.
        media_type: The media type the server gave (``text/html`` …), or ``""``.
        charset: The character set the server gave, or ``None``.
    """

    url: str
    content: bytes
    media_type: str
    charset: str | None


def size_text(size: int) -> str:
    """A byte count for people: ``"40 MB"``, ``"512 kB"``, ``"900 bytes"``."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.3g} MB"
    if size >= 1_000:
        return f"{size / 1_000:.3g} kB"
    return f"{size} bytes"


def address_problem(address: str) -> str | None:
    """Why an address must not be fetched by default, or ``None`` for a public one.

    Args:
        address: An IPv4 or IPv6 address (an IPv6 zone suffix is ignored).

    Returns:
        E.g. ``"a loopback address"``, ``"a private address"``, ``"a link-local address"``.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return address_problem(str(embedded))
    kinds = (
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_unspecified", "an unspecified address"),
        ("is_private", "a private address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
    )
    for attribute, kind in kinds:
        if getattr(ip, attribute):
            return kind
    return None if ip.is_global else "a special-purpose (non-public) address"


def fetch_page(url: str, options: FetchOptions) -> Page:
    """Fetch an HTML page within the limits of ``options``.

    Args:
        url: An ``http`` or ``https`` address.
        options: Timeout, size cap, redirect limit and whether private addresses are allowed.

    Returns:
        The :class:`Page`.

    Raises:
        PrivateAddressError: If the link or a redirect points at a non-public address and
            that is not allowed.
        ArticleError: For a bad link. Its subclasses: ``FetchTimeoutError`` for a timeout,
            ``FetchError`` for a host that can't be resolved or reached, an HTTP error
            status, too many redirects or a loop; ``NotHTMLError`` for a page that is not
            HTML, ``PageTooLargeError`` for one over the size limit.
    """
    import httpx

    started = time.monotonic()
    deadline = started + options.timeout
    current = parse_url(url)
    seen = {str(current)}
    headers = {"User-Agent": user_agent(), "Accept": "text/html,application/xhtml+xml;q=0.9"}
    headers["Accept-Encoding"] = "gzip"
    limits = httpx.Limits(max_keepalive_connections=0)
    try:
        with httpx.Client(
            headers=headers, trust_env=False, follow_redirects=False, limits=limits
        ) as client:
            for _ in range(options.max_redirects + 1):
                with closing(_open(client, current, options, deadline)) as response:
                    target = _redirect_target(response, current)
                    if target is None:
                        return _read_page(response, current, options, deadline)
                if str(target) in seen:
                    raise FetchError(
                        f"{url} redirects in a loop ({current} leads back to {target}); stopped."
                    )
                seen.add(str(target))
                logger.info("%s redirects to %s", current, target)
                current = target
    except httpx.TimeoutException:
        raise _timed_out(url, options) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"Fetching {url} failed: {exc or type(exc).__name__}.") from exc
    raise FetchError(
        f"{url} redirects more than {options.max_redirects} times; stopped (a redirect loop?)."
    )


def parse_url(url: object) -> httpx.URL:
    """Check a link: ``http``/``https``, a host, no user name or password.

    Raises:
        TypeError: If it is not a ``str``.
        ArticleError: For anything else than such a link.
    """
    import httpx

    if not isinstance(url, str):
        raise TypeError(f"The link must be a str, got {type(url).__name__}.")
    try:
        parsed = httpx.URL(url.strip())
    except httpx.InvalidURL as exc:
        raise ArticleError(f"{url!r} is not a valid link ({exc}).") from None
    if parsed.scheme not in ("http", "https"):
        raise ArticleError(f"Only http and https links can be fetched, not {url!r}.")
    if not parsed.host:
        raise ArticleError(f"The link {url!r} has no host name.")
    if parsed.userinfo:
        raise ArticleError(f"Links with a user name or password are not fetched: {url!r}.")
    return parsed


def _timed_out(url: str, options: FetchOptions) -> FetchTimeoutError:
    return FetchTimeoutError(
        f"Fetching {url} timed out after {options.timeout:g} s", "BILINGUAL_DIGEST_FETCH_TIMEOUT"
    )


def _remaining(deadline: float, url: str, options: FetchOptions) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _timed_out(url, options)
    return left


def resolve(host: str, port: int, timeout: float) -> list[str]:
    """The addresses a host name resolves to, in the resolver's order, without duplicates.

    The lookup runs in a helper thread so that a resolver with no network to ask can't
    hold the caller past ``timeout``.

    Raises:
        ArticleError: If the name can't be resolved, or not within ``timeout``.
    """
    answer: dict[str, object] = {}

    def lookup() -> None:
        try:
            answer["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            answer["error"] = exc

    worker = threading.Thread(target=lookup, name="bilingual-digest-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise FetchTimeoutError(
            f"Looking up {host} took over {timeout:.3g} s: is this machine offline? Saved "
            "pages (.html files) work without a network."
        )
    if "error" in answer:
        error = answer["error"]
        reason = getattr(error, "strerror", None) or str(error)
        raise FetchError(
            f"Cannot resolve the host name {host} ({reason}): check the link, or whether this "
            "machine is offline. Saved pages (.html files) work without a network."
        )
    infos = answer["infos"]
    return list(dict.fromkeys(str(info[4][0]) for info in infos))  # type: ignore[attr-defined]


def _open(
    client: httpx.Client, url: httpx.URL, options: FetchOptions, deadline: float
) -> httpx.Response:
    """Send the GET for one hop to a checked address of its host; the response streams."""
    import httpx

    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = resolve(host, port, _remaining(deadline, str(url), options))
    if not options.allow_private:
        for address in addresses:
            kind = address_problem(address)
            if kind is not None:
                raise PrivateAddressError(str(url), host, address, kind)
    literal = _is_ip(host)
    failure: Exception | None = None
    for address in addresses:
        request = client.build_request(
            "GET",
            url.copy_with(host=address),
            headers={"Host": url.netloc.decode("ascii")},
            extensions={} if literal else {"sni_hostname": host},
            timeout=httpx.Timeout(_remaining(deadline, str(url), options)),
        )
        try:
            return client.send(request, stream=True)
        except httpx.ConnectError as exc:  # try the host's next address
            failure = exc
            logger.info("Could not connect to %s at %s: %s", host, address, exc)
    raise FetchError(_connect_message(url, host, failure))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _connect_message(url: httpx.URL, host: str, failure: Exception | None) -> str:
    reason = str(failure) if failure else "no address"
    if "CERTIFICATE_VERIFY_FAILED" in reason:
        return f"The TLS certificate of {host} could not be verified ({reason}); {url} not fetched."
    return f"Cannot connect to {host} ({reason}); {url} not fetched."


def _redirect_target(response: httpx.Response, current: httpx.URL) -> httpx.URL | None:
    if response.status_code not in _REDIRECTS or "location" not in response.headers:
        return None
    location = response.headers["location"]
    try:
        target = current.join(location)
    except Exception:  # httpx.InvalidURL and friends: a broken Location header
        raise FetchError(f"{current} redirects to an invalid link: {location!r}.") from None
    return parse_url(str(target))


def _read_page(
    response: httpx.Response, url: httpx.URL, options: FetchOptions, deadline: float
) -> Page:
    if response.status_code >= 400:
        raise FetchError(
            f"The server answered {response.status_code} {response.reason_phrase} for {url}."
        )
    if not 200 <= response.status_code < 300:
        raise FetchError(
            f"The server answered {response.status_code} {response.reason_phrase} for {url}, "
            "not a page."
        )
    media_type, charset = _content_type(response.headers.get("content-type", ""))
    if media_type and media_type not in HTML_TYPES:
        raise NotHTMLError(f"{url} is not an HTML page (the server says it is {media_type}).")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > options.max_bytes:
        raise _too_large(url, f"is {size_text(int(declared))}", options)
    content = bytes(_read_capped(response, url, options, deadline))
    if not media_type and not _sniffs_as_html(content):
        raise NotHTMLError(
            f"{url} is not an HTML page (the server gave no type, and it does not start like HTML)."
        )
    return Page(str(url), content, media_type, charset)


def _too_large(
    url: httpx.URL, size: str, options: FetchOptions, more: str = ""
) -> PageTooLargeError:
    return PageTooLargeError(
        f"The page {url} {size}, over the limit of {size_text(options.max_bytes)}{more}",
        "BILINGUAL_DIGEST_FETCH_MAX_BYTES",
    )


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media_type.strip().lower(), charset


def _sniffs_as_html(content: bytes) -> bool:
    start = content[:_SNIFF].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<!--", b"<head", b"<body"))


def _read_capped(
    response: httpx.Response, url: httpx.URL, options: FetchOptions, deadline: float
) -> bytearray:
    """The decompressed body, read chunk by chunk; stops as soon as it passes the cap."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip", ""):
        raise FetchError(
            f"{url} was sent compressed as {encoding!r}, which is not supported (only gzip)."
        )
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 32) if "gzip" in encoding else None
    body = bytearray()
    for chunk in response.iter_raw():  # as the network gives it: the deadline is checked often
        _remaining(deadline, str(url), options)
        for piece in _decoded(inflate, chunk, options.max_bytes + 1 - len(body), url):
            body += piece
            if len(body) > options.max_bytes:
                limit = size_text(options.max_bytes)
                raise _too_large(url, f"is larger than {limit}", options, "; reading stopped there")
    return body


def _decoded(
    inflate: zlib._Decompress | None, chunk: bytes, room: int, url: httpx.URL
) -> Iterator[bytes]:
    """Decompress one chunk in steps of at most ``room`` bytes (so a bomb can't expand)."""
    if inflate is None:
        yield chunk
        return
    data = chunk
    try:
        while data:
            out = inflate.decompress(data, max(room, 1))
            yield out
            data = inflate.unconsumed_tail
            if not out and not data:
                break
    except zlib.error as exc:
        raise FetchError(f"{url} sent a broken gzip body ({exc}).") from None
