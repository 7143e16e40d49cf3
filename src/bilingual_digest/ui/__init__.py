"""The web page: :func:`build_demo` builds the Gradio page, :func:`launch` serves it.

- :mod:`.page`: the page and its Gradio glue, with :mod:`.components` (the file openers and
  the glossary panel): the only modules that import gradio;
- :mod:`.render`: what the page shows (HTML, Markdown, labels from the language registry);
- ``static/``: the page's CSS and JavaScript;
- the engine-facing service they call is :mod:`bilingual_digest.service`;
- :func:`launch` is :func:`bilingual_digest.server.launch` (the page with the JSON API).

Importing this package imports nothing heavy: gradio is loaded when :func:`build_demo` or
:func:`launch` is first looked up.

>>> from bilingual_digest.ui import build_demo, launch  # doctest: +SKIP
>>> launch(build_demo())  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..server import launch
    from ..service import DigestService
    from .page import build_demo

__all__ = ["DigestService", "build_demo", "launch"]


def __getattr__(name: str) -> Any:
    if name == "build_demo":
        from .page import build_demo

        return build_demo
    if name == "launch":
        from ..server import launch

        return launch
    if name == "DigestService":
        from ..service import DigestService

        return DigestService
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
