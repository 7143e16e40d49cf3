"""The command line on articles: `translate` and `digest` take links and saved pages."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bilingual_digest.articles import read_page_file
from bilingual_digest.cli import main

from page_server import NEWS_PAGE, serve


@pytest.fixture(scope="module")
def server() -> str:
    with serve() as base:
        yield base


@pytest.fixture
def run(tiny_env, capsys):
    def invoke(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """A short news page, saved."""
    path = tmp_path / "budget.html"
    path.write_text(NEWS_PAGE, encoding="utf-8")
    return path


def test_translate_a_saved_page_translates_its_article_only(run, page: Path, caplog) -> None:
    caplog.set_level(logging.INFO, logger="bilingual_digest")
    code, out, err = run("translate", str(page), "--beams", "1")
    assert code == 0, err
    article = read_page_file(page)
    assert article.full_text.startswith("Le conseil municipal vote le budget\n\nLe conseil")
    assert "cookies" not in article.full_text and "Accueil" not in article.full_text
    # The title and the two paragraphs translated, nothing more (the page's visible text
    # has a menu, a cookie banner, a "read also" box and a footer around them).
    assert len(out.strip().split("\n\n")) == 3
    assert "\n\n\n" not in out
    assert (
        "Article: Le conseil municipal vote le budget — La Gazette · Marie Dupont · 2024-03-05"
        in caplog.text
    )


def test_translate_a_link_gives_the_same_as_the_saved_page(run, page: Path, server: str) -> None:
    code, saved, _ = run("translate", str(page), "--beams", "1")
    assert code == 0
    url = f"{server}/news"
    code, fetched, err = run("translate", url, "--beams", "1", "--allow-private-urls")
    assert code == 0, err
    assert fetched == saved


def test_a_private_link_is_refused_with_the_flag_to_allow_it(run, server: str) -> None:
    code, out, err = run("translate", f"{server}/echo")
    assert (code, out) == (1, "")
    assert err == (
        f"bilingual-digest: error: Refused to fetch {server}/echo: 127.0.0.1 is a "
        "loopback address; private, loopback and link-local addresses are not fetched unless "
        "allowed (use --allow-private-urls to allow them).\n"
    )


def test_a_link_without_its_scheme_gets_a_hint(run) -> None:
    code, _, err = run("translate", "www.lemonde.fr/international/article.html")
    assert code == 1
    assert "a link must start with http:// or https://" in err


def test_digest_prints_the_summaries_under_the_title(run, server: str) -> None:
    url = f"{server}/news"
    code, out, err = run("digest", url, "--allow-private-urls", "--length", "short")
    assert code == 0, err
    head, english, french = out.split("\n\n")
    assert head == (
        f"# Le conseil municipal vote le budget\nLa Gazette · Marie Dupont · 2024-03-05\n{url}"
    )
    assert english.startswith("Summary (English):\n") and len(english) > 30
    assert french.startswith("Résumé (français):\n") and len(french) > 30


def test_digest_goes_on_past_a_failing_input_and_says_which(
    run, page: Path, tmp_path: Path
) -> None:
    links = tmp_path / "index.html"
    links.write_text(
        "<html><body><ul>"
        + "".join(f"<li><a href='/a/{i}'>Un titre d'article numéro {i}</a></li>" for i in range(30))
        + "</ul></body></html>",
        encoding="utf-8",
    )
    code, out, err = run("digest", str(links), str(page), "--format", "json")
    assert code == 1
    assert f"bilingual-digest: error: {links}: No article text found in File '{links}'" in err
    record = json.loads(out)  # one line: the page that worked
    assert record["article"] == {
        "url": None,
        "title": "Le conseil municipal vote le budget",
        "author": "Marie Dupont",
        "date": "2024-03-05",
        "site": "La Gazette",
    }
    assert record["original"].startswith("Le conseil municipal vote le budget\n\nLe conseil")
