"""The process's memory around the engines' threads (glibc only; elsewhere these do nothing).

An engine that generates on several threads leaves glibc's malloc with two habits that cost
memory without buying speed:

- **One arena per thread** (up to 8 per core), each keeping what it freed: the generation
  threads of three models then hold a few hundred MB of freed activations between them.
  :func:`limit_malloc_arenas` caps the arenas at about one per core.
- **Freed memory is kept**: a decoding step grows its caches a little at a time, so the
  freed blocks rarely fit the next request and the heap keeps growing from one article to
  the next. After each generation (:func:`generating`) the free memory is handed back to
  the system (``malloc_trim``: about 10 ms for the three default models' heaps).

Measured with ``benchmarks/bench.py`` (the three default models, the sample article's
digest, three runs): peak memory about 970 MB with glibc's defaults, 810–840 MB with the
arenas capped, 780–800 MB with both. What remains is the models (445 MB of int8 weights),
the runtime (about 110 MB) and the beam search's caches: about 12 MB per sentence being
translated (beam 4) and 140 MB for the summary of a long article.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

logger = logging.getLogger("bilingual_digest")

_M_ARENA_MAX = -8  # glibc's mallopt parameter: the most malloc arenas


@functools.lru_cache(maxsize=1)
def _libc() -> Any:
    """glibc, or ``None`` (musl, macOS, Windows)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt  # noqa: B018  (only glibc has both)
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


@functools.lru_cache(maxsize=1)
def limit_malloc_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas for this process (the first call only), before the engine's
    threads start allocating; ``MALLOC_ARENA_MAX``, when set, is left to decide.

    Returns:
        Whether the cap was set.
    """
    libc = _libc()
    if libc is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    done = bool(libc.mallopt(_M_ARENA_MAX, max(1, arenas)))
    logger.debug("malloc arenas capped at %d: %s", arenas, done)
    return done


@contextmanager
def generating() -> Iterator[None]:
    """Run a generation, then hand the memory malloc holds free back to the system."""
    try:
        yield
    finally:
        release_free_memory()


def release_free_memory() -> None:
    """Give the memory malloc holds free back to the system (``malloc_trim(0)``)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
