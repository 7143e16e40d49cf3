"""One batch run from start to end: check the inputs and output, read, work, write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from ..options import OUTPUT_FORMATS
from .local import BatchStats, run_local
from .readers import ReadOptions, check_inputs, iter_documents
from .work import Worker, WorkSpec
from .writer import JsonlWriter, Sink, TextTreeWriter

FORMATS = OUTPUT_FORMATS


def open_sink(output: str, fmt: str = "jsonl", *, resume: bool = True) -> Sink:
    """The sink for an output path and format, after checking they make sense.

    Args:
        output: The JSONL file (``jsonl``) or the folder (``txt``).
        fmt: ``"jsonl"`` or ``"txt"``.
        resume: Keep what is there and skip it; ``False`` starts afresh.

    Returns:
        A :class:`JsonlWriter` or a :class:`TextTreeWriter`.

    Raises:
        ValueError: For an unknown format, or an output of the wrong kind (a folder for
            JSONL, a file for txt).
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: accepted: {', '.join(FORMATS)}.")
    path = Path(output)
    if fmt == "jsonl":
        if path.is_dir():
            raise ValueError(f"The output {output!r} is a folder; --format jsonl needs a file.")
        return JsonlWriter(path, resume=resume)
    if path.exists() and not path.is_dir():
        raise ValueError(f"The output {output!r} is a file; --format txt needs a folder.")
    return TextTreeWriter(path, resume=resume)


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
) -> BatchStats:
    """Translate every input document into the output, skipping what is already there.

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

    Returns:
        The run's :class:`~.local.BatchStats`.

    Raises:
        ValueError: For usage errors (missing input, wrong output kind, ``--format txt`` with
            JSONL/CSV input), before any work starts.
        ModelUnavailableError: If a model can't be loaded.
    """
    opts = read_options if read_options is not None else ReadOptions()
    kinds = check_inputs(inputs)
    if fmt == "txt":
        rows = [p for p, kind in kinds if kind in ("jsonl", "csv")]
        if opts.stdin_format != "text" and any(kind == "stdin" for _, kind in kinds):
            rows.append("-")
        if rows:
            raise ValueError(
                f"--format txt writes one file per input file; {rows[0]!r} holds JSONL/CSV "
                "rows: use --format jsonl for it."
            )
    sink = open_sink(output, fmt, resume=resume)
    work = worker if worker is not None else (spec or WorkSpec()).build()
    try:
        docs = list(iter_documents(inputs, opts, stdin))
        return run_local(
            docs,
            work,
            sink,
            docs_per_step=docs_per_step,
            progress_bar=progress_bar,
            report=report,
        )
    finally:
        sink.close()
        work.close()
