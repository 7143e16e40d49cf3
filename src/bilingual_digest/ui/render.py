"""What the page shows, without gradio: HTML and Markdown, labels and choices, sample articles.

Every language name, direction and model role shown comes from the language registry
(:mod:`bilingual_digest.languages`; the summary boxes are labelled by
:func:`~bilingual_digest.report.summary_heading`, as in the reports), and the length choices from
:data:`~bilingual_digest.options.SUMMARY_LENGTHS`, so a language registered at run time
appears on the page without a change here. The page's CSS and JavaScript are static files
beside this module (``static/``), read with :func:`static_text`.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..articles import HTML_SUFFIXES
from ..documents import is_url
from ..errors import BilingualDigestError
from ..fetching import HTML_TYPES, size_text
from ..languages import AUTO, SUMMARY_LANGUAGE, language_name, pairs
from ..notices import KIND_LABELS, general_notes, least_confident, summary_line
from ..report import article_byline

if TYPE_CHECKING:
    from ..digest import Digest
    from ..documents import Article
    from ..service import DigestService
    from ..translation import Segment

UPLOAD_SUFFIXES = (".txt", ".md")
GLOSSARY_SUFFIXES = (".tsv", ".csv", ".tbx", ".txt")
"""The glossary files the page opens (:mod:`bilingual_digest.glossary_files`)."""
SUMMARY_ROLE = "Summariser"
"""The summariser's name in the status line (the translators' come from their pairs)."""
_REPO_SEEDS = Path(__file__).resolve().parents[3] / "seeds"


# --------------------------------------------------------------------------- from the registry


def direction_choices() -> list[tuple[str, str]]:
    """The direction radio's ``(label, value)`` choices: detect, then every registered pair."""
    return [("Detect", AUTO), *((pair.label, pair.key) for pair in pairs())]


def summary_languages() -> list[str]:
    """The languages a summary can be in: English (the summariser's), then each paired with it."""
    codes = [SUMMARY_LANGUAGE]
    for pair in pairs():
        if SUMMARY_LANGUAGE in (pair.source, pair.target):
            other = pair.target if pair.source == SUMMARY_LANGUAGE else pair.source
            codes += [] if other in codes else [other]
    return codes


def model_roles() -> dict[str, str]:
    """Each model's role in the status line, by the key :meth:`Digester.warm_up` reports."""
    from ..digest import SUMMARY_KEY

    roles = {pair.key: f"{pair.label} translator" for pair in pairs()}
    roles[SUMMARY_KEY] = SUMMARY_ROLE
    return roles


def source_names() -> str:
    """The languages an article can be in, for sentences: ``"French or English"``."""
    names = list(dict.fromkeys(language_name(pair.source) for pair in pairs()))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


# --------------------------------------------------------------------------- rendering


def escape(text: str) -> str:
    """Escape text for ``gr.HTML``, braces and ``$`` too (its value is a template)."""
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")


def render_aligned(digest: Digest) -> str:
    """The sentence-aligned view of a digest as HTML (see :func:`render_alignment`)."""
    return render_alignment(
        digest.source_lang,
        digest.target_lang,
        digest.translation.segments,
        digest.summary_sentences(),
        digest.attribution,
    )


