"""The command line: ``bilingual-digest SUBCOMMAND``. The only module that parses arguments."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import BilingualDigestError

logger = logging.getLogger("bilingual_digest")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _read_input(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    return Path(path).read_text(encoding="utf-8-sig")


def _cmd_translate(args: argparse.Namespace) -> int:
    from .options import TranslationOptions
    from .translation import Translator

    text = _read_input(args.input)
    source, target = _direction(args.direction, text)
    options = TranslationOptions(num_beams=args.beams, batch_size=args.batch_size)
    translator = Translator(
        source, target, model=args.model, device=args.device, backend=args.backend, options=options
    )
    result = translator.translate(text)
    sys.stdout.write(result.text if result.text.endswith("\n") else result.text + "\n")
    for warning in result.warnings:
        logger.warning("%s", warning)
    return EXIT_OK


def _direction(direction: str, text: str) -> tuple[str, str]:
    from .languages import resolve_pair

    if direction == "auto":
        return resolve_pair(None, None, text)
    source, target = direction.split("-")
    return resolve_pair(source, target)


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by every subcommand that runs models."""
    parser.add_argument(
        "--direction",
        choices=["auto", "fr-en", "en-fr"],
        default="auto",
        help="translation direction (default: detect the language)",
    )
    parser.add_argument("--device", default=None, help="cpu (default) or cuda")
    parser.add_argument("--backend", default=None, help="inference backend (default: torch)")
    parser.add_argument("--beams", type=int, default=4, help="beam size (default: 4)")
    parser.add_argument("--batch-size", type=int, default=16, help="sentences per batch")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``bilingual-digest`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="bilingual-digest",
        description="French↔English translation and bilingual summaries of news articles.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "translate",
        help="translate one text file (or - for stdin) to stdout",
        description="Translate one text file, or standard input, and print the translation.",
        epilog="example: bilingual-digest translate seeds/000_077823ae67d334e0.txt",
    )
    p.add_argument("input", help="a UTF-8 text file, or - for standard input")
    p.add_argument("--model", default=None, help="hub id or local directory of the model")
    add_model_arguments(p)
    p.set_defaults(run=_cmd_translate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns:
        The exit status: 0 success, 1 failure, 2 usage error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(message)s",
    )
    try:
        return int(args.run(args))
    except (BilingualDigestError, ValueError, TypeError, OSError) as exc:
        print(f"bilingual-digest: error: {exc}", file=sys.stderr)
        return EXIT_FAILED if isinstance(exc, (BilingualDigestError, OSError)) else EXIT_USAGE
