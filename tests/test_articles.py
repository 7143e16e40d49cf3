"""Articles from real saved news pages (tests/pages, see its README): from files, from bytes
and text, and served over HTTP; the digest and the reports carry their metadata."""

from __future__ import annotations

import json

import pytest

from bilingual_digest import (
    Article,
    ArticleError,
    Digester,
    Summarizer,
    Translator,
    extract_article,
    fetch_article,
)
from bilingual_digest.articles import read_page_file
from bilingual_digest.report import digest_markdown

from fakes import LeadBackend, TagBackend
from page_server import PAGES, serve

# name: (address, sentences the article must hold, boilerplate it must not, metadata).
# The sentences are those trafilatura's own tests expect (tests/realworld_tests.py); the
# metadata was read off each page (its <title>, bylines, dates and og: tags).
REAL_PAGES = {
    "sauvonsluniversite.com.spip.html": (
        "http://www.sauvonsluniversite.fr/spip.php?article8532",
        [
            "L’AG Éducation Île-de-France inter-degrés",
            "Grève et mobilisation pour le climat",
            "suivi.reformes.blanquer@gmail.com",
        ],
        ["Sauvons l’Université !", "La semaine de SLU", "Accueil > Actualités et humeurs"],
        {
            "title": "Décisions de l’AG Éducation IDF du mardi 10 septembre",
            "author": None,
            "date": "2019-09-11",
        },
    ),
    "psl.eu.luniversite.html": (
        "https://www.psl.eu/actualites/luniversite-psl-quand-les-grandes-ecoles-font-universite",
        ["Le décret n°2019-1130 validant", "restructurant à cet effet »."],
        [" utilise des cookies pour", "En savoir plus"],
        {
            "title": "L’Université PSL : quand les grandes écoles font université",
            "author": None,
            "date": "2019-11-06",
        },
    ),
    "franceculture.fr.idees.html": (
        "https://www.franceculture.fr/emissions/le-journal-des-idees/"
        "le-journal-des-idees-emission-du-mardi-14-janvier-2020",
        [
            "Performativité",
            "Les individus productifs communiquent",
            "de nos espoirs et de nos désirs.",
        ],
        ["A la tribune je monterai", "À découvrir", "Le fil culture"],
        {
            "title": "Prendre la parole",
            "author": "Jacques Munier",
            "date": "2020-01-14",
            "site": "France Culture",
        },
    ),
    "soundofscience.fr.1927.html": (
        "https://www.soundofscience.fr/1927",
        ["plus de 2500 chercheur·eus·e·s annoncent faire acte de candidature collectivement"],
        [],
        {
            "title": "Une candidature collective à la présidence du HCERES",
            "author": "Martin Clavey",
            "date": "2020-01-20",
            "site": "The Sound Of Science",
        },
    ),
    "wikimediafoundation.org.turkey.html": (
        "https://wikimediafoundation.org/news/2020/01/15/"
        "access-to-wikipedia-restored-in-turkey-after-more-than-two-and-a-half-years/",
        ["as further access is restored."],
        [
            "Read further in the pursuit of knowledge",
            "Here’s what that means.",
            "Stay up-to-date on our work.",
            "Photo credits",
        ],
        {
            "title": "Access to Wikipedia restored in Turkey after more than two and a half years",
            "author": "Wikimedia Foundation",
            "date": "2020-01-15",
            "site": "Wikimedia Foundation",
        },
    ),
    "reuters.com.parasite.html": (
        "https://www.reuters.com/article/us-awards-sag/"
        "parasite-scores-upset-at-sag-awards-boosting-oscar-chances-idUSKBN1ZI0EH",
        ["Despite an unknown cast,", "Additional reporting by"],
        ["4 Min Read", "Factbox: Key winners"],
        {
            "title": "'Parasite' scores historic upset at SAG awards, boosting Oscar chances",
            "author": "Jill Serjeant",
            "date": "2020-01-20",
            "site": "Reuters",
        },
    ),
}


def assert_real_article(article: Article, name: str) -> None:
    _, inside, outside, metadata = REAL_PAGES[name]
    for sentence in inside:
        assert sentence in article.text, sentence
    for boilerplate in outside:
        assert boilerplate not in article.text, boilerplate
    for field, value in metadata.items():
        assert getattr(article, field) == value, field
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) >= 4 and all(p.strip() == p and p for p in paragraphs)
    assert article.title not in paragraphs[:3]  # the headline is the title, not the text


@pytest.mark.parametrize("name", sorted(REAL_PAGES))
def test_saved_pages_give_the_article_and_its_metadata(name: str) -> None:
    article = read_page_file(PAGES / name)
    assert_real_article(article, name)
    assert article == extract_article((PAGES / name).read_bytes())
    assert article == extract_article((PAGES / name).read_text(encoding="utf-8"))


def test_the_given_address_is_kept_and_the_canonical_one_read_otherwise() -> None:
    name = "reuters.com.parasite.html"
    html = (PAGES / name).read_bytes()
    assert extract_article(html, url=REAL_PAGES[name][0]).url == REAL_PAGES[name][0]
    assert (
        extract_article(html).url == "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH"
    )


