"""What an error says at each door: the same fact, told in the door's own terms.

The engine's errors say what went wrong; the advice on what to do depends on where the user
stands — an argument in Python, a flag on the command line, a choice on the web page, a
parameter of the REST API. :func:`door_message` gives the message for a door.
"""

from __future__ import annotations

from .errors import OverLimit, PrivateAddressError
from .languages import directions, languages

DOORS = ("python", "cli", "web", "api")
"""The doors: Python calls, the command line, the web page (and its Gradio API), REST."""


def language_hint(door: str) -> str:
    """How to give the language explicitly at a door, with the registered choices.

    Raises:
        ValueError: For an unknown door.
    """
    codes = [lang.code for lang in languages()]
    choices = [d for d in directions() if d != "auto"]
    hints = {
        "python": "Pass the language explicitly, e.g. "
        + " or ".join(f'source="{code}"' for code in codes)
        + ".",
        "cli": f"Pass the language explicitly, with --direction {' or '.join(choices)}.",
        "web": f"Choose the direction ({', '.join(choices)}) instead of detecting it.",
        "api": 'Give the language explicitly in "source" ('
        + ", ".join(f'"{code}"' for code in codes)
        + ").",
    }
    if door not in hints:
        raise ValueError(f"Unknown door {door!r}: accepted values are {', '.join(DOORS)}.")
    return hints[door]


def door_message(exc: BaseException, door: str) -> str:
    """The message of an error as the user at ``door`` should read it.

    Args:
        exc: Any exception; ours may carry door-specific advice.
        door: One of :data:`DOORS`.

    Returns:
        ``str(exc)``, with the advice of an error that asks for the language, of a refused
        private address, or of a page over the server's time or size limit (at a server's
        doors, a limit only its operator can raise), told for that door.
    """
    if getattr(exc, "asks_for_language", False):
        return f"{exc.reason} {language_hint(door)}"  # type: ignore[attr-defined]
    if isinstance(exc, PrivateAddressError) and door in _PRIVATE_URL_HINTS:
        return str(exc.with_hint(_PRIVATE_URL_HINTS[door]()))
    if isinstance(exc, OverLimit) and exc.setting and door in ("web", "api"):
        return str(exc.with_hint(f"the server's operator can raise the limit with {exc.setting}"))
    return str(exc)


def _operator_hint() -> str:
    """How the operator of a server allows private addresses: its ``serve`` setting."""
    from .settings import SERVE_SETTINGS

    setting = next(s for s in SERVE_SETTINGS if s.name == "allow_private_urls")
    return f"the server's operator can allow them with serve {setting.flag} or {setting.env}=1"


_PRIVATE_URL_HINTS = {
    "cli": lambda: "use --allow-private-urls to allow them",
    "web": _operator_hint,
    "api": _operator_hint,
}
"""How to allow private addresses, per door (Python: the error's own hint, an argument)."""
