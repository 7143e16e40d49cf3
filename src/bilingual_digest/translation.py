"""The translator: segment, generate in batches (several at once), reassemble with alignment.

A text's sentences are prepared (:mod:`~bilingual_digest.steps`), grouped into batches
(:mod:`~bilingual_digest.batching`) and generated a few batches at a time in worker threads
(:func:`~bilingual_digest.parallel.ordered_map`), while the caller's thread restores and
checks the batches already done; segments come out in input order as they are ready
(:meth:`Translator.translate_iter`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator, Sequence
from typing import overload

from .alignment import Segment, Translation, TranslationStream
from .backends import Backend, Generated, checked_generate, load_backend, parallelism
from .backends.cache import CachedBackend
from .batching import stream_plan, throughput_plan
from .cancel import CancelFlag, check_cancelled
from .checks import skipped_checks_note
from .cores import thread_layout
from .documents import Article, TextOrArticle
from .glossary import Glossary, GlossaryLike, as_glossary, combine, default_glossary
from .languages import resolve_pair, validate_language
from .normalization import PunctuationStep
from .options import (
    TranslationOptions,
    confidence_enabled,
    resolve_backend,
    resolve_device,
    translation_model,
)
from .parallel import ordered_map
from .placeholders import ProtectStep
from .sanitize import CleanText, prepare_text
from .segment import Piece, segment
from .sentence_outcome import finish_segment, retry_degenerate
from .steps import Step, prepare_sentence
from .unknown_characters import UnknownCharacterStep

logger = logging.getLogger("bilingual_digest")

__all__ = [  # Segment and Translation live in .alignment; their home for users is here
    "Segment",
    "Translation",
    "TranslationStream",
    "Translator",
    "default_translator",
    "translate",
]


class Translator:
    """Loads a translation model once and translates many texts with it.

    Args:
        source: Source language, ``"fr"`` or ``"en"``.
        target: Target language; ``None`` means the other one.
        model: Hub id or local directory; default from ``BILINGUAL_DIGEST_MODEL_FR_EN`` /
            ``BILINGUAL_DIGEST_MODEL_EN_FR``, else Helsinki-NLP's OPUS-MT model for the pair.
        device: ``"cpu"`` (default, or ``BILINGUAL_DIGEST_DEVICE``) or ``"cuda"``.
        backend: A backend name (``"ctranslate2"`` or ``"torch"``; default
            ``BILINGUAL_DIGEST_BACKEND``, else ``ctranslate2`` on CPU and ``torch`` on CUDA),
            loaded behind an LRU cache of sentence translations; or an object with the
            :class:`~bilingual_digest.backends.Backend` interface (a fake …), used as is.
        options: Decoding options; OPUS-MT's defaults (beam 4) when omitted.
        glossary: Terms to translate as the user says (:mod:`~bilingual_digest.glossary`): a
            :class:`~bilingual_digest.glossary.Glossary`, a ``dict`` of source term → target
            term, or a glossary file's path; default (``None``): the file named by
            ``BILINGUAL_DIGEST_GLOSSARY``, if any, read at each call (a changed file is read
            again); ``{}`` for none. Each call can add more.

    URLs, e-mail addresses, @handles, #hashtags and inline code always come back as they
    were (:mod:`~bilingual_digest.placeholders`), with or without a glossary.

    Raises:
        UnsupportedLanguageError: If the pair is not supported (the message lists them).
        GlossaryError: If the glossary can't be used.
        ModelUnavailableError: If the model cannot be loaded (the message says how to fix it).
        DeviceUnavailableError: If CUDA is asked for and not available.
    """

    def __init__(
        self,
        source: str = "fr",
        target: str | None = None,
        model: str | None = None,
        device: str | None = None,
        backend: str | Backend | None = None,
        options: TranslationOptions | None = None,
        glossary: GlossaryLike = None,
    ) -> None:
        self.source, self.target = resolve_pair(validate_language(source, "source"), target)
        self.glossary: Glossary | None = as_glossary(glossary)
        self.options = options if options is not None else TranslationOptions()
        if not isinstance(self.options, TranslationOptions):
            raise TypeError("options must be a TranslationOptions instance.")
        self.device = resolve_device(device)
        if backend is None or isinstance(backend, str):
            name = resolve_backend(backend, self.device)
            self.model = translation_model(self.source, self.target, model)
            inner = load_backend(name, self.model, self.device, thread_layout("translation"))
            self.backend: Backend = CachedBackend(inner)
        else:
            self.backend = backend
            self.model = model if model is not None else backend.model_id

    def __repr__(self) -> str:
        return (
            f"Translator({self.source}→{self.target}, model={self.model!r}, device={self.device!r})"
        )

    def pieces(self, text: str, steps: Sequence[Step] = ()) -> list[Piece]:
        """Split a text into the pieces this model translates (sentences that fit).

        With ``steps``, a piece fits when what the model reads of it (its placeholders
        instead of long URLs …) fits, and no sentence boundary falls inside what a step keeps
        whole (its optional ``keep_whole(text)``: a URL, a glossary term).
        """
        count = self.backend.count_tokens
        if steps:

            def count(piece: str) -> int:
                return self.backend.count_tokens(prepare_sentence(piece, steps).model_input)

        keep = [span for step in steps for span in getattr(step, "keep_whole", _none)(text)]
        return segment(text, self.source, count, self.backend.max_input_tokens - 1, keep)

    def translate(
        self,
        text: TextOrArticle,
        *,
        options: TranslationOptions | None = None,
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> Translation:
        """Translate one text.

        Its sentences are batched as :meth:`translate_iter` batches them (the first paragraph
        first), so the two give the same segments.

        Args:
            text: The text, in the translator's source language; or an
                :class:`~bilingual_digest.documents.Article`, whose title and text are
                translated (:attr:`~bilingual_digest.documents.Article.full_text`).
            options: Decoding options for this call (e.g. ``self.options.at_speed("fast")``);
                default the translator's own.
            glossary: More glossary entries for this call (a ``Glossary``, a ``dict`` or a
                path); they win over the translator's own for the same term.
            cancel: Checked before each batch sent to the model; see
                :mod:`~bilingual_digest.cancel`.

        Returns:
            The :class:`Translation`, with one segment per source sentence.

        Raises:
            TypeError: If ``text`` is neither a ``str`` nor an ``Article``.
            InputError: If ``text`` is empty or whitespace only.
            GlossaryError: If ``glossary`` can't be used.
            Cancelled: If ``cancel`` was set before the work was done.
        """
        clean = prepare_text(text)
        steps = self.steps(glossary)
        return self._collect([clean], self._options(options), steps, cancel, stream=True)[0]

    def translate_iter(
        self,
        text: TextOrArticle,
        *,
        options: TranslationOptions | None = None,
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> TranslationStream:
        """Translate one text, yielding each sentence's segment as soon as it is ready.

        The segments come in input order, each once, and are exactly those of
        ``translate(text).segments``: the first paragraph's arrive after one small batch,
        the rest paragraph by paragraph while the model works on the next ones. The text is
        checked when this is called; the work starts at the first ``next()``. Closing the
        iterator early drops the batches not started yet.

        Args:
            text: The text (or article), in the translator's source language.
            options: Decoding options for this call; default the translator's own.
            glossary: More glossary entries for this call (see :meth:`translate`).
            cancel: Checked before each batch sent to the model.

        Returns:
            A :class:`~bilingual_digest.alignment.TranslationStream`: an iterator of
            :class:`Segment` in input order, whose ``translation`` is the whole
            :class:`Translation` once it is exhausted.

        Raises:
            TypeError: If ``text`` is neither a ``str`` nor an ``Article``.
            InputError: If ``text`` is empty or whitespace only.
            GlossaryError: If ``glossary`` can't be used.
        """
        clean = prepare_text(text)
        options = self._options(options)
        steps = self.steps(glossary)
        warnings = self._first_warnings(clean, options)
        run = self._run([clean], options, steps, cancel, stream=True)
        return TranslationStream(
            ((done, notes) for _, done, notes in run),
            lambda segments, notes: self._assemble(clean, segments, [*warnings, *notes]),
        )

    def translate_many(
        self,
        texts: Sequence[TextOrArticle],
        *,
        options: TranslationOptions | None = None,
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> list[Translation]:
        """Translate several texts, batching their sentences together for throughput.

        The sentences of all the texts are sorted by length and cut into batches that keep
        every worker busy (:func:`~bilingual_digest.batching.throughput_plan`); a single
        text is batched as :meth:`translate` does.

        Args:
            texts: Texts in the source language (or articles: their title and text).
            options: Decoding options for this call; default the translator's own.
            glossary: More glossary entries for this call (see :meth:`translate`).
            cancel: Checked before each batch sent to the model; see
                :mod:`~bilingual_digest.cancel`.

        Every text is cleaned first (:func:`~bilingual_digest.sanitize.clean_text`: markup
        reduced to its text, control characters removed), with a note in the warnings; the
        translation's :attr:`~Translation.original` is the cleaned text its offsets index.

        Returns:
            One :class:`Translation` per text, in order.

        Raises:
            TypeError: If ``texts`` is a ``str`` or holds something other than ``str`` or
                ``Article``.
            InputError: If a text is empty or whitespace only, before or after cleaning (the
                message gives its index).
            GlossaryError: If ``glossary`` can't be used.
            Cancelled: If ``cancel`` was set before the work was done.
        """
        if isinstance(texts, str):
            raise TypeError("translate_many() takes a list of texts; use translate() for one str.")
        cleaned = [
            prepare_text(text, "text" if len(texts) == 1 else f"text at index {i}")
            for i, text in enumerate(texts)
        ]
        options, steps = self._options(options), self.steps(glossary)
        return self._collect(cleaned, options, steps, cancel, stream=len(cleaned) == 1)

    def steps(self, glossary: GlossaryLike = None) -> list[Step]:
        """The reversible steps each sentence goes through on its way to the model.

        See :mod:`~bilingual_digest.steps`. In order: first, always, :class:`ProtectStep`:
        placeholders ``[N]`` in place of protected text and glossary terms, found in the
        original sentence; then Moses punctuation normalisation
        (:mod:`~bilingual_digest.normalization`); then the characters the model can't read
        (:mod:`~bilingual_digest.unknown_characters`; skipped for a backend without
        ``unknown_characters``). The steps after the first leave ``[N]`` as it is (tested);
        their restores run before its own.

        Args:
            glossary: This call's glossary entries, added to the translator's own.
        """
        own = default_glossary() if self.glossary is None else self.glossary
        terms = combine(own, glossary)
        steps: list[Step] = [
            ProtectStep(terms.for_pair(self.source, self.target) if terms else None),
            PunctuationStep(self.source),
        ]
        unknown = getattr(self.backend, "unknown_characters", None)
        if unknown is not None:
            steps.append(UnknownCharacterStep(unknown))
        return steps

    def _options(self, options: TranslationOptions | None) -> TranslationOptions:
        if options is None:
            return self.options
        if not isinstance(options, TranslationOptions):
            raise TypeError("options must be a TranslationOptions instance.")
        return options

    def _collect(
        self,
        cleaned: list[CleanText],
        options: TranslationOptions,
        steps: list[Step],
        cancel: CancelFlag | None,
        *,
        stream: bool,
    ) -> list[Translation]:
        """Run the texts through :meth:`_run` and assemble one :class:`Translation` each."""
        segments: list[list[Segment]] = [[] for _ in cleaned]
        warnings = [self._first_warnings(clean, options) for clean in cleaned]
        for index, done, notes in self._run(cleaned, options, steps, cancel, stream=stream):
            segments[index].append(done)
            warnings[index].extend(notes)
        return [
            self._assemble(clean, segs, notes)
            for clean, segs, notes in zip(cleaned, segments, warnings, strict=True)
        ]

    def _first_warnings(self, clean: CleanText, options: TranslationOptions) -> list[str]:
        """The warnings a translation starts with: the cleaner's notes, the checks' reach."""
        warnings = list(clean.notes)
        skipped = skipped_checks_note(self.source, self.target) if options.checks else None
        if skipped:
            warnings.append(skipped)
        return warnings

    def _run(
        self,
        cleaned: list[CleanText],
        options: TranslationOptions,
        steps: list[Step],
        cancel: CancelFlag | None,
        *,
        stream: bool,
    ) -> Iterator[tuple[int, Segment, list[str]]]:
        """Translate the texts' sentences; yield ``(text index, segment, notes)`` in order.

        Each batch is generated and retried in a worker thread,
        :func:`~bilingual_digest.backends.parallelism` batches at a time, while this thread
        restores and checks the batches already done. ``cancel`` is checked before each
        batch.
        """
        flat = [
            (t, piece)
            for t, clean in enumerate(cleaned)
            for piece in self.pieces(clean.text, steps)
        ]
        prepared = [prepare_sentence(piece.text, steps) for _, piece in flat]
        workers = parallelism(self.backend)
        if stream:
            paragraphs = [piece.paragraph for _, piece in flat]
            plan = stream_plan(paragraphs, options.batch_size, workers)
        else:
            sizes = [
                (self.backend.count_tokens(p.model_input), len(p.model_input)) for p in prepared
            ]
            plan = throughput_plan(sizes, options.batch_size, workers)
        generation = options.generation()
        pair = (self.source, self.target)

        def work(batch: list[int]) -> tuple[list[Generated], dict[int, bool]]:
            check_cancelled(cancel)
            sources = [prepared[i].model_input for i in batch]
            outputs = checked_generate(self.backend, sources, generation)
            retried = retry_degenerate(self.backend, sources, outputs, options, cancel)
            return outputs, retried

        done: dict[int, tuple[Generated, bool | None]] = {}
        position, numbers = 0, [0] * len(cleaned)
        for batch, (outputs, retried) in zip(plan, ordered_map(work, plan, workers), strict=True):
            for j, (i, out) in enumerate(zip(batch, outputs, strict=True)):
                done[i] = (out, retried.get(j))
            while position in done:
                out, kept = done.pop(position)
                text_index, piece = flat[position]
                done_segment, notes = finish_segment(
                    numbers[text_index], piece, prepared[position], out, kept, options, pair
                )
                numbers[text_index] += 1
                position += 1
                yield text_index, done_segment, notes

    def _assemble(
        self, clean: CleanText, segments: list[Segment], warnings: list[str]
    ) -> Translation:
        """The translation of a text: each segment's output in place of its source span."""
        text, parts, cursor = clean.text, [], 0
        for seg in segments:
            parts.append(text[cursor : seg.start])  # the whitespace and line breaks between
            parts.append(seg.translation)
            cursor = seg.end
        parts.append(text[cursor:])
        return Translation(
            text="".join(parts),
            segments=tuple(segments),
            source_lang=self.source,
            target_lang=self.target,
            original=text,
            model=self.model,
            warnings=tuple(warnings),
        )


