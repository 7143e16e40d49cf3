"""The page's named endpoints for ``gradio_client`` (``/digest``, ``/translate``,
``/summarize``): their functions over the service, their documented defaults, and the
middleware that fills those defaults in for a plain HTTP call. No gradio here (the page,
:mod:`.page`, registers them).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Collection, Sequence
from typing import Any

from ..documents import Article
from ..glossary_files import COLUMNS as GLOSSARY_COLUMNS
from ..languages import AUTO, directions
from ..options import DEFAULT_LENGTH, DEFAULT_SPEED, SPEEDS, SUMMARY_LENGTHS, speed_label
from ..service import DigestService, summary_record, translation_record
from ..work_queue import run_cancellable
from .render import source_names


async def in_queue(work: Callable[[Any], Any]) -> Any:
    """Run ``work(cancel)`` off the event loop; a cancelled Gradio event sets the flag, and
    the event ends only once the work has stopped (its queue slot is held until then)."""
    return await run_cancellable(work)


def _quoted(values: Sequence[str]) -> str:
    quoted = [f'"{value}"' for value in values]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _api_doc(summary: str, *params: str) -> str:
    """An endpoint's docstring (gradio shows it on the API page), its choices from their homes."""
    helps = {
        "text": f"The article, in {source_names()}.",
        "direction": f"{_quoted(directions())}: detect the language, or a translation pair.",
        "length": f"Summary length: {_quoted(list(SUMMARY_LENGTHS))}.",
        "glossary": "Optional terms to translate as you say: {source term: target term} "
        f"(a target equal to its source keeps the term), or rows [{', '.join(GLOSSARY_COLUMNS)}].",
        "url": "Instead of text, a link to a news article: the server fetches the page and "
        "works on its article (title and main text; its metadata in the answer's article). "
        "With html: where that page came from (not fetched).",
        "html": "Instead of text, a saved web page's HTML: its article is extracted.",
        "speed": f"Decoding speed: {_quoted(list(SPEEDS))} "
        f"({', '.join(speed_label(name) for name in SPEEDS)}).",
    }
    return "\n".join([summary, "", "Args:", *(f"    {name}: {helps[name]}" for name in params)])


def api_functions(service: DigestService) -> list[Callable[..., Any]]:
    """The page's named endpoints over ``service``: ``digest``, ``translate``, ``summarize``;
    each works on ``text``, or the article at ``url``, or the article of a saved page's
    ``html`` (fetched or extracted in the work's thread, before its turn in the queue)."""

    async def digest(
        text: str = "",
        direction: str = AUTO,
        length: str = DEFAULT_LENGTH,
        glossary: Any = None,
        url: str | None = None,
        html: str | None = None,
        speed: str = DEFAULT_SPEED,
    ) -> dict[str, Any]:
        def work(cancel: Any) -> Any:
            document = service.document(text, url=url, html=html)
            return service.digest(
                document, direction, length, cancel=cancel, glossary=glossary, speed=speed
            )

        return (await in_queue(work)).to_dict()

    async def translate(
        text: str = "",
        direction: str = AUTO,
        glossary: Any = None,
        url: str | None = None,
        html: str | None = None,
        speed: str = DEFAULT_SPEED,
    ) -> dict[str, Any]:
        def work(cancel: Any) -> Any:
            document = service.document(text, url=url, html=html)
            article = document if isinstance(document, Article) else None
            return translation_record(
                service.translate(document, direction, cancel, glossary, speed), article
            )

        return await in_queue(work)  # type: ignore[no-any-return]

    async def summarize(
        text: str = "",
        length: str = DEFAULT_LENGTH,
        direction: str = AUTO,
        glossary: Any = None,
        url: str | None = None,
        html: str | None = None,
        speed: str = DEFAULT_SPEED,
    ) -> dict[str, Any]:
        def work(cancel: Any) -> Any:
            document = service.document(text, url=url, html=html)
            return summary_record(
                service.summarize(
                    document, direction, length, cancel=cancel, glossary=glossary, speed=speed
                )
            )

        return await in_queue(work)  # type: ignore[no-any-return]

    digest.__doc__ = _api_doc(
        "Translate and summarise an article; returns the whole digest as a dict.",
        "text", "direction", "length", "glossary", "url", "html", "speed",
    )  # fmt: skip
    translate.__doc__ = _api_doc(
        "Translate an article sentence by sentence.",
        "text", "direction", "glossary", "url", "html", "speed",
    )  # fmt: skip
    summarize.__doc__ = _api_doc(
        "Summarise an article in both languages of its pair, translating only what that needs.",
        "text", "length", "direction", "glossary", "url", "html", "speed",
    )  # fmt: skip
    return [digest, translate, summarize]


