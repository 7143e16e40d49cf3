"""The local engine: one process, documents streamed in steps, a progress bar or log lines.

Documents are taken from their iterator one step (``docs_per_step``) at a time: neither the
archive nor the list of pending documents is ever held, so memory does not grow with the
archive (only the ids met, see :class:`~.ledger.Ledger`), and the first record is written as
soon as the first step is translated.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sized

from .documents import Document
from .ledger import Ledger
from .progress import BatchStats, Progress
from .work import Worker
from .writer import Sink

logger = logging.getLogger("bilingual_digest")

__all__ = ["BatchStats", "check_positive", "resuming_line", "run_local"]


def check_positive(name: str, value: object) -> None:
    """Raise ``ValueError`` unless ``value`` is a positive ``int`` (``None`` is let through)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")


def resuming_line(ledger: Ledger) -> str | None:
    """The line said when a run resumes, or ``None`` when the output is new."""
    if not ledger.done:
        return None
    return f"resuming: {len(ledger.done)} document(s) already have a record and are skipped"


def steps(docs: Iterable[Document], ledger: Ledger, size: int) -> Iterator[list[Document]]:
    """The documents to do, ``size`` at a time, in order, through the ledger (skips, repeats)."""
    step: list[Document] = []
    for doc in docs:
        admitted = ledger.admit(doc)
        if admitted is None:
            continue
        step.append(admitted)
        if len(step) >= size:
            yield step
            step = []
    if step:
        yield step


def run_local(
    docs: Iterable[Document],
    worker: Worker,
    sink: Sink,
    *,
    docs_per_step: int = 8,
    progress_bar: bool = False,
    report: Callable[[str], None] | None = None,
    report_every: float = 30.0,
    ledger: Ledger | None = None,
    progress: Progress | None = None,
) -> BatchStats:
    """Process documents in this process, writing each record as soon as it is made.

    Args:
        docs: The documents, any iterable (a generator is read lazily); those the output
            already has are skipped, a repeated id gets an error record of its own.
        worker: Does the work (see :mod:`bilingual_digest.batch.work`).
        sink: Receives the records (it writes them durably before returning).
        docs_per_step: Documents whose sentences are batched together.
        progress_bar: Show a tqdm bar (documents/s, ETA) on stderr; for terminals.
        report: Receives a progress line every ``report_every`` seconds when there is no bar
            (default: logged at INFO).
        report_every: Seconds between progress lines.
        ledger: What the output holds (default: ``sink.ledger()``); give the one the reader
            was told about (``iter_documents(done=ledger.known_done)``).
        progress: A ready progress reporter (else one is made; the total is known for a
            sized ``docs``).

    Returns:
        The run's :class:`BatchStats`.

    Raises:
        ValueError: If ``docs_per_step`` is not a positive integer.
        ModelUnavailableError: If a model can't be loaded (records written so far stay).
        RunStopped: If the output or the cache fails (records written so far stay).
    """
    check_positive("docs_per_step", docs_per_step)
    say = report if report is not None else logger.info
    started = progress.started if progress is not None else time.monotonic()
    ledger = ledger if ledger is not None else sink.ledger()
    if progress is None:
        total = None
        if isinstance(docs, Sized):
            total = sum(not ledger.known_done(doc.id) for doc in docs)  # type: ignore[attr-defined]
        progress = Progress(total, progress_bar, say, report_every, started)
    line = resuming_line(ledger)
    if line is not None:
        say(line)
    stats = BatchStats()
    try:
        for step in steps(docs, ledger, docs_per_step):
            for doc, record in zip(step, worker.process(step), strict=True):
                sink.write(record, doc)
                progress.record(stats, doc.id, record.get("error"))
    finally:
        progress.close()
        stats.skipped, stats.skipped_failed = ledger.skipped, ledger.skipped_failed
        stats.elapsed = time.monotonic() - started
    return stats
