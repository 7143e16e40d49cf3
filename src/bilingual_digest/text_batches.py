"""Translating a batch of texts as translation clients send them (LibreTranslate's
``/translate``): each text's language given or detected on its own, HTML kept around its
text, every text of one pair sent to the model together, in the service's queue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cancel import CancelFlag
from .errors import InputError, UnsupportedLanguageError
from .languages import get_pair, validate_language

if TYPE_CHECKING:
    from .service import DigestService


@dataclass(frozen=True)
class TextTranslation:
    """One text of a batch translated for a client (see :meth:`DigestService.translate_texts`).

    Attributes:
        text: The translation; the text itself when there was nothing to translate (no
            letters) or it was already in the target language.
        source: The language it was read as (given, or detected).
        confidence: How sure the detection was, from 0 to 1; ``None`` when the language was
            given; 0 when there was nothing to detect.
    """

    text: str
    source: str
    confidence: float | None = None


def translate_texts(
    service: DigestService,
    texts: Sequence[str],
    source: str | None,
    target: str,
    *,
    html: bool = False,
    cancel: CancelFlag | None = None,
) -> list[TextTranslation]:
    """Translate a batch of texts, as translation clients send them (LibreTranslate's API).

    Each text's language is the one given, or detected on its own; a text without
    letters, or already in the target language, comes back as it is. With ``html`` the
    texts are HTML: only their text is translated, the markup is kept (see
    :mod:`~bilingual_digest.markup`). All texts of one pair go to the model together.

    Args:
        service: Whose queue, digester and character limit are used.
        texts: The texts.
        source: Their language, or ``None`` to detect each one's.
        target: The language to translate into.
        html: Whether the texts are HTML.
        cancel: Set it to stop the work (before its next model batch).

    Returns:
        One :class:`TextTranslation` per text, in order.

    Raises:
        TypeError: If a text is not a ``str``.
        InputError: If the texts together are over the character limit.
        UnsupportedLanguageError: If a language is unknown, can't be detected, or has no
            pair to the target.
        ServerBusyError: If the queue is full.
        Cancelled: If ``cancel`` was set before the work was done.
    """
    from .markup import join_html, split_html

    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"Text at index {i} must be a str, got {type(text).__name__}.")
    size = sum(len(text) for text in texts)
    if size > service.max_chars:
        raise InputError(
            f"The texts have {size:,} characters together, over the limit of {service.max_chars:,}."
        )
    tgt = validate_language(target, "target")
    src = validate_language(source, "source") if source is not None else None
    parts = [split_html(text) if html else None for text in texts]
    units = [p.sources() if p is not None else _plain(t) for p, t in zip(parts, texts, strict=True)]
    read = [_read_as(u, src, tgt, i, len(texts)) for i, u in enumerate(units)]
    work = [i for i, (lang, _) in enumerate(read) if lang != tgt and units[i]]
    done = service.run_in_queue(
        lambda: _translate_units(service, work, units, read, tgt, cancel), cancel, None
    )
    results = []
    for i, text in enumerate(texts):
        out = done.get(i)
        if out is not None and parts[i] is not None:
            out = join_html(parts[i], out)  # type: ignore[arg-type]
        elif out is not None:
            out = out[0]
        results.append(TextTranslation(_as_is(text) if out is None else out, *read[i]))
    return results


def _read_as(
    units: list[str], source: str | None, target: str, index: int, count: int
) -> tuple[str, float | None]:
    """The language a text is read as, and the detection's confidence (``None``: given)."""
    if source is not None:
        return source, None
    if not units:
        return target, 0.0  # nothing to translate: returned as it is
    from .detection import language_confidences

    try:
        code, confidence = language_confidences(" ".join(units))[0]
    except UnsupportedLanguageError as exc:
        where = f"Text at index {index}: " if count > 1 else ""
        raise UnsupportedLanguageError(
            f"{where}{exc.reason}", asks_for_language=exc.asks_for_language
        ) from None
    return code, confidence


def _translate_units(
    service: DigestService,
    work: list[int],
    units: list[list[str]],
    read: list[tuple[str, float | None]],
    target: str,
    cancel: CancelFlag | None,
) -> dict[int, list[str]]:
    """Translate the units of the texts in ``work``, one batched call per language pair."""
    by_pair: dict[str, list[int]] = {}
    for i in work:
        by_pair.setdefault(get_pair(read[i][0], target).key, []).append(i)
    done: dict[int, list[str]] = {}
    terms = service.digester.glossary_with()  # BILINGUAL_DIGEST_GLOSSARY's, if any
    for indices in by_pair.values():
        translator = service.digester.translator(read[indices[0]][0], target)
        flat = [unit for i in indices for unit in units[i]]
        outputs = iter(translator.translate_many(flat, glossary=terms, cancel=cancel))
        for i in indices:
            done[i] = [next(outputs).text for _ in units[i]]
    return done


def _plain(text: str) -> list[str]:
    """A plain text as the units to translate: itself, or nothing when it has no letters."""
    return [text] if any(ch.isalpha() for ch in text) else []


def _as_is(text: str) -> str:
    """A text returned untranslated, made safe to encode."""
    from .sanitize import without_surrogates

    return without_surrogates(text)
