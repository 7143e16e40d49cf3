"""The language registry: every language and translation pair the product knows, as data.

One place describes each language (:class:`Language`: its code, its names in English and in
itself, the language detector's handle, where the faithfulness checks find its tables) and
each translation pair (:class:`Pair`: the default model, and the environment variable and
command-line flag that override it, both derived from the pair). Everything else reads it:
the translator, the digest's flows, the batch script, the command line, the web page and the
reports. The shipped languages and pairs (French↔English) are read from ``languages.json``
beside this module; more come from files of the same shape named by
``BILINGUAL_DIGEST_LANGUAGES`` (paths separated by ``os.pathsep``), or from
:func:`register_language` / :func:`register_pair` at run time. Nothing is read at import time.

>>> from bilingual_digest.languages import get_pair
>>> get_pair("fr", "en").env_var
'BILINGUAL_DIGEST_MODEL_FR_EN'
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from .errors import InputError, UnsupportedLanguageError
from .live_views import LiveMapping, LiveTuple

ENV_PREFIX = "BILINGUAL_DIGEST_"
REGISTRY_ENV = ENV_PREFIX + "LANGUAGES"
"""Environment variable naming extra registry files (``os.pathsep``-separated)."""

SUMMARY_LANGUAGE = "en"
"""The language summarisers work in (DistilBART and the other defaults are English)."""

DEFAULT_SUMMARY_MODEL = "sshleifer/distilbart-cnn-12-6"
AUTO = "auto"
"""The direction choice that detects the source language."""

_BUILTIN = Path(__file__).with_name("languages.json")
_CODE = re.compile(r"^[a-z]{2,3}$")


@dataclass(frozen=True)
class Language:
    """A language the product handles.

    Attributes:
        code: ISO 639-1 (or 639-3) code, lower case: ``"fr"``.
        name: Its English name: ``"French"``.
        native_name: Its name in itself: ``"français"``.
        summary_label: "Summary" in the language, for headings: ``"Résumé"``.
        detector: The lingua ``Language`` member that detects it (``"FRENCH"``); ``None``
            when it can't be detected (the source must then be given).
        check_tables: Path of a JSON file with the faithfulness checks' tables for it;
            ``None`` means the checks' built-in tables for the code, if there are any.
        splitter: The sentence splitter's (sentencex's) code, when not ``code``.
    """

    code: str
    name: str
    native_name: str
    summary_label: str = "Summary"
    detector: str | None = None
    check_tables: str | None = None
    splitter: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not _CODE.match(self.code):
            raise ValueError(f"A language code is 2 or 3 lower-case letters, got {self.code!r}.")
        for name in ("name", "native_name", "summary_label"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"Language {self.code!r} needs a non-empty {name}.")

    @property
    def sentence_code(self) -> str:
        """The code the sentence splitter knows it by."""
        return self.splitter or self.code


@dataclass(frozen=True)
class Pair:
    """A translation direction and its default model.

    Attributes:
        source: Source language code.
        target: Target language code.
        model: Default model: a hub id or a local directory.
    """

    source: str
    target: str
    model: str

    def __post_init__(self) -> None:
        if self.source == self.target:
            raise ValueError(f"A pair needs two languages, got {self.source}→{self.target}.")
        if not isinstance(self.model, str) or not self.model.strip():
            raise ValueError(f"Pair {self.key} needs a default model.")

    @property
    def key(self) -> str:
        """``"fr-en"``: the direction choice, and the key of the pair's model everywhere."""
        return f"{self.source}-{self.target}"

    @property
    def env_name(self) -> str:
        """The settings name of the pair's model, without the prefix: ``"MODEL_FR_EN"``."""
        return f"MODEL_{self.source.upper()}_{self.target.upper()}"

    @property
    def env_var(self) -> str:
        """The environment variable that overrides the model: ``BILINGUAL_DIGEST_MODEL_FR_EN``."""
        return ENV_PREFIX + self.env_name

    @property
    def cli_flag(self) -> str:
        """The command-line flag that overrides the model: ``--model-fr-en``."""
        return f"--model-{self.key}"

    @property
    def label(self) -> str:
        """``"French → English"``."""
        return f"{get_language(self.source).name} → {get_language(self.target).name}"


