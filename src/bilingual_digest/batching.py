"""Which sentences go to the model together: the first result fast, or the most per second.

A plan is a list of batches, each a list of sentence positions. Two plans:

- :func:`stream_plan`, for one text read as it is translated (:meth:`Translator.translate`
  and :meth:`Translator.translate_iter` share it, so both give the same sentences): the
  first paragraph alone, so its translation is back after one small batch; then whole
  paragraphs, in reading order, in batches that double in size up to the batch size. The
  number of small batches (each costs a model pass over the decoder's weights per token)
  grows only with the logarithm of the text's length.
- :func:`throughput_plan`, for many texts at once (:meth:`Translator.translate_many`, the
  batch script): every sentence sorted by its number of tokens, longest first, cut into
  batches of similar length (little padding), at least one per worker and balanced, so
  every core stays busy to the end.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

Plan = list[list[int]]


def stream_plan(paragraphs: Sequence[int], batch_size: int) -> Plan:
    """Batches in reading order: the first paragraph, then growing runs of whole paragraphs.

    Args:
        paragraphs: The paragraph of each sentence, in order (non-decreasing).
        batch_size: Most sentences per batch; a longer paragraph is split.

    Returns:
        Consecutive batches covering ``range(len(paragraphs))`` in order.

    >>> stream_plan([0, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8], 16)
    [[0], [1, 2], [3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14, 15, 16]]
    """
    plan: Plan = []
    batch: list[int] = []
    target = 1
    for i, paragraph in enumerate(paragraphs):
        paragraph_ends = i + 1 == len(paragraphs) or paragraphs[i + 1] != paragraph
        batch.append(i)
        full = len(batch) >= batch_size
        if full or (paragraph_ends and len(batch) >= target):
            plan.append(batch)
            target = min(batch_size, 2 * len(batch) if len(plan) > 1 else max(2, len(batch)))
            batch = []
    if batch:
        plan.append(batch)
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
    count = len(sizes)
    if count == 0:
        return []
    order = sorted(range(count), key=lambda i: (sizes[i], i), reverse=True)
    batches = math.ceil(count / batch_size)
    batches = min(count, math.ceil(batches / workers) * workers)
    size, extra = divmod(count, batches)
    plan, first = [], 0
    for b in range(batches):
        last = first + size + (b < extra)
        plan.append(order[first:last])
        first = last
    return plan
