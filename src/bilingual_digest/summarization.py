"""The summariser: English summaries of any length of text, map-reduce over the model's window.

A text that fits the model's input window (1,024 tokens for DistilBART) is summarised in one
pass. A longer one is cut on sentence boundaries into sections that each fit, every section
is summarised, and the joined section summaries are summarised again, repeatedly while they
are still over the window. Nothing is ever truncated: if the summaries can't be condensed
within :attr:`SummaryOptions.max_rounds` rounds, the result is the joined section summaries
(longer than asked, nothing left out) and the warnings say so.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import overload

from . import prompts
from .backends import Backend, Generated, generate_batched, load_backend
from .backends.cache import CachedBackend
from .cancel import CancelFlag
from .cores import thread_layout
from .languages import SUMMARY_LANGUAGE
from .options import (
    SPEEDS,
    SUMMARY_LENGTHS,
    GenerationOptions,
    _check_float,
    _check_int,
    check_text,
    resolve_backend,
    resolve_device,
    summary_model,
    validate_length,
    validate_speed,
)
from .segment import segment, sentences

logger = logging.getLogger("bilingual_digest")

LENGTHS = SUMMARY_LENGTHS  # the name of the first round


@dataclass(frozen=True)
class SummaryOptions:
    """How a summariser decodes; ``None`` means the model's own generation defaults.

    The length of a summary comes from the preset passed to
    :meth:`Summarizer.summarize` (see :data:`LENGTHS`), unless ``min_new_tokens`` /
    ``max_new_tokens`` are set here. DistilBART's own defaults are beam 4, length penalty
    2.0 and no repeated trigrams.

    Attributes:
        num_beams: Beam size (1 = greedy, fastest).
        length_penalty: Beam-search length penalty (above 1 favours longer summaries).
        no_repeat_ngram_size: Forbid repeating n-grams of this size (0 = off).
        repetition_penalty: Penalty above 1.0 discourages repeats.
        min_new_tokens: Fewest tokens per summary, overriding the preset's.
        max_new_tokens: Most tokens per summary, overriding the preset's.
        batch_size: Sections of a long text summarised together.
        max_rounds: Most map-reduce rounds (sections, then summaries of summaries …).
        min_sentences: Texts with fewer sentences are their own summary (no model call).
    """

    num_beams: int | None = None
    length_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    repetition_penalty: float | None = None
    min_new_tokens: int | None = None
    max_new_tokens: int | None = None
    batch_size: int = 4
    max_rounds: int = 3
    min_sentences: int = 3

    def __post_init__(self) -> None:
        _check_int(self, "num_beams", self.num_beams, allow_none=True)
        _check_int(
            self, "no_repeat_ngram_size", self.no_repeat_ngram_size, minimum=0, allow_none=True
        )
        _check_float(self, "length_penalty", self.length_penalty)
        _check_float(self, "repetition_penalty", self.repetition_penalty)
        _check_int(self, "min_new_tokens", self.min_new_tokens, minimum=0, allow_none=True)
        _check_int(self, "max_new_tokens", self.max_new_tokens, allow_none=True)
        _check_int(self, "batch_size", self.batch_size)
        _check_int(self, "max_rounds", self.max_rounds)
        _check_int(self, "min_sentences", self.min_sentences)
        if (
            self.min_new_tokens is not None
            and self.max_new_tokens is not None
            and self.min_new_tokens > self.max_new_tokens
        ):
            raise ValueError(
                "SummaryOptions.min_new_tokens must not exceed max_new_tokens "
                f"({self.min_new_tokens} > {self.max_new_tokens})."
            )

    def bounds(self, length: str = "medium") -> tuple[int, int]:
        """``(min_new_tokens, max_new_tokens)`` for a length preset and these options.

        Raises:
            ValueError: If ``length`` is not a preset.
        """
        low, high = SUMMARY_LENGTHS[validate_length(length)]
        high = self.max_new_tokens if self.max_new_tokens is not None else high
        low = self.min_new_tokens if self.min_new_tokens is not None else min(low, high)
        return low, high

    def at_speed(self, speed: str) -> SummaryOptions:
        """These options with the beam size of a speed preset (see :data:`~.options.SPEEDS`).

        Raises:
            InputError: If ``speed`` is not a preset.
        """
        beams = SPEEDS[validate_speed(speed)]
        return self if beams is None else replace(self, num_beams=beams)

    def generation(self, length: str = "medium") -> GenerationOptions:
        """The decoding options for a backend, for one length preset.

        Raises:
            ValueError: If ``length`` is not a preset.
        """
        low, high = self.bounds(length)
        return GenerationOptions(
            num_beams=self.num_beams,
            max_new_tokens=high,
            min_new_tokens=low,
            length_penalty=self.length_penalty,
            no_repeat_ngram_size=self.no_repeat_ngram_size,
            repetition_penalty=self.repetition_penalty,
        )


@dataclass(frozen=True)
class Summary:
    """An English summary and how it was made.

    Attributes:
        text: The summary.
        warnings: Plain-language notes (text too short, sections, cut-short outputs …).
        chunks: Sections of the text summarised separately in the first round (1 = the text
            fitted the window; 0 = no model call).
        model: Hub id or directory of the summariser.
        model_called: False when the text was too short and is its own summary.
    """

    text: str
    warnings: tuple[str, ...]
    chunks: int
    model: str
    model_called: bool


def model_config(backend: Backend, model: str) -> object:
    """The model's config as far as a backend lets us see it (for prompt selection).

    Args:
        backend: A loaded backend.
        model: The hub id or directory it was loaded from.

    Returns:
        The transformers config, a ``config`` attribute, the local ``config.json``, or ``None``.
    """
    loaded = getattr(backend, "model", None)
    config = getattr(loaded, "config", None) or getattr(backend, "config", None)
    return config if config is not None else prompts.read_config(model)


class Summarizer:
    """Loads a summarisation model once and summarises many English texts with it.

    Args:
        model: Hub id or local directory of any seq2seq summariser (BART, PEGASUS, T5,
            FLAN-T5); default ``BILINGUAL_DIGEST_MODEL_SUMMARY``, else
            ``sshleifer/distilbart-cnn-12-6``.
        device: ``"cpu"`` (default, or ``BILINGUAL_DIGEST_DEVICE``) or ``"cuda"``.
        backend: A backend name (``"ctranslate2"`` or ``"torch"``; default
            ``BILINGUAL_DIGEST_BACKEND``, else ``ctranslate2`` on CPU and ``torch`` on CUDA),
            loaded behind an LRU cache of outputs like the translator's; or an object with the
            :class:`~bilingual_digest.backends.Backend` interface (a fake …), used as is.
        options: Decoding options; the model's own defaults when omitted.

    Raises:
        ModelUnavailableError: If the model cannot be loaded (the message says how to fix it).
        DeviceUnavailableError: If CUDA is asked for and not available.
        ValueError: If the model's prompt template is malformed.
    """

    def __init__(
        self,
        model: str | None = None,
        device: str | None = None,
        backend: str | Backend | None = None,
        options: SummaryOptions | None = None,
    ) -> None:
        self.options = options if options is not None else SummaryOptions()
        if not isinstance(self.options, SummaryOptions):
            raise TypeError("options must be a SummaryOptions instance.")
        self.device = resolve_device(device)
        if backend is None or isinstance(backend, str):
            name = resolve_backend(backend, self.device)
            self.model = summary_model(model)
            inner = load_backend(name, self.model, self.device, thread_layout("summary"))
            self.backend: Backend = CachedBackend(inner)
        else:
            self.backend = backend
            self.model = model if model is not None else backend.model_id
        self.prompt = prompts.select(model_config(self.backend, self.model), self.model)
        count = self.backend.count_tokens
        self.prompt_tokens = count(self.prompt.render("")) - count("")

    def __repr__(self) -> str:
        return (
            f"Summarizer(model={self.model!r}, device={self.device!r}, "
            f"prompt={self.prompt.family!r})"
        )

    def chunks(self, text: str) -> list[str]:
        """Cut a text into sections of whole sentences whose prompts fit the model's window.

        Args:
            text: English text.

        Returns:
            Consecutive sections (spans of ``text``) in order; one if the text fits.
        """
        count, window = self.backend.count_tokens, self.backend.max_input_tokens
        pieces = segment(text, SUMMARY_LANGUAGE, count, window - self.prompt_tokens - 1)
        sections: list[str] = []
        start = end = pieces[0].start
        for piece in pieces:
            if end > start and count(self.prompt.render(text[start : piece.end])) > window:
                sections.append(text[start:end])
                start = piece.start
            end = piece.end
        sections.append(text[start:end])
        return sections

    def summarize(
        self,
        text: str,
        length: str = "medium",
        *,
        options: SummaryOptions | None = None,
        cancel: CancelFlag | None = None,
    ) -> Summary:
        """Summarise one English text.

        Args:
            text: English text of any length.
            length: ``"short"``, ``"medium"`` or ``"long"`` (see :data:`LENGTHS`).
            options: Decoding options for this call (e.g. ``self.options.at_speed("fast")``);
                default the summariser's own.
            cancel: Checked before each batch sent to the model; see
                :mod:`~bilingual_digest.cancel`.

        Returns:
            The :class:`Summary`. A text of fewer than ``options.min_sentences`` sentences is
            its own summary, with no model call and a note in the warnings.

        Raises:
            TypeError: If ``text`` is not a ``str``.
            InputError: If ``text`` is empty or whitespace only.
            ValueError: If ``length`` is not a preset.
            Cancelled: If ``cancel`` was set before the work was done.
        """
        text = check_text(text)
        options = self.options if options is None else options
        if not isinstance(options, SummaryOptions):
            raise TypeError("options must be a SummaryOptions instance.")
        generation = options.generation(length)
        found = len(sentences(text, SUMMARY_LANGUAGE))
        if found < options.min_sentences:
            note = (
                f"The text is too short to summarise ({found} sentence"
                f"{'' if found == 1 else 's'}): the summary is the text itself."
            )
            return Summary(text.strip(), (note,), 0, self.model, False)
        summary, warnings, chunks = self._condense(text, generation, options, cancel)
        if not summary:
            warnings.append("The summariser returned an empty summary.")
        return Summary(summary, tuple(warnings), chunks, self.model, True)

    def _generate(
        self,
        texts: Sequence[str],
        generation: GenerationOptions,
        batch_size: int,
        cancel: CancelFlag | None = None,
    ) -> list[Generated]:
        rendered = [self.prompt.render(t) for t in texts]
        return generate_batched(self.backend, rendered, generation, batch_size, cancel)

    def _condense(
        self,
        text: str,
        generation: GenerationOptions,
        options: SummaryOptions,
        cancel: CancelFlag | None = None,
    ) -> tuple[str, list[str], int]:
        """Map-reduce until the text fits, then summarise it once more."""
        limit = generation.max_new_tokens
        warnings: list[str] = []
        sections = self.chunks(text)
        first = len(sections)
        if first > 1:
            warnings.append(
                f"The text is longer than the summariser's window of "
                f"{self.backend.max_input_tokens:,} tokens: it was summarised in {first} "
                "sections, then the section summaries were summarised together."
            )
        rounds = 0
        while len(sections) > 1:
            if rounds == options.max_rounds:
                warnings.append(
                    f"The {len(sections)} section summaries were still longer than the "
                    f"summariser's window after {rounds} round{'' if rounds == 1 else 's'}: the "
                    "summary is those section summaries joined (longer than asked; nothing was "
                    "left out)."
                )
                return text, warnings, first
            outputs = self._generate(sections, generation, options.batch_size, cancel)
            cut = sum(out.hit_limit for out in outputs)
            if cut:
                warnings.append(
                    f"{cut} of {len(outputs)} section summaries reached the limit of {limit} "
                    "generated tokens and may be cut short."
                )
            text = " ".join(out.text for out in outputs if out.text)
            if not text:
                return text, warnings, first
            rounds += 1
            sections = self.chunks(text)
        (output,) = self._generate(sections, generation, options.batch_size, cancel)
        if output.hit_limit:
            warnings.append(
                f"The summary reached the limit of {limit} generated tokens and may be cut short."
            )
        return output.text, warnings, first


@functools.lru_cache(maxsize=2)
def _cached_summarizer(model: str, device: str, backend: str) -> Summarizer:
    return Summarizer(model=model, device=device, backend=backend)


def default_summarizer() -> Summarizer:
    """The shared summariser, built once per process from the current settings.

    Returns:
        A cached :class:`Summarizer` (a new one if the settings changed since).

    Raises:
        ModelUnavailableError: If the model cannot be loaded.
    """
    device = resolve_device(None)
    return _cached_summarizer(summary_model(), device, resolve_backend(None, device))


@overload
def summarize(text: str, length: str = "medium") -> str: ...
@overload
def summarize(text: list[str], length: str = "medium") -> list[str]: ...


def summarize(text: str | list[str], length: str = "medium") -> str | list[str]:
    """Summarise English text with the default summariser.

    Args:
        text: A text, or a list of texts.
        length: ``"short"``, ``"medium"`` or ``"long"``.

    Returns:
        The summary: a ``str`` for a ``str``, a ``list[str]`` for a list.

    Raises:
        TypeError: If ``text`` is neither a ``str`` nor a list of ``str``.
        InputError: If a text is empty or whitespace only.
        ValueError: If ``length`` is not a preset.
        ModelUnavailableError: If the model cannot be loaded.
    """
    validate_length(length)
    if isinstance(text, str):
        check_text(text)
        return default_summarizer().summarize(text, length).text
    if not isinstance(text, (list, tuple)):
        raise TypeError(f"summarize() expects a str or a list of str, got {type(text).__name__}.")
    for i, item in enumerate(text):
        check_text(item, what=f"text at index {i}")
    summarizer = default_summarizer()
    return [summarizer.summarize(item, length).text for item in text]
