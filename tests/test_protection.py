"""Protected text and glossary terms come back exactly, whatever the model does with them."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from bilingual_digest import (
    Digester,
    Glossary,
    GlossaryError,
    Summarizer,
    TranslationOptions,
    Translator,
    digest,
    translate,
)
from bilingual_digest.backends import Generated
from bilingual_digest.options import GenerationOptions
from bilingual_digest.placeholders import ProtectStep
from bilingual_digest.protected import protected_spans
from bilingual_digest.segment import non_blank_offsets, segment

from fakes import LeadBackend, UpperBackend

JUNTA = "National Council for the Safeguard of the Homeland"
NIGER = {
    "Conseil national pour la sauvegarde de la patrie": JUNTA,
    "CNSP": "CNSP",
    "Département d'État": "State Department",
}


class RewriteBackend(UpperBackend):
    """A "model" whose output is ``rewrite(input)``: it drops, glues or invents placeholders."""

    def __init__(self, rewrite: Callable[[str], str]) -> None:
        super().__init__()
        self.rewrite = rewrite

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        self.calls.append(list(texts))
        return [Generated(self.rewrite(t), self.count_tokens(t)) for t in texts]


NO_CHECKS = TranslationOptions(checks=False)  # an upper-cased copy reads as "untranslated"


def fake(rewrite: Callable[[str], str] = str.upper, **kwargs: object) -> Translator:
    return Translator("fr", "en", backend=RewriteBackend(rewrite), options=NO_CHECKS, **kwargs)


# --- what is protected ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Voir https://fr.wikipedia.org/wiki/Niamey_(ville), puis www.lemonde.fr/a.",
            [("url", "https://fr.wikipedia.org/wiki/Niamey_(ville)"), ("url", "www.lemonde.fr/a")],
        ),
        ("Selon Figaro.fr et le président.Il a dit", [("url", "Figaro.fr")]),
        ("Écrire à jean.dupont@gouv.ne.", [("email", "jean.dupont@gouv.ne")]),
        (
            "Suivez @AFPfr, @user@mastodon.social et #Niger2024 (pas #1 ni &#160;).",
            [("handle", "@AFPfr"), ("handle", "@user@mastodon.social"), ("hashtag", "#Niger2024")],
        ),
        (
            "Tapez `pip install x` ou ``a ` b``.",
            [("code", "`pip install x`"), ("code", "``a ` b``")],
        ),
        ("Comme l'a dit [3] et [ 12 ].", [("marker", "[3]"), ("marker", "[ 12 ]")]),
    ],
)
def test_protected_spans(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(span.kind, span.text) for span in protected_spans(text)] == expected


# --- the step, with fake models --------------------------------------------------------------


def test_protected_text_comes_back_byte_for_byte() -> None:
    text = "Voir https://Example.com/Path?a=B&c=d, écrire à Jean@Example.fr ou à @AFPfr #Niger."
    translator = fake()
    result = translator.translate(text)
    assert translator.backend.seen == ["Voir [1], écrire à [2] ou à [3] [4]."]
    assert result.text == (
        "VOIR https://Example.com/Path?a=B&c=d, ÉCRIRE À Jean@Example.fr OU À @AFPfr #Niger."
    )
    assert result.segments[0].source == text and result.segments[0].findings == ()


def test_a_lost_span_is_put_back_next_to_its_neighbour_and_flagged() -> None:
    translator = fake(lambda t: t.upper().replace(" [2]", ""))
    result = translator.translate("Voir https://a.fr et https://b.fr ou https://c.fr.")
    assert result.text == "VOIR https://a.fr ET https://b.fr OU https://c.fr."
    (finding,) = result.segments[0].findings
    assert (finding.kind, finding.text, finding.segment) == ("protected_lost", "https://b.fr", 0)
    assert result.warnings == (
        'Sentence 1: The model dropped the URL "https://b.fr"; it was put back where it most '
        "likely belongs: check its place.",
    )


def test_when_every_placeholder_is_lost_each_goes_back_in_order_at_its_place() -> None:
    translator = fake(lambda t: re.sub(r"\[\d+\] ?", "", t).upper())
    result = translator.translate("Un https://a.fr deux trois quatre cinq six https://b.fr sept.")
    assert result.text == "UN https://a.fr DEUX TROIS QUATRE CINQ SIX https://b.fr SEPT."
    assert [f.kind for f in result.segments[0].findings] == ["protected_lost"] * 2


@pytest.mark.parametrize(
    ("rewrite", "expected"),
    [
        (lambda t: t.replace(" [1]", "[1]"), "Voir https://a.fr maintenant."),  # glued
        (lambda t: t.replace("[1]", "[ 1 ]"), "Voir https://a.fr maintenant."),  # spaced
        (lambda t: t.replace("[1]", "[1] [1]"), "Voir https://a.fr https://a.fr maintenant."),
        (lambda t: t + " [7]", "Voir https://a.fr maintenant."),  # made up: removed
        (lambda t: "Bla bla.", "https://a.fr"),  # nothing else to translate: kept as is
    ],
)
def test_what_the_model_does_to_a_placeholder_is_mended(
    rewrite: Callable[[str], str], expected: str
) -> None:
    text = "https://a.fr" if expected == "https://a.fr" else "Voir https://a.fr maintenant."
    result = fake(rewrite).translate(text)
    assert result.text == expected and result.segments[0].findings == ()


def test_no_sentence_boundary_inside_protected_text_or_a_term() -> None:
    text = (
        "Voir https://lemonde.fr/le-president.Il-a-dit.html. Selon M. Bazoum, "
        "écrire à jean.dupont@gouv.ne. Fin."
    )
    plain = [p.text for p in segment(text, "fr")]
    assert plain[0] == "Voir https://lemonde.fr/le-president."  # sentencex cuts at the dot
    translator = fake(glossary={"M. Bazoum": "Mr Bazoum"})
    result = translator.translate(text)
    assert [s.source for s in result.segments] == [
        "Voir https://lemonde.fr/le-president.Il-a-dit.html.",
        "Selon M. Bazoum, écrire à jean.dupont@gouv.ne.",
        "Fin.",
    ]
    assert result.text == (
        "VOIR https://lemonde.fr/le-president.Il-a-dit.html. SELON Mr Bazoum, ÉCRIRE À "
        "jean.dupont@gouv.ne. FIN."
    )


def test_placeholder_like_text_in_the_source_is_kept_not_confused() -> None:
    translator = fake(lambda t: t.replace(" [2]", "").upper())
    result = translator.translate("Selon [2] et https://a.fr.")
    assert translator.backend.seen == ["Selon [1] et [2]."]
    assert result.text == "SELON [2] ET https://a.fr."


# --- glossaries, with fake models ------------------------------------------------------------


def test_glossary_terms_are_enforced_in_the_texts_case() -> None:
    translator = fake(glossary=NIGER)
    text = "Le conseil national pour la sauvegarde de la patrie (CNSP) et le Département d’Etat."
    result = translator.translate(text)
    assert translator.backend.seen == ["Le [1] ([2]) et le [3]."]
    assert result.text == f"LE {JUNTA} (CNSP) ET LE State Department."


def test_the_readme_glossary_on_the_seed_article(seed_article: str) -> None:
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    translator = fake(glossary=seeds / "glossary.tsv")
    result = translator.translate(seed_article)
    assert result.text.count(JUNTA) == 1 and result.text.count("US Africa Command") == 2  # ' and ’
    assert "SELON LE State Department AMÉRICAIN" in result.text
    assert result.text.count("CNSP") == seed_article.count("CNSP")


def test_an_entry_inside_a_protected_span_is_left_alone() -> None:
    translator = fake(glossary={"CNSP": "Junta", "patrie": "homeland"})
    text = "Le CNSP écrit sur https://cnsp.ne/CNSP/patrie et @CNSP_Niger pour la patrie."
    result = translator.translate(text)
    assert translator.backend.seen == ["Le [1] écrit sur [2] et [3] pour la [4]."]
    assert (
        result.text
        == "LE Junta ÉCRIT SUR https://cnsp.ne/CNSP/patrie ET @CNSP_Niger POUR LA homeland."
    )


def test_a_lost_glossary_term_is_put_back_and_flagged() -> None:
    translator = fake(lambda t: t.replace(" [1]", "").upper(), glossary=NIGER)
    result = translator.translate("Selon le Département d'État, le CNSP a parlé.")
    assert result.text == "SELON LE State Department, LE CNSP A PARLÉ."
    assert [(f.kind, f.text) for f in result.segments[0].findings] == [
        ("glossary_lost", "State Department")
    ]
    assert result.warnings[0] == (
        'Sentence 1: The model dropped the glossary term "State Department" (for "Département '
        "d'État\"); it was put back where it most likely belongs: check its place."
    )


def test_per_call_glossary_adds_to_the_translators_own() -> None:
    translator = fake(glossary={"CNSP": "CNSP", "chef": "chief"})
    assert translator.translate("Le chef du CNSP.", glossary={"chef": "leader"}).text == (
        "LE leader DU CNSP."
    )
    assert translator.translate("Le chef du CNSP.").text == "LE chief DU CNSP."
    assert fake(glossary={}).translate("Le chef du CNSP.").text == "LE CHEF DU CNSP."


def test_translator_reads_the_environment_at_each_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("source\ttarget\nchef\tleader\n", encoding="utf-8")
    translator = fake()
    monkeypatch.setenv("BILINGUAL_DIGEST_GLOSSARY", str(path))
    assert translator.translate("Le chef.").text == "LE leader."
    path.write_text("source\ttarget\nchef\tboss\n", encoding="utf-8")
    assert translator.translate("Le chef.").text == "LE boss."
    monkeypatch.setenv("BILINGUAL_DIGEST_GLOSSARY", str(tmp_path / "missing.tsv"))
    with pytest.raises(GlossaryError, match=r"^BILINGUAL_DIGEST_GLOSSARY: Can't read"):
        translator.translate("Le chef.")


def test_digest_uses_the_glossary_in_the_summary_both_ways() -> None:
    """A French article: its English summary is translated back with the entries reversed."""
    digester = Digester(
        Translator("fr", "en", backend=UpperBackend()),
        Translator("en", "fr", backend=RewriteBackend(str.lower)),
        Summarizer(backend=LeadBackend()),
        glossary=NIGER,
    )
    article = (
        "Le Conseil national pour la sauvegarde de la patrie a reçu le Département d'État. "
        "Il a parlé."
    )
    result = digester.digest(article, "fr")  # two sentences: the summary is the text itself
    assert result.translation.text == f"LE {JUNTA} A REÇU LE State Department. IL A PARLÉ."
    assert result.summary_en == result.translation.text
    assert result.summary_fr == (
        "le Conseil national pour la sauvegarde de la patrie a reçu le Département d'État. "
        "il a parlé."
    )
    plain = digester.digest(article, "fr", glossary={"parlé": "spoken"})
    assert plain.translation.text.endswith("IL A spoken.")


# --- the real code path, on tiny models (their output is noise) --------------------------------

GREEDY = TranslationOptions(num_beams=1, max_new_tokens=16, batch_size=4)


def _covered(text: str, segments) -> None:
    offsets = [i for s in segments for i in range(s.start, s.end) if not text[i].isspace()]
    assert offsets == non_blank_offsets(text)  # every character once, in order
    assert all(text[s.start : s.end] == s.source for s in segments)


def test_twenty_urls_in_one_sentence_come_back_in_order(marian_fr_en: Path) -> None:
    urls = [f"https://exemple{i}.fr/page?id={i * 7}&lang=fr" for i in range(20)]
    text = "Les liens sont " + ", ".join(urls) + " et voilà."
    translator = Translator("fr", model=str(marian_fr_en), backend="torch", options=GREEDY)
    result = translator.translate(text)
    positions = [result.text.find(url) for url in urls]
    assert -1 not in positions and positions == sorted(positions)
    assert all(result.text.count(url) == 1 for url in urls)
    _covered(text, result.segments)


def test_glossary_terms_and_spans_survive_a_noisy_model(
    marian_fr_en: Path, seed_article: str
) -> None:
    text = (
        "Les responsables du Conseil national pour la sauvegarde de la patrie (CNSP) ont reçu "
        "l'ambassadrice, selon le Département d'État.\n"
        + "\n".join(seed_article.splitlines()[4:7])
        + "\nÉcrivez à contact@cnsp.ne ou suivez @CNSP_Niger sur https://x.com."
    )
    translator = Translator("fr", model=str(marian_fr_en), backend="torch", options=GREEDY)
    with_terms = translator.translate(text, glossary=NIGER)
    without = translator.translate(text, glossary={})
    _covered(text, with_terms.segments)
    step = ProtectStep(Glossary.from_dict(NIGER).for_pair("fr", "en"))
    with_glossary = 0
    for seg, plain in zip(with_terms.segments, without.segments, strict=True):
        assert seg.source == plain.source  # the same sentences
        restorer = step.prepare(seg.source)[1]
        slots = list(restorer.slots.values()) if restorer else []
        positions, cursor = [], 0
        for slot in slots:  # what the placeholders stand for, in order
            cursor = seg.translation.find(slot.text, cursor)
            positions.append(cursor)
            cursor += len(slot.text)
        assert -1 not in positions, (seg.translation, slots)
        if any(slot.kind == "glossary" for slot in slots):
            with_glossary += 1
            assert seg.translation != plain.translation
        else:
            assert seg.translation == plain.translation  # only glossary sentences differ
    assert with_glossary == 2


def test_translate_and_digest_functions_take_a_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bilingual_digest.translation as translation_module

    digest_module = sys.modules["bilingual_digest.digest"]  # the package's `digest` is a function

    upper = {pair: fake() for pair in (("fr", "en"), ("en", "fr"))}
    upper[("en", "fr")].source, upper[("en", "fr")].target = "en", "fr"
    monkeypatch.setattr(translation_module, "default_translator", lambda s, t: upper[(s, t)])
    digester = Digester(*upper.values(), Summarizer(backend=LeadBackend()))
    monkeypatch.setattr(digest_module, "default_digester", lambda: digester)
    path = tmp_path / "niger.tsv"
    path.write_text("source\ttarget\nchef\tleader\n", encoding="utf-8")
    monkeypatch.setenv("BILINGUAL_DIGEST_GLOSSARY", str(path))
    text = "Le chef du CNSP est à Niamey."
    assert translate(text, source="fr") == "LE leader DU CNSP EST À NIAMEY."
    assert translate([text], source="fr", glossary={"Niamey": "Niamey (Niger)"}) == [
        "LE leader DU CNSP EST À Niamey (Niger)."
    ]
    result = digest(text, "fr", glossary={"CNSP": "junta"})
    assert result.translation.text == "LE leader DU junta EST À NIAMEY."
    assert result.summary_fr == "LE chef DU CNSP EST À NIAMEY."  # reversed, then upper-cased
