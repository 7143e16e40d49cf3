"""Inference backends: one small interface, several engines behind it."""

from __future__ import annotations

from .base import Backend, Generated, generate_batched, load_backend

__all__ = ["Backend", "Generated", "generate_batched", "load_backend"]
