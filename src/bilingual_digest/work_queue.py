"""One queue for every door: how many requests run on the models at once, how many may wait.

The web page and the JSON API share one :class:`WorkQueue` (it lives in the
:class:`~bilingual_digest.service.DigestService`), so "one digest at a time" holds whichever
door the requests come through. A slot is held until the work has really stopped: a request
cancelled by its caller keeps its slot until the engine notices (before its next model batch,
see :mod:`~bilingual_digest.cancel`), so submitting and cancelling can't start work beside
work that is still running.

:func:`run_cancellable` runs the blocking work in a thread for an asyncio server (the page's
Gradio handlers, the API's endpoints) and turns a cancelled task or a closed connection into
the cancel flag the engine checks; :func:`stream_cancellable` does the same for work that
yields its results as they are ready (the page's streamed digest).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TypeVar

from .cancel import CancelFlag, check_cancelled
from .errors import ServerBusyError

_T = TypeVar("_T")

DEFAULT_CONCURRENCY = 1
DEFAULT_QUEUE_SIZE = 64
"""Requests that may wait for a slot (a browser extension translating a page sends dozens)."""

_POLL_SECONDS = 0.2


class WorkQueue:
    """At most ``concurrency`` jobs run at once; ``queue_size`` more wait, first come first served.

    Args:
        concurrency: Jobs run at the same time (CPU inference: 1 is best).
        queue_size: Jobs waiting at most; one more is refused at once with
            :class:`~bilingual_digest.errors.ServerBusyError`.

    Raises:
        ValueError: If either is not a positive integer.
    """

    def __init__(
        self, concurrency: int = DEFAULT_CONCURRENCY, queue_size: int = DEFAULT_QUEUE_SIZE
    ) -> None:
        for name, value in (("concurrency", concurrency), ("queue_size", queue_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}.")
        self.concurrency = concurrency
        self.queue_size = queue_size
        self._cond = threading.Condition()
        self._running = 0
        self._waiting: deque[object] = deque()

    @property
    def running(self) -> int:
        """Jobs holding a slot now."""
        return self._running

    @property
    def waiting(self) -> int:
        """Jobs waiting for a slot now."""
        return len(self._waiting)

    @property
    def busy(self) -> bool:
        """Whether a new job would have to wait."""
        return self._running >= self.concurrency or bool(self._waiting)

    @property
    def full(self) -> bool:
        """Whether a new job would be refused at once (the line is full)."""
        return self.busy and len(self._waiting) >= self.queue_size

    def refuse_if_full(self) -> None:
        """Refuse a job now, before any work for it (a fetch), if it would be refused anyway.

        Raises:
            ServerBusyError: If the line is full.
        """
        with self._cond:
            if self.full:
                raise self._busy_error()

    def _busy_error(self) -> ServerBusyError:
        return ServerBusyError(
            f"The server is busy: {self._running} request(s) running and "
            f"{len(self._waiting)} waiting, the most it queues. Try again shortly."
        )

    @contextlib.contextmanager
    def slot(self, cancel: CancelFlag | None = None) -> Iterator[None]:
        """Hold a slot for the duration of the ``with`` block, waiting in line for it.

        Args:
            cancel: Checked while waiting; a cancelled job leaves the line.

        Raises:
            ServerBusyError: If the line is full.
            Cancelled: If ``cancel`` is set while waiting.
        """
        with self._cond:
            if self.busy:
                if self.full:
                    raise self._busy_error()
                ticket = object()
                self._waiting.append(ticket)
                try:
                    while self._waiting[0] is not ticket or self._running >= self.concurrency:
                        check_cancelled(cancel)
                        self._cond.wait(_POLL_SECONDS)
                finally:
                    self._waiting.remove(ticket)
                    self._cond.notify_all()
            self._running += 1
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()


async def run_cancellable(
    work: Callable[[threading.Event], _T],
    *,
    gone: Callable[[], Awaitable[bool]] | None = None,
) -> _T:
    """Run blocking ``work(cancel)`` in a thread; cancel it when the caller goes away.

    The flag passed to ``work`` is set when the awaiting task is cancelled (a cancelled page
    event) or when ``gone()`` turns true (a closed connection); either way this waits for
    the work to stop before returning, so the caller's slot in the :class:`WorkQueue` is not
    freed while the engine still runs.

    Args:
        work: The blocking job; it receives the cancel flag.
        gone: Polled while the work runs; True means nobody waits for the answer any more.

    Returns:
        What ``work`` returned.

    Raises:
        Cancelled: If ``gone()`` turned true (after the work stopped).
        asyncio.CancelledError: If the awaiting task was cancelled (after the work stopped).
        Exception: Whatever ``work`` raised.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[_T] = loop.create_future()
    cancel = threading.Event()

    def settle(result: object, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        try:
            result, error = work(cancel), None
        except BaseException as exc:  # handed to the awaiting task
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=target, name="bilingual-digest-work", daemon=True).start()
    try:
        while True:
            try:
                return await asyncio.wait_for(asyncio.shield(done), _POLL_SECONDS)
            except asyncio.TimeoutError:
                if gone is not None and not cancel.is_set() and await gone():
                    cancel.set()  # the work raises Cancelled before its next model batch
    except asyncio.CancelledError:
        cancel.set()
        with contextlib.suppress(BaseException):  # keep the slot until the work has stopped
            await asyncio.shield(done)
        raise


async def stream_cancellable(
    make: Callable[[threading.Event], Iterator[_T]],
) -> AsyncIterator[_T]:
    """Read the blocking iterator ``make(cancel)`` in a thread, one item at a time.

    The flag passed to ``make`` is set when the consuming task is cancelled (a cancelled page
    event) or stops reading; a cancelled task waits for the item being made before it ends,
    so the iterator's queue slot is not freed while the engine still runs. The iterator is
    closed at the end either way.

    Yields:
        The iterator's items, in order.

    Raises:
        asyncio.CancelledError: If the consuming task was cancelled (after the work stopped).
        Exception: Whatever the iterator raised.
    """
    cancel = threading.Event()
    items = make(cancel)
    end = object()
    try:
        while True:
            step = asyncio.ensure_future(asyncio.to_thread(next, items, end))
            try:
                item = await asyncio.shield(step)
            except asyncio.CancelledError:
                cancel.set()
                with contextlib.suppress(BaseException):  # keep the slot until it has stopped
                    await step
                raise
            if item is end:
                return
            yield item  # type: ignore[misc]
    finally:
        cancel.set()
        close = getattr(items, "close", None)
        if close is not None:
            close()
