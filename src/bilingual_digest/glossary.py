"""Glossaries: how the user wants a term translated, enforced whatever the model does.

A :class:`Glossary` holds entries ``source term → target term`` for a language pair (or for
whatever direction it is used in), "keep as is" entries (the target is the source itself:
``CNSP → CNSP``) and notes. The translator puts a placeholder in place of every term it
finds and the glossary's target in place of the placeholder after decoding
(:mod:`~bilingual_digest.placeholders`), so the model can't translate a term its own way.

How terms are found in a sentence (:meth:`Glossary.for_pair` → :class:`TermMatcher`):

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

Directions: an entry names its pair (``fr-en``) or none (it is read in the direction of the
text it is used with). An entry ``fr-en`` also serves ``en-fr`` reversed, unless the
glossary has its own ``en-fr`` entry for that term: so the digest, which translates the
English summary of a French article back into French, gives the French terms back.
:meth:`Glossary.bound` ties the entries without a pair to one direction.

>>> g = Glossary.from_dict({"Département d'État": "State Department", "CNSP": "CNSP"})
>>> found = g.for_pair("fr", "en").find("Le département d'Etat et le CNSP.")
>>> [(m.text, m.replacement) for m in found]
[("département d'Etat", 'State Department'), ('CNSP', 'CNSP')]
"""

from __future__ import annotations

import functools
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Union

from .errors import GlossaryError
from .languages import find_pair, pairs_text

MAX_ENTRIES = 20_000
"""The most entries one glossary may hold."""

MAX_TERM_CHARS = 200
"""The longest term, in characters."""

GLOSSARY_ENV = "GLOSSARY"
"""The setting (``BILINGUAL_DIGEST_GLOSSARY``) naming the glossary file used by default."""


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


@functools.lru_cache(maxsize=2 * MAX_ENTRIES)
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


GlossaryLike = Union["Glossary", Mapping[str, str], str, os.PathLike, None]
"""What the ``glossary=`` arguments accept: a :class:`Glossary`, a ``dict`` of source term →
target term, a path to a glossary file, or ``None``."""


