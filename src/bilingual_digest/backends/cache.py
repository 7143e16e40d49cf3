"""One cache in front of any backend, with a choice of store: a repeated sentence costs nothing.

:class:`CachedBackend` is the cache: it builds the key of each output (model, decoding
options, exact input text), asks its store for the keys it has, sends each missing text to
the wrapped backend once (in one ``generate`` call, even when a text is repeated), checks
that the backend answered every text, and gives the new outputs to the store. A store only
keeps and finds outputs by key (:class:`CacheStore`):

- :class:`MemoryStore` (the default): in this process, bounded, least recently used dropped.
- :class:`SQLiteStore`: an SQLite file that outlives the process and that several processes
  may share (SQLite locks it); the batch script's ``--cache``. Unbounded.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any, NamedTuple, Protocol, runtime_checkable

from ..options import GenerationOptions
from .base import Backend, Generated

DEFAULT_CACHE_SIZE = 10_000
_SQL_CHUNK = 500  # SQLite caps the number of parameters of one statement


class CacheKey(NamedTuple):
    """What an output is cached under.

    Attributes:
        model: The backend's model id.
        options: The decoding options that are set, as canonical JSON.
        text: The exact input text.
    """

    model: str
    options: str
    text: str


@runtime_checkable
class CacheStore(Protocol):
    """Where :class:`CachedBackend` keeps outputs. Called under the cache's lock only."""

    def get_many(self, keys: Sequence[CacheKey]) -> dict[CacheKey, Generated]:
        """The outputs the store has for ``keys`` (keys it lacks are left out)."""
        ...

    def put_many(self, entries: Mapping[CacheKey, Generated]) -> None:
        """Keep these outputs (replacing any under the same keys)."""
        ...

    def clear(self) -> None:
        """Forget every output."""
        ...

    def close(self) -> None:
        """Release what the store holds open (a no-op for memory)."""
        ...

    def __len__(self) -> int:
        """Number of outputs kept."""
        ...


class MemoryStore:
    """Outputs in this process, at most ``maxsize``, the least recently used dropped first.

    Args:
        maxsize: Most outputs kept.

    Raises:
        ValueError: If ``maxsize`` is not a positive integer.
    """

    def __init__(self, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValueError(f"maxsize must be a positive integer, got {maxsize!r}.")
        self.maxsize = maxsize
        self._entries: OrderedDict[CacheKey, Generated] = OrderedDict()

    def __repr__(self) -> str:
        return f"MemoryStore(size={len(self)}/{self.maxsize})"

    def __len__(self) -> int:
        return len(self._entries)

    def get_many(self, keys: Sequence[CacheKey]) -> dict[CacheKey, Generated]:
        """The outputs kept for ``keys``; each one found becomes the most recently used."""
        found = {}
        for key in keys:
            if key in self._entries:
                self._entries.move_to_end(key)
                found[key] = self._entries[key]
        return found

    def put_many(self, entries: Mapping[CacheKey, Generated]) -> None:
        """Keep these outputs as the most recent, dropping the oldest beyond ``maxsize``."""
        for key, output in entries.items():
            self._entries[key] = output
            self._entries.move_to_end(key)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every output."""
        self._entries.clear()

    def close(self) -> None:
        """Nothing to release."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sentences (
    model TEXT NOT NULL,
    options TEXT NOT NULL,
    source TEXT NOT NULL,
    output TEXT NOT NULL,
    num_tokens INTEGER NOT NULL,
    hit_limit INTEGER NOT NULL,
    score REAL,
    PRIMARY KEY (model, options, source)
)
"""
_COLUMNS = ("model", "options", "source", "output", "num_tokens", "hit_limit", "score")


class SQLiteStore:
    """Outputs in an SQLite file: kept across runs, shared by the processes that open it.

    Args:
        path: The file (created with its parent folders if missing).
        remedy: What the error for an unusable file tells the user to do.

    Raises:
        ValueError: If ``path`` exists and is not an SQLite cache this class can use.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        remedy: str = "give another file name, or delete that file",
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            self._db.execute(_SCHEMA)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(sentences)")}
            if "score" not in columns:  # a cache file written before outputs had a score
                self._db.execute("ALTER TABLE sentences ADD COLUMN score REAL")
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise ValueError(
                f"The sentence cache {str(self.path)!r} can't be used ({exc}); {remedy}."
            ) from exc

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM sentences").fetchone()[0])

    def get_many(self, keys: Sequence[CacheKey]) -> dict[CacheKey, Generated]:
        """The outputs the file has for ``keys``."""
        found: dict[CacheKey, Generated] = {}
        for (model, options), group in groupby(sorted(set(keys)), key=lambda k: k[:2]):
            texts = [key.text for key in group]
            for chunk in _chunks(texts, _SQL_CHUNK):
                rows = self._db.execute(
                    "SELECT source, output, num_tokens, hit_limit, score FROM sentences "
                    f"WHERE model = ? AND options = ? AND source IN ({','.join('?' * len(chunk))})",
                    [model, options, *chunk],
                )
                for text, output, num_tokens, hit_limit, score in rows:
                    found[CacheKey(model, options, text)] = Generated(
                        output, num_tokens, bool(hit_limit), score
                    )
        return found

    def put_many(self, entries: Mapping[CacheKey, Generated]) -> None:
        """Write these outputs in one transaction."""
        with self._db:
            self._db.executemany(
                f"INSERT OR REPLACE INTO sentences ({', '.join(_COLUMNS)}) VALUES "
                f"({', '.join('?' * len(_COLUMNS))})",
                [
                    (*key, output.text, output.num_tokens, int(output.hit_limit), output.score)
                    for key, output in entries.items()
                ],
            )

    def clear(self) -> None:
        """Delete every output from the file."""
        with self._db:
            self._db.execute("DELETE FROM sentences")

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    return (items[first : first + size] for first in range(0, len(items), size))


