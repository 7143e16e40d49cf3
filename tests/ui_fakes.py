"""A fake digester for the web-app tests: the Digester contract, no model, instant."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from bilingual_digest.digest import Digest
from bilingual_digest.languages import resolve_pair
from bilingual_digest.translation import Segment, Translation

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def fake_translation(text: str, source: str, target: str) -> Translation:
    """Upper-case each sentence; one segment per sentence, with its paragraph and span."""
    segments, parts, cursor = [], [], 0
    for paragraph, line in enumerate(text.split("\n")):
        for match in _SENTENCE.finditer(line):
            sentence = match.group().strip()
            if not sentence:
                continue
            start = cursor + match.start() + match.group().index(sentence)
            segments.append(
                Segment(len(segments), paragraph, start, start + len(sentence), sentence,
                        sentence.upper())
            )  # fmt: skip
        cursor += len(line) + 1
    parts = text.upper()
    return Translation(parts, tuple(segments), source, target, text, "fake/upper")


class _FakeTranslator:
    def __init__(self, source: str) -> None:
        self.source, self.target = resolve_pair(source, None)

    def translate(self, text: str) -> Translation:
        return fake_translation(text, self.source, self.target)


class FakeDigester:
    """Digester contract: ``warm_up()`` and ``digest(text, source, length, progress)``.

    Args:
        status: What ``warm_up()`` reports.
        warnings: Warnings every digest carries.
        error: An exception ``digest()`` raises instead of working.
        gate: If given, ``warm_up()`` waits for it (to test the loading state).
    """

    def __init__(
        self,
        status: dict[str, str] | None = None,
        warnings: tuple[str, ...] = (),
        error: Exception | None = None,
        gate: threading.Event | None = None,
    ) -> None:
        self.status = status or {"fr-en": "ready", "en-fr": "ready", "summary": "ready"}
        self.warnings = warnings
        self.error = error
        self.gate = gate
        self.warm_ups = 0
        self.calls: list[tuple[str, str | None, str]] = []
        self.stages: list[tuple[float, str]] = []

    def translator(self, source: str) -> _FakeTranslator:
        return _FakeTranslator(source)

    def warm_up(self) -> dict[str, str]:
        self.warm_ups += 1
        if self.gate is not None:
            self.gate.wait(10)
        return dict(self.status)

    def digest(
        self,
        text: str,
        source: str | None = None,
        length: str = "medium",
        progress: Callable[[float, str], object] | None = None,
    ) -> Digest:
        self.calls.append((text, source, length))
        if self.error is not None:
            raise self.error
        src, tgt = resolve_pair(source, None, text)
        translation = fake_translation(text, src, tgt)
        if progress is not None:
            progress(0.5, "Translating")
            progress(1.0, "Summarising")
        segs = translation.segments
        english = [s.translation if src == "fr" else s.source for s in segs]
        # Summary: the last then the first sentence, so the attribution is not the identity.
        picked = (len(segs) - 1, 0) if len(segs) > 1 else (0,)
        summary_en = " ".join(english[i].capitalize() for i in picked)
        return Digest(
            original=text,
            source_lang=src,
            target_lang=tgt,
            translation=translation,
            summary_en=summary_en,
            summary_fr=summary_en.upper(),
            attribution=tuple((i,) for i in picked),
            warnings=self.warnings,
            timings={},
            models={"fr-en": "fake/upper", "summary": "fake/pick"},
        )
