"""Hostile and odd input through digest(): each case has a defined answer, never a traceback."""

from __future__ import annotations

import pytest

from bilingual_digest import Digester, InputError, Summarizer, Translator, UnsupportedLanguageError
from bilingual_digest.segment import non_blank_offsets

from fakes import LeadBackend, TagBackend

FR = "Les deux parties vont entamer des discussions sur un retrait ordonné et sûr des forces."


@pytest.fixture
def digester() -> Digester:
    return Digester(
        Translator("fr", "en", backend=TagBackend("en")),
        Translator("en", "fr", backend=TagBackend("fr")),
        Summarizer(backend=LeadBackend()),
    )


def covered(digest) -> list[int]:
    return [i for s in digest.translation.segments for i in range(s.start, s.end)]


def assert_every_character_translated_once(digest) -> None:
    text = digest.original
    offsets = [i for i in covered(digest) if not text[i].isspace()]
    assert offsets == non_blank_offsets(text)


@pytest.mark.parametrize("text", ["", " ", "\n\n\t  \n"])
def test_empty_and_whitespace(digester: Digester, text: str) -> None:
    with pytest.raises(InputError, match="is empty"):
        digester.digest(text)


def test_one_character_needs_the_language(digester: Digester) -> None:
    with pytest.raises(UnsupportedLanguageError, match='source="fr"'):
        digester.digest("x")
    result = digester.digest("x", source="fr")
    assert result.translation.text == "[en] x"
    assert result.summary_en == "[en] x"  # too short to summarise: the text itself
    assert any("too short to summarise" in w for w in result.warnings)


def test_digits_only(digester: Digester) -> None:
    with pytest.raises(UnsupportedLanguageError, match="without words"):
        digester.digest("1234567890 42")
    assert digester.digest("1234567890 42", source="en").translation.text == "[fr] 1234567890 42"


def test_neither_language(digester: Digester) -> None:
    german = "Die beiden Parteien werden Gespräche über einen geordneten Rückzug aufnehmen."
    with pytest.raises(UnsupportedLanguageError, match="looks like German"):
        digester.digest(german)


