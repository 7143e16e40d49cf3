"""Reading the names of a text: capitalised words, acronyms, and the runs they form.

:func:`name_tokens` cuts a text into words, each classified (an acronym, a capitalised
word, an initial, a lower-case word …) and marked when it opens a sentence;
:func:`name_groups` joins runs of capitalised words across connectors into names
("Kathleen Fitz Gibbon", "Département d'État"). The word lists come from the two
languages' check tables, merged by :func:`pair_tables`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .language_tables import Tables, lexicon_form
from .text import fold

__all__ = [
    "NameToken",
    "PairTables",
    "joinable",
    "looks_like_title",
    "name_groups",
    "name_tokens",
    "pair_tables",
]

# Particles of personal names, whatever the text's language ("Ludwig van Beethoven").
_NAME_PARTICLES = frozenset(
    ("von", "van", "der", "den", "di", "da", "do", "dos", "del", "della", "al", "el", "ben",
     "bin", "ibn", "y")
)  # fmt: skip
_NAME_TOKEN_RE = re.compile(r"(?P<dotted>(?:[A-Z]\.){2,})|(?P<word>\w+(?:['’\-]\w+)*)")
_BOUNDARY_CHARS = frozenset('.!?…:;«"“(\n')
_ROMAN_RE = re.compile(r"[IVX]+")
_ROMAN_ORDINAL_RE = re.compile(r"[IVXLC]+(?:eme|ème|e|er|re)")


@dataclass(frozen=True, eq=False)
class PairTables:
    """What the names check reads from the two languages' tables."""

    source: Tables
    target: Tables
    stopwords: frozenset[str]  # capitalised words that are never names, either language
    translatable: frozenset[str]  # institutional words, titles: they translate
    connectors: frozenset[str]  # lower-case words allowed inside a name
    abbreviations: frozenset[str]  # "M.", "Dr.": the period ends no sentence
    elision: re.Pattern[str] | None  # "l'", "d'", "qu'" glued to a word


@functools.lru_cache(maxsize=16)
def pair_tables(source: Tables, target: Tables) -> PairTables:
    """The names check's view of a language pair's tables."""
    elisions = sorted(source.elisions | target.elisions, key=lambda e: (-len(e), e))
    elision = (
        re.compile(rf"^(?:{'|'.join(map(re.escape, elisions))})['’](?=\w)", re.IGNORECASE)
        if elisions
        else None
    )
    return PairTables(
        source=source,
        target=target,
        stopwords=source.name_stopwords | target.name_stopwords,
        translatable=source.translatable_words | target.translatable_words,
        connectors=source.name_connectors | target.name_connectors | _NAME_PARTICLES,
        abbreviations=source.title_abbreviations | target.title_abbreviations,
        elision=elision,
    )


@dataclass
class NameToken:
    core: str  # the word without elision ("l'") or possessive ("'s")
    start: int  # start of the core
    end: int
    kind: str  # "acronym", "cap", "initial", "lower" or "other"
    initial: bool  # first word of a sentence (or of a quotation)


def _classify(core: str, tables: PairTables, *, alone: bool = True) -> tuple[str, str]:
    letters = [c for c in core if c.isalpha()]
    if not letters:
        return "other", core
    upper = sum(c.isupper() for c in letters)
    lower = sum(c.islower() for c in letters)
    if len(letters) == 1 and upper == 1:
        return "initial", core
    if _ROMAN_ORDINAL_RE.fullmatch(core):  # "XXIe" is a number, not a name
        return "other", core
    if upper >= 2 and (lower == 0 or (lower == 1 and core.endswith("s"))):
        base = core[:-1] if lower else core
        if len(base) >= 4 and lexicon_form(base) in tables.source.common_words:
            return "other", core  # a word in capitals ("ETUDE", "MURS"), not an acronym
        if len(letters) <= 9 and not _ROMAN_RE.fullmatch(base):
            return "acronym", base
        return "other", core
    if (
        alone
        and len(letters) <= 3
        and core[0].isupper()
        and lexicon_form(core) not in tables.source.common_words
        and fold(core) not in tables.stopwords
    ):
        return "acronym", core.upper()  # "Usa", "Ue": an acronym written as a word
    if _ROMAN_ORDINAL_RE.fullmatch(core):  # "XXIe" is a number, not a name
        return "other", core
    if core[0].isupper() and lower:
        return "cap", core
    return ("lower" if lower else "other"), core


