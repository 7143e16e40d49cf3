"""JSONL and CSV rows → documents, streamed line by line from any binary stream.

Every row becomes one :class:`~.readers.Document`; a row that can't be used (malformed JSON, a
missing field, a CSV row with the wrong number of fields) carries an error naming its line, a
crash while reading one row is that row's error, and a stream that fails part-way ends in one
error document saying where reading stopped: a file never stops the run.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from ..documents import is_url
from ..sanitize import too_long_message
from .documents import Document, ReadOptions
from .pages import url_document

DoneCheck = Callable[[str], bool]
CHUNK = 1 << 20


def byte_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The lines of a binary stream (``b"\\n"`` kept), read in 1 MiB chunks.

    Works on anything with ``read(n)``: Python files, stdin, pyarrow's input streams.
    """
    rest = b""
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            yield line + b"\n"
    if rest:
        yield rest


def decode_line(raw: bytes, number: int, source: str) -> tuple[str, str | None]:
    """One line as text, UTF-8 first; a Windows-1252 fallback comes with its note."""
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        note = (
            f"Line {number} of {source} is not valid UTF-8; it was decoded as "
            "Windows-1252/Latin-1: check accented letters."
        )
        return raw.decode("cp1252", errors="replace"), note


def printable(text: str) -> str:
    """``text`` with every lone surrogate spelled out, so that it can be written as UTF-8.

    A file name that is not valid UTF-8 reaches Python with its bad bytes as surrogates
    (``\\udce9``), shown here as ``\\xe9``; any other lone surrogate (a JSON ``"\\ud800"``) as
    ``\\ud800``. Other text is returned unchanged.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(_spell(c) for c in text)
    return text


def _spell(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if 0xD800 <= code <= 0xDFFF:
        return f"\\u{code:04x}"
    return char


def row_text(text: str, label: str) -> tuple[str, str | None]:
    """A row's text with lone surrogates (a JSON ``"\\ud800"``) replaced by U+FFFD, and a note."""
    clean = printable(text)
    if clean is text:
        return text, None
    fixed = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return fixed, f"{label} held invalid characters (lone UTF-16 surrogates); each became �."


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _row_id(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return printable(str(value).strip()) or None


def _row_document(
    doc_id: str,
    where: str,
    text: object,
    label: str,
    warnings: tuple[str, ...],
    opts: ReadOptions,
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
    text, note = row_text(text, label)
    return Document(doc_id, where, text, None, (*warnings, note) if note else warnings)


def _stopped(doc_id: str, where: str, source: str, number: int, exc: BaseException) -> Document:
    reason = getattr(exc, "strerror", None) or exc
    return Document(
        doc_id,
        where,
        error=f"Reading {source} stopped at line {number} ({type(exc).__name__}: {reason}); "
        "the lines after it were not read.",
    )


def read_jsonl(
    stream: BinaryIO,
    source: str,
    name: str,
    options: ReadOptions,
    done: DoneCheck | None = None,
    placeholders: bool = True,
    first_line: int = 1,
) -> Iterator[Document]:
    """Read a JSONL stream: one JSON object per line, the text in ``options.text_field``.

    Args:
        stream: Binary stream of the JSONL data.
        source: The path as given (for ``source`` and messages).
        name: The file name, for ``<name>:<line>`` ids.
        options: Field names and the size limit.
        done: Says whether an id already has a record; without ``options.id_field`` the id is
            known before the line is parsed, and such a line is not decoded: it becomes a
            ``done`` placeholder document, or nothing when ``placeholders`` is false.
        placeholders: Yield placeholders for done lines (else ``done`` does the bookkeeping).
        first_line: The number of the stream's first line (a part of a larger file).

    Yields:
        One document per non-blank line; malformed lines carry an error naming the line.
    """
    lines = enumerate(byte_lines(stream), start=first_line)
    number = first_line - 1
    while True:
        try:
            number, raw = next(lines)
        except StopIteration:
            return
        except Exception as exc:  # the stream failed: say where, and leave this input
            number += 1
            yield _stopped(f"{name}:{number}", f"{source}:{number}", source, number, exc)
            return
        if not raw.strip():
            continue
        where, fallback_id = f"{source}:{number}", f"{name}:{number}"
        if done is not None and options.id_field is None and done(fallback_id):
            if placeholders:
                yield _done(fallback_id, where)
            continue
        try:
            doc = _jsonl_document(raw, number, where, fallback_id, source, options, done)
            if placeholders or not doc.done:
                yield doc
        except Exception as exc:  # a bug or an odd line must not stop the file
            yield _crashed(fallback_id, where, f"Line {number} of {source}", exc)


def _done(doc_id: str, where: str) -> Document:
    return Document(doc_id, where, done=True)


def _crashed(doc_id: str, where: str, label: str, exc: BaseException) -> Document:
    return Document(
        doc_id, where, error=f"{label} could not be read ({type(exc).__name__}: {exc})."
    )


def _jsonl_document(
    raw: bytes,
    number: int,
    where: str,
    fallback_id: str,
    source: str,
    options: ReadOptions,
    done: DoneCheck | None = None,
) -> Document:
    """One JSONL line's document; a link row whose id is ``done`` is not fetched (a
    placeholder comes back instead)."""
    line, note = decode_line(raw, number, source)
    label = f"Line {number} of {source}"
    try:
        obj = json.loads(line.strip())
    except json.JSONDecodeError as exc:
        return Document(
            fallback_id, where, error=f"{label} is not valid JSON: {exc.msg} (column {exc.colno})."
        )
    if not isinstance(obj, dict):
        return Document(
            fallback_id, where, error=f"{label} must be a JSON object, got {_json_type(obj)}."
        )
    doc_id = fallback_id
    if options.id_field is not None:
        row_id = _row_id(obj.get(options.id_field))
        if row_id is None:
            return Document(
                fallback_id,
                where,
                error=f"{label} has no usable {options.id_field!r} id field (a non-empty "
                "string or integer is needed).",
            )
        doc_id = row_id
    if options.text_field not in obj:
        link = obj.get(options.url_field)
        if isinstance(link, str) and is_url(link):  # a link instead of a text: fetch it
            if done is not None and done(doc_id):  # unless a resumed run has it already
                return _done(doc_id, where)
            return url_document(doc_id, where, printable(link.strip()), options)
        fields = ", ".join(printable(repr(k)) for k in obj) or "none"
        return Document(
            doc_id,
            where,
            error=f"{label} has no {options.text_field!r} field nor an http(s) link in "
            f"{options.url_field!r} (fields: {fields}); choose the fields with --text-field "
            "and --url-field.",
        )
    return _row_document(
        doc_id,
        where,
        obj[options.text_field],
        f"The {options.text_field!r} field on line {number} of {source}",
        (note,) if note else (),
        options,
    )


class _NumberedLines:
    """Decoded lines for the csv module, remembering each line's fallback note."""

    def __init__(self, lines: Iterable[bytes], source: str) -> None:
        self._lines = enumerate(lines, start=1)
        self.source = source
        self.notes: dict[int, str] = {}

    def __iter__(self) -> _NumberedLines:
        return self

    def __next__(self) -> str:
        number, raw = next(self._lines)
        text, note = decode_line(raw, number, self.source)
        if note:
            self.notes[number] = note
        return text


def read_csv(
    stream: BinaryIO,
    source: str,
    name: str,
    options: ReadOptions,
    done: DoneCheck | None = None,
    placeholders: bool = True,
) -> Iterator[Document]:
    """Read a CSV stream with a header row; the text in ``options.text_column``.

    Args:
        stream: Binary stream of the CSV data.
        source: The path as given (for ``source`` and messages).
        name: The file name, for ``<name>:<line>`` ids.
        options: Column names and the size limit.
        done: Unused (a row's extent is known only once it is parsed); part of the reader
            interface, like ``placeholders``.

    Yields:
        One document per row; a row with the wrong number of fields, or that the csv module
        can't parse, carries an error naming its line. A header without the text column
        gives one error document for the whole file.
    """
    lines = _NumberedLines(byte_lines(stream), source)
    reader = csv.reader(lines, strict=True)
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
        columns = printable(", ".join(map(repr, header)))
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
                error=f"Line {start} of {source} is not valid CSV: {exc}.",
            )
            return  # the parser can't resynchronise after this
        except Exception as exc:
            yield _stopped(f"{name}:{start}", f"{source}:{start}", source, start, exc)
            return
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
            doc_id = printable(row[id_at].strip())
            if not doc_id:
                yield Document(
                    fallback_id, where, error=f"{label} has an empty {options.id_field!r}."
                )
                continue
        notes = lines.notes
        warnings = tuple(notes.pop(n) for n in range(start, reader.line_num + 1) if n in notes)
        yield _row_document(
            doc_id,
            where,
            row[text_at],
            f"The {options.text_column!r} column on line {start} of {source}",
            warnings,
            options,
        )
