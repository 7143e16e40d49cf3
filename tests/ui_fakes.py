"""A fake digester for the web-app tests: the Digester contract, no model, instant."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator

from bilingual_digest.digest import BilingualSummary, Digest, DigestProgress
from bilingual_digest.documents import Article, TextOrArticle
from bilingual_digest.languages import resolve_pair
from bilingual_digest.options import DEFAULT_SPEED, TranslationOptions, validate_speed
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
    def __init__(self, source: str, target: str | None = None) -> None:
        self.source, self.target = resolve_pair(source, target)
        self.options = TranslationOptions()
        self.beams: list[int] = []
        self.calls: list[list[str]] = []

    def translate(
        self,
        text: TextOrArticle,
        *,
        options: TranslationOptions | None = None,
        glossary: object = None,
        cancel: object = None,
    ) -> Translation:
        return self.translate_many([text], options=options, cancel=cancel)[0]

    def translate_many(
        self,
        texts: list[TextOrArticle],
        *,
        options: TranslationOptions | None = None,
        glossary: object = None,
        cancel: object = None,
    ) -> list[Translation]:
        self.beams.append((options or self.options).num_beams)
        texts = [text.full_text if isinstance(text, Article) else text for text in texts]
        self.calls.append(list(texts))
        return [fake_translation(text, self.source, self.target) for text in texts]


class FakeDigester:
    """Digester contract: ``warm_up()``, ``translator(source, target)``,
    ``glossary_with(glossary)``,
    ``digest`` / ``summarize(text, source, length, progress, *, target, speed, cancel, glossary)``
    and ``digest_stream(text, source, length, *, target, speed, cancel, glossary)``; the text
    may be an :class:`Article` (its title and text are worked on; it is kept as the result's).

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
        self.calls: list[tuple[TextOrArticle, str | None, str]] = []
        """``(text, source, length)`` of each digest (the text or Article as given)."""
        self.speeds: list[str] = []
        """The speed of each digest, summary or stream."""
        self.summarize_calls: list[tuple[str, str | None, str | None, str]] = []
        """``(text, source, target, length)`` of each summarize."""
        self.stages: list[tuple[float, str]] = []
        self.glossaries: list[object] = []
        """The ``glossary`` of each digest and summarize."""
        self.translators: dict[tuple[str, str], _FakeTranslator] = {}
        """The translators handed out, by pair (their ``calls`` count the model batches)."""

    def glossary_with(self, glossary: object = None) -> object:
        return glossary

    def translator(self, source: str, target: str | None = None) -> _FakeTranslator:
        key = resolve_pair(source, target)
        if key not in self.translators:
            self.translators[key] = _FakeTranslator(*key)
        return self.translators[key]

    def warm_up(self) -> dict[str, str]:
        self.warm_ups += 1
        if self.gate is not None:
            self.gate.wait(10)
        return dict(self.status)

    def digest(
        self,
        text: TextOrArticle,
        source: str | None = None,
        length: str = "medium",
        progress: Callable[[float, str], object] | None = None,
        *,
        target: str | None = None,
        speed: str = DEFAULT_SPEED,
        cancel: object = None,
        glossary: object = None,
    ) -> Digest:
        self.calls.append((text, source, length))
        self.speeds.append(validate_speed(speed))
        self.glossaries.append(glossary)
        if self.error is not None:
            raise self.error
        article = text if isinstance(text, Article) else None
        text = article.full_text if article is not None else text
        src, tgt = resolve_pair(source, target, text)
        translation = fake_translation(text, src, tgt)
        if progress is not None:
            progress(0.5, "Translating")
            progress(1.0, "Summarising")
        segs = translation.segments
        english = [s.source if src == "en" else s.translation for s in segs]
        # Summary: the last then the first sentence, so the attribution is not the identity.
        picked = (len(segs) - 1, 0) if len(segs) > 1 else (0,)
        summary_en = " ".join(english[i].capitalize() for i in picked)
        return Digest(
            original=text,
            source_lang=src,
            target_lang=tgt,
            translation=translation,
            summaries={"en": summary_en, tgt if src == "en" else src: summary_en.upper()},
            attribution=tuple((i,) for i in picked),
            warnings=self.warnings,
            timings={},
            models={"fr-en": "fake/upper", "summary": "fake/pick"},
            article=article,
        )

    def summarize(
        self,
        text: TextOrArticle,
        source: str | None = None,
        length: str = "medium",
        progress: Callable[[float, str], object] | None = None,
        *,
        target: str | None = None,
        speed: str = DEFAULT_SPEED,
        cancel: object = None,
        glossary: object = None,
    ) -> BilingualSummary:
        self.summarize_calls.append((text, source, target, length))
        calls = len(self.calls)
        whole = self.digest(
            text, source, length, progress, target=target, speed=speed, glossary=glossary
        )
        del self.calls[calls:]  # a summary is not a digest
        return BilingualSummary(
            whole.original, whole.source_lang, whole.target_lang, whole.summaries, whole.warnings,
            article=whole.article,
        )  # fmt: skip

    def digest_stream(
        self,
        text: str,
        source: str | None = None,
        length: str = "medium",
        *,
        target: str | None = None,
        speed: str = DEFAULT_SPEED,
        cancel: object = None,
        glossary: object = None,
    ) -> Iterator[DigestProgress]:
        """The digest's segments one by one, then its summaries, then the digest."""
        whole = self.digest(text, source, length, target=target, speed=speed, glossary=glossary)
        return self._stream(whole)

    def _stream(self, whole: Digest) -> Iterator[DigestProgress]:
        head = (whole.original, whole.source_lang, whole.target_lang)
        segments = whole.translation.segments
        for count in range(len(segments) + 1):
            yield DigestProgress(
                *head, "Translating", 0.5 * count / len(segments), segments[:count]
            )
        yield DigestProgress(*head, "Translating the summary", 0.9, segments, whole.summaries)
        yield DigestProgress(*head, "Done", 1.0, segments, whole.summaries, whole)
