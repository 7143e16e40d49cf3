"""The punctuation step: what the model reads is normalised the way OPUS-MT's training data was.

OPUS-MT's training pipeline ran Moses' ``normalize-punctuation.perl`` and
``remove-non-printing-char.perl`` before SentencePiece, so its vocabularies lack characters
the normalisation removes: opus-mt-en-fr maps the typographic ``’ “ ”`` of English input to
``<unk>``, which decoding drops. :class:`PunctuationStep` applies the same normalisation
(sacremoses' port, :class:`sacremoses.MosesPunctNormalizer`) to the model input only; the
segment's source and its offsets keep the original text.

What it changes (nothing that carries meaning; ``tests/test_unknown_real.py`` checks that
letters and digits are untouched on 3,000 real sentences per language):

- typographic quotes and apostrophes (``“ ” „ « » ’ ‘ ´ `` ``) become ``"`` and ``'``; ``–``
  becomes ``-``, ``—`` ``" - "``, ``…`` ``...``;
- spaces: around parentheses, before ``: ; % ?`` (French typography), repeated spaces;
- a full stop or comma moves inside or outside a closing quote, per language;
- invisible format characters (soft hyphen, zero-width joiners, direction marks: Unicode
  category Cf) are removed, as ``remove-non-printing-char.perl`` does; letters written as a
  letter and a combining accent are composed (NFC: the same text).

What it leaves: Moses' number rule, which turns a non-breaking space between digits into a
comma (French) or a full stop (other languages): ``1 000`` would become ``1,000``, which a
French reader (and a French model) reads as one point zero. The model reads the space (its
SentencePiece normalisation makes it a plain one).

Placeholders (``[1]`` … of the protection step) pass unchanged: Moses never touches square
brackets or the digits inside them.

>>> PunctuationStep("en").prepare("It’s “fine” … really")[0]
'It\\'s "fine" ... really'
"""

from __future__ import annotations

import functools
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sacremoses import MosesPunctNormalizer


@functools.lru_cache(maxsize=16)
def _normalizer(language: str) -> MosesPunctNormalizer:
    from sacremoses import MosesPunctNormalizer

    return MosesPunctNormalizer(language, norm_numbers=False)


def _strip_format(text: str) -> str:
    """``text`` composed (NFC) and without Unicode format characters (category Cf: soft
    hyphen, zero-width joiner, direction marks …)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) != "Cf")


def normalize_punctuation(text: str, language: str) -> str:
    """Moses' punctuation normalisation of ``text`` in ``language``, numbers left alone.

    Args:
        text: One sentence.
        language: Its language code (``"fr"`` and ``"en"`` have their own quote rules).

    Returns:
        The normalised sentence (stripped, as Moses does).
    """
    return _normalizer(language).normalize(_strip_format(text))


class PunctuationStep:
    """The model reads Moses-normalised punctuation (see the module docs); nothing to undo.

    Args:
        language: The source language.
    """

    def __init__(self, language: str) -> None:
        self.language = language

    def __repr__(self) -> str:
        return f"PunctuationStep({self.language!r})"

    def prepare(self, text: str) -> tuple[str, None]:
        """The normalised sentence; the model's output needs no undoing."""
        return normalize_punctuation(text, self.language), None
