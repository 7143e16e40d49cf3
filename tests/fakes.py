"""Fakes for testing engine logic without a model."""

from __future__ import annotations

from collections.abc import Sequence

from bilingual_digest.backends import Generated
from bilingual_digest.options import GenerationOptions


class UpperBackend:
    """A "translation model" that upper-cases; tokens are words plus an end-of-sequence."""

    def __init__(
        self, max_input_tokens: int = 512, model_id: str = "fake/upper", unknown: str = ""
    ) -> None:
        self.model_id = model_id
        self.max_input_tokens = max_input_tokens
        self.unknown = unknown  # characters its "vocabulary" lacks
        self.calls: list[list[str]] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 1

    def unknown_characters(self, text: str) -> list[str]:
        return [c for c in dict.fromkeys(text) if c in self.unknown]

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        self.calls.append(list(texts))
        return [Generated(t.upper(), self.count_tokens(t)) for t in texts]

    @property
    def seen(self) -> list[str]:
        return [t for call in self.calls for t in call]


class LeadBackend(UpperBackend):
    """A "summariser" that keeps the first sentence of its input, cut to ``max_new_tokens`` words.

    Tokens are words plus an end-of-sequence, as for :class:`UpperBackend`; ``config`` is
    what prompt selection sees (``None``: nothing known about the model).
    """

    def __init__(
        self,
        max_input_tokens: int = 1024,
        model_id: str = "fake/lead",
        config: dict[str, str] | None = None,
    ) -> None:
        super().__init__(max_input_tokens, model_id)
        self.config = config
        self.options: list[GenerationOptions] = []

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        self.calls.append(list(texts))
        self.options.append(options)
        limit = options.max_new_tokens or 10**6
        results = []
        for text in texts:
            words = (text.split(". ")[0].rstrip(".") + ".").split()
            kept = words[:limit]
            results.append(Generated(" ".join(kept), len(kept) + 1, len(words) > limit))
        return results


class TagBackend(UpperBackend):
    """A "translator" that tags its output, so the digest's two translations can be told apart."""

    def __init__(self, tag: str) -> None:
        super().__init__(model_id=f"fake/{tag}")
        self.tag = tag

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        self.calls.append(list(texts))
        return [Generated(f"[{self.tag}] {t}", self.count_tokens(t)) for t in texts]
