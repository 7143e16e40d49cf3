"""The exceptions bilingual-digest raises: each says what went wrong and what is accepted."""

from __future__ import annotations


class BilingualDigestError(Exception):
    """Base class of every error raised on purpose by bilingual-digest."""


class UnsupportedLanguageError(BilingualDigestError, ValueError):
    """A language or language pair that bilingual-digest does not handle.

    Attributes:
        reason: What went wrong, without advice.
        asks_for_language: True when the fix is to give the language explicitly (it could
            not be detected); each door then says how in its own terms
            (:func:`bilingual_digest.messages.door_message`). ``str()`` gives Python's way.
    """

    def __init__(self, reason: str, *, asks_for_language: bool = False) -> None:
        self.reason = reason
        self.asks_for_language = asks_for_language
        super().__init__(reason)

    def __str__(self) -> str:
        if not self.asks_for_language:
            return self.reason
        from .messages import language_hint

        return f"{self.reason} {language_hint('python')}"


class InputError(BilingualDigestError, ValueError):
    """Input text that cannot be processed (empty, wrong type, over the size limit)."""


class ModelUnavailableError(BilingualDigestError, OSError):
    """A model that cannot be loaded: not downloaded, no network, bad id or incomplete directory.

    Attributes:
        model: The hub id or local directory that was asked for.
    """

    def __init__(self, model: str, reason: str, hint: str | None = None) -> None:
        self.model = model
        self.reason = reason
        self.hint = hint or _default_hint(model)
        super().__init__(f"Cannot load model {model!r}: {reason}. {self.hint}")


def _default_hint(model: str) -> str:
    return (
        "Download it once on a connected machine (`bilingual-digest download`, or "
        f"`huggingface-cli download {model}`), or point the matching BILINGUAL_DIGEST_MODEL_* "
        "environment variable (or the `model=` argument) at a local directory holding the "
        "model's files (config.json, weights and tokenizer files)."
    )


class DeviceUnavailableError(BilingualDigestError, RuntimeError):
    """A device that was asked for (e.g. ``cuda``) is not available on this machine."""


class Cancelled(BilingualDigestError):
    """Work stopped because its caller cancelled it (see :mod:`bilingual_digest.cancel`)."""


class ServerBusyError(BilingualDigestError):
    """The server's queue is full: the request was refused at once rather than left waiting.

    Attributes:
        retry_after: Seconds after which a retry is reasonable.
    """

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after
