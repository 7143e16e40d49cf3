"""The one-call digest: original, translation, summaries in both languages, and attribution.

Flows (the summariser works in English, :data:`~bilingual_digest.languages.SUMMARY_LANGUAGE`):

- **An article in another language** (French → English): translate the article to English,
  summarise the English translation, translate the English summary into the article's
  language.
- **An English article** (English → French): summarise the English original, then translate
  the article and the summary into the target language (one batched call).

:meth:`Digester.summarize` runs the same stages less the article's translation where the
summariser doesn't need it (an English article): only its summary is translated.

Which languages there are comes from the registry (:mod:`~bilingual_digest.languages`); a
digest needs English on one side of its pair, since that is what the summariser reads.
Attribution (:mod:`~bilingual_digest.attribution`) ties each English summary sentence to the
source segments it draws on.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .batched_digest import Progress, run_stages
from .cancel import CancelFlag
from .detection import mixed_language_notes
from .documents import Article, TextOrArticle, is_url
from .errors import InputError, UnsupportedLanguageError
from .glossary import Glossary, GlossaryLike, as_glossary, combine, default_glossary
from .jobs import SUMMARY_KEY, Job, finish, finish_summary, model_keys
from .languages import SUMMARY_LANGUAGE, get_pair, language_name, pairs, resolve_pair
from .options import (
    DEFAULT_SPEED,
    confidence_enabled,
    env,
    max_chars,
    resolve_device,
    summary_model,
    translation_model,
    validate_speed,
)
from .results import BilingualSummary, Digest, DigestProgress
from .sanitize import prepare_text
from .streaming import stream_digest
from .summarization import Summarizer, default_summarizer, validate_length
from .translation import Translator, default_translator

__all__ = ["SUMMARY_KEY", "BilingualSummary", "Digest", "DigestProgress", "Digester", "digest"]

logger = logging.getLogger("bilingual_digest")


# --- the digester ----------------------------------------------------------------------------


class Digester:
    """Holds the translators and the summariser, and turns articles into :class:`Digest` objects.

    Build one and reuse it (the web UI and the batch script do): models load once, on first
    use or on :meth:`warm_up`.

    Args:
        fr_en: The French→English translator; ``None`` for the default one (lazily loaded).
        en_fr: The English→French translator; ``None`` for the default one.
        summarizer: The summariser; ``None`` for the default one.
        max_chars: Largest accepted article; ``None`` reads ``BILINGUAL_DIGEST_MAX_CHARS`` at
            each call (the batch script passes its own ``--max-chars``).
        translators: Ready translators for any registered pair, by pair key (``"de-en"``);
            pairs not given are loaded on first use, by ``load_translator``.
        load_translator: Builds the translator for ``(source, target)`` when first needed;
            default: the shared default translator of the pair.
        glossary: Terms to translate as the user says, in the article and in the summary
            (a ``Glossary``, a ``dict`` or a file's path; see :mod:`~bilingual_digest.glossary`).
            Entries without a pair are read in each article's direction, and reversed for
            its summary's translation back into the article's language. Default (``None``):
            the file named by ``BILINGUAL_DIGEST_GLOSSARY``, if any, read at each call;
            ``{}`` for none. Give it here rather than to the translators, which don't know
            the article's direction when they translate a summary.

    Raises:
        ValueError: If ``max_chars`` is not a positive integer.
        GlossaryError: If the glossary can't be used.
    """

    def __init__(
        self,
        fr_en: Translator | None = None,
        en_fr: Translator | None = None,
        summarizer: Summarizer | None = None,
        max_chars: int | None = None,
        *,
        translators: Mapping[str, Translator] | None = None,
        load_translator: Callable[[str, str], Translator] | None = None,
        glossary: GlossaryLike = None,
    ) -> None:
        if max_chars is not None and (
            isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1
        ):
            raise ValueError(f"max_chars must be a positive integer or None, got {max_chars!r}.")
        self.max_chars = max_chars
        self._models: dict[str, Translator | Summarizer] = dict(translators or {})
        given = {"fr-en": fr_en, "en-fr": en_fr, SUMMARY_KEY: summarizer}
        self._models.update({key: model for key, model in given.items() if model is not None})
        self._load_translator = load_translator or default_translator
        self.glossary: Glossary | None = as_glossary(glossary)
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    def __repr__(self) -> str:
        return f"Digester(loaded={list(self._models)})"

    def _get(self, key: str) -> Any:
        """The model under ``key``, loaded once; different models may load at the same time."""
        with self._lock:
            if key in self._models:
                return self._models[key]
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            with self._lock:
                if key in self._models:  # another thread loaded it meanwhile
                    return self._models[key]
            if key == SUMMARY_KEY:
                model = default_summarizer()
            else:
                pair = next(p for p in pairs() if p.key == key)
                model = self._load_translator(pair.source, pair.target)
            with self._lock:
                self._models[key] = model
            return model

    def translator(self, source: str, target: str | None = None) -> Translator:
        """The translator for a registered pair, loaded.

        Args:
            source: Source language code.
            target: Target language code; ``None`` for the source's default target.

        Raises:
            UnsupportedLanguageError: If the pair is not registered.
            ModelUnavailableError: If the model cannot be loaded.
        """
        src, tgt = resolve_pair(source, target)
        return self._get(get_pair(src, tgt).key)

    @property
    def summarizer(self) -> Summarizer:
        """The summariser, loaded.

        Raises:
            ModelUnavailableError: If the model cannot be loaded.
        """
        return self._get(SUMMARY_KEY)

    def warm_up(self) -> dict[str, str]:
        """Load every model now rather than on first use, all at the same time.

        Returns:
            ``{"fr-en": ..., "en-fr": ..., "summary": ...}`` (every registered pair, then the
            summariser), each ``"ready"`` or the message of the error that prevented
            loading. Never raises.
        """

        def load(key: str) -> str:
            try:
                self._get(key)
            except Exception as exc:  # reported, not raised: the UI shows it
                logger.warning("Could not load the %s model: %s", key, exc)
                return str(exc) or type(exc).__name__
            return "ready"

        keys = model_keys()
        with ThreadPoolExecutor(len(keys), thread_name_prefix="bilingual-digest-load") as pool:
            return dict(zip(keys, pool.map(load, keys), strict=True))

    def digest(
        self,
        text: TextOrArticle,
        source: str | None = None,
        length: str = "medium",
        progress: Progress | None = None,
        *,
        target: str | None = None,
        speed: str = DEFAULT_SPEED,
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> Digest:
        """Translate and summarise one article in both languages of its pair.

        An article in another language: translate it to English, summarise the English
        translation, translate the summary back. An English article: translate it into the
        target language and, at the same time when there are cores to spare, summarise it and
        translate the summary. The stages are those of :meth:`digest_stream`.

        Args:
            text: The article, up to ``BILINGUAL_DIGEST_MAX_CHARS``: a text, or an
                :class:`~bilingual_digest.documents.Article` (from
                :func:`~bilingual_digest.articles.fetch_article` or
                :func:`~bilingual_digest.articles.extract_article`), whose title and text
                are digested and whose metadata the digest carries.
            source: Its language code; ``None`` detects it.
            length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
            progress: Called between stages with the fraction done and the next stage.
            target: The translation's language; ``None`` for the source's default target.
            speed: A speed preset of :data:`~bilingual_digest.options.SPEEDS`: ``"default"``
                (beam 4) or ``"fast"`` (greedy, for every model).
            glossary: More glossary entries for this article, added to the digester's own
                (these win for the same term).
            cancel: Checked between stages and before each batch sent to a model; see
                :mod:`~bilingual_digest.cancel`.

        Returns:
            The :class:`Digest`.

        Raises:
            TypeError: If ``text`` is neither a ``str`` nor an ``Article``.
            InputError: If ``text`` is empty, over the size limit or a bare link (fetch it
                first with ``fetch_article``), or ``length`` or ``speed`` is not a preset.
            UnsupportedLanguageError: If the language is unknown or can't be detected, or the
                pair has no English side.
            ModelUnavailableError: If a model cannot be loaded.
            GlossaryError: If the glossary can't be used.
            Cancelled: If ``cancel`` was set before the work was done.
        """
        if isinstance(text, (list, tuple)):
            raise TypeError(
                "digest() takes one article as a str; for several, use Digester.digest_many()."
            )
        stage = None
        steps = self.digest_stream(
            text, source, length, target=target, speed=speed, glossary=glossary, cancel=cancel
        )
        for step in steps:
            if progress is not None and step.stage != stage:
                stage = step.stage
                progress(step.fraction, stage)
            if step.digest is not None:
                return step.digest
        raise AssertionError("the digest stream ended without a digest")  # pragma: no cover

    def digest_stream(
        self,
        text: TextOrArticle,
        source: str | None = None,
        length: str = "medium",
        *,
        target: str | None = None,
        speed: str = DEFAULT_SPEED,
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> Iterator[DigestProgress]:
        """Digest one article, yielding what is ready as it is made.

        A :class:`DigestProgress` after every translated segment of the article (the first
        paragraph's come first: :meth:`Translator.translate_iter`) and every stage; the
        last one holds the :class:`Digest`, the same as :meth:`digest` returns. The text is
        checked when this is called; the work starts at the first ``next()``.

        Args:
            text: The article (a text or an ``Article``), up to ``BILINGUAL_DIGEST_MAX_CHARS``.
            source: Its language code; ``None`` detects it.
            length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
            target: The translation's language; ``None`` for the source's default target.
            speed: ``"default"`` or ``"fast"`` (:data:`~bilingual_digest.options.SPEEDS`).
            glossary: More glossary entries (see :meth:`digest`).
            cancel: Checked between stages and before each batch sent to a model.

        Returns:
            An iterator of :class:`DigestProgress`.

        Raises:
            The errors of :meth:`digest` (bad input at the call; model errors when read).
        """
        (job,) = self._jobs([text], source, target, glossary)
        length, speed = validate_length(length), validate_speed(speed)
        return stream_digest(self, job, length, speed, cancel)

    def summarize(
        self,
        text: TextOrArticle,
        source: str | None = None,
        length: str = "medium",
        progress: Progress | None = None,
        *,
        target: str | None = None,
        speed: str = DEFAULT_SPEED,
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> BilingualSummary:
        """Summarise one article in both languages of its pair, translating only what that needs.

        The stages of :meth:`digest`, less the article's translation when the summariser
        can read the article as it is: an English article is summarised, and only its summary
        is translated. An article in another language is still translated into English (the
        summariser reads English).

        Args:
            text: The article, up to ``BILINGUAL_DIGEST_MAX_CHARS``.
            source: Its language code; ``None`` detects it.
            length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
            progress: Called between stages with the fraction done and the next stage.
            target: The pair's other language; ``None`` for the source's default target.
            speed: ``"default"`` or ``"fast"`` (:data:`~bilingual_digest.options.SPEEDS`).
            glossary: More glossary entries (see :meth:`digest`).
            cancel: Checked between stages and before each batch sent to a model.

        Returns:
            The :class:`BilingualSummary`: the summaries by language, with the warnings.

        Raises:
            The errors of :meth:`digest`.
        """
        jobs = self._jobs([text], source, target, glossary)
        length, speed = validate_length(length), validate_speed(speed)
        total = run_stages(self, jobs, length, speed, progress, articles=False, cancel=cancel)
        return finish_summary(jobs[0], total)

    def digest_many(
        self,
        texts: Sequence[TextOrArticle],
        source: str | None = None,
        length: str = "medium",
        *,
        target: str | None = None,
        speed: str = DEFAULT_SPEED,
        glossary: GlossaryLike = None,
    ) -> list[Digest]:
        """Digest several articles, batching each translation stage across them.

        Args:
            texts: Articles, texts or :class:`~bilingual_digest.documents.Article` objects
                (their languages may mix when ``source`` is ``None``).
            source: The language of all of them; ``None`` detects each one's.
            length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
            target: The translations' language; ``None`` for each source's default target.
            speed: ``"default"`` or ``"fast"`` (:data:`~bilingual_digest.options.SPEEDS`).
            glossary: More glossary entries for these articles (see :meth:`digest`).

        Returns:
            One :class:`Digest` per article, in order.

        Raises:
            TypeError: If ``texts`` is a ``str`` or holds something other than ``str`` or
                ``Article``.
            InputError: If a text is empty or over the size limit (the message gives its
                index), or ``length`` or ``speed`` is not a preset.
            UnsupportedLanguageError: If a language is unknown or can't be detected.
            ModelUnavailableError: If a model cannot be loaded.
        """
        if isinstance(texts, str):
            raise TypeError("digest_many() takes a list of texts; use digest() for one str.")
        jobs = self._jobs(list(texts), source, target, glossary)
        length, speed = validate_length(length), validate_speed(speed)
        total = run_stages(self, jobs, length, speed, None, articles=True)
        return [finish(job, total) for job in jobs]

    def glossary_with(self, glossary: GlossaryLike = None) -> Glossary | None:
        """The digester's glossary (or ``BILINGUAL_DIGEST_GLOSSARY``'s) with a call's added.

        Raises:
            GlossaryError: If a glossary can't be used.
        """
        return combine(default_glossary() if self.glossary is None else self.glossary, glossary)

    def _jobs(
        self,
        texts: list[TextOrArticle],
        source: str | None,
        target: str | None,
        glossary: GlossaryLike,
    ) -> list[Job]:
        limit = max_chars() if self.max_chars is None else self.max_chars
        terms = self.glossary_with(glossary)
        jobs = []
        for i, text in enumerate(texts):
            what = "text" if len(texts) == 1 else f"text at index {i}"
            clean = prepare_text(text, what, limit)
            if is_url(clean.text):
                raise InputError(
                    f"The {what} is a link, not an article: fetch it first "
                    "(digest(fetch_article(url)))."
                )
            article = text if isinstance(text, Article) else None
            job = Job(clean.text, *resolve_pair(source, target, clean.text), article=article)
            if SUMMARY_LANGUAGE not in (job.source, job.target):
                raise UnsupportedLanguageError(
                    f"A digest needs {language_name(SUMMARY_LANGUAGE)} on one side (the "
                    f"summariser reads it); {job.source}→{job.target} has none. Translate the "
                    "text instead, or digest it into English."
                )
            job.warnings.extend(clean.notes)
            job.warnings.extend(mixed_language_notes(job.text, job.source, job.target))
            job.glossary = terms.bound(job.source, job.target) if terms else None
            jobs.append(job)
        return jobs


def _settings() -> tuple[str | None, ...]:
    device = resolve_device(None)
    models = tuple(translation_model(pair.source, pair.target) for pair in pairs())
    return (*models, summary_model(), device, env("BACKEND"), str(confidence_enabled()))


@functools.lru_cache(maxsize=2)
def _cached_digester(settings: tuple[str | None, ...]) -> Digester:
    return Digester()


def default_digester() -> Digester:
    """The shared :class:`Digester` for the current settings (models, device, backend)."""
    return _cached_digester(_settings())


def digest(
    text: TextOrArticle,
    source: str | None = None,
    length: str = "medium",
    *,
    target: str | None = None,
    speed: str = DEFAULT_SPEED,
    glossary: GlossaryLike = None,
) -> Digest:
    """Translate and summarise one article in both languages, with the default models.

    An article in another language: translate it to English, summarise the English
    translation, translate the summary back. An English article: translate the article into
    the target language while summarising it and translating the summary. See
    :meth:`Digester.digest`.

    Args:
        text: The article, up to ``BILINGUAL_DIGEST_MAX_CHARS``: a text or an
            :class:`~bilingual_digest.documents.Article` (``fetch_article(url)``).
        source: Its language code (``"fr"``, ``"en"`` …); ``None`` detects it.
        length: Summary length, ``"short"``, ``"medium"`` or ``"long"``.
        target: The translation's language; ``None`` for the source's default target.
        speed: ``"default"`` (beam 4) or ``"fast"`` (greedy).
        glossary: Terms to translate as you say, in the article and in its summary (a
            ``Glossary``, a ``dict`` of source term → target term, or a glossary file's
            path), added to the file named by ``BILINGUAL_DIGEST_GLOSSARY``, if any.

    Returns:
        The :class:`Digest`.

    Raises:
        BilingualDigestError: The errors of :meth:`Digester.digest` (``TypeError`` for
            neither a ``str`` nor an ``Article``, ``InputError`` / ``ValueError`` for bad
            input, unsupported languages, models that can't be loaded).
    """
    return default_digester().digest(
        text, source, length, target=target, speed=speed, glossary=glossary
    )
