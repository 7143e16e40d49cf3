"""Lists of links as batch input: one ``http(s)`` link a line, each fetched, its article read.

A file is a list of links when its name ends in ``.urls``, or when it is given as an input
(not found in a folder) and every line of it that is neither blank nor a ``#`` comment is an
``http``/``https`` link. Each link is one document whose id is the link itself (stable across
runs and line moves, so a resumed run skips it without fetching it again) and whose source
is ``<file>:<line>``. A line of a ``.urls`` file that is not a link, and a link met earlier
in the same list, are error records; the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..documents import is_url
from .documents import Document, ReadOptions
from .pages import url_document
from .rows import DoneCheck, byte_lines, decode_line, printable

URL_LIST_SUFFIXES = (".urls",)


def is_url_list_name(name: str) -> bool:
    """Whether a file's name marks it as a list of links (``.urls``)."""
    return name.lower().endswith(URL_LIST_SUFFIXES)


def _entry(raw: bytes, number: int, source: str) -> str:
    """One line's content: stripped, ``""`` for a blank line or a ``#`` comment."""
    line = decode_line(raw, number, source)[0].strip()
    return "" if line.startswith("#") else line


def looks_like_url_list(path: str | Path) -> bool:
    """Whether a text file holds only links: one or more, and nothing else but blank lines and
    ``#`` comments. Reading stops at the first line that is not a link (at once, for an
    article).

    Raises:
        OSError: If the file can't be read.
    """
    found = False
    with open(path, "rb") as f:
        for number, raw in enumerate(byte_lines(f), start=1):
            entry = _entry(raw, number, str(path))
            if entry and not is_url(entry):
                return False
            found = found or bool(entry)
    return found


def count_links(path: str) -> int:
    """How many links a list holds (lines that are neither blank nor comments)."""
    with open(path, "rb") as f:
        return sum(bool(_entry(raw, n, path)) for n, raw in enumerate(byte_lines(f), start=1))


def read_url_list(
    stream: BinaryIO,
    source: str,
    name: str,
    options: ReadOptions,
    done: DoneCheck | None = None,
    placeholders: bool = True,
) -> Iterator[Document]:
    """The documents of a list of links: each link fetched, its article extracted.

    Args:
        stream: Binary stream of the list.
        source: The path as given (for ``source`` and messages).
        name: The file name, for the ids of lines that are not links (``<name>:<line>``).
        options: How to fetch (:attr:`ReadOptions.fetch`) and the size limit.
        done: Says whether an id (a link) already has a record: it is then not fetched.
        placeholders: Yield placeholders for done links (else ``done`` does the bookkeeping).

    Yields:
        One document per link, in order (failures carry their error).
    """
    met: set[str] = set()
    for number, raw in enumerate(byte_lines(stream), start=1):
        entry = _entry(raw, number, source)
        if not entry:
            continue
        where = f"{source}:{number}"
        if not is_url(entry):
            yield Document(
                f"{name}:{number}",
                where,
                error=f"Line {number} of {source} is not an http(s) link: "
                f"{printable(entry[:200])!r}. A list of links holds one link a line (blank "
                "lines and # comments are skipped).",
            )
            continue
        url = printable(entry)
        if url in met:  # not fetched again: the ledger makes it a duplicate's error record
            yield Document(url, where, error=f"{url} is listed twice.")
            continue
        met.add(url)
        if done is not None and done(url):
            if placeholders:
                yield Document(url, where, done=True)
            continue
        yield url_document(url, where, url, options)
