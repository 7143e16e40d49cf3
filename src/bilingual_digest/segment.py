"""Cut a text into pieces a translation model can take whole, keeping every character's place.

Paragraphs are lines (a line break in the original stays a line break in the translation);
sentences come from sentencex, a language-aware splitter; a sentence longer than the model
accepts is cut further at clause punctuation, then between words, then between characters.
Nothing is ever dropped: every non-blank character of the input lies in exactly one piece,
and pieces come back in input order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from .languages import get_language

TokenCounter = Callable[[str], int]
"""Returns how many input tokens the model sees for a text (special tokens included)."""

_NON_BLANK = re.compile(r"\S")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–-]\s)|(?<=[)»\"”])\s+")
_WORD_BREAK = re.compile(r"\s+")


@dataclass(frozen=True)
class Piece:
    """A span of the original text to translate as one unit.

    Attributes:
        start: Offset of its first character in the original.
        end: Offset just past its last character.
        paragraph: Index of the paragraph (non-blank line) it belongs to, from 0.
        text: ``original[start:end]``.
    """

    start: int
    end: int
    paragraph: int
    text: str


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Yield the ``(start, end)`` span of each non-blank line, in order."""
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            yield start, end
        start = end + 1


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink a span to exclude surrounding whitespace; ``None`` if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _cut(text: str, start: int, end: int, cuts: Iterator[int]) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` at the given absolute offsets into stripped, non-empty spans."""
    spans, prev = [], start
    for cut in [*cuts, end]:
        span = _strip(text, prev, cut)
        if span:
            spans.append(span)
        prev = cut
    return spans


def sentences(text: str, language: str, keep_whole: Sequence[tuple[int, int]] = ()) -> list[Piece]:
    """Split a text into sentences with sentencex, paragraph by paragraph.

    Args:
        text: The original text.
        language: A registered language code: the splitter's rules (abbreviations, quotes)
            depend on it.
        keep_whole: ``(start, end)`` spans no sentence boundary may fall inside (sentencex
            cuts ``lemonde.fr/a.Il`` at its dots).

    Returns:
        Sentence pieces in order, whitespace-trimmed, covering every non-blank character.
    """
    from sentencex import get_sentence_boundaries

    language = get_language(language).sentence_code
    pieces: list[Piece] = []
    for index, (p_start, p_end) in enumerate(paragraphs(text)):
        line = text[p_start:p_end]
        bounds = get_sentence_boundaries(language, line)
        # Only sentencex's end offsets are used: consecutive cuts cover the whole line, so no
        # character can fall between two sentences whatever the splitter returns.
        cuts = sorted({p_start + b["end_index"] for b in bounds if 0 < b["end_index"] < len(line)})
        cuts = [cut for cut in cuts if not any(s < cut < e for s, e in keep_whole)]
        for s, e in _cut(text, p_start, p_end, iter(cuts)):
            pieces.append(Piece(s, e, index, text[s:e]))
    return pieces


def _parts(text: str, start: int, end: int, level: int) -> list[tuple[int, int]]:
    """Split a span one level finer: 0 = clauses, 1 = words, 2 = two halves of characters."""
    if level < 2:
        pattern = _CLAUSE_BREAK if level == 0 else _WORD_BREAK
        cuts = (m.end() for m in pattern.finditer(text, start, end) if m.start() > start)
        return _cut(text, start, end, (c for c in cuts if c < end))
    if end - start < 2:
        return [(start, end)]
    middle = (start + end) // 2
    return _cut(text, start, end, iter([middle]))


def fit(
    text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int
) -> list[tuple[int, int]]:
    """Cut a span until each part fits in ``max_tokens`` model tokens.

    Tries clause punctuation first, then word boundaries, then characters, and packs
    neighbouring parts back together greedily so pieces stay as long as the model allows.

    Args:
        text: The original text.
        start: Start of the span to fit.
        end: End of the span.
        count_tokens: Token counter of the model.
        max_tokens: Largest number of input tokens the model takes.

    Returns:
        Consecutive spans covering every non-blank character of the span.

    Raises:
        ValueError: If ``max_tokens`` is below 2 (nothing would fit).
    """
    if max_tokens < 2:
        raise ValueError(f"max_tokens must be at least 2, got {max_tokens}.")
    return _fit(text, (start, end), count_tokens, max_tokens, 0)


def _fit(
    text: str, span: tuple[int, int], count: TokenCounter, limit: int, level: int
) -> list[tuple[int, int]]:
    if count(text[span[0] : span[1]]) <= limit:
        return [span]
    for lvl in range(level, 3):
        parts = _parts(text, span[0], span[1], lvl)
        if len(parts) > 1:
            return _pack(text, parts, count, limit, lvl)
    return [span]  # a single character over the limit: cannot happen with real tokenizers


def _pack(
    text: str, parts: list[tuple[int, int]], count: TokenCounter, limit: int, level: int
) -> list[tuple[int, int]]:
    """Greedily merge consecutive parts while the estimated token count fits, then verify."""
    overhead = count("")  # special tokens added once per input (e.g. end-of-sequence)
    sizes = [count(text[s:e]) - overhead for s, e in parts]
    groups: list[list[int]] = [[]]
    total = overhead
    for i, size in enumerate(sizes):
        if groups[-1] and total + size > limit:
            groups.append([])
            total = overhead
        groups[-1].append(i)
        total += size
    result: list[tuple[int, int]] = []
    for group in groups:
        result.extend(_settle(text, [parts[i] for i in group], count, limit, level))
    return result


def _settle(
    text: str, group: list[tuple[int, int]], count: TokenCounter, limit: int, level: int
) -> list[tuple[int, int]]:
    if len(group) == 1:
        return _fit(text, group[0], count, limit, min(level + 1, 2))
    span = (group[0][0], group[-1][1])
    if count(text[span[0] : span[1]]) <= limit:
        return [span]
    half = len(group) // 2  # the estimate was off at the joins: split the group and retry
    return _settle(text, group[:half], count, limit, level) + _settle(
        text, group[half:], count, limit, level
    )


def segment(
    text: str,
    language: str,
    count_tokens: TokenCounter | None = None,
    max_tokens: int | None = None,
    keep_whole: Sequence[tuple[int, int]] = (),
) -> list[Piece]:
    """Split a text into sentence pieces that each fit the model.

    Args:
        text: The original text.
        language: Its language code.
        count_tokens: The model's token counter; without it sentences are not cut further.
        max_tokens: Largest number of input tokens per piece (with ``count_tokens``).
        keep_whole: ``(start, end)`` spans no sentence boundary may fall inside (protected
            text, glossary terms). A sentence too long for the model is still cut between
            words, which never falls inside a URL, an address or a handle.

    Returns:
        Pieces in input order; together they hold every non-blank character exactly once.
    """
    pieces = sentences(text, language, keep_whole)
    if count_tokens is None or max_tokens is None:
        return pieces
    fitted: list[Piece] = []
    for piece in pieces:
        for s, e in fit(text, piece.start, piece.end, count_tokens, max_tokens):
            fitted.append(Piece(s, e, piece.paragraph, text[s:e]))
    return fitted


def non_blank_offsets(text: str) -> list[int]:
    """Offsets of the non-blank characters of a text (for checking coverage)."""
    return [m.start() for m in _NON_BLANK.finditer(text)]
