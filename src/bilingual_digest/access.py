"""Who may call the API, and how often: API keys and the per-client rate limit.

No web framework here: :mod:`bilingual_digest.api` asks :class:`Access` about each request,
with the key it carried and the address it came from.

- **Keys**: from a keys file (one a line; blank lines and ``#`` comments ignored) and/or
  ``BILINGUAL_DIGEST_API_KEYS``. When there is at least one, every call that does work needs
  a valid one. Keys are compared in constant time and never logged or echoed.
- **Rate limit**: the `limits <https://limits.readthedocs.io>`_ library (the one under
  Flask-Limiter, which LibreTranslate uses), moving window, in memory, keyed by the client's
  API key when it has a valid one, else by its address.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .settings import ServerSettings

NEED_KEY = "Please contact the server operator to get an API key"
BAD_KEY = "Invalid API key"
"""LibreTranslate's messages for a missing and a wrong key."""


def read_keys_file(path: str | Path) -> list[str]:
    """The keys in a keys file: one a line, blank lines and ``#`` comments left out.

    Raises:
        ValueError: If the file can't be read or holds no key.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"The API keys file {str(path)!r} can't be read: {exc}.") from None
    keys = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not keys:
        raise ValueError(f"The API keys file {str(path)!r} holds no key.")
    return keys


@dataclass(frozen=True)
class Verdict:
    """What :meth:`Access.admit` decided about one request.

    Attributes:
        status: 200 (go on), 403 (key missing or wrong) or 429 (over the rate limit).
        error: The message for a refusal.
        retry_after: Seconds until the client may try again (429).
        client: Who the request counted for (a hashed key, or the address).
    """

    status: int
    error: str = ""
    retry_after: int = 0
    client: str = ""


class Access:
    """Keys and rate limit for one server.

    Args:
        keys: Valid API keys; none means no key is needed.
        rate_limit: A limit such as ``"60/minute"`` or ``"10/second;500/day"``; ``None`` for
            no limit.
    """

    def __init__(self, keys: Iterable[str] = (), rate_limit: str | None = None) -> None:
        self._keys = tuple(key.encode() for key in keys if key)
        self.rate_limit = rate_limit
        self._items: list = []
        self._limiter = None
        if rate_limit is not None:
            from limits import parse_many
            from limits.storage import MemoryStorage
            from limits.strategies import MovingWindowRateLimiter

            self._items = list(parse_many(rate_limit))
            self._limiter = MovingWindowRateLimiter(MemoryStorage())

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> Access:
        """The keys of the settings (file and variable) and their rate limit.

        Raises:
            ValueError: If the keys file can't be read or holds no key.
        """
        keys = list(settings.api_keys)
        if settings.api_keys_file is not None:
            keys += read_keys_file(settings.api_keys_file)
        return cls(keys, settings.rate_limit)

    def __repr__(self) -> str:
        return f"Access(keys={len(self._keys)}, rate_limit={self.rate_limit!r})"

    @property
    def keys_required(self) -> bool:
        """Whether calls need a key."""
        return bool(self._keys)

    def valid(self, key: object) -> bool:
        """Whether ``key`` is one of the keys (compared in constant time, all of them)."""
        if not isinstance(key, str) or not key:
            return False
        given = key.encode()
        found = False
        for known in self._keys:
            found |= hmac.compare_digest(given, known)
        return found

    def admit(self, key: object, address: str) -> Verdict:
        """Decide on one call that does work.

        The rate limit counts first (so guessing keys is throttled too), per valid key, else
        per address; then a missing or wrong key is refused when keys are required.

        Args:
            key: The API key the request carried, if any.
            address: The client's address.
        """
        valid = self.valid(key)
        client = "key:" + hashlib.sha256(str(key).encode()).hexdigest()[:16] if valid else address
        if self._limiter is not None:
            for item in self._items:
                if not self._limiter.hit(item, client):
                    reset = self._limiter.get_window_stats(item, client).reset_time
                    wait = max(1, int(reset - time.time() + 0.999))
                    return Verdict(429, f"Slowdown: {item}", wait, client)
        if self.keys_required and not valid:
            return Verdict(403, BAD_KEY if key else NEED_KEY, client=client)
        return Verdict(200, client=client)
