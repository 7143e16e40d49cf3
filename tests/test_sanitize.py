from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from bilingual_digest.batch.readers import iter_documents
from bilingual_digest.errors import InputError
from bilingual_digest.sanitize import clean_text, decode_bytes, looks_like_html


def test_plain_text_is_untouched() -> None:
    text = "Le « retrait » des forces 🇺🇸 — 25 avril.\n\n# Titre\n*gras* et مرحبا\tfin"
    assert clean_text(text).text == text
    assert clean_text(text).notes == ()


def test_control_characters_and_nul_bytes_are_stripped_with_a_note() -> None:
    result = clean_text("Bon\x00jour\x07 le\x1b monde.\u200b\nFin\x00.")
    assert result.text == "Bonjour le monde.\nFin."
    assert result.notes == ("Removed 5 invisible control character(s), 2 of them NUL bytes.",)


def test_line_endings_are_normalised() -> None:
    assert clean_text("Un.\r\nDeux.\rTrois.").text == "Un.\nDeux.\nTrois."


def test_html_is_reduced_to_its_text() -> None:
    page = (
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<h1>Le titre</h1><p>Premier  paragraphe &amp; suite.</p><script>alert(1)</script>"
        "<p>Second <b>paragraphe</b>.</p></body></html>"
    )
    result = clean_text(page)
    assert result.text == "Le titre\nPremier paragraphe & suite.\nSecond paragraphe."
    assert result.notes == (
        "The text contained HTML markup: only its visible text was translated.",
    )


def test_a_lone_angle_bracket_is_not_html() -> None:
    assert not looks_like_html("Si a < b et b > c, alors <b> est gras.")
    assert clean_text("a < b > c").text == "a < b > c"


def test_type_is_checked() -> None:
    with pytest.raises(TypeError, match="expects a str"):
        clean_text(b"abc")  # type: ignore[arg-type]


def test_lone_surrogates_get_a_defined_answer_everywhere() -> None:
    from bilingual_digest import Translator, detect_language
    from bilingual_digest.options import TranslationOptions

    from fakes import UpperBackend

    text = "Le chat\ud800 dort\udfff."
    clean = clean_text(text)
    assert clean.text == "Le chat dort."
    assert clean.notes == (
        "Removed 2 invalid character(s) (lone UTF-16 surrogates, which no text encoding can "
        "represent).",
    )
    assert detect_language("Les deux parties vont entamer\ud800 des discussions.") == "fr"
    translator = Translator("fr", backend=UpperBackend(), options=TranslationOptions(checks=False))
    result = translator.translate(text)
    assert result.text == "LE CHAT DORT." and result.warnings == clean.notes


# --- files: decode_bytes, shared by the batch script and the command line ---------------------

ARTICLE = "Une rentrée chargée à l’Assemblée 🇫🇷.\nDeuxième ligne."
MARKED = {
    "utf-16-le": codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"),
    "utf-16-be": codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"),
    "utf-32-le": codecs.BOM_UTF32_LE + ARTICLE.encode("utf-32-le"),
    "utf-32-be": codecs.BOM_UTF32_BE + ARTICLE.encode("utf-32-be"),
    "utf-8-sig": ARTICLE.encode("utf-8-sig"),
}


@pytest.mark.parametrize("encoding", list(MARKED))
def test_files_with_a_byte_order_mark_are_decoded(encoding: str) -> None:
    assert decode_bytes(MARKED[encoding], what="a.txt", max_chars=1000) == (ARTICLE, [])


def test_the_size_limit_counts_characters_not_the_mark() -> None:
    data = codecs.BOM_UTF32_LE + ("é" * 10).encode("utf-32-le")  # 44 bytes, 10 characters
    assert decode_bytes(data, what="a.txt", max_chars=10) == ("é" * 10, [])
    with pytest.raises(InputError, match=r"a\.txt has 48 bytes, over the limit of 10 char"):
        decode_bytes(data + "é".encode("utf-32-le"), what="a.txt", max_chars=10)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            codecs.BOM_UTF16_LE + b"a\x00b",
            "a.txt starts with a UTF-16 byte-order mark but is not valid UTF-16 text (byte 4); "
            "save it again as UTF-8.",
        ),
        (
            codecs.BOM_UTF16_BE + "a\x00b".encode("utf-16-be"),
            "a.txt looks like a binary file (it holds NUL bytes), not text.",
        ),
        (  # without its mark, UTF-16 can't be told from binary data
            ARTICLE.encode("utf-16-le"),
            "a.txt looks like a binary file (it holds NUL bytes), not text.",
        ),
    ],
)
def test_bad_marked_files_are_refused_plainly(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, what="a.txt", max_chars=1000)
    assert str(info.value) == message


def test_the_batch_script_reads_utf16_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(MARKED["utf-16-le"])
    (tmp_path / "b.md").write_bytes(MARKED["utf-32-be"])
    docs = list(iter_documents([str(tmp_path)]))
    assert [(d.id, d.text, d.error, d.warnings) for d in docs] == [
        ("a.txt", ARTICLE, None, ()),
        ("b.md", ARTICLE, None, ()),
    ]