def render_alignment(
    source: str,
    target: str,
    segments: Sequence[Segment],
    summary: Sequence[str] = (),
    attribution: Sequence[Sequence[int]] = (),
) -> str:
    """The sentence-aligned view as HTML: the summary's sentences, then the segments.

    Each source sentence sits beside its translation (both marked ``data-seg``), and each
    English summary sentence lists the source sentences it draws on (``data-src``); the
    page's script highlights partners on hover, focus and click. While a digest streams in,
    it shows the segments ready so far (and no summary yet).

    Args:
        source: The article's language code.
        target: The translation's language code.
        segments: The translated segments (all, or those ready so far).
        summary: The English summary's sentences.
        attribution: For each summary sentence, the indices of the segments it draws on.

    Returns:
        An HTML fragment (all text escaped).
    """
    parts = ['<div class="bd-aligned">']
    if summary:
        parts.append(
            '<section class="bd-sums"><h3>Summary sentences and their sources</h3>'
            '<p class="bd-hint">Point at or click a summary sentence to light up the source '
            "sentences it draws on, in both languages; point at a sentence below to light up "
            "its translation.</p><ol>"
        )
        for number, sentence in enumerate(summary):
            sources = attribution[number] if number < len(attribution) else ()
            ids = " ".join(str(i) for i in sources)
            cite = ", ".join(str(i + 1) for i in sources) or "—"
            parts.append(
                f'<li class="bd-sum" tabindex="0" data-src="{ids}" lang="{SUMMARY_LANGUAGE}">'
                f'{escape(sentence)} <span class="bd-cite">[{cite}]</span></li>'
            )
        parts.append("</ol></section>")
    parts.append(
        f'<div class="bd-grid" role="table"><div class="bd-head" role="row">'
        f'<span role="columnheader">#</span>'
        f'<span role="columnheader">{escape(language_name(source))} (original)</span>'
        f'<span role="columnheader">{escape(language_name(target))} (translation)</span></div>'
    )
    paragraph = None
    unsure = least_confident(segments)
    for seg in segments:
        new_para = " bd-para" if paragraph is not None and seg.paragraph != paragraph else ""
        paragraph = seg.paragraph
        flag = "".join(_flags(seg, seg.index in unsure))
        parts.append(
            f'<div class="bd-pair{new_para}" role="row">'
            f'<span class="bd-num" role="cell">{seg.index + 1}</span>'
            f'<span class="bd-src" role="cell" tabindex="0" lang="{source}" '
            f'data-seg="{seg.index}">{escape(seg.source)}</span>'
            f'<span class="bd-tgt" role="cell" tabindex="0" lang="{target}" '
            f'data-seg="{seg.index}">{escape(seg.translation)}{flag}</span></div>'
        )
    parts.append("</div></div>")
    return "".join(parts)


def _flags(seg: Segment, unsure: bool = False) -> list[str]:
    """Small red notes after a translation: cut short, retried, and each check's finding
    (labelled by kind, the message in its tooltip); a grey one when the model was least
    confident of it."""
    flags = [] if seg.complete else [("reached the length limit", KIND_LABELS["cut_short"])]
    if seg.retried:
        flags.append(("the model repeated itself; translated again", KIND_LABELS["retried"]))
    flags += [(f.message, f"{KIND_LABELS[f.kind]}: {f.text}") for f in seg.findings]
    notes = [
        f' <span class="bd-flag" title="{escape(t)}">{escape(label)}</span>' for t, label in flags
    ]
    if unsure:
        notes.append(
            f' <span class="bd-unsure" title="{escape(UNSURE_HINT)}">least confident</span>'
        )
    return notes


UNSURE_HINT = (
    "Among the sentences the translation model was least sure of in this text (by the "
    "probability it gave its own words; not a measure of correctness)."
)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")


