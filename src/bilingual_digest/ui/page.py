"""The web page (Gradio): original, translation and summaries side by side.

With :mod:`.components`, the only modules that import gradio. :func:`build_demo` makes the
page over a :class:`~bilingual_digest.service.DigestService` (no model is loaded while
building it);
:func:`mount_page` mounts it into the server's app (:mod:`bilingual_digest.api`), which the
server (:mod:`bilingual_digest.server`) serves while the models load in a background thread.
The page polls the loading status. Its work runs in the service's queue, shared with the
JSON API; a cancelled event stops its work before the next model batch. What the page shows
is rendered by :mod:`.render`; its CSS and JavaScript are the files in ``static/``.

Privacy: gradio's analytics and the Hugging Face hub's telemetry are switched off here,
before gradio is imported (set ``GRADIO_ANALYTICS_ENABLED=True`` in the environment to opt
back in), the app binds 127.0.0.1 by default and never opens a share link.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import gradio as gr  # only after the privacy settings above

from ..documents import TextOrArticle, is_url
from ..errors import ArticleError, BilingualDigestError
from ..languages import AUTO, language_name, parse_direction
from ..messages import door_message
from ..options import DEFAULT_LENGTH, DEFAULT_SPEED, SPEEDS, SUMMARY_LENGTHS, speed_label
from ..report import summary_heading
from ..service import (
    DEFAULT_CONCURRENCY,
    DEFAULT_QUEUE_SIZE,
    DigestService,
)
from ..work_queue import stream_cancellable
from .components import file_opener, glossary_panel
from .endpoints import DefaultArguments, api_defaults, api_functions, endpoint_ids
from .render import (
    describe_direction,
    direction_choices,
    render_aligned,
    render_alignment,
    render_article,
    render_limits,
    render_notices,
    render_opener,
    render_status,
    seed_examples,
    source_names,
    static_text,
    summary_languages,
    table_rows,
)

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..digest import Digest, Digester, DigestProgress

logger = logging.getLogger("bilingual_digest")

STATUS_POLL_S = 1.0
"""How often the page asks whether the models are ready, while they load."""
STATUS_WAIT_S = 0.9
"""How long each of those questions waits for them (less than the period)."""


# --------------------------------------------------------------------------- gradio glue


def _as_gr_error(exc: BaseException) -> gr.Error:
    if isinstance(exc, (BilingualDigestError, ValueError, TypeError)):
        title = "Model unavailable" if isinstance(exc, OSError) else "Cannot digest this text"
        title = "No article from this page" if isinstance(exc, ArticleError) else title
        message = door_message(exc, "web")
        return gr.Error(message, title=title, duration=None, print_exception=False)
    logger.exception("Unexpected error in the web app")
    return gr.Error(
        f"Something went wrong ({type(exc).__name__}: {exc}). Details are in the server log.",
        title="Unexpected error",
        duration=None,
        print_exception=False,
    )


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into gr.Error messages (shown on the page, no traceback).

    A coroutine function stays one (Gradio cancels it as a task: see
    :func:`.endpoints.in_queue`); an async generator (a handler that streams its outputs)
    stays one, guarded as it runs.
    """
    if inspect.isasyncgenfunction(fn):

        @functools.wraps(fn)
        async def streaming(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            try:
                async for item in fn(*args, **kwargs):
                    yield item
            except gr.Error:
                raise
            except Exception as exc:
                raise _as_gr_error(exc) from None

        return streaming
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def waiting(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                raise _as_gr_error(exc) from None

        return waiting

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:
            raise _as_gr_error(exc) from None

    return wrapper


def detection_note(service: DigestService, text: str, direction: str) -> str:
    """The detected-language line under the controls (never raises; ``""`` for no text)."""
    if not isinstance(text, str) or not text.strip():
        return ""
    if is_url(text):
        return "A link: its article is fetched when you press Digest."
    try:
        source, target = service.detect(text, direction)
        detected = parse_direction(direction) is None
    except BilingualDigestError as exc:
        return f"Language: {door_message(exc, 'web')}"
    return describe_direction(source, target, detected)


def page_document(
    service: DigestService,
    text: str,
    link: str,
    page: str,
    progress: Callable[[float, str], object] | None = None,
) -> TextOrArticle:
    """What the Digest button works on: the article at the link, if one is given (a text box
    holding only a link counts as one); else the pasted text; else the article of the saved
    page opened (its HTML, read by the browser). Opening a page empties the text box, so
    text beside a page was typed after it.

    Args:
        service: Fetches the link, or extracts the page.
        text: The text box.
        link: The link field.
        page: The HTML of the saved page opened, or ``""``.
        progress: Told when a page is fetched or read.

    Raises:
        The errors of :meth:`~bilingual_digest.service.DigestService.load_article` and
        :meth:`~bilingual_digest.service.DigestService.read_page`.
    """
    text, link, page = text or "", (link or "").strip(), page or ""
    if not link and is_url(text):
        link = text.strip()
    if link:
        if progress is not None:
            progress(0.0, "Fetching the page")
        return service.load_article(link)
    if text.strip() or not page.strip():
        return text  # an empty text box is refused by the digest, saying so
    if progress is not None:
        progress(0.0, "Reading the saved page")
    return service.read_page(page)


def page_outputs(
    service: DigestService, digest: Digest, detected: bool, languages: Sequence[str]
) -> list[Any]:
    """Everything the Digest button fills, in the order of the page's output components.

    Args:
        service: The service (it writes the downloads).
        digest: The digest to show.
        detected: Whether the language was detected (else chosen).
        languages: The languages of the page's summary boxes, in their order; the boxes of
            the digest's pair are shown, the others hidden.
    """
    src, tgt = digest.source_lang, digest.target_lang
    files = service.write_downloads(digest)
    return [
        describe_direction(src, tgt, detected),
        gr.update(value=digest.original, label=f"Original ({language_name(src)})"),
        gr.update(value=digest.translation.text, label=f"Translation ({language_name(tgt)})"),
        *(
            gr.update(value=digest.summary_in(code), visible=code in digest.summaries)
            for code in languages
        ),
        render_aligned(digest),
        render_notices(digest),
        *(gr.update(value=str(files[kind]), visible=True) for kind in ("json", "markdown", "tsv")),
        render_article(digest.article),
    ]


def partial_outputs(step: DigestProgress, detected: bool, languages: Sequence[str]) -> list[Any]:
    """What the Digest button shows while a digest streams in, in the order of the outputs.

    The translation and the aligned view hold the segments ready so far; each summary box
    shows its summary once it is ready; the stage is in the notice; the downloads wait for
    the end (:func:`page_outputs`).
    """
    src, tgt = step.source_lang, step.target_lang
    pair = (src, tgt)
    return [
        describe_direction(src, tgt, detected),
        gr.update(value=step.original, label=f"Original ({language_name(src)})"),
        gr.update(value=step.translation_text(), label=f"Translation ({language_name(tgt)})"),
        *(
            gr.update(value=step.summaries.get(code, ""), visible=code in pair)
            for code in languages
        ),
        render_alignment(src, tgt, step.segments),
        f"*{step.stage}…*" if step.stage else "",
        *(gr.update(visible=False) for _ in range(3)),
        gr.update(),  # the article's heading comes with the digest
    ]


# --------------------------------------------------------------------------- the page


def build_demo(
    digester: Digester | None = None,
    *,
    service: DigestService | None = None,
    max_chars: int | None = None,
    examples_dir: str | os.PathLike[str] | None = None,
    concurrency_limit: int = DEFAULT_CONCURRENCY,
    output_dir: str | os.PathLike[str] | None = None,
    queue_size: int = DEFAULT_QUEUE_SIZE,
    api_endpoints: bool = True,
) -> gr.Blocks:
    """Build the web app (nothing is loaded or started here).

    The directions, summary boxes and labels are those of the language registry when the
    page is built.

    Args:
        digester: The engine; ``None`` builds the default :class:`Digester` (models load in
            the background once the app is launched or first opened).
        service: The service to show (the server shares it with the JSON API); when given,
            ``digester``, ``max_chars``, ``output_dir``, ``concurrency_limit`` and
            ``queue_size`` are its own.
        max_chars: Largest accepted article; ``None`` reads ``BILINGUAL_DIGEST_MAX_CHARS``
            (default 100,000).
        examples_dir: Folder of sample articles (``.txt``/``.md``) offered as examples;
            ``None`` for the repository's ``seeds/``.
        concurrency_limit: Digests run at the same time (CPU inference: 1 is best); others
            wait in the queue.
        output_dir: Where download files are written; ``None`` for a temporary folder.
        queue_size: Requests waiting at most; beyond it a request is answered at once that
            the server is busy.
        api_endpoints: Offer the named endpoints ``/digest``, ``/translate`` and
            ``/summarize`` to ``gradio_client`` (the server leaves them out when API keys are
            required and the page is open: they can't carry a key).

    Returns:
        The ``gr.Blocks`` app; ``demo.service`` is its :class:`DigestService`.

    Raises:
        ValueError: If ``concurrency_limit``, ``queue_size`` or ``max_chars`` is not a
            positive integer, or ``service`` is given with ``digester``, ``max_chars`` or
            ``output_dir``.
    """
    if service is None:
        for name, value in (("concurrency_limit", concurrency_limit), ("queue_size", queue_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}.")
        service = DigestService(
            digester,
            max_chars=max_chars,
            output_dir=output_dir,
            concurrency=concurrency_limit,
            queue_size=queue_size,
        )
    concurrency_limit, queue_size = service.queue.concurrency, service.queue.queue_size
    examples = seed_examples(examples_dir)
    languages = summary_languages()
    work = {"concurrency_limit": concurrency_limit, "concurrency_id": "models"}
    light = {"concurrency_limit": None, "show_progress": "hidden", "api_visibility": "private"}
    box = {"interactive": False, "buttons": ["copy"]}

    with gr.Blocks(
        title="Bilingual digest", analytics_enabled=False, delete_cache=(3600, 3600)
    ) as demo:
        gr.Markdown(
            f"# Bilingual digest\nPaste an article in {source_names()}, give a link to one, "
            "or open a saved page or a text file: read the original, its translation and a "
            "summary in both languages side by side. Everything runs on this machine; only "
            "a link you give is fetched.",
            elem_id="bd-header",
        )
        status = gr.Markdown(render_status(None), elem_id="bd-status")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                text = gr.Textbox(
                    label="Article",
                    lines=10,
                    max_lines=24,
                    placeholder=f"Paste an article in {source_names()}…",
                    elem_id="bd-input",
                )
                link = gr.Textbox(
                    label="…or a link to a news article",
                    placeholder="https://…",
                    info="The server fetches the page and keeps its article (title, date, "
                    "text). When a link is given, it is digested instead of the text.",
                    lines=1,
                    max_lines=1,
                    elem_id="bd-url",
                )
                page = gr.Textbox(visible="hidden", elem_id="bd-page")  # an opened page's HTML
                if examples:
                    gr.Examples(
                        examples=[[body, ""] for _, body in examples],  # a sample, not the link
                        inputs=[text, link],
                        example_labels=[label for label, _ in examples],
                        label="Sample articles",
                    )
            with gr.Column(scale=1, min_width=260):
                file_opener(
                    render_opener(service.max_chars, service.fetch_options.max_bytes), "bd-upload"
                )
                direction = gr.Radio(
                    direction_choices(), value=AUTO, label="Direction", elem_id="bd-direction"
                )
                length = gr.Radio(
                    list(SUMMARY_LENGTHS),
                    value=DEFAULT_LENGTH,
                    label="Summary length",
                    elem_id="bd-length",
                )
                speed = gr.Radio(
                    [(speed_label(name), name) for name in SPEEDS],
                    value=DEFAULT_SPEED,
                    label="Speed",
                    info="Fast decodes greedily: quicker, slightly less polished.",
                    elem_id="bd-speed",
                )
                detected = gr.Markdown("", elem_id="bd-detected")
                button = gr.Button("Digest", variant="primary", elem_id="bd-digest")
                gr.Markdown(
                    render_limits(service.max_chars, service.fetch_options.max_bytes),
                    elem_id="bd-limit",
                )
        table = glossary_panel(demo, service, light)
        notice = gr.Markdown("", elem_id="bd-notice")
        heading = gr.Markdown("", elem_id="bd-article")
        with gr.Row(equal_height=False, elem_id="bd-columns"):
            with gr.Column(min_width=280):
                original = gr.Textbox(
                    label="Original", lines=14, max_lines=40, elem_id="bd-original", **box
                )
            with gr.Column(min_width=280):
                translation = gr.Textbox(
                    label="Translation", lines=14, max_lines=40, elem_id="bd-translation", **box
                )
            with gr.Column(min_width=280):
                summaries = [
                    gr.Textbox(
                        label=summary_heading(code),
                        lines=6,
                        max_lines=20,
                        elem_id=f"bd-summary-{code}",
                        **box,
                    )
                    for code in languages
                ]
        gr.Markdown("## Sentence by sentence", elem_id="bd-aligned-title")
        aligned = gr.HTML(
            '<p class="bd-hint">The aligned sentences appear here after a digest.</p>',
            css_template=static_text("aligned.css"),
            js_on_load=static_text("aligned.js"),
            elem_id="bd-aligned",
        )
        with gr.Row(elem_id="bd-downloads"):
            downloads = [
                gr.DownloadButton(f"Download {name}", visible=False, elem_id=f"bd-dl-{suffix}")
                for name, suffix in (("JSON", "json"), ("Markdown", "md"), ("TSV", "tsv"))
            ]
        timer = gr.Timer(STATUS_POLL_S)

        def refresh_status() -> list[Any]:
            # Waits a little for the models (less than the timer's period), so the page says
            # "ready" as soon as they are, not at the next tick.
            done = service.wait_ready(STATUS_WAIT_S)
            return [render_status(service.status if done else None), gr.Timer(active=not done)]

        @guarded
        async def on_digest(
            text: str,
            link: str,
            page: str,
            direction: str,
            length: str,
            rows: Any,
            speed: str = DEFAULT_SPEED,
        ) -> AsyncIterator[list[Any]]:
            glossary = table_rows(rows)
            auto = parse_direction(direction) is None
            if not service.ready:  # the notice box, nothing else changes
                waiting = "*Waiting for the models to finish loading…*"
                yield [*[gr.update()] * (4 + len(languages)), waiting, *[gr.update()] * 4]

            def steps(cancel: Any) -> Iterator[DigestProgress]:
                document = page_document(service, text, link, page)  # in the work's thread
                yield from service.digest_stream(
                    document, direction, length, speed, cancel=cancel, glossary=glossary
                )

            async for step in stream_cancellable(steps):
                if step.digest is not None:
                    yield page_outputs(service, step.digest, detected=auto, languages=languages)
                else:
                    yield partial_outputs(step, detected=auto, languages=languages)

        def on_detect(text: str, direction: str) -> str:
            return detection_note(service, text, direction)

        demo.load(refresh_status, outputs=[status, timer], **light)
        timer.tick(refresh_status, outputs=[status, timer], **light)
        for trigger in (text.change, direction.change):
            trigger(
                on_detect, inputs=[text, direction], outputs=detected,
                trigger_mode="always_last", **light,
            )  # fmt: skip
        outputs = [detected, original, translation, *summaries, aligned, notice, *downloads]
        button.click(
            on_digest,
            inputs=[text, link, page, direction, length, table, speed],
            outputs=[*outputs, heading],
            api_visibility="private",
            show_progress="minimal",
            **work,
        )
        for fn in api_functions(service) if api_endpoints else []:
            gr.api(guarded(fn), api_name=fn.__name__, **work)

    demo.queue(max_size=queue_size, default_concurrency_limit=concurrency_limit)
    demo.service = service  # type: ignore[attr-defined]
    return demo


def mount_page(
    app: FastAPI,
    demo: gr.Blocks,
    *,
    auth: Callable[[str, str], bool] | None = None,
    path: str = "/",
    host: str = "127.0.0.1",
    port: int = 7860,
) -> None:
    """Mount the page into the server's app (after the app's own routes).

    Args:
        app: The FastAPI app (:func:`bilingual_digest.api.create_app`).
        demo: The page from :func:`build_demo`.
        auth: ``auth(user, password)`` for a login form (the server passes the API-key check:
            any user name, a key as the password); ``None`` for an open page.
        path: Where to mount it.
        host: The address the server binds (Gradio records it).
        port: The server's port (Gradio records it).
    """
    service: DigestService | None = getattr(demo, "service", None)
    if service is not None:
        defaults = api_defaults(service)
        ids = endpoint_ids(demo.get_config_file(), defaults)
        app.add_middleware(DefaultArguments, defaults=defaults, endpoint_ids=ids)
    gr.mount_gradio_app(
        app,
        demo,
        path=path,
        server_name=host,
        server_port=port,
        auth=auth,
        auth_message="Enter any user name, and an API key of this server as the password."
        if auth
        else None,
        footer_links=["api"],
        run_history=False,  # nothing recorded, no bucket to connect
        max_file_size=1,  # the page uploads no files (they are read in the browser)
        css=static_text("page.css"),
        ssr_mode=False,
    )