def test_paragraphs_are_kept_apart_and_line_breaks_inside_them() -> None:
    text = read_page_file(PAGES / "sauvonsluniversite.com.spip.html").text
    assert (
        "lycée Balzac (Mitry-Mory, 77), etc.\nFait nouveau : dans plusieurs de ces "
        "établissements" in text
    )
    assert "\n\nL’AG et la manifestation au départ de la Chambre de Commerce" in text


@pytest.fixture(scope="module")
def server() -> str:
    with serve() as base:
        yield base


@pytest.mark.parametrize("name", sorted(REAL_PAGES))
def test_served_pages_give_the_same_article(server: str, name: str) -> None:
    url = f"{server}/pages/{name}"
    article = fetch_article(url, allow_private=True)
    assert_real_article(article, name)
    assert article.url == url
    assert article.text == read_page_file(PAGES / name).text


def test_a_compressed_page_and_a_redirect_give_the_same_article(server: str) -> None:
    name = "franceculture.fr.idees.html"
    target = f"/pages/{name}?gzip=1"
    article = fetch_article(f"{server}/redirect?to={target}", allow_private=True)
    assert article.url == server + target
    assert article.text == read_page_file(PAGES / name).text


def test_a_list_of_links_is_not_an_article(server: str) -> None:
    with pytest.raises(ArticleError, match=r"No article text found in .*/links: 9\d% of its text"):
        fetch_article(f"{server}/links", allow_private=True)


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("", "No article text found in the page: it is empty or not HTML."),
        ("<html><body><nav><a href='/'>Accueil</a></nav></body></html>", "No article text found"),
        (b"\x00\x01\x02", "No article text found"),
    ],
)
def test_pages_without_an_article_say_so(html: str | bytes, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        extract_article(html)


def test_extract_rejects_other_types_and_oversized_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TypeError, match="expects HTML as str or bytes, got int"):
        extract_article(42)  # type: ignore[arg-type]
    with pytest.raises(ArticleError, match=r"not its address: to fetch a link, use fetch_article"):
        extract_article("https://www.lemonde.fr/article.html")
    monkeypatch.setenv("BILINGUAL_DIGEST_FETCH_MAX_BYTES", "10000")
    with pytest.raises(ArticleError, match=r"is 22.1 kB, over the limit of 10 kB for a page"):
        read_page_file(PAGES / "sauvonsluniversite.com.spip.html")


def test_an_encoding_declared_in_a_meta_tag_is_honoured() -> None:
    body = "<p>" + "Le député a évoqué une réforme très attendue par les élèves. " * 8 + "</p>"
    page = "<html><head><meta charset='windows-1252'><title>Élèves</title></head><body>"
    page += f"<article><h1>Élèves</h1>{body}{body}</article></body></html>"
    article = extract_article(page.encode("cp1252"))
    assert article.title == "Élèves"
    assert "Le député a évoqué une réforme très attendue" in article.text


def digester() -> Digester:
    return Digester(
        Translator("fr", "en", backend=TagBackend("en")),
        Translator("en", "fr", backend=TagBackend("fr")),
        Summarizer(backend=LeadBackend()),
    )


def test_a_digest_of_an_article_carries_its_metadata() -> None:
    article = read_page_file(PAGES / "franceculture.fr.idees.html")
    result = digester().digest(article)
    assert result.article == article
    assert result.source_lang == "fr"
    assert result.original.startswith("Prendre la parole\n\nGrand débat national")
    assert result.translation.segments[0].source == "Prendre la parole"
    data = json.loads(json.dumps(result.to_dict()))
    assert data["article"] == {
        "url": REAL_PAGES["franceculture.fr.idees.html"][0],
        "title": "Prendre la parole",
        "author": "Jacques Munier",
        "date": "2020-01-14",
        "site": "France Culture",
    }
    assert data["original"] == result.original  # the text is not repeated under "article"
    report = digest_markdown(result)
    url = REAL_PAGES["franceculture.fr.idees.html"][0]
    assert f"# Bilingual digest\n\n- Article: [Prendre la parole]({url})\n" in report
    assert "- Author: Jacques Munier\n- Date: 2020-01-14\n- Site: France Culture\n" in report


def test_a_digest_of_a_plain_text_has_no_article() -> None:
    result = digester().digest("Les deux parties vont entamer des discussions sur un retrait.")
    assert result.article is None and result.to_dict()["article"] is None
    assert "- Article:" not in digest_markdown(result)


def test_translate_and_digest_many_take_articles_and_texts() -> None:
    article = Article("https://x.test/a", "Le titre", None, None, None, "Premier paragraphe.")
    translator = Translator("fr", "en", backend=TagBackend("en"))
    assert translator.translate(article).text == "[en] Le titre\n\n[en] Premier paragraphe."
    results = digester().digest_many([article, "Un texte simple, sans titre."], source="fr")
    assert [r.article for r in results] == [article, None]


def test_a_bare_link_is_not_digested_as_text() -> None:
    with pytest.raises(ValueError, match=r"is a link, not an article: fetch it first"):
        digester().digest("https://www.lemonde.fr/politique/article/2024/01/01/x.html")


def test_article_full_text_and_metadata() -> None:
    article = Article("u", None, "a", "2020-01-01", "s", "Texte.")
    assert article.full_text == "Texte."
    assert article.metadata() == {
        "url": "u",
        "title": None,
        "author": "a",
        "date": "2020-01-01",
        "site": "s",
    }
