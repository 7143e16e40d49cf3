"""The backend factory: a backend by name, with the fallback from CTranslate2 to torch.

It lives beside the implementations (:mod:`.torch_backend`, :mod:`.ct2_backend`), so the
interface (:mod:`.base`) imports none of them. Importing the implementations is cheap: each
imports its engine (``torch``, ``ctranslate2``) only when a model is loaded.
"""

from __future__ import annotations

import logging

from ..cores import ThreadLayout
from ..models import check_available
from ..options import validate_backend
from .base import Backend
from .ct2_backend import CTranslate2Backend, CTranslate2Unavailable
from .torch_backend import TorchBackend

logger = logging.getLogger("bilingual_digest")


def load_backend(
    name: str, model: str, device: str = "cpu", layout: ThreadLayout | None = None
) -> Backend:
    """Build the named backend for a model.

    If ``ctranslate2`` is asked for but is not installed, or cannot convert or load the model,
    the torch backend is used instead, with one logged warning saying why (never an error).

    Args:
        name: ``"ctranslate2"`` or ``"torch"`` (see :data:`~bilingual_digest.options.BACKENDS`).
        model: Hub id or local directory.
        device: ``"cpu"`` or a CUDA device.
        layout: How the model spreads over the CPU cores (CTranslate2; see
            :func:`~bilingual_digest.cores.thread_layout`); default a translator's.

    Returns:
        A loaded backend.

    Raises:
        ValueError: For an unknown backend name.
        ModelUnavailableError: If the model cannot be loaded.
        DeviceUnavailableError: If CUDA is asked for and not available.
    """
    name = validate_backend(name)
    check_available(model)
    if name == "ctranslate2":
        try:
            return CTranslate2Backend(model, device, layout=layout)
        except CTranslate2Unavailable as exc:
            _warn_once(f"CTranslate2 backend unavailable: {exc}. Using the torch backend (slower).")
    return TorchBackend(model, device)


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    """Log ``message`` as a warning the first time only (e.g. once, not once per model)."""
    if message not in _warned:
        _warned.add(message)
        logger.warning(message)
