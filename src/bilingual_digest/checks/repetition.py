"""The repetition check: output stuck in a loop, and a score to pick the better of two."""

from __future__ import annotations

from collections import Counter

from .findings import Finding
from .text import WORD_RE, check_segment_index, check_text

__all__ = ["check_repetition", "repetition_score"]

_MAX_LOOP_N = 4
_SHORT_TEXT_WORDS = 100


def _repetition_words(text: str) -> list[str]:
    return [w.casefold() for w in WORD_RE.findall(text)]


def _is_periodic(gram: tuple[str, ...]) -> bool:
    """Whether an n-gram is itself a smaller unit repeated ("the the")."""
    n = len(gram)
    return any(n % p == 0 and gram == gram[:p] * (n // p) for p in range(1, n))


def _loops(words: list[str]) -> list[tuple[int, int, int]]:
    """Consecutive repeats as (start, n, times), for n-grams of 1 to 4 words (times >= 2)."""
    runs: list[tuple[int, int, int]] = []
    for n in range(1, _MAX_LOOP_N + 1):
        i = 0
        while i + 2 * n <= len(words):
            gram = tuple(words[i : i + n])
            if _is_periodic(gram):  # found with its smaller unit
                i += 1
                continue
            times = 1
            while tuple(words[i + times * n : i + (times + 1) * n]) == gram:
                times += 1
            if times >= 2:
                runs.append((i, n, times))
                i += times * n
            else:
                i += 1
    return runs


def check_repetition(
    text: str, *, segment: int | None = None, n: int = 3, max_repeats: int = 3
) -> list[Finding]:
    """Flag degenerate output: loops and phrases repeated over and over.

    Two signs are reported, each n-gram once: any word n-gram of 1 to 4 words repeated
    back to back more than ``max_repeats`` times (``"no, no, no, no, no"``, ``"the the the
    the"``); and, in a short text (at most 100 words), an ``n``-word n-gram occurring more
    than ``max_repeats`` times in all, outside the loops already reported. Case and
    punctuation are ignored.

    Args:
        text: The text to check (usually a translation or a summary).
        segment: Segment index to copy into each finding.
        n: Size of the n-grams counted over the whole short text.
        max_repeats: How many repeats are still acceptable.

    Returns:
        ``repetition`` findings in order of first occurrence; their text is the n-gram,
        lower-cased.

    Raises:
        TypeError: If ``text`` is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If ``n`` or ``max_repeats`` is below 1.
    """
    check_text("text", text)
    check_segment_index(segment)
    if n < 1 or max_repeats < 1:
        raise ValueError(
            f"n and max_repeats must be >= 1; got n={n!r}, max_repeats={max_repeats!r}."
        )
    words = _repetition_words(text)
    hits: list[tuple[int, str, str]] = []
    covered: set[int] = set()
    reported: set[str] = set()
    for start, size, times in _loops(words):
        if times <= max_repeats:
            continue
        covered.update(range(start, start + size * times))
        gram = " ".join(words[start : start + size])
        if gram in reported:
            continue
        reported.add(gram)
        hits.append(
            (
                start,
                gram,
                f'The phrase "{gram}" is repeated {times} times in a row: the output looks '
                "stuck in a loop.",
            )
        )
    if len(words) <= _SHORT_TEXT_WORDS:
        counts: Counter[tuple[str, ...]] = Counter()
        first: dict[tuple[str, ...], int] = {}
        for i in range(len(words) - n + 1):
            if set(range(i, i + n)) <= covered:
                continue
            gram_t = tuple(words[i : i + n])
            counts[gram_t] += 1
            first.setdefault(gram_t, i)
        for gram_t, count in counts.items():
            gram = " ".join(gram_t)
            if count > max_repeats and gram not in reported:
                reported.add(gram)
                hits.append(
                    (
                        first[gram_t],
                        gram,
                        f'The phrase "{gram}" occurs {count} times in a short text: the '
                        "output looks repetitive.",
                    )
                )
    hits.sort(key=lambda hit: hit[0])
    return [Finding("repetition", gram, segment, message) for _, gram, message in hits]


def repetition_score(text: str) -> float:
    """Measure how repetitive a text is, to keep the better of two outputs.

    The score adds the share of words that repeat the n-gram (1 to 4 words) just before
    them and the share of 3-grams that already occurred earlier in the text.

    Args:
        text: The text to score.

    Returns:
        ``0.0`` for no repetition at all; higher is worse (at most 2).

    Raises:
        TypeError: If ``text`` is not a ``str``.
    """
    check_text("text", text)
    words = _repetition_words(text)
    if not words:
        return 0.0
    repeated: set[int] = set()
    for start, size, times in _loops(words):
        repeated.update(range(start + size, start + size * times))
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    duplicate_share = (len(trigrams) - len(set(trigrams))) / len(trigrams) if trigrams else 0.0
    return len(repeated) / len(words) + duplicate_share
