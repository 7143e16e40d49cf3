"""The command line's shared options: each defined once, its help generated from the choice it
offers (used by :mod:`bilingual_digest.cli`, the only module that parses arguments)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .languages import directions, pairs
from .options import (
    BACKENDS,
    DEFAULT_SPEED,
    SPEEDS,
    TranslationOptions,
    describe_default_backend,
    speed_label,
)

if TYPE_CHECKING:
    from .documents import Article


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """``--allow-private-urls``, for commands that read links."""
    parser.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="also fetch links to private, loopback and link-local addresses (refused by "
        "default; env BILINGUAL_DIGEST_ALLOW_PRIVATE_URLS)",
    )


def read_source_argument(name: str, args: argparse.Namespace) -> str | Article:
    """The text or article an input argument names (a file, a saved page, a link, -)."""
    from .sources import read_source

    return read_source(name, allow_private=args.allow_private_urls or None)


def add_glossary_argument(parser: argparse.ArgumentParser) -> None:
    """``--glossary FILE``, whose default is ``BILINGUAL_DIGEST_GLOSSARY``."""
    from .glossary import GLOSSARY_ENV
    from .languages import ENV_PREFIX

    parser.add_argument(
        "--glossary",
        default=None,
        metavar="FILE",
        help="glossary: TSV/CSV with columns source,target[,note,pair], or TBX; terms are "
        f"translated as it says (default: {ENV_PREFIX}{GLOSSARY_ENV}, if set)",
    )


DEFAULTS = TranslationOptions()
"""The translation options' defaults, shown in the help texts."""


def add_device_arguments(parser: argparse.ArgumentParser) -> None:
    """``--device`` and ``--backend``, with the accepted values and defaults in their help."""
    parser.add_argument("--device", default=None, help="cpu (default), cuda or cuda:N")
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help=f"inference backend (default: {describe_default_backend()})",
    )


def add_direction_argument(parser: argparse.ArgumentParser) -> None:
    """``--direction``: ``auto`` or a registered pair."""
    parser.add_argument(
        "--direction",
        choices=directions(),
        default="auto",
        help="translation direction (default: detect the language)",
    )


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by every subcommand that runs models."""
    add_direction_argument(parser)
    add_device_arguments(parser)
    parser.add_argument(
        "--beams", type=int, default=DEFAULTS.num_beams, help="beam size (default: %(default)s)"
    )
    parser.add_argument(
        "--speed",
        choices=list(SPEEDS),
        default=DEFAULT_SPEED,
        help=f"decoding speed: {', '.join(f'{name} = {speed_label(name)}' for name in SPEEDS)}; "
        "fast overrides --beams (default: %(default)s)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULTS.batch_size,
        help="sentences per batch (default: %(default)s)",
    )


def model_dest(key: str) -> str:
    """Where argparse keeps a pair's ``--model-<pair>`` value."""
    return "model_" + key.replace("-", "_")


def add_pair_model_arguments(parser: argparse.ArgumentParser) -> None:
    """One ``--model-<pair>`` flag per registered pair (its help names the variable too)."""
    for pair in pairs():
        parser.add_argument(
            pair.cli_flag,
            dest=model_dest(pair.key),
            default=None,
            metavar="MODEL",
            help=f"{pair.label} model, hub id or folder (default: {pair.env_var}, else "
            f"{pair.model})",
        )


def pair_models(args: argparse.Namespace) -> dict[str, str]:
    """The ``--model-<pair>`` overrides given, by pair key."""
    found = {pair.key: getattr(args, model_dest(pair.key), None) for pair in pairs()}
    return {key: model for key, model in found.items() if model is not None}


def checked_by(check: Callable[[Any], Any]) -> Callable[[str], Any]:
    """An argparse type from a setting's check: its message is argparse's error."""

    def parse(text: str) -> Any:
        try:
            check(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text  # resolved (and checked again, with the environment) by the settings

    return parse
