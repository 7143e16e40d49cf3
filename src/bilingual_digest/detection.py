"""Which registered language a text is in: offline detection with lingua.

The detector knows every registered language that has a ``detector`` handle (see
:mod:`~bilingual_digest.languages`), plus a few neighbouring European languages so that a
German or Spanish text is named and refused rather than taken for the closest supported one.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from .errors import UnsupportedLanguageError
from .languages import get_language, language_name, languages, resolve_pair
from .sanitize import without_surrogates
from .segment import paragraphs

if TYPE_CHECKING:
    from lingua import LanguageDetector

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

_NEIGHBOURS = ("GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "FRENCH", "ENGLISH")
"""Languages the detector tells apart from the registered ones, to name them when refused."""


@functools.lru_cache(maxsize=4)
def _detectors(handles: tuple[str, ...]) -> tuple[LanguageDetector, LanguageDetector]:
    """(registered languages' detector, a low-accuracy one that also knows the neighbours)."""
    from lingua import Language as Lingua
    from lingua import LanguageDetectorBuilder

    ours = [getattr(Lingua, name) for name in handles]
    others = [getattr(Lingua, name) for name in _NEIGHBOURS if name not in handles]
    exact = LanguageDetectorBuilder.from_languages(*ours).build() if len(ours) > 1 else None
    # Low-accuracy mode (trigrams only) is small and fast; it only has to notice that a text
    # of some length is clearly another European language.
    wide = LanguageDetectorBuilder.from_languages(*ours, *others).with_low_accuracy_mode().build()
    return exact, wide  # type: ignore[return-value]


def _detectable() -> dict[str, str]:
    """Detector handle → code, for the registered languages that can be detected."""
    return {lang.detector: lang.code for lang in languages() if lang.detector}


def detect_language(text: str) -> str:
    """Detect which registered language a text is in, offline (lingua).

    Args:
        text: Any text; only its letters matter.

    Returns:
        The code of a registered language (``"fr"`` or ``"en"`` with the shipped registry).

    Raises:
        TypeError: If ``text`` is not a string.
        UnsupportedLanguageError: If the text has no words, or reads clearly as a language
            that is not registered; the message suggests passing ``source=`` explicitly.
    """
    if not isinstance(text, str):
        raise TypeError(f"detect_language() expects a str, got {type(text).__name__}.")
    text = without_surrogates(text)  # lingua must encode it
    hint = 'Pass the language explicitly, e.g. source="fr" or source="en".'
    letters = len(_LETTER.findall(text))
    if letters < 2:
        raise UnsupportedLanguageError(
            f"Cannot detect the language of a text without words. {hint}"
        )
    handles = _detectable()
    known = [lang for lang in languages() if lang.detector in handles]
    names = ", ".join(f"{lang.name} ({lang.code})" for lang in known)
    either = " or ".join(lang.name for lang in known)
    if len(handles) == 1:
        return next(iter(handles.values()))
    if not handles:
        raise UnsupportedLanguageError(f"No registered language can be detected. {hint}")
    exact, wide = _detectors(tuple(handles))
    sample = text if len(text) <= 5000 else text[:5000]
    if letters >= 15:
        top = wide.compute_language_confidence_values(sample)[0]
        if top.language.name not in handles and top.value >= 0.9:
            raise UnsupportedLanguageError(
                f"The text looks like {top.language.name.title()}, not {either}. "
                f"Supported languages: {names}. {hint}"
            )
    best = exact.detect_language_of(sample)
    if best is None or best.name not in handles:
        raise UnsupportedLanguageError(f"Cannot tell whether the text is {either}. {hint}")
    return handles[best.name]


_MIN_LETTERS_TO_JUDGE = 60


def mixed_language_notes(text: str, source: str, target: str | None = None) -> list[str]:
    """Say which paragraphs read as another language than the article's.

    The translator works in one direction per article, so a paragraph in another language is
    passed through the model as if it were in the source language (OPUS-MT mostly copies
    it). Paragraphs too short to judge (under 60 letters) are not checked.

    Args:
        text: The article.
        source: Its language.
        target: The translation's language (for the message); ``None`` for the default.

    Returns:
        One note per other language found, naming its paragraphs (1-based); or nothing.
    """
    found: dict[str, list[int]] = {}
    for number, (start, end) in enumerate(paragraphs(text), start=1):
        if sum(ch.isalpha() for ch in text[start:end]) < _MIN_LETTERS_TO_JUDGE:
            continue
        language = _language_or_none(text[start:end])
        if language not in (None, source):
            found.setdefault(language, []).append(number)  # type: ignore[arg-type]
    if not found:
        return []
    src, tgt = resolve_pair(source, target)
    return [
        f"Paragraph(s) {', '.join(map(str, numbers))} look {language_name(code)}, not "
        f"{get_language(src).name}: they were passed through the {src}→{tgt} model as they "
        "are (usually copied through). Digest them separately to get them translated."
        for code, numbers in found.items()
    ]


def _language_or_none(text: str) -> str | None:
    try:
        return detect_language(text)
    except UnsupportedLanguageError:
        return None
