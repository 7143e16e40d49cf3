"""The Ray engine: the same per-document work on a Ray cluster (or a local Ray instance).

The driver does not read the archive: it plans (lists folders; names only), and Ray Data's
read tasks read the files on the workers (:mod:`.ray_source`: local paths on storage every
node sees, or object-storage URIs through pyarrow's file systems) with the local engine's
readers. A fixed pool of actors (``map_batches`` with :class:`ray.data.ActorPoolStrategy`)
runs :class:`~.work.Worker` on batches of documents, each actor loading its models once; the
records come back to the driver *in input order* (``preserve_order``), which puts each
through the same :class:`~.ledger.Ledger` as the local engine (resume skips, repeated ids)
and writes it, as the encoded line the actor made, to JSONL shards in the output folder
(``part-00000.jsonl``, ``part-00001.jsonl``, … one per run) with the local engine's
crash-safe writer: the records are the local engine's, byte for byte, in the same order.
The plan runs as consecutive Ray Data executions of about 64 MiB of input each (per 8
workers; see :func:`windows`), so that what Ray Data keeps per block does not pile up in the
driver over a whole archive.

Guarantees, as locally:

- Resume: documents whose id has a record in any shard of the folder are skipped (the
  workers get the done ids as 16-byte digests and don't read or translate those documents;
  their ids reach the driver listed in the next row, not as rows of their own). Parts of
  the plan whose every line has a record are not run at all (:mod:`.ray_resume`): Ray Data
  starts where the done records stop.
- A document that fails gets an error record; the run goes on. A model that can't be loaded,
  or a cache or output that fails, stops the run with its message.
- An actor that dies (killed, out of memory, node lost) is restarted by Ray and its batch is
  retried (Ray Data's actor pools use ``max_restarts=-1`` and ``max_task_retries=-1``);
  a read task that dies is retried. Only the driver writes, once per document, and a row Ray
  delivers again after a retry is recognised by its place in the run and dropped.

Standard input can't be read by the workers: with ``-`` among the inputs the driver reads
the inputs and ships the documents to Ray (``ray.data.from_items``), which holds them all.

Ray is an optional extra (``pip install 'bilingual-digest[ray]'``), imported only when a run
starts (see :mod:`.ray_cluster`).
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from . import ray_source
from .documents import Document, ReadOptions
from .guard import check_cache, unwritable
from .local import check_positive, resuming_line, steps
from .progress import BatchStats, Progress
from .ray_cluster import (
    INSTALL_HINT,
    RayEngineError,
    actor_env,
    check_address,
    ray_missing,
    ray_session,
    worker_env,
)
from .ray_resume import done_parts, segments
from .ray_source import (
    DoneSet,
    Piece,
    RayWorker,
    doc_to_json,
    line_index,
    make_source,
    plan,
    skips_of,
    uri_kind,
)
from .readers import iter_documents
from .run import check_run
from .shards import ShardedJsonlSink
from .work import WorkSpec, error_record
from .writer import encode_record

logger = logging.getLogger("bilingual_digest")

__all__ = [
    "INSTALL_HINT",
    "RayEngineError",
    "RayWorker",
    "ShardedJsonlSink",
    "check_address",
    "ray_missing",
    "ray_session",
    "run_ray",
    "run_ray_batch",
]

MAX_BLOCKS = 10_000
MIN_BLOCK_BYTES, MAX_BLOCK_BYTES = 2 << 10, 64 << 10
WINDOW_BYTES = 64 << 20  # input per Ray Data execution, per 8 workers (see windows)
IN_FLIGHT_BYTES, IN_FLIGHT_BYTES_PER_WORKER = 16 << 20, 2 << 20  # see _configure
READ_TASKS = 2  # at a time: reading is fast, and finished parts free what Ray holds for them


class _Run:
    """What every Ray run shares: the output, its ledger, progress, and the collect loop."""

    def __init__(
        self,
        sink: ShardedJsonlSink,
        progress_bar: bool,
        report: Callable[[str], None] | None,
        report_every: float,
        started: float,
    ) -> None:
        self.sink = sink
        self.ledger = sink.ledger()
        self.say = report if report is not None else logger.info
        self.progress = Progress(None, progress_bar, self.say, report_every, started)
        self.stats = BatchStats()
        self.started = started
        line = resuming_line(self.ledger)
        if line is not None:
            self.say(line)

    def collect(self, rows: Iterable[Mapping[str, Any]], *, admitted: bool) -> None:
        """Write the records coming back from the actors, in input order.

        Args:
            rows: The actors' output rows (see :class:`~.ray_source.RayWorker`).
            admitted: The documents went through the ledger on the driver already
                (driver-fed runs); else each is put through it here, as the local engine
                does before translating.

        Raises:
            RayEngineError: With an actor's fatal error (a model, the cache).
        """
        last = (-1, -1)
        for row in rows:
            if row["fatal"]:
                raise RayEngineError(str(row["fatal"]))
            place = (int(row["task"]), int(row["seq"]))
            if place <= last:  # delivered again after a retry
                continue
            last = place
            for skip in skips_of(str(row.get("skipped") or "")):
                self._write(skip, b"", None, admitted)
            doc = Document(str(row["id"]), str(row["source"]), done=bool(row["done"]))
            self._write(doc, bytes(row["line"]), str(row["error"]) or None, admitted)

    def _write(self, doc: Document, line: bytes, error: str | None, admitted: bool) -> None:
        """Put one document through the ledger (unless ``admitted``) and write its record."""
        if not admitted:
            admitted_doc = self.ledger.admit(doc)
            if admitted_doc is None:
                return
            doc = admitted_doc
            if doc.duplicate_of is not None:
                line, error = encode_record(error_record(doc, doc.error or "")), doc.error
            elif not line:
                raise RayEngineError(f"No record came back for {doc.id!r} (a bug).")
        self.sink.write_line(line)
        self.progress.record(self.stats, doc.id, error)

    def finish(self) -> BatchStats:
        """Close the progress display and return the run's stats."""
        self.progress.close()
        self.stats.skipped = self.ledger.skipped
        self.stats.skipped_failed = self.ledger.skipped_failed
        self.stats.elapsed = time.monotonic() - self.started
        return self.stats


