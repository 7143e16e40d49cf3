"""What a batch run checks before it starts: where the output is, who else uses it, the cache.

Problems with the run's own machinery (an output inside an input, another run on the same
output, a sentence cache that can't be written) stop the run at the start with a message
naming the file, before any record is written; they are never recorded as if a document were
at fault.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import BilingualDigestError

logger = logging.getLogger("bilingual_digest")

LOCK_NAME = ".bilingual-digest.lock"


class OutputBusyError(ValueError):
    """Another run holds the output's lock (the CLI exits with status 2)."""


class RunStopped(BilingualDigestError, RuntimeError):
    """The run had to stop for a reason that is not a document's fault (cache, output, model).

    The records written until then are intact; the message names the file and the fix, and
    running the same command again resumes.
    """


def lock_fd(path: Path, flags: int) -> int:
    """Open ``path`` and hold an exclusive lock on it for as long as the descriptor is open.

    Args:
        path: The file to open (and lock).
        flags: ``os.open`` flags (``O_CREAT`` to make it).

    Returns:
        The open, locked descriptor.

    Raises:
        OutputBusyError: If another process holds the lock.
        OSError: If the file can't be opened.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; runs are not protected from each other
        logger.warning("Output locking is not available on this system: run one batch at a time.")
        return os.open(path, flags, 0o644)
    while True:
        fd = os.open(path, flags, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputBusyError(
                f"Another bilingual-digest run is using the output {str(path)!r}: wait for it to "
                "finish, or give another --output."
            ) from None
        except OSError as exc:
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                os.close(fd)
                raise
            logger.warning("%s can't be locked (%s): run one batch at a time on it.", path, exc)
            return fd
        try:  # the file may have been replaced since it was opened (--retry-errors does)
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


class FolderLock:
    """A lock on an output folder: ``.bilingual-digest.lock`` inside it, held while open.

    Args:
        folder: The output folder (created if missing).

    Raises:
        OutputBusyError: If another run holds it.
        OSError: If the folder can't be made or written.
    """

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / LOCK_NAME
        self._fd: int | None = lock_fd(self.path, os.O_RDWR | os.O_CREAT)
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())

    def release(self) -> None:
        """Release the lock (idempotent); the file stays, so no two runs ever hold two files."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextmanager
def unwritable(output: str) -> Iterator[None]:
    """Turn an ``OSError`` while opening the output into :class:`RunStopped` naming it."""
    try:
        yield
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename and str(exc.filename) != output else ""
        raise RunStopped(
            f"The output {output!r} can't be written ({exc.strerror or exc}{where})."
        ) from exc


def _resolved(path: str) -> Path:
    return Path(os.path.realpath(os.path.expanduser(path)))


def _inside(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_placement(inputs: Iterable[str], output: str, *, folder_output: bool) -> None:
    """Refuse an output that is, or is inside, an input (or, for a folder, holds one).

    ``batch arts/a1.txt -o arts/a1.txt`` would append JSON to the article; an output inside
    an input folder is mixed with the documents (and read as one by the next run); a folder
    output holding an input may overwrite it.

    Args:
        inputs: The inputs as given (``-`` and object-storage URIs are not checked).
        output: The output path as given.
        folder_output: The output is a folder (``--format txt``, the Ray engine's shards).

    Raises:
        ValueError: Naming the output and the input.
    """
    out = _resolved(output)
    for given in inputs:
        if given == "-" or "://" in given:
            continue
        src = _resolved(given)
        if out == src or (Path(output).exists() and os.path.samefile(output, given)):
            raise ValueError(
                f"The output {output!r} is the input {given!r}: the records would be written "
                "into it. Give another --output."
            )
        if src.is_dir() and _inside(out, src):
            raise ValueError(
                f"The output {output!r} is inside the input folder {given!r}: it would be mixed "
                "with the documents (and read as input by the next run). Write it elsewhere."
            )
        if folder_output and _inside(src, out):
            raise ValueError(
                f"The input {given!r} is inside the output folder {output!r}: the run could "
                "overwrite it. Write the output elsewhere."
            )


def check_cache(path: str | None) -> None:
    """Make sure the sentence cache can be read and written before the run starts.

    Args:
        path: The ``--cache`` file, or ``None``.

    Raises:
        RunStopped: If the file (or its folder) is read-only, or it is not a usable SQLite
            cache; the message names the file and what to do.
    """
    if path is None:
        return
    target = Path(path).expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(target, timeout=60)
        try:
            db.execute("BEGIN IMMEDIATE")  # takes the write lock: fails when it can't write
            db.execute("CREATE TABLE IF NOT EXISTS _bilingual_digest_probe (x)")
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            db.rollback()
        finally:
            db.close()
    except (sqlite3.Error, OSError) as exc:
        raise RunStopped(
            f"The sentence cache {str(target)!r} can't be used ({exc}): make it (and its "
            "folder) writable, give another --cache file, or delete that file to start a "
            "new cache."
        ) from exc
