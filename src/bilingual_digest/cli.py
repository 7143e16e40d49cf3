"""The command line: ``bilingual-digest SUBCOMMAND``. The only module that parses arguments
(its shared options are defined in :mod:`~bilingual_digest.cli_arguments`)."""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .cli_arguments import (
    DEFAULTS,
    add_device_arguments,
    add_direction_argument,
    add_glossary_argument,
    add_model_arguments,
    add_pair_model_arguments,
    add_source_arguments,
    checked_by,
    pair_models,
    read_source_argument,
)
from .errors import BilingualDigestError, ModelUnavailableError
from .languages import pairs, resolve_direction
from .messages import door_message
from .options import (
    DEFAULT_LENGTH,
    OUTPUT_FORMATS,
    SUMMARY_LENGTHS,
    TranslationOptions,
)

logger = logging.getLogger("bilingual_digest")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _cmd_translate(args: argparse.Namespace) -> int:
    from .documents import as_text
    from .notices import summary_line
    from .sanitize import clean_text
    from .translation import Translator

    clean = clean_text(as_text(read_source_argument(args.input, args)))  # type: ignore[arg-type]
    for note in clean.notes:
        logger.warning("%s", note)
    text = clean.text
    source, target = resolve_direction(args.direction, text)
    options = TranslationOptions(num_beams=args.beams, batch_size=args.batch_size)
    options = options.at_speed(args.speed)
    translator = Translator(
        source,
        target,
        model=args.model,
        device=args.device,
        backend=args.backend,
        options=options,
        glossary=args.glossary,
    )
    result = translator.translate(text)
    sys.stdout.write(result.text if result.text.endswith("\n") else result.text + "\n")
    for warning in result.warnings:
        logger.warning("%s", warning)
    if counted := summary_line(result.segments):
        logger.warning("%s", counted)
    return EXIT_OK


