"""How glossary terms are found in a sentence, and what the translation gets for them.

A :class:`TermMatcher` holds one direction's entries (:meth:`Glossary.for_pair
<bilingual_digest.glossary.Glossary.for_pair>` builds it) and finds them:

- case-insensitively, whole words only: a hyphen joins words (``État`` is not found in
  ``État-major``); an apostrophe separates them, so French elisions match (``l'État``,
  ``d'État``, ``qu'Emmanuel``) and English possessives too (``CNSP's``);
- ``'`` and ``’``, runs of spaces (no-break spaces too) and hyphen variants are the same;
  ``œ``/``oe`` and ``æ``/``ae`` are the same; an accented capital may be written without its
  accent (``Etat`` for ``État``, as French news wires do), a lower-case letter may not
  (``marche`` is not ``marché``);
- longest entry first, leftmost first: with ``Conseil national`` and ``Conseil national pour
  la sauvegarde de la patrie`` both present, the long one wins where it is written out;
  terms never overlap in the text;
- inflected forms are entries of their own (``casque bleu`` and ``casques bleus``).

A target takes the case of the text where the glossary can tell: a source term written
capitalised (at the start of a sentence) capitalises a lower-case target, one written in
capitals throughout upper-cases it.

>>> matcher = TermMatcher([Entry("Département d'État", "State Department")])
>>> [(m.text, m.replacement) for m in matcher.find("Le département d'Etat a dit.")]
[("département d'Etat", 'State Department')]
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

_PATTERNS_CACHED = 40_000
"""Compiled term patterns kept for reuse across glossaries (a glossary holds 20,000 at most)."""


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


_APOSTROPHES = "'’ʼ‘"
_HYPHENS = "-‐‑"
_LIGATURES = {"œ": "oe", "æ": "ae"}
_WORD = re.compile(r"\w+")
_ACCENTED_CAPITALS = {
    base: "".join(sorted(group))
    for base, group in (
        (b, {c for c in map(chr, range(0xC0, 0x17F)) if c.isupper() and _strip_accents(c) == b})
        for b in "ACEINOUY"
    )
}
"""For each capital letter, its accented capitals (French writes capitals with or without)."""


def term_key(text: str) -> str:
    """A term's identity: two entries with the same key are the same term (case, apostrophe
    and hyphen variants, spacing and ligatures ignored; accents count)."""
    text = text.casefold()
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    text = re.sub(f"[{_APOSTROPHES}]", "'", text)
    text = re.sub(f"[{_HYPHENS}]", "-", text)
    return " ".join(text.split())


def _fold(word: str) -> str:
    """A word's lookup key: its :func:`term_key` without accents."""
    return _strip_accents(term_key(word))


