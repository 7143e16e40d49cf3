"""Protected text: what must come out of translation exactly as it went in.

URLs (with a scheme, ``www.…``, or a bare domain such as ``lemonde.fr``), e-mail addresses,
@handles (``@AFP``, ``@user@instance.social``), #hashtags, inline code between backticks
(no space just inside the backticks),
and bracketed numbers such as ``[12]`` (which could be mistaken for the translator's own
placeholders, :mod:`~bilingual_digest.placeholders`). URLs and e-mail addresses are found
by linkify-it-py (the Python port of markdown-it's linkify-it: trailing punctuation,
balanced parentheses, international domains); a bare domain counts only when its last label
is lower case, so a lost space after a full stop (``président.Il``) is not a domain.

>>> spans = protected_spans("Voir https://lemonde.fr/a, écrire à a@b.fr ou @AFP.")
>>> [(s.kind, s.text) for s in spans]
[('url', 'https://lemonde.fr/a'), ('email', 'a@b.fr'), ('handle', '@AFP')]
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

KINDS: dict[str, str] = {
    "url": "URL",
    "email": "e-mail address",
    "handle": "@handle",
    "hashtag": "#hashtag",
    "code": "inline code",
    "marker": "bracketed number",
}
"""Each kind of protected text and how messages name it."""

MARKER = re.compile(r"\[[ \t]*(\d{1,4})[ \t]*\]")
"""A bracketed number, ``[12]`` (spaces inside allowed): the translator's placeholder form."""

_HANDLE = re.compile(r"(?<![\w@.+-])@\w+(?:\.\w+)*(?:@[\w-]+(?:\.[\w-]+)+)?")
_HASHTAG = re.compile(r"(?<![\w&#/])#\w*[^\W\d_]\w*")
_CODE = re.compile(r"(?<![`\w])(`+)(?![`\s])(?:[^\n]*?[^`\s])?(?<!`)\1(?![`\w])")
"""Inline code: backticks around text on one line, with no space just inside them (news
wires quote with a backtick and an apostrophe: "`gorgeous,' she said" is not code)."""
_PATTERNS = (("handle", _HANDLE), ("hashtag", _HASHTAG), ("code", _CODE), ("marker", MARKER))
_local = threading.local()


@dataclass(frozen=True)
class Span:
    """A piece of protected text.

    Attributes:
        start: Offset of its first character.
        end: Offset just past its last character.
        kind: One of :data:`KINDS`.
        text: The text itself.
    """

    start: int
    end: int
    kind: str
    text: str


def _linkify() -> Any:
    """This thread's linkify-it matcher (it keeps state between calls: one per thread)."""
    matcher = getattr(_local, "matcher", None)
    if matcher is None:
        from linkify_it import LinkifyIt

        matcher = _local.matcher = LinkifyIt()
    return matcher


def _links(text: str) -> list[Span]:
    if not any(mark in text for mark in ".@:"):
        return []
    found = []
    for match in _linkify().match(text) or []:
        raw = match.raw
        if match.schema == "mailto:" or (not match.schema and "@" in raw):
            kind = "email"
        elif match.schema:
            kind = "url"
        else:
            host = re.split(r"[/?#:]", raw)[0]
            if not host.rsplit(".", 1)[-1].islower():  # "président.Il": a lost space
                continue
            kind = "url"
        found.append(Span(match.index, match.last_index, kind, raw))
    return found


def protected_spans(text: str) -> list[Span]:
    """The protected spans of a text, in order and without overlaps (the longest wins).

    Args:
        text: A sentence or a whole text.

    Returns:
        The spans, sorted by offset.
    """
    candidates = _links(text)
    for kind, pattern in _PATTERNS:
        candidates += [Span(m.start(), m.end(), kind, m.group()) for m in pattern.finditer(text)]
    candidates.sort(key=lambda span: (span.start, -(span.end - span.start)))
    chosen: list[Span] = []
    for span in candidates:
        if not chosen or span.start >= chosen[-1].end:
            chosen.append(span)
    return chosen
