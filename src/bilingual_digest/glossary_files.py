"""Glossary files: TSV or CSV with a header row, and TBX (TermBase eXchange).

**TSV / CSV** (``.tsv``, ``.csv``, ``.txt`` …): UTF-8 text (with or without a BOM; UTF-16
with a BOM, as spreadsheets save "Unicode text", is read too). The first row names the
columns, in any order and case; the delimiter is a tab, a comma or a semicolon, whichever
that row uses::

    source<TAB>target<TAB>note<TAB>pair
    Département d'État<TAB>State Department<TAB><TAB>fr-en
    CNSP<TAB>CNSP<TAB>keep as is<TAB>

``source`` and ``target`` are required; ``note`` (free text) and ``pair`` (the direction,
``fr-en``; empty: the direction the glossary is used in, or the ``pair`` given when loading)
are optional; other columns are ignored. A target equal to its source keeps the term as the
text writes it. Blank rows are skipped.

**TBX** (``.tbx``, or any file starting with ``<``): TBX v2 (``martif``: ``termEntry`` →
``langSet`` → ``tig``/``ntig`` → ``term``) and TBX v3 (``tbx``: ``conceptEntry`` →
``langSec`` → ``termSec`` → ``term``). Each concept gives an entry per registered pair whose
two languages it has (``fr-FR`` counts as ``fr``): every term of the source language (its
synonyms) → the first term of the target language that isn't marked deprecated or
superseded. Concept-level ``descrip`` and ``note`` become the note. Languages that aren't
registered are skipped. (translate-toolkit has a TBX reader, but it reads only TBX v2, keeps
one term per language and is GPL-licensed; this reader is the standard library's XML parser,
whose expat refuses entity-expansion bombs.)
"""

from __future__ import annotations

import codecs
import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from .errors import GlossaryError
from .glossary import Entry, term_key
from .languages import find_language, pairs

MAX_FILE_BYTES = 10_000_000
"""The largest glossary file read, in bytes."""

COLUMNS = ("source", "target", "note", "pair")
"""The columns a TSV/CSV glossary may name; the first two are required."""

_DELIMITERS = ("\t", ";", ",")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_A_TARGET = ("deprecated", "superseded")


def read_glossary_file(path: Path, pair: str | None = None) -> list[Entry]:
    """The entries of a glossary file (see the module docs for the formats).

    Args:
        path: The file.
        pair: The direction of entries that don't name one.

    Raises:
        GlossaryError: If the file can't be read, isn't UTF-8, or holds a bad row.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise GlossaryError(
                f"The glossary file {path.name!r} has {size:,} bytes, over the limit of "
                f"{MAX_FILE_BYTES:,}."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise GlossaryError(f"Can't read the glossary file {str(path)!r}: {exc.strerror}.") from exc
    text = decode_glossary(data, f"The glossary file {path.name!r}")
    return parse_glossary_text(text, path.name, pair, tbx=path.suffix.lower() == ".tbx")


def decode_glossary(data: bytes, what: str) -> str:
    """Decode a glossary file: UTF-8 (BOM or not), or UTF-16 with a BOM.

    Raises:
        GlossaryError: For anything else; the message gives the first bad byte's line.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise GlossaryError(f"{what} is not valid UTF-16 text ({exc.reason}).") from None
    if b"\x00" in data[:8192]:
        raise GlossaryError(f"{what} looks like a binary file (it holds NUL bytes), not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise GlossaryError(
            f"{what} is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}): save it as "
            'UTF-8 (spreadsheets: "CSV UTF-8" or "Unicode text").'
        ) from None


def parse_glossary_text(
    text: str, name: str, pair: str | None = None, *, tbx: bool | None = None
) -> list[Entry]:
    """The entries of a glossary file's text.

    Args:
        text: The decoded text.
        name: The file's name, for messages.
        pair: The direction of entries that don't name one.
        tbx: Whether it is TBX; ``None`` guesses from the text (TBX starts with ``<``).

    Raises:
        GlossaryError: For a missing header, a bad row, bad XML, or no entries at all.
    """
    if not isinstance(text, str):
        raise GlossaryError(f"The glossary {name!r} must be text, got {type(text).__name__}.")
    text = text.lstrip("\ufeff")
    if tbx or (tbx is None and text.lstrip().startswith("<")):
        entries = list(_tbx_entries(text, name))
    else:
        entries = list(_delimited_entries(text, name, pair))
    if not entries:
        raise GlossaryError(f"The glossary {name!r} holds no entries.")
    return entries


