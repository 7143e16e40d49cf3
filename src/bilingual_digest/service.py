"""The engine-facing service behind the web page and the (coming) REST API.

:class:`DigestService` holds one :class:`~bilingual_digest.digest.Digester`, loads its models
once in a background thread, applies the size limit, runs the work (digest, translate,
summarise, detect) and writes the downloads. It knows no web framework: the Gradio page
(:mod:`bilingual_digest.ui.page`) and any other door call it and present its results. The
serving address (:func:`resolve_address`) is settled here too, so every server reads the same
settings.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .languages import ENV_PREFIX, parse_direction, resolve_direction
from .options import DEFAULT_LENGTH, DEFAULT_SPEED, check_text, validate_length, validate_speed
from .options import max_chars as default_max_chars
from .report import write_reports

if TYPE_CHECKING:
    from .digest import BilingualSummary, Digest, Digester, DigestProgress
    from .translation import Translation

logger = logging.getLogger("bilingual_digest")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
DEFAULT_CONCURRENCY = 1
DEFAULT_QUEUE_SIZE = 32
GRADIO_HOST_ENV = "GRADIO_SERVER_NAME"
GRADIO_PORT_ENV = "GRADIO_SERVER_PORT"
"""Gradio's own settings, read when ``BILINGUAL_DIGEST_HOST`` / ``_PORT`` are not set."""

Progress = Callable[[float, str], object]
_T = TypeVar("_T")


# --------------------------------------------------------------------------- the address


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


def _setting(given: object, name: str, gradio: str, default: object) -> tuple[object, str]:
    """The argument, else ``BILINGUAL_DIGEST_<name>``, else Gradio's variable, else the default;
    with where it came from, for messages."""
    if given is not None:
        return given, "argument"
    for variable in (ENV_PREFIX + name, gradio):
        value = os.environ.get(variable, "").strip()
        if value:
            return value, variable
    return default, "default"


def _checked(check: Callable[[Any], _T], found: tuple[object, str]) -> _T:
    value, source = found
    try:
        return check(value)
    except ValueError as exc:
        raise ValueError(exc if source in ("argument", "default") else f"{source}: {exc}") from None


def resolve_address(host: str | None = None, port: int | str | None = None) -> tuple[str, int]:
    """The address to serve on.

    Each of host and port comes from the argument, else our variable
    (``BILINGUAL_DIGEST_HOST`` / ``BILINGUAL_DIGEST_PORT``), else Gradio's
    (``GRADIO_SERVER_NAME`` / ``GRADIO_SERVER_PORT``), else ``127.0.0.1`` and ``7860``.

    Raises:
        ValueError: If a value is invalid; the message names the variable it came from.
    """
    return (
        _checked(validate_host, _setting(host, "HOST", GRADIO_HOST_ENV, DEFAULT_HOST)),
        _checked(validate_port, _setting(port, "PORT", GRADIO_PORT_ENV, DEFAULT_PORT)),
    )


# --------------------------------------------------------------------------- the service


