"""The unit of batch work (:class:`Document`) and how inputs are read (:class:`ReadOptions`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..options import FetchOptions

STDIN_FORMATS = ("text", "jsonl", "csv")


@dataclass(frozen=True)
class Document:
    """One unit of work: a text to translate, or the reason it can't be read.

    Attributes:
        id: Stable identifier: the path relative to the input root (``"a/b.txt"``), the
            JSONL/CSV id field, or ``"<file name>:<line>"``; ``"-"`` for standard input.
        source: Where it came from: the path as given, or ``"<path>:<line>"``.
        text: The decoded text; ``None`` when :attr:`error` is set.
        error: Plain-language reason the document can't be processed, else ``None``.
        warnings: Notes on how it was read (e.g. decoded as Windows-1252).
        relpath: Where ``--format txt`` writes its translation, relative to the output folder.
        done: The output already has a record for :attr:`id` (a resumed run), so the reader
            did not read the content; ``text`` and ``error`` are ``None``.
        duplicate_of: For the error document standing in for a repeated id: that id.
        article: For a web page (a saved ``.html`` file, a link): its ``url``, ``title``,
            ``author``, ``date`` and ``site`` (``None`` where unknown), as
            :meth:`~bilingual_digest.documents.Article.metadata` gives them; ``text`` is then
            the article's title and main text.
    """

    id: str
    source: str
    text: str | None = None
    error: str | None = None
    warnings: tuple[str, ...] = field(default=())
    relpath: str | None = None
    done: bool = False
    duplicate_of: str | None = None
    article: dict[str, Any] | None = None


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read.

    Attributes:
        max_chars: Largest accepted document, in characters.
        text_field: JSONL field holding the text.
        id_field: JSONL field (or CSV column) holding the id; ``None`` uses ``file:line``.
        text_column: CSV column holding the text.
        stdin_format: How standard input is read: one ``text``, or ``jsonl`` / ``csv`` rows.
        url_field: JSONL field holding a link to fetch, read when the text field is absent.
        fetch: How links are fetched and saved pages bounded (timeout, size cap, private
            addresses); ``None`` reads the ``BILINGUAL_DIGEST_FETCH_*`` and
            ``BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS`` variables where the reading runs.
    """

    max_chars: int = 100_000
    text_field: str = "text"
    id_field: str | None = None
    text_column: str = "text"
    stdin_format: str = "text"
    url_field: str = "url"
    fetch: FetchOptions | None = None

    def fetch_options(self) -> FetchOptions:
        """:attr:`fetch`, or the options the environment gives."""
        return self.fetch if self.fetch is not None else FetchOptions.from_env()

    def __post_init__(self) -> None:
        if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int):
            raise TypeError(f"max_chars must be an int, got {type(self.max_chars).__name__}.")
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be a positive integer, got {self.max_chars}.")
        if self.stdin_format not in STDIN_FORMATS:
            accepted = ", ".join(STDIN_FORMATS)
            raise ValueError(f"Unknown stdin format {self.stdin_format!r}: accepted: {accepted}.")
