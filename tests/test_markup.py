"""HTML in, HTML out: only the text is translated, every tag comes back byte for byte."""

from __future__ import annotations

from bilingual_digest.markup import split_html, translate_html


def upper(texts: list[str]) -> list[str]:
    return [text.upper() for text in texts]


def test_markup_is_kept_byte_for_byte_and_text_translated() -> None:
    page = (
        '<!DOCTYPE html><p class="a" title="x > y">Le   <b>conseil</b>\n a voté&nbsp;la '
        "mesure &amp; plus.</p><!-- un commentaire --><img src=x.png alt='Une image'><br/>Fin"
    )
    assert translate_html(page, upper) == (
        '<!DOCTYPE html><p class="a" title="x > y">LE   <b>CONSEIL</b>\n A VOTÉ LA '
        "MESURE &amp; PLUS.</p><!-- un commentaire --><img src=x.png alt='Une image'><br/>FIN"
    )


def test_code_scripts_and_no_translate_regions_are_left_alone() -> None:
    page = (
        "<script>var s = 'Bonjour';</script><style>p { content: 'Oui' }</style>"
        "<pre>Ne pas toucher</pre><code>x = 1</code>"
        '<div translate="no">Le Monde <div>Paris</div> reste</div>'
        '<span class="titre notranslate">Libération</span> Suite'
    )
    parts = split_html(page)
    assert parts.sources() == ["Suite"]
    assert translate_html(page, upper) == page.replace(" Suite", " SUITE")


def test_text_without_letters_and_empty_input() -> None:
    assert split_html("<p>2024 — 12 %</p>").texts == ()
    assert translate_html("", upper) == ""
    assert translate_html("Sans balise.", upper) == "SANS BALISE."


def test_translations_are_escaped_and_spacing_kept() -> None:
    assert translate_html("<p>  a  </p>", lambda xs: ["<b> & </b>"]) == (
        "<p>  &lt;b&gt; &amp; &lt;/b&gt;  </p>"
    )
