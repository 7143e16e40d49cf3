"""Make pasted or uploaded text safe to translate, and say what was changed.

Control characters and NUL bytes are removed (they are invisible, and tokenizers either drop
them or choke on them), and so are lone UTF-16 surrogates (a ``str`` can hold them, no codec
can encode them), Windows and old-Mac line endings become ``\\n``, and an HTML
document or fragment is reduced to its text. Everything else, Markdown, emoji and
right-to-left text included, is left exactly as it was.
"""

from __future__ import annotations

import codecs
import html
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import BinaryIO

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


_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _decode_marked(data: bytes, what: str) -> str | None:
    """Decode a file that starts with a UTF-16 or UTF-32 byte-order mark; ``None`` if none does."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{what} starts with a {name} byte-order mark but is not valid {name} text "
                    f"(byte {exc.start + len(bom)}); save it again as UTF-8."
                ) from None
    return None


def _bom_length(data: bytes) -> int:
    marks = (*(bom for bom, _, _ in _BOMS), codecs.BOM_UTF8)
    return next((len(bom) for bom in marks if data.startswith(bom)), 0)


def byte_limit(max_chars: int) -> int:
    """The most bytes a text of ``max_chars`` characters can take (4 bytes a character, and a
    byte-order mark): readers read one byte more than this, and no further."""
    return 4 * max_chars + 4


def read_head(file: BinaryIO, limit: int) -> tuple[bytes, int | None]:
    """A file's bytes, read no further than one byte past ``limit``, and its real size.

    Args:
        file: An open binary file.
        limit: The most bytes a document may take (e.g. :func:`byte_limit`).

    Returns:
        ``(data, size)``: ``size`` is the whole file's size (``os.fstat``) when reading
        stopped before its end, else ``None``; pass both to :func:`decode_bytes`, whose
        over-limit message then gives the file's real size, not how much was read.
    """
    data = file.read(limit + 1)
    if len(data) <= limit:
        return data, None
    try:
        return data, os.fstat(file.fileno()).st_size
    except (AttributeError, OSError, ValueError):  # not a real file: it is at least this long
        return data, None


def decode_bytes(
    data: bytes, *, what: str, max_chars: int, size: int | None = None
) -> tuple[str, list[str]]:
    """Decode a file's bytes as text: UTF-8, UTF-16 or UTF-32 with a byte-order mark, else cp1252.

    UTF-8 is read with or without a byte-order mark; UTF-16 and UTF-32 (little or big endian)
    need theirs (without it their NUL bytes make them look binary); anything else that is not
    UTF-8 is read as Windows-1252, with a warning.

    Shared by every door that reads files (batch script, command line; the web page's
    browser-side opener follows the same rules), so a file gets the same answer everywhere.

    Args:
        data: The raw bytes.
        what: How to name the file in messages (e.g. its name).
        max_chars: Largest accepted text, in characters.
        size: The whole file's size in bytes, when ``data`` is only its start (a reader
            that stops at ``4 * max_chars + 1`` bytes): an over-limit message gives it,
            not how much was read.

    Returns:
        ``(text, warnings)``; a warning says when the file was not UTF-8.

    Raises:
        InputError: For binary data, undecodable bytes, an empty file or one over the limit;
            the message names the file and what is accepted.
    """
    whole = max(size, len(data)) if size is not None else len(data)
    if whole > len(data) or len(data) - _bom_length(data) > 4 * max_chars:  # can't fit
        raise InputError(too_long_message(what, f"{whole:,} bytes", max_chars))
    text = _decode_marked(data, what)
    nul = "\x00" in text[:_BINARY_SNIFF] if text is not None else b"\x00" in data[:_BINARY_SNIFF]
    if nul:
        raise InputError(f"{what} looks like a binary file (it holds NUL bytes), not text.")
    warnings: list[str] = []
    if text is None:
        text, warnings = _decode_8bit(data, what)
    sniff = text[:_BINARY_SNIFF]
    controls = sum(ch not in _ALLOWED_CONTROLS and ch < " " for ch in sniff)
    if controls > max(2, len(sniff) // 100):
        raise InputError(f"{what} looks like a binary file (many control characters), not text.")
    if not text.strip():
        raise InputError(f"{what} is empty: there is no text to translate.")
    if len(text) > max_chars:
        raise InputError(too_long_message(what, f"{len(text):,} characters", max_chars))
    return text, warnings


def _decode_8bit(data: bytes, what: str) -> tuple[str, list[str]]:
    """UTF-8 (a BOM dropped), else Windows-1252 with a warning."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                f"{what} is not valid UTF-8 (byte {exc.start}) nor Windows-1252/Latin-1 text; "
                "convert it to UTF-8."
            ) from None
        return text, [
            f"{what} is not valid UTF-8 (byte {exc.start}); it was decoded as "
            "Windows-1252/Latin-1: check accented letters."
        ]


def too_long_message(what: str, size: str, max_chars: int) -> str:
    """The message for a text over the size limit, naming the limit and how to raise it."""
    return (
        f"{what} has {size}, over the limit of {max_chars:,} characters; split it or raise "
        "the limit (BILINGUAL_DIGEST_MAX_CHARS, or --max-chars for the batch script)."
    )