class _Registry:
    """The registered languages and pairs, loaded on first use; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._languages: dict[str, Language] | None = None
        self._pairs: dict[tuple[str, str], Pair] = {}
        self._added: dict[str, list[dict[str, Any]]] = {"languages": [], "pairs": []}

    def _loaded(self) -> dict[str, Language]:
        with self._lock:
            if self._languages is None:
                self._languages, self._pairs = {}, {}
                try:
                    self._read(_BUILTIN)
                    for name in os.environ.get(REGISTRY_ENV, "").split(os.pathsep):
                        if name.strip():
                            self._read(Path(name.strip()).expanduser())
                except ValueError:
                    self._languages = None  # a fixed file is read again on next use
                    raise
                for entry in self._added["languages"]:
                    self._languages[entry["code"]] = Language(**entry)
                for entry in self._added["pairs"]:
                    self._pairs[(entry["source"], entry["target"])] = Pair(**entry)
            return self._languages

    def _read(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("the file must hold a JSON object")
            for entry in data.get("languages", []):
                self.add_language(_build(Language, entry), record=False)
            for entry in data.get("pairs", []):
                entry = dict(entry) if isinstance(entry, Mapping) else entry
                model = str(entry.get("model", "")) if isinstance(entry, dict) else ""
                if model.startswith(("./", "../")):  # relative to the registry file
                    entry["model"] = str((path.parent / model).resolve())
                self.add_pair(_build(Pair, entry), record=False)
        except (OSError, ValueError, TypeError) as exc:
            raise ValueError(
                f"The language registry file {str(path)!r} can't be used: {exc}."
            ) from exc

    def add_language(self, language: Language, *, record: bool = True) -> None:
        with self._lock:
            self._loaded()[language.code] = language
            if record:
                self._added["languages"].append(asdict(language))

    def add_pair(self, pair: Pair, *, record: bool = True) -> None:
        with self._lock:
            known = self._loaded()
            for code in (pair.source, pair.target):
                if code not in known:
                    raise ValueError(
                        f"Pair {pair.key}: register the language {code!r} before its pairs."
                    )
            self._pairs[(pair.source, pair.target)] = pair
            if record:
                self._added["pairs"].append(asdict(pair))

    def languages(self) -> dict[str, Language]:
        with self._lock:
            return dict(self._loaded())

    def pairs(self) -> dict[tuple[str, str], Pair]:
        with self._lock:
            self._loaded()
            return dict(self._pairs)

    def added(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            return {key: list(items) for key, items in self._added.items()}

    def reset(self) -> None:
        with self._lock:
            self._languages = None
            self._pairs = {}
            self._added = {"languages": [], "pairs": []}


_REGISTRY = _Registry()

_T = TypeVar("_T")


def _build(cls: type[_T], entry: object) -> _T:
    if not isinstance(entry, Mapping):
        raise ValueError(f"each {cls.__name__.lower()} entry must be a JSON object, got {entry!r}")
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(entry) - known - {"_comment"}
    if unknown:
        raise ValueError(f"unknown {cls.__name__.lower()} field(s) {sorted(unknown)}")
    return cls(**{k: v for k, v in entry.items() if k in known})


# --- registering ------------------------------------------------------------------------------


def register_language(language: Language | Mapping[str, Any]) -> Language:
    """Add (or replace) a language, for this process.

    Args:
        language: A :class:`Language`, or a mapping of its fields.

    Returns:
        The registered :class:`Language`.

    Raises:
        ValueError: If a field is missing or malformed.
    """
    built = language if isinstance(language, Language) else _build(Language, language)
    _REGISTRY.add_language(built)
    return built


def register_pair(pair: Pair | Mapping[str, Any]) -> Pair:
    """Add (or replace) a translation pair, for this process; its languages must be registered.

    Args:
        pair: A :class:`Pair`, or a mapping ``{"source", "target", "model"}``.

    Returns:
        The registered :class:`Pair`.

    Raises:
        ValueError: If a language is unknown or a field is malformed.
    """
    built = pair if isinstance(pair, Pair) else _build(Pair, pair)
    _REGISTRY.add_pair(built)
    return built


def registered_at_run_time() -> dict[str, list[dict[str, Any]]]:
    """What :func:`register_language` / :func:`register_pair` added, as plain data.

    Another process (a batch worker, a Ray actor) replays it with :func:`register_all`, so it
    knows the same languages as the process that planned the work.
    """
    return _REGISTRY.added()


def register_all(data: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Register the languages, then the pairs, of :func:`registered_at_run_time`'s shape."""
    for entry in data.get("languages", ()):
        if find_language(entry["code"]) != _build(Language, entry):
            register_language(entry)
    for entry in data.get("pairs", ()):
        built = _build(Pair, entry)
        if find_pair(built.source, built.target) != built:
            register_pair(built)


def reset_registry() -> None:
    """Forget run-time registrations; the files are read again on next use (for tests)."""
    _REGISTRY.reset()


# --- reading ----------------------------------------------------------------------------------


def languages() -> tuple[Language, ...]:
    """Every registered language, in registration order."""
    return tuple(_REGISTRY.languages().values())


def pairs() -> tuple[Pair, ...]:
    """Every registered translation pair, in registration order."""
    return tuple(_REGISTRY.pairs().values())


def find_language(code: object) -> Language | None:
    """The registered language with this code (any case, spaces ignored), or ``None``."""
    norm = code.strip().lower() if isinstance(code, str) else None
    return _REGISTRY.languages().get(norm) if norm else None


def find_pair(source: str, target: str) -> Pair | None:
    """The registered pair ``source → target``, or ``None``."""
    return _REGISTRY.pairs().get((source, target))


def _languages_text() -> str:
    return ", ".join(f"{lang.code!r} ({lang.name})" for lang in languages())


def pairs_text() -> str:
    """The supported pairs for messages: ``"fr→en, en→fr"``."""
    return ", ".join(f"{p.source}→{p.target}" for p in pairs())


