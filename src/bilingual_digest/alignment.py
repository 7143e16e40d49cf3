"""A translation and its sentence alignment: :class:`Segment`, :class:`Translation`, and the
:class:`TranslationStream` that yields the segments as they are ready.

Plain values made by :class:`~bilingual_digest.translation.Translator` (import them from
:mod:`bilingual_digest` or :mod:`bilingual_digest.translation`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .checks import Finding


@dataclass(frozen=True)
class Segment:
    """One source sentence (or piece of a long sentence) and its translation.

    Attributes:
        index: Position among the translation's segments, from 0.
        paragraph: Index of the paragraph (non-blank line) of the original, from 0.
        start: Offset of the source sentence's first character in the original.
        end: Offset just past its last character.
        source: The source sentence, ``original[start:end]``.
        translation: Its translation.
        complete: False when the translation reached the token limit and may be cut short.
        findings: What the faithfulness checks found (numbers, names, loops …).
        retried: True when the first output looped and the sentence was translated again.
        confidence: The model's confidence in the translation: the mean log-probability of
            its tokens (0 is certainty; lower, less sure), or ``None`` when not asked for
            (``TranslationOptions(confidence=True)``). Not calibrated: compare the sentences
            of one model, don't read it as a probability of being right (see the README).
    """

    index: int
    paragraph: int
    start: int
    end: int
    source: str
    translation: str
    complete: bool = True
    findings: tuple[Finding, ...] = ()
    retried: bool = False
    confidence: float | None = None


@dataclass(frozen=True)
class Translation:
    """A translated text with its sentence alignment.

    Attributes:
        text: The translation, with the original's paragraphs and line breaks.
        segments: One :class:`Segment` per source sentence, in order.
        source_lang: Language of the original.
        target_lang: Language of the translation.
        original: The text that was translated.
        model: Hub id or directory of the model used.
        warnings: Plain-language notes on anything the user should know.
    """

    text: str
    segments: tuple[Segment, ...]
    source_lang: str
    target_lang: str
    original: str
    model: str
    warnings: tuple[str, ...] = field(default=())


class TranslationStream(Iterator[Segment]):
    """The segments of one text as they are ready, in input order; then its :class:`Translation`.

    What :meth:`~bilingual_digest.translation.Translator.translate_iter` returns: iterate
    it for the segments; once it is exhausted, :attr:`translation` holds the whole
    :class:`Translation` (text, segments, warnings), exactly what ``translate`` returns.

    Args:
        items: ``(segment, notes)`` pairs in input order, the notes going to the warnings.
        assemble: Builds the :class:`Translation` from every segment and note.

    Attributes:
        translation: ``None`` until every segment has been read.
    """

    def __init__(
        self,
        items: Iterator[tuple[Segment, list[str]]],
        assemble: Callable[[list[Segment], list[str]], Translation],
    ) -> None:
        self._items = items
        self._assemble = assemble
        self._segments: list[Segment] = []
        self._notes: list[str] = []
        self.translation: Translation | None = None

    def __iter__(self) -> TranslationStream:
        return self

    def __next__(self) -> Segment:
        try:
            segment, notes = next(self._items)
        except StopIteration:
            if self.translation is None:
                self.translation = self._assemble(self._segments, self._notes)
            raise
        self._segments.append(segment)
        self._notes.extend(notes)
        return segment

    def close(self) -> None:
        """Stop: the batches not started are dropped (see :meth:`Translator.translate_iter`)."""
        close = getattr(self._items, "close", None)
        if close is not None:
            close()