class CachedBackend:
    """Wraps a backend; outputs are kept per (model, options, text) in a store.

    Only the texts the store lacks reach the inner backend (once each, even when repeated in
    one call), in one ``generate`` call. Thread-safe: the store is only used, and the
    counters only updated, under this object's lock (generation itself runs outside it).
    Everything else (``count_tokens``, ``max_input_tokens``, ``tokenizer`` …) is the inner
    backend's.

    Args:
        inner: The backend that really generates.
        store: Where outputs are kept; default a :class:`MemoryStore` of ``maxsize``.
        maxsize: Most outputs the default memory store keeps.

    Attributes:
        hits: Outputs served without the inner backend (repeats within a call included).
        misses: Outputs the inner backend generated; ``hits + misses`` is the number of
            texts asked for.

    Raises:
        ValueError: If ``maxsize`` is not a positive integer, or is given with a store.
    """

    def __init__(
        self, inner: Backend, store: CacheStore | None = None, *, maxsize: int | None = None
    ) -> None:
        if store is None:
            store = MemoryStore(DEFAULT_CACHE_SIZE if maxsize is None else maxsize)
        elif maxsize is not None:
            raise ValueError("maxsize is for the default memory store; size the store you give.")
        elif not isinstance(store, CacheStore):
            raise TypeError(f"store must be a CacheStore, got {store!r}.")
        self.inner = inner
        self.store = store
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (e.g. while unpickling): avoid recursing
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return f"CachedBackend({self.inner!r}, {self.store!r})"

    def __len__(self) -> int:
        with self._lock:
            return len(self.store)

    @property
    def maxsize(self) -> int | None:
        """Most outputs the store keeps (``None``: unbounded)."""
        return getattr(self.store, "maxsize", None)

    @property
    def model_id(self) -> str:
        """The inner backend's model."""
        return self.inner.model_id

    @property
    def max_input_tokens(self) -> int:
        """The inner backend's input limit."""
        return self.inner.max_input_tokens

    def count_tokens(self, text: str) -> int:
        """The inner backend's token count for ``text``."""
        return self.inner.count_tokens(text)

    def unknown_characters(self, text: str) -> list[str]:
        """The inner backend's characters of ``text`` the model can't read."""
        return self.inner.unknown_characters(text)

    def clear(self) -> None:
        """Forget every cached output."""
        with self._lock:
            self.store.clear()

    def close(self) -> None:
        """Close the store (an SQLite file's connection)."""
        with self._lock:
            self.store.close()

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        """Outputs for ``texts``: kept ones, and the rest from the inner backend in one call.

        Args:
            texts: Inputs, each within the model's limit.
            options: Decoding options (part of the key).

        Returns:
            One :class:`Generated` per text, in order.

        Raises:
            RuntimeError: If the inner backend returns a different number of outputs.
        """
        settings = json.dumps(options.as_kwargs(), sort_keys=True)
        keys = [CacheKey(self.inner.model_id, settings, text) for text in texts]
        unique = list(dict.fromkeys(keys))
        with self._lock:
            found = self.store.get_many(unique)
            missing = [key for key in unique if key not in found]
            self.hits += len(keys) - len(missing)
            self.misses += len(missing)
        if missing:
            outputs = self.inner.generate([key.text for key in missing], options)
            if len(outputs) != len(missing):
                raise RuntimeError(
                    f"Backend returned {len(outputs)} outputs for {len(missing)} inputs."
                )
            new = dict(zip(missing, outputs, strict=True))
            with self._lock:
                self.store.put_many(new)
            found.update(new)
        return [found[key] for key in keys]
