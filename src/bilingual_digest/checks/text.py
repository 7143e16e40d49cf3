"""Helpers every check shares: argument validation, accent folding, excerpts, word patterns."""

from __future__ import annotations

import functools
import re
import unicodedata


def check_text(name: str, value: object) -> str:
    """Return ``value`` if it is a ``str``, else raise ``TypeError`` naming the argument."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}.")
    return value


def check_lang(name: str, value: object) -> str:
    """Return a language code in lower case; any code is accepted (tables decide the rest)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str language code, not {type(value).__name__}.")
    code = value.strip().lower()
    if not code:
        raise ValueError(f"{name} must be a language code such as 'fr' or 'en'; got {value!r}.")
    return code


def check_segment_index(value: object) -> int | None:
    """Return ``value`` if it is an ``int`` (not a bool) or ``None``."""
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise TypeError(f"segment must be an int or None, not {type(value).__name__}.")
    return value


def check_pair(
    source: object, translation: object, source_lang: object, target_lang: object
) -> tuple[str, str]:
    """Validate a (source, translation) pair and return the two language codes."""
    check_text("source", source)
    check_text("translation", translation)
    return check_lang("source_lang", source_lang), check_lang("target_lang", target_lang)


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "’‘ʼ":
        return "'"
    if char.isascii():
        return char
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base if len(base) == 1 else char


def fold_same_length(text: str) -> str:
    """Strip accents (and unify apostrophes) without changing the string's length."""
    return "".join(_fold_char(c) for c in text)


def fold(text: str) -> str:
    """Accent-free, case-folded form used for comparisons."""
    return fold_same_length(text).casefold()


def excerpt(text: str, limit: int = 80) -> str:
    """The text on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


WORD_RE = re.compile(r"\w+(?:['’\-]\w+)*")
LETTER_WORD_RE = re.compile(r"[^\W\d_]+")
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