def name_tokens(text: str, tables: PairTables) -> list[NameToken]:
    tokens: list[NameToken] = []
    prev_end = 0
    prev_core = ""
    for m in _NAME_TOKEN_RE.finditer(text):
        gap = text[prev_end : m.start()]
        boundary = not tokens or any(c in _BOUNDARY_CHARS and c != "." for c in gap)
        if "." in gap and not boundary:
            boundary = not (len(prev_core) == 1 or fold(prev_core) in tables.abbreviations)
        prev_end = m.end()
        if m.group("dotted"):
            core = m.group().replace(".", "")
            tokens.append(NameToken(core, m.start(), m.end(), "acronym", boundary))
            prev_core = core
            continue
        word, start = m.group(), m.start()
        elision = tables.elision.match(word) if tables.elision else None
        if elision:
            word, start = word[elision.end() :], start + elision.end()
        # Possessives and English clitics: "Ryder's", "I'm", "We're", "don't".
        word = re.sub(r"(?:['’](?:s|m|re|ve|ll|d)|n['’]t)$", "", word)
        # "Rhénanie-Palatinat", "Jean-Marie", "Bonn-based", "Mondial-2010": each part on its
        # own (a lower-case part is then a lower-case word).
        split = "-" in word and word[:1].isupper()
        for part in re.finditer(r"[^-]+", word) if split else [None]:
            piece = part.group() if part else word
            at = start + (part.start() if part else 0)
            kind, core = _classify(piece, tables, alone=not split)
            tokens.append(NameToken(core, at, at + len(piece), kind, boundary and at == start))
        prev_core = word
    return tokens


def joinable(text: str, left: NameToken, right: NameToken, tables: PairTables) -> bool:
    gap = text[left.end : right.start]
    if "\n" in gap:
        return False
    stripped = gap.strip()
    if not stripped:
        return True
    # "Kurt M. Campbell", and an elided article glued to the next word ("d'État").
    if stripped == "." and (left.kind == "initial" or fold(left.core) in tables.abbreviations):
        return True
    return re.fullmatch(r"(?i)(?:l|d|qu)['’]", stripped) is not None


def name_groups(text: str, tokens: list[NameToken], tables: PairTables) -> list[list[NameToken]]:
    """Runs of capitalised words (with connectors between them) forming one name."""
    groups: list[list[NameToken]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].kind not in ("cap", "initial"):
            i += 1
            continue
        members = [tokens[i]]
        j = i + 1
        while j < len(tokens):
            if not joinable(text, tokens[j - 1], tokens[j], tables):
                break
            if tokens[j].kind in ("cap", "initial"):
                members.append(tokens[j])
                j += 1
                continue
            k = j
            while (
                k < len(tokens)
                and tokens[k].kind == "lower"
                and fold(tokens[k].core) in tables.connectors
                and joinable(text, tokens[k - 1], tokens[k], tables)
            ):
                k += 1
            if (
                k > j
                and k < len(tokens)
                and tokens[k].kind == "cap"
                and joinable(text, tokens[k - 1], tokens[k], tables)
            ):
                members.extend(tokens[j : k + 1])
                j = k + 1
                continue
            break
        groups.append(members)
        i = j
    return groups


def looks_like_title(tokens: list[NameToken], tables: PairTables | None = None) -> bool:
    """A headline in Title Case or in capitals, where capitals say nothing about names.

    With the tables, a text with a lower-case word that is neither a function word nor a
    connector ("Lives remembered: Vernon Handley and William Woodruff") is a sentence full of
    names, not a headline.
    """
    words = [t for t in tokens if sum(c.isalpha() for c in t.core) >= 2]
    if len(words) < 4:
        return False
    if tables is not None and any(
        t.kind == "lower"
        and fold(t.core) not in tables.stopwords
        and fold(t.core) not in tables.connectors
        for t in words
    ):
        return False
    capitalised = sum(t.kind in ("cap", "acronym") for t in words)
    return capitalised >= 0.7 * len(words)