class Glossary:
    """Entries ``source term → target term``, validated; immutable and picklable.

    Args:
        entries: The entries, in order of preference (a reversed entry takes the first
            source for a target).
        name: How messages name the glossary (a file name, ``"the glossary table"``).

    Raises:
        GlossaryError: For an empty or over-long term, a term without a letter or digit, a
            pair that isn't registered, two entries for the same term and direction
            (duplicate or conflicting; the message names both), or too many entries.
    """

    def __init__(self, entries: Iterable[Entry] = (), *, name: str = "the glossary") -> None:
        self.__setstate__({"name": name, "entries": tuple(_checked(entries, name))})

    @classmethod
    def _of_checked(cls, entries: Iterable[Entry], name: str) -> Glossary:
        """A glossary of entries validated already, with no two for one term and direction."""
        glossary = cls.__new__(cls)
        glossary.__setstate__({"name": name, "entries": tuple(entries)})
        return glossary

    # --- building ------------------------------------------------------------------------

    @classmethod
    def from_dict(
        cls,
        terms: Mapping[str, str],
        *,
        pair: str | None = None,
        keep: Iterable[str] = (),
        name: str = "the glossary",
    ) -> Glossary:
        """A glossary from a ``dict`` of source term → target term.

        Args:
            terms: Source term → target term (a target equal to its source: keep as is).
            pair: The direction of every entry (``"fr-en"``); ``None`` for the direction of
                the text it is used with.
            keep: More terms to keep as they are written.
            name: How messages name it.

        Raises:
            GlossaryError: See :class:`Glossary`.
        """
        if not isinstance(terms, Mapping):
            raise GlossaryError(
                f"{name} must map source terms to target terms, got {type(terms).__name__}."
            )
        items = [*terms.items(), *((term, term) for term in keep)]
        entries = []
        for source, target in items:
            where = f"{name}, entry {source!r}"
            entries.append(Entry(_text(source, where), _text(target, where), "", pair, where))
        return cls(entries, name=name)

    @classmethod
    def from_rows(
        cls, rows: Iterable[Sequence[object]], *, name: str = "the glossary table"
    ) -> Glossary:
        """A glossary from table rows ``[source, target, note, pair]`` (note and pair optional).

        Rows whose cells are all blank are skipped; messages name a row by its number, blank
        rows counted (as a table shows them).

        Raises:
            GlossaryError: See :class:`Glossary`; also for a row that isn't a list of text.
        """
        entries = []
        for number, row in enumerate(rows, start=1):
            where = f"{name}, row {number}"
            if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
                raise GlossaryError(f"{where}: a row is a list [source, target, note, pair].")
            cells = ["" if cell is None else _text(cell, where) for cell in row]
            if not any(cell.strip() for cell in cells):
                continue
            source, target, note, pair = [*cells, "", "", "", ""][:4]
            entries.append(Entry(source, target, note, pair or None, where))
        return cls(entries, name=name)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, pair: str | None = None) -> Glossary:
        """Read a glossary file: TSV or CSV with a header row, or TBX.

        See :mod:`~bilingual_digest.glossary_files` for the formats.

        Args:
            path: The file.
            pair: The direction of the entries that don't name one (``"fr-en"``).

        Raises:
            GlossaryError: If the file can't be read or holds a bad entry (the message names
                the file and the line).
        """
        from .glossary_files import read_glossary_file

        return cls(read_glossary_file(Path(path), pair), name=Path(path).name)

    @classmethod
    def parse(cls, text: str, *, name: str = "the glossary", pair: str | None = None) -> Glossary:
        """Read a glossary from the text of a file (what the web page sends).

        Raises:
            GlossaryError: See :meth:`load`.
        """
        from .glossary_files import parse_glossary_text

        return cls(parse_glossary_text(text, name, pair), name=name)

    # --- combining -----------------------------------------------------------------------

    def merged(self, other: Glossary) -> Glossary:
        """This glossary with ``other``'s entries added; ``other`` wins for the same term."""
        if not other.entries:
            return self
        if not self.entries:
            return other
        theirs = {(e.pair, term_key(e.source)) for e in other.entries}
        kept = [e for e in self.entries if (e.pair, term_key(e.source)) not in theirs]
        return Glossary._of_checked([*kept, *other.entries], f"{self.name} + {other.name}")

    def bound(self, source: str, target: str) -> Glossary:
        """The entries without a pair tied to ``source → target`` (an entry of that pair wins)."""
        key = f"{source}-{target}"
        if all(e.pair is not None for e in self.entries):
            return self
        with self._lock:
            cached = self._bound.get(key)
        if cached is None:
            own = {term_key(e.source) for e in self.entries if e.pair == key}
            entries = [
                e if e.pair is not None else replace(e, pair=key)
                for e in self.entries
                if e.pair is not None or term_key(e.source) not in own
            ]
            cached = Glossary._of_checked(entries, self.name)
            with self._lock:
                self._bound[key] = cached
        return cached

    def for_pair(self, source: str, target: str) -> TermMatcher:
        """The terms to enforce when translating ``source → target``.

        The entries of that pair and those without a pair, then the reversed entries of the
        opposite pair for terms not given otherwise (the first entry of a target wins).
        """
        with self._lock:
            cached = self._matchers.get((source, target))
            if cached is None:
                cached = TermMatcher(self._direction(source, target))
                self._matchers[(source, target)] = cached
            return cached

    def _direction(self, source: str, target: str) -> list[Entry]:
        key, back = f"{source}-{target}", f"{target}-{source}"
        direct = [e for e in self.entries if e.pair == key]
        seen = {term_key(e.source) for e in direct}
        direct += [e for e in self.entries if e.pair is None and term_key(e.source) not in seen]
        seen |= {term_key(e.source) for e in direct}
        for entry in self.entries:
            if entry.pair == back and term_key(entry.target) not in seen:
                direct.append(entry.reversed())
                seen.add(term_key(entry.target))
        return direct

    # --- reading -------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Glossary) and other.entries == self.entries

    def __hash__(self) -> int:
        return hash(self.entries)

    def __repr__(self) -> str:
        return f"Glossary({self.name!r}, {len(self.entries)} entries)"

    def __getstate__(self) -> dict[str, object]:
        return {"name": self.name, "entries": self.entries}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.name = state["name"]  # type: ignore[assignment]
        self.entries = state["entries"]  # type: ignore[assignment]
        self._matchers = {}
        self._bound = {}
        self._lock = threading.Lock()

    def rows(self) -> list[dict[str, str]]:
        """The entries as plain rows ``{"source", "target", "note", "pair"}`` (for tables)."""
        return [
            {"source": e.source, "target": e.target, "note": e.note, "pair": e.pair or ""}
            for e in self.entries
        ]

    def table(self) -> list[list[str]]:
        """The entries as table rows ``[source, target, note, pair]`` (:meth:`from_rows`)."""
        return [[e.source, e.target, e.note, e.pair or ""] for e in self.entries]


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise GlossaryError(f"{where}: terms must be text, got {type(value).__name__}.")
    return value


