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
from dataclasses import replace
from typing import overload

from .alignment import Segment, Translation, TranslationStream
from .backends import Backend, Generated, checked_generate, load_backend, parallelism
from .backends.cache import CachedBackend
from .batching import stream_plan, throughput_plan
from .checks import LANGUAGES as CHECKED_LANGUAGES
from .checks import (
    Finding,
    check_length_ratio,
    check_repetition,
    check_segment,
    repetition_score,
)
from .languages import language_name, resolve_pair, validate_language
from .options import (
    TranslationOptions,
    resolve_backend,
    resolve_device,
    thread_layout,
    translation_model,
)
from .parallel import ordered_map
from .sanitize import CleanText, prepare_text
from .segment import Piece, segment
from .steps import Prepared, Step, prepare_sentence

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

    Raises:
        UnsupportedLanguageError: If the pair is not supported (the message lists them).
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
    ) -> None:
        self.source, self.target = resolve_pair(validate_language(source, "source"), target)
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

    def pieces(self, text: str) -> list[Piece]:
        """Split a text into the pieces this model translates (sentences that fit)."""
        return segment(
            text, self.source, self.backend.count_tokens, self.backend.max_input_tokens - 1
        )

    def translate(self, text: str, *, options: TranslationOptions | None = None) -> Translation:
        """Translate one text.

        Its sentences are batched as :meth:`translate_iter` batches them (the first paragraph
        first), so the two give the same segments.

        Args:
            text: The text, in the translator's source language.
            options: Decoding options for this call (e.g. ``self.options.at_speed("fast")``);
                default the translator's own.

        Returns:
            The :class:`Translation`, with one segment per source sentence.

        Raises:
            TypeError: If ``text`` is not a ``str``.
            InputError: If ``text`` is empty or whitespace only.
        """
        clean = prepare_text(text)
        options = self._options(options)
        return self._collect([clean], options, stream=True)[0]

    def translate_iter(
        self, text: str, *, options: TranslationOptions | None = None
    ) -> TranslationStream:
        """Translate one text, yielding each sentence's segment as soon as it is ready.

        The segments come in input order, each once, and are exactly those of
        ``translate(text).segments``: the first paragraph's arrive after one small batch,
        the rest paragraph by paragraph while the model works on the next ones. The text is
        checked when this is called; the work starts at the first ``next()``. Closing the
        iterator early drops the batches not started yet.

        Args:
            text: The text, in the translator's source language.
            options: Decoding options for this call; default the translator's own.

        Returns:
            A :class:`~bilingual_digest.alignment.TranslationStream`: an iterator of
            :class:`Segment` in input order, whose ``translation`` is the whole
            :class:`Translation` once it is exhausted.

        Raises:
            TypeError: If ``text`` is not a ``str``.
            InputError: If ``text`` is empty or whitespace only.
        """
        clean = prepare_text(text)
        options = self._options(options)
        warnings = self._first_warnings(clean, options)
        return TranslationStream(
            ((done, notes) for _, done, notes in self._run([clean], options, stream=True)),
            lambda segments, notes: self._assemble(clean, segments, [*warnings, *notes]),
        )

    def translate_many(
        self, texts: Sequence[str], *, options: TranslationOptions | None = None
    ) -> list[Translation]:
        """Translate several texts, batching their sentences together for throughput.

        The sentences of all the texts are sorted by length and cut into batches that keep
        every worker busy (:func:`~bilingual_digest.batching.throughput_plan`); a single
        text is batched as :meth:`translate` does.

        Args:
            texts: Texts in the source language.
            options: Decoding options for this call; default the translator's own.

        Every text is cleaned first (:func:`~bilingual_digest.sanitize.clean_text`: markup
        reduced to its text, control characters removed), with a note in the warnings; the
        translation's :attr:`~Translation.original` is the cleaned text its offsets index.

        Returns:
            One :class:`Translation` per text, in order.

        Raises:
            TypeError: If ``texts`` is a ``str`` or holds something other than ``str``.
            InputError: If a text is empty or whitespace only, before or after cleaning (the
                message gives its index).
        """
        if isinstance(texts, str):
            raise TypeError("translate_many() takes a list of texts; use translate() for one str.")
        cleaned = [
            prepare_text(text, "text" if len(texts) == 1 else f"text at index {i}")
            for i, text in enumerate(texts)
        ]
        return self._collect(cleaned, self._options(options), stream=len(cleaned) == 1)

    def steps(self) -> list[Step]:
        """The reversible steps each sentence goes through on its way to the model.

        See :mod:`~bilingual_digest.steps`; none yet beyond what subclasses or later
        features add.
        """
        return []

    def _options(self, options: TranslationOptions | None) -> TranslationOptions:
        if options is None:
            return self.options
        if not isinstance(options, TranslationOptions):
            raise TypeError("options must be a TranslationOptions instance.")
        return options

    def _collect(
        self, cleaned: list[CleanText], options: TranslationOptions, *, stream: bool
    ) -> list[Translation]:
        """Run the texts through :meth:`_run` and assemble one :class:`Translation` each."""
        segments: list[list[Segment]] = [[] for _ in cleaned]
        warnings = [self._first_warnings(clean, options) for clean in cleaned]
        for index, done, notes in self._run(cleaned, options, stream=stream):
            segments[index].append(done)
            warnings[index].extend(notes)
        return [
            self._assemble(clean, segs, notes)
            for clean, segs, notes in zip(cleaned, segments, warnings, strict=True)
        ]

    def _first_warnings(self, clean: CleanText, options: TranslationOptions) -> list[str]:
        """The warnings a translation starts with: the cleaner's notes, the checks' reach."""
        warnings = list(clean.notes)
        if options.checks and not self._full_checks:
            warnings.append(self._checks_note())
        return warnings

    def _run(
        self, cleaned: list[CleanText], options: TranslationOptions, *, stream: bool
    ) -> Iterator[tuple[int, Segment, list[str]]]:
        """Translate the texts' sentences; yield ``(text index, segment, notes)`` in order.

        Each batch is prepared (steps, tokens), generated and retried in a worker thread,
        :func:`~bilingual_digest.backends.parallelism` batches at a time, while this thread
        restores and checks the batches already done.
        """
        flat = [(t, piece) for t, clean in enumerate(cleaned) for piece in self.pieces(clean.text)]
        steps = self.steps()
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

        def work(batch: list[int]) -> tuple[list[Generated], dict[int, bool]]:
            sources = [prepared[i].model_input for i in batch]
            outputs = checked_generate(self.backend, sources, generation)
            return outputs, self._retry_degenerate(sources, outputs, options)

        done: dict[int, tuple[Generated, bool | None]] = {}
        position, numbers = 0, [0] * len(cleaned)
        for batch, (outputs, retried) in zip(plan, ordered_map(work, plan, workers), strict=True):
            for j, (i, out) in enumerate(zip(batch, outputs, strict=True)):
                done[i] = (out, retried.get(j))
            while position in done:
                out, kept = done.pop(position)
                text_index, piece = flat[position]
                done_segment, notes = self._segment(
                    numbers[text_index], piece, prepared[position], out, kept, options
                )
                numbers[text_index] += 1
                position += 1
                yield text_index, done_segment, notes

    def _retry_degenerate(
        self, sources: list[str], outputs: list[Generated], options: TranslationOptions
    ) -> dict[int, bool]:
        """Translate looping outputs again with repetition guards; keep the better one.

        Returns:
            For each retried position, whether the retry's output was kept.
        """
        if not options.retry_degenerate:
            return {}
        bad = [i for i, out in enumerate(outputs) if out.hit_limit or check_repetition(out.text)]
        if not bad:
            return {}
        guarded = replace(options.generation(), no_repeat_ngram_size=3, repetition_penalty=1.3)
        again = checked_generate(self.backend, [sources[i] for i in bad], guarded)
        kept = {}
        for i, new in zip(bad, again, strict=True):
            old = outputs[i]
            kept[i] = (new.hit_limit, repetition_score(new.text)) < (
                old.hit_limit,
                repetition_score(old.text),
            )
            if kept[i]:
                outputs[i] = new
        logger.info("Retried %d looping sentence(s) with repetition guards", len(bad))
        return kept

    @property
    def _full_checks(self) -> bool:
        """Whether the checks have tables for both languages (else only the generic ones run)."""
        return {self.source, self.target} <= set(CHECKED_LANGUAGES)

    def _checks_note(self) -> str:
        names = " and ".join(
            language_name(code)
            for code in (self.source, self.target)
            if code not in CHECKED_LANGUAGES
        )
        return (
            f"The faithfulness checks have no tables for {names}: numbers, names and untranslated "
            "text were not checked; length and repetition were."
        )

    def _check(
        self, source: str, translation: str, index: int, options: TranslationOptions
    ) -> tuple[Finding, ...]:
        """The findings for one segment: every check, or the language-independent ones."""
        if not options.checks:
            return ()
        if self._full_checks:
            return tuple(
                check_segment(source, translation, self.source, self.target, segment=index)
            )
        if not translation.strip():
            return ()
        return (
            *check_length_ratio(source, translation, segment=index),
            *check_repetition(translation, segment=index),
        )

    def _segment(
        self,
        index: int,
        piece: Piece,
        ready: Prepared,
        out: Generated,
        kept: bool | None,
        options: TranslationOptions,
    ) -> tuple[Segment, list[str]]:
        """One finished sentence: its :class:`Segment` and the notes for the warnings.

        Args:
            kept: ``None`` if the sentence was not retried, else whether the retry was kept.
        """
        output, found = ready.restore(out.text)
        findings = (*found, *self._check(piece.text, output, index, options))
        result = Segment(
            index,
            piece.paragraph,
            piece.start,
            piece.end,
            piece.text,
            output,
            not out.hit_limit,
            findings,
            kept is not None,
        )
        notes = []
        if kept is not None:
            outcome = (
                "the better output was kept"
                if kept
                else "the retry did no better, so the first output was kept"
            )
            notes.append(
                f"Sentence {index + 1}: the model repeated itself; it was translated again "
                f"with repetition guards and {outcome}."
            )
        notes.extend(f"Sentence {index + 1}: {f.message}" for f in findings)
        if out.hit_limit:
            notes.append(
                f"Sentence {index + 1} reached the limit of {options.max_new_tokens} "
                "generated tokens: its translation may be cut short."
            )
        return result, notes

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


