"""Where records go: an append-only JSONL file, or one translated text file per input.

Both sinks are crash-safe. A JSONL record is one complete line written with a single
``write`` call and flushed (and ``fsync``-ed) before the next document is counted as done; a
kill can at worst leave a torn *last* line, which :func:`scan_jsonl` drops and the writer
cuts off before appending. A text file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .readers import Document

logger = logging.getLogger("bilingual_digest")


@dataclass
class ScanResult:
    """What an existing JSONL output holds.

    Attributes:
        ids: Ids that already have a record.
        failed: Ids whose record is an error record.
        good_size: Byte length of the file up to its last complete line.
        torn: True when bytes after the last complete line were found (a torn write).
        bad_lines: Line numbers of complete lines that are not JSON records with an id.
    """

    ids: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    good_size: int = 0
    torn: bool = False
    bad_lines: list[int] = field(default_factory=list)


def scan_jsonl(path: str | os.PathLike[str]) -> ScanResult:
    """Read the ids already written to a JSONL output, tolerating a torn last line.

    Args:
        path: The output file; a missing file is empty.

    Returns:
        A :class:`ScanResult`. A last line without its newline (or that isn't valid JSON and
        has no newline) is dropped as torn; complete lines that aren't records are reported
        in ``bad_lines`` and otherwise ignored.
    """
    result = ScanResult()
    if not os.path.exists(path):
        return result
    with open(path, "rb") as f:
        offset = 0
        for number, raw in enumerate(f, start=1):
            if not raw.endswith(b"\n"):
                result.torn = True
                break
            offset += len(raw)
            result.good_size = offset
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except ValueError:
                record = None
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                result.bad_lines.append(number)
                continue
            result.ids.add(record["id"])
            if "error" in record:
                result.failed.add(record["id"])
    return result


class Sink(Protocol):
    """Where an engine sends finished records."""

    def is_done(self, doc: Document) -> bool:
        """Whether the document already has a record (resume skips it)."""
        ...

    def failed_before(self, doc: Document) -> bool:
        """Whether the document's existing record is an error record."""
        ...

    def write(self, record: Mapping[str, Any], doc: Document) -> None:
        """Store one finished record durably before returning."""
        ...

    def close(self) -> None:
        """Flush and release what the sink holds."""
        ...


class JsonlWriter:
    """Append-only JSONL output: one record per line, each written whole and flushed.

    Args:
        path: The output file (created if missing, parent folders included).
        resume: Keep existing records and skip their ids; ``False`` starts the file afresh.
        fsync_every: ``fsync`` after this many records (1 = every record; the file is always
            fsync-ed on close). Every record is written by the time :meth:`write` returns,
            so a killed process loses nothing; ``fsync`` protects against power loss.

    Raises:
        ValueError: If ``fsync_every`` is not a positive integer.
        IsADirectoryError: If ``path`` is a folder.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, resume: bool = True, fsync_every: int = 1
    ) -> None:
        if isinstance(fsync_every, bool) or not isinstance(fsync_every, int) or fsync_every < 1:
            raise ValueError(f"fsync_every must be a positive integer, got {fsync_every!r}.")
        self.path = Path(path)
        if self.path.is_dir():
            raise IsADirectoryError(f"The output {str(self.path)!r} is a folder; give a file name.")
        self.fsync_every = fsync_every
        self.scan = scan_jsonl(self.path) if resume else ScanResult()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
        if not resume:
            flags |= os.O_TRUNC
        self._fd: int | None = os.open(self.path, flags, 0o644)
        if self.scan.torn:
            logger.warning("%s ended with a torn (half-written) line; it was removed.", self.path)
            os.ftruncate(self._fd, self.scan.good_size)
        for number in self.scan.bad_lines:
            logger.warning("Line %d of %s is not a record; it was ignored.", number, self.path)
        self._unsynced = 0

    def is_done(self, doc: Document) -> bool:
        """Whether ``doc.id`` already has a record in the file."""
        return doc.id in self.scan.ids

    def failed_before(self, doc: Document) -> bool:
        """Whether ``doc.id`` has an error record from before this run."""
        return doc.id in self.scan.failed

    def write(self, record: Mapping[str, Any], doc: Document | None = None) -> None:
        """Append one record as one line with a single write, then flush (and fsync).

        Args:
            record: A JSON-serialisable mapping with a string ``id``.
            doc: The document it is for (unused; part of the sink interface).

        Raises:
            ValueError: If the writer is closed or the record has no string ``id``.
        """
        if self._fd is None:
            raise ValueError(f"The writer for {self.path} is closed.")
        if not isinstance(record.get("id"), str):
            raise ValueError("A record needs a string 'id'.")
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        written = os.write(self._fd, data)
        while written < len(data):  # regular files write whole; this guards odd filesystems
            written += os.write(self._fd, data[written:])
        self.scan.ids.add(record["id"])
        self._unsynced += 1
        if self._unsynced >= self.fsync_every:
            os.fsync(self._fd)
            self._unsynced = 0

    def close(self) -> None:
        """fsync and close the file (idempotent)."""
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class TextTreeWriter:
    """``--format txt``: one translated file per input file, in a mirrored folder tree.

    A document's translation goes to ``root / doc.relpath`` (with ``--summarize``, the two
    summaries to ``<that>.summary.txt`` beside it). Failed documents are logged, and
    their error records written to ``root / "_errors.jsonl"`` (which describes the latest
    run only: failed documents have no output file, so a resumed run retries them).

    Args:
        root: The output folder (created if missing).
        resume: Skip documents whose output file exists; ``False`` overwrites them.

    Raises:
        NotADirectoryError: If ``root`` exists and is a file.
    """

    ERRORS = "_errors.jsonl"

    def __init__(self, root: str | os.PathLike[str], *, resume: bool = True) -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise NotADirectoryError(
                f"--format txt writes a folder tree, but {str(self.root)!r} is a file."
            )
        self.resume = resume
        self._errors: JsonlWriter | None = None
        (self.root / self.ERRORS).unlink(missing_ok=True)

    def target(self, doc: Document) -> Path:
        """The file a document's translation is written to."""
        if doc.relpath is None:
            raise ValueError(
                f"{doc.source} is a JSONL/CSV row: --format txt takes text files and folders."
            )
        return self.root / doc.relpath

    def is_done(self, doc: Document) -> bool:
        """Whether the document's translation file exists (and resuming is on)."""
        return self.resume and doc.relpath is not None and self.target(doc).is_file()

    def failed_before(self, doc: Document) -> bool:
        """Always False: failed documents have no output file, so they are retried."""
        return False

    def write(self, record: Mapping[str, Any], doc: Document) -> None:
        """Write the translation file atomically, or log and keep an error record.

        Args:
            record: The document's record (see the package docs).
            doc: The document, for its output path.
        """
        if "error" in record:
            logger.warning("%s: %s", record["id"], record["error"])
            if self._errors is None:
                self._errors = JsonlWriter(self.root / self.ERRORS, resume=False)
            self._errors.write(record)
            return
        path = self.target(doc)
        summaries = [text for key, text in record.items() if key.startswith("summary_")]
        if summaries:
            summary = "\n\n".join(summaries) + "\n"
            _write_atomic(path.with_name(path.name + ".summary.txt"), summary)
        _write_atomic(path, record["translation"])

    def close(self) -> None:
        """Close the error log, if one was opened."""
        if self._errors is not None:
            self._errors.close()


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
