"""The command line: ``bilingual-digest SUBCOMMAND``. The only module that parses arguments."""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import BilingualDigestError
from .languages import directions, pairs, resolve_direction
from .options import (
    BACKENDS,
    DEFAULT_LENGTH,
    DEFAULT_SPEED,
    OUTPUT_FORMATS,
    SPEEDS,
    SUMMARY_LENGTHS,
    TranslationOptions,
    describe_default_backend,
    speed_label,
)

logger = logging.getLogger("bilingual_digest")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _read_input(path: str) -> str:
    from .options import max_chars
    from .sanitize import decode_bytes

    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    what = "Standard input" if path == "-" else f"File {path!r}"
    text, warnings = decode_bytes(data, what=what, max_chars=max_chars())
    for warning in warnings:
        logger.warning("%s", warning)
    return text


def _cmd_translate(args: argparse.Namespace) -> int:
    from .sanitize import clean_text
    from .translation import Translator

    clean = clean_text(_read_input(args.input))
    for note in clean.notes:
        logger.warning("%s", note)
    text = clean.text
    source, target = resolve_direction(args.direction, text)
    options = TranslationOptions(num_beams=args.beams, batch_size=args.batch_size)
    options = options.at_speed(args.speed)
    translator = Translator(
        source, target, model=args.model, device=args.device, backend=args.backend, options=options
    )
    result = translator.translate(text)
    sys.stdout.write(result.text if result.text.endswith("\n") else result.text + "\n")
    for warning in result.warnings:
        logger.warning("%s", warning)
    return EXIT_OK


_DEFAULTS = TranslationOptions()


def add_device_arguments(parser: argparse.ArgumentParser) -> None:
    """``--device`` and ``--backend``, with the accepted values and defaults in their help."""
    parser.add_argument("--device", default=None, help="cpu (default), cuda or cuda:N")
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=None,
        help=f"inference backend (default: {describe_default_backend()})",
    )


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by every subcommand that runs models."""
    parser.add_argument(
        "--direction",
        choices=directions(),
        default="auto",
        help="translation direction (default: detect the language)",
    )
    add_device_arguments(parser)
    parser.add_argument(
        "--beams", type=int, default=_DEFAULTS.num_beams, help="beam size (default: %(default)s)"
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
        default=_DEFAULTS.batch_size,
        help="sentences per batch (default: %(default)s)",
    )


def _model_dest(key: str) -> str:
    return "model_" + key.replace("-", "_")


def add_pair_model_arguments(parser: argparse.ArgumentParser) -> None:
    """One ``--model-<pair>`` flag per registered pair (its help names the variable too)."""
    for pair in pairs():
        parser.add_argument(
            pair.cli_flag,
            dest=_model_dest(pair.key),
            default=None,
            metavar="MODEL",
            help=f"{pair.label} model, hub id or folder (default: {pair.env_var}, else "
            f"{pair.model})",
        )


def pair_models(args: argparse.Namespace) -> dict[str, str]:
    """The ``--model-<pair>`` overrides given, by pair key."""
    found = {pair.key: getattr(args, _model_dest(pair.key), None) for pair in pairs()}
    return {key: model for key, model in found.items() if model is not None}


_BATCH_EXAMPLES = """\
examples:
  bilingual-digest batch articles/ -o corpus.jsonl            # folders: .txt and .md, recursive
  bilingual-digest batch a.txt b.md news.jsonl -o out.jsonl --direction fr-en --summarize
  bilingual-digest batch feed.jsonl --text-field body --id-field url -o out.jsonl
  bilingual-digest batch table.csv --text-column article -o out.jsonl --cache sentences.db
  cat article.txt | bilingual-digest batch - -o out.jsonl
  bilingual-digest batch articles/ --format txt -o translated/   # mirrored folder tree
  bilingual-digest batch articles/ -o shards/ --engine ray --workers 4   # on Ray (extra)