def test_over_the_cap_is_refused_with_the_cap_stated(
    digester: Digester, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (FR + " ") * (200_000 // (len(FR) + 1) + 1)
    assert len(text) > 200_000
    with pytest.raises(InputError, match=r"over the limit of 100,000\. .*MAX_CHARS"):
        digester.digest(text)
    monkeypatch.setenv("BILINGUAL_DIGEST_MAX_CHARS", "250000")
    result = digester.digest(text)
    assert len(result.translation.segments) == text.count(".")
    assert_every_character_translated_once(result)


def test_one_5000_word_sentence_without_punctuation(digester: Digester) -> None:
    text = " ".join(["retrait ordonné des forces américaines du pays"] * 715)
    assert len(text.split()) >= 5000
    result = digester.digest(text, source="fr")
    pieces = result.translation.segments
    assert len(pieces) > 1
    assert all(len(p.source.split()) + 1 <= 511 for p in pieces)
    assert_every_character_translated_once(result)
    assert result.translation.text == " ".join(f"[en] {p.source}" for p in pieces)


def test_nul_bytes_and_control_characters_are_stripped_with_a_note(digester: Digester) -> None:
    result = digester.digest("Les deux\x00 parties\x07 vont entamer des discussions.\x1b", "fr")
    assert result.original == "Les deux parties vont entamer des discussions."
    assert result.warnings[0] == "Removed 3 invisible control character(s), 1 of them NUL bytes."


def test_only_control_characters(digester: Digester) -> None:
    with pytest.raises(InputError, match="no visible characters"):
        digester.digest("\x00\x01\x02")


def test_html_markup_is_reduced_to_text(digester: Digester) -> None:
    page = f"<html><body><h1>Le retrait</h1><p>{FR}</p><script>x()</script></body></html>"
    result = digester.digest(page)
    assert result.original == f"Le retrait\n{FR}"
    assert "HTML markup" in result.warnings[0]
    assert "x()" not in result.translation.text


def test_markdown_emoji_and_rtl_pass_through_intact(digester: Digester) -> None:
    text = f"# Titre 🎉\n\n*{FR}* 👍🏽\n\n> Il a dit « مرحبا » et « שלום ». Fin ✅."
    result = digester.digest(text, source="fr")
    assert result.original == text
    assert_every_character_translated_once(result)
    assert "🎉" in result.translation.text and "مرحبا" in result.translation.text
    assert result.translation.text.count("\n") == text.count("\n")


def test_mixed_french_and_english_paragraphs_get_a_note(digester: Digester) -> None:
    english = "The United States will keep working with its partners in the region to fight terror."
    result = digester.digest(f"{FR}\n{english}\n{FR}", source="fr")
    assert (
        "Paragraph(s) 2 look English, not French: they were passed through the fr→en model as "
        "they are (usually copied through). Digest them separately to get them translated."
    ) in result.warnings


def test_summary_numbers_not_in_the_article_are_flagged(digester: Digester) -> None:
    class Inventing(LeadBackend):
        def generate(self, texts, options):
            from bilingual_digest.backends import Generated

            return [Generated("Talks begin on 3 May with 500 soldiers.", 9) for _ in texts]

    digester = Digester(
        Translator("fr", "en", backend=TagBackend("en")),
        Translator("en", "fr", backend=TagBackend("fr")),
        Summarizer(backend=Inventing()),
    )
    article = " ".join([FR, "Le retrait commence le 25 avril.", "Mille soldats partiront.", FR])
    result = digester.digest(article, source="fr")
    assert [w for w in result.warnings if "in the summary does not appear" in w] == [
        'Summary: The date "3 May" in the summary does not appear in the article.',
        'Summary: The number "500" in the summary does not appear in the article.',
    ]


# --- the same inputs through the web API (the real app, served in-process) -------------------


@pytest.fixture(scope="module")
def api():
    import socket

    from gradio_client import Client

    from bilingual_digest import ui

    digester = Digester(
        Translator("fr", "en", backend=TagBackend("en")),
        Translator("en", "fr", backend=TagBackend("fr")),
        Summarizer(backend=LeadBackend()),
    )
    demo = ui.build_demo(digester, max_chars=50_000)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    ui.launch(demo, port=port, block=False, quiet=True)
    try:
        yield Client(f"http://127.0.0.1:{port}/", analytics_enabled=False, verbose=False)
    finally:
        demo.close()


@pytest.mark.parametrize(
    ("text", "direction", "message"),
    [
        ("", "auto", "The article is empty"),
        ("x", "auto", "Choose the direction \\(fr-en, en-fr\\) instead of detecting it"),
        ("0123456789", "auto", "Cannot detect the language of a text without words"),
        ("Die Parteien werden Gespräche über einen Rückzug aufnehmen.", "auto", "German"),
        (FR * 600, "auto", "over the limit of 50,000"),
        ("\x00\x01\x02", "fr-en", "no visible characters"),
    ],
)
def test_web_api_refuses_with_a_message(api, text: str, direction: str, message: str) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message) as info:
        api.predict(text, direction, "short", api_name="/digest")
    assert "Traceback" not in str(info.value)


def test_web_api_processes_odd_input_with_notes(api) -> None:
    long_sentence = " ".join(["retrait ordonné des forces"] * 1250)
    result = api.predict(long_sentence, "fr-en", "short", api_name="/digest")
    assert " ".join(s["source"] for s in result["translation"]["segments"]) == long_sentence
    odd = f"<p>{FR}</p><p>Bravo 🎉 « مرحبا »\x00.</p>"
    result = api.predict(odd, "auto", "short", api_name="/digest")
    assert result["original"] == f"{FR}\nBravo 🎉 « مرحبا »."
    assert result["warnings"][:2] == [
        "The text contained HTML markup: only its visible text was translated.",
        "Removed 1 invisible control character(s), 1 of them NUL bytes.",
    ]


def test_web_endpoints_answer_lone_surrogates(api) -> None:
    """A JSON client can send "\ud800" (no codec can encode it): removed, with a note."""
    import httpx

    url = api.src.rstrip("/")
    raw = b'{"data": ["Les deux \\ud800parties vont entamer des discussions.", "fr-en"]}'
    event = httpx.post(
        f"{url}/gradio_api/call/translate", content=raw,
        headers={"content-type": "application/json"},
    ).json()["event_id"]  # fmt: skip
    answer = httpx.get(f"{url}/gradio_api/call/translate/{event}", timeout=60).text
    assert answer.startswith("event: complete")
    assert "[en] Les deux parties vont entamer des discussions." in answer
    assert "lone UTF-16 surrogates" in answer
