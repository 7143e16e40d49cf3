"""The summary check: numbers and dates in a summary that its article does not back."""

from __future__ import annotations

from .findings import Finding
from .mentions import Mention, extract_mentions
from .numbers import compatible, number_findings, pair_tables
from .text import check_lang, check_segment_index, check_text

__all__ = ["check_summary_numbers"]


def _supports(article: Mention, claim: Mention) -> bool:
    """Whether an article mention backs a summary mention (a vaguer date is fine)."""
    if compatible(article, claim):
        return True
    if article.kind == claim.kind == "date":
        return any(
            all(c is None or c == a for a, c in zip(ar, cr, strict=True))
            for ar in article.readings
            for cr in claim.readings
        )
    if article.kind == "date" and claim.kind == "number" and claim.unit is None:
        years = {r[0] for r in article.readings} - {None}
        return any(r[0] in years for r in claim.readings)
    return False


def check_summary_numbers(
    summary: str,
    article: str,
    summary_lang: str,
    article_lang: str,
    *,
    segment: int | None = None,
) -> list[Finding]:
    """Flag numbers and dates in a summary that the article does not contain.

    Values are compared as in :func:`~bilingual_digest.checks.check_numbers`, each text read
    with its own language. A summary date less precise than the article's is supported
    (``"April 25"`` by ``"25 avril 2024"``), and so is a bare year that is the year of a
    date in the article.

    Args:
        summary: The summary.
        article: The article it summarises (either language).
        summary_lang: Language code of ``summary``.
        article_lang: Language code of ``article``.
        segment: Segment index to copy into each finding.

    Returns:
        One ``summary_number_unsupported`` finding per distinct unsupported value, in
        summary order.

    Raises:
        TypeError: If a text or language code is not a ``str`` or ``segment`` not an ``int``.
        ValueError: If a language code is empty.
    """
    check_text("summary", summary)
    check_text("article", article)
    summary_lang = check_lang("summary_lang", summary_lang)
    article_lang = check_lang("article_lang", article_lang)
    check_segment_index(segment)
    summary_tables, article_tables = pair_tables(summary_lang, article_lang)
    return number_findings(
        extract_mentions(summary, summary_tables),
        extract_mentions(article, article_tables),
        article,
        article_tables,
        "summary_number_unsupported",
        segment,
        'The {noun} "{text}" in the summary does not appear in the article.',
        match=_supports,
    )