@dataclass(frozen=True)
class Entry:
    """One glossary entry.

    Attributes:
        source: The term as written in the source language.
        target: Its translation; equal to ``source`` for a "keep as is" entry (the text's own
            spelling of the term is then kept, byte for byte).
        note: A free note for people (usage, source of the term); not used in translation.
        pair: The direction, a registered pair key such as ``"fr-en"``; ``None`` for the
            direction of whatever text the glossary is used with.
        origin: Where the entry comes from, for messages (``"glossary.tsv, line 4"``).
    """

    source: str
    target: str
    note: str = ""
    pair: str | None = None
    origin: str = ""

    @property
    def keep(self) -> bool:
        """Whether the term is kept as it is written in the text."""
        return self.source == self.target

    def reversed(self) -> Entry:
        """The same entry read the other way (``fr-en`` → ``en-fr``)."""
        source, _, target = (self.pair or "").partition("-")
        pair = f"{target}-{source}" if self.pair else None
        return replace(self, source=self.target, target=self.source, pair=pair)


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a text.

    Attributes:
        start: Offset of its first character.
        end: Offset just past its last character.
        text: The text as written there.
        replacement: What the translation must say instead: the entry's target in the
            text's case, or the text itself for a "keep as is" entry.
        entry: The entry that matched.
    """

    start: int
    end: int
    text: str
    replacement: str
    entry: Entry


class TermMatcher:
    """Finds one direction's glossary terms in sentences (see the module docs for the rules).

    Build it with :meth:`Glossary.for_pair`; it is immutable and safe to share between threads.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = tuple(entries)
        by_key: dict[str, list[tuple[int, int, str, re.Pattern[str], Entry]]] = {}
        for order, entry in enumerate(self.entries):
            first = _WORD.search(entry.source)
            if first is None:  # validated away: every term has a letter or a digit
                continue
            lead = entry.source[: first.start()]
            longest_first = -len(term_key(entry.source))
            by_key.setdefault(_fold(first.group()), []).append(
                (longest_first, order, lead, _term_pattern(entry.source), entry)
            )
        self._by_key = {
            key: [item[2:] for item in sorted(found, key=lambda i: i[:2])]
            for key, found in by_key.items()
        }

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[TermMatch]:
        """The terms written in ``text[start:end]``, leftmost-longest, without overlaps.

        Args:
            text: The text (a sentence).
            start: Where to start looking.
            end: Where to stop (a term must end by then); ``None`` for the end of the text.

        Returns:
            The matches, in text order.
        """
        end = len(text) if end is None else end
        found: list[TermMatch] = []
        cursor = start
        for word in _WORD.finditer(text, start, end):
            if word.start() < cursor:
                continue
            for lead, pattern, entry in self._by_key.get(_fold(word.group()), ()):
                at = word.start() - len(lead)
                if at < cursor or not _free_before(text, at, lead):
                    continue
                match = pattern.match(text, at, end)
                if match:
                    written = match.group()
                    replacement = written if entry.keep else _in_case_of(written, entry)
                    found.append(TermMatch(at, match.end(), written, replacement, entry))
                    cursor = match.end()
                    break
        return found


def _free_before(text: str, at: int, lead: str) -> bool:
    """Whether a term may start at ``at``: not inside a word (hyphens join words)."""
    if lead or at == 0:
        return True
    before = text[at - 1]
    return not (before.isalnum() or before == "_" or before in _HYPHENS)


@functools.lru_cache(maxsize=_PATTERNS_CACHED)
def _term_pattern(term: str) -> re.Pattern[str]:
    """The regular expression that finds a term as the module docs describe."""
    parts: list[str] = []
    i = 0
    while i < len(term):
        char = term[i]
        pair = term[i : i + 2].casefold()
        if char.isspace():
            if not parts or parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif char in _APOSTROPHES:
            parts.append(f"[{_APOSTROPHES}]")
        elif char in _HYPHENS:
            parts.append(f"[{_HYPHENS}]")
        elif char.casefold() in _LIGATURES:
            parts.append(f"(?:{re.escape(char)}|{_LIGATURES[char.casefold()]})")
        elif pair in _LIGATURES.values():
            ligature = next(k for k, v in _LIGATURES.items() if v == pair)
            parts.append(f"(?:{re.escape(term[i : i + 2])}|{ligature})")
            i += 1
        else:
            base = _strip_accents(char)
            if base != char and len(base) == 1:  # É: é, É, or a capital E
                parts.append(f"(?:{re.escape(char)}|(?-i:{re.escape(base.upper())}))")
            elif char in _ACCENTED_CAPITALS:  # E: e, E, or a capital É, È, Ê, Ë
                parts.append(f"(?:{re.escape(char)}|(?-i:[{_ACCENTED_CAPITALS[char]}]))")
            else:
                parts.append(re.escape(char))
        i += 1
    boundary = (
        r"(?![\w" + re.escape(_HYPHENS) + "])" if term[-1].isalnum() or term[-1] == "_" else ""
    )
    return re.compile("".join(parts) + boundary, re.IGNORECASE)


def _in_case_of(written: str, entry: Entry) -> str:
    """The entry's target in the case the text wrote the term in."""
    target, source = entry.target, entry.source
    letters = [c for c in written if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters) and not source.isupper():
        return target.upper()
    if written[:1].isupper() and source[:1].islower() and target[:1].islower():
        return target[:1].upper() + target[1:]
    return target


def has_word(text: str) -> bool:
    """Whether a text holds a letter or a digit (a term must)."""
    return _WORD.search(text) is not None
