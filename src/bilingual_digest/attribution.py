"""Attribution: which source sentences each summary sentence draws on.

Each English summary sentence is tied to the source segments it draws on by lexical overlap of
content words with the English side of the segments (the translation for articles in another
language, the original for English ones), so a page can highlight them in both languages. A
summary sentence that matches nothing is flagged as a possible hallucination.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*", re.UNICODE)
_STOPWORDS = frozenset(
    """a about after also an and are as at be been before being but by can could did do does
    for from had has have he her his i if in into is it its more most not of on or other our
    out over said says she so some such than that the their them then there these they this
    those to up was we were what when where which while who will with would you your""".split()  # noqa: SIM905
)


def content_words(text: str) -> frozenset[str]:
    """The words that carry meaning: lower-cased, stop words dropped, plural ``-s`` removed.

    Args:
        text: English text.

    Returns:
        The set of normalised words (numbers included).
    """
    words = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return frozenset(words)


def attribute(
    summary: Sequence[str], sources: Sequence[str], *, max_segments: int = 3
) -> tuple[tuple[int, ...], ...]:
    """Tie each summary sentence to the source sentences it draws on, by content-word overlap.

    For each summary sentence, the source sentence sharing the most of its content words is
    taken, then the one sharing most of the words still uncovered, and so on, while each
    covers at least ``max(2, 20 %)`` of the sentence's words (all of them for a sentence of
    one word), up to ``max_segments``.

    Args:
        summary: Summary sentences (English).
        sources: Source sentences (English), e.g. the segments' English side.
        max_segments: Most source sentences tied to one summary sentence.

    Returns:
        For each summary sentence, the sorted indices of its sources; empty when none
        qualifies (or the sentence has no content words).
    """
    source_words = [content_words(s) for s in sources]
    result = []
    for sentence in summary:
        remaining = set(content_words(sentence))
        needed = min(len(remaining), max(2, math.ceil(0.2 * len(remaining))))
        chosen: list[int] = []
        while remaining and source_words and len(chosen) < max_segments:
            gains = [len(remaining & words) for words in source_words]
            best = max(range(len(gains)), key=lambda i: (gains[i], -i))
            if gains[best] < needed:
                break
            chosen.append(best)
            remaining -= source_words[best]
        result.append(tuple(sorted(chosen)))
    return tuple(result)


def unsupported_notes(summary: Sequence[str], attribution: Sequence[tuple[int, ...]]) -> list[str]:
    """A warning for each summary sentence with content words and no supporting segment."""
    return [
        f'Summary sentence {i + 1} ("{sentence}") matches nothing in the article: it may not be '
        "supported by the source (a possible hallucination)."
        for i, (sentence, support) in enumerate(zip(summary, attribution, strict=True))
        if not support and content_words(sentence)
    ]
