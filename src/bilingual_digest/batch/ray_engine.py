"""The Ray engine: the same per-document work on a Ray cluster (or a local Ray instance).

Documents become a Ray dataset; a fixed pool of actors (``map_batches`` with
:class:`ray.data.ActorPoolStrategy`) runs :class:`~.work.Worker` on batches of them, each
actor loading its models once; the driver writes the records it gets back as JSONL shards in
the output folder (``part-00000.jsonl``, ``part-00001.jsonl``, … one per run), with the same
record format and the same crash-safe writer as the local engine.

Guarantees, as locally:

- Resume: documents whose id has a record in any shard of the folder are skipped.
- A document that fails gets an error record; the run goes on.
- An actor that dies (killed, out of memory, node lost) is restarted by Ray and its batch is
  retried (Ray Data's actor pools use ``max_restarts=-1`` and ``max_task_retries=-1``).
  Records are written by the driver, once per document, only when a batch comes back, so a
  retried batch loses nothing and writes nothing twice.

Ray is an optional extra (``pip install 'bilingual-digest[ray]'``); this module imports it
only when a run starts. Ray's usage statistics are off (``RAY_USAGE_STATS_ENABLED=0``) unless
the environment says otherwise, and no dashboard is started.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import math
import os
import re
import socket
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import BilingualDigestError
from .local import BatchStats, failed_earlier, pending, write_records
from .readers import Document, ReadOptions, iter_documents
from .work import WorkSpec
from .writer import JsonlWriter

logger = logging.getLogger("bilingual_digest")

INSTALL_HINT = (
    "The Ray engine needs Ray: install the extra with `pip install 'bilingual-digest[ray]'` "
    "(from a source checkout: `pip install '.[ray]'`)."
)
SHARD_PATTERN = re.compile(r"^part-(\d{5,})\.jsonl$")
MAX_BLOCKS = 10_000
_FORWARDED_ENV = ("BILINGUAL_DIGEST_", "HF_", "TRANSFORMERS_")


class RayEngineError(BilingualDigestError, RuntimeError):
    """The Ray run could not start or had to stop (no Ray, no cluster, a model not loadable)."""


def ray_missing() -> str | None:
    """Say how to install Ray when it is missing.

    Returns:
        ``None`` when Ray (with Ray Data) can be imported, else :data:`INSTALL_HINT`.
    """
    try:
        found = importlib.util.find_spec("ray") and importlib.util.find_spec("ray.data")
    except (ImportError, ValueError):
        found = None
    return None if found else INSTALL_HINT


def _import_ray() -> Any:
    hint = ray_missing()
    if hint is not None:
        raise RayEngineError(hint)
    import ray
    import ray.data

    return ray


def check_address(address: str, *, timeout: float = 10.0) -> None:
    """Fail fast on a cluster address that can't work (Ray itself retries for minutes).

    Args:
        address: ``"auto"`` (the cluster this machine belongs to; Ray checks it),
            ``"HOST:PORT"`` or ``"ray://HOST:PORT"``.
        timeout: Seconds to wait for the TCP connection.

    Raises:
        RayEngineError: If the address is malformed or nothing answers there.
    """
    if address == "auto":
        return
    host, sep, port = address.split("://", 1)[-1].rpartition(":")
    if not (sep and host and port.isdigit()):
        raise RayEngineError(
            f"Ray cluster address {address!r} is not auto, HOST:PORT or ray://HOST:PORT."
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise RayEngineError(
            f"Cannot reach the Ray cluster at {address!r} ({exc}): start it there with "
            "`ray start --head`, or check the address."
        ) from exc


@contextmanager
def ray_session(address: str | None = None, *, num_cpus: int | None = None) -> Iterator[Any]:
    """Use Ray: the instance already started in this process, a cluster, or a new local one.

    A session this function starts is shut down when the ``with`` block ends; one that was
    already running (``ray.is_initialized()``) is left running.

    Args:
        address: A cluster to join (``"auto"``, ``"HOST:6379"`` or ``"ray://HOST:10001"``);
            ``None`` starts a local instance on this machine.
        num_cpus: CPUs the local instance offers (default: all of this machine's); ignored
            when joining a cluster.

    Yields:
        The ``ray`` module.

    Raises:
        RayEngineError: If Ray is not installed or the cluster can't be reached (see
            :func:`check_address`).
    """
    ray = _import_ray()
    if ray.is_initialized():
        yield ray
        return
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    if address is None:
        kwargs["num_cpus"] = num_cpus
    else:
        check_address(address)
    try:
        ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address!r}" if address else "a local Ray instance"
        raise RayEngineError(f"Cannot start or join {where}: {exc}") from exc
    try:
        yield ray
    finally:
        ray.shutdown()


class ShardedJsonlSink:
    """JSONL shards in a folder: resume across all of them, append to a new one per run.

    Every existing ``part-NNNNN.jsonl`` is scanned (a torn last line, from a kill mid-write,
    is cut off by :class:`~.writer.JsonlWriter`); this run's records go to the next shard,
    created when the first record arrives.

    Args:
        folder: The output folder (created when the first record is written).
        resume: Keep the existing shards and skip their ids; ``False`` deletes them first.
        fsync_every: Passed to :class:`~.writer.JsonlWriter`.

    Raises:
        NotADirectoryError: If ``folder`` exists and is a file.
    """

    def __init__(
        self, folder: str | os.PathLike[str], *, resume: bool = True, fsync_every: int = 1
    ) -> None:
        self.folder = Path(folder)
        if self.folder.exists() and not self.folder.is_dir():
            raise NotADirectoryError(
                f"The Ray engine writes JSONL shards into a folder, but {str(folder)!r} is a file."
            )
        self.fsync_every = fsync_every
        self.ids: set[str] = set()
        self.failed: set[str] = set()
        number = 0
        for shard in self.shards():
            if not resume:
                shard.unlink()
                continue
            with JsonlWriter(shard, resume=True) as existing:  # cuts a torn last line
                self.ids |= existing.scan.ids
                self.failed |= existing.scan.failed
            number = int(SHARD_PATTERN.match(shard.name)[1]) + 1  # type: ignore[index]
        self.path = self.folder / f"part-{number:05d}.jsonl"
        self._writer: JsonlWriter | None = None

    def shards(self) -> list[Path]:
        """The shard files in the folder, in order."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if SHARD_PATTERN.match(p.name))

    def is_done(self, doc: Document) -> bool:
        """Whether ``doc.id`` has a record in some shard."""
        return doc.id in self.ids

    def failed_before(self, doc: Document) -> bool:
        """Whether ``doc.id`` has an error record from an earlier run."""
        return doc.id in self.failed

    def write(self, record: Mapping[str, Any], doc: Document | None = None) -> None:
        """Append one record to this run's shard (see :meth:`.JsonlWriter.write`)."""
        if self._writer is None:
            self._writer = JsonlWriter(self.path, resume=True, fsync_every=self.fsync_every)
        self._writer.write(record, doc)
        self.ids.add(record["id"])

    def close(self) -> None:
        """Close this run's shard (idempotent)."""
        if self._writer is not None:
            self._writer.close()

    def __enter__(self) -> ShardedJsonlSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _doc_to_json(doc: Document) -> str:
    return json.dumps(dataclasses.asdict(doc), ensure_ascii=False)


