"""Supported languages and pairs, the default models for each, and language detection."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from .errors import InputError, UnsupportedLanguageError

if TYPE_CHECKING:
    from lingua import LanguageDetector

LANGUAGES: dict[str, str] = {"fr": "French", "en": "English"}
"""ISO 639-1 codes of the supported languages and their English names."""

SUPPORTED_PAIRS: tuple[tuple[str, str], ...] = (("fr", "en"), ("en", "fr"))
"""(source, target) pairs that can be translated."""

DIRECTIONS: tuple[str, ...] = ("auto", "fr-en", "en-fr")
"""Direction choices offered by the web page, the command line and the batch script."""

DEFAULT_TRANSLATION_MODELS: dict[tuple[str, str], str] = {
    ("fr", "en"): "Helsinki-NLP/opus-mt-fr-en",
    ("en", "fr"): "Helsinki-NLP/opus-mt-en-fr",
}
DEFAULT_SUMMARY_MODEL = "sshleifer/distilbart-cnn-12-6"
SUMMARY_LANGUAGE = "en"

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def _pairs_text() -> str:
    return ", ".join(f"{s}→{t}" for s, t in SUPPORTED_PAIRS)


def validate_language(code: object, role: str = "language") -> str:
    """Normalise and check a language code.

    Args:
        code: A code such as ``"fr"``, ``"EN"`` or ``" en "``.
        role: What the code is for, used in the error message (``"source"``, ``"target"``).

    Returns:
        The lower-case code, ``"fr"`` or ``"en"``.

    Raises:
        UnsupportedLanguageError: If the code is not a supported language.
    """
    norm = code.strip().lower() if isinstance(code, str) else code
    if norm not in LANGUAGES:
        accepted = ", ".join(f"{c!r} ({n})" for c, n in LANGUAGES.items())
        raise UnsupportedLanguageError(
            f"Unsupported {role} language {code!r}: accepted values are {accepted}."
        )
    return norm  # type: ignore[return-value]


def resolve_pair(
    source: str | None, target: str | None, text: str | None = None
) -> tuple[str, str]:
    """Work out the (source, target) pair from what the caller gave.

    Args:
        source: Source language code, or ``None`` to detect it from ``text``.
        target: Target language code, or ``None`` for "the other one".
        text: The text, needed only when ``source`` is ``None``.

    Returns:
        A supported ``(source, target)`` pair.

    Raises:
        UnsupportedLanguageError: If a code is unknown, the pair is not supported, or the
            language of ``text`` can't be detected as French or English.
    """
    if source is None:
        if text is None:
            raise UnsupportedLanguageError("source=None needs a text to detect the language of.")
        src = detect_language(text)
    else:
        src = validate_language(source, "source")
    tgt = other_language(src) if target is None else validate_language(target, "target")
    if (src, tgt) not in SUPPORTED_PAIRS:
        raise UnsupportedLanguageError(
            f"Unsupported language pair {src}→{tgt}: supported pairs are {_pairs_text()}."
        )
    return src, tgt


def parse_direction(direction: object) -> tuple[str, str] | None:
    """Read a direction choice: ``"auto"``, ``"fr-en"`` or ``"en-fr"`` (any case, spaces).

    Args:
        direction: The choice as given.

    Returns:
        ``None`` for ``"auto"`` (detect the language), else the ``(source, target)`` pair.

    Raises:
        InputError: For anything else; the message lists the accepted values.
    """
    norm = direction.strip().lower() if isinstance(direction, str) else direction
    if norm not in DIRECTIONS:
        accepted = ", ".join(map(repr, DIRECTIONS))
        raise InputError(f"Unknown direction {direction!r}: accepted values are {accepted}.")
    if norm == "auto":
        return None
    source, target = norm.split("-")
    return source, target


def other_language(code: str) -> str:
    """Return the other supported language: ``"fr"`` → ``"en"`` and ``"en"`` → ``"fr"``."""
    return "en" if validate_language(code) == "fr" else "fr"


_OTHER_LANGUAGES = ("GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH")


@functools.lru_cache(maxsize=1)
def _fr_en_detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()


@functools.lru_cache(maxsize=1)
def _neighbour_detector() -> LanguageDetector:
    # Low-accuracy mode (trigrams only) is small and fast; it only has to notice that a
    # text of some length is clearly another European language.
    from lingua import Language, LanguageDetectorBuilder

    others = [getattr(Language, name) for name in _OTHER_LANGUAGES]
    return (
        LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH, *others)
        .with_low_accuracy_mode()
        .build()
    )


def detect_language(text: str) -> str:
    """Detect whether a text is French or English, offline (lingua).

    Args:
        text: Any text; only its letters matter.

    Returns:
        ``"fr"`` or ``"en"``.

    Raises:
        TypeError: If ``text`` is not a string.
        UnsupportedLanguageError: If the text has no words, or reads clearly as another
            language; the message suggests passing ``source=`` explicitly.
    """
    if not isinstance(text, str):
        raise TypeError(f"detect_language() expects a str, got {type(text).__name__}.")
    hint = 'Pass the language explicitly, e.g. source="fr" or source="en".'
    letters = len(_LETTER.findall(text))
    if letters < 2:
        raise UnsupportedLanguageError(
            f"Cannot detect the language of a text without words. {hint}"
        )
    sample = text if len(text) <= 5000 else text[:5000]
    if letters >= 15:
        ranked = _neighbour_detector().compute_language_confidence_values(sample)
        top = ranked[0]
        if top.language.name in _OTHER_LANGUAGES and top.value >= 0.9:
            raise UnsupportedLanguageError(
                f"The text looks like {top.language.name.title()}, not French or English. "
                f"Supported languages: French (fr), English (en). {hint}"
            )
    best = _fr_en_detector().detect_language_of(sample)
    if best is None:
        raise UnsupportedLanguageError(f"Cannot tell whether the text is French or English. {hint}")
    return best.iso_code_639_1.name.lower()
