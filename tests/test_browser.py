"""The page in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import codecs
import dataclasses
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bilingual_digest import Digester, Summarizer, Translator, ui
from bilingual_digest.backends import Generated
from bilingual_digest.normalization import normalize_punctuation
from bilingual_digest.options import GenerationOptions
from bilingual_digest.service import DigestService
from test_app import FR, free_port, tiny_digester
from test_articles import REAL_PAGES

from fakes import LeadBackend, UpperBackend
from page_server import LINKS_PAGE, NEWS_PAGE, PAGES, serve

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TIMEOUT_MS = 60_000

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium); "
        ".ci/run installs it",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def pages() -> Iterator[str]:
    """Real saved news pages served on 127.0.0.1 (see page_server.py)."""
    with serve() as base:
        yield base


PAGE_LIMIT = 2_000_000
"""The page size limit of the test's server (the real pages are 22-383 kB)."""


@pytest.fixture(scope="module")
def service(marian_fr_en: Path, marian_en_fr: Path, bart_summary: Path) -> DigestService:
    """The page's service: private addresses allowed, as `serve --allow-private-urls` does
    (the pages are served on 127.0.0.1); fetches time out after 2 s; pages up to 2 MB."""
    digester = tiny_digester(marian_fr_en, marian_en_fr, bart_summary)
    service = DigestService(digester, max_chars=5000, allow_private=True)
    service.fetch_options = dataclasses.replace(
        service.fetch_options, timeout=2.0, max_bytes=PAGE_LIMIT
    )
    return service


