"""The web page (Gradio): original, translation and summaries side by side.

The only module that imports gradio. :func:`build_demo` makes the page over a
:class:`~bilingual_digest.service.DigestService` (no model is loaded while building it);
:func:`launch` serves it and starts loading the models in a background thread so the first
click doesn't pay for it. The page polls the loading status. What the page shows is rendered
by :mod:`.render`; its CSS and JavaScript are the files in ``static/``.

Privacy: gradio's analytics and the Hugging Face hub's telemetry are switched off here,
before gradio is imported (set ``GRADIO_ANALYTICS_ENABLED=True`` in the environment to opt
back in), the app binds 127.0.0.1 by default and never opens a share link.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import gradio as gr  # only after the privacy settings above

from ..errors import BilingualDigestError
from ..languages import AUTO, directions, language_name, parse_direction
from ..options import DEFAULT_LENGTH, DEFAULT_SPEED, SPEEDS, SUMMARY_LENGTHS, speed_label
from ..report import summary_heading
from ..service import (
    DEFAULT_CONCURRENCY,
    DEFAULT_QUEUE_SIZE,
    DigestService,
    resolve_address,
    summary_record,
    translation_record,
)
from .render import (
    describe_direction,
    direction_choices,
    render_aligned,
    render_alignment,
    render_notices,
    render_opener,
    render_status,
    seed_examples,
    source_names,
    static_text,
    summary_languages,
)

if TYPE_CHECKING:
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
        return gr.Error(str(exc), title=title, duration=None, print_exception=False)
    logger.exception("Unexpected error in the web app")
    return gr.Error(
        f"Something went wrong ({type(exc).__name__}: {exc}). Details are in the server log.",
        title="Unexpected error",
        duration=None,
        print_exception=False,
    )


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into gr.Error messages (shown on the page, no traceback).

    A generator (a handler that streams its outputs) stays a generator, guarded as it runs.
    """
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def streaming(*args: Any, **kwargs: Any) -> Iterator[Any]:
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                raise _as_gr_error(exc) from None

        return streaming

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
    try:
        source, target = service.detect(text, direction)
        detected = parse_direction(direction) is None
    except BilingualDigestError as exc:
        return f"Language: {exc}"
    return describe_direction(source, target, detected)


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
    ]


def _quoted(values: Sequence[str]) -> str:
    quoted = [f'"{value}"' for value in values]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _api_doc(summary: str, *params: str) -> str:
    """An endpoint's docstring (gradio shows it on the API page), its choices from their homes."""
    helps = {
        "text": f"The article, in {source_names()}.",
        "direction": f"{_quoted(directions())}: detect the language, or a translation pair.",
        "length": f"Summary length: {_quoted(list(SUMMARY_LENGTHS))}.",
        "speed": f"Decoding speed: {_quoted(list(SPEEDS))} "
        f"({', '.join(speed_label(name) for name in SPEEDS)}).",
    }
    return "\n".join([summary, "", "Args:", *(f"    {name}: {helps[name]}" for name in params)])


def _api_functions(service: DigestService) -> list[Callable[..., dict[str, Any]]]:
    def digest(
        text: str, direction: str = AUTO, length: str = DEFAULT_LENGTH, speed: str = DEFAULT_SPEED
    ) -> dict[str, Any]:
        return service.digest(text, direction, length, speed=speed).to_dict()

    def translate(text: str, direction: str = AUTO, speed: str = DEFAULT_SPEED) -> dict[str, Any]:
        return translation_record(service.translate(text, direction, speed))

    def summarize(
        text: str, length: str = DEFAULT_LENGTH, direction: str = AUTO, speed: str = DEFAULT_SPEED
    ) -> dict[str, Any]:
        return summary_record(service.summarize(text, direction, length, speed=speed))

    digest.__doc__ = _api_doc(
        "Translate and summarise an article; returns the whole digest as a dict.",
        "text", "direction", "length", "speed",
    )  # fmt: skip
    translate.__doc__ = _api_doc(
        "Translate an article sentence by sentence.", "text", "direction", "speed"
    )
    summarize.__doc__ = _api_doc(
        "Summarise an article in both languages of its pair, translating only what that needs.",
        "text", "length", "direction", "speed",
    )  # fmt: skip
    return [digest, translate, summarize]


