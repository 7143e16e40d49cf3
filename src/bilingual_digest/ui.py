"""The web app: original, translation and summary side by side (Gradio).

The only module that imports gradio. :func:`build_demo` makes the page (no model is loaded
while building it); :func:`launch` serves it on loopback and starts loading the models in a
background thread so the first click doesn't pay for it. The page polls the loading status.

Privacy: gradio's analytics and the Hugging Face hub's telemetry are switched off here,
before gradio is imported (set ``GRADIO_ANALYTICS_ENABLED=True`` in the environment to opt
back in), the app binds 127.0.0.1 by default and never opens a share link.
"""

from __future__ import annotations

import functools
import html
import ipaddress
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import gradio as gr  # only after the privacy settings above

from . import languages
from .errors import BilingualDigestError, InputError
from .languages import other_language, resolve_pair
from .options import check_text, env
from .options import max_chars as default_max_chars
from .report import language_name, write_reports

if TYPE_CHECKING:
    from .digest import Digest, Digester
    from .translation import Segment, Translation

logger = logging.getLogger("bilingual_digest")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
DEFAULT_CONCURRENCY = 1
DEFAULT_QUEUE_SIZE = 32
UPLOAD_SUFFIXES = (".txt", ".md")
DIRECTIONS: tuple[tuple[str, str], ...] = (
    ("Detect", "auto"),
    ("French → English", "fr-en"),
    ("English → French", "en-fr"),
)
LENGTHS: tuple[str, ...] = ("short", "medium", "long")
MODEL_ROLES: dict[str, str] = {
    "fr-en": "French → English translator",
    "en-fr": "English → French translator",
    "summary": "Summariser",
}
_REPO_SEEDS = Path(__file__).resolve().parents[2] / "seeds"


# --------------------------------------------------------------------------- validation


def parse_direction(direction: object) -> str | None:
    """The source language for a direction choice.

    Args:
        direction: ``"auto"``, ``"fr-en"`` or ``"en-fr"``.

    Returns:
        ``None`` for auto-detection, else ``"fr"`` or ``"en"``.

    Raises:
        InputError: For anything else (the message lists the accepted values).
    """
    pair = languages.parse_direction(direction)
    return None if pair is None else pair[0]


def parse_length(length: object) -> str:
    """Check a summary length choice.

    Raises:
        InputError: Unless it is ``"short"``, ``"medium"`` or ``"long"``.
    """
    norm = length.strip().lower() if isinstance(length, str) else length
    if norm not in LENGTHS:
        accepted = ", ".join(map(repr, LENGTHS))
        raise InputError(f"Unknown summary length {length!r}: accepted values are {accepted}.")
    return norm  # type: ignore[return-value]


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


def validate_host(host: str) -> str:
    """Check a host name or address to bind, and warn when it isn't loopback.

    Raises:
        ValueError: If it is empty.
    """
    host = host.strip()
    if not host:
        raise ValueError("The host must be an address or name, e.g. 127.0.0.1 or 0.0.0.0.")
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        logger.warning(
            "Serving on %s: anyone who can reach this machine on the network can use the app "
            "(and your CPU). There is no login.",
            host,
        )
    return host


def validate_port(port: object) -> int:
    """Check a TCP port (an int or a numeric string).

    Raises:
        ValueError: Unless it is an integer from 1 to 65535.
    """
    try:
        value = int(str(port).strip())
    except ValueError:
        value = -1
    if isinstance(port, bool) or not 1 <= value <= 65535:
        raise ValueError(f"The port must be an integer from 1 to 65535, got {port!r}.")
    return value


# --------------------------------------------------------------------------- rendering


def _esc(text: str) -> str:
    # Braces too: gr.HTML treats its value as a template.
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;").replace("$", "&#36;")


