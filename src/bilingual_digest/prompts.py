"""Summariser prompt templates: the only reader of the ``prompts/`` directory.

A template is a plain-text file ``<family>.txt`` with one ``{text}`` placeholder where the
article goes (a final line break is ignored; other braces are kept as they are). The
template for a model is chosen from its name and config:

1. the longest family name found in the model's name, the last part of its id or path
   (``flan-t5`` in ``google/flan-t5-base``, ``bart`` in ``sshleifer/distilbart-cnn-12-6``);
2. else the family equal to ``config.model_type`` (``t5``, ``bart``, ``pegasus`` …);
3. else ``default`` (the article alone).

Templates are searched, first hit per family winning, in ``BILINGUAL_DIGEST_PROMPTS_DIR``
(the user's own), the installed package's data directory ``<prefix>/share/bilingual-digest/
prompts/`` (where the wheel puts the top-level ``prompts/``) and the source checkout's
``prompts/``. A user adds a model family by adding a file, with no code.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .options import ENV_PREFIX, env

logger = logging.getLogger("bilingual_digest")

PLACEHOLDER = "{text}"
DEFAULT_FAMILY = "default"
DISTRIBUTION = "bilingual-digest"
_CHECKOUT_DIR = Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class PromptTemplate:
    """A summariser prompt.

    Attributes:
        family: The model family it is for (the file's name without ``.txt``).
        template: The text with one ``{text}`` placeholder.
        path: The file it was read from.
    """

    family: str
    template: str
    path: str

    def render(self, text: str) -> str:
        """Put ``text`` in the placeholder.

        Args:
            text: The article (or the joined section summaries).

        Returns:
            The model input.
        """
        return self.template.replace(PLACEHOLDER, text, 1)


@functools.lru_cache(maxsize=1)
def installed_dir() -> Path | None:
    """Where an installed wheel put the templates (``<prefix>/share/bilingual-digest/prompts``).

    Returns:
        The directory, or ``None`` when not installed from a wheel (e.g. an editable install).
    """
    try:
        files = metadata.distribution(DISTRIBUTION).files or []
    except metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.suffix == ".txt" and file.parent.name == "prompts" and "share" in file.parts:
            return Path(str(file.locate())).resolve().parent
    return None


def template_dirs() -> list[Path]:
    """The directories searched for templates, in order of precedence (existing ones only)."""
    user = env("PROMPTS_DIR")
    candidates = [Path(user).expanduser()] if user else []
    candidates += [d for d in (installed_dir(), _CHECKOUT_DIR) if d is not None]
    return [d for d in dict.fromkeys(candidates) if d.is_dir()]


def available() -> dict[str, Path]:
    """Every known family and the file that defines it (the first found wins).

    Returns:
        ``{family: path}``, sorted by family name.
    """
    found: dict[str, Path] = {}
    for directory in template_dirs():
        for path in sorted(directory.glob("*.txt")):
            found.setdefault(path.stem.lower(), path)
    return dict(sorted(found.items()))


def load(family: str) -> PromptTemplate:
    """Read one family's template.

    Args:
        family: A family name, e.g. ``"t5"``.

    Returns:
        The template.

    Raises:
        ValueError: If no file defines it (the message lists the families there are), or the
            file does not hold exactly one ``{text}`` placeholder.
    """
    files = available()
    key = family.strip().lower()
    if key not in files:
        where = ", ".join(str(d) for d in template_dirs()) or "no template directory found"
        raise ValueError(
            f"No prompt template for model family {family!r}: known families are "
            f"{', '.join(files) or 'none'} (searched {where}). Add a file {key}.txt with a "
            f"{PLACEHOLDER} placeholder, e.g. in the directory named by {ENV_PREFIX}PROMPTS_DIR."
        )
    path = files[key]
    template = path.read_text(encoding="utf-8").removesuffix("\n")
    if template.count(PLACEHOLDER) != 1:
        raise ValueError(
            f"The prompt template {path} must hold the placeholder {PLACEHOLDER} exactly once, "
            f"found it {template.count(PLACEHOLDER)} times."
        )
    return PromptTemplate(key, template, str(path))


def _config_value(config: object, *names: str) -> str | None:
    for name in names:
        value = config.get(name) if isinstance(config, Mapping) else getattr(config, name, None)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def family_for(config: object = None, model: str | None = None) -> str:
    """The template family for a model (see the module docstring for the rules).

    Args:
        config: The model's config: a transformers ``PretrainedConfig``, a ``config.json``
            mapping, or ``None`` when unknown.
        model: The hub id or directory the model was loaded from.

    Returns:
        A family name that :func:`load` knows.
    """
    families = [f for f in available() if f != DEFAULT_FAMILY]
    names = [  # the last path component only: a parent directory's name says nothing
        Path(n.rstrip("/\\")).name.lower()
        for n in (model, _config_value(config, "name_or_path", "_name_or_path"))
        if n
    ]
    by_name = [f for f in families if any(f in name for name in names)]
    if by_name:
        return max(by_name, key=lambda f: (len(f), f))
    model_type = (_config_value(config, "model_type") or "").lower()
    return model_type if model_type in families else DEFAULT_FAMILY


def select(config: object = None, model: str | None = None) -> PromptTemplate:
    """The template for a model.

    Args:
        config: The model's config (object or mapping), or ``None``.
        model: The hub id or directory the model was loaded from.

    Returns:
        The chosen :class:`PromptTemplate`.

    Raises:
        ValueError: If the chosen file is malformed, or no template at all is found.
    """
    template = load(family_for(config, model))
    logger.debug("Prompt template %r (%s) for model %s", template.family, template.path, model)
    return template


def read_config(model: str) -> dict[str, object] | None:
    """The ``config.json`` of a local model directory, for backends that don't expose a config.

    Args:
        model: Hub id or local directory.

    Returns:
        The parsed config, or ``None`` for a hub id or an unreadable file.
    """
    path = Path(model).expanduser() / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
