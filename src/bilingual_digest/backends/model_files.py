"""A checkpoint's JSON files (config, generation defaults, tokenizer config) without transformers.

The CTranslate2 backend serves a converted model; what it still needs from the transformers
checkpoint is small: ``config.json``, ``generation_config.json`` and the tokenizer files.
Reading them here with :mod:`json` keeps ``transformers`` (and through it ``torch``, about
280 MB of memory) out of the serving process.

A local directory is read directly; a hub id is resolved through the Hugging Face cache with
``huggingface_hub`` (which honours ``HF_HUB_OFFLINE``), as ``from_pretrained`` would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..models import is_local


@dataclass(frozen=True)
class GenerationDefaults:
    """The generation settings the CTranslate2 backend maps (``None`` = not set by the model).

    Same values, under the same names, as the fields of transformers' ``GenerationConfig``
    that :meth:`~bilingual_digest.backends.ct2_backend.CTranslate2Backend.decoding_arguments`
    reads.
    """

    max_length: int | None = None
    max_new_tokens: int | None = None
    min_length: int | None = None
    min_new_tokens: int | None = None
    num_beams: int | None = None
    length_penalty: float | None = None
    repetition_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    forced_bos_token_id: int | None = None
    forced_eos_token_id: int | None = None
    eos_token_id: int | list[int] | None = None
    bad_words_ids: list[list[int]] | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GenerationDefaults:
        """The defaults named in ``data`` (other keys are ignored)."""
        return cls(**{f.name: data.get(f.name) for f in fields(cls)})


def model_file(model: str, name: str) -> Path | None:
    """The path of one file of a checkpoint, or ``None`` if it has none (or it can't be had).

    Args:
        model: Hub id or local directory.
        name: File name inside the checkpoint (``config.json`` …).

    Returns:
        The local path: in the directory, or in the Hugging Face cache for a hub id.
    """
    if is_local(model):
        path = Path(model).expanduser() / name
        return path if path.is_file() else None
    from huggingface_hub import hf_hub_download

    try:
        return Path(hf_hub_download(model, name))
    except Exception:  # missing file, unknown repo, offline and not cached …
        return None


def read_json(model: str, name: str) -> dict[str, Any] | None:
    """A checkpoint's JSON file as a dict, or ``None`` if it is absent or not a JSON object.

    Args:
        model: Hub id or local directory.
        name: File name inside the checkpoint.
    """
    path = model_file(model, name)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def generation_defaults(model: str, config: Mapping[str, Any]) -> GenerationDefaults:
    """The model's generation defaults, as ``GenerationConfig.from_pretrained`` gives them.

    ``generation_config.json`` when the checkpoint has one; otherwise the generation settings
    of ``config.json`` (legacy checkpoints), which is what ``from_pretrained`` gives the torch
    model in that case.

    Args:
        model: Hub id or local directory.
        config: Its parsed ``config.json``.

    Returns:
        The defaults (fields the model doesn't set are ``None``).
    """
    generation = read_json(model, "generation_config.json")
    if generation is not None:
        return GenerationDefaults.from_dict(generation)
    return GenerationDefaults.from_dict(config)
