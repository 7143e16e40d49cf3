"""One article's digest, shown as it is made (:meth:`Digester.digest_stream`).

The article's translation streams in (:meth:`Translator.translate_iter`: the first
paragraph first), then come the summaries. The stages follow the digest's flows:

- **An article in another language**: translate it to English (streamed), summarise the
  English translation, translate the summary back.
- **An English article**: its summary does not need its translation, so when there are
  cores to spare (:func:`~bilingual_digest.options.threads` above 1) the summary and its
  translation are made in a second thread while the article's translation streams in;
  with one core, the summary is made first.

Each stage's outcome is written into the job in the order the batched digest writes it
(:mod:`~bilingual_digest.jobs`), so the digest, its warnings included, is the same either way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from .cancel import CancelFlag, check_cancelled
from .jobs import Job, finish, set_summary, set_summary_translation, set_translation, timed
from .languages import SUMMARY_LANGUAGE, language_name
from .options import threads
from .results import DigestProgress
from .summarization import Summary
from .translation import Segment, Translation

if TYPE_CHECKING:
    from .digest import Digester

_SummarySide = tuple[Summary | None, float, list[tuple[Translation, float, str]]]
"""The summary (``None``: nothing to summarise), its seconds, and its translations with
their seconds and models."""


def stream_digest(
    digester: Digester, job: Job, length: str, speed: str, cancel: CancelFlag | None = None
) -> Iterator[DigestProgress]:
    """Digest one article, yielding what is ready after each segment and each stage.

    Args:
        digester: Holds the models.
        job: The article, checked, with its pair.
        length: A valid summary length preset.
        speed: A valid speed preset.
        cancel: Checked between stages and before each batch sent to a model.

    Yields:
        :class:`DigestProgress` values; the last one holds the :class:`Digest`.
    """
    started = time.perf_counter()
    english = language_name(SUMMARY_LANGUAGE)
    other = language_name(job.target if job.source == SUMMARY_LANGUAGE else job.source)
    segments: list[Segment] = []

    def progress(fraction: float, stage: str) -> DigestProgress:
        check_cancelled(cancel)
        return DigestProgress(
            job.text, job.source, job.target, stage, fraction, tuple(segments), dict(job.summaries)
        )

    if job.source != SUMMARY_LANGUAGE:
        stage = f"Translating the article to {english}"
        yield progress(0.0, stage)
        translation, seconds, model = yield from _translate_article(
            digester, job, speed, segments, lambda: progress(0.0, stage), cancel
        )
        set_translation(job, translation, seconds, model)
        yield progress(1 / 3, f"Summarising in {english}")
        set_summary(job, *_summarise(digester, job.english, length, speed, cancel))
        yield progress(2 / 3, f"Translating to {other}")
        for done in _translate_summary(digester, job, speed, cancel):
            set_summary_translation(job, *done)
    else:
        side: Future[_SummarySide] | None = None
        pool = ThreadPoolExecutor(1, thread_name_prefix="bilingual-digest-summary")
        try:
            if threads() > 1:  # the summary and the translation at the same time
                side = pool.submit(_summary_side, digester, job, length, speed, cancel)
                fraction, stage = 0.0, f"Translating to {other} while summarising in {english}"
            else:
                yield progress(0.0, f"Summarising in {english}")
                side = Future()
                side.set_result(_summary_side(digester, job, length, speed, cancel))
                fraction, stage = 0.5, f"Translating to {other}"
            yield progress(fraction, stage)
            article = yield from _translate_article(
                digester, job, speed, segments, lambda: progress(fraction, stage), cancel
            )
            # The same stages whichever finishes first (the summary may be done already).
            waiting = f"Summarising in {english} and translating the summary"
            yield progress(0.5, waiting if not side.done() else "Putting the digest together")
            summary, seconds, translations = side.result()
        finally:
            pool.shutdown(wait=False)
        set_summary(job, summary, seconds)
        set_translation(job, *article)
        for done in translations:
            set_summary_translation(job, *done)
    digest = finish(job, time.perf_counter() - started)
    yield DigestProgress(
        job.text, job.source, job.target, "Done", 1.0, digest.translation.segments,
        dict(digest.summaries), digest,
    )  # fmt: skip


def _translate_article(
    digester: Digester,
    job: Job,
    speed: str,
    segments: list[Segment],
    progress: Callable[[], DigestProgress],
    cancel: CancelFlag | None,
) -> Generator[DigestProgress, None, tuple[Translation, float, str]]:
    """Stream the article's translation into ``segments``, yielding ``progress()`` after each.

    Returns (through ``yield from``): ``(translation, seconds, model)``.
    """
    translator = digester.translator(job.source, job.target)
    began = time.perf_counter()
    options = translator.options.at_speed(speed)
    stream = translator.translate_iter(
        job.text, options=options, glossary=job.glossary, cancel=cancel
    )
    for segment in stream:
        segments.append(segment)
        yield progress()
    assert stream.translation is not None  # the stream is exhausted
    return stream.translation, time.perf_counter() - began, translator.model


def _summarise(
    digester: Digester, english: str, length: str, speed: str, cancel: CancelFlag | None
) -> tuple[Summary | None, float]:
    """The English summary of ``english`` (``None`` when there is no text) and its seconds."""
    if not english.strip():
        return None, 0.0
    summarizer = digester.summarizer
    options = summarizer.options.at_speed(speed)
    return timed(summarizer.summarize, english, length, options=options, cancel=cancel)


def _translate_summary(
    digester: Digester, job: Job, speed: str, cancel: CancelFlag | None
) -> list[tuple[Translation, float, str]]:
    """The English summary translated into each of the job's other languages."""
    summary = job.summaries.get(SUMMARY_LANGUAGE)
    done = []
    for code in job.summary_languages if summary else ():
        translator = digester.translator(SUMMARY_LANGUAGE, code)
        options = translator.options.at_speed(speed)
        translation, seconds = timed(
            translator.translate, summary, options=options, glossary=job.glossary, cancel=cancel
        )
        done.append((translation, seconds, translator.model))
    return done


def _summary_side(
    digester: Digester, job: Job, length: str, speed: str, cancel: CancelFlag | None
) -> _SummarySide:
    """An English article's summary and its translations; reads the job, writes nothing."""
    summary, seconds = _summarise(digester, job.text, length, speed, cancel)
    draft = Job(job.text, job.source, job.target, glossary=job.glossary)
    if summary is not None:
        draft.summaries[SUMMARY_LANGUAGE] = summary.text
    return summary, seconds, _translate_summary(digester, draft, speed, cancel)