def _checked(entries: Iterable[Entry], name: str) -> Iterator[Entry]:
    """Validate entries one by one (see :class:`Glossary`), yielding them cleaned."""
    seen: dict[tuple[str | None, str], Entry] = {}
    for count, entry in enumerate(entries, start=1):
        if count > MAX_ENTRIES:
            raise GlossaryError(
                f"{name} has more than {MAX_ENTRIES:,} entries; split it by subject."
            )
        where = entry.origin or f"{name}, entry {count}"
        source, target = _term(entry.source, "source", where), _term(entry.target, "target", where)
        pair = _pair(entry.pair, where)
        entry = Entry(source, target, " ".join(entry.note.split()), pair, where)
        key = (pair, term_key(source))
        if key in seen:
            first = seen[key]
            if first.target == target:
                raise GlossaryError(
                    f"{where}: {source!r} is a duplicate of {first.origin} "
                    f"({first.source!r} → {first.target!r}); remove one of them."
                )
            raise GlossaryError(
                f"{where}: {source!r} → {target!r} conflicts with {first.origin} "
                f"({first.source!r} → {first.target!r}); keep one target per term and direction."
            )
        seen[key] = entry
        yield entry


def _term(value: str, role: str, where: str) -> str:
    term = value.strip()
    if not term:
        hint = (
            " (to keep a term as it is, give the term itself as its target)"
            if role == ("target")
            else ""
        )
        raise GlossaryError(f"{where}: the {role} term is empty{hint}.")
    if any(c in term for c in "\n\r\t"):
        raise GlossaryError(f"{where}: the {role} term {term[:40]!r} holds a line break or a tab.")
    if len(term) > MAX_TERM_CHARS:
        raise GlossaryError(
            f"{where}: the {role} term {term[:40]!r}… is over {MAX_TERM_CHARS} characters."
        )
    if not _WORD.search(term):
        raise GlossaryError(f"{where}: the {role} term {term!r} has no letter or digit.")
    return term


def _pair(value: str | None, where: str) -> str | None:
    if value is None or not value.strip():
        return None
    source, sep, target = value.strip().lower().replace("→", "-").replace(">", "-").partition("-")
    found = find_pair(source.strip(), target.strip()) if sep else None
    if found is None:
        raise GlossaryError(
            f"{where}: the language pair {value.strip()!r} is not registered; registered "
            f"pairs: {pairs_text()} (written like fr-en)."
        )
    return found.key


# --- the glossary= arguments -------------------------------------------------------------------


def as_glossary(value: GlossaryLike, *, pair: str | None = None) -> Glossary | None:
    """Read a ``glossary=`` argument.

    Args:
        value: A :class:`Glossary`, a ``dict`` (source term → target term), a path to a
            glossary file, or ``None``.
        pair: The direction of entries that don't name one, for a ``dict`` or a file.

    Returns:
        The glossary, or ``None`` for ``None``.

    Raises:
        GlossaryError: For a bad glossary, or a value of another type.
    """
    if value is None or isinstance(value, Glossary):
        return value
    if isinstance(value, Mapping):
        return Glossary.from_dict(value, pair=pair)
    if isinstance(value, (str, os.PathLike)):
        return load_glossary(value, pair=pair)
    raise GlossaryError(
        "glossary must be a Glossary, a dict of source term → target term or the path of a "
        f"glossary file, got {type(value).__name__}."
    )


def load_glossary(path: str | os.PathLike[str], *, pair: str | None = None) -> Glossary:
    """Read a glossary file once and reuse it while the file is unchanged.

    Raises:
        GlossaryError: If the file is missing, unreadable or holds a bad entry.
    """
    resolved = Path(path).expanduser()
    try:
        stat = resolved.stat()
    except OSError as exc:
        raise GlossaryError(f"Can't read the glossary file {str(path)!r}: {exc.strerror}.") from exc
    return _load_cached(str(resolved.resolve()), stat.st_mtime_ns, stat.st_size, pair)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int, pair: str | None) -> Glossary:
    return Glossary.load(path, pair=pair)


def default_glossary() -> Glossary | None:
    """The glossary named by ``BILINGUAL_DIGEST_GLOSSARY``, read at call time; ``None`` if unset.

    Raises:
        GlossaryError: If the file can't be used (the message names the variable).
    """
    from .options import ENV_PREFIX, env

    path = env(GLOSSARY_ENV)
    if path is None:
        return None
    try:
        return load_glossary(path)
    except GlossaryError as exc:
        raise GlossaryError(f"{ENV_PREFIX}{GLOSSARY_ENV}: {exc}") from exc


def combine(base: Glossary | None, extra: GlossaryLike) -> Glossary | None:
    """``base`` with a per-call ``glossary=`` argument added (the call's entries win)."""
    more = as_glossary(extra)
    if more is None:
        return base
    return more if base is None else base.merged(more)
