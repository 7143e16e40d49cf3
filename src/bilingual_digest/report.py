"""Exports of a digest: the whole digest as JSON, a Markdown report, aligned sentences as TSV.

Plain functions of a :class:`~bilingual_digest.digest.Digest`, shared by the web app and the
batch script; nothing here depends on gradio.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .languages import find_language
from .languages import language_name as language_name
from .notices import KIND_LABELS, general_notes, grouped, summary_line

if TYPE_CHECKING:
    from .digest import Digest
    from .documents import Article

_TSV_UNSAFE = re.compile(r"[\t\r\n]+")
EXPORT_SUFFIXES: dict[str, str] = {"json": ".json", "markdown": ".md", "tsv": ".tsv"}
"""Export kind → file suffix, as written by :func:`write_reports`."""


def summary_heading(code: str) -> str:
    """The heading of a summary, in its own language: ``"Résumé (français)"``."""
    found = find_language(code)
    return f"{found.summary_label} ({found.native_name})" if found else f"Summary ({code})"


def digest_json(digest: Digest) -> str:
    """The whole digest as pretty-printed JSON (UTF-8 text, accents kept as they are).

    Args:
        digest: The digest to export.

    Returns:
        ``digest.to_dict()`` serialised with two-space indentation and a final newline.
    """
    return json.dumps(digest.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _tsv_cell(text: str) -> str:
    return _TSV_UNSAFE.sub(" ", text).strip()


def aligned_tsv(digest: Digest) -> str:
    """The aligned sentences as a bilingual tab-separated table.

    One header line, then one line per source segment: ``index`` (from 1), ``paragraph``
    (from 1), the source sentence, its translation, and ``complete`` (``yes``/``no``). The
    source and translation columns are named by language code (``fr``, ``en``). Tabs and line
    breaks inside a sentence become single spaces so every row stays one line.

    Args:
        digest: The digest to export.

    Returns:
        The TSV text, ending with a newline.
    """
    header = ["index", "paragraph", digest.source_lang, digest.target_lang, "complete"]
    rows = ["\t".join(header)]
    for seg in digest.translation.segments:
        cells = [
            str(seg.index + 1),
            str(seg.paragraph + 1),
            _tsv_cell(seg.source),
            _tsv_cell(seg.translation),
            "yes" if seg.complete else "no",
        ]
        rows.append("\t".join(cells))
    return "\n".join(rows) + "\n"


def _sources_text(indices: tuple[int, ...] | list[int]) -> str:
    if not indices:
        return "no source sentence identified"
    numbers = ", ".join(str(i + 1) for i in indices)
    return f"source sentence{'s' if len(indices) > 1 else ''} {numbers}"


def digest_markdown(digest: Digest) -> str:
    """A readable Markdown report: summaries in both languages, sources, translation, original.

    Args:
        digest: The digest to report on.

    Returns:
        The Markdown text, ending with a newline.
    """
    src, tgt = language_name(digest.source_lang), language_name(digest.target_lang)
    lines = ["# Bilingual digest", "", *_article_lines(digest), f"- Direction: {src} → {tgt}"]
    lines += [f"- Model ({role}): `{model}`" for role, model in digest.models.items()]
    lines.append("")
    for code, summary in digest.summaries.items():
        lines += [f"## {summary_heading(code)}", "", summary.strip() or "(—)", ""]
    sentences = digest.summary_sentences()
    if sentences:
        lines += ["## Where the summary comes from", ""]
        for number, (sentence, sources) in enumerate(
            zip(sentences, digest.attribution, strict=False), start=1
        ):
            lines.append(f"{number}. {sentence} — {_sources_text(sources)}")
        lines.append("")
    lines += warnings_markdown(digest)
    lines += [f"## Translation ({tgt})", "", digest.translation.text.strip(), ""]
    lines += [f"## Original ({src})", "", digest.original.strip(), ""]
    lines += ["## Aligned sentences", "", f"| # | {src} | {tgt} |", "|---|---|---|"]
    for seg in digest.translation.segments:
        lines.append(f"| {seg.index + 1} | {_md_cell(seg.source)} | {_md_cell(seg.translation)} |")
    return "\n".join(lines) + "\n"


def warnings_markdown(digest: Digest) -> list[str]:
    """The report's warnings section (no lines when there are none): the count of sentence
    warnings by kind, one subsection per kind listing its sentences, then the other notes."""
    segments = digest.translation.segments
    counted, notes = summary_line(segments), general_notes(digest.warnings, segments)
    if not counted and not notes:
        return []
    lines = ["## Warnings", ""]
    if counted:
        lines += [counted, ""]
    for kind, items in grouped(segments).items():
        lines += [f"### {KIND_LABELS[kind].capitalize()} ({len(items)})", ""]
        lines += [f"- Sentence {index + 1}: {message}" for index, message in items]
        lines.append("")
    if notes:
        lines += ["### Notes", "", *(f"- {note}" for note in notes), ""]
    return lines


def article_byline(article: Article) -> str:
    """``Site · Author · Date``, from what is known (empty when nothing is)."""
    return " · ".join(value for value in (article.site, article.author, article.date) if value)


def summaries_text(digest: Digest, name: str = "Article") -> str:
    """The two summaries as plain text, under the article's title (else ``name``), byline
    and address.

    Args:
        digest: The digest.
        name: What to call a text that has no title (e.g. its file name).

    Returns:
        The text, ending with a newline.
    """
    article = digest.article
    lines = [f"# {article.title if article and article.title else name}"]
    if article is not None:
        lines += [line for line in (article_byline(article), article.url) if line]
    for code, summary in digest.summaries.items():
        lines += ["", f"{summary_heading(code)}:", summary.strip() or "(—)"]
    return "\n".join(lines) + "\n"


PRINT_FORMATS = ("text", "json", "markdown")
"""How a digest is printed (the CLI's ``digest --format``): :func:`print_digest`."""


def print_digest(digest: Digest, fmt: str = "text", name: str = "Article") -> str:
    """A digest as printed: ``text`` (:func:`summaries_text`), ``json`` (one line of
    ``to_dict()``) or ``markdown`` (:func:`digest_markdown`).

    Raises:
        ValueError: For another format.
    """
    if fmt == "json":
        return json.dumps(digest.to_dict(), ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return digest_markdown(digest)
    if fmt == "text":
        return summaries_text(digest, name=name)
    raise ValueError(f"Unknown format {fmt!r}: accepted values are {', '.join(PRINT_FORMATS)}.")


def _article_lines(digest: Digest) -> list[str]:
    """The article's title (linked to its address), author, date and site, where known."""
    article = digest.article
    if article is None:
        return []
    title = _md_cell(article.title or "").replace("[", "\\[").replace("]", "\\]")
    url = (article.url or "").replace(" ", "%20").replace(")", "%29")
    lines = []
    if title:
        lines.append(f"- Article: [{title}]({url})" if url else f"- Article: {title}")
    elif url:
        lines.append(f"- Article: <{url}>")
    labels = (("Author", article.author), ("Date", article.date), ("Site", article.site))
    lines += [f"- {label}: {_md_cell(value)}" for label, value in labels if value]
    return lines


def _md_cell(text: str) -> str:
    return _TSV_UNSAFE.sub(" ", text).replace("|", "\\|").strip()


def write_reports(digest: Digest, directory: str | Path, stem: str = "digest") -> dict[str, Path]:
    """Write the three exports of a digest into a directory (which must exist).

    Args:
        digest: The digest to export.
        directory: Where to write the files.
        stem: File name without suffix.

    Returns:
        ``{"json": path, "markdown": path, "tsv": path}``, files written as UTF-8.

    Raises:
        OSError: If a file cannot be written.
    """
    directory = Path(directory)
    contents = {
        "json": digest_json(digest),
        "markdown": digest_markdown(digest),
        "tsv": aligned_tsv(digest),
    }
    paths: dict[str, Path] = {}
    for kind, text in contents.items():
        path = directory / f"{stem}{EXPORT_SUFFIXES[kind]}"
        path.write_text(text, encoding="utf-8")
        paths[kind] = path
    return paths
