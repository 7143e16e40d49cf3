"""Which sentences go to the model together: the first result fast, and every core busy.

A plan is a list of batches, each a list of sentence positions. Every batch costs a pass over
the decoder's weights per generated token whatever its size, so a plan has few batches;
and there are at least as many as the model's workers (batches generated at once), so no
core idles. Two plans:

- :func:`stream_plan`, for one text read as it is translated (:meth:`Translator.translate`
  and :meth:`Translator.translate_iter` share it, so both give the same sentences): in
  reading order, as many batches as the throughput plan, but the first one half as big
  (the opening paragraphs): its translation is back first.
- :func:`throughput_plan`, for many texts at once (:meth:`Translator.translate_many`, the
  batch script): every sentence sorted by size, longest first, cut into balanced batches
  of similar length (little padding), again a multiple of the workers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

Plan = list[list[int]]


def _batches(count: int, batch_size: int, workers: int) -> int:
    """The fewest batches of at most ``batch_size`` for ``count`` sentences, as a multiple of
    ``workers`` (never more than the sentences)."""
    return min(count, math.ceil(math.ceil(count / batch_size) / workers) * workers)


def _balanced(positions: list[int], batch_size: int, workers: int) -> Plan:
    """Cut ``positions`` (in their order) into :func:`_batches` batches."""
    return _split(positions, _batches(len(positions), batch_size, workers))


def _split(positions: list[int], batches: int) -> Plan:
    """Cut ``positions`` (in their order) into ``batches`` batches whose sizes differ by one
    at most."""
    if not positions:
        return []
    size, extra = divmod(len(positions), batches)
    plan, first = [], 0
    for b in range(batches):
        last = first + size + (b < extra)
        plan.append(positions[first:last])
        first = last
    return plan


def stream_plan(paragraphs: Sequence[int], batch_size: int, workers: int = 1) -> Plan:
    """Batches in reading order: a small first one, then the rest, as few as the workers allow.

    Args:
        paragraphs: The paragraph of each sentence, in order (non-decreasing).
        batch_size: Most sentences per batch.
        workers: Batches generated at once.

    Returns:
        Consecutive batches covering ``range(len(paragraphs))`` in order. There are as many
        as :func:`throughput_plan` would make (a multiple of the workers, each within
        ``batch_size``), but the first holds only about half a batch: the opening
        paragraphs that fit in it (or the start of the first one), so that its translation
        is back while the other workers are still on theirs. The rest is balanced. With one
        worker and a text that fits one batch, the text goes whole (one batch costs least).

    >>> stream_plan([0, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8], 16, workers=2)
    [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]]
    >>> stream_plan([0] * 8, 16, workers=2)
    [[0, 1], [2, 3, 4, 5, 6, 7]]
    """
    count = len(paragraphs)
    batches = _batches(count, batch_size, workers)
    if batches < 2:  # one worker and a short text: one batch costs least
        return [list(range(count))] if count else []
    half = math.ceil(math.ceil(count / batches) / 2)
    ends = [i + 1 for i in range(half) if paragraphs[i + 1] != paragraphs[i]]
    first = ends[-1] if ends else half
    rest = list(range(first, count))
    return [list(range(first)), *_split(rest, max(batches - 1, math.ceil(len(rest) / batch_size)))]


def throughput_plan(sizes: Sequence[Any], batch_size: int, workers: int) -> Plan:
    """Batches of similar length, longest first, balanced over the workers.

    Args:
        sizes: The size of each sentence: its number of input tokens, or a tuple compared
            in order (``(tokens, characters)``). Equal sizes go later sentence first.
        batch_size: Most sentences per batch.
        workers: Batches generated at once.

    Returns:
        Batches covering every position once. Their number is the smallest multiple of
        ``workers`` that respects ``batch_size`` (never more than the sentences), and their
        sizes differ by at most one.

    >>> throughput_plan([5, 30, 12, 7, 30], batch_size=16, workers=2)
    [[4, 1, 2], [3, 0]]
    """
    order = sorted(range(len(sizes)), key=lambda i: (sizes[i], i), reverse=True)
    return _balanced(order, batch_size, workers)
