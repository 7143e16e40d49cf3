"""Read-only views recomputed at each use: the registry's names of the first round
(``LANGUAGES``, ``DIRECTIONS`` … in :mod:`~bilingual_digest.languages`) stay true when a
language or pair is registered later."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any


class LiveMapping(Mapping[Any, Any]):
    """A read-only mapping recomputed at each use."""

    def __init__(self, build: Callable[[], dict[Any, Any]]) -> None:
        self._build = build

    def __getitem__(self, key: object) -> Any:
        return self._build()[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._build())

    def __len__(self) -> int:
        return len(self._build())

    def __repr__(self) -> str:
        return repr(self._build())


class LiveTuple(Sequence[Any]):
    """A read-only sequence recomputed at each use; equals its tuple."""

    def __init__(self, build: Callable[[], tuple[Any, ...]]) -> None:
        self._build = build

    def __getitem__(self, index: Any) -> Any:
        return self._build()[index]

    def __len__(self) -> int:
        return len(self._build())

    def __eq__(self, other: object) -> bool:
        return self._build() == (tuple(other) if isinstance(other, Sequence) else other)

    def __hash__(self) -> int:
        return hash(self._build())

    def __repr__(self) -> str:
        return repr(self._build())