@pytest.fixture(scope="module")
def page_url(service: DigestService) -> Iterator[str]:
    demo = ui.build_demo(service=service)
    _, port = ui.launch(demo, port=free_port(), block=False, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def browser(page_url: str) -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, page_url: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(page_url)
    page.locator("#bd-status").get_by_text("Models ready").wait_for()
    try:
        yield page
    finally:
        context.close()


def value(page, elem_id: str) -> str:
    return page.locator(f"#{elem_id} textarea").input_value()


def test_digest_fills_the_three_columns_and_the_aligned_view(page) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#bd-input textarea").fill(FR)
    page.locator("#bd-detected").get_by_text("Detected language").wait_for()
    assert "French" in page.locator("#bd-detected").inner_text()
    page.locator("#bd-digest").click()
    page.locator("#bd-dl-json").wait_for()  # the downloads come with the finished digest

    assert value(page, "bd-original") == FR  # accents, apostrophes and « » intact
    for column in ("bd-translation", "bd-summary-en", "bd-summary-fr"):
        assert value(page, column).strip(), column
    assert "Translation (English)" in page.locator("#bd-translation").inner_text()
    pairs = page.locator("#bd-aligned .bd-pair")
    assert pairs.count() == 3
    sources = page.locator("#bd-aligned .bd-src").all_inner_texts()
    assert sources[1] == "Les députés l’examineront à l’automne."
    assert page.locator("#bd-dl-json").is_visible() and page.locator("#bd-dl-tsv").is_visible()

    # Hovering a source sentence highlights its translation.
    page.locator('#bd-aligned .bd-src[data-seg="1"]').hover()
    assert page.locator('#bd-aligned .bd-tgt[data-seg="1"]').get_attribute("class").split() == [
        "bd-tgt",
        "bd-hl",
    ]
    # Clicking a summary sentence pins the source sentences it draws on, in both languages.
    summary = page.locator("#bd-aligned .bd-sum").first
    cited = [int(i) for i in summary.get_attribute("data-src").split()]
    summary.click()
    page.mouse.move(0, 0)
    lit = page.locator("#bd-aligned .bd-hl")
    assert sorted(
        (int(e.get_attribute("data-seg")), e.get_attribute("lang")) for e in lit.all()
    ) == sorted((i, lang) for i in cited for lang in ("fr", "en"))
    page.screenshot(path=str(ARTIFACTS / "digest-desktop.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#bd-aligned").scroll_into_view_if_needed()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling on a phone-sized window
    page.screenshot(path=str(ARTIFACTS / "digest-narrow.png"))


def test_too_long_text_gets_a_clear_message(page) -> None:
    page.locator("#bd-input textarea").fill("Bonjour à tous. " * 400)
    page.locator("#bd-digest").click()
    message = page.get_by_text("over the limit of 5,000").first
    message.wait_for()
    assert "6,400 characters" in message.inner_text()
    assert page.get_by_text("Traceback").count() == 0


def test_opening_files_reads_them_in_the_browser(page, tmp_path: Path) -> None:
    opener = page.locator("#bd-upload input[type=file]")
    message = page.locator("#bd-upload .bd-upload-msg")
    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"%PDF-1.4 not text")
    opener.set_input_files(str(pdf))
    page.wait_for_function("document.querySelector('#bd-upload .bd-upload-msg').textContent")
    assert message.inner_text() == (
        'Cannot open "rapport.pdf": only plain-text files (.txt, .md) and saved web pages '
        "(.html, .htm, .xhtml, .shtml) are accepted. Open other documents, copy the text and "
        "paste it."
    )
    assert value(page, "bd-input") == ""
    latin = tmp_path / "ancien.txt"
    latin.write_bytes("Une rentrée chargée à l’Assemblée.".encode("cp1252"))
    opener.set_input_files(str(latin))
    page.wait_for_function("document.querySelector('#bd-input textarea').value.includes('rentrée')")
    assert value(page, "bd-input") == "Une rentrée chargée à l’Assemblée."
    assert "read as Windows-1252/Latin-1" in message.inner_text()
    text = tmp_path / "article.md"
    text.write_text("\ufeff# Rentrée\n\nLes députés reviennent.", encoding="utf-8")
    opener.set_input_files(str(text))
    page.wait_for_function("document.querySelector('#bd-input textarea').value.includes('#')")
    assert value(page, "bd-input") == "# Rentrée\n\nLes députés reviennent."
    assert message.inner_text() == 'Opened "article.md" (34 characters).'
    page.locator("#bd-digest").click()  # the opened text is what the server digests
    page.wait_for_function(
        "document.querySelector('#bd-original textarea')?.value.includes('Rentrée')",
        timeout=TIMEOUT_MS,
    )


def test_utf16_and_utf32_files_are_decoded_in_the_browser(page, tmp_path: Path) -> None:
    opener = page.locator("#bd-upload input[type=file]")
    message = page.locator("#bd-upload .bd-upload-msg")
    text = "Une rentrée chargée à l’Assemblée 🇫🇷.\nLes députés reviennent."
    files = {
        "utf16le.txt": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf16be.md": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf32le.txt": codecs.BOM_UTF32_LE + text.encode("utf-32-le"),
        "utf32be.txt": codecs.BOM_UTF32_BE + text.encode("utf-32-be"),
    }
    for name, data in files.items():
        page.locator("#bd-input textarea").fill("")
        (tmp_path / name).write_bytes(data)
        opener.set_input_files(str(tmp_path / name))
        page.wait_for_function("document.querySelector('#bd-input textarea').value !== ''")
        assert value(page, "bd-input") == text, name
        # Characters as the server counts them (code points): the flag is 2, not 4.
        assert message.inner_text() == f'Opened "{name}" ({len(text)} characters).'
    broken = tmp_path / "broken.txt"
    broken.write_bytes(codecs.BOM_UTF16_LE + b"a\x00b")
    opener.set_input_files(str(broken))
    page.wait_for_function(
        "document.querySelector('#bd-upload .bd-upload-msg').textContent.includes('broken')"
    )
    assert message.inner_text() == (
        '"broken.txt" starts with a UTF-16 byte-order mark but is not valid UTF-16 text; '
        "save it again as UTF-8."
    )
    assert value(page, "bd-input") == text  # the text box keeps what it had
    unmarked = tmp_path / "unmarked.txt"
    unmarked.write_bytes(text.encode("utf-16-le"))
    opener.set_input_files(str(unmarked))
    page.wait_for_function(
        "document.querySelector('#bd-upload .bd-upload-msg').textContent.includes('unmarked')"
    )
    assert message.inner_text() == '"unmarked.txt" looks like a binary file, not text.'


class _HeldBackend(UpperBackend):
    """Upper-cases, two batches at a time (as CTranslate2 on two cores); every batch but the
    one holding ``first`` waits until ``gate`` is set."""

    parallelism = 2

    def __init__(self, first: str) -> None:
        super().__init__()
        self.first = first
        self.gate = threading.Event()

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        if self.first not in texts:
            self.gate.wait(TIMEOUT_MS / 1000)
        return super().generate(texts, options)


def test_the_page_shows_the_first_paragraph_while_the_rest_is_translated(browser) -> None:
    held = _HeldBackend("Premier paragraphe, seul.")
    digester = Digester(
        Translator("fr", "en", backend=held),
        Translator("en", "fr", backend=UpperBackend()),
        Summarizer(backend=LeadBackend()),
    )
    demo = ui.build_demo(digester, max_chars=5000, examples_dir=None)
    _, port = ui.launch(demo, port=free_port(), block=False, quiet=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator("#bd-status").get_by_text("Models ready").wait_for()
        article = f"Premier paragraphe, seul.\n{FR}\nDernier paragraphe. Fin."
        page.locator("#bd-input textarea").fill(article)
        page.locator("#bd-digest").click()
        page.wait_for_function(
            "document.querySelector('#bd-translation textarea').value !== ''", timeout=TIMEOUT_MS
        )
        # The first paragraph is on the page; the other batches are still waiting.
        assert value(page, "bd-translation") == "PREMIER PARAGRAPHE, SEUL."
        assert page.locator("#bd-aligned .bd-pair").count() == 1
        assert value(page, "bd-summary-en") == "" and not page.locator("#bd-dl-json").is_visible()
        assert len(held.calls) == 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "digest-streaming.png"), full_page=True)
        held.gate.set()
        page.locator("#bd-dl-json").wait_for()  # the downloads come with the finished digest
        read = "\n".join(normalize_punctuation(line, "fr") for line in article.split("\n"))
        assert value(page, "bd-translation") == read.upper()  # what the model read, upper-cased
        assert page.locator("#bd-aligned .bd-pair").count() == 6
        assert value(page, "bd-summary-en") and value(page, "bd-summary-fr")
        assert page.locator("#bd-aligned .bd-sum").count() >= 1
    finally:
        held.gate.set()
        context.close()
        demo.close()