def _delimited_entries(text: str, name: str, pair: str | None) -> Iterator[Entry]:
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = next(
        (d for d in _DELIMITERS if {"source", "target"} <= _names(header_line.split(d))), None
    )
    if delimiter is None:
        raise GlossaryError(
            f"{name}: the first row must name the columns source and target (optional: note, "
            f"pair), separated by tabs, commas or semicolons; it reads {header_line[:80]!r}."
        )
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if not header:
            header = [cell.strip().lower() for cell in row]
            repeated = sorted({c for c in header if c in COLUMNS and header.count(c) > 1})
            if repeated:
                raise GlossaryError(f"{name}: the column {repeated[0]!r} is named twice.")
            continue
        cells = dict(zip(header, row, strict=False))  # short rows: missing cells
        yield Entry(
            source=cells.get("source", ""),
            target=cells.get("target", ""),
            note=cells.get("note", ""),
            pair=cells.get("pair", "").strip() or pair,
            origin=f"{name}, line {reader.line_num}",
        )


def _names(cells: list[str]) -> set[str]:
    return {cell.strip().strip('"').lower() for cell in cells}


def _local(tag: object) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _tbx_entries(text: str, name: str) -> Iterator[Entry]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        raise GlossaryError(
            f"{name} is not well-formed TBX/XML (line {line}, column {column + 1})."
        ) from None
    if _local(root.tag) not in ("martif", "tbx"):
        raise GlossaryError(
            f"{name}: a TBX file's root element is <martif> (TBX v2) or <tbx> (TBX v3), not "
            f"<{_local(root.tag)}>."
        )
    found_languages: set[str] = set()
    for number, concept in enumerate(
        (el for el in root.iter() if _local(el.tag) in ("termEntry", "conceptEntry")), start=1
    ):
        terms = _concept_terms(concept)
        found_languages |= set(terms)
        note = " ".join(
            " ".join(child.itertext()).strip()
            for child in concept
            if _local(child.tag) in ("descrip", "note")
        )
        origin = f"{name}, entry {concept.get('id') or number}"
        for pair in pairs():
            if pair.source in terms and pair.target in terms:
                targets = terms[pair.target]
                target = next((t for t, usable in targets if usable), targets[0][0])
                for source, _ in terms[pair.source]:
                    yield Entry(source, target, note, pair.key, origin)
    if not found_languages:
        raise GlossaryError(f"{name} holds no <term> with a registered language (xml:lang).")


def _concept_terms(concept: ET.Element) -> dict[str, list[tuple[str, bool]]]:
    """A concept's terms by registered language: ``(term, usable as a target)``, in order."""
    terms: dict[str, list[tuple[str, bool]]] = {}
    for section in concept:
        if _local(section.tag) not in ("langSet", "langSec"):
            continue
        code = (section.get(_XML_LANG) or section.get("lang") or "").replace("_", "-")
        language = find_language(code.split("-")[0])
        if language is None:
            continue
        seen = {term_key(t) for t, _ in terms.get(language.code, [])}
        for holder in _term_holders(section):
            term = next((el for el in holder.iter() if _local(el.tag) == "term"), None)
            value = " ".join("".join(term.itertext()).split()) if term is not None else ""
            if not value or term_key(value) in seen:
                continue
            seen.add(term_key(value))
            status = " ".join(
                (el.text or "").lower()
                for el in holder.iter()
                if _local(el.tag) == "termNote" and el.get("type") == "administrativeStatus"
            )
            usable = not any(word in status for word in _NOT_A_TARGET)
            terms.setdefault(language.code, []).append((value, usable))
    return terms


def _term_holders(section: ET.Element) -> list[ET.Element]:
    """The elements that each hold one term and its notes (``tig``, ``ntig``, ``termSec``)."""
    holders = [child for child in section if _local(child.tag) in ("tig", "ntig", "termSec")]
    return holders or [child for child in section if _local(child.tag) == "term"]
