"""Glossaries: finding terms, directions, the files, and the errors for bad ones."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from bilingual_digest import Glossary, GlossaryError
from bilingual_digest.glossary import Entry, as_glossary, combine, default_glossary
from bilingual_digest.languages import register_language, register_pair, reset_registry

NIGER = {
    "Conseil national pour la sauvegarde de la patrie": (
        "National Council for the Safeguard of the Homeland"
    ),
    "Conseil national": "National Council",
    "Département d'État": "State Department",
    "CNSP": "CNSP",
    "casque bleu": "blue helmet",
    "cœur": "heart",
}


def found(glossary: Glossary, text: str, source: str = "fr", target: str = "en") -> list:
    return [(m.text, m.replacement) for m in glossary.for_pair(source, target).find(text)]


# --- finding terms ---------------------------------------------------------------------------


def test_case_insensitive_whole_words_with_elisions() -> None:
    g = Glossary.from_dict(NIGER)
    assert found(g, "Selon le département d’Etat, l'État et le CNSP's chef.") == [
        ("département d’Etat", "State Department"),
        ("CNSP", "CNSP"),
    ]
    assert found(g, "La CNSPE et le anti-CNSP et le CNSP-Niger.") == []  # whole words only
    assert found(g, "Le discours d'État") == []  # "État" alone is not an entry


def test_longest_entry_first_and_overlaps() -> None:
    g = Glossary.from_dict(NIGER)
    text = "Le Conseil national pour la sauvegarde de la patrie et le Conseil  national."
    assert found(g, text) == [
        ("Conseil national pour la sauvegarde de la patrie", NIGER[next(iter(NIGER))]),
        ("Conseil  national", "National Council"),  # any run of spaces
    ]
    overlapping = Glossary.from_dict({"sauvegarde de la": "X", "la patrie": "Y"})
    assert found(overlapping, "la sauvegarde de la patrie") == [("sauvegarde de la", "X")]


def test_accents_ligatures_and_case_of_the_text() -> None:
    g = Glossary.from_dict({"État": "State", "Etats-Unis": "United States", **NIGER})
    assert found(g, "ETAT, Etat, État, état, etat.") == [
        ("ETAT", "STATE"), ("Etat", "State"), ("État", "State"), ("état", "State")
    ]  # fmt: skip
    assert found(g, "Les États-Unis et les Etats-Unis.") == [
        ("États-Unis", "United States"), ("Etats-Unis", "United States")
    ]  # fmt: skip
    assert found(g, "Casque bleu. Un coeur, un CŒUR.") == [
        ("Casque bleu", "Blue helmet"), ("coeur", "heart"), ("CŒUR", "HEART")
    ]  # fmt: skip
    assert found(Glossary.from_dict({"marché": "market"}), "Il marche.") == []


def test_directions_reverse_and_binding() -> None:
    g = Glossary(
        [
            Entry("Département d'État", "State Department", pair="fr-en"),
            Entry("Département d'Etat", "State Department", pair="fr-en"),
            Entry("chef", "leader", pair="fr-en"),
            Entry("leader", "dirigeant", pair="en-fr"),
        ]
    )
    assert found(g, "the State Department leader", "en", "fr") == [
        ("State Department", "Département d'État"),  # reversed: the first source wins
        ("leader", "dirigeant"),  # the pair's own entry wins over a reversed one
    ]
    loose = Glossary.from_dict({"CNSP": "CNSP", "chef": "leader"})
    assert found(loose, "the leader", "en", "fr") == []  # no pair: used as is
    bound = loose.bound("fr", "en")
    assert {e.pair for e in bound} == {"fr-en"}
    assert found(bound, "the leader", "en", "fr") == [("leader", "chef")]


def test_merge_keeps_the_later_entries() -> None:
    base = Glossary.from_dict({"CNSP": "CNSP", "chef": "chief"})
    call = Glossary.from_dict({"chef": "leader"})
    assert [(e.source, e.target) for e in base.merged(call)] == [
        ("CNSP", "CNSP"), ("chef", "leader")
    ]  # fmt: skip
    assert combine(base, None) is base and combine(None, {"a": "b"}) == Glossary.from_dict(
        {"a": "b"}
    )


def test_glossary_pickles_and_compares() -> None:
    g = Glossary.from_dict(NIGER, pair="fr-en")
    g.for_pair("fr", "en")
    again = pickle.loads(pickle.dumps(g))
    assert again == g and found(again, "Le CNSP") == [("CNSP", "CNSP")]


# --- bad glossaries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"": "x"}, "the glossary, entry '': the source term is empty."),
        (
            {"CNSP": " "},
            "the glossary, entry 'CNSP': the target term is empty (to keep a term as it is, "
            "give the term itself as its target).",
        ),
        ({"...": "x"}, "the glossary, entry '...': the source term '...' has no letter or digit."),
        ({"a\nb": "x"}, "the glossary, entry 'a\\nb': the source term 'a\\nb' holds a line break"),
        ({"CNSP": 3}, "the glossary, entry 'CNSP': terms must be text, got int."),
    ],
)
def test_bad_entries_are_named(terms: dict, message: str) -> None:
    with pytest.raises(GlossaryError) as err:
        Glossary.from_dict(terms)
    assert str(err.value).startswith(message)


def test_duplicate_and_conflicting_entries() -> None:
    with pytest.raises(GlossaryError, match=r"'cnsp' is a duplicate of t.tsv, line 2"):
        Glossary([Entry("CNSP", "CNSP", origin="t.tsv, line 2"), Entry("cnsp", "CNSP")], name="t")
    with pytest.raises(GlossaryError) as err:
        Glossary(
            [
                Entry("chef", "chief", origin="t.tsv, line 2"),
                Entry("Chef", "leader", origin="t.tsv, line 5"),
            ]
        )
    assert str(err.value) == (
        "t.tsv, line 5: 'Chef' → 'leader' conflicts with t.tsv, line 2 ('chef' → 'chief'); "
        "keep one target per term and direction."
    )
    # the same term in two directions is no conflict
    Glossary([Entry("chef", "chief", pair="fr-en"), Entry("chef", "chef", pair="en-fr")])


def test_too_many_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bilingual_digest.glossary.MAX_ENTRIES", 2)
    with pytest.raises(GlossaryError, match=r"^big.tsv has more than 2 entries; split it"):
        Glossary.from_dict({"a": "b", "c": "d", "e": "f"}, name="big.tsv")


def test_pair_must_be_registered() -> None:
    with pytest.raises(GlossaryError) as err:
        Glossary.from_dict({"Haus": "house"}, pair="de-en")
    assert "the language pair 'de-en' is not registered; registered pairs: fr→en, en→fr" in str(
        err.value
    )


def test_a_registered_pair_is_accepted(tmp_path: Path) -> None:
    try:
        register_language({"code": "de", "name": "German", "native_name": "Deutsch"})
        register_pair({"source": "de", "target": "en", "model": str(tmp_path)})
        assert found(Glossary.from_dict({"Haus": "house"}, pair="de-en"), "Das Haus", "de") == [
            ("Haus", "house")
        ]
    finally:
        reset_registry()


def test_as_glossary_accepts_three_forms(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("source\ttarget\nCNSP\tCNSP\n", encoding="utf-8")
    expected = [("CNSP", "CNSP")]
    for value in (Glossary.from_dict({"CNSP": "CNSP"}), {"CNSP": "CNSP"}, path, str(path)):
        assert [(e.source, e.target) for e in as_glossary(value)] == expected
    assert as_glossary(None) is None
    with pytest.raises(GlossaryError, match="got list"):
        as_glossary([("CNSP", "CNSP")])  # type: ignore[arg-type]


# --- files -----------------------------------------------------------------------------------

TSV = (
    "source\ttarget\tnote\tpair\n"
    "Conseil national pour la sauvegarde de la patrie\tNational Council for the Safeguard of "
    "the Homeland\tthe junta\tfr-en\n"
    "\n"
    "CNSP\tCNSP\tkeep as is\t\n"
    "State Department\tDépartement d'État\t\ten-fr\n"
)


def test_tsv_file(tmp_path: Path) -> None:
    path = tmp_path / "niger.tsv"
    path.write_text(TSV, encoding="utf-8")
    g = Glossary.load(path)
    assert g.name == "niger.tsv" and len(g) == 3
    assert g.rows()[0]["note"] == "the junta" and g.rows()[1]["pair"] == ""
    assert [e.origin for e in g] == ["niger.tsv, line 2", "niger.tsv, line 4", "niger.tsv, line 5"]
    assert Glossary.load(path, pair="fr-en").rows()[1]["pair"] == "fr-en"


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_files_with_commas_or_semicolons_quotes_and_extra_columns(
    tmp_path: Path, delimiter: str
) -> None:
    d = delimiter
    path = tmp_path / "g.csv"
    path.write_text(
        f'Target{d}Source{d}domain\n"Safeguard{d} Homeland"{d}sauvegarde{d}x\nCNSP{d}CNSP\n',
        encoding="utf-8-sig",
    )
    assert [(e.source, e.target) for e in Glossary.load(path)] == [
        ("sauvegarde", f"Safeguard{d} Homeland"),
        ("CNSP", "CNSP"),
    ]


def test_utf16_with_bom_as_spreadsheets_save_it(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_bytes("source\ttarget\nÉtat\tState\n".encode("utf-16"))
    assert found(Glossary.load(path), "L'État") == [("État", "State")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "source\ttarget\nÉtat\tState\n".encode("cp1252"),
            "The glossary file 'g.tsv' is not UTF-8 text (byte 0xc9 on line 2): save it as "
            'UTF-8 (spreadsheets: "CSV UTF-8" or "Unicode text").',
        ),
        (
            b"term\ttranslation\nCNSP\tCNSP\n",
            "g.tsv: the first row must name the columns source and target (optional: note, "
            "pair), separated by tabs, commas or semicolons; it reads 'term\\ttranslation'.",
        ),
        (b"source\ttarget\n\n", "The glossary 'g.tsv' holds no entries."),
        (b"source\ttarget\nCNSP\n", "g.tsv, line 2: the target term is empty"),
        (b"source\ttarget\tsource\nCNSP\tCNSP\tx\n", "g.tsv: the column 'source' is named twice."),
        (
            b"source\ttarget\tpair\nHaus\thouse\tde-en\n",
            "g.tsv, line 2: the language pair 'de-en' is not registered",
        ),
        (
            b"source\ttarget\nchef\tchief\nCNSP\tCNSP\nchef\tleader\n",
            "g.tsv, line 4: 'chef' → 'leader' conflicts with g.tsv, line 2 ('chef' → 'chief')",
        ),
        (b"\x00\x01\x02", "The glossary file 'g.tsv' looks like a binary file"),
    ],
)
def test_bad_files_get_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "g.tsv"
    path.write_bytes(content)
    with pytest.raises(GlossaryError) as err:
        Glossary.load(path)
    assert str(err.value).startswith(message)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match=r"Can't read the glossary file '.*nope.tsv': No such"):
        as_glossary(tmp_path / "nope.tsv")


TBX2 = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="fr">
 <martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
 <text><body>
  <termEntry id="cnsp">
   <descrip type="definition">The junta of Niger</descrip>
   <langSet xml:lang="fr-FR"><ntig><termGrp><term>Conseil national pour la sauvegarde de la
    patrie</term></termGrp></ntig><tig><term>CNSP</term></tig></langSet>
   <langSet xml:lang="en"><tig><term>National Council for the Safeguard of the Homeland</term>
   </tig></langSet>
   <langSet xml:lang="cs"><tig><term>Národní rada</term></tig></langSet>
  </termEntry>
  <termEntry id="state">
   <langSet xml:lang="en">
    <tig><term>Department of State</term>
     <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
    <tig><term>State Department</term></tig>
   </langSet>
   <langSet xml:lang="fr"><tig><term>Département d'État</term></tig></langSet>
  </termEntry>
 </body></text>
</martif>
"""

