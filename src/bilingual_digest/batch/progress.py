"""Progress of a batch run: counters, a tqdm bar or periodic lines, and a cheap count of the work.

The documents are streamed, so how many there are is not known when the run starts; a
background count (one walk of the folders, newlines of the JSONL files: constant memory) gives
the bar its total and the ETA a few moments later. Standard input and CSV files (whose rows
may span lines) leave the total unknown: the bar then shows the count and the rate only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .links import count_links
from .readers import walk_folder
from .rows import CHUNK

logger = logging.getLogger("bilingual_digest")


@dataclass
class BatchStats:
    """The outcome of a run.

    Attributes:
        done: Documents translated in this run.
        failed: Documents that got an error record in this run.
        skipped: Documents skipped because they already had a record (resume).
        skipped_failed: Of those, the ones whose record is an error record.
        elapsed: Seconds the run took.
    """

    done: int = 0
    failed: int = 0
    skipped: int = 0
    skipped_failed: int = 0
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no document of the run has an error record (earlier runs included)."""
        return not (self.failed or self.skipped_failed)

    def summary(self) -> str:
        """The final line: ``done N, failed N, skipped N, elapsed Xs``."""
        earlier = f" ({self.skipped_failed} failed earlier)" if self.skipped_failed else ""
        return (
            f"done {self.done}, failed {self.failed}, skipped {self.skipped}{earlier}, "
            f"elapsed {self.elapsed:.1f}s"
        )


def count_documents(kinds: Sequence[tuple[str, str]]) -> int | None:
    """How many documents the inputs hold, cheaply: ``None`` when that can't be known.

    Folders are walked (names only), JSONL files' newlines counted in 1 MiB chunks; CSV files
    and standard input give ``None``.

    Args:
        kinds: ``(path, kind)`` pairs (see :func:`~.readers.check_inputs`).

    Returns:
        The count (blank JSONL lines included), or ``None``.
    """
    total = 0
    for path, kind in kinds:
        if kind in ("text", "html"):
            total += 1
        elif kind == "urls":
            total += count_links(path)
        elif kind == "dir":
            total += sum(error is None for _, error in walk_folder(path))
        elif kind == "jsonl":
            total += count_lines(path)
        else:
            return None
    return total


def count_lines(path: str) -> int:
    """Lines in a file (a last line without its newline counted), read in 1 MiB chunks."""
    lines, last = 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


class Progress:
    """Counts finished documents and shows them: a tqdm bar, or a line every ``report_every`` s.

    Args:
        total: Documents expected, if known (it may be set later, see :meth:`set_total`).
        progress_bar: Show a tqdm bar on stderr (else periodic lines through ``say``).
        say: Receives progress lines.
        report_every: Seconds between progress lines.
        started: ``time.monotonic()`` at the start of the run.
    """

    def __init__(
        self,
        total: int | None,
        progress_bar: bool,
        say: Callable[[str], None],
        report_every: float,
        started: float,
    ) -> None:
        self.total = total
        self.say = say
        self.report_every = report_every
        self.started = started
        self._last = started
        self._bar = None
        if progress_bar:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="doc", dynamic_ncols=True)

    def set_total(self, total: int | None) -> None:
        """Set the expected count once it is known (thread-safe: applied on the next update)."""
        self.total = total

    def count_in_background(self, count: Callable[[], int | None], already: int = 0) -> None:
        """Run ``count`` in a daemon thread and use its result, less ``already``, as the total."""

        def run() -> None:
            try:
                found = count()
            except Exception:  # the count is a nicety: the run doesn't depend on it
                logger.debug("Counting the documents failed", exc_info=True)
                return
            if found is not None:
                self.set_total(max(found - already, 0))

        threading.Thread(target=run, name="bilingual-digest-count", daemon=True).start()

    def record(self, stats: BatchStats, doc_id: str, error: str | None) -> None:
        """Count one written record and show progress.

        Args:
            stats: Counters to update.
            doc_id: The record's id (logged).
            error: The record's error, if it is an error record.
        """
        if error is not None:
            stats.failed += 1
            logger.info("failed %s: %s", doc_id, error)
        else:
            stats.done += 1
            logger.info("translated %s", doc_id)
        if self._bar is not None:
            if self._bar.total != self.total:
                self._bar.total = self.total
                self._bar.refresh()
            self._bar.update(1)
        elif time.monotonic() - self._last >= self.report_every:
            self._last = time.monotonic()
            self.say(self.line(stats, self._last - self.started))

    def line(self, stats: BatchStats, elapsed: float) -> str:
        """``N/T documents (F failed), R doc/s, about S s left`` (no total: ``N documents``)."""
        finished = stats.done + stats.failed
        rate = finished / elapsed if elapsed > 0 else 0.0
        if self.total is None:
            return f"{finished} documents ({stats.failed} failed), {rate:.2f} doc/s"
        left = max(self.total - finished, 0)
        eta = f", about {left / rate:.0f}s left" if rate > 0 else ""
        return f"{finished}/{self.total} documents ({stats.failed} failed), {rate:.2f} doc/s{eta}"

    def close(self) -> None:
        """Close the bar, if one is shown."""
        if self._bar is not None:
            self._bar.close()
