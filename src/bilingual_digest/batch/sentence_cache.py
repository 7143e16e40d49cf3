"""The batch script's sentence cache (``--cache``): repeated sentences are free across runs.

:class:`SentenceCache` is the project's one cache wrapper
(:class:`~bilingual_digest.backends.cache.CachedBackend`) with an SQLite file as its store
(:class:`~bilingual_digest.backends.cache.SQLiteStore`): it has a backend's interface, so a
:class:`~bilingual_digest.translation.Translator` uses it unchanged. An output is keyed by
the model id, the decoding options and the exact input sentence; only the misses reach the
wrapped backend. Several processes may share one cache file (SQLite locks it).
"""

from __future__ import annotations

import os

from ..backends import Backend
from ..backends.cache import CachedBackend, SQLiteStore


class SentenceCache(CachedBackend):
    """A backend that remembers every output it generated, in an SQLite file.

    A backend that is already a :class:`~bilingual_digest.backends.cache.CachedBackend` (a
    translator's in-memory cache) is unwrapped: the file takes the place of its memory store,
    rather than a second cache being stacked on the first.

    Args:
        backend: The backend doing the real work.
        path: The cache file (created with its parent folders if missing).

    Attributes:
        inner: The wrapped backend.
        hits: Outputs served from the cache since this object was made.
        misses: Outputs the wrapped backend had to generate.

    Raises:
        ValueError: If ``path`` exists and is not an SQLite cache this class can use.
    """

    def __init__(self, backend: Backend, path: str | os.PathLike[str]) -> None:
        if isinstance(backend, CachedBackend):
            backend = backend.inner
        store = SQLiteStore(path, remedy="give a new file name for --cache, or delete that file")
        super().__init__(backend, store)