Run the same command again to resume: documents that already have a record are skipped.
Exit status: 0 all documents succeeded, 1 some failed (see their "error" records),
2 usage error.
"""


def _add_batch_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "batch",
        help="translate many documents into a resumable JSONL corpus",
        description="Translate (and optionally summarise) files, folders, JSONL and CSV "
        "into one JSONL record per document, resumably.",
        epilog=_BATCH_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="file, folder, or - for stdin")
    p.add_argument(
        "-o", "--output", required=True, help="JSONL file (folder for txt and --engine ray)"
    )
    p.add_argument(
        "--format", choices=OUTPUT_FORMATS, default=OUTPUT_FORMATS[0], help="output format"
    )
    p.add_argument(
        "--resume",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="skip documents already in OUTPUT (default); --no-resume starts afresh",
    )
    p.add_argument("--summarize", action="store_true", help="add English and French summaries")
    p.add_argument("--length", choices=list(SUMMARY_LENGTHS), default=DEFAULT_LENGTH)
    p.add_argument("--text-field", default="text", help="JSONL field with the text")
    p.add_argument("--id-field", default=None, help="JSONL field / CSV column with the id")
    p.add_argument("--text-column", default="text", help="CSV column with the text")
    p.add_argument("--stdin-format", choices=["text", "jsonl", "csv"], default="text")
    p.add_argument("--cache", default=None, metavar="FILE", help="SQLite sentence cache")
    p.add_argument("--max-chars", type=int, default=None, help="largest document, in chars")
    p.add_argument(
        "--max-new-tokens",
        type=int,
        default=_DEFAULTS.max_new_tokens,
        help="most tokens per sentence (default: %(default)s)",
    )
    p.add_argument("--docs-per-step", type=int, default=8, help="documents batched together")
    p.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="local: this process (default); ray: a pool of Ray actors, OUTPUT a shard folder",
    )
    p.add_argument("--address", default=None, help="Ray cluster to join (default: start one)")
    p.add_argument("--workers", type=int, default=None, help="Ray actors (default: all CPUs)")
    add_pair_model_arguments(p)
    p.add_argument("--model-summary", default=None, help="summariser (hub id or dir)")
    p.add_argument(
        "--summary-max-new-tokens", type=int, default=None, help="most tokens per summary"
    )
    add_model_arguments(p)
    p.set_defaults(run=_cmd_batch)


def _batch_engine(args: argparse.Namespace) -> Callable[..., Any]:
    """``run_batch`` for ``--engine local``; ``run_ray_batch`` (workers, address) for ray."""
    from .batch.run import run_batch

    if args.engine == "local":
        if args.workers is not None or args.address is not None:
            raise ValueError("--workers and --address apply to --engine ray only.")
        return run_batch
    from .batch.ray_engine import ray_missing, run_ray_batch

    hint = ray_missing()
    if hint is not None:
        raise ValueError(hint)
    return functools.partial(run_ray_batch, workers=args.workers, address=args.address)


def _cmd_batch(args: argparse.Namespace) -> int:
    from .batch.readers import ReadOptions
    from .batch.work import WorkSpec
    from .options import max_chars
    from .summarization import SummaryOptions

    run_batch = _batch_engine(args)
    read_options = ReadOptions(
        max_chars=args.max_chars if args.max_chars is not None else max_chars(),
        text_field=args.text_field,
        id_field=args.id_field,
        text_column=args.text_column,
        stdin_format=args.stdin_format,
    )
    spec = WorkSpec(
        direction=args.direction,
        summarize=args.summarize,
        length=args.length,
        models=pair_models(args),
        model_summary=args.model_summary,
        device=args.device,
        backend=args.backend,
        options=TranslationOptions(
            num_beams=args.beams, max_new_tokens=args.max_new_tokens, batch_size=args.batch_size
        ).at_speed(args.speed),
        summary_options=SummaryOptions(
            num_beams=args.beams, max_new_tokens=args.summary_max_new_tokens
        ).at_speed(args.speed),
        cache=args.cache,
    )
    stats = run_batch(
        args.inputs,
        args.output,
        fmt=args.format,
        resume=args.resume,
        read_options=read_options,
        spec=spec,
        docs_per_step=args.docs_per_step,
        progress_bar=sys.stderr.isatty(),
        report=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(stats.summary(), file=sys.stderr, flush=True)
    return EXIT_OK if stats.ok else EXIT_FAILED


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
    _add_batch_parser(sub)
    _add_serve_parser(sub)
    _add_download_parser(sub)
    return parser


_DOWNLOAD_FILES = ["*.json", "*.spm", "*.model", "*.txt"]  # configs, vocabularies, merges


def _add_download_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "download",
        help="fetch (and prepare) the models once, for offline use afterwards",
        description="Load every configured model once (every pair's translator and the summariser, "
        "or those named with --model): hub models are downloaded into the Hugging Face cache "
        "and converted for the default CTranslate2 backend, so later runs start fast and "
        "work offline. With --to, the hub files are also saved as plain folders to copy to "
        "a machine without network (then point BILINGUAL_DIGEST_MODEL_* at them).",
        epilog="examples:\n  bilingual-digest download\n"
        "  bilingual-digest download --to ./models   # then copy ./models elsewhere",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--model", action="append", default=None, help="hub id or folder (repeatable)")
    p.add_argument("--to", default=None, metavar="DIR", help="also save hub models under DIR")
    add_device_arguments(p)
    p.set_defaults(run=_cmd_download)


def _cmd_download(args: argparse.Namespace) -> int:
    from .backends import load_backend
    from .models import is_local
    from .options import resolve_backend, resolve_device, summary_model, translation_model

    device = resolve_device(args.device)
    backend = resolve_backend(args.backend, device)
    models = args.model or [
        *(translation_model(pair.source, pair.target) for pair in pairs()),
        summary_model(),
    ]
    for model in models:
        if args.to and not is_local(model):
            model = _save_hub_model(model, Path(args.to))
        load_backend(backend, model, device)
        print(f"ready: {model}")
    return EXIT_OK


def _save_hub_model(model: str, to: Path) -> str:
    """Download a hub model's files (safetensors weights when it has them) into a folder."""
    from huggingface_hub import HfApi, snapshot_download

    from .errors import ModelUnavailableError

    folder = to / model.replace("/", "--")
    try:
        files = HfApi().list_repo_files(model)
        weights = (
            ["*.safetensors"]
            if any(f.endswith(".safetensors") for f in files)
            else ["pytorch_model.bin"]
        )
        snapshot_download(model, local_dir=folder, allow_patterns=_DOWNLOAD_FILES + weights)
    except Exception as exc:  # the hub client's errors: no network, unknown repo …
        raise ModelUnavailableError(model, f"the download failed ({exc})") from exc
    return str(folder)