def api_defaults(service: DigestService) -> dict[str, list[Any]]:
    """Each named endpoint's parameters' defaults, in order (``inspect.Parameter.empty``
    for a required one)."""
    return {
        fn.__name__: [p.default for p in inspect.signature(fn).parameters.values()]
        for fn in api_functions(service)
    }


def endpoint_ids(config: dict[str, Any], names: Collection[str]) -> list[int]:
    """Gradio's ``fn_index`` of each named endpoint, from the page's config."""
    return [dep["id"] for dep in config["dependencies"] if dep.get("api_name") in names]


_CALL = re.compile(r"^/gradio_api/(?:call/v2|call|run|api)/(\w+)/?$")
_CANCEL = re.compile(r"^/gradio_api/cancel/?$")


class DefaultArguments:
    """Fill in what a client leaves out of two Gradio requests, before Gradio reads them.

    - A named endpoint called over plain HTTP with only its required arguments
      (``{"data": [text]}``) gets its documented defaults; Gradio itself wants every value.
      ``gradio_client`` fills them in itself; this does the same for ``curl``.
    - A cancel of a named endpoint's job sent before the client knew the job's event id
      (``gradio_client``'s ``Job.cancel()`` right after the job started sends
      ``"event_id": null``, which Gradio refuses with 422 and the work would go on) gets an
      empty one: Gradio then stops the running work of that session and endpoint, as it
      does for every cancel. Only for the named endpoints (``endpoint_ids``, Gradio's
      ``fn_index`` of each): the page's own script sends such cancels too (opening one
      glossary file after another does), and given an id they would stop the page's
      running work, which Gradio's refusal has always left alone.
    """

    def __init__(
        self, app: Any, defaults: dict[str, list[Any]], endpoint_ids: Collection[int] = ()
    ) -> None:
        self.app, self.defaults, self.endpoint_ids = app, defaults, frozenset(endpoint_ids)

    def _rewrite(self, path: str) -> Callable[[bytes], bytes] | None:
        """How to rewrite the body of a POST to ``path``; None to pass it through."""
        match = _CALL.match(path)
        if match is not None and match.group(1) in self.defaults:
            defaults = self.defaults[match.group(1)]
            return lambda body: self._padded(body, defaults)
        return self._with_event_id if _CANCEL.match(path) and self.endpoint_ids else None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        rewrite = None
        if scope["type"] == "http" and scope["method"] == "POST":
            rewrite = self._rewrite(scope.get("path", ""))
        if rewrite is None:
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # the client left: let Gradio see it
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = rewrite(b"".join(chunks))
        sent = False

        async def replay() -> Any:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": headers}, replay, send)

    @staticmethod
    def _padded(body: bytes, defaults: list[Any]) -> bytes:
        try:
            data = json.loads(body)
            values = data["data"]
        except (ValueError, KeyError, TypeError):
            return body  # not ours to judge: Gradio answers it
        if not isinstance(values, list) or len(values) >= len(defaults):
            return body
        missing = defaults[len(values) :]
        if any(default is inspect.Parameter.empty for default in missing):
            return body
        data["data"] = [*values, *missing]
        return json.dumps(data).encode()

    def _with_event_id(self, body: bytes) -> bytes:
        try:
            data = json.loads(body)
        except ValueError:
            return body
        if (
            not isinstance(data, dict)
            or data.get("event_id", "") is not None
            or data.get("fn_index") not in self.endpoint_ids
        ):
            return body
        data["event_id"] = ""
        return json.dumps(data).encode()
