"""The Ray engine's reading and work, run on the workers: a Ray Data datasource and the actor.

:class:`BatchSource` is a Ray Data :class:`~ray.data.Datasource`: the driver only *plans*
(it lists folders, names and sizes only, and splits the files into read tasks); Ray Data runs
the read tasks on the workers, which open the files themselves (local paths on storage every
node sees, or object-storage URIs through pyarrow's file systems) and read them with the
local engine's own readers, so ids, error documents and resume skips are the same. Each
document leaves its read task with its place in the run (read task, sequence number), which
the driver uses to keep input order and drop a row Ray delivered twice after a retry.

:class:`RayWorker` is the callable class each actor of the pool holds: one
:class:`~.work.Worker`, its models loaded once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import BilingualDigestError
from .documents import Document, ReadOptions
from .links import read_url_list
from .pages import output_relpath
from .readers import (
    file_document,
    file_limit,
    guarded,
    input_kind,
    is_document_name,
    is_uri,
    kind_of_file,
    read_text_file,
    unlisted_document,
    walk_folder,
)
from .rows import printable, read_csv, read_jsonl
from .work import WorkSpec
from .writer import encode_record

FILES_PER_PIECE = 1000
SPAN_BYTES = 4 << 20  # a JSONL file is read in parts of about this size, each its own task
SKIP_RUN = 10_000  # at most this many done documents are listed in one row's ``skipped``


def uri_kind(uri: str) -> str:
    """Classify an input for the Ray engine: local paths as locally, URIs through pyarrow
    (by their suffix: a list of links in object storage must be named ``.urls``).

    Raises:
        ValueError: If the input does not exist (or the URI's file system can't be used).
    """
    if not is_uri(uri):
        return input_kind(uri)
    from pyarrow import fs as pafs

    try:
        filesystem, path = pafs.FileSystem.from_uri(uri)
        info = filesystem.get_file_info(path)
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"Input {uri!r} can't be read: {exc}") from exc
    if info.type == pafs.FileType.Directory:
        return "dir"
    if info.type == pafs.FileType.File:
        return kind_of_file(path)
    raise ValueError(f"Input not found: {uri!r}.")


@dataclass(frozen=True)
class Piece:
    """Part of one input that one read task reads.

    Attributes:
        kind: ``"dir"`` (``files`` under ``location``), ``"text"``, ``"jsonl"``, ``"csv"``,
            or ``"unlisted"`` (a folder entry that could not be listed: ``files`` holds its
            path and ``error`` why).
        location: The input as given (a path or a URI).
        files: For ``dir``: paths relative to ``location``.
        error: For ``unlisted``: the reason.
        start: For a part of a JSONL file: where its first line starts (a byte offset).
        end: Where the part ends (the next part's start); ``-1``: the end of the file.
        first_line: The number of the part's first line.
    """

    kind: str
    location: str
    files: tuple[str, ...] = ()
    error: str = ""
    start: int = 0
    end: int = -1
    first_line: int = 1
    cwd: str = ""

    @property
    def path(self) -> str:
        """Where a worker opens it: ``location`` made absolute with the driver's folder."""
        return self.location if is_uri(self.location) else os.path.join(self.cwd, self.location)


def line_index(location: str, span: int = SPAN_BYTES) -> tuple[list[tuple[int, int]], int]:
    """Where a JSONL file's lines start, about every ``span`` bytes (one pass, run on a worker).

    Args:
        location: A path or a URI.
        span: About how many bytes apart the marks are.

    Returns:
        ``(marks, lines)``: ``(byte offset, line number)`` of a line start every ``span``
        bytes or so, the first ``(0, 1)``; and how many lines the file has.
    """
    marks, offset, newlines, mark, last = [(0, 1)], 0, 0, span, b"\n"
    with _open(location) as f:
        while chunk := f.read(1 << 20):
            while mark <= offset + len(chunk):
                at = chunk.find(b"\n", max(0, mark - 1 - offset))
                if at == -1:
                    break
                marks.append((offset + at + 1, newlines + chunk.count(b"\n", 0, at + 1) + 1))
                mark = offset + at + 1 + span
            newlines += chunk.count(b"\n")
            offset += len(chunk)
            last = chunk[-1:]
    if marks[-1][0] >= offset:  # a mark at the very end starts no line
        marks.pop()
    return marks, newlines + (offset > 0 and last != b"\n")


def _open(location: str, start: int | None = None) -> Any:
    """A binary file: sequential, or seekable and at ``start``."""
    if not is_uri(location):
        f = open(location, "rb")  # noqa: SIM115 (the caller closes it)
    else:
        from pyarrow import fs as pafs

        filesystem, path = pafs.FileSystem.from_uri(location)
        if start is None:
            return filesystem.open_input_stream(path)
        f = filesystem.open_input_file(path)
    if start:
        f.seek(start)
    return f


class _Part:
    """Bytes ``[start, end)`` of a file, read like a stream."""

    def __init__(self, f: Any, size: int) -> None:
        self.f, self.left = f, size

    def read(self, size: int = -1) -> bytes:
        if self.left == 0:
            return b""
        data = self.f.read(self.left if size < 0 or self.left < 0 else min(size, self.left))
        self.left = self.left - len(data) if self.left > 0 else self.left
        return data


def plan(
    kinds: Sequence[tuple[str, str]], index: Mapping[str, list[tuple[int, int]]] | None = None
) -> list[Piece]:
    """Split the inputs into pieces, in input order (folders are listed, nothing is read).

    Args:
        kinds: ``(location, kind)`` of every input.
        index: Line marks of JSONL inputs (see :func:`line_index`): each file is split into
            one piece per mark, so that no read task runs for the whole of a large file.
    """
    pieces = [replace(p, cwd=os.getcwd()) for p in _pieces(kinds, index or {})]
    return pieces


def _pieces(
    kinds: Sequence[tuple[str, str]], index: Mapping[str, list[tuple[int, int]]]
) -> list[Piece]:
    pieces: list[Piece] = []
    for location, kind in kinds:
        marks = index.get(location)
        if kind == "jsonl" and marks:
            ends = [start for start, _ in marks[1:]] + [-1]
            for (start, line), end in zip(marks, ends, strict=True):
                pieces.append(Piece(kind, location, start=start, end=end, first_line=line))
            continue
        if kind != "dir":
            pieces.append(Piece(kind, location))
            continue
        batch: list[str] = []
        for rel, error in _listing(location):
            if error is not None:
                pieces.extend([Piece("dir", location, tuple(batch))] if batch else [])
                batch = []
                pieces.append(Piece("unlisted", location, (rel,), str(error.strerror or error)))
                continue
            batch.append(rel)
            if len(batch) >= FILES_PER_PIECE:
                pieces.append(Piece("dir", location, tuple(batch)))
                batch = []
        if batch:
            pieces.append(Piece("dir", location, tuple(batch)))
    return pieces


def _listing(location: str) -> Iterator[tuple[str, OSError | None]]:
    if not is_uri(location):
        yield from walk_folder(location)
        return
    from pyarrow import fs as pafs

    filesystem, root = pafs.FileSystem.from_uri(location)
    root = root.rstrip("/")
    infos = filesystem.get_file_info(pafs.FileSelector(root, recursive=True))
    rels = []
    for info in infos:
        rel = info.path[len(root) :].lstrip("/")
        parts = rel.split("/")
        hidden = any(part.startswith(".") for part in parts)
        if info.is_file and is_document_name(rel) and not hidden:
            rels.append(parts)
    for parts in sorted(rels):  # the local walk's order: by path parts
        yield "/".join(parts), None


def read_piece(piece: Piece, opts: ReadOptions, done: Any) -> Iterator[Document]:
    """The documents of one piece, read where this runs (a Ray worker), as locally."""
    if piece.kind == "unlisted":
        yield unlisted_document(piece.location, piece.files[0], piece.error)
    elif piece.kind in ("jsonl", "csv", "urls"):
        yield from guarded(_read_rows(piece, opts, done), piece.location)
    elif is_uri(piece.location):
        yield from guarded(_read_uri(piece, opts, done), piece.location)
    elif piece.kind == "dir":
        for rel in piece.files:
            source = printable(os.fspath(Path(piece.location) / rel))
            yield read_text_file(Path(piece.path) / rel, rel, opts, done=done, source=source)
    else:
        name, source = Path(piece.location).name, printable(piece.location)
        yield read_text_file(Path(piece.path), name, opts, done=done, source=source)


def _read_rows(piece: Piece, opts: ReadOptions, done: Any) -> Iterator[Document]:
    """A CSV file, a list of links, or one part of a JSONL file (lines numbered as in the
    whole file)."""
    name, source = row_name(piece.location), printable(piece.location)
    try:
        f = _open(piece.path, piece.start if piece.kind == "jsonl" else None)
    except OSError as exc:
        yield Document(name, source, error=f"{source} can't be read: {exc.strerror or exc}.")
        return
    with f:
        if piece.kind in ("csv", "urls"):
            reader = read_csv if piece.kind == "csv" else read_url_list
            yield from reader(f, source, name, opts, done)
            return
        part = _Part(f, piece.end - piece.start if piece.end >= 0 else -1)
        yield from read_jsonl(part, source, name, opts, done, True, piece.first_line)  # type: ignore[arg-type]


def row_name(location: str) -> str:
    """The file name in a JSONL or CSV input's ``<name>:<line>`` ids."""
    return printable(location.rstrip("/").rsplit("/", 1)[-1])


def _join(location: str, rel: str) -> str:
    return f"{location.rstrip('/')}/{rel}"


def _read_uri(piece: Piece, opts: ReadOptions, done: Any) -> Iterator[Document]:
    from pyarrow import fs as pafs

    filesystem, root = pafs.FileSystem.from_uri(piece.location)
    if piece.kind == "dir":
        for rel in piece.files:
            source = _join(piece.location, rel)
            if done is not None and done(rel):
                yield Document(rel, source, relpath=output_relpath(rel), done=True)
                continue
            try:
                yield _stored_document(filesystem, f"{root.rstrip('/')}/{rel}", rel, source, opts)
            except OSError as exc:
                yield Document(rel, source, error=f"{source} can't be read: {exc}.")
        return
    name = root.rstrip("/").rsplit("/", 1)[-1]  # a single text file or page
    if done is not None and done(name):
        yield Document(name, piece.location, relpath=output_relpath(name), done=True)
        return
    yield _stored_document(filesystem, root, name, piece.location, opts)


def _stored_document(
    filesystem: Any, path: str, rel: str, source: str, opts: ReadOptions
) -> Document:
    """A stored file's document, read as a local one (see
    :func:`~.readers.read_text_file`): no further than its limit, an over-limit error giving
    its real size."""
    limit = file_limit(rel, opts)
    with filesystem.open_input_stream(path) as f:
        data = f.read(limit + 1)
    size = filesystem.get_file_info(path).size if len(data) > limit else None
    return file_document(data, rel, source, rel, opts, size=size)


class DoneSet:
    """The ids a resumed run skips, as the workers see them: sorted 16-byte digests.

    A numpy array in Ray's object store (16 bytes an id, shared zero-copy by the workers of
    a node) rather than a Python set (about 100 bytes an id, copied into every worker). The
    driver still checks every skip against the exact ids (:class:`~.ledger.Ledger`).
    """

    def __init__(self, digests: Any) -> None:
        self.digests = digests

    @staticmethod
    def digest(doc_id: str) -> bytes:
        """An id's digest: 15 bytes of BLAKE2b and a final 1 (so numpy keeps all 16 bytes)."""
        raw = doc_id.encode("utf-8", "surrogatepass")
        return hashlib.blake2b(raw, digest_size=15).digest() + b"\x01"

    @classmethod
    def of(cls, ids: Iterable[str]) -> DoneSet:
        """The digests of ``ids``, sorted."""
        import numpy as np

        digests = np.array(sorted(cls.digest(i) for i in ids), dtype="S16")
        return cls(digests)

    def __call__(self, doc_id: str) -> bool:
        """Whether ``doc_id`` is one of the ids."""
        import numpy as np

        key = self.digest(doc_id)
        at = int(np.searchsorted(self.digests, key))
        return at < len(self.digests) and bytes(self.digests[at]) == key


def doc_to_json(doc: Document) -> str:
    """A document as a JSON string (how documents travel between Ray processes)."""
    return json.dumps(dataclasses.asdict(doc))  # ASCII: Arrow strings must be valid UTF-8


def doc_from_json(raw: str) -> Document:
    """The inverse of :func:`doc_to_json`."""
    fields = json.loads(raw)
    fields["warnings"] = tuple(fields["warnings"])
    return Document(**fields)


def read_task(
    task: int, pieces: Sequence[Piece], opts: ReadOptions, done_ref: Any, block_docs: int
) -> Iterator[Any]:
    """One read task: its pieces' documents as Arrow blocks (see :func:`row_blocks`)."""
    import pyarrow as pa
    import ray

    done = DoneSet(ray.get(done_ref)) if done_ref is not None else None
    docs = (doc for piece in pieces for doc in read_piece(piece, opts, done))
    for rows in row_blocks(task, docs, block_docs):
        yield pa.Table.from_pylist(rows)


def row_blocks(
    task: int, docs: Iterable[Document], block_docs: int, skip_run: int = SKIP_RUN
) -> Iterator[list[dict[str, Any]]]:
    """A read task's documents as rows of ``task``, ``seq``, ``doc``, ``skipped``, in blocks.

    Documents that already have a record (a resumed run) do not travel as rows of their own:
    each row's ``skipped`` lists, as JSON ``[[id, source], …]``, the done documents met just
    before its document (a run of them with nothing after, or of ``skip_run``, ends in a row
    of its last one, a ``done`` placeholder). So a resumed run sends the actors a row per
    document to do, not one per document of the archive.
    """
    rows: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    seq = 0
    for doc in docs:
        if doc.done and len(skipped) < skip_run - 1:
            skipped.append((doc.id, doc.source))
            continue
        rows.append({"task": task, "seq": seq, "doc": doc_to_json(doc), "skipped": _skips(skipped)})
        seq, skipped = seq + 1, []
        if len(rows) >= block_docs:
            yield rows
            rows = []
    if skipped:
        last = Document(*skipped.pop(), done=True)
        rows.append(
            {"task": task, "seq": seq, "doc": doc_to_json(last), "skipped": _skips(skipped)}
        )
    if rows:
        yield rows


def _skips(skipped: Sequence[tuple[str, str]]) -> str:
    return json.dumps(skipped) if skipped else ""


def skips_of(raw: str) -> list[Document]:
    """The done placeholders a row's ``skipped`` column stands for (see :func:`read_task`)."""
    return [Document(i, source, done=True) for i, source in json.loads(raw)] if raw else []


def make_source(pieces: Sequence[Piece], opts: ReadOptions, done_ref: Any, block_docs: int) -> Any:
    """A Ray Data datasource reading ``pieces`` in order (Ray imported only when called)."""
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasource, ReadTask

    class BatchSource(Datasource):
        """The batch script's inputs, read on the workers with the local engine's readers."""

        def estimate_inmemory_data_size(self) -> int | None:
            return None

        def get_read_tasks(
            self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
        ) -> list[Any]:
            tasks = []
            for index, group in enumerate(_split(pieces, parallelism)):
                meta = BlockMetadata(
                    num_rows=None, size_bytes=None, input_files=None, exec_stats=None
                )
                fn = partial(read_task, index, group, opts, done_ref, block_docs)
                tasks.append(ReadTask(fn, meta, per_task_row_limit=per_task_row_limit))
            return tasks

    return BatchSource()


def _split(pieces: Sequence[Piece], parts: int) -> list[list[Piece]]:
    """Contiguous groups of pieces, at most ``parts`` of them, in order."""
    parts = max(1, min(parts, len(pieces)))
    size = -(-len(pieces) // parts)
    return [list(pieces[i : i + size]) for i in range(0, len(pieces), size)]


class RayWorker:
    """The callable class each Ray actor holds: one :class:`~.work.Worker`, models loaded once.

    Batches carry documents as JSON strings in a ``doc`` column (and their place in the run,
    ``task`` and ``seq``, and the done documents before each, ``skipped``, passed through
    as they are); each comes back as its record line (``line``, UTF-8 bytes, empty
    for a document the output already has), ``id``, ``source``, ``done``, ``error`` (the
    record's error, or empty). A fatal error (a model that can't be loaded, the cache failing)
    comes back in ``fatal`` so the driver can stop with its message. Subclass it to add
    instrumentation, and pass the subclass to the engine.

    Args:
        spec: What to do and with which models.
    """

    def __init__(self, spec: WorkSpec) -> None:
        self.worker = spec.build()
        self._ready = False

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
        """Process one batch of documents (see the class docs for the columns)."""
        docs = [doc_from_json(str(raw)) for raw in batch["doc"]]
        todo = [doc for doc in docs if not doc.done]
        try:
            if not self._ready:
                self.worker.prepare()  # every model now: a missing one stops the run at once
                self._ready = True
            records = iter(self.worker.process(todo))
        except BilingualDigestError as exc:
            return _rows(batch, docs, [b""] * len(docs), [""] * len(docs), str(exc))
        lines, errors = [], []
        for doc in docs:
            record = None if doc.done else next(records)
            lines.append(b"" if record is None else encode_record(record))
            errors.append("" if record is None else printable(record.get("error", "")))
        return _rows(batch, docs, lines, errors, "")

    def __del__(self) -> None:
        worker = getattr(self, "worker", None)
        if worker is not None:
            worker.close()


def _rows(
    batch: Mapping[str, Sequence[Any]],
    docs: Sequence[Document],
    lines: list[bytes],
    errors: list[str],
    fatal: str,
) -> dict[str, list[Any]]:
    return {
        "task": [int(t) for t in batch["task"]],
        "seq": [int(s) for s in batch["seq"]],
        "id": [doc.id for doc in docs],
        "source": [doc.source for doc in docs],
        "done": [doc.done for doc in docs],
        "line": lines,
        "error": errors,
        "fatal": [fatal] * len(docs),
        "skipped": [str(raw) for raw in batch["skipped"]]
        if "skipped" in batch
        else [""] * len(docs),
    }
