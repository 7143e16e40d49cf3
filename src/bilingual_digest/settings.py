"""The server's settings, each defined once: its option, its variable, its check, its help.

Every entry of :data:`SERVE_SETTINGS` is one setting of ``bilingual-digest serve`` (and
``python app.py``): the command line builds its options and help from it, and
:meth:`ServerSettings.resolve` reads each value from the argument, else
``BILINGUAL_DIGEST_<NAME>``, else (host and port only) Gradio's own variable, else the default,
checking it with the same function whichever way it came. A bad value is refused with a
message that names where it came from.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .languages import ENV_PREFIX
from .options import DEFAULT_MAX_CHARS
from .work_queue import DEFAULT_CONCURRENCY, DEFAULT_QUEUE_SIZE

logger = logging.getLogger("bilingual_digest")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
DEFAULT_RATE_LIMIT = "60/minute"
GRADIO_HOST_ENV = "GRADIO_SERVER_NAME"
GRADIO_PORT_ENV = "GRADIO_SERVER_PORT"
"""Gradio's own settings, read when ``BILINGUAL_DIGEST_HOST`` / ``_PORT`` are not set."""

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
"""Host names a loopback-bound server answers to (besides its own address): DNS rebinding."""

_OFF = {"", "0", "none", "off", "no", "false"}
_ON = {"1", "yes", "on", "true"}
_ORIGIN = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s]+$", re.IGNORECASE)


# --------------------------------------------------------------------------- the checks


def validate_host(host: str) -> str:
    """Check a host name or address to bind (see :func:`warn_if_exposed` for the warning).

    Raises:
        ValueError: If it is empty, or written like an IPv4 address but isn't one.
    """
    host = str(host).strip()
    if not host:
        raise ValueError("The host must be an address or name, e.g. 127.0.0.1 or 0.0.0.0.")
    if re.fullmatch(r"[\d.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise ValueError(
                f"The host {host!r} is not an IPv4 address (four numbers from 0 to 255)."
            ) from None
    return host


def warn_if_exposed(host: str, keys: bool = False) -> None:
    """Log a warning when the server is about to serve other machines."""
    if not is_loopback(host):
        logger.warning(
            "Serving on %s: anyone who can reach this machine on the network can use the app "
            "(and your CPU)%s. See the README's 'Exposing it'.",
            host,
            "" if keys else ", with no API key",
        )


