"""One batch run from start to end: check, lock, load, then stream read → work → write."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from ..options import OUTPUT_FORMATS
from .guard import check_cache, check_placement, unwritable
from .local import run_local
from .progress import BatchStats, Progress, count_documents
from .readers import ReadOptions, check_inputs, input_kind, iter_documents
from .work import Worker, WorkSpec
from .writer import JsonlWriter, Sink, TextTreeWriter

logger = logging.getLogger("bilingual_digest")

FORMATS = OUTPUT_FORMATS


def open_sink(
    output: str, fmt: str = "jsonl", *, resume: bool = True, retry_errors: bool = False
) -> Sink:
    """The sink for an output path and format, after checking they make sense; locked.

    Args:
        output: The JSONL file (``jsonl``) or the folder (``txt``).
        fmt: ``"jsonl"`` or ``"txt"``.
        resume: Keep what is there and skip it; ``False`` starts afresh.
        retry_errors: Remove the output's error records so their documents are done again
            (``txt`` output never keeps failures, so they are always retried).

    Returns:
        A :class:`JsonlWriter` or a :class:`TextTreeWriter`.

    Raises:
        ValueError: For an unknown format, or an output of the wrong kind (a folder for
            JSONL, a file for txt).
        OutputBusyError: If another run is using the output.
        RunStopped: If the output can't be created or written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: accepted: {', '.join(FORMATS)}.")
    path = Path(output)
    if fmt == "jsonl" and path.is_dir():
        raise ValueError(f"The output {output!r} is a folder; --format jsonl needs a file.")
    if fmt == "txt" and path.exists() and not path.is_dir():
        raise ValueError(f"The output {output!r} is a file; --format txt needs a folder.")
    with unwritable(output):
        if fmt == "jsonl":
            return JsonlWriter(path, resume=resume, retry_errors=retry_errors)
        return TextTreeWriter(path, resume=resume)


def check_run(
    inputs: Sequence[str],
    output: str,
    fmt: str,
    opts: ReadOptions,
    *,
    kind: Callable[[str], str] = input_kind,
    folder_output: bool | None = None,
) -> list[tuple[str, str]]:
    """The usage checks every engine makes before anything is opened or written.

    Args:
        inputs: The inputs as given.
        output: The output as given.
        fmt: The output format.
        opts: How the inputs will be read.
        kind: Classifies one input (the Ray engine also takes object-storage URIs).
        folder_output: The output is a folder (default: ``fmt == "txt"``).

    Returns:
        The inputs' ``(path, kind)`` pairs.

    Raises:
        ValueError: For a missing input, inputs whose ids would clash, an output that is (or
            is inside) an input, or ``--format txt`` with JSONL/CSV input.
    """
    kinds = check_inputs(inputs, opts, kind)
    if fmt == "txt":
        links = [p for p, kind in kinds if kind == "urls"]
        if links:
            raise ValueError(
                f"--format txt writes one file per input file; {links[0]!r} is a list of links: "
                "use --format jsonl for it."
            )
        rows = [p for p, kind in kinds if kind in ("jsonl", "csv")]
        if opts.stdin_format != "text" and any(kind == "stdin" for _, kind in kinds):
            rows.append("-")
        if rows:
            raise ValueError(
                f"--format txt writes one file per input file; {rows[0]!r} holds JSONL/CSV "
                "rows: use --format jsonl for it."
            )
    folder = fmt == "txt" if folder_output is None else folder_output
    check_placement(inputs, output, folder_output=folder)
    return kinds


def run_batch(
    inputs: Sequence[str],
    output: str,
    *,
    fmt: str = "jsonl",
    resume: bool = True,
    read_options: ReadOptions | None = None,
    spec: WorkSpec | None = None,
    worker: Worker | None = None,
    docs_per_step: int = 8,
    progress_bar: bool = False,
    report: Callable[[str], None] | None = None,
    stdin: BinaryIO | None = None,
    retry_errors: bool = False,
) -> BatchStats:
    """Translate every input document into the output, skipping what is already there.

    Order of work: usage checks (inputs, output placement), the sentence cache, the output's
    lock, the models (all loaded now, so that one that is missing stops the run before it
    starts), then documents are streamed from the inputs through the worker into the output.

    Args:
        inputs: Files, folders, or ``"-"`` (see :func:`~.readers.iter_documents`).
        output: JSONL file, or folder for ``fmt="txt"``.
        fmt: ``"jsonl"`` (one record per document) or ``"txt"`` (a mirrored folder tree).
        resume: Skip documents that already have a record; ``False`` starts afresh.
        read_options: How inputs are read.
        spec: What to do (direction, summaries, models); defaults when omitted.
        worker: A ready worker (overrides ``spec``), e.g. one with fake translators.
        docs_per_step: Documents whose sentences are batched together.
        progress_bar: Show a tqdm bar on stderr.
        report: Receives periodic progress lines when there is no bar.
        stdin: Binary stream for ``"-"``.
        retry_errors: Do the documents whose record is an error record again (their old
            records are removed first).

    Returns:
        The run's :class:`~.progress.BatchStats`.

    Raises:
        ValueError: For usage errors (see :func:`check_run`), before any work starts.
        OutputBusyError: If another run is using the output.
        RunStopped: If the cache can't be used, or the output can't be written.
        ModelUnavailableError: If a model can't be loaded (before any document is read).
    """
    started = time.monotonic()
    opts = read_options if read_options is not None else ReadOptions()
    kinds = check_run(inputs, output, fmt, opts)
    spec = spec if spec is not None else WorkSpec()
    if worker is None:
        check_cache(spec.cache)
    created = not Path(output).exists()
    sink = open_sink(output, fmt, resume=resume, retry_errors=retry_errors)
    stats: BatchStats | None = None
    try:
        work = worker if worker is not None else spec.build()
        try:
            if worker is None:
                work.prepare()
            ledger = sink.ledger()
            say = report if report is not None else logger.info
            progress = Progress(None, progress_bar, say, 30.0, started)
            progress.count_in_background(lambda: count_documents(kinds), len(ledger.done))
            done = ledger.claim if fmt == "jsonl" else None  # done ones are not even read
            docs = iter_documents(inputs, opts, stdin, done=done, placeholders=False)
            stats = run_local(
                docs,
                work,
                sink,
                docs_per_step=docs_per_step,
                report=say,
                ledger=ledger,
                progress=progress,
            )
            return stats
        finally:
            work.close()
    finally:
        sink.close()
        if stats is None and created:
            _remove_if_empty(Path(output))


def _remove_if_empty(path: Path) -> None:
    """Leave no empty output behind when a run stops before its first record."""
    try:
        if path.is_file() and path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass
