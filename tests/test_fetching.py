"""Fetching safely: private addresses refused (every address, every hop, no DNS rebinding),
limits on time, size and redirects, HTML only, and errors that say what happened."""

from __future__ import annotations

import socket
import time
import tracemalloc

import pytest

from bilingual_digest import (
    ArticleError,
    FetchOptions,
    PrivateAddressError,
    fetch_article,
    fetching,
)
from bilingual_digest.fetching import address_problem, fetch_page, size_text, user_agent

from page_server import serve

ARTICLE = "/pages/wikimediafoundation.org.turkey.html"


@pytest.fixture(scope="module")
def server() -> str:
    with serve() as base:
        yield base


def allowed(**kwargs: object) -> FetchOptions:
    return FetchOptions(allow_private=True, **kwargs)  # type: ignore[arg-type]


# --- private addresses ------------------------------------------------------------------------


def test_a_link_to_127_0_0_1_is_refused_by_default(server: str) -> None:
    with pytest.raises(PrivateAddressError) as caught:
        fetch_article(server + ARTICLE)
    assert str(caught.value) == (
        f"Refused to fetch {server}{ARTICLE}: 127.0.0.1 is a loopback address; private, "
        "loopback and link-local addresses are not fetched unless allowed (pass "
        "allow_private=True, or set BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS=1, to allow them)."
    )
    assert isinstance(caught.value, ArticleError)


