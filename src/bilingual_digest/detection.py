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
def _exact_detector(handles: tuple[str, ...]) -> LanguageDetector:
    """The registered languages' detector (lingua's high-accuracy mode: its n-gram models
    take about 45 MB for French and English, loaded at its first use)."""
    from lingua import Language as Lingua
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        *(getattr(Lingua, name) for name in handles)
    ).build()


@functools.lru_cache(maxsize=4)
def _wide_detector(handles: tuple[str, ...]) -> LanguageDetector:
    """A low-accuracy detector (trigrams only: small and fast) that also knows the
    neighbouring languages."""
    from lingua import Language as Lingua
    from lingua import LanguageDetectorBuilder

    ours = [getattr(Lingua, name) for name in handles]
    others = [getattr(Lingua, name) for name in _NEIGHBOURS if name not in handles]
    return LanguageDetectorBuilder.from_languages(*ours, *others).with_low_accuracy_mode().build()


def _detectable() -> dict[str, str]:
    """Detector handle → code, for the registered languages that can be detected."""
    return {lang.detector: lang.code for lang in languages() if lang.detector}


_SAMPLE = 5000  # characters of one paragraph that are read
_CLEAR = 0.9  # the wide detector's confidence that a text is an unregistered language
_SURE = 0.999
"""The wide detector's confidence above which its verdict for a registered language stands.

On the 28,728 WMT news sentences of ../shared/eval/parallel with 15 letters or more
(``benchmarks/detection.py``) it decides 73 % of those under 60 letters and 98.5 % of the
longer ones, and changes 2 verdicts of 28,728 (the same number of errors: 118 and 67
before and after), so for most texts the high-accuracy models (about 45 MB for French and
English) are never loaded."""
_MIN_LETTERS_TO_JUDGE = 60  # paragraphs shorter than this are not judged on their own


def _judge(text: str, handles: dict[str, str], sure: float = _SURE) -> str | None:
    """One stretch of text: a registered code, an unregistered language's name, or None.

    The wide detector (which also knows the neighbouring languages) speaks first: a text it
    is sure is an unregistered language gets that language's English name (``"German"``),
    and a text it is at least ``sure`` is a registered one (:data:`_SURE`) gets that code.
    Otherwise the registered languages' own detector decides among them.
    """
    sample = text[:_SAMPLE]
    if len(_LETTER.findall(sample)) >= 15:
        top = _wide_detector(tuple(handles)).compute_language_confidence_values(sample)[0]
        name = top.language.name
        if name not in handles and top.value >= _CLEAR:
            return name.title()
        if name in handles and top.value >= sure:
            return handles[name]
    best = _exact_detector(tuple(handles)).detect_language_of(sample)
    return handles.get(best.name) if best is not None else None


def _votes(text: str, handles: dict[str, str]) -> dict[str, int]:
    """Letters per verdict (code or language name) over the paragraphs that can be judged."""
    spans = [(s, e) for s, e in paragraphs(text) if len(_LETTER.findall(text[s:e])) >= 15]
    if len(spans) < 2:
        spans = [(0, len(text))]
    votes: dict[str, int] = {}
    for start, end in spans:
        verdict = _judge(text[start:end], handles)
        if verdict is not None:
            votes[verdict] = votes.get(verdict, 0) + len(_LETTER.findall(text[start:end]))
    return votes


def detect_language(text: str) -> str:
    """Detect which registered language a text is in, offline (lingua), by majority.

    Each paragraph is judged on its own and the language with the most letters wins, so one
    paragraph in another language (a quotation, a German paragraph in a French article) does
    not decide for the whole text; :func:`mixed_language_notes` names those paragraphs.

    Args:
        text: Any text; only its letters matter.

    Returns:
        The code of a registered language (``"fr"`` or ``"en"`` with the shipped registry).

    Raises:
        TypeError: If ``text`` is not a string.
        UnsupportedLanguageError: If the text has no words, or reads mostly as a language
            that is not registered; the message asks for the language to be given.
    """
    if not isinstance(text, str):
        raise TypeError(f"detect_language() expects a str, got {type(text).__name__}.")
    text = without_surrogates(text)  # lingua must encode it
    if len(_LETTER.findall(text)) < 2:
        raise UnsupportedLanguageError(
            "Cannot detect the language of a text without words.", asks_for_language=True
        )
    handles = _detectable()
    if len(handles) == 1:
        return next(iter(handles.values()))
    known = [lang for lang in languages() if lang.detector in handles]
    either = " or ".join(lang.name for lang in known)
    if not handles:
        raise UnsupportedLanguageError(
            "No registered language can be detected.", asks_for_language=True
        )
    votes = _votes(text, handles)
    if not votes:
        raise UnsupportedLanguageError(
            f"Cannot tell whether the text is {either}.", asks_for_language=True
        )
    winner = max(votes, key=lambda verdict: votes[verdict])
    if winner not in handles.values():
        names = ", ".join(f"{lang.name} ({lang.code})" for lang in known)
        raise UnsupportedLanguageError(
            f"The text looks like {winner}, not {either}. Supported languages: {names}.",
            asks_for_language=True,
        )
    return winner


def language_confidences(text: str) -> list[tuple[str, float]]:
    """How likely each registered language is, most likely first, for clients that want odds.

    The first entry is always :func:`detect_language`'s answer; the values come from the
    registered languages' detector over the whole text and add up to 1 (a single detectable
    language gets 1.0).

    Args:
        text: Any text.

    Returns:
        ``[(code, confidence), ...]`` with confidences from 0 to 1.

    Raises:
        TypeError: If ``text`` is not a string.
        UnsupportedLanguageError: When :func:`detect_language` would raise it.
    """
    best = detect_language(text)
    handles = _detectable()
    if len(handles) < 2:
        return [(best, 1.0)]
    sample = without_surrogates(text)[:_SAMPLE]
    values = {
        handles[value.language.name]: value.value
        for value in _exact_detector(tuple(handles)).compute_language_confidence_values(sample)
        if value.language.name in handles
    }
    ranked = sorted(values.items(), key=lambda item: (item[0] != best, -item[1]))
    return ranked or [(best, 1.0)]


def mixed_language_notes(text: str, source: str, target: str | None = None) -> list[str]:
    """Say which paragraphs read as another language than the article's.

    The translator works in one direction per article, so a paragraph in another language
    (registered or not) is passed through the model as if it were in the source language
    (OPUS-MT mostly copies it). Paragraphs too short to judge (under 60 letters) are not
    checked.

    Args:
        text: The article.
        source: Its language.
        target: The translation's language (for the message); ``None`` for the default.

    Returns:
        One note per other language found, naming its paragraphs (1-based); or nothing.
    """
    handles = _detectable()
    if len(handles) < 2:
        return []
    text = without_surrogates(text)
    found: dict[str, list[int]] = {}
    for number, (start, end) in enumerate(paragraphs(text), start=1):
        if len(_LETTER.findall(text[start:end])) < _MIN_LETTERS_TO_JUDGE:
            continue
        verdict = _judge(text[start:end], handles)
        if verdict not in (None, source):
            found.setdefault(language_name(verdict), []).append(number)  # type: ignore[arg-type]
    if not found:
        return []
    src, tgt = resolve_pair(source, target)
    return [
        f"Paragraph(s) {', '.join(map(str, numbers))} look {name}, not "
        f"{get_language(src).name}: they were passed through the {src}→{tgt} model as they "
        "are (usually copied through). Digest them separately to get them translated."
        for name, numbers in found.items()
    ]