def _none(text: str) -> list[tuple[int, int]]:
    return []


@functools.lru_cache(maxsize=4)
def _cached_translator(
    source: str, target: str, model: str, device: str, backend: str, confidence: bool = False
) -> Translator:
    # No glossary of its own: translate() and the digester pass BILINGUAL_DIGEST_GLOSSARY's
    # (bound to the article's direction, for the digester) at each call.
    return Translator(
        source,
        target,
        model=model,
        device=device,
        backend=backend,
        options=TranslationOptions(confidence=confidence),
        glossary=Glossary(),
    )


def default_translator(source: str, target: str | None = None) -> Translator:
    """The shared translator for a pair, built once per process from the current settings.

    Args:
        source: Source language.
        target: Target language; ``None`` for the other one.

    Returns:
        A cached :class:`Translator` (a new one if the settings changed since).
    """
    src, tgt = resolve_pair(validate_language(source, "source"), target)
    device = resolve_device(None)
    backend = resolve_backend(None, device)
    model = translation_model(src, tgt)
    return _cached_translator(src, tgt, model, device, backend, confidence_enabled())


@overload
def translate(
    text: TextOrArticle,
    source: str | None = None,
    target: str | None = None,
    *,
    glossary: GlossaryLike = None,
) -> str: ...
@overload
def translate(
    text: list[TextOrArticle],
    source: str | None = None,
    target: str | None = None,
    *,
    glossary: GlossaryLike = None,
) -> list[str]: ...