def _doc_from_json(raw: str) -> Document:
    fields = json.loads(raw)
    fields["warnings"] = tuple(fields["warnings"])
    return Document(**fields)


class RayWorker:
    """The callable class each Ray actor holds: one :class:`~.work.Worker`, models loaded once.

    Batches carry documents as JSON strings in a ``doc`` column and come back as records
    (JSON strings) in a ``record`` column; a fatal error (a model that can't be loaded) comes
    back in a ``fatal`` column so the driver can stop with its message. Subclass it to add
    instrumentation, and pass the subclass to :func:`run_ray`.

    Args:
        spec: What to do and with which models.
    """

    def __init__(self, spec: WorkSpec) -> None:
        self.worker = spec.build()

    def __call__(self, batch: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        """Process one batch of documents.

        Args:
            batch: ``{"doc": [JSON document, ...]}``.

        Returns:
            ``{"record": [JSON record, ...], "fatal": ["", ...]}``, one row per document;
            on a fatal error every ``record`` is empty and every ``fatal`` holds the message.
        """
        docs = [_doc_from_json(raw) for raw in batch["doc"]]
        try:
            records = self.worker.process(docs)
        except BilingualDigestError as exc:
            return {"record": [""] * len(docs), "fatal": [str(exc)] * len(docs)}
        return {
            "record": [json.dumps(record, ensure_ascii=False) for record in records],
            "fatal": [""] * len(docs),
        }

    def __del__(self) -> None:
        worker = getattr(self, "worker", None)
        if worker is not None:
            worker.close()


def _worker_env() -> dict[str, str]:
    """The driver's settings that actors must see (models, backend, offline mode).

    Each actor reserves one CPU, so its models use one thread unless
    ``BILINGUAL_DIGEST_THREADS`` says otherwise (all cores per actor would oversubscribe).
    """
    env = {k: v for k, v in os.environ.items() if k.startswith(_FORWARDED_ENV)}
    env.setdefault("BILINGUAL_DIGEST_THREADS", "1")
    return env


def run_ray(
    docs: Sequence[Document],
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
) -> BatchStats:
    """Process documents on Ray, writing their records as JSONL shards in ``output``.

    Args:
        docs: The documents (from :func:`~.readers.iter_documents`); those with a record in
            the output's shards are skipped.
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

    Returns:
        The run's :class:`~.local.BatchStats` (``elapsed`` includes Ray's start-up).

    Raises:
        ValueError: If ``workers`` or ``docs_per_step`` is not a positive integer.
        NotADirectoryError: If ``output`` is a file.
        RayEngineError: If Ray is missing, the cluster can't be reached, or a model can't
            be loaded (records written until then stay).
    """
    for name, value in (("workers", workers), ("docs_per_step", docs_per_step)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
        if value is not None and value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    say = report if report is not None else logger.info
    started = time.monotonic()
    with ShardedJsonlSink(output, resume=resume, fsync_every=docs_per_step) as sink:
        todo, skipped = pending(docs, sink)
        stats = BatchStats(skipped=skipped, skipped_failed=failed_earlier(docs, sink))
        if stats.skipped:
            say(f"resuming: {stats.skipped} document(s) already have a record and are skipped")
        if todo:
            local_cpus = None if address is not None else max(workers or 0, os.cpu_count() or 1)
            with ray_session(address, num_cpus=local_cpus) as ray:
                cpus = int(ray.cluster_resources().get("CPU", 0))
                size = workers or max(1, cpus)
                if size > cpus:
                    logger.warning(
                        "%d workers asked for, but the Ray cluster has %d CPUs: the run waits "
                        "until it has one CPU per worker (or give fewer --workers).",
                        size,
                        cpus,
                    )
                by_id = {doc.id: doc for doc in todo}
                results = (
                    (by_id[record["id"]], record)
                    for record in _records(ray, todo, spec, size, docs_per_step, actor)
                )
                write_records(
                    results, sink, stats, len(todo), progress_bar, say, report_every, started
                )
        stats.elapsed = time.monotonic() - started
    return stats


def _records(
    ray: Any,
    todo: Sequence[Document],
    spec: WorkSpec,
    size: int,
    docs_per_step: int,
    actor: type[RayWorker],
) -> Iterator[dict[str, Any]]:
    """Run the actor pool over the documents and yield their records as they come back."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    # At least one block per actor, else small runs leave actors idle.
    blocks = min(len(todo), MAX_BLOCKS, max(size, math.ceil(len(todo) / docs_per_step)))
    dataset = ray.data.from_items(
        [{"doc": _doc_to_json(doc)} for doc in todo], override_num_blocks=blocks
    )
    results = dataset.map_batches(
        actor,
        fn_constructor_args=(spec,),
        batch_size=docs_per_step,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=size),
        num_cpus=1,
        runtime_env={"env_vars": _worker_env()},
    )
    for batch in results.iter_batches(batch_size=None, batch_format="numpy"):
        for raw, fatal in zip(batch["record"], batch["fatal"], strict=True):
            if fatal:
                raise RayEngineError(str(fatal))
            yield json.loads(raw)


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
) -> BatchStats:
    """:func:`~.run.run_batch` on Ray: read the inputs, then :func:`run_ray` them.

    Args:
        inputs: Files, folders, or ``"-"`` (see :func:`~.readers.iter_documents`).
        output: The output folder of JSONL shards.
        fmt: Must be ``"jsonl"`` (``txt`` output is for the local engine).
        resume: Skip documents that already have a record; ``False`` deletes the old shards.
        read_options: How inputs are read.
        spec: What to do; defaults when omitted.
        docs_per_step: Documents per batch.
        progress_bar: Show a tqdm bar on stderr.
        report: Receives periodic progress lines when there is no bar.
        stdin: Binary stream for ``"-"``.
        workers: Actors in the pool (default: the cluster's CPUs).
        address: A Ray cluster to join; ``None`` starts a local instance.

    Returns:
        The run's :class:`~.local.BatchStats`.

    Raises:
        ValueError: For usage errors (``fmt`` not ``jsonl``, ``output`` a file, a missing
            input), before any work starts.
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
    docs = list(iter_documents(inputs, read_options, stdin))
    return run_ray(
        docs,
        spec if spec is not None else WorkSpec(),
        output,
        workers=workers,
        address=address,
        resume=resume,
        docs_per_step=docs_per_step,
        progress_bar=progress_bar,
        report=report,
    )
