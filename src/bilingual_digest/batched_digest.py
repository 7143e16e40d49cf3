"""Many articles' digests, each stage batched across them (:meth:`Digester.digest_many`,
:meth:`Digester.summarize`).

The stages follow the digest's flows: the articles in another language are translated into
English (one call per pair), every English text is summarised, then the English articles and
every summary are translated out of English (one call per language and glossary). Each
stage's outcome is written into the article's :class:`~bilingual_digest.jobs.Job` by the
helpers of :mod:`~bilingual_digest.jobs`, in the order :mod:`~bilingual_digest.streaming`
writes it, so a digest is the same whichever way it was made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .cancel import CancelFlag, check_cancelled
from .jobs import Job, grouped, set_summary, set_summary_translation, set_translation, timed
from .languages import SUMMARY_LANGUAGE, language_name

if TYPE_CHECKING:
    from .digest import Digester

Progress = Callable[[float, str], None]
"""Called between stages with the fraction done (0 to 1) and what comes next."""


def run_stages(
    digester: Digester,
    jobs: list[Job],
    length: str,
    speed: str,
    progress: Progress | None,
    *,
    articles: bool,
    cancel: CancelFlag | None = None,
) -> float:
    """Run the stages over the jobs, batched; return the seconds they took.

    Args:
        digester: Holds the models.
        jobs: The articles, checked, with their pairs.
        length: A valid summary length preset.
        speed: A valid speed preset.
        progress: Told of each stage as it starts.
        articles: False leaves English articles untranslated (only their summaries are).
        cancel: Checked before each stage and, inside them, before each model batch.
    """
    first = [job for job in jobs if job.source != SUMMARY_LANGUAGE]
    english = language_name(SUMMARY_LANGUAGE)
    stages = [f"Translating the article to {english}"] if first else []
    last = {job.target for job in jobs if job.source == SUMMARY_LANGUAGE}
    last.update(code for job in jobs for code in job.summary_languages)
    names = " and ".join(sorted(language_name(code) for code in last))
    stages += [f"Summarising in {english}", f"Translating to {names}"]
    step = iter(range(len(stages)))
    given = progress or (lambda fraction, stage: None)

    def report(fraction: float, stage: str) -> None:
        check_cancelled(cancel)
        given(fraction, stage)

    started = time.perf_counter()
    if first:  # stage: the articles into English, batched per pair
        report(next(step) / len(stages), stages[0])
        _translate_articles(digester, first, speed, cancel)

    report(next(step) / len(stages), stages[-2])
    summarizer = digester.summarizer if any(job.english.strip() for job in jobs) else None
    for job in jobs:
        if summarizer is None or not job.english.strip():
            set_summary(job, None, 0.0)
            continue
        options = summarizer.options.at_speed(speed)
        done = timed(summarizer.summarize, job.english, length, options=options, cancel=cancel)
        set_summary(job, *done)

    # stage: the English articles and every summary out of English, batched per pair
    report(next(step) / len(stages), stages[-1])
    _translate_from_english(digester, jobs, speed, articles=articles, cancel=cancel)
    total = time.perf_counter() - started
    report(1.0, "Done")
    return total


def _translate_articles(
    digester: Digester, jobs: list[Job], speed: str, cancel: CancelFlag | None
) -> None:
    for (src, tgt), group in grouped(jobs, lambda job: (job.source, job.target)).items():
        translator = digester.translator(src, tgt)  # one direction: one bound glossary
        outputs, seconds = timed(
            translator.translate_many,
            [job.text for job in group],
            options=translator.options.at_speed(speed),
            glossary=group[0].glossary,
            cancel=cancel,
        )
        for job, out in zip(group, outputs, strict=True):
            set_translation(job, out, seconds, translator.model)


def _translate_from_english(
    digester: Digester, jobs: list[Job], speed: str, *, articles: bool, cancel: CancelFlag | None
) -> None:
    # (job, language, "article" | "summary"): the articles first, then the summaries
    english = [job for job in jobs if job.source == SUMMARY_LANGUAGE] if articles else []
    work = [(job, job.target, "article") for job in english]
    for job in jobs:
        if job.summaries.get(SUMMARY_LANGUAGE):
            work += [(job, code, "summary") for code in job.summary_languages]
    # one call per language and glossary (entries without a pair follow each article)
    for (code, glossary), items in grouped(work, lambda i: (i[1], i[0].glossary)).items():
        translator = digester.translator(SUMMARY_LANGUAGE, code)
        inputs = [job.text if kind == "article" else job.summaries[SUMMARY_LANGUAGE]
                  for job, _, kind in items]  # fmt: skip
        outputs, seconds = timed(
            translator.translate_many,
            inputs,
            options=translator.options.at_speed(speed),
            glossary=glossary,
            cancel=cancel,
        )
        for (job, _, kind), out in zip(items, outputs, strict=True):
            if kind == "article":
                set_translation(job, out, seconds, translator.model)
                continue
            apart = job.source != SUMMARY_LANGUAGE or not articles  # not with the article
            set_summary_translation(job, out, seconds, translator.model, timed_apart=apart)
