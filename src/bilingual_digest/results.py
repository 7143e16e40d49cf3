"""What a digest returns: :class:`Digest` and :class:`BilingualSummary`, and their JSON form.

Plain frozen values, shared by every door (the page, the APIs, the batch records, the
reports); :mod:`~bilingual_digest.digest` makes them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .documents import Article
from .languages import SUMMARY_LANGUAGE
from .segment import sentences
from .translation import Segment, Translation


class _SummaryViews:
    """The summaries of a :class:`Digest` or :class:`BilingualSummary`, by language."""

    summaries: Mapping[str, str]
    article: Article | None

    @property
    def summary_en(self) -> str:
        """The English summary (``""`` when there is none)."""
        return self.summaries.get("en", "")

    @property
    def summary_fr(self) -> str:
        """The French summary (``""`` when the pair has no French side)."""
        return self.summaries.get("fr", "")

    def summary_in(self, language: str) -> str:
        """The summary in a language of the pair (``""`` when there is none)."""
        return self.summaries.get(language, "")

    def summary_sentences(self) -> tuple[str, ...]:
        """The sentences of the English summary (the unit of attribution), in order."""
        return summary_sentences(self.summary_in(SUMMARY_LANGUAGE))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of every field (segments included) and the summary sentences.

        Each summary is also under ``summary_<code>`` (``summary_en``, ``summary_fr``), the
        keys of the first round. ``article`` holds the article's ``url``, ``title``,
        ``author``, ``date`` and ``site`` (its text is ``original``), or ``None`` for a plain
        text.

        Returns:
            Plain dicts, lists, strings and numbers.
        """
        data = plain_data(dataclasses.asdict(self))  # type: ignore[call-overload]
        for code, text in self.summaries.items():
            data[f"summary_{code}"] = text
        data["summary_sentences"] = list(self.summary_sentences())
        data["article"] = self.article.metadata() if self.article is not None else None
        return data


@dataclass(frozen=True, init=False)
class Digest(_SummaryViews):
    """Everything the product shows for one article.

    Attributes:
        original: The article as given (cleaned of markup and control characters).
        source_lang: Its language code (``"fr"``, ``"en"`` …).
        target_lang: The language it was translated into.
        translation: The article's :class:`~bilingual_digest.translation.Translation`, with
            its segments (sentence alignment).
        summaries: The summary in each language of the pair, by language code: the English
            one (the summariser's) and its translation into the other language.
        attribution: For each sentence of :meth:`summary_sentences`, the sorted indices of
            the translation's segments that support it (empty: no support found).
        warnings: Plain-language notes from every stage.
        timings: Seconds per stage that ran: ``translate`` (the article; for English
            articles, the article and the summary together), ``summarize``,
            ``translate_summary`` (articles in another language) and ``total``. With
            :meth:`Digester.digest_many` the translation stages are batched, so their times
            are those of the whole batch.
        models: Model ids used, under the pair keys (``"fr-en"`` …) and ``"summary"``
            (absent when the text was too short to need the summariser).
        article: The :class:`~bilingual_digest.documents.Article` digested (its URL, title,
            author, date and site), or ``None`` for a plain text; ``original`` is then its
            title and text.
    """

    original: str
    source_lang: str
    target_lang: str
    translation: Translation
    summaries: Mapping[str, str]
    attribution: tuple[tuple[int, ...], ...]
    warnings: tuple[str, ...]
    timings: dict[str, float]
    models: dict[str, str]
    article: Article | None

    def __init__(
        self,
        original: str,
        source_lang: str,
        target_lang: str,
        translation: Translation,
        summary_en: str | None = None,
        summary_fr: str | None = None,
        attribution: tuple[tuple[int, ...], ...] = (),
        warnings: tuple[str, ...] = (),
        timings: dict[str, float] | None = None,
        models: dict[str, str] | None = None,
        *,
        summaries: Mapping[str, str] | None = None,
        article: Article | None = None,
    ) -> None:
        found = dict(summaries or {})
        for code, text in ((SUMMARY_LANGUAGE, summary_en), ("fr", summary_fr)):
            if text is not None:
                found[code] = text
        values = {
            "original": original,
            "source_lang": source_lang,
            "target_lang": target_lang,
            "translation": translation,
            "summaries": found,
            "attribution": tuple(attribution),
            "warnings": tuple(warnings),
            "timings": dict(timings or {}),
            "models": dict(models or {}),
            "article": article,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class BilingualSummary(_SummaryViews):
    """An article's summary in each language of its pair, without the article's translation.

    What :meth:`Digester.summarize` returns: the work of a digest that the summaries need,
    and no more (an English article is not translated).

    Attributes:
        original: The article as given (cleaned of markup and control characters).
        source_lang: Its language code.
        target_lang: The other language of the pair.
        summaries: The summary in each language of the pair, by language code, English first.
        warnings: Plain-language notes from every stage that ran.
        timings: Seconds per stage that ran: ``translate`` (an article in another language,
            into English), ``summarize``, ``translate_summary`` and ``total``.
        models: Model ids used, under the pair keys and ``"summary"``.
        article: The :class:`~bilingual_digest.documents.Article` summarised, or ``None``.
    """

    original: str
    source_lang: str
    target_lang: str
    summaries: Mapping[str, str]
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = dataclasses.field(default_factory=dict)
    models: dict[str, str] = dataclasses.field(default_factory=dict)
    article: Article | None = None


@dataclass(frozen=True)
class DigestProgress:
    """A digest on its way: what is ready so far (:meth:`Digester.digest_stream` yields these).

    Attributes:
        original: The article as given (cleaned), which the segments' offsets index.
        source_lang: Its language code.
        target_lang: The language it is translated into.
        stage: What is being done now, in words (``"Translating the article to English"`` …);
            ``"Done"`` at the end.
        fraction: The share of the stages done, from 0 to 1.
        segments: The article's segments translated so far, in order.
        summaries: The summaries ready so far, by language code.
        digest: The finished :class:`Digest` in the last progress; ``None`` before.
    """

    original: str
    source_lang: str
    target_lang: str
    stage: str
    fraction: float
    segments: tuple[Segment, ...] = ()
    summaries: Mapping[str, str] = dataclasses.field(default_factory=dict)
    digest: Digest | None = None

    def translation_text(self) -> str:
        """The translation so far: each ready segment in place of its source sentence, with
        the original's spacing and line breaks between them; nothing after the last one."""
        if self.digest is not None:
            return self.digest.translation.text
        parts, cursor = [], 0
        for segment in self.segments:
            parts += [self.original[cursor : segment.start], segment.translation]
            cursor = segment.end
        return "".join(parts)


def plain_data(value: Any) -> Any:
    """Tuples as lists, recursively, so a dict equals its own JSON reading."""
    if isinstance(value, dict):
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(item) for item in value]
    return value


def summary_sentences(summary: str) -> tuple[str, ...]:
    """Split an English summary into sentences (the unit of attribution).

    Args:
        summary: The English summary; may be empty.

    Returns:
        Its sentences, in order.
    """
    if not summary.strip():
        return ()
    return tuple(piece.text for piece in sentences(summary, SUMMARY_LANGUAGE))