TBX3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx style="dca" type="TBX-Basic" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
 <tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
 <text><body>
  <conceptEntry id="c1">
   <langSec xml:lang="fr"><termSec><term>casque bleu</term></termSec></langSec>
   <langSec xml:lang="en"><termSec><term>blue helmet</term></termSec></langSec>
  </conceptEntry>
 </body></text>
</tbx>
"""


def test_tbx_v2_synonyms_notes_and_deprecated_terms(tmp_path: Path) -> None:
    path = tmp_path / "niger.tbx"
    path.write_text(TBX2, encoding="utf-8")
    rows = Glossary.load(path).rows()
    junta = "National Council for the Safeguard of the Homeland"
    assert [(r["source"], r["target"], r["pair"]) for r in rows] == [
        ("Conseil national pour la sauvegarde de la patrie", junta, "fr-en"),
        ("CNSP", junta, "fr-en"),
        (junta, "Conseil national pour la sauvegarde de la patrie", "en-fr"),
        ("Département d'État", "State Department", "fr-en"),  # not the deprecated term
        ("Department of State", "Département d'État", "en-fr"),
        ("State Department", "Département d'État", "en-fr"),
    ]
    assert rows[0]["note"] == "The junta of Niger"


def test_tbx_v3(tmp_path: Path) -> None:
    assert found(Glossary.parse(TBX3, name="t.tbx"), "Un casque bleu") == [
        ("casque bleu", "blue helmet")
    ]


def test_bad_tbx(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match=r"t.tbx is not well-formed TBX/XML \(line 1, column"):
        Glossary.parse("<martif><text>", name="t.tbx")
    with pytest.raises(GlossaryError, match=r"root element is <martif>.*not <html>"):
        Glossary.parse("<html/>", name="t.tbx")
    with pytest.raises(GlossaryError, match="holds no <term> with a registered language"):
        Glossary.parse(TBX3.replace('"fr"', '"cs"').replace('"en"', '"de"'), name="t.tbx")


def test_environment_variable_names_the_default_glossary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert default_glossary() is None
    path = tmp_path / "g.tsv"
    path.write_text("source\ttarget\nCNSP\tCNSP\n", encoding="utf-8")
    monkeypatch.setenv("BILINGUAL_DIGEST_GLOSSARY", str(path))
    assert len(default_glossary()) == 1
    path.write_text("source\ttarget\nCNSP\tCNSP\nchef\tleader\n", encoding="utf-8")
    assert len(default_glossary()) == 2  # a changed file is read again
    path.write_text("source\ttarget\nCNSP\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"^BILINGUAL_DIGEST_GLOSSARY: g.tsv, line 2: the"):
        default_glossary()
