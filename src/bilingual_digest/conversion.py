"""Convert a transformers checkpoint to CTranslate2, once, into the cache directory.

A converted model lives in ``cache_dir()/ct2/<model key>--<revision>-<quantization>``: the
model key names the hub id (or the local directory, with a hash of its path), the revision is
the hub commit (or a fingerprint of the local files), so a new revision converts again and an
old conversion is never used for it.

Safety: conversion writes into a hidden temporary directory next to the target, writes a
marker file last, then renames the directory into place (atomic on one file system). Only a
directory holding the marker is ever used. A file lock serialises processes (and threads) that
start at once: the second one waits and then reuses the first one's result.

The conversion itself runs in a child process (:data:`IN_SUBPROCESS`), so the serving
process never imports transformers or torch nor holds a float32 checkpoint: a first start
stays within the memory of the converted models.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import BilingualDigestError, ModelUnavailableError
from .models import is_local
from .options import cache_dir

logger = logging.getLogger("bilingual_digest")

MARKER = "bilingual_digest.json"
QUANTIZATIONS = ("int8", "int8_float16", "float16", "float32")
_TMP_PREFIX = ".tmp-"
_FINGERPRINT_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
)


class ConversionError(BilingualDigestError, RuntimeError):
    """A model that CTranslate2 could not convert (unsupported architecture, disk full …)."""


def model_revision(model: str) -> str:
    """A short identifier of the exact weights behind ``model``.

    Args:
        model: Hub id or local directory.

    Returns:
        The hub commit hash for a hub id (from the Hugging Face cache, downloading the config
        if needed), or a fingerprint of a local directory's config and weight files (names,
        sizes, modification times).

    Raises:
        ModelUnavailableError: If a hub model's config cannot be had.
    """
    if is_local(model):
        digest = hashlib.sha256()
        root = Path(model).expanduser()
        for name in _FINGERPRINT_FILES:
            path = root / name
            if path.is_file():
                stat = path.stat()
                digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        return digest.hexdigest()[:12]
    from huggingface_hub import hf_hub_download  # not transformers: it would import torch

    try:
        config = Path(hf_hub_download(model, "config.json"))
    except Exception as exc:  # OSError, huggingface_hub errors
        raise ModelUnavailableError(model, f"its config.json cannot be had ({exc})") from exc
    parent = config.parent
    return parent.name[:12] if parent.parent.name == "snapshots" else "unknown"


def model_key(model: str) -> str:
    """A file-system-safe name for a hub id or local directory.

    ``Helsinki-NLP/opus-mt-fr-en`` becomes ``Helsinki-NLP--opus-mt-fr-en``; a local directory
    becomes its base name plus a hash of its absolute path (two ``model`` dirs don't clash).
    """
    if is_local(model):
        path = Path(model).expanduser().resolve()
        name = f"{path.name}-{hashlib.sha256(str(path).encode()).hexdigest()[:8]}"
    else:
        name = model.replace("/", "--")
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "model"


def converted_dir(model: str, quantization: str = "int8") -> Path:
    """Where the conversion of ``model`` lives (whether or not it exists yet)."""
    return cache_dir() / "ct2" / f"{model_key(model)}--{model_revision(model)}-{quantization}"


def is_complete(path: Path) -> bool:
    """Whether ``path`` is a finished conversion (its marker is written last)."""
    return (path / MARKER).is_file() and (path / "model.bin").is_file()


def ensure_converted(model: str, quantization: str = "int8") -> Path:
    """Return the CTranslate2 conversion of ``model``, converting it first if needed.

    Safe to call from several processes or threads at once: one converts, the others wait
    for it and reuse the result. A failed or interrupted conversion leaves nothing usable
    behind (only a hidden temporary directory, removed by the next attempt).

    Args:
        model: Hub id or local transformers checkpoint directory.
        quantization: CTranslate2 weight type, one of :data:`QUANTIZATIONS`.

    Returns:
        The directory of the converted model.

    Raises:
        ValueError: For an unknown quantization.
        ModelUnavailableError: If a hub model's files cannot be had.
        ConversionError: If CTranslate2 cannot convert the model (the caller may fall back
            to the torch backend).
    """
    if quantization not in QUANTIZATIONS:
        accepted = ", ".join(map(repr, QUANTIZATIONS))
        raise ValueError(
            f"Unsupported quantization {quantization!r}: accepted values are {accepted}."
        )
    target = converted_dir(model, quantization)
    if is_complete(target):
        return target
    from filelock import FileLock

    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target) + ".lock"):
        if is_complete(target):  # another process finished while we waited
            return target
        _remove_leftovers(target)
        _convert(model, quantization, target)
    return target


def _remove_leftovers(target: Path) -> None:
    """Under the lock: remove temp dirs of crashed attempts and an unmarked target."""
    for stale in target.parent.glob(f"{_TMP_PREFIX}{target.name}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    if target.exists():
        logger.warning("Removing the incomplete conversion %s", target)
        shutil.rmtree(target, ignore_errors=True)


IN_SUBPROCESS = True
"""Convert in a child process (the default): transformers and torch, and the checkpoint
loaded in float32 (about 2 GB for the three default models), stay out of the serving
process, whose memory then holds only the converted models."""


def _convert(model: str, quantization: str, target: Path) -> None:
    logger.info("Converting %s to CTranslate2 %s in %s (once)", model, quantization, target)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{target.name}-", dir=target.parent))
    try:
        if IN_SUBPROCESS:
            _convert_in_child(model, quantization, tmp)
        else:
            convert_files(model, quantization, tmp)
        from ctranslate2 import __version__ as ct2_version

        info = {"model": model, "quantization": quantization, "ctranslate2": ct2_version}
        (tmp / MARKER).write_text(json.dumps(info), encoding="utf-8")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def convert_files(model: str, quantization: str, output: Path) -> None:
    """The conversion itself: ``TransformersConverter`` writes ``output`` (no marker).

    Raises:
        ConversionError: If CTranslate2 cannot convert the model.
    """
    from ctranslate2.converters import TransformersConverter

    try:
        TransformersConverter(model).convert(str(output), quantization=quantization, force=True)
    except Exception as exc:  # the converter raises ValueError, NotImplementedError, OSError…
        raise ConversionError(
            f"CTranslate2 cannot convert {model!r} ({type(exc).__name__}: {exc})"
        ) from exc


def _convert_in_child(model: str, quantization: str, output: Path) -> None:
    """:func:`convert_files` in a child Python process; its error, if any, raised here."""
    source = str(Path(__file__).resolve().parents[1])  # this copy of the package, first
    path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
    child = subprocess.run(
        [sys.executable, "-m", "bilingual_digest.conversion", model, quantization, str(output)],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        lines = [line for line in child.stderr.strip().splitlines() if line.strip()]
        message = lines[-1] if lines else f"the converter exited with {child.returncode}"
        prefix = f"{ConversionError.__name__}: "
        if message.startswith(prefix):
            raise ConversionError(message[len(prefix) :])
        raise ConversionError(f"CTranslate2 cannot convert {model!r} ({message})")


def _main(argv: list[str]) -> int:
    """``python -m bilingual_digest.conversion MODEL QUANTIZATION OUTPUT`` (the child)."""
    model, quantization, output = argv
    try:
        convert_files(model, quantization, Path(output))
    except ConversionError as exc:
        print(f"{ConversionError.__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
