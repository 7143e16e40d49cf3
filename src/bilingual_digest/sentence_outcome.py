"""What becomes of one generated sentence: retried if it looped, restored, checked, noted.

The :class:`~bilingual_digest.translation.Translator` generates batches in worker threads
(:func:`retry_degenerate` runs there, beside the generation) and finishes each sentence in
reading order (:func:`finish_segment`): its placeholders restored, the faithfulness checks
run, and the plain-language notes for the translation's warnings written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from .alignment import Segment
from .backends import Backend, Generated, checked_generate
from .cancel import CancelFlag, check_cancelled
from .checks import Finding, check_repetition, check_segment, repetition_score
from .options import TranslationOptions
from .segment import Piece
from .steps import Prepared

logger = logging.getLogger("bilingual_digest")


def retry_degenerate(
    backend: Backend,
    sources: list[str],
    outputs: list[Generated],
    options: TranslationOptions,
    cancel: CancelFlag | None = None,
) -> dict[int, bool]:
    """Translate looping outputs again with repetition guards; keep the better one.

    ``outputs`` is updated in place where the retry did better.

    Returns:
        For each retried position, whether the retry's output was kept.
    """
    if not options.retry_degenerate:
        return {}
    bad = [i for i, out in enumerate(outputs) if out.hit_limit or check_repetition(out.text)]
    if not bad:
        return {}
    check_cancelled(cancel)
    guarded = replace(options.generation(), no_repeat_ngram_size=3, repetition_penalty=1.3)
    again = checked_generate(backend, [sources[i] for i in bad], guarded)
    kept = {}
    for i, new in zip(bad, again, strict=True):
        old = outputs[i]
        kept[i] = (new.hit_limit, repetition_score(new.text)) < (
            old.hit_limit,
            repetition_score(old.text),
        )
        if kept[i]:
            outputs[i] = new
    logger.info("Retried %d looping sentence(s) with repetition guards", len(bad))
    return kept


def check(
    source: str,
    translation: str,
    index: int,
    options: TranslationOptions,
    pair: tuple[str, str],
    agreed: Sequence[tuple[str, str]] = (),
) -> tuple[Finding, ...]:
    """The findings for one segment (the checks skip what a language has no tables for).

    ``agreed``: the glossary terms enforced in it, ``(source, translation)`` as written,
    which the checks take as right.
    """
    if not options.checks:
        return ()
    return tuple(check_segment(source, translation, *pair, segment=index, glossary=agreed))


def finish_segment(
    index: int,
    piece: Piece,
    ready: Prepared,
    out: Generated,
    kept: bool | None,
    options: TranslationOptions,
    pair: tuple[str, str],
) -> tuple[Segment, list[str]]:
    """One finished sentence: its :class:`Segment` and the notes for the warnings.

    Args:
        index: Its position among the text's segments.
        piece: The source sentence.
        ready: What the steps made of it (restores the placeholders).
        out: The model's output.
        kept: ``None`` if the sentence was not retried, else whether the retry was kept.
        options: The call's options.
        pair: ``(source, target)`` languages.
    """
    output, found = ready.restore(out.text)
    findings = (
        *(replace(f, segment=index) for f in found),
        *check(piece.text, output, index, options, pair, ready.agreed()),
    )
    result = Segment(
        index,
        piece.paragraph,
        piece.start,
        piece.end,
        piece.text,
        output,
        not out.hit_limit,
        findings,
        kept is not None,
        out.score,
    )
    notes = []
    if kept is not None:
        outcome = (
            "the better output was kept"
            if kept
            else "the retry did no better, so the first output was kept"
        )
        notes.append(
            f"Sentence {index + 1}: the model repeated itself; it was translated again "
            f"with repetition guards and {outcome}."
        )
    notes.extend(f"Sentence {index + 1}: {f.message}" for f in findings)
    if out.hit_limit:
        notes.append(
            f"Sentence {index + 1} reached the limit of {options.max_new_tokens} "
            "generated tokens: its translation may be cut short."
        )
    return result, notes
