"""Turn the batch script's inputs into documents: files, folders, JSONL, CSV, saved web pages
(``.html``: their article, see :mod:`.pages`), lists of links (fetched, see :mod:`.links`)
and stdin.

Every input becomes a *stream* of :class:`Document`, read lazily: nothing holds the archive
(a folder is walked one directory at a time, rows are read line by line). A document that
can't be read (binary, undecodable, empty, over the size limit, a malformed JSONL line or CSV
row, an unreadable file or folder, a file name that is not UTF-8, a crash in a reader) is still
a document, with :attr:`Document.error` set, so that it gets an error record and the run goes
on. Ids may repeat across inputs; the engines' :class:`~.ledger.Ledger` turns a repeat into
an error record of its own.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..sanitize import byte_limit, decode_bytes, read_head
from .documents import STDIN_FORMATS, Document, ReadOptions
from .links import is_url_list_name, looks_like_url_list, read_url_list
from .pages import is_page_name, output_relpath, page_document
from .rows import DoneCheck, printable, read_csv, read_jsonl

logger = logging.getLogger("bilingual_digest")

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
STDIN = "-"

__all__ = [
    "STDIN_FORMATS",
    "Document",
    "ReadOptions",
    "check_inputs",
    "decode",
    "input_kind",
    "iter_documents",
    "read_csv",
    "read_jsonl",
    "read_text_file",
    "walk_folder",
]


def is_uri(path: str) -> bool:
    """Whether an input names object storage (``s3://…``, ``gs://…``, ``file://…``)."""
    scheme, sep, _ = path.partition("://")
    return bool(sep) and scheme.replace("+", "").isalnum()


def kind_of_file(name: str) -> str:
    """``"jsonl"``, ``"csv"``, ``"html"`` (a saved page), ``"urls"`` (a list of links) or
    ``"text"`` from a file name's suffix."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if is_page_name(name):
        return "html"
    if is_url_list_name(name):
        return "urls"
    return "text"


def input_kind(path: str) -> str:
    """Classify one command-line input.

    A text file whose lines are all links (blank lines and ``#`` comments aside) is a list
    of links (see :mod:`.links`); a ``.urls`` file always is.

    Args:
        path: A file, a folder, or ``"-"``.

    Returns:
        ``"stdin"``, ``"dir"``, ``"jsonl"``, ``"csv"``, ``"html"``, ``"urls"`` or ``"text"``.

    Raises:
        ValueError: If the path does not exist (a usage error).
    """
    if path == STDIN:
        return "stdin"
    p = Path(path)
    if p.is_dir():
        return "dir"
    if not p.exists():
        hint = " (object storage is read by --engine ray)" if is_uri(path) else ""
        raise ValueError(f"Input not found: {path!r} (give files, folders, or - for stdin){hint}.")
    kind = kind_of_file(p.name)
    if kind == "text" and _url_list(p):
        return "urls"
    return kind


def _url_list(path: Path) -> bool:
    try:
        return looks_like_url_list(path)
    except OSError:  # unreadable: the reader says so, as the document's error
        return False


def check_inputs(
    inputs: Iterable[str],
    options: ReadOptions | None = None,
    kind: Callable[[str], str] = input_kind,
) -> list[tuple[str, str]]:
    """Check the inputs before any work starts.

    Args:
        inputs: Paths as given on the command line.
        options: How they will be read (ids of rows come from file names without an id field).
        kind: Classifies one input (see :func:`input_kind`).

    Returns:
        ``(path, kind)`` pairs, in order.

    Raises:
        ValueError: If there are no inputs, an input does not exist, stdin is given twice, or
            two files whose ids come from their names have the same name (their ids would
            clash: ``a/x.txt b/x.txt`` are both ``x.txt``).
    """
    opts = options if options is not None else ReadOptions()
    kinds = [(path, kind(path)) for path in inputs]
    if not kinds:
        raise ValueError("No input given: name files, folders, or - for standard input.")
    if sum(k == "stdin" for _, k in kinds) > 1:
        raise ValueError("Standard input (-) can be given only once.")
    named: dict[str, str] = {}
    for path, k in kinds:
        if k in ("text", "html") or (k in ("jsonl", "csv") and opts.id_field is None):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if name in named:
                raise ValueError(
                    f"Two inputs are named {name!r} ({named[name]!r} and {path!r}): their "
                    "documents would get the same ids (file name, or name:line). Rename one, "
                    "give their common folder instead, or use --id-field."
                )
            named[name] = path
    return kinds


def decode(
    data: bytes, *, what: str, max_chars: int, size: int | None = None
) -> tuple[str | None, str | None, list[str]]:
    """Decode one document's bytes (see :func:`~bilingual_digest.sanitize.decode_bytes`).

    Args:
        data: The raw bytes (perhaps only the start of the file, see
            :func:`~bilingual_digest.sanitize.read_head`).
        what: How to name the document in messages.
        max_chars: Largest accepted text, in characters.
        size: The file's real size when ``data`` is only its start.

    Returns:
        ``(text, error, warnings)``: ``text`` is ``None`` exactly when ``error`` is set.
    """
    try:
        text, warnings = decode_bytes(data, what=what, max_chars=max_chars, size=size)
    except InputError as exc:
        return None, str(exc), []
    return text, None, warnings


def iter_documents(
    inputs: Iterable[str],
    options: ReadOptions | None = None,
    stdin: BinaryIO | None = None,
    *,
    done: DoneCheck | None = None,
    placeholders: bool = True,
) -> Iterator[Document]:
    """Yield the documents of every input, in order, lazily; unreadable ones carry an error.

    Args:
        inputs: Files (``.txt``/``.md`` or any text file, ``.jsonl``, ``.csv``), folders
            (searched recursively for ``.txt`` and ``.md``; hidden names skipped), or ``"-"``
            for standard input.
        options: How to read them; defaults for omitted.
        stdin: Binary stream read for ``"-"``; ``sys.stdin.buffer`` when ``None``.
        done: Says whether an id already has a record (a resumed run): a document whose id
            is known before its content (a file, a row without ``id_field``) and is done is
            not read: it is yielded as a placeholder with ``done=True``.
        placeholders: ``False``: yield nothing for such documents (``done`` then does the
            bookkeeping, as :meth:`~.ledger.Ledger.claim` does).

    Yields:
        One :class:`Document` per file, JSONL line or CSV row. Ids are not de-duplicated
        here (see :class:`~.ledger.Ledger`).

    Raises:
        ValueError: For the usage errors of :func:`check_inputs`, before anything is yielded.
    """
    opts = options if options is not None else ReadOptions()
    for path, kind in check_inputs(inputs, opts):
        yield from guarded(read_input(path, kind, opts, stdin, done, placeholders), path)


def guarded(documents: Iterator[Document], path: str) -> Iterator[Document]:
    """The documents of one input; a reader that crashes ends the input with an error document.

    The error document's id is the input's name with ``:unread`` (stable, so a resumed run
    skips it rather than stopping at the same place again).
    """
    try:
        yield from documents
    except Exception as exc:
        logger.debug("Reading %s failed", path, exc_info=True)
        name = printable(Path(path).name or path)
        yield Document(
            f"{name}:unread",
            printable(path),
            error=f"Reading {printable(path)} failed ({type(exc).__name__}: {exc}); the rest of "
            "it was not read.",
        )


def read_input(
    path: str,
    kind: str,
    opts: ReadOptions,
    stdin: BinaryIO | None,
    done: DoneCheck | None,
    placeholders: bool = True,
) -> Iterator[Document]:
    """The documents of one input of a known kind (see :func:`iter_documents`)."""
    if kind == "dir":
        yield from read_folder(path, opts, done, placeholders)
    elif kind in ("text", "html"):
        doc = read_text_file(Path(path), Path(path).name, opts, done=done)
        if placeholders or not doc.done:
            yield doc
    elif kind == "stdin":
        stream = stdin if stdin is not None else _stdin_buffer()
        if opts.stdin_format == "text":
            data = stream.read()
            text, error, warnings = decode(data, what="standard input", max_chars=opts.max_chars)
            yield Document(STDIN, "<stdin>", text, error, tuple(warnings), relpath="stdin.txt")
        else:
            reader = read_jsonl if opts.stdin_format == "jsonl" else read_csv
            yield from reader(stream, "<stdin>", "stdin", opts, done, placeholders)
    else:
        reader = {"jsonl": read_jsonl, "csv": read_csv, "urls": read_url_list}[kind]
        source, name = printable(path), printable(Path(path).name)
        try:
            stream = open(path, "rb")  # noqa: SIM115 (closed below, also on a crash)
        except OSError as exc:
            yield Document(name, source, error=f"{source} can't be read: {exc.strerror or exc}.")
            return
        with stream:
            yield from reader(stream, source, name, opts, done, placeholders)


def _stdin_buffer() -> BinaryIO:
    import sys

    return sys.stdin.buffer


def is_document_name(name: str) -> bool:
    """Whether a folder's file is a document: a text (``.txt``, ``.md``) or a saved page."""
    return name.lower().endswith(TEXT_SUFFIXES) or is_page_name(name)


def walk_folder(root: str) -> Iterator[tuple[str, OSError | None]]:
    """The documents under a folder (``.txt``, ``.md``, ``.html``…), as paths relative to it,
    in sorted order.

    Depth first, each directory's entries sorted by name (the order of ``sorted(rglob())``);
    names starting with ``.`` are skipped, symlinked folders are not followed. Only one
    directory's names are held at a time. Names are kept exactly as the OS gives them
    (undecodable bytes as surrogates, so the file can still be opened).

    Yields:
        ``(relative_path, None)`` per file; ``(relative_path, error)`` for an entry or a
        folder that can't be listed (the walk goes on).
    """

    def walk(folder: str, prefix: str) -> Iterator[tuple[str, OSError | None]]:
        try:
            with os.scandir(folder) as entries:
                files, dirs = [], set()
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        dirs.add(entry.name)
                    elif is_document_name(entry.name) and entry.is_file():
                        files.append(entry.name)
        except OSError as exc:
            yield prefix.rstrip("/") or ".", exc
            return
        for name in sorted([*files, *dirs]):
            if name in dirs:
                yield from walk(os.path.join(folder, name), f"{prefix}{name}/")
            else:
                yield prefix + name, None

    yield from walk(root, "")


def read_folder(
    root: str, opts: ReadOptions, done: DoneCheck | None = None, placeholders: bool = True
) -> Iterator[Document]:
    """The documents of a folder's ``.txt``, ``.md`` and saved pages (see :func:`walk_folder`)."""
    found = False
    for rel, error in walk_folder(root):
        found = True
        if error is not None:
            yield unlisted_document(root, rel, str(error.strerror or error))
            continue
        doc = read_text_file(Path(root) / rel, rel, opts, done=done)
        if placeholders or not doc.done:
            yield doc
    if not found:
        logger.warning("No .txt, .md or .html files under %s", printable(root))


def unlisted_document(root: str, rel: str, reason: str) -> Document:
    """The error document of a folder entry that could not be listed (or a folder)."""
    joined = f"{root.rstrip('/')}/{rel}" if is_uri(root) else os.fspath(Path(root) / rel)
    source = printable(joined)
    return Document(printable(rel), source, error=f"{source} can't be read: {reason}.")


def read_text_file(
    path: Path,
    doc_id: str,
    options: ReadOptions,
    *,
    done: DoneCheck | None = None,
    source: str | None = None,
) -> Document:
    """Read one file as one document: its text, or for a saved page (an HTML suffix) its
    article (see :mod:`.pages`).

    Reading stops past what the document may hold (4 bytes a character of ``max_chars``; for
    a page, the page size limit): an over-limit error gives the file's real size.

    Args:
        path: The file.
        doc_id: Its id (its path relative to the input root), as the OS spells it.
        options: Reading options (the size limits).
        done: Says whether the id already has a record: then the file is not read.
        source: How to name it (default: ``path``), e.g. the path as the user gave it when
            ``path`` was made absolute for another process.

    Returns:
        The document, with ``error`` set if the file can't be read. A name that is not valid
        UTF-8 keeps its bytes in ``relpath`` and shows them as ``\\xNN`` in the id and
        source, with a warning.
    """
    source, safe_id = printable(source or os.fspath(path)), printable(doc_id)
    if done is not None and done(safe_id):
        return Document(safe_id, source, relpath=output_relpath(doc_id), done=True)
    try:
        with open(path, "rb") as f:
            data, size = read_head(f, file_limit(doc_id, options))
    except OSError as exc:
        return Document(safe_id, source, error=f"{source} can't be read: {exc.strerror or exc}.")
    return file_document(data, safe_id, source, doc_id, options, size=size)


def file_limit(name: str, options: ReadOptions) -> int:
    """The most bytes read of a file: what ``max_chars`` can take, or a page's size limit."""
    if is_page_name(name):
        return options.fetch_options().max_bytes
    return byte_limit(options.max_chars)


def file_document(
    data: bytes,
    doc_id: str,
    source: str,
    relpath: str,
    options: ReadOptions,
    *,
    size: int | None = None,
) -> Document:
    """One file's document from its bytes: a saved page's article, else its text."""
    make = page_document if is_page_name(relpath) else text_document
    return make(data, doc_id, source, relpath, options, size=size)


def text_document(
    data: bytes,
    doc_id: str,
    source: str,
    relpath: str,
    options: ReadOptions,
    *,
    size: int | None = None,
) -> Document:
    """One text file's document from its bytes (every engine reads files through this).

    ``data`` may be only the file's start (see :func:`~bilingual_digest.sanitize.read_head`);
    ``size`` is then the file's real size, which an over-limit error gives.
    """
    text, error, warnings = decode(data, what=source, max_chars=options.max_chars, size=size)
    if doc_id != relpath:
        warnings.insert(
            0,
            f"The file name {source} is not valid UTF-8; its id shows the undecodable bytes "
            "as \\xNN.",
        )
    return Document(doc_id, source, text, error, tuple(warnings), relpath=relpath)
