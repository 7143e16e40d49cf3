"""The real server app over a real Digester whose models are fakes: for the HTTP tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from bilingual_digest import Digester, Summarizer, TranslationOptions, Translator
from bilingual_digest.api import create_app
from bilingual_digest.server import RunningServer, start
from bilingual_digest.service import DigestService
from bilingual_digest.settings import ServerSettings

from fakes import LeadBackend, TagBackend

FR = "Le gouvernement a présenté mardi un projet de loi sur l’énergie."
READ_FR = "Le gouvernement a présenté mardi un projet de loi sur l'énergie."
"""FR as the model reads it (Moses punctuation normalisation: ’ is '): the tagging fakes echo it."""
FR_ARTICLE = (
    f"{FR} Les députés l’examineront à l’automne. Le ministre a défendu une réforme "
    "nécessaire devant la presse."
)
EN = "The government presented an energy bill on Tuesday."


class Engine:
    """A Digester over tagging fakes: fr→en answers ``[en] <text>``; every batch is counted.

    Args:
        fr_en: The fr→en "model" (default a :class:`TagBackend`).
        batch_size: Sentences per model batch.
    """

    def __init__(self, fr_en: TagBackend | None = None, batch_size: int = 4) -> None:
        self.fr_en = fr_en or TagBackend("en")
        self.en_fr, self.summary = TagBackend("fr"), LeadBackend()
        options = TranslationOptions(batch_size=batch_size)
        self.digester = Digester(
            Translator("fr", "en", backend=self.fr_en, options=options),
            Translator("en", "fr", backend=self.en_fr, options=options),
            Summarizer(backend=self.summary),
        )

    @property
    def calls(self) -> int:
        """Model batches run so far, all models together."""
        return len(self.fr_en.calls) + len(self.en_fr.calls) + len(self.summary.calls)


@contextlib.contextmanager
def serving(
    engine: Engine | None = None, *, page: bool = False, max_chars: int = 5000, **settings: Any
) -> Iterator[RunningServer]:
    """Serve the app on a free loopback port for the duration of the block."""
    engine = engine or Engine()
    resolved = ServerSettings.resolve(max_chars=max_chars, **settings)
    service = DigestService(
        engine.digester,
        max_chars=resolved.max_chars,
        concurrency=resolved.concurrency,
        queue_size=resolved.queue_size,
        allow_private=resolved.allow_private_urls,
    )
    app = create_app(service, resolved, page=page)
    server = start(app, "127.0.0.1", 0)
    try:
        yield server
    finally:
        server.close()
