"""The backend interface: "generate outputs for these texts with these options".

This module imports no implementation: the engines (:mod:`.torch_backend`,
:mod:`.ct2_backend`) import it, and :mod:`.factory` picks one by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..cancel import CancelFlag, check_cancelled
from ..options import GenerationOptions


@dataclass(frozen=True)
class Generated:
    """One output of a backend.

    Attributes:
        text: The decoded output, special tokens removed.
        num_tokens: Tokens generated (end-of-sequence included).
        hit_limit: True when generation stopped at ``max_new_tokens`` rather than by itself,
            i.e. the output may be cut short.
        score: The model's confidence in the output: the mean log-probability of its tokens
            (end-of-sequence included; 0 is certainty, lower is less sure), or ``None`` when
            the backend doesn't say.
    """

    text: str
    num_tokens: int
    hit_limit: bool = False
    score: float | None = None


@runtime_checkable
class Backend(Protocol):
    """What the engine needs from an inference backend.

    Attributes:
        model_id: The hub id or directory the model came from.
        max_input_tokens: Most input tokens the model accepts (special tokens included).
    """

    model_id: str
    max_input_tokens: int

    def count_tokens(self, text: str) -> int:
        """Number of input tokens the model sees for ``text`` (special tokens included)."""
        ...

    def unknown_characters(self, text: str) -> list[str]:
        """The characters of ``text`` the model can't read: its tokenizer maps them to the
        unknown token (``<unk>``), which decoding drops. Each once, in order of appearance;
        a character as the tokenizer normalises it (NFKC for SentencePiece)."""
        ...

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        """Generate one output per input text, in order; inputs already fit the model."""
        ...


def parallelism(backend: Backend) -> int:
    """How many ``generate`` calls a backend runs at once to advantage (its workers).

    A backend says so with a ``parallelism`` attribute (the CTranslate2 backend: its
    ``inter_threads``); one without it, such as a fake, is called one batch at a time.
    """
    value = getattr(backend, "parallelism", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 1


def generate_batched(
    backend: Backend,
    texts: Sequence[str],
    options: GenerationOptions,
    batch_size: int,
    cancel: CancelFlag | None = None,
) -> list[Generated]:
    """Generate for many texts in batches of similar length, returning outputs in input order.

    Sorting by length keeps padding (wasted work) small; the batches are generated
    :func:`parallelism` at a time; the order of the results is restored, so this is a
    drop-in for ``backend.generate(texts, options)``.

    Args:
        backend: The backend to call.
        texts: Inputs, each already within ``backend.max_input_tokens``.
        options: Decoding options.
        batch_size: Most inputs per call.
        cancel: Checked before each batch (see :mod:`~bilingual_digest.cancel`).

    Returns:
        One :class:`Generated` per input, in input order.

    Raises:
        RuntimeError: If the backend returns a different number of outputs than inputs.
        Cancelled: If ``cancel`` is set before a batch.
    """
    from ..parallel import ordered_map

    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i), reverse=True)
    chunks = [order[first : first + batch_size] for first in range(0, len(order), batch_size)]
    results: list[Generated | None] = [None] * len(texts)

    def run(chunk: list[int]) -> list[Generated]:
        check_cancelled(cancel)
        return checked_generate(backend, [texts[i] for i in chunk], options)

    for chunk, outputs in zip(chunks, ordered_map(run, chunks, parallelism(backend)), strict=True):
        for i, out in zip(chunk, outputs, strict=True):
            results[i] = out
    return results  # type: ignore[return-value]


def checked_generate(
    backend: Backend, texts: Sequence[str], options: GenerationOptions
) -> list[Generated]:
    """``backend.generate(texts, options)``, checked to answer every text.

    Raises:
        RuntimeError: If the backend returns a different number of outputs than inputs.
    """
    outputs = backend.generate(texts, options)
    if len(outputs) != len(texts):
        raise RuntimeError(f"Backend returned {len(outputs)} outputs for {len(texts)} inputs.")
    return outputs
