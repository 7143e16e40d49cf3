"""A persistent sentence cache (SQLite) that makes repeated sentences free across runs.

:class:`SentenceCache` wraps any backend and has the same interface, so a
:class:`~bilingual_digest.translation.Translator` uses it unchanged. An output is keyed by
the model id, the decoding options and the exact input sentence; only the misses reach the
wrapped backend. Several processes may share one cache file (SQLite locks it).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from ..backends import Backend, Generated
from ..options import GenerationOptions

logger = logging.getLogger("bilingual_digest")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sentences (
    model TEXT NOT NULL,
    options TEXT NOT NULL,
    source TEXT NOT NULL,
    output TEXT NOT NULL,
    num_tokens INTEGER NOT NULL,
    hit_limit INTEGER NOT NULL,
    PRIMARY KEY (model, options, source)
)
"""


class SentenceCache:
    """A backend that remembers every output it generated, in an SQLite file.

    Args:
        backend: The backend doing the real work.
        path: The cache file (created with its parent folders if missing).

    Attributes:
        model_id: The wrapped backend's model id.
        max_input_tokens: The wrapped backend's input limit.
        hits: Outputs served from the cache since this object was made.
        misses: Outputs the wrapped backend had to generate.

    Raises:
        ValueError: If ``path`` exists and is not an SQLite cache this class can use.
    """

    def __init__(self, backend: Backend, path: str | os.PathLike[str]) -> None:
        self.backend = backend
        self.model_id = backend.model_id
        self.max_input_tokens = backend.max_input_tokens
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.hits = 0
        self.misses = 0
        try:
            self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise ValueError(
                f"The sentence cache {str(self.path)!r} can't be used ({exc}); give a new file "
                "name for --cache, or delete that file."
            ) from exc

    def count_tokens(self, text: str) -> int:
        """The wrapped backend's token count for ``text``."""
        return self.backend.count_tokens(text)

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        """Return cached outputs, generating (and storing) only the ones not seen before.

        Args:
            texts: Inputs, each within ``max_input_tokens``.
            options: Decoding options (part of the cache key).

        Returns:
            One :class:`~bilingual_digest.backends.Generated` per input, in order.
        """
        key = json.dumps(options.as_kwargs(), sort_keys=True)
        found: dict[str, Generated] = {}
        unique = list(dict.fromkeys(texts))
        for first in range(0, len(unique), 500):  # SQLite caps the number of parameters
            chunk = unique[first : first + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT source, output, num_tokens, hit_limit FROM sentences "
                f"WHERE model = ? AND options = ? AND source IN ({marks})",
                [self.model_id, key, *chunk],
            )
            for source, output, num_tokens, hit_limit in rows:
                found[source] = Generated(output, num_tokens, bool(hit_limit))
        missing = [t for t in unique if t not in found]
        if missing:
            outputs = self.backend.generate(missing, options)
            if len(outputs) != len(missing):
                raise RuntimeError(
                    f"Backend returned {len(outputs)} outputs for {len(missing)} inputs."
                )
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (self.model_id, key, t, o.text, o.num_tokens, int(o.hit_limit))
                        for t, o in zip(missing, outputs, strict=True)
                    ],
                )
            found.update(zip(missing, outputs, strict=True))
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        return [found[t] for t in texts]

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()