def is_loopback(host: str) -> bool:
    """Whether a bind address only serves this machine."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def validate_port(port: object) -> int:
    """Check a TCP port (an int or a numeric string).

    Raises:
        ValueError: Unless it is an integer from 1 to 65535.
    """
    try:
        value = int(str(port).strip())
    except ValueError:
        value = -1
    if isinstance(port, bool) or not 1 <= value <= 65535:
        raise ValueError(f"The port must be an integer from 1 to 65535, got {port!r}.")
    return value


def _positive(what: str) -> Callable[[object], int]:
    def check(value: object) -> int:
        try:
            number = int(str(value).strip().replace("_", ""))
        except ValueError:
            number = 0
        if isinstance(value, bool) or number < 1:
            raise ValueError(f"The {what} must be a positive integer, got {value!r}.")
        return number

    check.__name__ = what.replace(" ", "_")
    return check


def _keys_file(value: object) -> str | None:
    if value is None or not str(value).strip():
        return None
    path = Path(str(value).strip()).expanduser()
    if not path.is_file():
        raise ValueError(f"The API keys file {str(path)!r} does not exist or is not a file.")
    return str(path)


def _words(value: object) -> tuple[str, ...]:
    """Comma- or space-separated values."""
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part for part in re.split(r"[\s,]+", str(value or "")) if part)


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _ON or text in _OFF:
        return text in _ON
    raise ValueError(f"Expected yes or no (1/0, true/false, on/off), got {value!r}.")


def _rate_limit(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    if text.lower() in _OFF:
        return None
    from limits import parse_many

    try:
        parse_many(text)
    except ValueError:
        raise ValueError(
            f"The rate limit {text!r} is not a limit like '60/minute' or '10/second;500/day' "
            "(or 'none')."
        ) from None
    return text


def _origins(value: object) -> tuple[str, ...]:
    origins = _words(value)
    for origin in origins:
        if origin != "*" and not _ORIGIN.match(origin):
            raise ValueError(
                f"The CORS origin {origin!r} is not an origin like "
                "'chrome-extension://abcdef' or 'https://example.org' (no path), or '*'."
            )
    return origins


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Setting:
    """One server setting.

    Attributes:
        name: The attribute of :class:`ServerSettings`; the variable is
            ``BILINGUAL_DIGEST_<NAME>`` and the option ``--<name-with-dashes>``.
        check: Turns a given value (text from the command line or the environment, or a
            Python value) into the setting's value; raises ``ValueError`` with a message.
        default: The value when nothing is given.
        help: What it does, for ``--help`` (the variable and the default are added).
        option: Whether it has a command-line option (keys don't: they would show in ``ps``).
        shown_default: The default as ``--help`` shows it, when ``default`` isn't it.
        gradio: Gradio's variable, read after ours.
        metavar: The option's placeholder in ``--help``.
    """

    name: str
    check: Callable[[Any], Any]
    default: Any
    help: str
    option: bool = True
    shown_default: str | None = None
    gradio: str | None = None
    metavar: str | None = None

    @property
    def env(self) -> str:
        """The environment variable: ``BILINGUAL_DIGEST_<NAME>``."""
        return ENV_PREFIX + self.name.upper()

    @property
    def flag(self) -> str:
        """The command-line option: ``--<name-with-dashes>``."""
        return "--" + self.name.replace("_", "-")

    @property
    def boolean(self) -> bool:
        """Whether it is a yes/no setting (``--x`` / ``--no-x``)."""
        return self.check is _boolean

    def describe(self) -> str:
        """The help text: what it does, its variable(s) and its default."""
        shown = self.shown_default if self.shown_default is not None else self.default
        variables = f"env {self.env}" + (f", else {self.gradio}" if self.gradio else "")
        return f"{self.help} (default: {variables}, else {shown})"

    def resolve(self, given: object) -> Any:
        """The argument, else our variable, else Gradio's, else the default; checked.

        Raises:
            ValueError: If the value is invalid; the message names the variable it came from.
        """
        value, source = given, "argument"
        if given is None:
            value, source = self.default, "default"
            for variable in (self.env, self.gradio):
                found = os.environ.get(variable, "").strip() if variable else ""
                if found:
                    value, source = found, variable
                    break
        try:
            return self.check(value)
        except ValueError as exc:
            where = "" if source in ("argument", "default") else f"{source}: "
            raise ValueError(f"{where}{exc}") from None


SERVE_SETTINGS: tuple[Setting, ...] = (
    Setting("host", validate_host, DEFAULT_HOST, "address to bind; 0.0.0.0 exposes the server "
            "to the network", gradio=GRADIO_HOST_ENV),
    Setting("port", validate_port, DEFAULT_PORT, "port of the page and the API",
            gradio=GRADIO_PORT_ENV),
    Setting("max_chars", _positive("character limit"), DEFAULT_MAX_CHARS,
            "largest article, and largest API request (all its texts together), in characters",
            shown_default=f"{DEFAULT_MAX_CHARS:,}"),
    Setting("concurrency", _positive("concurrency"), DEFAULT_CONCURRENCY,
            "requests run on the models at once, page and API together"),
    Setting("queue_size", _positive("queue size"), DEFAULT_QUEUE_SIZE,
            "requests that may wait for their turn; beyond, the server answers that it is busy"),
    Setting("rate_limit", _rate_limit, DEFAULT_RATE_LIMIT,
            "API requests per client (its key, else its address), e.g. 30/minute or "
            "10/second;1000/day; none for no limit"),
    Setting("api_keys_file", _keys_file, None, "file of API keys, one a line; with keys "
            "(here or in BILINGUAL_DIGEST_API_KEYS) every API call needs one", metavar="FILE",
            shown_default="no keys"),
    Setting("api_keys", _words, (), "", option=False),
    Setting("page_requires_key", _boolean, False, "the web page asks for an API key too "
            "(as the password of its login form)", shown_default="no"),
    Setting("cors_origins", _origins, (), "origins allowed to call the API from a browser, "
            "comma-separated (a browser extension's chrome-extension://ID, or *)",
            metavar="ORIGINS", shown_default="none"),
    Setting("allowed_hosts", _words, (), "host names the server answers to, comma-separated",
            metavar="HOSTS", shown_default="loopback names when bound to loopback, else any"),
    Setting("allow_private_urls", _boolean, False, "also fetch links (the page's link field, "
            "the API's url) to private, loopback and link-local addresses; off, the server is "
            "not a way into the network behind it", shown_default="no"),
)  # fmt: skip
"""Every setting of ``serve``, in ``--help`` order."""


@dataclass(frozen=True)
class ServerSettings:
    """The settings of one server; build it with :meth:`resolve`. See :data:`SERVE_SETTINGS`."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    max_chars: int = DEFAULT_MAX_CHARS
    concurrency: int = DEFAULT_CONCURRENCY
    queue_size: int = DEFAULT_QUEUE_SIZE
    rate_limit: str | None = DEFAULT_RATE_LIMIT
    api_keys_file: str | None = None
    api_keys: tuple[str, ...] = ()
    page_requires_key: bool = False
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    allow_private_urls: bool = False

    @classmethod
    def resolve(cls, **given: Any) -> ServerSettings:
        """Each setting from ``given`` (``None`` = not given), else the environment, else its
        default.

        Raises:
            ValueError: If a value is invalid (the message names its variable), or a name
                is not a setting.
        """
        unknown = set(given) - {setting.name for setting in SERVE_SETTINGS}
        if unknown:
            raise ValueError(f"Unknown server setting(s): {', '.join(sorted(unknown))}.")
        return cls(**{s.name: s.resolve(given.get(s.name)) for s in SERVE_SETTINGS})

    def replace(self, **changes: Any) -> ServerSettings:
        """A copy with some settings changed (checked as if given)."""
        checks = {setting.name: setting.check for setting in SERVE_SETTINGS}
        return dataclasses.replace(
            self, **{name: checks[name](value) for name, value in changes.items()}
        )

    @property
    def hosts(self) -> tuple[str, ...] | None:
        """Host names to answer to; ``None`` for any (the default off loopback)."""
        if self.allowed_hosts:
            return None if "*" in self.allowed_hosts else self.allowed_hosts
        if is_loopback(self.host):
            return tuple(dict.fromkeys((self.host, *LOOPBACK_NAMES)))
        return None

    def public(self) -> Mapping[str, object]:
        """The settings with the keys left out, for logs."""
        values = dataclasses.asdict(self)
        values["api_keys"] = f"{len(self.api_keys)} key(s)" if self.api_keys else "none"
        return values


def resolve_address(host: str | None = None, port: int | str | None = None) -> tuple[str, int]:
    """The address to serve on.

    Each of host and port comes from the argument, else our variable
    (``BILINGUAL_DIGEST_HOST`` / ``BILINGUAL_DIGEST_PORT``), else Gradio's
    (``GRADIO_SERVER_NAME`` / ``GRADIO_SERVER_PORT``), else ``127.0.0.1`` and ``7860``.

    Raises:
        ValueError: If a value is invalid; the message names the variable it came from.
    """
    by_name = {setting.name: setting for setting in SERVE_SETTINGS}
    return by_name["host"].resolve(host), by_name["port"].resolve(port)