# --------------------------------------------------------------------------- the page


def build_demo(
    digester: Digester | None = None,
    *,
    max_chars: int | None = None,
    examples_dir: str | os.PathLike[str] | None = None,
    concurrency_limit: int = DEFAULT_CONCURRENCY,
    output_dir: str | os.PathLike[str] | None = None,
    queue_size: int = DEFAULT_QUEUE_SIZE,
    service: DigestService | None = None,
) -> gr.Blocks:
    """Build the web app (nothing is loaded or started here).

    The directions, summary boxes and labels are those of the language registry when the
    page is built.

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
        service: A ready :class:`DigestService` to serve (its models may already be
            loading: ``python app.py`` starts them before gradio is imported), instead of
            one built from ``digester``, ``max_chars`` and ``output_dir``.

    Returns:
        The ``gr.Blocks`` app; ``demo.service`` is its :class:`DigestService`.

    Raises:
        ValueError: If ``concurrency_limit``, ``queue_size`` or ``max_chars`` is not a
            positive integer, or ``service`` is given with ``digester``, ``max_chars`` or
            ``output_dir``.
    """
    for name, value in (("concurrency_limit", concurrency_limit), ("queue_size", queue_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}.")
    if service is None:
        service = DigestService(digester, max_chars=max_chars, output_dir=output_dir)
    elif (digester, max_chars, output_dir) != (None, None, None):
        raise ValueError("Give a service, or a digester with its settings, not both.")
    examples = seed_examples(examples_dir)
    languages = summary_languages()
    work = {"concurrency_limit": concurrency_limit, "concurrency_id": "models"}
    light = {"concurrency_limit": None, "show_progress": "hidden", "api_visibility": "private"}
    box = {"interactive": False, "buttons": ["copy"]}

    with gr.Blocks(
        title="Bilingual digest", analytics_enabled=False, delete_cache=(3600, 3600)
    ) as demo:
        gr.Markdown(
            f"# Bilingual digest\nPaste or open an article in {source_names()}: read the "
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
                    placeholder=f"Paste an article in {source_names()}…",
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
                    css_template=static_text("opener.css"),
                    js_on_load=static_text("opener.js"),
                    elem_id="bd-upload",
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
                gr.Markdown(f"Up to {service.max_chars:,} characters.", elem_id="bd-limit")
        notice = gr.Markdown("", elem_id="bd-notice")
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
        def on_digest(
            text: str, direction: str, length: str, speed: str = DEFAULT_SPEED
        ) -> Iterator[list[Any]]:
            auto = parse_direction(direction) is None
            if not service.ready:  # the notice box, nothing else changes
                waiting = "*Waiting for the models to finish loading…*"
                yield [*[gr.update()] * (4 + len(languages)), waiting, *[gr.update()] * 3]
            for step in service.digest_stream(text, direction, length, speed):
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
        button.click(
            on_digest,
            inputs=[text, direction, length, speed],
            outputs=[detected, original, translation, *summaries, aligned, notice, *downloads],
            api_visibility="private",
            show_progress="minimal",
            **work,
        )
        for fn in _api_functions(service):
            gr.api(guarded(fn), api_name=fn.__name__, **work)

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
        host: Address to bind; default ``BILINGUAL_DIGEST_HOST``, else ``GRADIO_SERVER_NAME``,
            else ``127.0.0.1`` (loopback only). ``0.0.0.0`` exposes the app to the network.
        port: TCP port; default ``BILINGUAL_DIGEST_PORT``, else ``GRADIO_SERVER_PORT``, else
            7860.
        block: Serve until interrupted; False returns once the server is up (tests).
        quiet: Don't print gradio's start-up banner.

    Returns:
        The ``(host, port)`` served (when ``block`` is False, or after the server stops).

    Raises:
        ValueError: If the host or port is invalid.
        OSError: If the port is taken.
    """
    host, port = resolve_address(host, port)
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
        css=static_text("page.css"),
        footer_links=["api"],
    )
    return host, port
