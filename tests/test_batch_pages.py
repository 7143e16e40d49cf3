"""The batch script on web input: folders of saved pages, lists of links, JSONL rows with a link.

Real saved news pages (tests/pages, see its README) are read from files and served by a local
HTTP server (allowed for these tests with the private-address switch); failures (404, a
timeout, a PDF, a list of links, a refused address) become error records and the run goes on.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bilingual_digest import Translator
from bilingual_digest.batch import Worker, WorkSpec
from bilingual_digest.batch.ray_source import Piece, read_piece
from bilingual_digest.batch.readers import ReadOptions, check_inputs, iter_documents
from bilingual_digest.batch.run import run_batch
from bilingual_digest.cli import main
from bilingual_digest.options import FetchOptions
from test_articles import REAL_PAGES

from fakes import UpperBackend
from page_server import PAGES, serve

FR_PAGE, EN_PAGE = "franceculture.fr.idees.html", "wikimediafoundation.org.turkey.html"
ALLOWED = FetchOptions(allow_private=True, timeout=2)


@pytest.fixture(scope="module")
def server() -> str:
    with serve() as base:
        yield base


def fake_worker() -> Worker:
    translators = {
        ("fr", "en"): Translator("fr", "en", backend=UpperBackend(model_id="fake/fr-en")),
        ("en", "fr"): Translator("en", "fr", backend=UpperBackend(model_id="fake/en-fr")),
    }
    return Worker(WorkSpec(), translators=translators)


def batch(inputs: list[Path], out: Path, **read: object) -> tuple[dict[str, dict], object]:
    stats = run_batch(
        [str(i) for i in inputs], str(out), read_options=ReadOptions(**read), worker=fake_worker()
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}, stats


def check_article(record: dict, page: str, url: str | None) -> None:
    """The record of a real page: its metadata, its article (sentences in, boilerplate out),
    and offsets that index the record's own text."""
    address, inside, outside, meta = REAL_PAGES[page]
    assert "error" not in record, record
    assert record["article"]["url"] == (url or address)
    for key, value in meta.items():
        assert record["article"][key] == value, key
    text = record["text"]
    assert text.startswith(meta["title"] + "\n\n")  # the title, then the article's text
    assert all(s in text for s in inside) and not any(s in text for s in outside)
    assert record["segments"] and all(
        text[s["start"] : s["end"]] == s["source"] for s in record["segments"]
    )


# --- saved pages ----------------------------------------------------------------------------


