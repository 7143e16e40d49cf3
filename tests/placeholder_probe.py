"""What real tokenizers and Moses' normalisation do to placeholders in real sentences.

Shared by ``tests/test_placeholders_real.py`` (the committed subset) and
``benchmarks/placeholders.py`` (all of ../shared/eval). A placeholdered sentence is a real one
whose capitalised words after the first (names: what glossaries hold) become numbered
placeholders, up to :data:`MAX_PER_SENTENCE`, in the form under test (``"[{}]"``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from sacremoses import MosesPunctNormalizer

MAX_PER_SENTENCE = 4
FORMS = ("[{}]", "{{{}}}", "<{}>", "%{}", "#{}#", "@{}@", "§{}§", "__{}__", "(({}))", "ZXQ{}")
"""The form the translator uses first, then the alternatives it was measured against."""

_NAME = re.compile(r"(?<=\s)[A-ZÀ-Ý][\w'-]+")


def finder(form: str) -> re.Pattern[str]:
    """The pattern that finds placeholders of a form (``"[{}]"`` → ``\\[(\\d+)\\]``)."""
    return re.compile(re.escape(form.format("\x00")).replace("\x00", r"(\d+)"))


def placeholdered(sentence: str, form: str) -> str:
    """The sentence with its names (capitalised words after the first) as placeholders."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if count == MAX_PER_SENTENCE:
            return match.group()
        count += 1
        return form.format(count)

    return _NAME.sub(replace, sentence)


def contexts(text: str, pattern: re.Pattern[str]) -> list[tuple[str, bool, bool]]:
    """Each placeholder with whether a space stands before and after it."""
    return [
        (m.group(), m.start() == 0 or text[m.start() - 1].isspace(),
         m.end() == len(text) or text[m.end()].isspace())
        for m in pattern.finditer(text)
    ]  # fmt: skip


def probe(tokenizer, sentences: Sequence[str], language: str, form: str) -> Counter[str]:
    """Count, over placeholdered real sentences, what breaks a placeholder.

    Args:
        tokenizer: A transformers ``MarianTokenizer`` (real files).
        sentences: Real sentences in the tokenizer's source language.
        language: Their language (for Moses' normaliser); the target is the other one.
        form: The placeholder form, e.g. ``"[{}]"``.

    Returns:
        ``sentences`` (with at least one placeholder), ``placeholders``, ``pieces`` (the
        tokens of all placeholders, source side), and the sentences where a placeholder did
        not come back exactly: ``source_unk`` / ``target_unk`` (a piece outside the
        vocabulary), ``source_round_trip`` / ``target_round_trip`` (encode then decode), and
        ``moses_<lang>`` (Moses' punctuation normalisation for that language changed or
        lost a placeholder) and ``moses_spacing_<lang>`` (it changed the spaces around one:
        French typography does that to any word before ``:`` or ``;``).
    """
    pattern = finder(form)
    unk = tokenizer.unk_token_id
    found: Counter[str] = Counter()
    texts = [p for p in (placeholdered(s, form) for s in sentences) if pattern.search(p)]
    if not texts:
        return found
    source = tokenizer(texts).input_ids
    target = tokenizer(text_target=texts).input_ids
    alone = tokenizer([" ".join(m.group() for m in pattern.finditer(t)) for t in texts]).input_ids
    normalisers = {lang: MosesPunctNormalizer(lang) for lang in ("en", "fr")}
    for text, src, tgt, own in zip(texts, source, target, alone, strict=True):
        wanted = pattern.findall(text)
        found["sentences"] += 1
        found["placeholders"] += len(wanted)
        found["pieces"] += len(own) - 1  # without </s>
        found["source_unk"] += unk in own
        found["target_unk"] += (
            unk in tokenizer(text_target=" ".join(map(form.format, wanted))).input_ids
        )
        for side, ids in (("source", src), ("target", tgt)):
            decoded = tokenizer.decode(ids, skip_special_tokens=True)
            found[f"{side}_round_trip"] += pattern.findall(decoded) != wanted
        for lang, normaliser in normalisers.items():
            normalised = normaliser.normalize(text)
            found[f"moses_{lang}"] += pattern.findall(normalised) != wanted
            found[f"moses_spacing_{lang}"] += contexts(normalised, pattern) != contexts(
                text, pattern
            )
    return found