class DigestService:
    """The engine behind the page and the API: one digester, warmed up once, plus limits.

    Args:
        digester: The engine; ``None`` builds the default one (models load lazily).
        max_chars: Largest accepted article; ``None`` reads ``BILINGUAL_DIGEST_MAX_CHARS``.
        output_dir: Where download files are written; ``None`` for a private temp folder.

    Raises:
        TypeError: If ``max_chars`` is not an int.
        ValueError: If ``max_chars`` is not positive.
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
        """``None`` while loading, then each model's key and ``"ready"`` or its error."""

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

    def detect(self, text: str, direction: str = "auto") -> tuple[str, str]:
        """The ``(source, target)`` pair a text would be worked in (no model is needed).

        Args:
            text: The article.
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).

        Raises:
            InputError: An unknown direction.
            UnsupportedLanguageError: If the language can't be detected.
        """
        return resolve_direction(direction, text)

    def _accept(
        self,
        text: object,
        direction: str,
        length: str | None = None,
        speed: str = DEFAULT_SPEED,
    ) -> tuple[str, str, str | None, str | None]:
        """Check the request before any model work: ``(text, source, target, length)``.

        For ``"auto"`` the source and target are ``None`` (the engine detects them).
        """
        pair = parse_direction(direction)
        length = validate_length(length) if length is not None else None
        validate_speed(speed)
        text = self.check(text)
        source, target = pair if pair is not None else (None, None)
        return text, source, target, length  # type: ignore[return-value]

    def _wait(self, progress: Progress | None) -> None:
        if progress is not None and not self.ready:
            progress(0.0, "Waiting for the models to finish loading")
        self.wait_ready()

    def digest(
        self,
        text: str,
        direction: str = "auto",
        length: str = DEFAULT_LENGTH,
        progress: Progress | None = None,
        speed: str = DEFAULT_SPEED,
    ) -> Digest:
        """Digest one article: its translation and its summary in both languages of its pair.

        Args:
            text: The article.
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).
            length: A summary length preset (``"short"``, ``"medium"``, ``"long"``).
            progress: Called with ``(fraction, stage)`` as the work advances.
            speed: A speed preset (``"default"``: beam 4; ``"fast"``: greedy).

        Returns:
            The :class:`~bilingual_digest.digest.Digest`.

        Raises:
            InputError: Bad text, direction or length.
            UnsupportedLanguageError: If the language can't be detected or has no pair.
            ModelUnavailableError: If a model cannot be loaded.
        """
        text, source, target, length = self._accept(text, direction, length, speed)
        self._wait(progress)
        return self.digester.digest(text, source, length, progress, target=target, speed=speed)

    def digest_stream(
        self,
        text: str,
        direction: str = "auto",
        length: str = DEFAULT_LENGTH,
        speed: str = DEFAULT_SPEED,
    ) -> Iterator[DigestProgress]:
        """Digest one article, yielding what is ready as it is made (for a page or a stream).

        The request is checked at the call; the models are waited for, then the digest runs,
        as the iterator is read (:meth:`Digester.digest_stream`: the translation segment by
        segment, the first paragraph first, then the summaries; the last item holds the
        :class:`~bilingual_digest.digest.Digest`).

        Args:
            text: The article.
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).
            length: A summary length preset.
            speed: A speed preset (``"default"`` or ``"fast"``).

        Returns:
            An iterator of :class:`~bilingual_digest.digest.DigestProgress`.

        Raises:
            The errors of :meth:`digest` (bad input at the call; model errors when read).
        """
        text, source, target, length = self._accept(text, direction, length, speed)
        return self._stream(text, source, target, length, speed)

    def _stream(
        self, text: str, source: str | None, target: str | None, length: str | None, speed: str
    ) -> Iterator[DigestProgress]:
        self.wait_ready()
        yield from self.digester.digest_stream(
            text, source, length or DEFAULT_LENGTH, target=target, speed=speed
        )

    def summarize(
        self,
        text: str,
        direction: str = "auto",
        length: str = DEFAULT_LENGTH,
        progress: Progress | None = None,
        speed: str = DEFAULT_SPEED,
    ) -> BilingualSummary:
        """Summarise one article in both languages of its pair, translating only what that needs.

        Args:
            text: The article.
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).
            length: A summary length preset.
            progress: Called with ``(fraction, stage)`` as the work advances.
            speed: A speed preset (``"default"`` or ``"fast"``).

        Returns:
            The :class:`~bilingual_digest.digest.BilingualSummary`.

        Raises:
            The errors of :meth:`digest`.
        """
        text, source, target, length = self._accept(text, direction, length, speed)
        self._wait(progress)
        return self.digester.summarize(text, source, length, progress, target=target, speed=speed)

    def translate(
        self, text: str, direction: str = "auto", speed: str = DEFAULT_SPEED
    ) -> Translation:
        """Translate one article sentence by sentence (no summary).

        Args:
            text: The article.
            direction: ``"auto"`` (detect the language) or a pair's key (``"fr-en"`` …).
            speed: A speed preset (``"default"`` or ``"fast"``).

        Returns:
            The :class:`~bilingual_digest.translation.Translation`.

        Raises:
            InputError: Bad text or direction.
            UnsupportedLanguageError: If the language can't be detected or has no pair.
            ModelUnavailableError: If the model cannot be loaded.
        """
        text = self._accept(text, direction, speed=speed)[0]
        source, target = resolve_direction(direction, text)
        self._wait(None)
        translator = self.digester.translator(source, target)
        return translator.translate(text, options=translator.options.at_speed(speed))

    def write_downloads(self, digest: Digest) -> dict[str, Path]:
        """Write the JSON, Markdown and TSV exports of a digest into a fresh folder.

        Returns:
            The written files by kind (``"json"``, ``"markdown"``, ``"tsv"``).
        """
        if self._output_dir is None:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="bilingual-digest-")
            self._output_dir = Path(self._tmp.name)
        folder = Path(tempfile.mkdtemp(prefix="digest-", dir=self._output_dir))
        stem = f"digest-{digest.source_lang}-{digest.target_lang}"
        return write_reports(digest, folder, stem=stem)


# --------------------------------------------------------------------------- answers as data


def translation_record(translation: Translation) -> dict[str, Any]:
    """A translation as the API returns it: the languages, the text, the aligned sentences."""
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


def summary_record(summary: BilingualSummary) -> dict[str, Any]:
    """A bilingual summary as the API returns it.

    ``summary_en`` and ``summary_fr`` (the keys of the first round, ``""`` for a language not
    in the pair), and beside them ``target_lang`` and ``summaries`` (every summary by language).
    """
    return {
        "source_lang": summary.source_lang,
        "target_lang": summary.target_lang,
        "summary_en": summary.summary_en,
        "summary_fr": summary.summary_fr,
        "summaries": dict(summary.summaries),
        "warnings": list(summary.warnings),
    }