@functools.lru_cache(maxsize=4)
def _cached_translator(
    source: str, target: str, model: str, device: str, backend: str
) -> Translator:
    return Translator(source, target, model=model, device=device, backend=backend)


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
    return _cached_translator(src, tgt, translation_model(src, tgt), device, backend)


@overload
def translate(text: str, source: str | None = None, target: str | None = None) -> str: ...
@overload
def translate(
    text: list[str], source: str | None = None, target: str | None = None
) -> list[str]: ...


def translate(
    text: str | list[str], source: str | None = None, target: str | None = None
) -> str | list[str]:
    """Translate French to English or English to French.

    Args:
        text: A text, or a list of texts.
        source: ``"fr"`` or ``"en"``; ``None`` detects each text's language.
        target: ``"fr"`` or ``"en"``; ``None`` means the other one.

    Returns:
        The translation: a ``str`` for a ``str``, a ``list[str]`` for a list.

    Raises:
        TypeError: If ``text`` is neither a ``str`` nor a list of ``str``.
        InputError: If a text is empty or whitespace only.
        UnsupportedLanguageError: If a language is unknown or can't be detected.
        ModelUnavailableError: If a model cannot be loaded.
    """
    if isinstance(text, str):
        clean = prepare_text(text)
        src, tgt = resolve_pair(source, target, clean.text)
        return default_translator(src, tgt).translate(clean.text).text
    if not isinstance(text, (list, tuple)):
        raise TypeError(f"translate() expects a str or a list of str, got {type(text).__name__}.")
    texts = [prepare_text(item, f"text at index {i}").text for i, item in enumerate(text)]
    pairs = [resolve_pair(source, target, item) for item in texts]
    results: list[str] = [""] * len(texts)
    for pair in dict.fromkeys(pairs):
        indices = [i for i, p in enumerate(pairs) if p == pair]
        done = default_translator(*pair).translate_many([texts[i] for i in indices])
        for i, translation in zip(indices, done, strict=True):
            results[i] = translation.text
    return results
