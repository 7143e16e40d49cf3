"""JSONL shards in a folder: the Ray engine's output (``part-00000.jsonl``, one more per run)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .documents import Document
from .guard import FolderLock
from .ledger import Ledger
from .writer import JsonlWriter, encode_record

SHARD_PATTERN = re.compile(r"^part-(\d{5,})\.jsonl$")


class ShardedJsonlSink:
    """JSONL shards in a folder: resume across all of them, append to a new one per run.

    The folder is locked while the sink is open (``.bilingual-digest.lock``): a second run on
    it is refused. Every existing ``part-NNNNN.jsonl`` is scanned (a torn last line, from a
    kill mid-write, is cut off by :class:`~.writer.JsonlWriter`); this run's records go to the
    next shard, created when the first record arrives.

    Args:
        folder: The output folder (created, with its lock file, when the sink opens).
        resume: Keep the existing shards and skip their ids; ``False`` deletes them first.
        fsync_every: Passed to :class:`~.writer.JsonlWriter`.
        retry_errors: Remove the shards' error records (their documents are done again).

    Raises:
        NotADirectoryError: If ``folder`` exists and is a file.
        OutputBusyError: If another run is using the folder.
    """

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        resume: bool = True,
        fsync_every: int | None = None,
        retry_errors: bool = False,
    ) -> None:
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise NotADirectoryError(
                f"The Ray engine writes JSONL shards into a folder, but {str(folder)!r} is a file."
            )
        self._lock = FolderLock(self.folder)
        self.fsync_every = fsync_every
        self.ids: set[str] = set()
        self.failed: set[str] = set()
        number = 0
        try:
            for shard in self.shards():
                if not resume:
                    shard.unlink()
                    continue
                with JsonlWriter(shard, resume=True, retry_errors=retry_errors) as existing:
                    self.ids |= existing.scan.ids
                    self.failed |= existing.scan.failed
                number = int(SHARD_PATTERN.match(shard.name)[1]) + 1  # type: ignore[index]
        except BaseException:
            self._lock.release()
            raise
        self.path = self.folder / f"part-{number:05d}.jsonl"
        self._writer: JsonlWriter | None = None

    def shards(self) -> list[Path]:
        """The shard files in the folder, in order."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if SHARD_PATTERN.match(p.name))

    def ledger(self) -> Ledger:
        """A :class:`~.ledger.Ledger` holding the ids the shards already have (taken over)."""
        return Ledger(self.ids, self.failed)

    def is_done(self, doc: Document) -> bool:
        """Whether ``doc.id`` had a record in some shard when the sink opened."""
        return doc.id in self.ids

    def failed_before(self, doc: Document) -> bool:
        """Whether ``doc.id`` has an error record from an earlier run."""
        return doc.id in self.failed

    def write(self, record: Mapping[str, Any], doc: Document | None = None) -> None:
        """Append one record to this run's shard (see :meth:`.JsonlWriter.write`)."""
        self.write_line(encode_record(record))

    def write_line(self, data: bytes) -> None:
        """Append one encoded record to this run's shard (made when first written to)."""
        if self._writer is None:
            self._writer = JsonlWriter(self.path, resume=True, fsync_every=self.fsync_every)
        self._writer.write_line(data)

    def close(self) -> None:
        """Close this run's shard and release the folder's lock (idempotent)."""
        try:
            if self._writer is not None:
                self._writer.close()
        finally:
            self._lock.release()

    def __enter__(self) -> ShardedJsonlSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
