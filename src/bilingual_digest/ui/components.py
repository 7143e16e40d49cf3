"""Gradio components of the page built in one place: the file openers and the glossary panel.

Part of the page (:mod:`.page` builds the rest); what they show is rendered by :mod:`.render`.
The glossary panel: an editable table (source, target, note, pair), a glossary-file opener
that reads the file in the browser and hands its text to the server to parse, and the
browser's storage, where the table is kept (the server keeps nothing).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ..glossary_files import COLUMNS as GLOSSARY_COLUMNS
from ..service import DigestService
from .render import (
    GLOSSARY_HELP,
    GLOSSARY_KEY,
    glossary_note,
    opened_glossary,
    render_glossary_opener,
    static_text,
    table_rows,
)

EMPTY_ROW = [""] * len(GLOSSARY_COLUMNS)
"""A blank row of the glossary table."""


def file_opener(html: str, elem_id: str) -> gr.HTML:
    """A file opener: the file is read in the browser (``static/opener.js``), never uploaded."""
    return gr.HTML(
        html,
        css_template=static_text("opener.css"),
        js_on_load=static_text("opener.js"),
        elem_id=elem_id,
    )


def glossary_panel(demo: gr.Blocks, service: DigestService, events: dict[str, Any]) -> gr.Dataframe:
    """Build the glossary panel inside the page and wire its events.

    Args:
        demo: The page being built (its load event restores the table).
        service: The service (it checks the table and parses opened files).
        events: Keyword arguments for the panel's light events (no queue slot, no progress).

    Returns:
        The table, for the Digest button's inputs.
    """
    with gr.Accordion("Glossary", open=False, elem_id="bd-glossary-box"):
        gr.Markdown(GLOSSARY_HELP, elem_id="bd-glossary-help")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                table = gr.Dataframe(
                    value=[EMPTY_ROW],
                    headers=list(GLOSSARY_COLUMNS),
                    datatype="str",
                    column_count=len(GLOSSARY_COLUMNS),
                    row_count=3,
                    interactive=True,
                    type="array",
                    label="Terms",
                    elem_id="bd-glossary",
                )
                note = gr.Markdown("", elem_id="bd-glossary-msg")
            with gr.Column(scale=1, min_width=260):
                file_opener(render_glossary_opener(service.max_chars), "bd-glossary-upload")
                opened = gr.Textbox(visible="hidden", elem_id="bd-glossary-file")
                clear = gr.Button("Clear the glossary", size="sm", elem_id="bd-glossary-clear")
    saved = gr.BrowserState([], storage_key=GLOSSARY_KEY)

    def on_restore(kept: Any) -> list[Any]:
        rows = table_rows(kept) or [EMPTY_ROW]
        return [rows, glossary_note(service, rows) if table_rows(kept) else ""]

    def on_table(rows: Any) -> list[Any]:
        kept = [row for row in table_rows(rows) if any(cell.strip() for cell in row)]
        return [kept, glossary_note(service, rows)]

    def on_file(payload: str) -> list[Any]:
        if not payload:
            return [gr.update(), gr.update(), gr.update()]
        rows, message = opened_glossary(service, payload)
        return [gr.update() if rows is None else rows, message, ""]  # "": the same file again

    def on_clear() -> list[Any]:
        return [[EMPTY_ROW], "", ""]

    demo.load(on_restore, inputs=saved, outputs=[table, note], **events)
    table.change(on_table, inputs=table, outputs=[saved, note], **events)
    opened.change(on_file, inputs=opened, outputs=[table, note, opened], **events)
    clear.click(on_clear, outputs=[table, note, opened], **events)
    return table