def _pool_size(ray: Any, workers: int | None) -> int:
    cpus = int(ray.cluster_resources().get("CPU", 0))
    size = workers or max(1, cpus)
    if size > cpus:
        logger.warning(
            "%d workers asked for, but the Ray cluster has %d CPUs: the run waits until it has "
            "one CPU per worker (or give fewer --workers).",
            size,
            cpus,
        )
    return size


def _configure(ray: Any, block_bytes: int = MAX_BLOCK_BYTES, workers: int = 1) -> None:
    """Ray Data settings for a batch run: records in input order, small blocks, no bars.

    Blocks this small (under 100 KiB) are not put in the object store: Ray keeps them in
    the memory of their owner, the driver. So the data Ray Data may hold in flight is
    capped (``IN_FLIGHT_BYTES`` and ``IN_FLIGHT_BYTES_PER_WORKER``): else the read tasks,
    faster than the actors, fill the driver with documents read ahead (tens of MB a window).

    Blocks are small (``block_bytes``, 2–64 KiB: for 300-character documents about 130 of
    them, or 20 records) so that records stream back to the driver a few steps at a time and
    a small run still spreads over every actor; Ray's default (128 MiB) would hold a whole
    archive's records in one block. Much smaller blocks cost the driver more than they give
    (each is an object Ray tracks: about 17 ms each on a loaded 2-core machine).
    """
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.execution_options.preserve_order = True
    context.target_max_block_size = block_bytes
    limit = IN_FLIGHT_BYTES + IN_FLIGHT_BYTES_PER_WORKER * workers
    limits = context.execution_options.resource_limits
    context.execution_options.resource_limits = limits.copy(object_store_memory=limit)
    logging.getLogger("ray.data").setLevel(logging.WARNING)