def render_aligned(digest: Digest) -> str:
    """The sentence-aligned view as HTML.

    Each source sentence sits beside its translation (both marked ``data-seg``), and each
    English summary sentence lists the source sentences it draws on (``data-src``); the
    page's script highlights partners on hover, focus and click.

    Args:
        digest: The digest to show.

    Returns:
        An HTML fragment (all text escaped).
    """
    src, tgt = digest.source_lang, digest.target_lang
    parts = ['<div class="bd-aligned">']
    sentences = digest.summary_sentences()
    if sentences:
        parts.append(
            '<section class="bd-sums"><h3>Summary sentences and their sources</h3>'
            '<p class="bd-hint">Point at or click a summary sentence to light up the source '
            "sentences it draws on, in both languages; point at a sentence below to light up "
            "its translation.</p><ol>"
        )
        for number, sentence in enumerate(sentences):
            sources = digest.attribution[number] if number < len(digest.attribution) else ()
            ids = " ".join(str(i) for i in sources)
            cite = ", ".join(str(i + 1) for i in sources) or "—"
            parts.append(
                f'<li class="bd-sum" tabindex="0" data-src="{ids}" lang="en">'
                f'{_esc(sentence)} <span class="bd-cite">[{cite}]</span></li>'
            )
        parts.append("</ol></section>")
    parts.append(
        f'<div class="bd-grid" role="table"><div class="bd-head" role="row">'
        f'<span role="columnheader">#</span>'
        f'<span role="columnheader">{language_name(src)} (original)</span>'
        f'<span role="columnheader">{language_name(tgt)} (translation)</span></div>'
    )
    paragraph = None
    for seg in digest.translation.segments:
        new_para = " bd-para" if paragraph is not None and seg.paragraph != paragraph else ""
        paragraph = seg.paragraph
        flag = "".join(_flags(seg))
        parts.append(
            f'<div class="bd-pair{new_para}" role="row">'
            f'<span class="bd-num" role="cell">{seg.index + 1}</span>'
            f'<span class="bd-src" role="cell" tabindex="0" lang="{src}" data-seg="{seg.index}">'
            f"{_esc(seg.source)}</span>"
            f'<span class="bd-tgt" role="cell" tabindex="0" lang="{tgt}" data-seg="{seg.index}">'
            f"{_esc(seg.translation)}{flag}</span></div>"
        )
    parts.append("</div></div>")
    return "".join(parts)


def _flags(seg: Segment) -> list[str]:
    """Small red notes after a translation: cut short, retried, and each check's finding."""
    flags = [] if seg.complete else [("reached the length limit", "may be cut short")]
    if seg.retried:
        flags.append(("the model repeated itself; translated again", "retried"))
    flags += [(f.message, f"{f.kind.replace('_', ' ')}: {f.text}") for f in seg.findings]
    return [f' <span class="bd-flag" title="{_esc(t)}">{_esc(label)}</span>' for t, label in flags]


def render_notices(digest: Digest) -> str:
    """The digest's warnings as a Markdown list (``""`` when there are none)."""
    if not digest.warnings:
        return ""
    return "**Warnings**\n\n" + "\n".join(f"- {w}" for w in digest.warnings)


