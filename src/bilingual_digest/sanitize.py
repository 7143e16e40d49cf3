"""Make pasted or uploaded text safe to translate, and say what was changed.

Control characters and NUL bytes are removed (they are invisible, and tokenizers either drop
them or choke on them), and so are lone UTF-16 surrogates (a ``str`` can hold them, no codec
can encode them), Windows and old-Mac line endings become ``\\n``, and an HTML
document or fragment is reduced to its text. Everything else, Markdown, emoji and
right-to-left text included, is left exactly as it was.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .errors import InputError
from .options import check_text

# C0 and C1 controls except tab and line feed, plus DEL; zero-width and BOM characters
# are kept out too because they split words invisibly.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\u200b]")
_HTML_TAG = re.compile(
    r"</?(?:html|body|head|p|div|span|br|a|b|i|em|strong|h[1-6]|ul|ol|li|table|tr|td|"
    r"article|section|header|footer|script|style|blockquote|img|meta|title)\b[^>]*>",
    re.IGNORECASE,
)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "article", "section", "header", "footer", "blockquote", "title", "ul", "ol", "table",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "head", "noscript", "template"}
_SURROGATE = re.compile("[\ud800-\udfff]")
"""Lone surrogates: a Python ``str`` (e.g. from JSON ``"\\ud800"``) can hold them; no codec can."""
_BINARY_SNIFF = 8192
_ALLOWED_CONTROLS = set("\t\n\r\f\v")


@dataclass(frozen=True)
class CleanText:
    """A text made safe to translate.

    Attributes:
        text: The cleaned text.
        notes: Plain-language notes on what was changed; empty when nothing was.
    """

    text: str
    notes: tuple[str, ...]


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def without_surrogates(text: str) -> str:
    """The text without lone surrogates (for libraries that must encode it)."""
    return _SURROGATE.sub("", text)


def looks_like_html(text: str) -> bool:
    """Whether a text holds HTML markup (at least two known tags)."""
    return len(_HTML_TAG.findall(text, 0, 200_000)) >= 2


def html_to_text(text: str) -> str:
    """Reduce HTML to its visible text, one block element per line."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    lines = (" ".join(line.split()) for line in html.unescape("".join(parser.parts)).split("\n"))
    return "\n".join(line for line in lines if line)


def clean_text(text: str) -> CleanText:
    """Remove what a translation model should never see, and say so.

    Args:
        text: The text as pasted or uploaded.

    Returns:
        The cleaned text and notes describing each change.

    Raises:
        TypeError: If ``text`` is not a ``str``.
    """
    if not isinstance(text, str):
        raise TypeError(f"clean_text() expects a str, got {type(text).__name__}.")
    notes: list[str] = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_html(text):
        text = html_to_text(text)
        notes.append("The text contained HTML markup: only its visible text was translated.")
    surrogates = len(_SURROGATE.findall(text))
    if surrogates:
        text = _SURROGATE.sub("", text)
        notes.append(
            f"Removed {surrogates} invalid character(s) (lone UTF-16 surrogates, which no "
            "text encoding can represent)."
        )
    removed = len(_CONTROL.findall(text))
    if removed:
        nul = text.count("\x00")
        text = _CONTROL.sub("", text)
        detail = f", {nul} of them NUL bytes" if nul else ""
        notes.append(f"Removed {removed} invisible control character(s){detail}.")
    return CleanText(text, tuple(notes))


def prepare_text(text: object, what: str = "text", limit: int | None = None) -> CleanText:
    """Check one input text at the boundary and clean it: what every door goes through.

    Args:
        text: The caller's input.
        what: How to name it in messages (``"text"``, ``"text at index 3"``, ``"article"``).
        limit: Largest accepted length in characters before cleaning; ``None`` for none.

    Returns:
        The cleaned text and its notes (see :func:`clean_text`).

    Raises:
        TypeError: If ``text`` is not a ``str``.
        InputError: If it is empty, over the limit, or has nothing left once cleaned.
    """
    clean = clean_text(check_text(text, what=what, limit=limit))
    if not clean.text.strip():
        raise InputError(f"The {what} has no visible characters once cleaned.")
    return clean


def decode_bytes(data: bytes, *, what: str, max_chars: int) -> tuple[str, list[str]]:
    """Decode a file's bytes as text: UTF-8 (with or without BOM), else Windows-1252.

    Shared by every door that reads files (batch script, web upload, command line), so a
    file gets the same answer everywhere.

    Args:
        data: The raw bytes.
        what: How to name the file in messages (e.g. its name).
        max_chars: Largest accepted text, in characters.

    Returns:
        ``(text, warnings)``; a warning says when the file was not UTF-8.

    Raises:
        InputError: For binary data, undecodable bytes, an empty file or one over the limit;
            the message names the file and what is accepted.
    """
    if len(data) > 4 * max_chars:  # even 4-byte UTF-8 can't fit: don't decode it at all
        raise InputError(too_long_message(what, f"{len(data):,} bytes", max_chars))
    if b"\x00" in data[:_BINARY_SNIFF]:
        raise InputError(f"{what} looks like a binary file (it holds NUL bytes), not text.")
    warnings: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                f"{what} is not valid UTF-8 (byte {exc.start}) nor Windows-1252/Latin-1 text; "
                "convert it to UTF-8."
            ) from None
        warnings.append(
            f"{what} is not valid UTF-8 (byte {exc.start}); it was decoded as "
            "Windows-1252/Latin-1: check accented letters."
        )
    sniff = text[:_BINARY_SNIFF]
    controls = sum(ch not in _ALLOWED_CONTROLS and ch < " " for ch in sniff)
    if controls > max(2, len(sniff) // 100):
        raise InputError(f"{what} looks like a binary file (many control characters), not text.")
    if not text.strip():
        raise InputError(f"{what} is empty: there is no text to translate.")
    if len(text) > max_chars:
        raise InputError(too_long_message(what, f"{len(text):,} characters", max_chars))
    return text, warnings


def too_long_message(what: str, size: str, max_chars: int) -> str:
    """The message for a text over the size limit, naming the limit and how to raise it."""
    return (
        f"{what} has {size}, over the limit of {max_chars:,} characters; split it or raise "
        "the limit (BILINGUAL_DIGEST_MAX_CHARS, or --max-chars for the batch script)."
    )
