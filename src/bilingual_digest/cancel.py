"""Stopping work nobody waits for any more: a flag the engine checks between batches.

A door that can tell its caller has gone (a closed connection, a cancelled page event) sets
the flag; the engine checks it before each batch it sends to a model, so a cancelled request
stops within one batch instead of running to the end while the next one waits. Any object
with ``is_set()`` will do; :class:`threading.Event` is the usual one.
"""

from __future__ import annotations

from typing import Protocol

from .errors import Cancelled


class CancelFlag(Protocol):
    """What the engine reads: whether the caller has given up (``threading.Event`` fits)."""

    def is_set(self) -> bool:
        """True once the work should stop."""
        ...


def check_cancelled(cancel: CancelFlag | None) -> None:
    """Stop here if the work was cancelled.

    Raises:
        Cancelled: If ``cancel`` is set.
    """
    if cancel is not None and cancel.is_set():
        raise Cancelled("The request was cancelled before it finished; nothing was returned.")