def test_glossary_opened_in_the_browser_applies_and_stays(page, tmp_path: Path) -> None:
    page.locator("#bd-glossary-box").get_by_text("Glossary").first.click()
    opener = page.locator("#bd-glossary-upload input[type=file]")
    note = page.locator("#bd-glossary-msg")
    latin = tmp_path / "ancien.tsv"
    latin.write_bytes("source\ttarget\nministre\tminister\n".encode("cp1252") + b"\xe9\n")
    opener.set_input_files(str(latin))
    page.wait_for_function(
        "document.querySelector('#bd-glossary-upload .bd-upload-msg').textContent"
    )
    assert page.locator("#bd-glossary-upload .bd-upload-msg").inner_text() == (
        '"ancien.tsv" is not UTF-8 text: save it as UTF-8 (spreadsheets: "CSV UTF-8" or '
        '"Unicode text").'
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target\nministre,minister\nMinistre,secretary\n", encoding="utf-8")
    opener.set_input_files(str(bad))
    note.get_by_text("bad.csv can't be used").wait_for()
    assert "bad.csv, line 3: 'Ministre' → 'secretary' conflicts with bad.csv, line 2" in (
        note.inner_text()
    )
    good = tmp_path / "niger.tsv"
    good.write_text(
        "source\ttarget\tnote\tpair\nministre\tminister\t\tfr-en\ndéputés\tMPs\t\t\n",
        encoding="utf-8",
    )
    opener.set_input_files(str(good))
    note.get_by_text("Opened niger.tsv: 2 entries.").wait_for()
    table = page.locator("#bd-glossary")
    assert "minister" in table.inner_text() and "MPs" in table.inner_text()
    page.locator("#bd-input textarea").fill(FR)
    page.locator("#bd-digest").click()
    page.locator("#bd-dl-json").wait_for()  # the finished digest (it streams)
    targets = page.locator("#bd-aligned .bd-tgt").all_inner_texts()
    assert "MPs" in targets[1] and "minister" in targets[2]  # whatever the tiny model wrote
    page.screenshot(path=str(ARTIFACTS / "glossary.png"), full_page=True)

    page.reload()  # the table is kept in this browser
    page.locator("#bd-status").get_by_text("Models ready").wait_for()
    page.locator("#bd-glossary-box").get_by_text("Glossary").first.click()
    page.locator("#bd-glossary-msg").get_by_text("2 entries").wait_for()
    assert "MPs" in page.locator("#bd-glossary").inner_text()
    page.locator("#bd-glossary-clear").click()
    page.wait_for_function("!document.querySelector('#bd-glossary').innerText.includes('MPs')")


# --------------------------------------------------------------------------- articles


def field(page, elem_id: str):
    return page.locator(f"#{elem_id} :is(textarea, input)").first


def assert_shows_real_article(page, name: str) -> None:
    """The digest shows the real page's article: its title (linked to the page), its byline,
    the sentences trafilatura's own tests expect, and none of the boilerplate they name."""
    _, inside, outside, meta = REAL_PAGES[name]
    title = page.locator("#bd-article h3 a")
    title.wait_for()
    assert title.inner_text() == meta["title"]
    heading = page.locator("#bd-article").inner_text()
    assert meta["date"] in heading
    if meta.get("author"):
        assert meta["author"] in heading
    original = value(page, "bd-original")
    assert original.startswith(meta["title"] + "\n\n")
    for sentence in inside:
        assert sentence in original
    for boilerplate in outside:
        assert boilerplate not in original
    for column in ("bd-translation", "bd-summary-en", "bd-summary-fr"):
        assert value(page, column).strip(), column


def test_a_news_link_gives_the_digest_of_its_article_with_its_title_and_date(
    page, pages: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    name = "reuters.com.parasite.html"
    link = f"{pages}/pages/{name}"
    field(page, "bd-url").fill(link)
    page.locator("#bd-digest").click()
    assert_shows_real_article(page, name)
    assert page.locator("#bd-article h3 a").get_attribute("href") == link
    assert "Reuters · Jill Serjeant · 2020-01-20" in page.locator("#bd-article").inner_text()
    assert "Translation (French)" in page.locator("#bd-translation").inner_text()
    page.screenshot(path=str(ARTIFACTS / "digest-link.png"), full_page=True)


def test_a_link_beside_a_text_is_digested_and_its_boilerplate_left_out(page, pages: str) -> None:
    field(page, "bd-input").fill(FR)
    link = pages + "/news"  # menu, cookie banner, "read also" box and footer around it
    field(page, "bd-url").fill(link)
    page.locator("#bd-digest").click()
    title = page.locator("#bd-article h3 a")
    title.wait_for()
    assert title.inner_text() == "Le conseil municipal vote le budget"
    assert "La Gazette · Marie Dupont · 2024-03-05" in page.locator("#bd-article").inner_text()
    original = value(page, "bd-original")
    assert original.startswith(
        "Le conseil municipal vote le budget\n\nLe conseil municipal a adopté mardi soir"
    )
    for boilerplate in ("cookies", "Accueil", "À lire aussi", "travaux du pont", "Mentions"):
        assert boilerplate not in original


def test_a_link_pasted_in_the_text_box_is_fetched_too(page, pages: str) -> None:
    name = "psl.eu.luniversite.html"
    field(page, "bd-input").fill(f"{pages}/pages/{name}")
    page.locator("#bd-detected").get_by_text("A link: its article is fetched").wait_for()
    page.locator("#bd-digest").click()
    assert_shows_real_article(page, name)


def test_opening_a_saved_page_digests_its_article(page) -> None:
    name = "psl.eu.luniversite.html"
    opener = page.locator("#bd-upload input[type=file]")
    message = page.locator("#bd-upload .bd-upload-msg")
    field(page, "bd-input").fill("Un texte qui sera remplacé.")
    opener.set_input_files(str(PAGES / name))
    page.wait_for_function(
        "document.querySelector('#bd-upload .bd-upload-msg').textContent.includes('Opened')"
    )
    assert message.inner_text() == (
        f'Opened "{name}", a saved web page (64 kB): its article is read when you press Digest.'
    )
    assert value(page, "bd-input") == ""  # the page is what will be digested
    page.locator("#bd-digest").click()
    assert_shows_real_article(page, name)
    # The page's own address (its canonical link), not a file name.
    assert page.locator("#bd-article h3 a").get_attribute("href") == REAL_PAGES[name][0]
    assert "psl.eu · 2019-11-06" in page.locator("#bd-article").inner_text()
    page.screenshot(path=str(ARTIFACTS / "digest-saved-page.png"), full_page=True)


def test_a_saved_page_is_decoded_by_its_declared_charset_and_typing_drops_it(
    page, tmp_path: Path
) -> None:
    opener = page.locator("#bd-upload input[type=file]")
    message = page.locator("#bd-upload .bd-upload-msg")
    latin = tmp_path / "budget.htm"
    latin.write_bytes(
        NEWS_PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
        .replace("— ", "- ")
        .encode("cp1252")
    )
    opener.set_input_files(str(latin))
    page.wait_for_function(
        "document.querySelector('#bd-page textarea, #bd-page input').value.includes('adopté')"
    )
    assert "a saved web page (" in message.inner_text()
    field(page, "bd-input").press_sequentially("Bonjour.")  # the user types: the page is dropped
    page.wait_for_function(
        "document.querySelector('#bd-page textarea, #bd-page input').value === ''"
    )
    assert message.inner_text() == ""
    big = tmp_path / "huge.html"
    big.write_bytes(b"<html>" + b" " * 3_000_000)
    opener.set_input_files(str(big))
    page.wait_for_function(
        "document.querySelector('#bd-upload .bd-upload-msg').textContent.includes('huge')"
    )
    assert message.inner_text() == '"huge.html" is 3 MB, over the limit of 2 MB for a page.'


def error_shown(page) -> str:
    """The error the page shows (Gradio's error toast), once it is there."""
    toast = page.locator(".toast-body.error [data-testid=toast-text]").first
    toast.wait_for()
    assert page.get_by_text("Traceback").count() == 0
    assert value(page, "bd-original") == ""  # no digest of anything else
    return " ".join(toast.inner_text().split())


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "/slow",
            "Fetching {pages}/slow timed out after 2 s (the server's operator can raise "
            "the limit with BILINGUAL_DIGEST_FETCH_TIMEOUT).",
        ),
        ("/big", "The page {pages}/big is 50 MB, over the limit of 2 MB"),
        ("/big-stream", "The page {pages}/big-stream is larger than 2 MB, over the limit of 2 MB"),
        ("/pdf", "{pages}/pdf is not an HTML page (the server says it is application/pdf)."),
        ("/links", "No article text found in {pages}/links: 99% of its text is link titles"),
        ("/loop/a", "{pages}/loop/a redirects in a loop ({pages}/loop/b leads back to"),
    ],
    ids=["timeout", "too-large", "too-large-unannounced", "not-html", "no-article", "loop"],
)
def test_a_link_that_gives_no_article_says_why_on_the_page(
    page, pages: str, path: str, message: str
) -> None:
    field(page, "bd-url").fill(pages + path)
    page.locator("#bd-digest").click()
    assert message.format(pages=pages) in error_shown(page)


def test_a_private_address_is_refused_unless_the_operator_allows_it(
    page, pages: str, service: DigestService
) -> None:
    allowed = service.fetch_options
    service.fetch_options = dataclasses.replace(allowed, allow_private=False)
    try:
        field(page, "bd-url").fill(pages + "/news")
        page.locator("#bd-digest").click()
        shown = error_shown(page)
    finally:
        service.fetch_options = allowed
    assert shown == (
        f"Refused to fetch {pages}/news: 127.0.0.1 is a loopback "
        "address; private, loopback and link-local addresses are not fetched unless allowed "
        "(the server's operator can allow them with serve --allow-private-urls or "
        "BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS=1)."
    )


def test_a_saved_page_without_article_text_says_so(page, tmp_path: Path) -> None:
    index = tmp_path / "index.html"
    index.write_text(LINKS_PAGE, encoding="utf-8")
    page.locator("#bd-upload input[type=file]").set_input_files(str(index))
    page.wait_for_function(
        "document.querySelector('#bd-upload .bd-upload-msg').textContent.includes('Opened')"
    )
    page.locator("#bd-digest").click()
    assert "No article text found in the page: 99% of its text is link titles" in error_shown(page)
