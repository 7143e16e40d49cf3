"""`<unk>` in what the model reads, and characters lost, on real news with the real tokenizers.

Run from the project root (about a minute)::

    .venv/bin/python benchmarks/unknown_characters.py [../shared/eval]

For each real OPUS-MT tokenizer and the language it reads (opus-mt-en-fr on English,
opus-mt-tc-big-fr-en on French; both languages for each, as a stress test), over every
sentence of ``parallel/*.<language>``, it counts the sentences whose model input holds a
character the vocabulary lacks (``<unk>``, dropped by decoding):

- ``raw``: the sentence as written;
- ``moses``: after the punctuation step (:mod:`bilingual_digest.normalization`);
- ``steps``: after every step the translator runs (punctuation, then unknown characters).

``meaning changed`` counts the sentences whose letters or digits the punctuation step
changed (it must be 0: only punctuation and spaces may change).

Then it translates them with a **copying model** on the real tokenizer (encode with the
real vocabulary, decode what was encoded: a model that copies its input perfectly, which
is what a translation model does with a name) and counts the sentences whose output lost a
character: ``lost silently`` without the steps (the translator of the first round) and with
them, and ``flagged`` (a ``character_lost`` finding) with them.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bilingual_digest.backends import Generated
from bilingual_digest.backends.light_tokenizers import Tokenizer, load_tokenizer
from bilingual_digest.backends.model_files import read_json
from bilingual_digest.normalization import normalize_punctuation
from bilingual_digest.options import GenerationOptions, TranslationOptions
from bilingual_digest.steps import prepare_sentence
from bilingual_digest.translation import Translator

CASES = [
    ("opus-mt-en-fr", "en"),
    ("opus-mt-tc-big-fr-en", "fr"),
    ("opus-mt-en-fr", "fr"),
    ("opus-mt-tc-big-fr-en", "en"),
]
_MEANING = re.compile(r"[^\W_]")
_SPACE = re.compile(r"\s+")


class CopyingBackend:
    """A "model" that copies its input through a real tokenizer (what decoding keeps of it).

    Args:
        tokenizer: A light tokenizer (``light_tokenizers.load_tokenizer``).
        model_id: Its name.
    """

    def __init__(self, tokenizer: Tokenizer, model_id: str = "copy") -> None:
        self.tokenizer = tokenizer
        self.model_id = model_id
        self.max_input_tokens = 100_000

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode_batch([text])[0])

    def unknown_characters(self, text: str) -> list[str]:
        return self.tokenizer.unknown_characters(text)

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[Generated]:
        rows = self.tokenizer.encode_batch(list(texts))
        return [
            Generated(text, len(row))
            for text, row in zip(self.tokenizer.batch_decode(rows), rows, strict=True)
        ]


class FirstRoundTranslator(Translator):
    """The translator without steps: the model reads the sentence as written."""

    def steps(self, glossary: object = None) -> list:  # type: ignore[type-arg]
        return []


def meaning(text: str) -> list[str]:
    """The letters and digits of a text, in order (what normalisation must not change)."""
    return _MEANING.findall(text)


def visible(text: str) -> str:
    """A text without its spaces, NFKC-normalised as SentencePiece reads it ("m²" is "m2"):
    what a perfect copy must keep."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


@dataclass
class Row:
    tokenizer: str
    language: str
    sentences: int
    raw: int
    moses: int
    steps: int
    meaning_changed: int
    lost_before: int
    lost_after: int
    flagged: int


def measure(tokenizer_dir: str, name: str, language: str, lines: Sequence[str]) -> Row:
    """The counts of the module docs for ``lines`` in ``language``."""
    tokenizer = load_tokenizer(tokenizer_dir, read_json(tokenizer_dir, "config.json"))
    backend = CopyingBackend(tokenizer)
    options = TranslationOptions(checks=False, retry_degenerate=False)
    target = "en" if language != "en" else "fr"
    translator = Translator(language, target, backend=backend, options=options)
    steps = translator.steps()
    moses = [normalize_punctuation(line, language) for line in lines]
    model_inputs = [prepare_sentence(line, steps).model_input for line in lines]
    has_unk = [bool(tokenizer.unknown_characters(line)) for line in lines]
    first = FirstRoundTranslator(language, target, backend=backend, options=options)
    lost_before = lost_after = flagged = 0
    for line, normal, unk in zip(lines, moses, has_unk, strict=True):
        if not unk or not line.strip():
            continue  # a copy of a sentence without <unk> loses nothing either way
        before = first.translate(line).text
        lost_before += visible(before) != visible(normal)
        after = translator.translate(line)
        lost = visible(after.text) != visible(normal)
        found = any(f.kind == "character_lost" for s in after.segments for f in s.findings)
        lost_after += lost and not found
        flagged += found
    return Row(
        name,
        language,
        len(lines),
        sum(has_unk),
        sum(bool(tokenizer.unknown_characters(text)) for text in moses),
        sum(bool(tokenizer.unknown_characters(text)) for text in model_inputs),
        sum(meaning(a) != meaning(b) for a, b in zip(lines, moses, strict=True)),
        lost_before,
        lost_after,
        flagged,
    )


def table(rows: Sequence[Row]) -> str:
    """The results as a Markdown table."""
    out = [
        "| tokenizer | reads | sentences | `<unk>` raw | after Moses | after all steps "
        "| letters/digits changed by Moses | copy: lost silently before | "
        "lost silently now | flagged now |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r.tokenizer} | {r.language} | {r.sentences} | {r.raw} | {r.moses} | {r.steps} "
            f"| {r.meaning_changed} | {r.lost_before} | {r.lost_after} | {r.flagged} |"
        )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", nargs="?", default="../shared/eval", type=Path)
    args = parser.parse_args()
    rows = []
    for name, language in CASES:
        lines = [
            line
            for path in sorted((args.eval_dir / "parallel").glob(f"*.{language}"))
            for line in path.read_text(encoding="utf-8").splitlines()
        ]
        rows.append(measure(str(args.eval_dir / "tokenizers" / name), name, language, lines))
        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