_BATCH_EXAMPLES = """\
examples:
  bilingual-digest batch articles/ -o corpus.jsonl            # folders: .txt .md .html, recursive
  bilingual-digest batch links.urls -o corpus.jsonl           # one link a line, each fetched
  bilingual-digest batch feed.jsonl -o corpus.jsonl           # rows with "url" and no "text"
  bilingual-digest batch saved-pages/ -o corpus.jsonl         # each page's article, not menus
  bilingual-digest batch a.txt b.md news.jsonl -o out.jsonl --direction fr-en --summarize
  bilingual-digest batch feed.jsonl --text-field body --id-field url -o out.jsonl
  bilingual-digest batch table.csv --text-column article -o out.jsonl --cache sentences.db
  cat article.txt | bilingual-digest batch - -o out.jsonl
  bilingual-digest batch articles/ --format txt -o translated/   # mirrored folder tree
  bilingual-digest batch articles/ -o shards/ --engine ray --workers 4   # on Ray (extra)

Run the same command again to resume: documents that already have a record are skipped
(--retry-errors: also do again those whose record is an error record).
Exit status: 0 all documents succeeded, 1 some failed (see their "error" records) or the run
had to stop (a model, the cache or the output failed: the message names it), 2 usage error
(or another run is using OUTPUT).
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
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="file (text, .html page, .jsonl, .csv, or a list of links: .urls, or a text "
        "file whose lines are all links), folder, or - for stdin (--engine ray: also "
        "s3://, gs://... URIs)",
    )
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
    p.add_argument(
        "--retry-errors",
        action="store_true",
        help="do again the documents whose record in OUTPUT is an error record",
    )
    p.add_argument("--summarize", action="store_true", help="add English and French summaries")
    p.add_argument("--length", choices=list(SUMMARY_LENGTHS), default=DEFAULT_LENGTH)
    p.add_argument("--text-field", default="text", help="JSONL field with the text")
    p.add_argument(
        "--url-field",
        default="url",
        help="JSONL field with a link to fetch, read when the text field is absent "
        "(default: %(default)s)",
    )
    p.add_argument("--id-field", default=None, help="JSONL field / CSV column with the id")
    p.add_argument("--text-column", default="text", help="CSV column with the text")
    p.add_argument("--stdin-format", choices=["text", "jsonl", "csv"], default="text")
    p.add_argument("--cache", default=None, metavar="FILE", help="SQLite sentence cache")
    p.add_argument("--max-chars", type=int, default=None, help="largest document, in chars")
    p.add_argument(
        "--max-new-tokens",
        type=int,
        default=DEFAULTS.max_new_tokens,
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
    p.add_argument(
        "--confidence",
        action="store_true",
        help="give each sentence of the records the model's confidence (one more pass of "
        "the model over each translation: about a quarter more CPU time)",
    )
    add_glossary_argument(p)
    add_source_arguments(p)
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
    from .options import FetchOptions, max_chars
    from .summarization import SummaryOptions

    run_batch = _batch_engine(args)
    read_options = ReadOptions(
        max_chars=args.max_chars if args.max_chars is not None else max_chars(),
        text_field=args.text_field,
        id_field=args.id_field,
        text_column=args.text_column,
        stdin_format=args.stdin_format,
        url_field=args.url_field,
        fetch=FetchOptions.from_env(allow_private=args.allow_private_urls or None),
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
            num_beams=args.beams,
            max_new_tokens=args.max_new_tokens,
            batch_size=args.batch_size,
            confidence=args.confidence,
        ).at_speed(args.speed),
        summary_options=SummaryOptions(
            num_beams=args.beams, max_new_tokens=args.summary_max_new_tokens
        ).at_speed(args.speed),
        cache=args.cache,
        glossary=args.glossary,
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
        retry_errors=args.retry_errors,
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
        help="translate one text file, saved page or link (or - for stdin) to stdout",
        description="Translate one text file, a saved web page (.html: its article, not the\n"
        "menus around it), a news link (fetched), or standard input; print the translation.",
        epilog="examples:\n  bilingual-digest translate seeds/000_077823ae67d334e0.txt\n"
        "  bilingual-digest translate https://www.example.fr/article.html\n"
        "  bilingual-digest translate saved-page.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", help=_INPUT_HELP)
    p.add_argument("--model", default=None, help="hub id or local directory of the model")
    add_model_arguments(p)
    add_source_arguments(p)
    add_glossary_argument(p)
    p.set_defaults(run=_cmd_translate)
    _add_digest_parser(sub)
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
    from .settings import DEFAULT_HOST, DEFAULT_PORT, SERVE_SETTINGS

    p = sub.add_parser(
        "serve",
        help=f"serve the web page and the JSON API (default http://{DEFAULT_HOST}:"
        f"{DEFAULT_PORT}, this machine only); python app.py takes the same options",
        description=f"Serve the web page and the JSON API (LibreTranslate's and ours, "
        f"described at /spec) on one port. It binds {DEFAULT_HOST} (this machine only) unless "
        "told otherwise; before binding 0.0.0.0, set API keys and limits (README, 'Exposing "
        "it').",
        epilog="API keys are read from --api-keys-file and from BILINGUAL_DIGEST_API_KEYS "
        "(comma-separated; never on the command line, where ps would show them).",
    )
    for setting in SERVE_SETTINGS:
        if not setting.option:
            continue
        if setting.boolean:
            p.add_argument(
                setting.flag,
                dest=setting.name,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=setting.describe(),
            )
            continue
        p.add_argument(
            setting.flag,
            dest=setting.name,
            type=checked_by(setting.check),
            default=None,
            metavar=setting.metavar,
            help=setting.describe().replace("%", "%%"),
        )
    p.set_defaults(run=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    from .server import serve
    from .settings import SERVE_SETTINGS, ServerSettings

    given = {s.name: getattr(args, s.name) for s in SERVE_SETTINGS if s.option}
    return serve(ServerSettings.resolve(**given))


_INPUT_HELP = "a UTF-8 text file, a saved page (.html), an http(s) link, or - for stdin"


def _add_digest_parser(sub: argparse._SubParsersAction) -> None:
    from .report import PRINT_FORMATS

    p = sub.add_parser(
        "digest",
        help="summarise articles (text files, saved pages or links) in both languages",
        description="Translate and summarise each article, and print its summaries in both\n"
        "languages (with the article's title, site, author and date when it is a page).\n"
        "Models, device and backend come from the BILINGUAL_DIGEST_* environment variables.",
        epilog="examples:\n  bilingual-digest digest https://www.example.fr/article.html\n"
        "  bilingual-digest digest saved-page.html notes.txt --length short\n"
        "  bilingual-digest digest article.txt --format json > digest.jsonl\n\n"
        "Each input is digested in turn; one that fails is reported and the others go on.\n"
        "Exit status: 0 all digested, 1 some failed, 2 usage error.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help=_INPUT_HELP)
    add_direction_argument(p)
    p.add_argument(
        "--length", choices=list(SUMMARY_LENGTHS), default=DEFAULT_LENGTH, help="summary length"
    )
    p.add_argument(
        "--format",
        choices=PRINT_FORMATS,
        default=PRINT_FORMATS[0],
        help="text: the summaries (default); json: the whole digest, one JSON object per "
        "line; markdown: the full report",
    )
    add_source_arguments(p)
    add_glossary_argument(p)
    p.set_defaults(run=_cmd_digest)


def _cmd_digest(args: argparse.Namespace) -> int:
    from .digest import default_digester
    from .glossary import as_glossary
    from .languages import parse_direction
    from .notices import summary_line
    from .report import print_digest

    source, target = parse_direction(args.direction) or (None, None)
    glossary = as_glossary(args.glossary)  # read once: a bad file fails before any input
    digester = default_digester()
    failed = 0
    for number, name in enumerate(args.inputs):
        try:
            result = digester.digest(
                read_source_argument(name, args),
                source=source,
                length=args.length,
                target=target,
                glossary=glossary,
            )
        except ModelUnavailableError:
            raise  # not this input's fault: the others would fail the same way
        except (BilingualDigestError, ValueError, TypeError, OSError) as exc:
            failed += 1
            print(f"bilingual-digest: error: {name}: {door_message(exc, 'cli')}", file=sys.stderr)
            continue
        for warning in result.warnings:
            logger.warning("%s: %s", name, warning)
        if counted := summary_line(result.translation.segments):
            logger.warning("%s: %s", name, counted)
        separator = "\n" if number and args.format != "json" else ""
        sys.stdout.write(separator + print_digest(result, args.format, name=name))
        sys.stdout.flush()
    return EXIT_FAILED if failed else EXIT_OK


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
        print(f"bilingual-digest: error: {door_message(exc, 'cli')}", file=sys.stderr)
        return EXIT_FAILED if isinstance(exc, (BilingualDigestError, OSError)) else EXIT_USAGE
