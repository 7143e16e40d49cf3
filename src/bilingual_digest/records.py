"""The JSON records the REST API and the page's named endpoints answer with: a translation
and a bilingual summary as plain data (a digest gives its own: ``Digest.to_dict()``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .documents import Article
    from .results import BilingualSummary
    from .translation import Translation


def translation_record(translation: Translation, article: Article | None = None) -> dict[str, Any]:
    """A translation as the API returns it: the languages, the text, the aligned sentences
    (each with its ``confidence``, ``None`` unless ``BILINGUAL_DIGEST_CONFIDENCE`` is on),
    and the ``article`` translated (its metadata; ``None`` for a text)."""
    return {
        "source_lang": translation.source_lang,
        "target_lang": translation.target_lang,
        "translation": translation.text,
        "segments": [
            {
                "index": s.index,
                "source": s.source,
                "translation": s.translation,
                "confidence": s.confidence,
            }
            for s in translation.segments
        ],
        "warnings": list(translation.warnings),
        "article": article.metadata() if article is not None else None,
    }


def summary_record(summary: BilingualSummary) -> dict[str, Any]:
    """A bilingual summary as the API returns it.

    ``summary_en`` and ``summary_fr`` (the keys of the first round, ``""`` for a language not
    in the pair), and beside them ``target_lang``, ``summaries`` (every summary by language)
    and ``article`` (the article's metadata; ``None`` for a text).
    """
    return {
        "source_lang": summary.source_lang,
        "target_lang": summary.target_lang,
        "summary_en": summary.summary_en,
        "summary_fr": summary.summary_fr,
        "summaries": dict(summary.summaries),
        "warnings": list(summary.warnings),
        "article": summary.article.metadata() if summary.article is not None else None,
    }
