"""Articles on the web page, without a browser: what the Digest button works on (a link, a
text, an opened saved page), the article's heading, the opener, and the service methods the
page and the API share (fetching, extracting, the limits, the queue)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bilingual_digest import Article
from bilingual_digest import service as svc
from bilingual_digest.errors import (
    ArticleError,
    FetchTimeoutError,
    InputError,
    NoArticleTextError,
    PageTooLargeError,
    PrivateAddressError,
    ServerBusyError,
)
from bilingual_digest.messages import door_message
from bilingual_digest.ui import page, render
from ui_fakes import FakeDigester

from page_server import LINKS_PAGE, NEWS_PAGE, serve

NEWS_TITLE = "Le conseil municipal vote le budget"
NEWS_TEXT = "Le conseil municipal a adopté mardi soir le budget de la ville"
ARTICLE = Article(
    url="https://example.fr/budget",
    title=NEWS_TITLE,
    author="Marie Dupont",
    date="2024-03-05",
    site="La Gazette",
    text="Le conseil municipal a adopté le budget. Les dépenses augmentent.",
)


@pytest.fixture(scope="module")
def pages() -> Iterator[str]:
    with serve() as base:
        yield base


@pytest.fixture
def fake() -> FakeDigester:
    return FakeDigester()


@pytest.fixture
def service(fake: FakeDigester, tmp_path: Path) -> svc.DigestService:
    """A service that may fetch the local page server (a loopback address)."""
    return svc.DigestService(fake, max_chars=5000, output_dir=tmp_path, allow_private=True)


# --------------------------------------------------------------------------- the service


def test_the_service_digests_an_article_keeping_it(
    service: svc.DigestService, fake: FakeDigester
) -> None:
    digest = service.digest(ARTICLE, "auto", "short")
    assert fake.calls[-1][0] is ARTICLE  # the Article itself reaches the engine
    assert digest.article is ARTICLE and digest.original == ARTICLE.full_text
    summary = service.summarize(ARTICLE, "fr-en")
    assert summary.article is ARTICLE
    assert svc.summary_record(summary)["article"] == ARTICLE.metadata()
    translation = service.translate(ARTICLE, "auto")
    assert translation.segments[0].source == NEWS_TITLE
    record = svc.translation_record(translation, ARTICLE)
    assert record["article"] == ARTICLE.metadata()
    assert svc.translation_record(translation)["article"] is None


def test_an_article_over_the_character_limit_is_refused_before_any_model(
    fake: FakeDigester,
) -> None:
    small = svc.DigestService(fake, max_chars=60)
    size = len(ARTICLE.full_text)  # its title, a blank line and its text
    with pytest.raises(InputError, match=rf"The article has {size} characters, over the limit"):
        small.digest(ARTICLE)
    assert fake.calls == []


def test_load_article_fetches_within_the_services_limits(
    service: svc.DigestService, pages: str
) -> None:
    article = service.load_article(f"  {pages}/news ")
    assert (article.title, article.date, article.site) == (NEWS_TITLE, "2024-03-05", "La Gazette")
    assert article.text.startswith(NEWS_TEXT)
    with pytest.raises(NoArticleTextError, match=r"No article text found in .*/links: 9"):
        service.load_article(pages + "/links")
    with pytest.raises(TypeError, match="The link must be a str, got int"):
        service.load_article(5)


def test_private_addresses_are_refused_unless_the_service_allows_them(
    fake: FakeDigester, pages: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(PrivateAddressError, match=r"127\.0\.0\.1 is a loopback address"):
        svc.DigestService(fake).load_article(pages + "/news")
    monkeypatch.setenv("BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS", "1")
    assert svc.DigestService(fake).load_article(pages + "/news").title == NEWS_TITLE
    with pytest.raises(PrivateAddressError):
        svc.DigestService(fake, allow_private=False).load_article(pages + "/news")


def test_a_full_queue_refuses_a_link_before_fetching_it(fake: FakeDigester, pages: str) -> None:
    service = svc.DigestService(fake, concurrency=1, queue_size=1, allow_private=True)
    assert service.max_fetches == 2
    release, waiting = threading.Event(), threading.Event()

    def hold(wait: bool) -> None:
        with service.queue.slot():
            if wait:
                waiting.wait(10)
            release.wait(10)

    running = threading.Thread(target=hold, args=(False,))
    running.start()
    queued = threading.Thread(target=service.run_in_queue, args=(lambda: None, None, None))
    queued.start()
    try:
        for _ in range(100):
            if service.queue.full:
                break
            threading.Event().wait(0.02)
        assert service.queue.full
        with pytest.raises(ServerBusyError, match="The server is busy"):
            service.load_article(pages + "/slow")  # refused at once, not after 5 s
    finally:
        release.set()
        running.join(10)
        queued.join(10)
    # Fetches at once are bounded too.
    for _ in range(service.max_fetches):
        service.documents._fetches.acquire()
    try:
        with pytest.raises(ServerBusyError, match="fetching 2 pages already"):
            service.load_article(pages + "/news")
    finally:
        for _ in range(service.max_fetches):
            service.documents._fetches.release()


def test_read_page_extracts_a_saved_page_with_the_page_limit(
    service: svc.DigestService, fake: FakeDigester, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = service.read_page(NEWS_PAGE)
    assert (article.title, article.author, article.url) == (NEWS_TITLE, "Marie Dupont", None)
    assert service.read_page(NEWS_PAGE, "https://example.fr/b").url == "https://example.fr/b"
    with pytest.raises(NoArticleTextError, match=r"No article text found in the page: 9\d%"):
        service.read_page(LINKS_PAGE)
    with pytest.raises(ArticleError, match="The page is empty"):
        service.read_page(" \n")
    with pytest.raises(ArticleError, match=r"must be an http or https link, not 'budget\.html'"):
        service.read_page(NEWS_PAGE, "budget.html")
    with pytest.raises(TypeError, match="must be HTML text"):
        service.read_page(NEWS_PAGE.encode())
    monkeypatch.setenv("BILINGUAL_DIGEST_FETCH_MAX_BYTES", "1000")
    small = svc.DigestService(fake)
    size = len(NEWS_PAGE.encode("utf-8"))
    with pytest.raises(PageTooLargeError, match=rf"The page is {size / 1000:.3g} kB, over the "
                       "limit of 1 kB"):  # fmt: skip
        small.read_page(NEWS_PAGE)


# --------------------------------------------------------------------------- the page


def test_the_link_is_digested_before_the_text_and_a_text_that_is_a_link_is_one(
    service: svc.DigestService, pages: str
) -> None:
    stages: list[str] = []

    def report(fraction: float, stage: str) -> None:
        stages.append(stage)

    fetched = page.page_document(service, "Un autre texte.", pages + "/news", "", report)
    assert isinstance(fetched, Article) and fetched.title == NEWS_TITLE
    assert stages == ["Fetching the page"]
    pasted = page.page_document(service, f" {pages}/news\n", "", NEWS_PAGE)
    assert isinstance(pasted, Article) and pasted.url == pages + "/news"


def test_a_text_typed_after_opening_a_page_wins_and_an_empty_box_reads_the_page(
    service: svc.DigestService,
) -> None:
    assert page.page_document(service, "Un texte.", "", NEWS_PAGE) == "Un texte."
    stages: list[str] = []
    opened = page.page_document(service, "  ", "  ", NEWS_PAGE, lambda f, s: stages.append(s))
    assert isinstance(opened, Article) and opened.title == NEWS_TITLE and opened.url is None
    assert stages == ["Reading the saved page"]
    assert page.page_document(service, "", "", "") == ""  # the digest says it is empty


def test_the_page_shows_the_articles_heading_after_a_digest(service: svc.DigestService) -> None:
    out = page.page_outputs(service, service.digest(ARTICLE), True, ["en", "fr"])
    assert out[1]["value"] == ARTICLE.full_text
    assert out[-1] == (
        "### [Le conseil municipal vote le budget](https://example.fr/budget)\n\n"
        "La Gazette · Marie Dupont · 2024\\-03\\-05"
    )
    assert page.page_outputs(service, service.digest("Un texte."), True, ["en", "fr"])[-1] == ""


def test_the_pages_downloads_carry_the_article(service: svc.DigestService) -> None:
    files = service.write_downloads(service.digest(ARTICLE))
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    assert data["article"] == ARTICLE.metadata()
    report = files["markdown"].read_text(encoding="utf-8")
    assert f"- Article: [{NEWS_TITLE}](https://example.fr/budget)\n" in report
    assert "- Author: Marie Dupont\n- Date: 2024-03-05\n- Site: La Gazette\n" in report


def test_the_heading_escapes_the_pages_text_and_links_only_web_addresses() -> None:
    hostile = Article(
        "javascript:alert(1)", "<img src=x onerror=alert(1)> *Titre* [x](y)", None, None,
        None, "t",
    )  # fmt: skip
    assert render.render_article(hostile) == (
        "### \\<img src=x onerror=alert\\(1\\)\\> \\*Titre\\* \\[x\\]\\(y\\)"
    )
    untitled = Article("https://ex.fr/a_(b)", None, None, None, "ex.fr", "t")
    assert render.render_article(untitled) == (
        "### [https://ex\\.fr/a\\_\\(b\\)](https://ex.fr/a_%28b%29)\n\nex\\.fr"
    )
    assert render.render_article(None) == ""


def test_the_opener_offers_saved_pages_with_both_limits() -> None:
    html = render.render_opener(12_345, 2_000_000)
    assert 'data-max-chars="12345"' in html and 'data-max-page-bytes="2000000"' in html
    assert 'data-suffixes=".txt,.md"' in html
    assert 'data-page-suffixes=".html,.htm,.xhtml,.shtml"' in html
    assert (
        'data-kinds="plain-text files (.txt, .md) and saved web pages (.html, .htm, .xhtml, '
        '.shtml)"'
    ) in html
    assert (
        'accept=".txt,.md,text/plain,text/markdown,.html,.htm,.xhtml,.shtml,text/html,'
        'application/xhtml+xml"'
    ) in html
    assert "a saved web page (.html, .htm, .xhtml, .shtml)" in html
    assert render.render_limits(100_000, 10_000_000) == (
        "Up to 100,000 characters; web pages up to 10 MB."
    )


def test_a_link_in_the_text_box_is_named_as_one(service: svc.DigestService) -> None:
    note = page.detection_note(service, "https://example.fr/budget", "auto")
    assert note == "A link: its article is fetched when you press Digest."


def test_page_errors_say_what_happened_with_the_operators_switch() -> None:
    refused = PrivateAddressError(
        "http://127.0.0.1:8/", "127.0.0.1", "127.0.0.1", "a loopback address"
    )
    error = page._as_gr_error(refused)
    assert error.title == "No article from this page"
    assert error.message.endswith(
        "(the server's operator can allow them with serve --allow-private-urls or "
        "BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS=1)."
    )
    assert page._as_gr_error(NoArticleTextError("No article text found in the page.")).message == (
        "No article text found in the page."
    )


def test_a_limit_is_the_operators_at_a_servers_doors() -> None:
    slow = FetchTimeoutError("Fetching https://x.test/a timed out after 15 s", "SETTING")
    assert (
        str(slow)
        == "Fetching https://x.test/a timed out after 15 s (raise the limit with SETTING)."
    )
    assert door_message(slow, "cli") == str(slow) == door_message(slow, "python")
    for door in ("web", "api"):
        assert door_message(slow, door) == (
            "Fetching https://x.test/a timed out after 15 s (the server's operator can raise the "
            "limit with SETTING)."
        )
    assert page._as_gr_error(slow).message == door_message(slow, "web")
    big = PageTooLargeError("The page is 12 MB, over the limit of 10 MB", "LIMIT")
    assert door_message(big, "api").endswith(
        "(the server's operator can raise the limit with LIMIT)."
    )
    offline = FetchTimeoutError("Looking up x.test took over 15 s: is this machine offline?")
    assert door_message(offline, "web") == str(offline) == offline.fact  # no limit to raise
