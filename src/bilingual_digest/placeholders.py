"""The protection step: placeholders in place of protected text and glossary terms, and back.

:class:`ProtectStep` is a :class:`~bilingual_digest.steps.Step`. Before the model reads a
sentence it replaces each protected span (:mod:`~bilingual_digest.protected`) and each
glossary term (:mod:`~bilingual_digest.glossary`) with a numbered placeholder, ``[1]``,
``[2]`` … in order; after decoding it puts the protected text (byte for byte) or the
glossary's target in place of each placeholder the output holds. The model never sees a URL
it could mangle or a term it could translate its own way.

Why ``[N]``: measured on the real tokenizer files and all 14,500 French and 14,500 English
news sentences of the shared evaluation set, names turned into placeholders
(``benchmarks/placeholders.py``; ``tests/test_placeholders_real.py`` on newstest2013): ``▁[1]``
… ``▁[12]`` (opus-mt-en-fr) and ``▁[1]`` … ``▁[7]`` (opus-mt-tc-big-fr-en) are single pieces
of the joint vocabulary (bracketed reference numbers are frequent in the training data), on
the source and the target side, so the model reads and writes a placeholder as one token;
no piece is ``<unk>``, every placeholder decodes back to itself, and Moses' punctuation
normalisation (sacremoses, either language) never changes one. The alternatives fail:
``{N}``, ``<N>``, ``#N#``, ``@N@``, ``§N§`` hold characters opus-mt-tc-big-fr-en maps to
``<unk>`` (decoding drops them) in every sentence; ``%N`` is glued to a number before it by
Moses (``12 %1`` → ``12%1``, a quarter of the sentences); ``__N__``, ``ZXQN`` cost 4-5
pieces. A bracketed number already in the text is itself protected, so a placeholder never
collides with real text. (Whether a model *copies* a placeholder can only be measured with
its weights, which these machines can't download: the restoring below does not rely on it.)

What the output gets, whatever the model did:

- a placeholder written back (spaces inside, or glued to a word, are tolerated and mended);
- a placeholder written twice: both are filled (the model repeated a phrase);
- a number the step never issued (the model made it up): removed;
- a placeholder the model lost: its text is put back next to the placeholder it followed
  (or preceded) in the source, or, when the model kept none, at the same relative place in
  the sentence; and the sentence is flagged (``protected_lost`` / ``glossary_lost``), so
  nothing is silently dropped;
- a sentence with nothing to translate but protected text (a line holding a URL): the model's
  output is not used at all, the text comes back as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .checks import Finding
from .glossary import TermMatcher
from .protected import KINDS, MARKER, protected_spans

PLACEHOLDER = "[{}]"
"""The placeholder form, numbered from 1 (see the module docs for why)."""

_FIRST = 1
_LETTER = re.compile(r"[^\W\d_]")
_WORDS = re.compile(r"\S+")
_CLOSING = ".!?…;:,»\"”’')]"


def _words(text: str) -> int:
    """How many words a piece of model input holds (placeholders and lone punctuation aside)."""
    return sum(1 for word in _WORDS.findall(MARKER.sub(" ", text)) if any(map(str.isalnum, word)))


@dataclass(frozen=True)
class Slot:
    """One placeholder and what it stands for.

    Attributes:
        number: Its number, ``[number]``.
        kind: A protected kind (:data:`~bilingual_digest.protected.KINDS`) or ``"glossary"``.
        source: The text it replaced in the sentence.
        text: What the output gets in its place.
        start: Where the placeholder starts in the model input.
        end: Where it ends.
        spaced: Whether a space stood before and after it in the model input.
    """

    number: int
    kind: str
    source: str
    text: str
    start: int
    end: int
    spaced: tuple[bool, bool]

    def finding(self) -> Finding:
        """The finding for a placeholder the model lost (its text was put back)."""
        shown = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        where = "it was put back where it most likely belongs: check its place"
        if self.kind == "glossary":
            return Finding(
                "glossary_lost",
                self.text,
                None,
                f'The model dropped the glossary term "{shown}" (for "{self.source}"); {where}.',
            )
        return Finding(
            "protected_lost",
            self.text,
            None,
            f'The model dropped the {KINDS[self.kind]} "{shown}"; {where}.',
        )


class ProtectStep:
    """Protected spans always; glossary terms when a matcher is given.

    Args:
        terms: The glossary terms of the translator's direction, or ``None``.
    """

    def __init__(self, terms: TermMatcher | None = None) -> None:
        self.terms = terms if terms else None

    def __repr__(self) -> str:
        return f"ProtectStep(terms={len(self.terms) if self.terms else 0})"

    def spans(self, text: str) -> list[tuple[int, int, str, str]]:
        """``(start, end, kind, replacement)`` of each protected span and glossary term."""
        found = [(s.start, s.end, s.kind, s.text) for s in protected_spans(text)]
        if self.terms is None:
            return found
        cursor, terms = 0, []
        for start, end, _, _ in [*found, (len(text), len(text), "", "")]:
            terms += [(m.start, m.end, "glossary", m.replacement)
                      for m in self.terms.find(text, cursor, start)]  # fmt: skip
            cursor = end
        return sorted(found + terms)

    def keep_whole(self, text: str) -> list[tuple[int, int]]:
        """The spans of a whole text the sentence splitter must not cut (a URL's dots …)."""
        return [(start, end) for start, end, _, _ in self.spans(text)]

    def prepare(self, text: str) -> tuple[str, Restorer | None]:
        """Put placeholders in; return the model input and how to put the text back."""
        found = self.spans(text)
        if not found:
            return text, None
        parts, spots, cursor = [], [], 0
        for number, (start, end, kind, replacement) in enumerate(found, start=_FIRST):
            parts.append(text[cursor:start])
            spots.append((number, kind, text[start:end], replacement, sum(map(len, parts))))
            parts.append(PLACEHOLDER.format(number))
            cursor = end
        parts.append(text[cursor:])
        model_input = "".join(parts)
        slots = []
        for number, kind, source, replacement, at in spots:
            after = at + len(PLACEHOLDER.format(number))
            spaced = (at == 0 or model_input[at - 1].isspace(),
                      after == len(model_input) or model_input[after].isspace())  # fmt: skip
            slots.append(Slot(number, kind, source, replacement, at, after, spaced))
        return model_input, Restorer(model_input, tuple(slots))


class Restorer:
    """Puts the text back in place of the placeholders of one model output (see module docs)."""

    def __init__(self, model_input: str, slots: Sequence[Slot]) -> None:
        self.model_input = model_input
        self.slots = {slot.number: slot for slot in slots}
        self.agreed = [(slot.source, slot.text) for slot in slots if slot.kind == "glossary"]
        """The glossary terms and what the output says for them (the checks take them as right)."""
        self.nothing_to_translate = not _LETTER.search(MARKER.sub(" ", model_input))

    def __call__(self, output: str) -> tuple[str, tuple[Finding, ...]]:
        if self.nothing_to_translate:
            output = self.model_input
        items = self._read(output)
        present = {item for item in items if isinstance(item, int)}
        lost = [n for n in self.slots if n not in present]
        if lost:
            items = self._put_back(items, lost, present)
        return self._render(items, set(lost)), tuple(self.slots[n].finding() for n in lost)

    def _read(self, output: str) -> list[str | int]:
        """The output as text pieces and issued placeholder numbers, in order."""
        items: list[str | int] = []
        cursor = 0
        for match in MARKER.finditer(output):
            items.append(output[cursor : match.start()])
            if int(match.group(1)) in self.slots:
                items.append(int(match.group(1)))
            cursor = match.end()
        items.append(output[cursor:])
        return items

    def _put_back(
        self, items: list[str | int], lost: list[int], present: set[int]
    ) -> list[str | int]:
        """Insert each lost placeholder between the placeholders it stood between in the
        source, after as many of the words between them as in the source (in proportion)."""
        items = list(items)
        present = set(present)
        for number in lost:
            before = max((n for n in present if n < number), default=None)
            after = min((n for n in present if n > number), default=None)
            first = items.index(before) + 1 if before is not None else 0
            last = items.index(after) if after is not None else len(items)
            region = items[first:last]
            if first > last or any(isinstance(item, int) for item in region):
                items.insert(first, number)  # the model reordered them: keep to the one before
            else:
                text = "".join(region)  # type: ignore[arg-type]
                cut = self._cut(text, number, before, after)
                items[first:last] = [text[:cut], number, text[cut:]]
            present.add(number)
        return items

    def _cut(self, text: str, number: int, before: int | None, after: int | None) -> int:
        """Where in ``text`` (the output between two placeholders) a lost one goes."""
        slot = self.slots[number]
        start = self.slots[before].end if before is not None else 0
        stop = self.slots[after].start if after is not None else len(self.model_input)
        ahead = _words(self.model_input[start : slot.start])
        share = ahead / max(ahead + _words(self.model_input[slot.end : stop]), 1)
        words = list(_WORDS.finditer(text))
        k = round(share * len(words))
        if k == 0:
            return words[0].start() if words else len(text)
        if not slot.spaced[1]:  # glued to what follows ("[1],"): before that punctuation
            word = words[k - 1].group()
            return words[k - 1].end() - (len(word) - len(word.rstrip(_CLOSING)))
        return words[k - 1].end()

    def _render(self, items: list[str | int], put_back: set[int]) -> str:
        out: list[str] = []
        for i, item in enumerate(items):
            if isinstance(item, str):
                out.append(item)
                continue
            slot = self.slots[item]
            space_before, space_after = (True, True) if item in put_back else slot.spaced
            if space_before and out and out[-1][-1:].isalnum():
                out.append(" ")
            out.append(slot.text)
            following = next((x for x in items[i + 1 :] if x != ""), "")
            if space_after and (isinstance(following, int) or following[:1].isalnum()):
                out.append(" ")
        return re.sub(r"(?<=\S) {2,}(?=\S)", " ", "".join(out)).strip()