def block_bytes(pieces: Sequence[Piece], workers: int) -> int:
    """Ray Data's block size for a run: about a quarter of each actor's share, 2–64 KiB.

    The input's size is estimated from the plan (see :func:`_piece_bytes`): nothing is read.
    """
    total = sum(_piece_bytes(piece) for piece in pieces)
    return max(MIN_BLOCK_BYTES, min(MAX_BLOCK_BYTES, total // (4 * workers)))


def windows(pieces: Sequence[Piece], workers: int) -> list[list[Piece]]:
    """The plan cut into consecutive windows of about ``WINDOW_BYTES`` of input per 8 workers.

    Each window is its own Ray Data execution. Ray Data keeps a few hundred bytes of
    statistics in the driver for every block an execution makes, until it ends
    (ray-project/ray#66016): a single execution over the whole archive makes the driver grow
    with it (about 50 bytes a document with 3 KB records). A window bounds that; the cost is
    that the actor pool is started again, and its models loaded, once per window.
    """
    limit = WINDOW_BYTES * max(1, math.ceil(workers / 8))
    groups: list[list[Piece]] = []
    total = 0
    for piece in pieces:
        size = _piece_bytes(piece)
        if groups and groups[-1] and total + size <= limit:
            groups[-1].append(piece)
            total += size
        else:
            groups.append([piece])
            total = size
    return groups


def _piece_bytes(piece: Piece) -> int:
    """A piece's input bytes, estimated: 2 KiB a file of a folder, else its part of the file."""
    if piece.kind in ("dir", "unlisted"):
        return 2048 * len(piece.files)
    if piece.end >= 0:
        return piece.end - piece.start
    return max(_size(piece.location) - piece.start, 0)


def _size(location: str) -> int:
    try:
        if "://" not in location:
            return os.path.getsize(location)
        from pyarrow import fs as pafs

        filesystem, path = pafs.FileSystem.from_uri(location)
        return int(filesystem.get_file_info(path).size or 0)
    except (OSError, ValueError):
        return MAX_BLOCK_BYTES * 4


def _translated(
    ray: Any, dataset: Any, spec: WorkSpec, size: int, docs_per_step: int, actor: type[RayWorker]
) -> Iterator[Mapping[str, Any]]:
    """Run the actor pool over a dataset of documents; yield its rows as they come back."""
    results = dataset.map_batches(
        actor,
        fn_constructor_args=(spec,),
        batch_size=docs_per_step,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=size),
        num_cpus=1,
        runtime_env=actor_env(ray),
    )
    for batch in results.iter_batches(batch_size=None, batch_format="numpy"):
        columns = list(batch)
        for values in zip(*(batch[c] for c in columns), strict=True):
            yield dict(zip(columns, values, strict=True))


def run_ray(
    docs: Iterable[Document],
    spec: WorkSpec,
    output: str | os.PathLike[str],
    *,
    workers: int | None = None,
    address: str | None = None,
    resume: bool = True,
    docs_per_step: int = 8,
    progress_bar: bool = False,
    report: Callable[[str], None] | None = None,
    report_every: float = 30.0,
    actor: type[RayWorker] = RayWorker,
    retry_errors: bool = False,
) -> BatchStats:
    """Process documents made on the driver on Ray, writing their records as shards in ``output``.

    The documents are put through the ledger here and the ones to do are shipped to Ray
    (``ray.data.from_items``: they are all held, in the driver and in Ray's object store).
    This is for documents that only the driver can read (standard input) and for tests; for
    files, :func:`run_ray_batch` lets the workers read them.

    Args:
        docs: The documents (from :func:`~.readers.iter_documents`); those with a record in
            the output's shards are skipped, a repeated id gets an error record of its own.
        spec: What to do (direction, summaries, models); settings that are ``None`` are read
            from the driver's ``BILINGUAL_DIGEST_*`` environment, which the actors get too.
        output: The output folder of JSONL shards.
        workers: Actors in the pool (each loads the models once and uses one CPU); default:
            the CPUs of the cluster.
        address: A Ray cluster to join; ``None`` starts a local instance (or uses the one
            already running in this process).
        resume: Skip documents that already have a record; ``False`` deletes the old shards.
        docs_per_step: Documents per batch (their sentences are translated together).
        progress_bar: Show a tqdm bar on stderr.
        report: Receives a progress line every ``report_every`` seconds when there is no bar
            (default: logged at INFO).
        report_every: Seconds between progress lines.
        actor: The callable class the actors run (a :class:`RayWorker` subclass).
        retry_errors: Do again the documents whose record is an error record.

    Returns:
        The run's :class:`~.progress.BatchStats` (``elapsed`` includes Ray's start-up).

    Raises:
        ValueError: If ``workers`` or ``docs_per_step`` is not a positive integer.
        NotADirectoryError: If ``output`` is a file.
        OutputBusyError: If another run is using ``output``.
        RayEngineError: If Ray is missing, the cluster can't be reached, or a model can't
            be loaded (records written until then stay).
    """
    check_positive("workers", workers)
    check_positive("docs_per_step", docs_per_step)
    started = time.monotonic()
    with unwritable(str(output)):
        sink = ShardedJsonlSink(output, resume=resume, retry_errors=retry_errors)
    with sink:
        run = _Run(sink, progress_bar, report, report_every, started)
        todo = [doc for step in steps(docs, run.ledger, 1) for doc in step]
        run.progress.set_total(len(todo))
        if todo:
            with _session(address, workers) as ray:
                size = _pool_size(ray, workers)
                _configure(ray, workers=size)
                blocks = min(len(todo), MAX_BLOCKS, max(size, math.ceil(len(todo) / docs_per_step)))
                rows = [{"task": 0, "seq": i, "doc": doc_to_json(d)} for i, d in enumerate(todo)]
                dataset = ray.data.from_items(rows, override_num_blocks=blocks)
                del rows
                translated = _translated(ray, dataset, spec, size, docs_per_step, actor)
                run.collect(translated, admitted=True)
        return run.finish()


def _session(address: str | None, workers: int | None) -> Any:
    """The Ray session of a run: the workers get the driver's settings (see
    :func:`~.ray_cluster.worker_env`)."""
    return ray_session(address, num_cpus=_local_cpus(address, workers), env_vars=worker_env())


def _local_cpus(address: str | None, workers: int | None) -> int | None:
    return None if address is not None else max(workers or 0, os.cpu_count() or 1)


def run_ray_batch(
    inputs: Sequence[str],
    output: str,
    *,
    fmt: str = "jsonl",
    resume: bool = True,
    read_options: ReadOptions | None = None,
    spec: WorkSpec | None = None,
    docs_per_step: int = 8,
    progress_bar: bool = False,
    report: Callable[[str], None] | None = None,
    stdin: BinaryIO | None = None,
    workers: int | None = None,
    address: str | None = None,
    retry_errors: bool = False,
    report_every: float = 30.0,
    actor: type[RayWorker] = RayWorker,
) -> BatchStats:
    """:func:`~.run.run_batch` on Ray: the workers read the inputs, the driver writes.

    Args:
        inputs: Files, folders, object-storage URIs (``s3://bucket/news/``,
            ``gs://…/feed.jsonl``: any file system pyarrow reads), or ``"-"``.
        output: The output folder of JSONL shards.
        fmt: Must be ``"jsonl"`` (``txt`` output is for the local engine).
        resume: Skip documents that already have a record; ``False`` deletes the old shards.
        read_options: How inputs are read.
        spec: What to do; defaults when omitted.
        docs_per_step: Documents per batch.
        progress_bar: Show a tqdm bar on stderr.
        report: Receives periodic progress lines when there is no bar.
        stdin: Binary stream for ``"-"`` (then the driver reads every input: see
            :func:`run_ray`).
        workers: Actors in the pool (default: the cluster's CPUs).
        address: A Ray cluster to join; ``None`` starts a local instance.
        retry_errors: Do again the documents whose record is an error record.
        report_every: Seconds between progress lines.
        actor: The callable class the actors run (a :class:`RayWorker` subclass).

    Returns:
        The run's :class:`~.progress.BatchStats`.

    Raises:
        ValueError: For usage errors (``fmt`` not ``jsonl``, ``output`` a file, a missing
            input, an output inside an input), before any work starts.
        OutputBusyError: If another run is using ``output``.
        RunStopped: If the sentence cache can't be used.
        RayEngineError: If Ray is missing, the cluster can't be reached, or a model can't
            be loaded.
    """
    if fmt != "jsonl":
        raise ValueError(
            f"The Ray engine writes JSONL shards, not --format {fmt}: use --engine local for it."
        )
    if Path(output).exists() and not Path(output).is_dir():
        raise ValueError(
            f"The Ray engine writes JSONL shards into a folder, but {output!r} is a file: "
            "give a folder as --output."
        )
    hint = ray_missing()
    if hint is not None:
        raise RayEngineError(hint)
    check_positive("workers", workers)
    check_positive("docs_per_step", docs_per_step)
    opts = read_options if read_options is not None else ReadOptions()
    spec = spec if spec is not None else WorkSpec()
    kinds = check_run(inputs, output, "jsonl", opts, kind=uri_kind, folder_output=True)
    check_cache(spec.cache)
    common = {
        "workers": workers,
        "address": address,
        "resume": resume,
        "docs_per_step": docs_per_step,
        "progress_bar": progress_bar,
        "report": report,
        "report_every": report_every,
        "actor": actor,
        "retry_errors": retry_errors,
    }
    if any(kind == "stdin" for _, kind in kinds):
        return run_ray(iter_documents(inputs, opts, stdin), spec, output, **common)  # type: ignore[arg-type]
    started = time.monotonic()
    with unwritable(str(output)):
        sink = ShardedJsonlSink(output, resume=resume, retry_errors=retry_errors)
    with sink:
        run = _Run(sink, progress_bar, report, report_every, started)
        with _session(address, workers) as ray:
            size = _pool_size(ray, workers)
            pieces, lines = _plan(ray, kinds, run)
            _configure(ray, block_bytes(pieces, size), size)
            done = done_parts(pieces, lines, opts, run.ledger.done)
            done_ref: Any = ...  # made when a window first needs it: after the ids met before
            for met, window in segments(pieces, done, lambda part: windows(part, size)):
                for doc_id in met:  # parts whose every line has a record: nothing to run
                    run.ledger.claim(doc_id)
                if not window:
                    continue
                if done_ref is ...:
                    digests = DoneSet.of(run.ledger.done).digests if run.ledger.done else None
                    done_ref = ray.put(digests) if digests is not None else None
                source = make_source(window, opts, done_ref, docs_per_step)
                dataset = ray.data.read_datasource(
                    source,
                    num_cpus=0,  # reading is light; the actors hold the CPUs
                    concurrency=READ_TASKS,
                    override_num_blocks=max(1, min(len(window), MAX_BLOCKS)),
                )
                rows = _translated(ray, dataset, spec, size, docs_per_step, actor)
                run.collect(rows, admitted=False)
        return run.finish()


def _plan(
    ray: Any, kinds: Sequence[tuple[str, str]], run: _Run
) -> tuple[list[Piece], dict[str, int]]:
    """The read plan: folders listed here, JSONL files indexed on workers (one pass each).

    The index splits each JSONL file into parts read by read tasks of their own (a single
    task streaming a whole archive makes Ray keep every block it made until it ends) and
    gives the progress bar its total. Returns the pieces and each JSONL input's line count.
    """
    rows = [path for path, kind in kinds if kind == "jsonl"]
    indexer = ray.remote(num_cpus=0)(line_index)
    found = ray.get([indexer.remote(_absolute(path), ray_source.SPAN_BYTES) for path in rows])
    pieces = plan(kinds, {path: marks for path, (marks, _) in zip(rows, found, strict=True)})
    if not any(kind in ("csv", "urls") for _, kind in kinds):
        files = sum(len(p.files) if p.kind == "dir" else 1 for p in pieces if p.kind != "jsonl")
        lines = sum(count for _, count in found)
        run.progress.set_total(max(files + lines - len(run.ledger.done), 0))
    return pieces, {path: count for path, (_, count) in zip(rows, found, strict=True)}


def _absolute(location: str) -> str:
    return location if "://" in location else os.path.abspath(location)