def markdown_text(text: str) -> str:
    """Text shown as itself in Markdown: every character Markdown or HTML would read escaped,
    on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_article(article: Article | None) -> str:
    """The article's heading above the digest, as Markdown: its title (else its address)
    linked to its address, then site, author and date (``""`` for a plain text).

    A page's own text is escaped, and only an ``http``/``https`` address is made a link (a
    saved page may name any "canonical" address).
    """
    if article is None:
        return ""
    url = article.url if article.url and is_url(article.url) else None
    title = markdown_text(article.title or url or "Untitled article")
    if url is not None:
        target = url.strip()
        for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
            target = target.replace(char, code)
        title = f"[{title}]({target})"
    byline = article_byline(article)
    lines = [f"### {title}"]
    if byline:
        lines.append(markdown_text(byline))
    return "\n\n".join(lines)


def render_notices(digest: Digest) -> str:
    """What the page says above the results about the warnings, as Markdown (``""`` when
    there are none): one line counting the sentence warnings by kind (each is shown beside
    its sentence), then the notes on the whole text in full."""
    lines = []
    counted = summary_line(digest.translation.segments)
    if counted:
        lines.append(f"**Warnings.** {counted} Each is shown beside its sentence below.")
    notes = general_notes(digest.warnings, digest.translation.segments)
    if notes:
        lines += ["", "**Notes**", "", *(f"- {note}" for note in notes)]
    return "\n".join(lines).strip()


def describe_direction(source: str, target: str, detected: bool) -> str:
    """A one-line Markdown note on the language of the text and of the translation."""
    how = "Detected language" if detected else "Language (as chosen)"
    return f"{how}: **{language_name(source)}** → translation into {language_name(target)}."


def render_status(status: dict[str, str] | None) -> str:
    """The models' loading status as Markdown.

    Args:
        status: ``None`` while loading, else :meth:`Digester.warm_up`'s result.

    Returns:
        One line per model: ready, or the error with how to fix it.
    """
    if status is None:
        return "**Loading the models in the background…** You can paste an article meanwhile."
    roles = model_roles()
    failed = {k: v for k, v in status.items() if v != "ready"}
    if not failed:
        return "**Models ready:** " + ", ".join(roles.get(k, k) for k in status) + "."
    lines = ["**Some models could not be loaded**; the rest of the page still works."]
    for key, value in status.items():
        lines.append(f"- {roles.get(key, key)}: {'ready' if value == 'ready' else value}")
    return "\n".join(lines)


def render_opener(max_chars: int, max_page_bytes: int) -> str:
    """The file opener: a ``.txt``/``.md`` file is read by the browser into the text box; a
    saved web page (``.html`` …) is read by the browser and its HTML sent as text, for the
    server to extract its article (:meth:`~bilingual_digest.service.DigestService.read_page`).

    The file never travels to the server as a file (so it is never written to disk under
    its name); only its text does, through the same checks as pasted text (a page: as a
    fetched page's). Its script is ``static/opener.js``.

    Args:
        max_chars: The article's character limit.
        max_page_bytes: The page size limit, in bytes.
    """
    accept = ",".join(
        (*UPLOAD_SUFFIXES, "text/plain", "text/markdown", *HTML_SUFFIXES, *HTML_TYPES)
    )
    return _opener(
        max_chars,
        accept,
        f"…or open a file: text ({', '.join(UPLOAD_SUFFIXES)}) or a saved web page "
        f"({', '.join(HTML_SUFFIXES)})",
        "Drop it here or click to choose. It is read in your browser; only its text is sent "
        "(a page's HTML: the server keeps its article).",
        pages=(HTML_SUFFIXES, max_page_bytes),
    )


def render_glossary_opener(max_chars: int) -> str:
    """The glossary file opener: read (strictly as UTF-8 or UTF-16) in the browser, and its
    name and text handed to the page's hidden ``#bd-glossary-file`` box as JSON."""
    return _opener(
        max_chars,
        ",".join((*GLOSSARY_SUFFIXES, "text/tab-separated-values", "text/csv")),
        f"Open a glossary file ({', '.join(GLOSSARY_SUFFIXES[:3])})",
        "A header row names the columns source and target (note and pair optional); TBX "
        "works too. It is read in your browser; its entries fill the table.",
        kinds="glossary files",
        target="#bd-glossary-file textarea",
        extra=" data-named data-strict",
    )


def _opener(
    max_chars: int,
    accept: str,
    title: str,
    hint: str,
    *,
    kinds: str = "plain-text files",
    target: str = "#bd-input textarea",
    extra: str = "",
    pages: tuple[tuple[str, ...], int] | None = None,
) -> str:
    """An opener's HTML for ``static/opener.js``. ``pages``: the saved web pages it also
    opens (their suffixes, and the size limit in bytes), for the page's hidden page field."""
    page_suffixes, max_page_bytes = pages if pages is not None else ((), 0)
    suffixes = [s for s in accept.split(",") if s.startswith(".") and s not in page_suffixes]
    kinds = f"{kinds} ({', '.join(suffixes)})"
    if page_suffixes:
        kinds += f" and saved web pages ({', '.join(page_suffixes)})"
        extra += (
            f' data-page-suffixes="{",".join(page_suffixes)}" '
            f'data-max-page-bytes="{max_page_bytes}"'
        )
    return (
        f'<label class="bd-upload" data-max-chars="{max_chars}" data-target="{target}" '
        f'data-suffixes="{",".join(suffixes)}" data-kinds="{kinds}"{extra}>'
        f'<span class="bd-upload-title">{escape(title)}</span>'
        f'<span class="bd-upload-hint">{escape(hint)}</span>'
        f'<input type="file" accept="{accept}"></label>'
        '<p class="bd-upload-msg" role="status" aria-live="polite"></p>'
    )


def render_limits(max_chars: int, max_page_bytes: int) -> str:
    """The limits line under the Digest button."""
    return f"Up to {max_chars:,} characters; web pages up to {size_text(max_page_bytes)}."


def static_text(name: str) -> str:
    """A static file of the page (``static/<name>``: CSS or JavaScript), as text."""
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the glossary table

GLOSSARY_KEY = "bilingual-digest-glossary"
"""Where the browser keeps the page's glossary table (its local storage)."""

GLOSSARY_HELP = (
    "Terms translated as you say, in the translation and in the summaries: a **source** term "
    "→ its **target** (the same term as target keeps it as written, e.g. CNSP → CNSP); "
    "**pair** `fr-en` or `en-fr` limits an entry to one direction (an `fr-en` entry also "
    "serves `en-fr` reversed), empty for the article's direction. Found case-insensitively, "
    "whole words, after l', d', qu'… The table is kept in this browser only. URLs, e-mail "
    "addresses, @handles, #hashtags and `code` are always kept as they are."
)


def glossary_note(service: DigestService, rows: Any) -> str:
    """The line under the glossary table: how many entries it holds, or what is wrong."""
    try:
        glossary = service.glossary(table_rows(rows))
    except BilingualDigestError as exc:
        return f"**The glossary can't be used:** {exc}"
    count = len(glossary) if glossary is not None else 0
    if not count:
        return "No glossary: terms are translated by the model alone."
    return f"{count} entr{'y' if count == 1 else 'ies'}: used for every digest on this page."


def table_rows(rows: Any) -> list[list[str]]:
    """The table's value as rows of text (gradio may give ``None`` or numbers for cells)."""
    if rows is None:
        return []
    if hasattr(rows, "values") and hasattr(rows, "columns"):  # a DataFrame
        rows = rows.values.tolist()
    return [["" if cell is None else str(cell) for cell in row] for row in rows]


def opened_glossary(service: DigestService, payload: str) -> tuple[list[list[str]] | None, str]:
    """The table rows of a glossary file the page's opener read, and the note to show.

    Args:
        service: The service (it parses the file's text).
        payload: ``{"name", "text"}`` as JSON, from the opener's hidden box.

    Returns:
        ``(rows, note)``; ``rows`` is ``None`` when the file can't be used (the table stays).
    """
    try:
        data = json.loads(payload)
        name, text = str(data["name"]), data["text"]
    except (ValueError, KeyError, TypeError):
        return None, "**The glossary file can't be read.**"
    try:
        rows = service.read_glossary(text, name)
    except BilingualDigestError as exc:
        return None, f"**{name} can't be used:** {exc}"
    count = len(rows)
    return rows, f"Opened {name}: {count} entr{'y' if count == 1 else 'ies'}."


# --------------------------------------------------------------------------- sample articles


def seed_examples(directory: str | os.PathLike[str] | None) -> list[tuple[str, str]]:
    """Sample articles for the example buttons.

    Args:
        directory: A folder of ``.txt``/``.md`` articles; ``None`` for the repository's
            ``seeds/`` (or ``./seeds``).

    Returns:
        ``(label, text)`` pairs sorted by file name; the label is the article's opening words.
    """
    if directory is None:
        candidates = [_REPO_SEEDS, Path.cwd() / "seeds"]
        directory = next((c for c in candidates if c.is_dir()), None)
        if directory is None:
            return []
    found = []
    for path in sorted(Path(directory).iterdir()):
        if path.suffix.lower() not in UPLOAD_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8-sig")
        if not text.strip():
            continue
        first = text.strip().splitlines()[0]
        label = first if len(first) <= 72 else first[:71].rsplit(" ", 1)[0] + "…"
        found.append((label, text))
    return found
