"""Translate the text of an HTML fragment and keep its markup exactly as it was.

:func:`split_html` cuts a fragment into markup (tags, comments, doctype) and text runs, and
says which runs are to be translated: those with letters, outside ``script``, ``style``,
``code``, ``pre``, ``textarea``, ``noscript`` and ``template`` and outside any element marked
``translate="no"`` (the HTML standard's attribute) or ``class="notranslate"`` (the convention
translation tools follow). :func:`join_html` puts translations back in their places, with
the run's surrounding whitespace and its characters escaped again; every tag, attribute and
comment is returned byte for byte.

A text run is translated on its own: an inline element inside a sentence (``<b>``, ``<a>``)
splits the sentence into runs translated separately, as LibreTranslate does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_MARKUP = re.compile(
    r"<!--.*?-->"  # comment
    r"|<![^>]*>"  # doctype, CDATA
    r"|<\?.*?>"  # processing instruction
    r"|</?[A-Za-z][^\s/>]*(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",  # a tag, quotes may hold ">"
    re.DOTALL,
)
_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_NO_TRANSLATE_ATTR = re.compile(
    r"""\stranslate\s*=\s*["']?no\b|\sclass\s*=\s*["'][^"']*\bnotranslate\b""", re.IGNORECASE
)
_SKIP = {"script", "style", "code", "pre", "textarea", "noscript", "template", "svg", "math"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_LETTER = re.compile(r"[^\W\d_]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class HtmlParts:
    """An HTML fragment cut into pieces.

    Attributes:
        pieces: Markup and raw text, in order; ``"".join(pieces)`` is the fragment.
        texts: The positions in ``pieces`` of the text runs to translate.
    """

    pieces: tuple[str, ...]
    texts: tuple[int, ...]

    def sources(self) -> list[str]:
        """The text of each run to translate: entities decoded, whitespace runs made one space."""
        return [_SPACE.sub(" ", html.unescape(self.pieces[i])).strip() for i in self.texts]


def split_html(fragment: str) -> HtmlParts:
    """Cut an HTML fragment into markup and text, marking the text runs to translate."""
    pieces: list[str] = []
    texts: list[int] = []
    closed: list[list[str | int]] = []  # [tag, depth] of the elements not to translate
    cursor = 0
    for match in _MARKUP.finditer(fragment):
        _text(fragment[cursor : match.start()], pieces, texts, skipping=bool(closed))
        tag = match.group()
        pieces.append(tag)
        _track(tag, closed)
        cursor = match.end()
    _text(fragment[cursor:], pieces, texts, skipping=bool(closed))
    return HtmlParts(tuple(pieces), tuple(texts))


def _text(raw: str, pieces: list[str], texts: list[int], *, skipping: bool) -> None:
    if not raw:
        return
    if not skipping and _LETTER.search(html.unescape(raw)):
        texts.append(len(pieces))
    pieces.append(raw)


def _track(tag: str, closed: list[list[str | int]]) -> None:
    """Follow the elements whose text is left alone (and their nested namesakes)."""
    name_match = _TAG_NAME.match(tag)
    if name_match is None:  # a comment, doctype or processing instruction
        return
    name = name_match.group(1).lower()
    if tag.startswith("</"):
        if closed and closed[-1][0] == name:
            closed[-1][1] = int(closed[-1][1]) - 1
            if closed[-1][1] == 0:
                closed.pop()
        return
    if name in _VOID or tag.endswith("/>"):
        return
    if closed and closed[-1][0] == name:
        closed[-1][1] = int(closed[-1][1]) + 1
    elif name in _SKIP or _NO_TRANSLATE_ATTR.search(tag):
        closed.append([name, 1])


def join_html(parts: HtmlParts, translations: Sequence[str]) -> str:
    """The fragment with each text run replaced by its translation, escaped, its spaces kept."""
    pieces = list(parts.pieces)
    for index, translation in zip(parts.texts, translations, strict=True):
        raw = pieces[index]
        lead = raw[: len(raw) - len(raw.lstrip())]
        trail = raw[len(raw.rstrip()) :]
        pieces[index] = f"{lead}{html.escape(translation.strip(), quote=False)}{trail}"
    return "".join(pieces)


def translate_html(fragment: str, translate: Callable[[list[str]], list[str]]) -> str:
    """Translate the text of an HTML fragment, keeping its markup.

    Args:
        fragment: HTML, a whole page or a snippet.
        translate: Translates a list of plain texts, in order.

    Returns:
        The fragment with its text translated.
    """
    parts = split_html(fragment)
    return join_html(parts, translate(parts.sources()) if parts.texts else [])