def test_a_folder_of_saved_pages_gives_each_pages_article(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    (folder / "en").mkdir(parents=True)
    shutil.copy(PAGES / FR_PAGE, folder / FR_PAGE)
    shutil.copy(PAGES / EN_PAGE, folder / "en" / EN_PAGE)
    (folder / "note.txt").write_text("Une note en texte.", encoding="utf-8")
    (folder / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    got, stats = batch([folder], tmp_path / "out.jsonl")
    assert list(got) == ["empty.html", f"en/{EN_PAGE}", FR_PAGE, "note.txt"]
    check_article(got[FR_PAGE], FR_PAGE, None)
    check_article(got[f"en/{EN_PAGE}"], EN_PAGE, None)
    assert got[FR_PAGE]["source_lang"] == "fr" and got[f"en/{EN_PAGE}"]["source_lang"] == "en"
    assert got["empty.html"]["error"] == f"No article text found in {folder / 'empty.html'}."
    assert "article" not in got["note.txt"] and "text" not in got["note.txt"]
    assert (stats.done, stats.failed) == (3, 1)


def test_a_saved_page_given_alone_and_one_over_the_page_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / FR_PAGE
    shutil.copy(PAGES / FR_PAGE, page)
    big = tmp_path / "big.html"
    with big.open("wb") as f:
        f.truncate(50_000_000)
    monkeypatch.setenv("BILINGUAL_DIGEST_FETCH_MAX_BYTES", "1000000")
    got, _ = batch([page, big], tmp_path / "out.jsonl")
    check_article(got[FR_PAGE], FR_PAGE, None)
    assert got["big.html"]["error"] == (
        f"{big} is 50 MB, over the limit of 1 MB for a page (raise the limit with "
        "BILINGUAL_DIGEST_FETCH_MAX_BYTES)."
    )


def test_format_txt_writes_a_pages_translation_beside_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(PAGES / FR_PAGE, folder / FR_PAGE)
    out = tmp_path / "translated"
    run_batch([str(folder)], str(out), fmt="txt", worker=fake_worker())
    title = REAL_PAGES[FR_PAGE][3]["title"]
    assert (out / f"{FR_PAGE}.txt").read_text(encoding="utf-8").startswith(title.upper())
    assert not (out / FR_PAGE).exists()


# --- lists of links ---------------------------------------------------------------------------


def test_a_list_of_links_fetches_each_and_failures_are_records(server: str, tmp_path: Path) -> None:
    links = tmp_path / "links.urls"
    good, en = f"{server}/pages/{FR_PAGE}", f"{server}/pages/{EN_PAGE}?gzip=1"
    listed = [
        "# French and English news",
        good,
        "",
        f"{server}/status/404",
        f"{server}/slow",
        f"{server}/pdf",
        f"{server}/links",
        "www.example.fr/no-scheme",
        en,
        good,
    ]
    links.write_text("\n".join(listed) + "\n", encoding="utf-8")
    got, stats = batch([links], tmp_path / "out.jsonl", fetch=ALLOWED)
    p = str(links)
    assert [(i, r["source"]) for i, r in got.items()] == [
        (good, f"{p}:2"),
        (f"{server}/status/404", f"{p}:4"),
        (f"{server}/slow", f"{p}:5"),
        (f"{server}/pdf", f"{p}:6"),
        (f"{server}/links", f"{p}:7"),
        ("links.urls:8", f"{p}:8"),
        (en, f"{p}:9"),
        (f"{p}:10", f"{p}:10"),  # the repeated link: an error record with an id of its own
    ]
    check_article(got[good], FR_PAGE, good)
    check_article(got[en], EN_PAGE, en)
    errors = {i: r.get("error") for i, r in got.items()}
    assert errors[f"{server}/status/404"] == (
        f"The server answered 404 Not Found for {server}/status/404."
    )
    assert errors[f"{server}/slow"] == (
        f"Fetching {server}/slow timed out after 2 s (raise the limit with "
        "BILINGUAL_DIGEST_FETCH_TIMEOUT)."
    )
    assert errors[f"{server}/pdf"] == (
        f"{server}/pdf is not an HTML page (the server says it is application/pdf)."
    )
    assert errors[f"{server}/links"].startswith(f"No article text found in {server}/links: ")
    assert errors["links.urls:8"] == (
        f"Line 8 of {p} is not an http(s) link: 'www.example.fr/no-scheme'. A list of links "
        "holds one link a line (blank lines and # comments are skipped)."
    )
    assert got[f"{p}:10"]["duplicate_of"] == good
    assert (stats.done, stats.failed) == (2, 6)


def test_a_resumed_run_fetches_nothing_again(tmp_path: Path) -> None:
    """Ids are the links: a second run skips them all, the server gone."""
    links = tmp_path / "links.txt"  # a .txt whose lines are all links is a list of links
    out = tmp_path / "out.jsonl"
    with serve() as base:
        links.write_text(f"{base}/pages/{EN_PAGE}\n{base}/status/500\n", encoding="utf-8")
        first, _ = batch([links], out, fetch=ALLOWED)
    before = out.read_bytes()
    again, stats = batch([links], out, fetch=ALLOWED)  # nothing to fetch from any more
    assert out.read_bytes() == before and again == first
    assert (stats.done, stats.failed, stats.skipped) == (0, 0, 2)


def test_links_to_private_addresses_are_refused_unless_allowed(server: str, tmp_path: Path) -> None:
    links = tmp_path / "links.urls"
    links.write_text(f"{server}/news\n", encoding="utf-8")
    got, _ = batch([links], tmp_path / "out.jsonl")
    assert got[f"{server}/news"]["error"] == (
        f"Refused to fetch {server}/news: 127.0.0.1 is a loopback address; private, loopback "
        "and link-local addresses are not fetched unless allowed (use --allow-private-urls "
        "to allow them)."
    )
    got, _ = batch([links], tmp_path / "allowed.jsonl", fetch=ALLOWED)
    assert got[f"{server}/news"]["article"] == {
        "url": f"{server}/news",
        "title": "Le conseil municipal vote le budget",
        "author": "Marie Dupont",
        "date": "2024-03-05",
        "site": "La Gazette",
    }


def test_which_files_are_lists_of_links(tmp_path: Path) -> None:
    only = tmp_path / "only.txt"
    only.write_text("# mes liens\nhttps://a.example/1\n\n  http://b.example/2  \n", "utf-8")
    mixed = tmp_path / "mixed.txt"
    mixed.write_text("À lire : https://a.example/1\nhttps://b.example/2\n", "utf-8")
    comments = tmp_path / "comments.txt"
    comments.write_text("# rien\n\n", "utf-8")
    named = tmp_path / "named.urls"
    named.write_text("pas un lien\n", "utf-8")
    page = tmp_path / "page.htm"
    page.write_text("<p>x</p>", "utf-8")
    long = tmp_path / "long.txt"  # longer than any text may be (--max-chars): still links
    long.write_text("".join(f"https://a.example/{i:06}\n" for i in range(20_000)), "utf-8")
    files = (only, mixed, comments, named, page, long)
    kinds = dict(check_inputs([str(p) for p in files], ReadOptions(max_chars=1000)))
    assert list(kinds.values()) == ["urls", "text", "text", "urls", "html", "urls"]


def test_format_txt_refuses_a_list_of_links(tmp_path: Path) -> None:
    links = tmp_path / "links.urls"
    links.write_text("https://a.example/1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is a list of links: use --format jsonl for it"):
        run_batch([str(links)], str(tmp_path / "out"), fmt="txt", worker=fake_worker())


# --- JSONL rows with a link -------------------------------------------------------------------


def test_jsonl_rows_with_a_link_and_no_text_are_fetched(server: str, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"text": "Un texte déjà là.", "url": f"{server}/status/404"},  # text wins
        {"url": f"{server}/pages/{EN_PAGE}"},
        {"url": f"{server}/status/404"},
        {"link": f"{server}/news"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    got, _ = batch([feed], tmp_path / "out.jsonl", fetch=ALLOWED)
    assert "error" not in got["feed.jsonl:1"] and "article" not in got["feed.jsonl:1"]
    check_article(got["feed.jsonl:2"], EN_PAGE, f"{server}/pages/{EN_PAGE}")
    assert got["feed.jsonl:3"]["error"] == (
        f"The server answered 404 Not Found for {server}/status/404."
    )
    assert got["feed.jsonl:4"]["error"].startswith(
        f"Line 4 of {feed} has no 'text' field nor an http(s) link in 'url'"
    )
    got, _ = batch([feed], tmp_path / "link.jsonl", fetch=ALLOWED, url_field="link")
    assert got["feed.jsonl:4"]["article"]["title"] == "Le conseil municipal vote le budget"


def test_a_resumed_run_does_not_fetch_jsonl_links_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --id-field the id is known once the line is parsed: still before the fetch."""
    from bilingual_digest.batch import rows as row_reader

    feed = tmp_path / "feed.jsonl"
    out = tmp_path / "out.jsonl"
    with serve() as base:
        rows = [{"id": "a", "url": f"{base}/news"}, {"id": "b", "url": f"{base}/status/404"}]
        feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        first, _ = batch([feed], out, fetch=ALLOWED, id_field="id")
    assert first["a"]["article"]["site"] == "La Gazette" and "404" in first["b"]["error"]
    before = out.read_bytes()
    fetched: list[str] = []
    monkeypatch.setattr(row_reader, "url_document", lambda *args: fetched.append(args[2]))
    _, stats = batch([feed], out, fetch=ALLOWED, id_field="id")
    monkeypatch.undo()
    assert fetched == [] and out.read_bytes() == before
    assert (stats.done, stats.failed, stats.skipped) == (0, 0, 2)
    on_ray = list(
        read_piece(Piece("jsonl", str(feed)), ReadOptions(id_field="id"), {"a"}.__contains__)
    )
    assert [(d.id, d.done) for d in on_ray] == [("a", True), ("b", False)]
    assert "Cannot connect" in on_ray[1].error or "Refused" in on_ray[1].error


# --- the Ray engine's readers, the command line ------------------------------------------------


def test_ray_read_tasks_read_pages_and_links_as_locally(server: str, tmp_path: Path) -> None:
    """Ray's read tasks run the local readers on each piece: the same documents come out."""
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(PAGES / EN_PAGE, folder / EN_PAGE)
    links = tmp_path / "links.urls"
    links.write_text(f"{server}/pages/{FR_PAGE}\n{server}/status/404\n", encoding="utf-8")
    opts = ReadOptions(fetch=ALLOWED)
    local = list(iter_documents([str(folder), str(links)], opts))
    pieces = [
        Piece("dir", str(folder), (EN_PAGE,)),
        Piece("urls", str(links)),
    ]
    on_ray = [doc for piece in pieces for doc in read_piece(piece, opts, None)]
    assert on_ray == local and local[0].article["site"] == "Wikimedia Foundation"
    uri = [*read_piece(Piece("dir", folder.as_uri(), (EN_PAGE,)), opts, None)]
    assert uri[0].text == local[0].text and uri[0].article == local[0].article


def test_the_command_line_reads_pages_and_links(
    tiny_env: dict[str, str], server: str, tmp_path: Path
) -> None:
    links = tmp_path / "links.urls"
    links.write_text(f"{server}/news\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    fast = ["--beams", "1", "--max-new-tokens", "4", "--backend", "torch"]
    assert main(["batch", str(links), "-o", str(out), *fast]) == 1  # refused: loopback
    record = json.loads(out.read_text(encoding="utf-8"))
    assert "use --allow-private-urls to allow them" in record["error"]
    assert main(["batch", str(links), "-o", str(out), "--retry-errors", "--allow-private-urls",
                 *fast]) == 0  # fmt: skip
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["article"]["site"] == "La Gazette" and record["translation"]
