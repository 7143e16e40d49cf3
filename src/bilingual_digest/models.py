"""Load a tokenizer and a seq2seq model from a hub id or a local directory, with our errors.

This is the code a user's machine runs: ``from_pretrained`` on the Hugging Face hub id (which
downloads once into the Hugging Face cache) or on a local directory. Anything that goes wrong
is raised as :class:`~bilingual_digest.errors.ModelUnavailableError` naming the model and the
fix, never as a traceback from deep inside transformers.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from .errors import DeviceUnavailableError, ModelUnavailableError

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

logger = logging.getLogger("bilingual_digest")

_MODEL_FILES = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json")


def is_local(model: str) -> bool:
    """Whether ``model`` names an existing local path rather than a hub id."""
    return Path(model).expanduser().exists()


def _reason(model: str, exc: BaseException) -> str:
    path = Path(model).expanduser()
    if path.exists():
        if not path.is_dir():
            return f"{path} is a file, not a model directory"
        if not (path / "config.json").is_file():
            return f"the directory {path} has no config.json (not a model directory, or incomplete)"
        if not any((path / name).is_file() for name in _MODEL_FILES):
            return f"the directory {path} has no weights file (model.safetensors); it is incomplete"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"the directory {path} is corrupt or incomplete ({first})"
    if model.startswith((".", "/", "~")) or os.sep in model.strip("/").replace("/", "", 1):
        return f"there is no directory {model}"
    text = str(exc).lower()
    if hub_offline() or "connect" in text or "offline" in text or "cached" in text:
        return _NOT_REACHABLE
    return "no such model on the Hugging Face hub, or it is private"


_NOT_REACHABLE = (
    "it is not in the local Hugging Face cache and the hub cannot be reached "
    "(offline, or no network)"
)
_PROBE_TIMEOUT_S = 3.0
_PROBE_TTL_S = 30.0
_probe_lock = threading.Lock()
_probe: dict[str, tuple[float, bool]] = {}


def hub_offline() -> bool:
    """Whether ``HF_HUB_OFFLINE`` asks for no network at all."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _hub_reachable() -> bool:
    """One TCP connection to the hub (cached 30 s): can models be downloaded right now?"""
    from huggingface_hub import constants

    endpoint = urlparse(constants.ENDPOINT)
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (80 if endpoint.scheme == "http" else 443)
    with _probe_lock:
        seen = _probe.get(host)
        if seen is not None and time.monotonic() - seen[0] < _PROBE_TTL_S:
            return seen[1]
        try:
            socket.create_connection((host, port), timeout=_PROBE_TIMEOUT_S).close()
            reachable = True
        except OSError:
            reachable = False
        _probe[host] = (time.monotonic(), reachable)
        return reachable


def check_available(model: str) -> None:
    """Fail fast, with the fix, when a hub model is neither cached nor downloadable.

    Without this, a machine with no network spends minutes in the hub client's retries
    before saying anything. Local directories and cached models are not checked here (their
    loading says what is wrong with them), and nothing is probed when ``HF_HUB_OFFLINE``
    is set.

    Args:
        model: Hub id or local directory.

    Raises:
        ModelUnavailableError: If the model is a hub id that is not in the Hugging Face cache
            and the hub cannot be reached.
    """
    if is_local(model) or hub_offline():
        return
    from huggingface_hub import try_to_load_from_cache

    try:
        cached = try_to_load_from_cache(model, "config.json")
    except ValueError:  # not a valid repo id: from_pretrained will say so
        return
    if isinstance(cached, str):
        return
    if not _hub_reachable():
        raise ModelUnavailableError(model, _NOT_REACHABLE)


def check_device(device: str) -> None:
    """Raise if a CUDA device is asked for and none is usable.

    Raises:
        DeviceUnavailableError: ``cuda`` without a CUDA build of torch or a GPU.
    """
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise DeviceUnavailableError(
                f"Device {device!r} was asked for but CUDA is not available here (torch "
                f"{torch.__version__}). Use device='cpu' or install a CUDA build of torch."
            )


def load_tokenizer(model: str) -> PreTrainedTokenizerBase:
    """Load a model's tokenizer.

    Args:
        model: Hub id or local directory.

    Returns:
        The tokenizer.

    Raises:
        ModelUnavailableError: If it cannot be loaded.
    """
    from transformers import AutoTokenizer

    return _guarded(model, AutoTokenizer.from_pretrained, model, trust_remote_code=False)


_TORCH_LOADING = threading.Lock()
"""One transformers model built at a time: ``from_pretrained`` sets torch's default device
for the whole process while it builds, so two loads in threads (the digester loads its models
at the same time) would leave each other's weights on the meta device."""


def load_seq2seq(
    model: str, device: str = "cpu"
) -> tuple[PreTrainedTokenizerBase, PreTrainedModel]:
    """Load a tokenizer and a seq2seq model (Marian, BART, PEGASUS, T5 …) for inference.

    Args:
        model: Hub id (e.g. ``"Helsinki-NLP/opus-mt-fr-en"``) or local directory.
        device: ``"cpu"`` or a CUDA device.

    Returns:
        ``(tokenizer, model)``, the model in eval mode on ``device``.

    Raises:
        ModelUnavailableError: If the model cannot be had.
        DeviceUnavailableError: If ``device`` is CUDA and none is available.
    """
    from transformers import AutoModelForSeq2SeqLM

    check_device(device)
    tokenizer = load_tokenizer(model)
    with _TORCH_LOADING:  # transformers builds models on a process-wide meta device
        loaded = _guarded(
            model, AutoModelForSeq2SeqLM.from_pretrained, model, trust_remote_code=False
        )
        loaded.to(device).eval()
    logger.info("Loaded %s (%s) on %s", model, type(loaded).__name__, device)
    return tokenizer, loaded


def _guarded(model: str, loader: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return loader(*args, **kwargs)
    except ModelUnavailableError:
        raise
    except (
        Exception
    ) as exc:  # transformers raises OSError, ValueError, KeyError, safetensors errors…
        raise ModelUnavailableError(model, _reason(model, exc)) from exc
