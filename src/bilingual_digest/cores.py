"""How a model spreads over the CPU cores it may use (:func:`thread_layout`).

The cores are :func:`~bilingual_digest.options.threads` (``BILINGUAL_DIGEST_THREADS``,
default the usable cores); the layout depends on what the model does with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .options import threads

MAX_WORKERS = 4
"""Most batches a translator generates at once (more splits an article too finely)."""


@dataclass(frozen=True)
class ThreadLayout:
    """How a model spreads over the CPU cores it may use.

    Attributes:
        workers: Batches generated at the same time (CTranslate2's ``inter_threads``).
        threads: Threads working on each batch (CTranslate2's ``intra_threads``).
    """

    workers: int
    threads: int


def thread_layout(role: str) -> ThreadLayout:
    """The thread layout for a model's role, over :func:`threads` cores.

    - ``"translation"``: many short sentences. Several batches at once, one thread each
      (up to :data:`MAX_WORKERS`): one thread per batch wastes no time synchronising on the
      small matrices of a sentence batch, and every core stays busy.
    - ``"summary"``: one long input at a time. One batch, every core on it.

    Raises:
        ValueError: For another role, or a bad ``BILINGUAL_DIGEST_THREADS``.
    """
    cores = threads()
    if role == "translation":
        workers = min(cores, MAX_WORKERS)
        return ThreadLayout(workers, max(1, cores // workers))
    if role == "summary":
        return ThreadLayout(1, cores)
    raise ValueError(f"Unknown model role {role!r}: 'translation' or 'summary'.")
