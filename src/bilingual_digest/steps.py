"""Reversible steps between a source sentence and the model: what the model sees, and back.

A :class:`Step` rewrites a sentence before the model reads it (normalise punctuation, put
placeholders in place of protected text or glossary terms …) and returns how to undo that on
the model's output (put the protected text back, flag what the model lost). The translator
runs its steps in order on each sentence and their restores in reverse order on each output;
:attr:`~bilingual_digest.translation.Segment.source` stays the original sentence, so the
offsets into the original never move.

>>> class Shout:
...     def prepare(self, text):
...         return text.upper(), lambda output: (output.lower(), ())
>>> prepared = prepare_sentence("Bonjour.", [Shout()])
>>> prepared.model_input, prepared.restore("HELLO.")
('BONJOUR.', ('hello.', ()))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .checks import Finding

Restore = Callable[[str], "tuple[str, tuple[Finding, ...]]"]
"""Undoes a step on the model's output: ``output -> (restored output, findings)``."""


class Step(Protocol):
    """One reversible rewrite of a sentence on its way to the model.

    A step may also define ``keep_whole(text) -> list[tuple[int, int]]``: the spans of a
    whole text that must stay inside one sentence (the translator doesn't let the sentence
    splitter cut there; e.g. a URL, whose dots look like full stops).
    """

    def prepare(self, text: str) -> tuple[str, Restore | None]:
        """The text the model should see instead, and how to undo it (``None``: nothing)."""
        ...


@dataclass(frozen=True)
class Prepared:
    """A sentence ready for the model.

    Attributes:
        source: The sentence as it stands in the original.
        model_input: What the model reads.
        restores: The steps' restores, in the order the steps ran.
    """

    source: str
    model_input: str
    restores: tuple[Restore, ...] = ()

    def agreed(self) -> list[tuple[str, str]]:
        """What the steps made the translation say for pieces of the source, as
        ``(source text, translation text)`` pairs the checks take as right (glossary terms).

        A restore offers them as an ``agreed`` attribute (optional).
        """
        return [pair for undo in self.restores for pair in getattr(undo, "agreed", ())]

    def restore(self, output: str) -> tuple[str, tuple[Finding, ...]]:
        """Undo every step on a model output, last step first.

        Returns:
            The restored output and what the steps found (e.g. a protected span the model
            lost), in the order found.
        """
        findings: list[Finding] = []
        for undo in reversed(self.restores):
            output, found = undo(output)
            findings.extend(found)
        return output, tuple(findings)


def prepare_sentence(text: str, steps: Sequence[Step]) -> Prepared:
    """Run every step on a sentence, in order.

    Args:
        text: The source sentence.
        steps: The steps to run.

    Returns:
        The :class:`Prepared` sentence.
    """
    current, restores = text, []
    for step in steps:
        current, restore = step.prepare(current)
        if restore is not None:
            restores.append(restore)
    return Prepared(text, current, tuple(restores))
