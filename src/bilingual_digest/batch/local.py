"""The local engine: one process, documents in steps, a progress bar or periodic log lines."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from .readers import Document
from .work import Record, Worker
from .writer import Sink

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


def pending(docs: Sequence[Document], sink: Sink) -> tuple[list[Document], int]:
    """Split off the documents that already have a record.

    Args:
        docs: Every document of the run.
        sink: Where records go (it knows what is done).

    Returns:
        ``(to_do, skipped_count)``.
    """
    todo = [doc for doc in docs if not sink.is_done(doc)]
    return todo, len(docs) - len(todo)


def failed_earlier(docs: Sequence[Document], sink: Sink) -> int:
    """How many of the documents already have an error record (from an earlier run).

    Args:
        docs: Every document of the run.
        sink: Where records go; a sink without ``failed_before`` counts none.

    Returns:
        The count.
    """
    check = getattr(sink, "failed_before", None)
    return sum(bool(check(doc)) for doc in docs) if check is not None else 0


def run_local(
    docs: Sequence[Document],
    worker: Worker,
    sink: Sink,
    *,
    docs_per_step: int = 8,
    progress_bar: bool = False,
    report: Callable[[str], None] | None = None,
    report_every: float = 30.0,
) -> BatchStats:
    """Process documents in this process, writing each record as soon as it is made.

    Args:
        docs: The documents; those the sink already has are skipped.
        worker: Does the work (see :mod:`bilingual_digest.batch.work`).
        sink: Receives the records (it writes them durably before returning).
        docs_per_step: Documents whose sentences are batched together.
        progress_bar: Show a tqdm bar (documents/s, ETA) on stderr; for terminals.
        report: Receives a progress line every ``report_every`` seconds when there is no bar
            (default: logged at INFO).
        report_every: Seconds between progress lines.

    Returns:
        The run's :class:`BatchStats`.

    Raises:
        ValueError: If ``docs_per_step`` is not a positive integer.
        ModelUnavailableError: If a model can't be loaded (records written so far stay).
    """
    if isinstance(docs_per_step, bool) or not isinstance(docs_per_step, int) or docs_per_step < 1:
        raise ValueError(f"docs_per_step must be a positive integer, got {docs_per_step!r}.")
    say = report if report is not None else logger.info
    started = time.monotonic()
    todo, skipped = pending(docs, sink)
    stats = BatchStats(skipped=skipped, skipped_failed=failed_earlier(docs, sink))
    if stats.skipped:
        say(f"resuming: {stats.skipped} document(s) already have a record and are skipped")

    def results() -> Iterator[tuple[Document, Record]]:
        for first in range(0, len(todo), docs_per_step):
            step = todo[first : first + docs_per_step]
            yield from zip(step, worker.process(step), strict=True)

    try:
        write_records(results(), sink, stats, len(todo), progress_bar, say, report_every, started)
    finally:
        stats.elapsed = time.monotonic() - started
    return stats


def write_records(
    results: Iterable[tuple[Document, Record]],
    sink: Sink,
    stats: BatchStats,
    total: int,
    progress_bar: bool,
    say: Callable[[str], None],
    report_every: float,
    started: float,
) -> None:
    """Write each record as it arrives, count it, and report progress (every engine's loop).

    Args:
        results: ``(document, record)`` pairs, in any order.
        sink: Where records go.
        stats: Counters to update.
        total: Documents expected, for the bar and the ETA.
        progress_bar: Show a tqdm bar on stderr (else periodic lines through ``say``).
        say: Receives progress lines.
        report_every: Seconds between progress lines.
        started: ``time.monotonic()`` at the start of the run.
    """
    bar = None
    if progress_bar:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="doc", dynamic_ncols=True)
    last_report = started
    try:
        for doc, record in results:
            sink.write(record, doc)
            if "error" in record:
                stats.failed += 1
                logger.info("failed %s: %s", doc.id, record["error"])
            else:
                stats.done += 1
                logger.info("translated %s", doc.id)
            if bar is not None:
                bar.update(1)
            elif time.monotonic() - last_report >= report_every:
                last_report = time.monotonic()
                say(_progress_line(stats, total, last_report - started))
    finally:
        if bar is not None:
            bar.close()


def _progress_line(stats: BatchStats, total: int, elapsed: float) -> str:
    finished = stats.done + stats.failed
    rate = finished / elapsed if elapsed > 0 else 0.0
    eta = f", about {(total - finished) / rate:.0f}s left" if rate > 0 else ""
    return f"{finished}/{total} documents ({stats.failed} failed), {rate:.2f} doc/s{eta}"
