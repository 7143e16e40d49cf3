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


class ArticleError(BilingualDigestError):
    """A web page or saved page that gives no article: unreachable, refused, too large, not
    HTML, or holding no article text. The message says which, and names the page.
    """


class FetchError(ArticleError):
    """A page that could not be fetched: a host that can't be resolved or reached, an HTTP
    error status, too many redirects or a loop, a body that can't be read."""


class OverLimit:
    """An error over a limit the operator sets: its message is the fact and how to raise the
    limit, in the words of the door it is shown at (see
    :func:`~bilingual_digest.messages.door_message`).

    Args:
        fact: What happened, e.g. ``"Fetching … timed out after 15 s"``.
        setting: The environment variable that sets the limit, if any.
        hint: How to raise it; default ``"raise the limit with <setting>"``.
    """

    def __init__(self, fact: str, setting: str | None = None, hint: str | None = None) -> None:
        self.fact, self.setting = fact, setting
        self.hint = (
            hint if hint is not None or setting is None else f"raise the limit with {setting}"
        )
        super().__init__(f"{fact} ({self.hint})." if self.hint else fact)

    def with_hint(self, hint: str) -> OverLimit:
        """The same error, its hint in other words (e.g. for a server's user)."""
        return type(self)(self.fact, self.setting, hint)


class FetchTimeoutError(OverLimit, FetchError):
    """A fetch that did not finish within its time limit (``BILINGUAL_DIGEST_FETCH_TIMEOUT``)."""


class PageTooLargeError(OverLimit, ArticleError):
    """A page over the size limit for a page (``BILINGUAL_DIGEST_FETCH_MAX_BYTES``)."""


class NotHTMLError(ArticleError):
    """A link that leads to something other than an HTML page (a PDF, JSON …)."""


class NoArticleTextError(ArticleError):
    """A page that holds no article text: empty, only a title, or mostly links (an index)."""


class PrivateAddressError(ArticleError):
    """A link that points at a private, loopback or link-local address, refused by default.

    Attributes:
        url: The link (or redirect target) that was refused.
        host: Its host name (or address).
        address: The address it resolves to.
        kind: What that address is, e.g. ``"a loopback address"``.
        hint: How to allow it, in the words of the door the error is shown at.
    """

    def __init__(
        self, url: str, host: str, address: str, kind: str, hint: str | None = None
    ) -> None:
        self.url, self.host, self.address, self.kind = url, host, address, kind
        self.hint = hint or (
            "pass allow_private=True, or set BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS=1, to allow them"
        )
        where = (
            f"{address} is {kind}" if host == address else f"{host} resolves to {address}, {kind}"
        )
        super().__init__(
            f"Refused to fetch {url}: {where}; private, "
            f"loopback and link-local addresses are not fetched unless allowed ({self.hint})."
        )

    def with_hint(self, hint: str) -> PrivateAddressError:
        """The same error, its hint in other words (e.g. a command-line flag)."""
        return PrivateAddressError(self.url, self.host, self.address, self.kind, hint)


class GlossaryError(BilingualDigestError, ValueError):
    """A glossary that can't be used: a bad file, an empty, duplicate or conflicting entry, a
    language pair that isn't registered. The message names the file (or table) and the line.
    """
