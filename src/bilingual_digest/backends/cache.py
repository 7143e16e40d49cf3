"""A bounded LRU cache in front of any backend: a repeated sentence costs nothing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

from ..options import GenerationOptions
from .base import Backend, Generated

DEFAULT_CACHE_SIZE = 10_000


class CachedBackend:
    """Wraps a backend; outputs are remembered per (model, options, text), least recent dropped.

    Only the texts not in the cache reach the inner backend (once each, even when repeated in
    one call), in one ``generate`` call. Thread-safe. Everything else (``count_tokens``,
    ``max_input_tokens``, ``tokenizer`` …) is the inner backend's.

    Args:
        inner: The backend that really generates.
        maxsize: Most outputs kept.

    Raises:
        ValueError: If ``maxsize`` is not a positive integer.
    """

    def __init__(self, inner: Backend, maxsize: int = DEFAULT_CACHE_SIZE) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValueError(f"maxsize must be a positive integer, got {maxsize!r}.")
        self.inner = inner
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, Generated] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        if name == "inner":  # not set yet (e.g. while unpickling): avoid recursing
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return f"CachedBackend({self.inner!r}, size={len(self)}/{self.maxsize})"

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def model_id(self) -> str:
        """The inner backend's model."""
        return self.inner.model_id

    @property
    def max_input_tokens(self) -> int:
        """The inner backend's input limit."""
        return self.inner.max_input_tokens

    def count_tokens(self, text: str) -> int:
        """The inner backend's token count for ``text``."""
        return self.inner.count_tokens(text)

    def clear(self) -> None:
        """Forget every cached output."""
        with self._lock:
            self._entries.clear()

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        """Outputs for ``texts``: cached ones, and the rest from the inner backend in one call.

        Args:
            texts: Inputs, each within the model's limit.
            options: Decoding options (part of the cache key).

        Returns:
            One :class:`Generated` per text, in order.
        """
        keys = [(self.inner.model_id, options, text) for text in texts]
        found: dict[Hashable, Generated] = {}
        with self._lock:
            for key in keys:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    found[key] = self._entries[key]
        missing = list(dict.fromkeys(key for key in keys if key not in found))
        self.hits += len(keys) - sum(1 for key in keys if key not in found)
        self.misses += len(missing)
        if missing:
            outputs = self.inner.generate([key[2] for key in missing], options)
            if len(outputs) != len(missing):
                raise RuntimeError(
                    f"Backend returned {len(outputs)} outputs for {len(missing)} inputs."
                )
            with self._lock:
                for key, out in zip(missing, outputs, strict=True):
                    found[key] = out
                    self._entries[key] = out
                    self._entries.move_to_end(key)
                while len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
        return [found[key] for key in keys]
