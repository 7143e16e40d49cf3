"""Work in flight: an ordered map over a few threads, for stages that overlap.

The engines release Python's lock while they generate (CTranslate2, torch), so a thread that
generates one batch lets another tokenise the next one and the caller check the previous one
at the same time. :func:`ordered_map` is that pattern: results come back in input order, as
soon as each is ready, with at most ``workers`` items worked on at once.

>>> list(ordered_map(lambda x: x * x, range(5), workers=2))
[0, 1, 4, 9, 16]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def ordered_map(
    function: Callable[[_In], _Out], items: Iterable[_In], workers: int
) -> Iterator[_Out]:
    """Apply ``function`` to each item in worker threads; yield the results in input order.

    Items are taken from ``items`` only as workers free up (a stream stays a stream). While
    the caller handles one result, the next ``workers`` items are being worked on. If the
    caller stops early (closes the generator) the items not started are dropped; an
    exception raised by ``function`` comes out of the generator at that item.

    Args:
        function: What to do with one item (called from a worker thread).
        items: The items.
        workers: Items worked on at once (at least 1).

    Yields:
        ``function(item)`` for each item, in the order of ``items``.

    Raises:
        ValueError: If ``workers`` is not a positive integer.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}.")
    return _ordered_map(function, iter(items), workers)


def _ordered_map(
    function: Callable[[_In], _Out], items: Iterator[_In], workers: int
) -> Iterator[_Out]:
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bilingual-digest")
    pending: deque[Future[_Out]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
