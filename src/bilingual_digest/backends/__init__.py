"""Inference backends: one small interface, several engines behind it.

- :mod:`.base`: the interface (:class:`Backend`, :class:`Generated`, :func:`generate_batched`,
  :func:`parallelism`); it imports no implementation.
- :mod:`.torch_backend` (:class:`~.torch_backend.TorchBackend`) and :mod:`.ct2_backend`
  (:class:`~.ct2_backend.CTranslate2Backend`): the engines.
- :mod:`.factory`: :func:`load_backend`, a backend by name (CTranslate2 falls back to torch).
- :mod:`.cache`: :class:`~.cache.CachedBackend`, a cache in front of any backend.
"""

from __future__ import annotations

from .base import Backend, Generated, checked_generate, generate_batched, parallelism
from .factory import load_backend

__all__ = [
    "Backend",
    "Generated",
    "checked_generate",
    "generate_batched",
    "load_backend",
    "parallelism",
]
