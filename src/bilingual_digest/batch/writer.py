"""Where records go: an append-only JSONL file, or one translated text file per input.

Both sinks are crash-safe. A JSONL record is one complete line written with a single
``write`` call before the next document is counted as done (so a killed process loses
nothing: the line is the operating system's), and ``fsync``-ed at least once a second and at
the end (so a power cut loses at most the last second, which a resumed run does again); a
crash can at worst leave a torn *last* line, which :func:`scan_jsonl` drops and the writer
cuts off before appending. A text file is written to a temporary name and renamed into place.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .documents import Document
from .guard import FolderLock, RunStopped, lock_fd
from .ledger import Ledger

logger = logging.getLogger("bilingual_digest")


# How every record line starts (see encode_record): the id (group 1, escapes kept), the
# source, and ', "error": ' (group 2) when it is an error record.
_RECORD_HEAD = re.compile(
    rb'\{"id": "([^"\\]*(?:\\.[^"\\]*)*)", "source": "[^"\\]*(?:\\.[^"\\]*)*"(, "error": )?'
)


def encode_record(record: Mapping[str, Any]) -> bytes:
    """One record as its output line: JSON, ``id`` first, UTF-8, ending in ``\n``.

    Every engine writes records through this, so the same record is the same bytes.
    A record holding lone surrogates (text Python can hold but UTF-8 can't) is written with
    ASCII escapes instead of failing.

    Raises:
        ValueError: If the record has no string ``id``.
    """
    doc_id = record.get("id")
    if not isinstance(doc_id, str):
        raise ValueError("A record needs a string 'id'.")
    if next(iter(record)) != "id":
        record = {"id": doc_id, **record}
    try:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(record) + "\n").encode("ascii")


def line_id(raw: bytes) -> tuple[str, bool] | None:
    """The id of a record line, and whether it is an error record, without parsing the record.

    Records are written by :func:`encode_record`: a line starts with ``{"id": "…", "source":
    "…", `` and ends with ``}``, and an error record's next key is ``"error"``. Only that
    head is matched (one regular expression; the id is decoded): much faster than ``json.loads``
    of a whole record. Other lines (edited by hand, not records) are parsed in
    full.

    Args:
        raw: One complete line, ``b"\\n"`` included.

    Returns:
        ``(id, is_error)``, or ``None`` when the line is not a record with a string id.
    """
    head = _RECORD_HEAD.match(raw) if raw.endswith(b"}\n") else None
    if head is not None:
        body = head[1]
        try:
            doc_id = json.loads(b'"' + body + b'"') if b"\\" in body else body.decode()
        except ValueError:
            return None
        return doc_id, head[2] is not None
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return None
    return record["id"], "error" in record


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
        A :class:`ScanResult`. A last line without its newline is dropped as torn; complete
        lines that aren't records are reported in ``bad_lines`` and otherwise ignored.
    """
    result = ScanResult()
    if not os.path.exists(path):
        return result
    ids, failed, offset = result.ids, result.failed, 0
    with open(path, "rb", buffering=1 << 20) as f:
        for number, raw in enumerate(f, start=1):
            if not raw.endswith(b"\n"):
                result.torn = True
                break
            offset += len(raw)
            if raw.isspace():
                continue
            found = line_id(raw)
            if found is None:
                result.bad_lines.append(number)
                continue
            ids.add(found[0])
            if found[1]:
                failed.add(found[0])
    result.good_size = offset
    return result


class Sink(Protocol):
    """Where an engine sends finished records."""

    def ledger(self) -> Ledger:
        """A ledger that knows what the output already holds (see :mod:`.ledger`)."""
        ...

    def write(self, record: Mapping[str, Any], doc: Document) -> None:
        """Store one finished record durably before returning."""
        ...

    def close(self) -> None:
        """Flush and release what the sink holds (its lock included)."""
        ...


class JsonlWriter:
    """Append-only JSONL output: one record per line, each written whole and flushed.

    The file is locked while the writer is open: a second run on it is refused. A write that
    fails (disk full, I/O error) is cut off again, so the file always ends on a whole record.

    Args:
        path: The output file (created if missing, parent folders included).
        resume: Keep existing records and skip their ids; ``False`` starts the file afresh.
        fsync_every: ``fsync`` after this many records (1 = every record); ``None`` (the
            default): at most once every ``fsync_seconds``. The file is always fsync-ed on
            close. Every record is written by the time :meth:`write` returns, so a killed
            process loses nothing; ``fsync`` protects against power loss (it costs about as
            much as writing a few hundred records).
        fsync_seconds: With ``fsync_every=None``, the longest time between two fsyncs.
        retry_errors: Remove the error records first (their documents are done again).

    Raises:
        ValueError: If ``fsync_every`` is not a positive integer or ``None``.
        IsADirectoryError: If ``path`` is a folder.
        OutputBusyError: If another run has the file open for writing.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        resume: bool = True,
        fsync_every: int | None = None,
        retry_errors: bool = False,
        fsync_seconds: float = 1.0,
    ) -> None:
        bad = isinstance(fsync_every, bool) or not isinstance(fsync_every, int) or fsync_every < 1
        if fsync_every is not None and bad:
            raise ValueError(f"fsync_every must be a positive integer, got {fsync_every!r}.")
        self.fsync_seconds = fsync_seconds
        self.path = Path(path)
        if self.path.is_dir():
            raise IsADirectoryError(f"The output {str(self.path)!r} is a folder; give a file name.")
        self.fsync_every = fsync_every
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = lock_fd(self.path, _APPEND)
        try:
            if not resume:
                os.ftruncate(self._fd, 0)
            self.scan = scan_jsonl(self.path) if resume else ScanResult()
            if retry_errors and self.scan.failed:
                self._drop_error_records()
            elif self.scan.torn:
                logger.warning("%s ended with a torn (half-written) line; it was removed.", path)
                os.ftruncate(self._fd, self.scan.good_size)
        except BaseException:
            self.close()
            raise
        for number in self.scan.bad_lines:
            logger.warning("Line %d of %s is not a record; it was ignored.", number, self.path)
        self._size = os.fstat(self._fd).st_size
        self._unsynced = 0
        self._synced_at = time.monotonic()

    def _drop_error_records(self) -> None:
        """Rewrite the file without its error records (and a torn end), atomically."""
        tmp = self.path.with_name(f".{self.path.name}.retry.tmp")
        fd = lock_fd(tmp, _APPEND | os.O_TRUNC)
        try:
            with open(self.path, "rb") as old:
                kept = (raw for raw in old if raw.endswith(b"\n") and not _is_error_line(raw))
                for raw in kept:
                    _write_all(fd, raw)
            os.fsync(fd)
            os.replace(tmp, self.path)
            _fsync_folder(self.path.parent)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        os.close(self._fd)  # type: ignore[arg-type]
        self._fd = fd
        logger.warning(
            "%s: %d error record(s) removed; their documents are done again.",
            self.path,
            len(self.scan.failed),
        )
        self.scan.ids -= self.scan.failed
        self.scan.failed = set()

    def ledger(self) -> Ledger:
        """A :class:`~.ledger.Ledger` holding the ids this file already has (taken over)."""
        return Ledger(self.scan.ids, self.scan.failed)

    def is_done(self, doc: Document) -> bool:
        """Whether ``doc.id`` had a record in the file when it was opened."""
        return doc.id in self.scan.ids

    def failed_before(self, doc: Document) -> bool:
        """Whether ``doc.id`` has an error record from before this run."""
        return doc.id in self.scan.failed

    def write(self, record: Mapping[str, Any], doc: Document | None = None) -> None:
        """Append one record as one line with a single write (fsync-ed as configured).

        Args:
            record: A JSON-serialisable mapping with a string ``id``.
            doc: The document it is for (unused; part of the sink interface).

        Raises:
            ValueError: If the writer is closed or the record has no string ``id``.
            RunStopped: If the line can't be written (disk full, I/O error); the file is
                cut back to its last whole record.
        """
        self.write_line(encode_record(record))

    def write_line(self, data: bytes) -> None:
        """Append one encoded record (see :func:`encode_record`) durably."""
        if self._fd is None:
            raise ValueError(f"The writer for {self.path} is closed.")
        try:
            _write_all(self._fd, data)
            self._unsynced += 1
            if self._sync_due():
                os.fsync(self._fd)
                self._unsynced, self._synced_at = 0, time.monotonic()
        except OSError as exc:
            self._cut_back()
            raise RunStopped(
                f"Writing the output {str(self.path)!r} failed ({exc.strerror or exc}). The "
                "records written before are intact: fix the cause (free some disk space) and "
                "run the same command again to carry on."
            ) from exc
        self._size += len(data)

    def _sync_due(self) -> bool:
        if self.fsync_every is not None:
            return self._unsynced >= self.fsync_every
        return time.monotonic() - self._synced_at >= self.fsync_seconds

    def _cut_back(self) -> None:
        """Drop a partly written line after a failed write (the file ends on a whole record)."""
        try:
            os.ftruncate(self._fd, self._size)  # type: ignore[arg-type]
        except OSError:
            logger.warning(
                "%s could not be cut back; the next run removes its torn end.", self.path
            )

    def close(self) -> None:
        """fsync and close the file, releasing its lock (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_APPEND = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)


def _is_error_line(raw: bytes) -> bool:
    found = line_id(raw)
    return found is not None and found[1]


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    while written < len(data):  # regular files write whole; this guards odd filesystems
        written += os.write(fd, data[written:])


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
        OutputBusyError: If another run is writing the folder.
    """

    ERRORS = "_errors.jsonl"

    def __init__(self, root: str | os.PathLike[str], *, resume: bool = True) -> None:
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            raise NotADirectoryError(
                f"--format txt writes a folder tree, but {str(self.root)!r} is a file."
            )
        self.resume = resume
        self._lock = FolderLock(self.root)
        self._errors: JsonlWriter | None = None
        (self.root / self.ERRORS).unlink(missing_ok=True)

    def ledger(self) -> Ledger:
        """A :class:`~.ledger.Ledger` that asks this folder whether a translation exists."""
        return Ledger(is_done=self.is_done)

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
        try:
            if summaries:
                summary = "\n\n".join(summaries) + "\n"
                _write_atomic(path.with_name(path.name + ".summary.txt"), summary)
            _write_atomic(path, record["translation"])
        except OSError as exc:
            raise RunStopped(
                f"Writing {str(path)!r} failed ({exc.strerror or exc}). The files written "
                "before are intact: fix the cause and run the same command again to carry on."
            ) from exc

    def close(self) -> None:
        """Close the error log, if one was opened, and release the folder's lock."""
        try:
            if self._errors is not None:
                self._errors.close()
        finally:
            self._lock.release()

    def __enter__(self) -> TextTreeWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
