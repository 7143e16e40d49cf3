"""The faithfulness checks know that a glossary term is right."""

from __future__ import annotations

from bilingual_digest import Digester, Summarizer, TranslationOptions, Translator
from bilingual_digest.checks import check_segment, without_agreed_terms
from test_protection import RewriteBackend

from fakes import LeadBackend

SOURCE = "Selon le Département d'État, le Conseil des 27 a reçu le CNSP."
TRANSLATION = "According to the State Department, the EU Council received the CNSP."
TERMS = [("Département d'État", "State Department"), ("Conseil des 27", "EU Council")]


def test_a_glossary_term_satisfies_the_number_and_name_checks() -> None:
    plain = check_segment(SOURCE, TRANSLATION, "fr", "en")
    assert [(f.kind, f.text) for f in plain] == [("number_missing", "27")]
    assert check_segment(SOURCE, TRANSLATION, "fr", "en", glossary=TERMS) == []
    back = check_segment("The MPs met the minister.", "Les députés ont vu le ministre.", "en", "fr")
    assert [(f.kind, f.text) for f in back] == [("name_missing", "MPs")]
    assert (
        check_segment(
            "The MPs met the minister.",
            "Les députés ont vu le ministre.",
            "en",
            "fr",
            glossary=[("MPs", "députés")],
        )
        == []
    )


def test_only_pairs_present_in_both_texts_are_taken_out() -> None:
    assert without_agreed_terms(SOURCE, TRANSLATION, [("CNSP", "junta")]) == (SOURCE, TRANSLATION)
    src, tgt = without_agreed_terms(SOURCE, TRANSLATION, TERMS)
    assert "27" not in src and "État" not in src and "State" not in tgt


def test_an_untranslated_finding_quotes_the_translation_as_written() -> None:
    (finding,) = check_segment(
        "Le CNSP et le gouvernement de la transition ont parlé.",
        "Le CNSP et le gouvernement de la transition ont parlé.",
        "fr",
        "en",
        glossary=[("CNSP", "CNSP")],
    )
    assert finding.kind == "untranslated" and finding.text.startswith("Le CNSP et")


def test_the_translator_passes_the_terms_it_enforced_to_the_checks() -> None:
    options = TranslationOptions(num_beams=1)
    english = "According to the [1], the [2] received the [3]."
    translator = Translator("fr", "en", backend=RewriteBackend(lambda t: english), options=options)
    result = translator.translate(SOURCE, glossary={**dict(TERMS), "CNSP": "CNSP"})
    assert result.text == TRANSLATION and result.segments[0].findings == ()
    assert result.warnings == ()


def test_the_summary_translated_back_is_not_flagged_for_its_glossary_terms() -> None:
    to_en = {"Les [1] ont vu le ministre.": "The [1] met the minister.", "Il a parlé.": "He spoke."}
    to_fr = {english: french for french, english in to_en.items()}
    digester = Digester(
        Translator("fr", "en", backend=RewriteBackend(lambda t: to_en.get(t, t))),
        Translator("en", "fr", backend=RewriteBackend(lambda t: to_fr.get(t, t))),
        Summarizer(backend=LeadBackend()),
        glossary={"députés": "MPs"},
    )
    result = digester.digest("Les députés ont vu le ministre. Il a parlé.", "fr")
    assert result.translation.text == "The MPs met the minister. He spoke."
    assert result.summary_fr == "Les députés ont vu le ministre. Il a parlé."  # reversed
    assert result.warnings == ("Summary: The text is too short to summarise (2 sentences): "
                               "the summary is the text itself.",)  # fmt: skip