def get_language(code: object, role: str = "language") -> Language:
    """The registered language with this code.

    Raises:
        UnsupportedLanguageError: If there is none; the message lists the accepted codes.
    """
    found = find_language(code)
    if found is None:
        raise UnsupportedLanguageError(
            f"Unsupported {role} language {code!r}: accepted values are {_languages_text()}."
        )
    return found


def get_pair(source: str, target: str) -> Pair:
    """The registered pair ``source → target``.

    Raises:
        UnsupportedLanguageError: If a code is unknown or the pair is not registered.
    """
    src = get_language(source, "source").code
    tgt = get_language(target, "target").code
    found = find_pair(src, tgt)
    if found is None:
        raise UnsupportedLanguageError(
            f"Unsupported language pair {src}→{tgt}: supported pairs are {pairs_text()}."
        )
    return found


def validate_language(code: object, role: str = "language") -> str:
    """Normalise and check a language code.

    Args:
        code: A code such as ``"fr"``, ``"EN"`` or ``" en "``.
        role: What the code is for, used in the error message (``"source"``, ``"target"``).

    Returns:
        The registered code, lower case.

    Raises:
        UnsupportedLanguageError: If the code is not a registered language.
    """
    return get_language(code, role).code


def language_name(code: str) -> str:
    """The English name of a language code (``"fr"`` → ``"French"``); the code if unknown."""
    found = find_language(code)
    return found.name if found else code


def default_target(source: str) -> str:
    """The target when none is given: that of the first registered pair from ``source``.

    Raises:
        UnsupportedLanguageError: If the language is unknown or no pair starts from it.
    """
    src = validate_language(source, "source")
    for pair in pairs():
        if pair.source == src:
            return pair.target
    raise UnsupportedLanguageError(
        f"Nothing translates from {language_name(src)} ({src}): supported pairs are {pairs_text()}."
    )


other_language = default_target  # the name of the first round, when there were two languages


def resolve_pair(
    source: str | None, target: str | None, text: str | None = None
) -> tuple[str, str]:
    """Work out the (source, target) pair from what the caller gave.

    Args:
        source: Source language code, or ``None`` to detect it from ``text``.
        target: Target language code, or ``None`` for :func:`default_target`.
        text: The text, needed only when ``source`` is ``None``.

    Returns:
        A registered ``(source, target)`` pair.

    Raises:
        UnsupportedLanguageError: If a code is unknown, the pair is not registered, or the
            language of ``text`` can't be detected.
    """
    if source is None:
        if text is None:
            raise UnsupportedLanguageError("source=None needs a text to detect the language of.")
        from .detection import detect_language

        src = detect_language(text)
    else:
        src = validate_language(source, "source")
    tgt = default_target(src) if target is None else validate_language(target, "target")
    pair = get_pair(src, tgt)
    return pair.source, pair.target


def directions() -> tuple[str, ...]:
    """The direction choices: ``"auto"``, then each pair's key (``"fr-en"``, ``"en-fr"`` …)."""
    return (AUTO, *(pair.key for pair in pairs()))


def parse_direction(direction: object) -> tuple[str, str] | None:
    """Read a direction choice: ``"auto"`` or a pair's key (any case, spaces ignored).

    Args:
        direction: The choice as given.

    Returns:
        ``None`` for ``"auto"`` (detect the language), else the ``(source, target)`` pair.

    Raises:
        InputError: For anything else; the message lists the accepted values.
    """
    norm = direction.strip().lower() if isinstance(direction, str) else direction
    choices = directions()
    if norm not in choices:
        accepted = ", ".join(map(repr, choices))
        raise InputError(f"Unknown direction {direction!r}: accepted values are {accepted}.")
    if norm == AUTO:
        return None
    pair = next(p for p in pairs() if p.key == norm)
    return pair.source, pair.target


def resolve_direction(direction: object, text: str) -> tuple[str, str]:
    """The ``(source, target)`` pair of a direction choice, detecting the language for ``"auto"``.

    Raises:
        InputError: For an unknown choice (the message lists the accepted values).
        UnsupportedLanguageError: If the language of ``text`` can't be detected.
    """
    pair = parse_direction(direction)
    return resolve_pair(None, None, text) if pair is None else pair


# --- live views for the names of the first round ----------------------------------------------


LANGUAGES: Mapping[str, str] = LiveMapping(lambda: {lang.code: lang.name for lang in languages()})
"""Registered language codes and their English names (a live view of the registry)."""

SUPPORTED_PAIRS: Sequence[tuple[str, str]] = LiveTuple(
    lambda: tuple((p.source, p.target) for p in pairs())
)
"""Registered ``(source, target)`` pairs (a live view of the registry)."""

DIRECTIONS: Sequence[str] = LiveTuple(directions)
"""The direction choices (a live view of :func:`directions`)."""

DEFAULT_TRANSLATION_MODELS: Mapping[tuple[str, str], str] = LiveMapping(
    lambda: {(p.source, p.target): p.model for p in pairs()}
)
"""Each registered pair's default model (a live view of the registry)."""


def __getattr__(name: str) -> Any:
    if name == "detect_language":  # lives in .detection; imported lazily (it needs lingua)
        from .detection import detect_language

        return detect_language
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