def _add_serve_parser(sub: argparse._SubParsersAction) -> None:
    from .options import DEFAULT_MAX_CHARS
    from .service import (
        DEFAULT_CONCURRENCY,
        DEFAULT_HOST,
        DEFAULT_PORT,
        GRADIO_HOST_ENV,
        GRADIO_PORT_ENV,
    )

    p = sub.add_parser(
        "serve",
        help=f"serve the web app (default http://{DEFAULT_HOST}:{DEFAULT_PORT}, this machine "
        "only); python app.py takes the same options",
        description=f"Serve the web app. It binds {DEFAULT_HOST} (this machine only) unless "
        "told otherwise; 0.0.0.0 lets anyone who can reach the machine use it, with no login.",
    )
    p.add_argument(
        "--host",
        default=None,
        help=f"address to bind (default: env BILINGUAL_DIGEST_HOST, else {GRADIO_HOST_ENV}, "
        f"else {DEFAULT_HOST})",
    )
    p.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"port (default: env BILINGUAL_DIGEST_PORT, else {GRADIO_PORT_ENV}, "
        f"else {DEFAULT_PORT})",
    )
    p.add_argument(
        "--max-chars",
        type=int,
        default=None,
        help="largest article, in characters (default: env BILINGUAL_DIGEST_MAX_CHARS, else "
        f"{DEFAULT_MAX_CHARS:,})",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help="digests run at once (default: %(default)s)",
    )
    p.set_defaults(run=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    from .service import DigestService, resolve_address

    resolve_address(args.host, args.port)  # a bad address is refused before any loading
    service = DigestService(max_chars=args.max_chars)
    service.start_warm_up()  # the models load while the web framework is imported
    from .ui import build_demo, launch

    demo = build_demo(service=service, concurrency_limit=args.concurrency)
    launch(demo, host=args.host, port=args.port)
    return EXIT_OK


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
        message = str(exc).replace(
            'e.g. source="fr" or source="en"', "with --direction fr-en or en-fr"
        )
        print(f"bilingual-digest: error: {message}", file=sys.stderr)
        return EXIT_FAILED if isinstance(exc, (BilingualDigestError, OSError)) else EXIT_USAGE