def describe_direction(source: str, detected: bool) -> str:
    """A one-line Markdown note on the language of the text and of the translation."""
    how = "Detected language" if detected else "Language (as chosen)"
    target = other_language(source)
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
    failed = {k: v for k, v in status.items() if v != "ready"}
    if not failed:
        return "**Models ready:** " + ", ".join(MODEL_ROLES.get(k, k) for k in status) + "."
    lines = ["**Some models could not be loaded**; the rest of the page still works."]
    for key, value in status.items():
        role = MODEL_ROLES.get(key, key)
        lines.append(f"- {role}: {'ready' if value == 'ready' else value}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- the engine


class DigestService:
    """The engine behind the page and the API: one digester, warmed up once, plus limits.

    Args:
        digester: The engine; ``None`` builds the default one (models load lazily).
        max_chars: Largest accepted article; ``None`` reads ``BILINGUAL_DIGEST_MAX_CHARS``.
        output_dir: Where download files are written; ``None`` for a private temp folder.
    """

    def __init__(
        self,
        digester: Digester | None = None,
        *,
        max_chars: int | None = None,
        output_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        if digester is None:
            from .digest import Digester

            digester = Digester()
        self.digester = digester
        self.max_chars = default_max_chars() if max_chars is None else max_chars
        if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int):
            raise TypeError(f"max_chars must be a positive int, got {self.max_chars!r}.")
        if self.max_chars < 1:
            raise ValueError(f"max_chars must be a positive int, got {self.max_chars!r}.")
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._output_dir = Path(output_dir) if output_dir is not None else None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.status: dict[str, str] | None = None

    # -- models
    def start_warm_up(self) -> None:
        """Start loading the models in a background thread (once; later calls do nothing)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._warm_up, name="bilingual-digest-warm-up", daemon=True
            )
            self._thread.start()

    def _warm_up(self) -> None:
        try:
            self.status = dict(self.digester.warm_up())
        except Exception as exc:  # warm_up() promises not to raise; stay up if it does
            logger.exception("Loading the models failed")
            self.status = {"models": f"failed to load: {exc}"}
        finally:
            self._ready.set()
        logger.info("Models: %s", self.status)

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Start the warm-up if needed and wait for it; True when it has finished."""
        self.start_warm_up()
        return self._ready.wait(timeout)

    @property
    def ready(self) -> bool:
        """Whether the warm-up has finished (successfully or not)."""
        return self._ready.is_set()

    # -- work
    def check(self, text: object) -> str:
        """Validate an article against the size limit (see :func:`check_text`)."""
        return check_text(text, what="article", limit=self.max_chars)

    def digest(
        self,
        text: str,
        direction: str = "auto",
        length: str = "medium",
        progress: Callable[[float, str], object] | None = None,
    ) -> Digest:
        """Digest one article.

        Args:
            text: The article, French or English.
            direction: ``"auto"``, ``"fr-en"`` or ``"en-fr"``.
            length: ``"short"``, ``"medium"`` or ``"long"``.
            progress: Called with ``(fraction, stage)`` as the work advances.

        Returns:
            The :class:`~bilingual_digest.digest.Digest`.

        Raises:
            InputError: Bad text, direction or length.
            UnsupportedLanguageError: If the language can't be detected as French or English.
            ModelUnavailableError: If a model cannot be loaded.
        """
        source = parse_direction(direction)
        length = parse_length(length)
        text = self.check(text)
        if progress is not None and not self.ready:
            progress(0.0, "Waiting for the models to finish loading")
        self.wait_ready()
        return self.digester.digest(text, source=source, length=length, progress=progress)

    def translate(self, text: str, direction: str = "auto") -> Translation:
        """Translate one article (no summary).

        Args:
            text: The article, French or English.
            direction: ``"auto"``, ``"fr-en"`` or ``"en-fr"``.

        Returns:
            The :class:`~bilingual_digest.translation.Translation`.

        Raises:
            InputError: Bad text or direction.
            UnsupportedLanguageError: If the language can't be detected as French or English.
            ModelUnavailableError: If the model cannot be loaded.
        """
        source = parse_direction(direction)
        text = self.check(text)
        src, _ = resolve_pair(source, None, text)
        self.wait_ready()
        return self.digester.translator(src).translate(text)

    def write_downloads(self, digest: Digest) -> dict[str, Path]:
        """Write the JSON, Markdown and TSV exports of a digest into a fresh folder."""
        if self._output_dir is None:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="bilingual-digest-")
            self._output_dir = Path(self._tmp.name)
        folder = Path(tempfile.mkdtemp(prefix="digest-", dir=self._output_dir))
        stem = f"digest-{digest.source_lang}-{digest.target_lang}"
        return write_reports(digest, folder, stem=stem)

    def detect(self, text: str, direction: str) -> str:
        """The detected-language line for the page (never raises; ``""`` for no text)."""
        if not isinstance(text, str) or not text.strip():
            return ""
        try:
            source = parse_direction(direction)
            src, _ = resolve_pair(source, None, text)
        except BilingualDigestError as exc:
            return f"Language: {exc}"
        return describe_direction(src, detected=source is None)


