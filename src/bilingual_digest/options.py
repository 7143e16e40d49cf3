"""Options (frozen, validated dataclasses) and settings read from the environment.

Every setting can be given as an argument; when it is not, the matching
``BILINGUAL_DIGEST_*`` environment variable is read at call time (never at import time).

=====================================  ===========================================
Variable                               Meaning
=====================================  ===========================================
``BILINGUAL_DIGEST_MODEL_FR_EN``       hub id or local dir of the fr→en model
``BILINGUAL_DIGEST_MODEL_EN_FR``       hub id or local dir of the en→fr model
``BILINGUAL_DIGEST_MODEL_SUMMARY``     hub id or local dir of the summariser
``BILINGUAL_DIGEST_DEVICE``            ``cpu`` (default), ``cuda`` or ``cuda:N``
``BILINGUAL_DIGEST_BACKEND``           ``ctranslate2`` (default on CPU) or ``torch``
``BILINGUAL_DIGEST_THREADS``           CPU cores a model may use (default: all usable)
``BILINGUAL_DIGEST_CACHE_DIR``         where converted models and caches live
``BILINGUAL_DIGEST_MAX_CHARS``         largest accepted input, in characters
``BILINGUAL_DIGEST_FETCH_TIMEOUT``     seconds a web page may take (default 15)
``BILINGUAL_DIGEST_FETCH_MAX_BYTES``   largest web page, in bytes (default 10 MB)
``BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS`` ``1`` to fetch private, loopback and link-local
                                       addresses (default ``0``: refused)
``BILINGUAL_DIGEST_GLOSSARY``          glossary file used by default (TSV, CSV or TBX)
=====================================  ===========================================
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .documents import as_text
from .errors import InputError
from .languages import DEFAULT_SUMMARY_MODEL, ENV_PREFIX, get_pair

DEFAULT_MAX_CHARS = 100_000
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
_DEVICE = re.compile(r"^(cpu|cuda(:\d+)?)$")
BACKENDS = ("ctranslate2", "torch")
DEFAULT_BACKENDS = {"cpu": "ctranslate2", "cuda": "torch"}
"""The backend used when none is asked for, by device kind."""

OUTPUT_FORMATS = ("jsonl", "txt")
"""The batch script's output formats: one JSONL record per document, or a mirrored txt tree."""


def env(name: str, default: str | None = None) -> str | None:
    """Read ``BILINGUAL_DIGEST_<name>``; blank values count as unset.

    Args:
        name: The variable name without the prefix, e.g. ``"DEVICE"``.
        default: What to return when it is unset or blank.

    Returns:
        The stripped value, or ``default``.
    """
    value = os.environ.get(ENV_PREFIX + name, "").strip()
    return value or default


def _check_int(
    owner: object, name: str, value: object, *, minimum: int = 1, allow_none: bool = False
) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        accepted = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        accepted += " or None" if allow_none else ""
        raise ValueError(f"{type(owner).__name__}.{name} must be {accepted}, got {value!r}.")