def translate(
    text: TextOrArticle | list[TextOrArticle],
    source: str | None = None,
    target: str | None = None,
    *,
    glossary: GlossaryLike = None,
) -> str | list[str]:
    """Translate French to English or English to French.

    Args:
        text: A text, or a list of texts; an :class:`~bilingual_digest.documents.Article`
            (``fetch_article(url)``) stands for its title and text.
        source: ``"fr"`` or ``"en"``; ``None`` detects each text's language.
        target: ``"fr"`` or ``"en"``; ``None`` means the other one.
        glossary: Terms to translate as you say: a ``Glossary``, a ``dict`` of source term →
            target term, or a glossary file's path; added to the file named by
            ``BILINGUAL_DIGEST_GLOSSARY``, if any (these entries win). URLs, e-mail
            addresses, @handles, #hashtags and inline code come back unchanged either way.

    Returns:
        The translation: a ``str`` for a ``str``, a ``list[str]`` for a list.

    Raises:
        TypeError: If ``text`` is neither a ``str``, an ``Article`` nor a list of them.
        InputError: If a text is empty or whitespace only.
        UnsupportedLanguageError: If a language is unknown or can't be detected.
        ModelUnavailableError: If a model cannot be loaded.
        GlossaryError: If the glossary can't be used.
    """
    terms = combine(default_glossary(), glossary)
    if isinstance(text, (str, Article)):
        clean = prepare_text(text)
        src, tgt = resolve_pair(source, target, clean.text)
        return default_translator(src, tgt).translate(clean.text, glossary=terms).text
    if not isinstance(text, (list, tuple)):
        raise TypeError(
            f"translate() expects a str, an Article or a list of them, got {type(text).__name__}."
        )
    texts = [prepare_text(item, f"text at index {i}").text for i, item in enumerate(text)]
    pairs = [resolve_pair(source, target, item) for item in texts]
    results: list[str] = [""] * len(texts)
    for pair in dict.fromkeys(pairs):
        indices = [i for i, p in enumerate(pairs) if p == pair]
        done = default_translator(*pair).translate_many([texts[i] for i in indices], glossary=terms)
        for i, translation in zip(indices, done, strict=True):
            results[i] = translation.text
    return results