# --------------------------------------------------------------------------- gradio glue


def _as_gr_error(exc: BaseException) -> gr.Error:
    if isinstance(exc, (BilingualDigestError, ValueError, TypeError)):
        title = "Model unavailable" if isinstance(exc, OSError) else "Cannot digest this text"
        return gr.Error(str(exc), title=title, duration=None, print_exception=False)
    logger.exception("Unexpected error in the web app")
    return gr.Error(
        f"Something went wrong ({type(exc).__name__}: {exc}). Details are in the server log.",
        title="Unexpected error",
        duration=None,
        print_exception=False,
    )


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into gr.Error messages (shown on the page, no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:
            raise _as_gr_error(exc) from None

    return wrapper


def page_outputs(service: DigestService, digest: Digest, detected: bool) -> list[Any]:
    """Everything the Digest button fills, in the order of the page's output components."""
    src, tgt = digest.source_lang, digest.target_lang
    files = service.write_downloads(digest)
    return [
        describe_direction(src, detected),
        gr.update(value=digest.original, label=f"Original ({language_name(src)})"),
        gr.update(value=digest.translation.text, label=f"Translation ({language_name(tgt)})"),
        digest.summary_en,
        digest.summary_fr,
        render_aligned(digest),
        render_notices(digest),
        gr.update(value=str(files["json"]), visible=True),
        gr.update(value=str(files["markdown"]), visible=True),
        gr.update(value=str(files["tsv"]), visible=True),
    ]


def _translation_dict(translation: Translation) -> dict[str, Any]:
    return {
        "source_lang": translation.source_lang,
        "target_lang": translation.target_lang,
        "translation": translation.text,
        "segments": [
            {"index": s.index, "source": s.source, "translation": s.translation}
            for s in translation.segments
        ],
        "warnings": list(translation.warnings),
    }


def _api_functions(service: DigestService) -> list[Callable[..., dict[str, Any]]]:
    def digest(text: str, direction: str = "auto", length: str = "medium") -> dict[str, Any]:
        """Translate and summarise an article; returns the whole digest as a dict.

        Args:
            text: The article, French or English.
            direction: "auto", "fr-en" or "en-fr".
            length: Summary length: "short", "medium" or "long".
        """
        return service.digest(text, direction, length).to_dict()

    def translate(text: str, direction: str = "auto") -> dict[str, Any]:
        """Translate an article sentence by sentence.

        Args:
            text: The article, French or English.
            direction: "auto", "fr-en" or "en-fr".
        """
        return _translation_dict(service.translate(text, direction))

    def summarize(text: str, length: str = "medium") -> dict[str, Any]:
        """Summarise an article in English and French.

        Args:
            text: The article, French or English.
            length: "short", "medium" or "long".
        """
        result = service.digest(text, "auto", length)
        return {
            "source_lang": result.source_lang,
            "summary_en": result.summary_en,
            "summary_fr": result.summary_fr,
            "warnings": list(result.warnings),
        }

    return [digest, translate, summarize]


_CSS_ALIGNED = """
.bd-aligned { font-size: 1rem; line-height: 1.6; overflow-wrap: anywhere; }
.bd-sums ol { padding-left: 1.6em; margin: 0.4em 0 1.2em; }
.bd-sum { padding: 0.2em 0.4em; border-radius: 6px; cursor: pointer; margin-bottom: 0.2em; }
.bd-cite { color: var(--body-text-color-subdued); font-size: 0.85em; white-space: nowrap; }
.bd-hint { color: var(--body-text-color-subdued); font-size: 0.9em; margin: 0.2em 0 0.6em; }
.bd-grid { display: grid; grid-template-columns: 2.5em minmax(0, 1fr) minmax(0, 1fr);
  column-gap: 1em; }
.bd-head, .bd-pair { display: contents; }
.bd-head span { font-weight: 600; border-bottom: 2px solid var(--border-color-primary);
  padding: 0.3em 0.4em; }
.bd-pair > span { padding: 0.35em 0.4em; border-bottom: 1px solid var(--border-color-primary);
  border-radius: 4px; }
.bd-para > span { border-top: 0.5em solid transparent; background-clip: padding-box; }
.bd-num { color: var(--body-text-color-subdued); text-align: right; font-size: 0.85em; }
.bd-src, .bd-tgt { cursor: pointer; }
.bd-flag { color: var(--error-text-color, #b42318); font-size: 0.8em; margin-left: 0.4em; }
.bd-hl { background: rgba(250, 204, 21, 0.35); }
.bd-active { background: rgba(59, 130, 246, 0.22); outline: 1px solid rgba(59, 130, 246, 0.6); }
.bd-src:focus-visible, .bd-tgt:focus-visible, .bd-sum:focus-visible {
  outline: 2px solid rgba(59, 130, 246, 0.8); }
@media (max-width: 640px) {
  .bd-grid { grid-template-columns: 1.8em minmax(0, 1fr); }
  .bd-head span:last-child { display: none; }
  .bd-tgt { grid-column: 2; border-bottom-width: 2px !important; font-style: italic; }
  .bd-src { border-bottom: none !important; }
}
"""


def render_opener(max_chars: int) -> str:
    """The file opener: a ``.txt``/``.md`` file is read by the browser into the text box.

    The file never travels to the server as a file (so it is never written to disk under
    its name); only its text does, through the same checks as pasted text.
    """
    accept = ",".join((*UPLOAD_SUFFIXES, "text/plain", "text/markdown"))
    return (
        f'<label class="bd-upload" data-max-chars="{max_chars}">'
        f'<span class="bd-upload-title">…or open a file ({", ".join(UPLOAD_SUFFIXES)})</span>'
        '<span class="bd-upload-hint">Drop it here or click to choose. It is read in your '
        "browser; only its text is sent.</span>"
        f'<input type="file" accept="{accept}"></label>'
        '<p class="bd-upload-msg" role="status" aria-live="polite"></p>'
    )


_CSS_OPENER = """
.bd-upload { display: flex; flex-direction: column; gap: 0.3em; padding: 1em;
  border: 2px dashed #cbd5e1; border-radius: 8px; cursor: pointer; text-align: center; }
.bd-upload:hover, .bd-upload.bd-drag { border-color: #f97316; background: #fff7ed; }
.bd-upload-title { font-weight: 600; }
.bd-upload-hint { font-size: 0.85rem; color: #64748b; }
.bd-upload input { font-size: 0.85rem; max-width: 100%; }
.bd-upload-msg { font-size: 0.9rem; margin: 0.4em 0 0; overflow-wrap: anywhere; }
.bd-upload-msg.bd-bad { color: #b91c1c; font-weight: 600; }
"""

_JS_OPENER = """
const zone = element.querySelector('.bd-upload');
const input = element.querySelector('input[type=file]');
const msg = element.querySelector('.bd-upload-msg');
const limit = Number(zone.dataset.maxChars);
const n = (x) => x.toLocaleString('en');
const say = (text, bad) => { msg.textContent = text; msg.classList.toggle('bd-bad', bad); };
const open = async (file) => {
  if (!file) return;
  const name = file.name;
  if (!/[.](txt|md)$/i.test(name)) {
    return say(`Cannot open "${name}": only plain-text files (.txt, .md) are accepted. ` +
      'Open other documents, copy the text and paste it.', true);
  }
  if (file.size > 4 * limit) {
    return say(`"${name}" is ${n(file.size)} bytes, over the limit of ${n(limit)} characters.`,
      true);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.includes(0)) return say(`"${name}" looks like a binary file, not text.`, true);
  let text, note = '';
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(bytes);
  } catch (e) {
    text = new TextDecoder('windows-1252').decode(bytes);
    note = ' It is not valid UTF-8, so it was read as Windows-1252/Latin-1: check accents.';
  }
  text = text.replace(/^\ufeff/, '');
  if (!text.trim()) return say(`"${name}" is empty: there is no text to translate.`, true);
  if (text.length > limit) {
    return say(`"${name}" has ${n(text.length)} characters, over the limit of ${n(limit)}.`,
      true);
  }
  const area = document.querySelector('#bd-input textarea');
  area.value = text;
  area.dispatchEvent(new Event('input', {bubbles: true}));
  say(`Opened "${name}" (${n(text.length)} characters).${note}`, note !== '');
};
input.addEventListener('change', () => { open(input.files[0]); input.value = ''; });
zone.addEventListener('dragover', (ev) => { ev.preventDefault(); zone.classList.add('bd-drag'); });
zone.addEventListener('dragleave', () => zone.classList.remove('bd-drag'));
zone.addEventListener('drop', (ev) => {
  ev.preventDefault();
  zone.classList.remove('bd-drag');
  open(ev.dataTransfer.files[0]);
});
"""

_JS_ALIGNED = """
let pinned = null;
const clear = () => element.querySelectorAll('.bd-hl, .bd-active')
  .forEach(e => e.classList.remove('bd-hl', 'bd-active'));
const show = (t) => {
  clear();
  t.classList.add('bd-active');
  if (t.dataset.src !== undefined) {
    const ids = t.dataset.src.split(' ').filter(Boolean);
    ids.forEach(i => element.querySelectorAll(`[data-seg="${i}"]`)
      .forEach(e => e.classList.add('bd-hl')));
    return ids;
  }
  const i = t.dataset.seg;
  element.querySelectorAll(`[data-seg="${i}"]`).forEach(e => {
    if (e !== t) e.classList.add('bd-hl');
  });
  element.querySelectorAll('.bd-sum').forEach(s => {
    if (s.dataset.src.split(' ').includes(i)) s.classList.add('bd-hl');
  });
  return [i];
};
const target = (ev) => ev.target.closest('[data-seg], [data-src]');
element.addEventListener('mouseover', ev => { const t = target(ev); if (t && !pinned) show(t); });
element.addEventListener('focusin', ev => { const t = target(ev); if (t && !pinned) show(t); });
element.addEventListener('mouseout', ev => {
  const t = target(ev);
  if (t && !pinned && !t.contains(ev.relatedTarget)) clear();
});
element.addEventListener('click', ev => {
  const t = target(ev);
  if (!t) return;
  if (pinned === t) { pinned = null; clear(); return; }
  pinned = t;
  const ids = show(t);
  if (t.dataset.src !== undefined && ids.length) {
    const first = element.querySelector(`.bd-src[data-seg="${ids[0]}"]`);
    if (first) first.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  }
});
"""

PAGE_CSS = """
.gradio-container { max-width: 1400px !important; margin: 0 auto; }
#bd-columns textarea, #bd-input textarea { font-size: 1rem; line-height: 1.6;
  font-family: Georgia, "DejaVu Serif", "Noto Serif", serif; }
#bd-status, #bd-detected { font-size: 0.95rem; }
#bd-notice:empty { display: none; }
"""
"""Page-wide CSS, given to ``launch()`` (gradio 6 takes CSS there)."""


def build_demo(
    digester: Digester | None = None,
    *,
    max_chars: int | None = None,
    examples_dir: str | os.PathLike[str] | None = None,
    concurrency_limit: int = DEFAULT_CONCURRENCY,
    output_dir: str | os.PathLike[str] | None = None,
    queue_size: int = DEFAULT_QUEUE_SIZE,
) -> gr.Blocks:
    """Build the web app (nothing is loaded or started here).

    Args:
        digester: The engine; ``None`` builds the default :class:`Digester` (models load in
            the background once the app is launched or first opened).
        max_chars: Largest accepted article; ``None`` reads ``BILINGUAL_DIGEST_MAX_CHARS``
            (default 100,000).
        examples_dir: Folder of sample articles (``.txt``/``.md``) offered as examples;
            ``None`` for the repository's ``seeds/``.
        concurrency_limit: Digests run at the same time (CPU inference: 1 is best); others
            wait in the queue.
        output_dir: Where download files are written; ``None`` for a temporary folder.
        queue_size: Requests waiting at most; beyond it a request is answered at once that
            the server is busy.

    Returns:
        The ``gr.Blocks`` app; ``demo.service`` is its :class:`DigestService`.

    Raises:
        ValueError: If ``concurrency_limit``, ``queue_size`` or ``max_chars`` is not a
            positive integer.
    """
    for name, value in (("concurrency_limit", concurrency_limit), ("queue_size", queue_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}.")
    service = DigestService(digester, max_chars=max_chars, output_dir=output_dir)
    examples = seed_examples(examples_dir)
    work = {"concurrency_limit": concurrency_limit, "concurrency_id": "models"}
    light = {"concurrency_limit": None, "show_progress": "hidden", "api_visibility": "private"}

    with gr.Blocks(
        title="Bilingual digest", analytics_enabled=False, delete_cache=(3600, 3600)
    ) as demo:
        gr.Markdown(
            "# Bilingual digest\nPaste or upload a French or English article: read the "
            "original, its translation and a summary in both languages side by side. "
            "Everything runs on this machine; nothing is sent elsewhere.",
            elem_id="bd-header",
        )
        status = gr.Markdown(render_status(None), elem_id="bd-status")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                text = gr.Textbox(
                    label="Article",
                    lines=10,
                    max_lines=24,
                    placeholder="Collez un article en français… or paste an English one.",
                    elem_id="bd-input",
                )
                if examples:
                    gr.Examples(
                        examples=[[body] for _, body in examples],
                        inputs=[text],
                        example_labels=[label for label, _ in examples],
                        label="Sample articles",
                    )
            with gr.Column(scale=1, min_width=260):
                gr.HTML(
                    render_opener(service.max_chars),
                    css_template=_CSS_OPENER,
                    js_on_load=_JS_OPENER,
                    elem_id="bd-upload",
                )
                direction = gr.Radio(
                    list(DIRECTIONS), value="auto", label="Direction", elem_id="bd-direction"
                )
                length = gr.Radio(
                    list(LENGTHS), value="medium", label="Summary length", elem_id="bd-length"
                )
                detected = gr.Markdown("", elem_id="bd-detected")
                button = gr.Button("Digest", variant="primary", elem_id="bd-digest")
                gr.Markdown(f"Up to {service.max_chars:,} characters.", elem_id="bd-limit")
        notice = gr.Markdown("", elem_id="bd-notice")
        with gr.Row(equal_height=False, elem_id="bd-columns"):
            with gr.Column(min_width=280):
                original = gr.Textbox(
                    label="Original", lines=14, max_lines=40, interactive=False,
                    buttons=["copy"], elem_id="bd-original",
                )  # fmt: skip
            with gr.Column(min_width=280):
                translation = gr.Textbox(
                    label="Translation", lines=14, max_lines=40, interactive=False,
                    buttons=["copy"], elem_id="bd-translation",
                )  # fmt: skip
            with gr.Column(min_width=280):
                summary_en = gr.Textbox(
                    label="Summary (English)", lines=6, max_lines=20, interactive=False,
                    buttons=["copy"], elem_id="bd-summary-en",
                )  # fmt: skip
                summary_fr = gr.Textbox(
                    label="Résumé (français)", lines=6, max_lines=20, interactive=False,
                    buttons=["copy"], elem_id="bd-summary-fr",
                )  # fmt: skip
        gr.Markdown("## Sentence by sentence", elem_id="bd-aligned-title")
        aligned = gr.HTML(
            '<p class="bd-hint">The aligned sentences appear here after a digest.</p>',
            css_template=_CSS_ALIGNED,
            js_on_load=_JS_ALIGNED,
            elem_id="bd-aligned",
        )
        with gr.Row(elem_id="bd-downloads"):
            dl_json = gr.DownloadButton("Download JSON", visible=False, elem_id="bd-dl-json")
            dl_md = gr.DownloadButton("Download Markdown", visible=False, elem_id="bd-dl-md")
            dl_tsv = gr.DownloadButton("Download TSV", visible=False, elem_id="bd-dl-tsv")
        timer = gr.Timer(1.0)

        def refresh_status() -> list[Any]:
            service.start_warm_up()
            done = service.ready
            return [render_status(service.status if done else None), gr.Timer(active=not done)]

        @_guarded
        @_guarded
        def on_digest(
            text: str,
            direction: str,
            length: str,
            progress: gr.Progress = gr.Progress(),  # noqa: B008  (gradio's convention)
        ) -> list[Any]:
            def report(fraction: float, stage: str) -> None:
                progress(fraction, desc=stage)

            result = service.digest(text, direction, length, progress=report)
            return page_outputs(service, result, detected=parse_direction(direction) is None)

        demo.load(refresh_status, outputs=[status, timer], **light)
        timer.tick(refresh_status, outputs=[status, timer], **light)
        for trigger in (text.change, direction.change):
            trigger(
                service.detect, inputs=[text, direction], outputs=detected,
                trigger_mode="always_last", **light,
            )  # fmt: skip
        button.click(
            on_digest,
            inputs=[text, direction, length],
            outputs=[detected, original, translation, summary_en, summary_fr, aligned, notice,
                     dl_json, dl_md, dl_tsv],
            api_visibility="private",
            **work,
        )  # fmt: skip
        for fn in _api_functions(service):
            gr.api(_guarded(fn), api_name=fn.__name__, **work)

    demo.queue(max_size=queue_size, default_concurrency_limit=concurrency_limit)
    demo.service = service  # type: ignore[attr-defined]
    return demo


def launch(
    demo: gr.Blocks,
    host: str | None = None,
    port: int | str | None = None,
    *,
    block: bool = True,
    quiet: bool = False,
) -> tuple[str, int]:
    """Start loading the models in the background, then serve the app.

    Args:
        demo: The app from :func:`build_demo`.
        host: Address to bind; default ``BILINGUAL_DIGEST_HOST``, else ``127.0.0.1``
            (loopback only). ``0.0.0.0`` exposes the app to the network.
        port: TCP port; default ``BILINGUAL_DIGEST_PORT``, else 7860.
        block: Serve until interrupted; False returns once the server is up (tests).
        quiet: Don't print gradio's start-up banner.

    Returns:
        The ``(host, port)`` served (when ``block`` is False, or after the server stops).

    Raises:
        ValueError: If the host or port is invalid.
        OSError: If the port is taken.
    """
    host = validate_host(host if host is not None else env("HOST", DEFAULT_HOST))
    port = validate_port(port if port is not None else env("PORT", str(DEFAULT_PORT)))
    service: DigestService | None = getattr(demo, "service", None)
    if service is not None:
        service.start_warm_up()
    demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        prevent_thread_lock=not block,
        quiet=quiet,
        max_file_size=1,  # the page uploads no files (they are read in the browser)
        css=PAGE_CSS,
        footer_links=["api"],
    )
    return host, port
