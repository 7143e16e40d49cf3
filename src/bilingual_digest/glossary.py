"""Glossaries: how the user wants a term translated, enforced whatever the model does.

A :class:`Glossary` holds entries ``source term → target term`` for a language pair (or for
whatever direction it is used in), "keep as is" entries (the target is the source itself:
``CNSP → CNSP``) and notes. The translator puts a placeholder in place of every term it
finds and the glossary's target in place of the placeholder after decoding
(:mod:`~bilingual_digest.placeholders`), so the model can't translate a term its own way.

How terms are found in a sentence is :mod:`~bilingual_digest.terms`' job (case, whole
words, elisions, longest entry first …).

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
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Union

from .errors import GlossaryError
from .languages import find_pair, pairs_text
from .terms import Entry, TermMatch, TermMatcher, has_word, term_key

GLOSSARY_TABLE = "the glossary table"
"""How messages name a glossary a client sends as rows (the page's table)."""

__all__ = [
    "GLOSSARY_ENV",
    "MAX_ENTRIES",
    "MAX_TERM_CHARS",
    "Entry",
    "Glossary",
    "GlossaryLike",
    "TermMatch",
    "TermMatcher",
    "as_glossary",
    "combine",
    "default_glossary",
    "load_glossary",
    "term_key",
]

MAX_ENTRIES = 20_000
"""The most entries one glossary may hold."""

MAX_TERM_CHARS = 200
"""The longest term, in characters."""

GLOSSARY_ENV = "GLOSSARY"
"""The setting (``BILINGUAL_DIGEST_GLOSSARY``) naming the glossary file used by default."""


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

    @classmethod
    def from_request(cls, value: object) -> Glossary | None:
        """A glossary a client sends with a request (the server reads no file a client names).

        Args:
            value: ``None``; a ``Glossary``; a ``dict`` of source term → target term; or
                table rows ``[source, target, note, pair]`` (the page's table; blank rows
                skipped, messages name the row).

        Raises:
            GlossaryError: For a bad glossary or any other kind of value.
        """
        if value is None or isinstance(value, Glossary):
            return value
        if isinstance(value, dict):
            return cls.from_dict(value, name="the glossary")
        if isinstance(value, (list, tuple)):
            return cls.from_rows(value, name=GLOSSARY_TABLE)
        raise GlossaryError(
            "The glossary must be entries (source term → target term, or rows [source, "
            f"target, note, pair]), got {type(value).__name__}; a file is read by the client "
            "and its entries sent."
        )

    @classmethod
    def table_of(cls, text: object, name: str, max_chars: int) -> list[list[str]]:
        """The rows of a glossary file a client read (TSV, CSV or TBX text), for its table.

        Args:
            text: The file's text (the page's opener decodes it in the browser).
            name: The file's name, for messages.
            max_chars: The most characters it may have.

        Raises:
            GlossaryError: If it isn't a glossary (the message names the file and line).
        """
        if not isinstance(text, str):
            raise GlossaryError(f"The glossary {name!r} must be text.")
        if len(text) > max_chars:
            raise GlossaryError(
                f"The glossary {name!r} has {len(text):,} characters, over the limit of "
                f"{max_chars:,}."
            )
        return cls.parse(text, name=name).table()

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
    if not has_word(term):
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
