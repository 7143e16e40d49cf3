"""The translator: segment, generate in sorted batches, reassemble with alignment."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import overload

from .backends import Backend, Generated, generate_batched, load_backend
from .backends.cache import CachedBackend
from .cancel import CancelFlag
from .checks import (
    Finding,
    check_repetition,
    check_segment,
    repetition_score,
    skipped_checks_note,
)
from .documents import Article, TextOrArticle
from .glossary import Glossary, GlossaryLike, as_glossary, combine, default_glossary
from .languages import resolve_pair, validate_language
from .options import (
    TranslationOptions,
    resolve_backend,
    resolve_device,
    translation_model,
)
from .placeholders import ProtectStep
from .sanitize import CleanText, prepare_text
from .segment import Piece, segment
from .steps import Prepared, Step, prepare_sentence

logger = logging.getLogger("bilingual_digest")


@dataclass(frozen=True)
class Segment:
    """One source sentence (or piece of a long sentence) and its translation.

    Attributes:
        index: Position among the translation's segments, from 0.
        paragraph: Index of the paragraph (non-blank line) of the original, from 0.
        start: Offset of the source sentence's first character in the original.
        end: Offset just past its last character.
        source: The source sentence, ``original[start:end]``.
        translation: Its translation.
        complete: False when the translation reached the token limit and may be cut short.
        findings: What the faithfulness checks found (numbers, names, loops …).
        retried: True when the first output looped and the sentence was translated again.
    """

    index: int
    paragraph: int
    start: int
    end: int
    source: str
    translation: str
    complete: bool = True
    findings: tuple[Finding, ...] = ()
    retried: bool = False


@dataclass(frozen=True)
class Translation:
    """A translated text with its sentence alignment.

    Attributes:
        text: The translation, with the original's paragraphs and line breaks.
        segments: One :class:`Segment` per source sentence, in order.
        source_lang: Language of the original.
        target_lang: Language of the translation.
        original: The text that was translated.
        model: Hub id or directory of the model used.
        warnings: Plain-language notes on anything the user should know.
    """

    text: str
    segments: tuple[Segment, ...]
    source_lang: str
    target_lang: str
    original: str
    model: str
    warnings: tuple[str, ...] = field(default=())


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
            self.backend: Backend = CachedBackend(load_backend(name, self.model, self.device))
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
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> Translation:
        """Translate one text.

        Args:
            text: The text, in the translator's source language; or an
                :class:`~bilingual_digest.documents.Article`, whose title and text are
                translated (:attr:`~bilingual_digest.documents.Article.full_text`).
            glossary: More glossary entries for this call (a ``Glossary``, a ``dict`` or a
                path); they win over the translator's own for the same term.
            cancel: Checked before each batch sent to the model; see
                :mod:`~bilingual_digest.cancel`.

        Returns:
            The :class:`Translation`, with one segment per source sentence.

        Raises:
            TypeError: If ``text`` is neither a ``str`` nor an ``Article``.
            InputError: If ``text`` is empty or whitespace only.
            Cancelled: If ``cancel`` was set before the work was done.
        """
        return self.translate_many([text], glossary=glossary, cancel=cancel)[0]

    def translate_many(
        self,
        texts: Sequence[TextOrArticle],
        *,
        glossary: GlossaryLike = None,
        cancel: CancelFlag | None = None,
    ) -> list[Translation]:
        """Translate several texts, batching their sentences together.

        Args:
            texts: Texts in the source language (or articles: their title and text).
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
        texts = [clean.text for clean in cleaned]
        steps = self.steps(glossary)
        per_text = [self.pieces(text, steps) for text in texts]
        prepared = [prepare_sentence(p.text, steps) for pieces in per_text for p in pieces]
        flat = [p.model_input for p in prepared]
        outputs = generate_batched(
            self.backend, flat, self.options.generation(), self.options.batch_size, cancel
        )
        retried = self._retry_degenerate(flat, outputs, cancel)
        results, first = [], 0
        for clean, pieces in zip(cleaned, per_text, strict=True):
            span = slice(first, first + len(pieces))
            results.append(
                self._assemble(clean, pieces, prepared[span], outputs[span], retried, first)
            )
            first = span.stop
        return results

    def steps(self, glossary: GlossaryLike = None) -> list[Step]:
        """The reversible steps each sentence goes through on its way to the model.

        See :mod:`~bilingual_digest.steps`. First, always, :class:`ProtectStep`: placeholders
        ``[N]`` in place of protected text and glossary terms, found in the original
        sentence. Steps after it must leave ``[N]`` as it is (Moses punctuation
        normalisation does: measured); their restores run before its own.

        Args:
            glossary: This call's glossary entries, added to the translator's own.
        """
        own = default_glossary() if self.glossary is None else self.glossary
        terms = combine(own, glossary)
        return [ProtectStep(terms.for_pair(self.source, self.target) if terms else None)]

    def _retry_degenerate(
        self, sources: list[str], outputs: list[Generated], cancel: CancelFlag | None = None
    ) -> dict[int, bool]:
        """Translate looping outputs again with repetition guards; keep the better one.

        Returns:
            For each retried position, whether the retry's output was kept.
        """
        if not self.options.retry_degenerate:
            return {}
        bad = [i for i, out in enumerate(outputs) if out.hit_limit or check_repetition(out.text)]
        if not bad:
            return {}
        guarded = replace(self.options.generation(), no_repeat_ngram_size=3, repetition_penalty=1.3)
        again = generate_batched(
            self.backend, [sources[i] for i in bad], guarded, self.options.batch_size, cancel
        )
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

    def _check(
        self, source: str, translation: str, index: int, agreed: Sequence[tuple[str, str]] = ()
    ) -> tuple[Finding, ...]:
        """The findings for one segment (the checks skip what a language has no tables for).

        ``agreed``: the glossary terms enforced in it, ``(source, translation)`` as written,
        which the checks take as right.
        """
        if not self.options.checks:
            return ()
        return tuple(
            check_segment(
                source, translation, self.source, self.target, segment=index, glossary=agreed
            )
        )

    def _assemble(
        self,
        clean: CleanText,
        pieces: list[Piece],
        prepared: list[Prepared],
        outputs: list[Generated],
        retried: dict[int, bool],
        offset: int,
    ) -> Translation:
        text = clean.text
        segments, parts, warnings, cursor = [], [], list(clean.notes), 0
        skipped = skipped_checks_note(self.source, self.target) if self.options.checks else None
        if skipped and pieces:
            warnings.append(skipped)
        for index, (piece, ready, out) in enumerate(zip(pieces, prepared, outputs, strict=True)):
            output, found = ready.restore(out.text)
            parts.append(text[cursor : piece.start])  # the whitespace and line breaks between
            parts.append(output)
            cursor = piece.end
            findings = (
                *(replace(f, segment=index) for f in found),
                *self._check(piece.text, output, index, ready.agreed()),
            )
            was_retried = offset + index in retried
            segments.append(
                Segment(
                    index,
                    piece.paragraph,
                    piece.start,
                    piece.end,
                    piece.text,
                    output,
                    not out.hit_limit,
                    findings,
                    was_retried,
                )
            )
            if was_retried:
                outcome = (
                    "the better output was kept"
                    if retried[offset + index]
                    else "the retry did no better, so the first output was kept"
                )
                warnings.append(
                    f"Sentence {index + 1}: the model repeated itself; it was translated again "
                    f"with repetition guards and {outcome}."
                )
            warnings.extend(f"Sentence {index + 1}: {f.message}" for f in findings)
            if out.hit_limit:
                warnings.append(
                    f"Sentence {index + 1} reached the limit of {self.options.max_new_tokens} "
                    "generated tokens: its translation may be cut short."
                )
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
    source: str, target: str, model: str, device: str, backend: str
) -> Translator:
    # No glossary of its own: translate() and the digester pass BILINGUAL_DIGEST_GLOSSARY's
    # (bound to the article's direction, for the digester) at each call.
    return Translator(
        source, target, model=model, device=device, backend=backend, glossary=Glossary()
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
    return _cached_translator(src, tgt, translation_model(src, tgt), device, backend)


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
