"""Turn the batch script's inputs into documents: files, folders, JSONL, CSV and stdin.

Every input becomes a stream of :class:`Document`; a document that can't be read (binary,
undecodable, empty, over the size limit, a malformed JSONL line or CSV row) is still a
document, with :attr:`Document.error` set, so that it gets an error record and the run goes on.
"""

from __future__ import annotations

import csv
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..sanitize import decode_bytes, too_long_message

logger = logging.getLogger("bilingual_digest")

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
STDIN = "-"
STDIN_FORMATS = ("text", "jsonl", "csv")


@dataclass(frozen=True)
class Document:
    """One unit of work: a text to translate, or the reason it can't be read.

    Attributes:
        id: Stable identifier: the path relative to the input root (``"a/b.txt"``), the
            JSONL/CSV id field, or ``"<file name>:<line>"``; ``"-"`` for standard input.
        source: Where it came from: the path as given, or ``"<path>:<line>"``.
        text: The decoded text; ``None`` when :attr:`error` is set.
        error: Plain-language reason the document can't be processed, else ``None``.
        warnings: Notes on how it was read (e.g. decoded as Windows-1252).
        relpath: Where ``--format txt`` writes its translation, relative to the output folder.
    """

    id: str
    source: str
    text: str | None = None
    error: str | None = None
    warnings: tuple[str, ...] = field(default=())
    relpath: str | None = None


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read.

    Attributes:
        max_chars: Largest accepted document, in characters.
        text_field: JSONL field holding the text.
        id_field: JSONL field (or CSV column) holding the id; ``None`` uses ``file:line``.
        text_column: CSV column holding the text.
        stdin_format: How standard input is read: one ``text``, or ``jsonl`` / ``csv`` rows.
    """

    max_chars: int = 100_000
    text_field: str = "text"
    id_field: str | None = None
    text_column: str = "text"
    stdin_format: str = "text"

    def __post_init__(self) -> None:
        if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int):
            raise TypeError(f"max_chars must be an int, got {type(self.max_chars).__name__}.")
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be a positive integer, got {self.max_chars}.")
        if self.stdin_format not in STDIN_FORMATS:
            accepted = ", ".join(STDIN_FORMATS)
            raise ValueError(f"Unknown stdin format {self.stdin_format!r}: accepted: {accepted}.")


def input_kind(path: str) -> str:
    """Classify one command-line input.

    Args:
        path: A file, a folder, or ``"-"``.

    Returns:
        ``"stdin"``, ``"dir"``, ``"jsonl"``, ``"csv"`` or ``"text"``.

    Raises:
        ValueError: If the path does not exist (a usage error).
    """
    if path == STDIN:
        return "stdin"
    p = Path(path)
    if p.is_dir():
        return "dir"
    if not p.exists():
        raise ValueError(f"Input not found: {path!r} (give files, folders, or - for stdin).")
    suffix = p.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    return "text"


def check_inputs(inputs: Iterable[str]) -> list[tuple[str, str]]:
    """Check every input exists before any work starts.

    Args:
        inputs: Paths as given on the command line.

    Returns:
        ``(path, kind)`` pairs, in order (see :func:`input_kind`).

    Raises:
        ValueError: If there are no inputs, an input does not exist, or stdin is given twice.
    """
    kinds = [(path, input_kind(path)) for path in inputs]
    if not kinds:
        raise ValueError("No input given: name files, folders, or - for standard input.")
    if sum(kind == "stdin" for _, kind in kinds) > 1:
        raise ValueError("Standard input (-) can be given only once.")
    return kinds


def decode(data: bytes, *, what: str, max_chars: int) -> tuple[str | None, str | None, list[str]]:
    """Decode one document's bytes (see :func:`~bilingual_digest.sanitize.decode_bytes`).

    Args:
        data: The raw bytes.
        what: How to name the document in messages.
        max_chars: Largest accepted text, in characters.

    Returns:
        ``(text, error, warnings)``: ``text`` is ``None`` exactly when ``error`` is set.
    """
    try:
        text, warnings = decode_bytes(data, what=what, max_chars=max_chars)
    except InputError as exc:
        return None, str(exc), []
    return text, None, warnings


def iter_documents(
    inputs: Iterable[str], options: ReadOptions | None = None, stdin: BinaryIO | None = None
) -> Iterator[Document]:
    """Yield the documents of every input, in order; unreadable ones carry an error.

    Args:
        inputs: Files (``.txt``/``.md`` or any text file, ``.jsonl``, ``.csv``), folders
            (searched recursively for ``.txt`` and ``.md``), or ``"-"`` for standard input.
        options: How to read them; defaults for omitted.
        stdin: Binary stream read for ``"-"``; ``sys.stdin.buffer`` when ``None``.

    Yields:
        One :class:`Document` per file, JSONL line or CSV row. An id seen before becomes
        an error document (ids must be unique for resuming to work).

    Raises:
        ValueError: If there are no inputs, an input does not exist (checked before anything
            is yielded) or stdin is given twice.
    """
    opts = options if options is not None else ReadOptions()
    kinds = check_inputs(inputs)
    seen: dict[str, str] = {}
    for path, kind in kinds:
        for doc in _read_input(path, kind, opts, stdin):
            if doc.id in seen:
                doc = Document(
                    doc.id,
                    doc.source,
                    error=f"Duplicate id {doc.id!r}: {seen[doc.id]} already has it; "
                    "ids must be unique (rename the file or fix the id field).",
                )
            else:
                seen[doc.id] = doc.source
            yield doc


def _read_input(
    path: str, kind: str, opts: ReadOptions, stdin: BinaryIO | None
) -> Iterator[Document]:
    if kind == "dir":
        root = Path(path)
        files = sorted(
            p
            for p in root.rglob("*")
            if p.suffix.lower() in TEXT_SUFFIXES and p.is_file() and not _hidden(p, root)
        )
        for p in files:
            yield read_text_file(p, p.relative_to(root).as_posix(), opts)
        if not files:
            logger.warning("No .txt or .md files under %s", path)
    elif kind == "text":
        yield read_text_file(Path(path), Path(path).name, opts)
    elif kind == "stdin":
        stream = stdin if stdin is not None else _stdin_buffer()
        if opts.stdin_format == "text":
            data = stream.read()
            text, error, warnings = decode(data, what="standard input", max_chars=opts.max_chars)
            yield Document(STDIN, "<stdin>", text, error, tuple(warnings), relpath="stdin.txt")
        else:
            reader = read_jsonl if opts.stdin_format == "jsonl" else read_csv
            yield from reader(stream, "<stdin>", "stdin", opts)
    else:
        reader = read_jsonl if kind == "jsonl" else read_csv
        with open(path, "rb") as stream:
            yield from reader(stream, path, Path(path).name, opts)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _stdin_buffer() -> BinaryIO:
    import sys

    return sys.stdin.buffer


def read_text_file(path: Path, doc_id: str, options: ReadOptions) -> Document:
    """Read one text file as one document.

    Args:
        path: The file.
        doc_id: Its id (its path relative to the input root).
        options: Reading options (the size limit).

    Returns:
        The document, with ``error`` set if the file can't be read as text.
    """
    source = os.fspath(path)
    try:
        with open(path, "rb") as f:
            data = f.read(4 * options.max_chars + 1)
    except OSError as exc:
        return Document(doc_id, source, error=f"{source} can't be read: {exc.strerror or exc}.")
    text, error, warnings = decode(data, what=source, max_chars=options.max_chars)
    return Document(doc_id, source, text, error, tuple(warnings), relpath=doc_id)


def _decoded_lines(stream: BinaryIO, source: str, notes: dict[int, str]) -> Iterator[str]:
    """Decode a byte stream line by line, UTF-8 first; fallbacks are noted by line number."""
    for number, raw in enumerate(stream, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            notes[number] = (
                f"Line {number} of {source} is not valid UTF-8; it was decoded as "
                "Windows-1252/Latin-1: check accented letters."
            )
            yield raw.decode("cp1252", errors="replace")


def _row_document(
    doc_id: str, where: str, text: object, label: str, warnings: tuple[str, ...], opts: ReadOptions
) -> Document:
    if not isinstance(text, str):
        return Document(doc_id, where, error=f"{label} must be a string, got {_json_type(text)}.")
    if not text.strip():
        return Document(doc_id, where, error=f"{label} is empty: there is no text to translate.")
    if len(text) > opts.max_chars:
        return Document(
            doc_id,
            where,
            error=too_long_message(label, f"{len(text):,} characters", opts.max_chars),
        )
    return Document(doc_id, where, text, None, warnings)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _row_id(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return str(value).strip() or None


def read_jsonl(
    stream: BinaryIO, source: str, name: str, options: ReadOptions
) -> Iterator[Document]:
    """Read a JSONL stream: one JSON object per line, the text in ``options.text_field``.

    Args:
        stream: Binary stream of the JSONL data.
        source: The path as given (for ``source`` and messages).
        name: The file name, for ``<name>:<line>`` ids.
        options: Field names and the size limit.

    Yields:
        One document per non-blank line; malformed lines carry an error naming the line.
    """
    notes: dict[int, str] = {}
    for number, line in enumerate(_decoded_lines(stream, source, notes), start=1):
        if not line.strip():
            continue
        where, fallback_id = f"{source}:{number}", f"{name}:{number}"
        label = f"Line {number} of {source}"
        warnings = (notes[number],) if number in notes else ()
        try:
            obj = json.loads(line.strip())
        except json.JSONDecodeError as exc:
            yield Document(
                fallback_id,
                where,
                error=f"{label} is not valid JSON: {exc.msg} (column {exc.colno}).",
            )
            continue
        if not isinstance(obj, dict):
            yield Document(
                fallback_id, where, error=f"{label} must be a JSON object, got {_json_type(obj)}."
            )
            continue
        doc_id = fallback_id
        if options.id_field is not None:
            row_id = _row_id(obj.get(options.id_field))
            if row_id is None:
                yield Document(
                    fallback_id,
                    where,
                    error=f"{label} has no usable {options.id_field!r} id field (a non-empty "
                    "string or integer is needed).",
                )
                continue
            doc_id = row_id
        if options.text_field not in obj:
            fields = ", ".join(map(repr, obj)) or "none"
            yield Document(
                doc_id,
                where,
                error=f"{label} has no {options.text_field!r} field (fields: {fields}); "
                "choose the field with --text-field.",
            )
            continue
        yield _row_document(
            doc_id,
            where,
            obj[options.text_field],
            f"The {options.text_field!r} field on line {number} of {source}",
            warnings,
            options,
        )


def read_csv(stream: BinaryIO, source: str, name: str, options: ReadOptions) -> Iterator[Document]:
    """Read a CSV stream with a header row; the text in ``options.text_column``.

    Args:
        stream: Binary stream of the CSV data.
        source: The path as given (for ``source`` and messages).
        name: The file name, for ``<name>:<line>`` ids.
        options: Column names and the size limit.

    Yields:
        One document per row; a row with the wrong number of fields, or that the csv module
        can't parse, carries an error naming its line. A header without the text column
        gives one error document for the whole file.
    """
    notes: dict[int, str] = {}
    reader = csv.reader(_decoded_lines(stream, source, notes), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        yield Document(name, source, error=f"{source} is not valid CSV (line 1): {exc}.")
        return
    if header is None:
        yield Document(name, source, error=f"{source} is empty: a header row is needed.")
        return
    missing = [
        c for c in (options.text_column, options.id_field) if c is not None and c not in header
    ]
    if missing:
        columns = ", ".join(map(repr, header))
        yield Document(
            name,
            source,
            error=f"{source} has no {missing[0]!r} column (columns: {columns}); choose it with "
            "--text-column / --id-field.",
        )
        return
    text_at = header.index(options.text_column)
    id_at = header.index(options.id_field) if options.id_field is not None else None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Document(
                f"{name}:{start}",
                f"{source}:{start}",
                error=(f"Line {start} of {source} is not valid CSV: {exc}."),
            )
            return  # the parser can't resynchronise after this
        if not row:
            continue
        where, fallback_id = f"{source}:{start}", f"{name}:{start}"
        label = f"Line {start} of {source}"
        if len(row) != len(header):
            yield Document(
                fallback_id,
                where,
                error=f"{label} has {len(row)} fields, the header has {len(header)}; "
                "quote fields that contain commas or line breaks.",
            )
            continue
        doc_id = fallback_id
        if id_at is not None:
            doc_id = row[id_at].strip()
            if not doc_id:
                yield Document(
                    fallback_id, where, error=f"{label} has an empty {options.id_field!r}."
                )
                continue
        warnings = tuple(notes[n] for n in range(start, reader.line_num + 1) if n in notes)
        yield _row_document(
            doc_id,
            where,
            row[text_at],
            f"The {options.text_column!r} column on line {start} of {source}",
            warnings,
            options,
        )
