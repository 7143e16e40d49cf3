"""Which sentences go to the model together: the first result fast, and every core busy.

A plan is a list of batches, each a list of sentence positions. Every batch costs a pass over
the decoder's weights per generated token whatever its size, so a plan has few batches;
and there are at least as many as the model's workers (batches generated at once), so no
core idles. Two plans:

- :func:`stream_plan`, for one text read as it is translated (:meth:`Translator.translate`
  and :meth:`Translator.translate_iter` share it, so both give the same sentences): in
  reading order, in balanced batches, one per worker or a multiple of that; the first
  paragraph alone when it is shorter than a batch (a small batch: its translation is back
  first).
- :func:`throughput_plan`, for many texts at once (:meth:`Translator.translate_many`, the
  batch script): every sentence sorted by size, longest first, cut into balanced batches
  of similar length (little padding), again a multiple of the workers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

Plan = list[list[int]]


def _balanced(positions: list[int], batch_size: int, workers: int) -> Plan:
    """Cut ``positions`` (in their order) into the fewest balanced batches of at most
    ``batch_size`` whose number is a multiple of ``workers`` (never more than positions)."""
    count = len(positions)
    if count == 0:
        return []
    batches = math.ceil(math.ceil(count / batch_size) / workers) * workers
    batches = min(count, batches)
    size, extra = divmod(count, batches)
    plan, first = [], 0
    for b in range(batches):
        last = first + size + (b < extra)
        plan.append(positions[first:last])
        first = last
    return plan


def stream_plan(paragraphs: Sequence[int], batch_size: int, workers: int = 1) -> Plan:
    """Batches in reading order, balanced; the first paragraph alone when shorter than a batch.

    Args:
        paragraphs: The paragraph of each sentence, in order (non-decreasing).
        batch_size: Most sentences per batch.
        workers: Batches generated at once.

    Returns:
        Consecutive batches covering ``range(len(paragraphs))`` in order: the balanced
        batches of :func:`throughput_plan`'s sizes, the first one cut after the first
        paragraph when that paragraph is shorter (its translation then comes first).

    >>> stream_plan([0, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8], 16, workers=2)
    [[0], [1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15, 16]]
    >>> stream_plan([0, 0, 0, 0], 16, workers=2)
    [[0, 1], [2, 3]]
    """
    plan = _balanced(list(range(len(paragraphs))), batch_size, workers)
    if not plan:
        return plan
    first = sum(1 for paragraph in paragraphs if paragraph == paragraphs[0])
    if first < len(plan[0]):
        plan[:1] = [plan[0][:first], plan[0][first:]]
    return plan


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