def _check_float(owner: object, name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(
            f"{type(owner).__name__}.{name} must be a non-negative number or None, got {value!r}."
        )


@dataclass(frozen=True)
class GenerationOptions:
    """What a backend needs to generate: decoding settings, ``None`` meaning the model's own.

    Attributes:
        num_beams: Beam size (1 = greedy).
        max_new_tokens: Most tokens generated per input.
        min_new_tokens: Fewest tokens generated per input.
        length_penalty: Beam-search length penalty.
        no_repeat_ngram_size: Forbid repeating n-grams of this size (0 = off).
        repetition_penalty: Penalty above 1.0 discourages repeats.
        score: ``True``: also give each output's :attr:`~bilingual_digest.backends.Generated.score`
            (one more pass of the model over the finished outputs); ``None``: don't.
    """

    num_beams: int | None = None
    max_new_tokens: int | None = None
    min_new_tokens: int | None = None
    length_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    repetition_penalty: float | None = None
    score: bool | None = None

    def __post_init__(self) -> None:
        _check_int(self, "num_beams", self.num_beams, allow_none=True)
        _check_int(self, "max_new_tokens", self.max_new_tokens, allow_none=True)
        _check_int(self, "min_new_tokens", self.min_new_tokens, minimum=0, allow_none=True)
        _check_int(
            self, "no_repeat_ngram_size", self.no_repeat_ngram_size, minimum=0, allow_none=True
        )
        _check_float(self, "length_penalty", self.length_penalty)
        _check_float(self, "repetition_penalty", self.repetition_penalty)
        if self.score not in (None, True):
            raise ValueError(f"GenerationOptions.score must be True or None, got {self.score!r}.")
        if (
            self.min_new_tokens is not None
            and self.max_new_tokens is not None
            and self.min_new_tokens > self.max_new_tokens
        ):
            raise ValueError(
                "GenerationOptions.min_new_tokens must not exceed max_new_tokens "
                f"({self.min_new_tokens} > {self.max_new_tokens})."
            )

    def as_kwargs(self) -> dict[str, object]:
        """Return the options that are set, as keyword arguments for ``generate``."""
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


@dataclass(frozen=True)
class TranslationOptions:
    """How a translator decodes, with the OPUS-MT models' own defaults.

    Attributes:
        num_beams: Beam size; OPUS-MT's default is 4. Use 1 for greedy (fastest).
        max_new_tokens: Most tokens generated for one sentence; OPUS-MT's default is 512.
            A sentence whose translation reaches this limit is reported in the warnings.
        batch_size: Sentences translated together (sorted by length first).
        checks: Run the faithfulness checks (numbers, names, untranslated, length, loops)
            on every sentence and report findings.
        retry_degenerate: Translate a sentence again, with repetition guards, when its
            output loops or reaches the token limit; the better output is kept.
        confidence: Give each sentence the model's confidence in its translation
            (:attr:`~bilingual_digest.translation.Segment.confidence`), read in one more pass
            of the model over the finished outputs. Off by default: that pass adds about a
            quarter to the translation's CPU time (measured by benchmarks/confidence.py).
    """

    num_beams: int = 4
    max_new_tokens: int = 512
    batch_size: int = 16
    checks: bool = True
    retry_degenerate: bool = True
    confidence: bool = False

    def __post_init__(self) -> None:
        _check_int(self, "num_beams", self.num_beams)
        _check_int(self, "max_new_tokens", self.max_new_tokens)
        _check_int(self, "batch_size", self.batch_size)
        for name in ("checks", "retry_degenerate", "confidence"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"TranslationOptions.{name} must be True or False.")

    def generation(self) -> GenerationOptions:
        """The decoding part of these options, for a backend."""
        return GenerationOptions(
            num_beams=self.num_beams,
            max_new_tokens=self.max_new_tokens,
            score=True if self.confidence else None,
        )

    def at_speed(self, speed: str) -> TranslationOptions:
        """These options with the beam size of a speed preset (see :data:`SPEEDS`).

        Raises:
            InputError: If ``speed`` is not a preset.
        """
        beams = SPEEDS[validate_speed(speed)]
        return self if beams is None else replace(self, num_beams=beams)


SPEEDS: dict[str, int | None] = {"default": None, "fast": 1}
"""Decoding speed presets: the beam size every model decodes with, by preset name.

``default`` keeps the options' own beam size (4, the OPUS-MT and DistilBART default);
``fast`` decodes greedily (beam 1): several times the throughput, at the cost of the last
point of quality. Every door (Python, command line, web page, API) offers these names.
"""

DEFAULT_SPEED = "default"
FAST = "fast"


def speed_label(speed: str) -> str:
    """A speed preset in words, for labels and help texts: ``"Fast (greedy)"``.

    Raises:
        InputError: If ``speed`` is not a preset.
    """
    beams = SPEEDS[validate_speed(speed)] or TranslationOptions.num_beams
    return f"{speed.capitalize()} ({'greedy' if beams == 1 else f'beam {beams}'})"


def validate_speed(speed: object) -> str:
    """Check a speed preset name.

    Args:
        speed: ``"default"`` or ``"fast"`` (case and spaces ignored).

    Returns:
        The normalised name.

    Raises:
        InputError: For anything else (the message lists the accepted values).
    """
    return _preset(speed, SPEEDS, "speed")


SUMMARY_LENGTHS: dict[str, tuple[int, int]] = {
    "short": (20, 60),
    "medium": (56, 142),
    "long": (120, 300),
}
"""Summary length presets: ``(min_new_tokens, max_new_tokens)``. ``medium`` is DistilBART's own."""

DEFAULT_LENGTH = "medium"


def validate_length(length: object) -> str:
    """Check a summary length preset.

    Args:
        length: ``"short"``, ``"medium"`` or ``"long"`` (case and spaces ignored).

    Returns:
        The normalised name.

    Raises:
        InputError: For anything else (the message lists the accepted values).
    """
    return _preset(length, SUMMARY_LENGTHS, "summary length")


def _preset(value: object, presets: Mapping[str, Any], what: str) -> str:
    """``value`` normalised (case and spaces ignored) if it names one of ``presets``.

    Raises:
        InputError: For anything else (the message lists the accepted values).
    """
    norm = value.strip().lower() if isinstance(value, str) else value
    if norm not in presets:
        accepted = ", ".join(map(repr, presets))
        raise InputError(f"Unknown {what} {value!r}: accepted values are {accepted}.")
    return norm  # type: ignore[return-value]


def validate_device(device: object) -> str:
    """Check a device name.

    Args:
        device: ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.

    Returns:
        The normalised (lower-case, stripped) name.

    Raises:
        ValueError: For anything else.
    """
    norm = device.strip().lower() if isinstance(device, str) else device
    if not isinstance(norm, str) or not _DEVICE.match(norm):
        raise ValueError(
            f"Unsupported device {device!r}: accepted values are 'cpu', 'cuda' or 'cuda:N'."
        )
    return norm


CONFIDENCE_ENV = "CONFIDENCE"
"""``BILINGUAL_DIGEST_CONFIDENCE``: the default translators give each sentence a confidence."""


def confidence_enabled() -> bool:
    """Whether ``BILINGUAL_DIGEST_CONFIDENCE`` turns the per-sentence confidence on for the
    default translators (the page, the API, ``translate()``, ``digest()``); off when unset.

    Raises:
        InputError: For a value that is not yes or no (1/0, true/false, on/off).
    """
    from .settings import _boolean

    try:
        return _boolean(env(CONFIDENCE_ENV, "0"))
    except ValueError as exc:
        raise InputError(f"{ENV_PREFIX}{CONFIDENCE_ENV}: {exc}") from None


def resolve_device(device: str | None) -> str:
    """The device to use: the argument, else ``BILINGUAL_DIGEST_DEVICE``, else ``"cpu"``."""
    return validate_device(device if device is not None else env("DEVICE", "cpu"))


def validate_backend(backend: object) -> str:
    """Check a backend name.

    Raises:
        ValueError: If it is not one of :data:`BACKENDS`.
    """
    norm = backend.strip().lower() if isinstance(backend, str) else backend
    if norm not in BACKENDS:
        accepted = ", ".join(map(repr, BACKENDS))
        raise ValueError(f"Unsupported backend {backend!r}: accepted values are {accepted}.")
    return norm  # type: ignore[return-value]


def resolve_backend(backend: str | None, device: str) -> str:
    """The backend to use: the argument, else ``BILINGUAL_DIGEST_BACKEND``, else the default.

    The default is ``ctranslate2`` (int8, several times faster) on CPU and ``torch`` on CUDA.

    Args:
        backend: A backend name, or ``None``.
        device: The (validated) device the model runs on.

    Returns:
        The validated backend name.

    Raises:
        ValueError: If the name is not one of :data:`BACKENDS`.
    """
    default = DEFAULT_BACKENDS[device.partition(":")[0]]
    return validate_backend(backend if backend is not None else env("BACKEND", default))


def describe_default_backend() -> str:
    """The default backend in words, for help texts: ``"ctranslate2 on cpu, torch on cuda"``."""
    return ", ".join(f"{backend} on {kind}" for kind, backend in DEFAULT_BACKENDS.items())


def threads() -> int:
    """CPU cores a model may use (``BILINGUAL_DIGEST_THREADS``, default: the usable cores).

    Raises:
        ValueError: If the variable is set to something other than a positive integer.
    """
    raw = env("THREADS")
    if raw is None:
        usable = getattr(os, "sched_getaffinity", None)
        return len(usable(0)) if usable else os.cpu_count() or 1
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{ENV_PREFIX}THREADS must be a positive integer, got {raw!r}.")
    return int(raw)


def translation_model(source: str, target: str, model: str | os.PathLike[str] | None = None) -> str:
    """The model for a pair: the argument, else the pair's environment variable, else the default.

    Args:
        source: Source language code.
        target: Target language code.
        model: Explicit hub id or local directory, if any.

    Returns:
        A hub id or a local directory path.

    Raises:
        UnsupportedLanguageError: If the pair is not registered.
    """
    if model is not None:
        return os.fspath(model)
    pair = get_pair(source, target)
    return env(pair.env_name, pair.model)  # type: ignore[return-value]


def summary_model(model: str | os.PathLike[str] | None = None) -> str:
    """The summariser: the argument, else ``BILINGUAL_DIGEST_MODEL_SUMMARY``, else DistilBART."""
    if model is not None:
        return os.fspath(model)
    return env("MODEL_SUMMARY", DEFAULT_SUMMARY_MODEL)  # type: ignore[return-value]


def max_chars() -> int:
    """The largest accepted input in characters (``BILINGUAL_DIGEST_MAX_CHARS``, default 100,000).

    Raises:
        ValueError: If the variable is set to something other than a positive integer.
    """
    return int(_env_number("MAX_CHARS", int, DEFAULT_MAX_CHARS))


def cache_dir() -> Path:
    """Where bilingual-digest keeps converted models and caches (not created here).

    ``BILINGUAL_DIGEST_CACHE_DIR`` if set, else the user's cache directory
    (e.g. ``~/.cache/bilingual-digest`` on Linux).
    """
    configured = env("CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("bilingual-digest", appauthor=False))


def check_text(text: object, *, what: str = "text", limit: int | None = None) -> str:
    """Validate one input text at the boundary.

    Args:
        text: The caller's input: a ``str``, or an
            :class:`~bilingual_digest.documents.Article` (its title and text are checked).
        what: How to name it in messages.
        limit: Largest accepted length in characters; ``None`` for no limit (library calls
            accept any length; the digest, the web UI and the batch script pass
            :func:`max_chars`).

    Returns:
        The text, unchanged (an article's :attr:`~bilingual_digest.documents.Article.full_text`).

    Raises:
        TypeError: If it is neither a ``str`` nor an ``Article``.
        InputError: If it is empty, whitespace only, or longer than the limit.
    """
    text = as_text(text)
    if not isinstance(text, str):
        raise TypeError(f"The {what} must be a str or an Article, got {type(text).__name__}.")
    if not text.strip():
        raise InputError(f"The {what} is empty: give some French or English text.")
    if limit is not None and len(text) > limit:
        raise InputError(
            f"The {what} has {len(text):,} characters, over the limit of {limit:,}. "
            f"Split it, or raise the limit with {ENV_PREFIX}MAX_CHARS."
        )
    return text


@dataclass(frozen=True)
class FetchOptions:
    """How web pages are fetched: the limits every door shares.

    Attributes:
        timeout: Seconds the whole fetch may take (name lookup, connection, redirects and
            reading), default 15.
        max_bytes: Largest page accepted, in bytes after decompression, default 10 MB;
            reading stops there.
        max_redirects: Most redirects followed, default 5 (each target is checked again).
        allow_private: Fetch private, loopback, link-local and other non-public addresses
            too; off by default, so a public server is not a way into the network behind it.
    """

    timeout: float = 15.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    allow_private: bool = False

    def __post_init__(self) -> None:
        if (
            isinstance(self.timeout, bool)
            or not isinstance(self.timeout, (int, float))
            or not 0 < self.timeout < float("inf")
        ):
            raise ValueError(
                f"FetchOptions.timeout must be a positive number, got {self.timeout!r}."
            )
        _check_int(self, "max_bytes", self.max_bytes)
        _check_int(self, "max_redirects", self.max_redirects, minimum=0)
        if not isinstance(self.allow_private, bool):
            raise ValueError("FetchOptions.allow_private must be True or False.")

    @classmethod
    def from_env(
        cls,
        *,
        timeout: float | None = None,
        max_bytes: int | None = None,
        allow_private: bool | None = None,
    ) -> FetchOptions:
        """The options for one fetch: each argument, else its environment variable, else
        the default.

        Raises:
            ValueError: If an argument or a variable holds something unusable.
        """
        defaults = cls()
        if timeout is None:
            timeout = _env_number("FETCH_TIMEOUT", float, defaults.timeout)
        if max_bytes is None:
            max_bytes = _env_number("FETCH_MAX_BYTES", int, defaults.max_bytes)
        if allow_private is None:
            allow_private = env_flag("ALLOW_PRIVATE_URLS", defaults.allow_private)
        return cls(timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)


def _env_number(name: str, kind: type, default: float) -> float:
    raw = env(name)
    if raw is None:
        return default
    try:
        value = kind(raw.replace("_", ""))
    except ValueError:
        value = 0
    if not value > 0:
        accepted = "a positive integer" if kind is int else "a positive number"
        raise ValueError(f"{ENV_PREFIX}{name} must be {accepted}, got {raw!r}.")
    return value


def env_flag(name: str, default: bool = False) -> bool:
    """Read a yes/no ``BILINGUAL_DIGEST_<name>`` (``1``/``true``/``yes``/``on`` or the opposite).

    Raises:
        ValueError: For any other value.
    """
    raw = env(name)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ValueError(f"{ENV_PREFIX}{name} must be 1 or 0 (true or false), got {raw!r}.")