def test_the_environment_variable_allows_private_addresses(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS", "1")
    assert fetch_article(server + ARTICLE).site == "Wikimedia Foundation"
    monkeypatch.setenv("BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS", "maybe")
    with pytest.raises(ValueError, match="ALLOW_PRIVATE_URLS must be 1 or 0"):
        fetch_article(server + ARTICLE)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.0.0.7", "a private address"),
        ("192.168.1.1", "a private address"),
        ("172.16.0.1", "a private address"),
        ("169.254.169.254", "a link-local address"),  # cloud metadata services live here
        ("fe80::1%eth0", "a link-local address"),
        ("fd00::1", "a private address"),
        ("::ffff:10.0.0.1", "a private address"),  # IPv4 inside IPv6
        ("2002:7f00:1::", "a loopback address"),  # 6to4 of 127.0.0.1
        ("0.0.0.0", "an unspecified address"),
        ("224.0.0.251", "a multicast address"),
        ("100.64.0.1", "a special-purpose (non-public) address"),  # carrier-grade NAT
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_addresses_are_judged(address: str, kind: str | None) -> None:
    assert address_problem(address) == kind


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Answer name lookups from ``answers``; return the list of names looked up."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_every_address_of_a_name_is_checked(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"mixed.test": ["93.184.216.34", "10.1.2.3"]})
    port = server.rsplit(":", 1)[1]
    with pytest.raises(PrivateAddressError, match=r"mixed.test resolves to 10.1.2.3, a private"):
        fetch_page(f"http://mixed.test:{port}/", FetchOptions())


def test_the_connection_goes_to_the_checked_address_with_the_real_host(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No second lookup (DNS rebinding can't swap the address) and the host name is kept."""
    asked = fake_dns(monkeypatch, {"news.test": ["127.0.0.1"]})
    port = server.rsplit(":", 1)[1]
    article = fetch_article(f"http://news.test:{port}/echo", allow_private=True)
    assert asked == ["news.test"]
    assert f"l'en-tête Host news.test:{port} et l'agent {user_agent()}" in article.text
    assert user_agent().startswith("bilingual-digest/")


def test_each_redirect_target_is_checked_again(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Let the test server itself count as public; the private target must still be refused.
    judge = address_problem
    monkeypatch.setattr(
        fetching, "address_problem", lambda a: None if a == "127.0.0.1" else judge(a)
    )
    page = fetch_page(server + ARTICLE, FetchOptions())  # the first hop alone passes
    assert page.url == server + ARTICLE
    with pytest.raises(PrivateAddressError, match=r"fetch http://10.0.0.1/admin: 10.0.0.1 is a pr"):
        fetch_page(f"{server}/redirect?to=http://10.0.0.1/admin", FetchOptions())


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/page.html", "Only http and https links can be fetched"),
        ("file:///etc/passwd", "Only http and https links can be fetched"),
        ("http://user:secret@example.org/", "Links with a user name or password are not fetched"),
        ("http:///nohost", "has no host name"),
    ],
)
def test_bad_links_are_refused_before_any_connection(url: str, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        fetch_article(url)


def test_a_redirect_to_another_scheme_is_refused(server: str) -> None:
    with pytest.raises(ArticleError, match="Only http and https links can be fetched, not 'file"):
        fetch_page(f"{server}/redirect?to=file:///etc/passwd", allowed())


# --- limits -------------------------------------------------------------------------------------


def test_a_50_mb_page_is_refused_from_its_declared_size(server: str) -> None:
    with pytest.raises(ArticleError) as caught:
        fetch_article(f"{server}/big", allow_private=True)
    assert str(caught.value) == (
        f"The page {server}/big is 50 MB, over the limit of 10 MB "
        "(raise the limit with BILINGUAL_DIGEST_FETCH_MAX_BYTES)."
    )


@pytest.mark.parametrize("path", ["/big-stream", "/gzip-bomb"])
def test_a_50_mb_stream_is_cut_off_at_the_cap_without_holding_it(server: str, path: str) -> None:
    from page_server import _bomb

    _bomb()  # built before measuring: the server's copy is not the client's memory
    fetch_page(server + ARTICLE, allowed())  # and the client's modules are loaded
    tracemalloc.start()
    try:
        with pytest.raises(ArticleError, match=r"is larger than 2 MB, over the limit of 2 MB"):
            fetch_page(server + path, allowed(max_bytes=2_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000, f"peak {size_text(peak)}"


def test_the_size_limit_comes_from_the_environment(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILINGUAL_DIGEST_FETCH_MAX_BYTES", "20_000")
    with pytest.raises(ArticleError, match=r"is 43.8 kB, over the limit of 20 kB"):
        fetch_article(server + ARTICLE, allow_private=True)


def test_a_redirect_loop_ends(server: str) -> None:
    with pytest.raises(ArticleError) as caught:
        fetch_article(f"{server}/loop/a", allow_private=True)
    assert str(caught.value) == (
        f"{server}/loop/a redirects in a loop ({server}/loop/b leads back to {server}/loop/a); "
        "stopped."
    )


def test_redirects_are_followed_within_the_limit(server: str) -> None:
    assert fetch_page(f"{server}/chain/5", allowed()).url == f"{server}/chain/0"
    with pytest.raises(ArticleError, match=r"/chain/6 redirects more than 5 times; stopped"):
        fetch_page(f"{server}/chain/6", allowed())


@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_a_slow_server_times_out(server: str, path: str) -> None:
    began = time.monotonic()
    with pytest.raises(ArticleError) as caught:
        fetch_article(server + path, allow_private=True, timeout=1)
    assert str(caught.value) == (
        f"Fetching {server}{path} timed out after 1 s "
        "(raise the limit with BILINGUAL_DIGEST_FETCH_TIMEOUT)."
    )
    assert time.monotonic() - began < 3


def test_proxies_from_the_environment_are_not_used(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy would connect on our behalf, past the address checks: it is never asked."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://10.255.255.1:9")
    assert fetch_page(server + ARTICLE, allowed()).url == server + ARTICLE


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="timeout must be a positive number, got 0"):
        FetchOptions(timeout=0)
    with pytest.raises(ValueError, match="max_bytes must be a positive integer, got -1"):
        FetchOptions(max_bytes=-1)


# --- what is not a page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/json", "/json is not an HTML page (the server says it is application/json)."),
        ("/pdf", "/pdf is not an HTML page (the server says it is application/pdf)."),
        ("/no-type", "/no-type is not an HTML page (the server gave no type"),
        ("/status/404", "The server answered 404 Not Found for http://"),
        ("/status/503", "The server answered 503 Service Unavailable for http://"),
    ],
)
def test_what_is_not_a_page_is_named(server: str, path: str, message: str) -> None:
    with pytest.raises(ArticleError) as caught:
        fetch_article(server + path, allow_private=True)
    assert message in str(caught.value)


def test_offline_fails_fast_with_a_clear_message() -> None:
    """``.invalid`` never resolves (RFC 6761): the same answer as a machine with no network."""
    began = time.monotonic()
    with pytest.raises(ArticleError) as caught:
        fetch_article("https://news.invalid/article.html")
    assert str(caught.value).startswith("Cannot resolve the host name news.invalid (")
    assert "or whether this machine is offline. Saved pages (.html files) work" in str(caught.value)
    assert time.monotonic() - began < 5


def test_a_port_nothing_listens_on(server: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ArticleError, match=r"Cannot connect to 127.0.0.1 \(.*refused"):
        fetch_article(f"http://127.0.0.1:{port}/", allow_private=True)


def test_the_refusal_says_how_to_allow_it_in_each_doors_terms() -> None:
    from bilingual_digest.messages import door_message

    refused = PrivateAddressError("http://10.0.0.1/", "10.0.0.1", "10.0.0.1", "a private address")
    assert str(refused).endswith(
        "(pass allow_private=True, or set BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS=1, to allow them)."
    )
    assert door_message(refused, "python") == str(refused)
    assert door_message(refused, "cli").endswith("(use --allow-private-urls to allow them).")
    assert door_message(refused, "web").endswith(
        "(the server's operator can allow them with serve --allow-private-urls or "
        "BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS=1)."
    )
