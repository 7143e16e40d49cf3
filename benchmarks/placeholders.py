"""Placeholders and protected text on all the real text of ../shared/eval.

Run from the project root (about a minute)::

    .venv/bin/python benchmarks/placeholders.py [../shared/eval]

1. For each real OPUS-MT tokenizer (opus-mt-en-fr on English, opus-mt-tc-big-fr-en on French)
   and each placeholder form, over every newstest/newssyscomb sentence with its names turned
   into placeholders (tests/placeholder_probe.py): pieces per placeholder, and the sentences
   where a placeholder does not come back exactly through the source and the target
   vocabularies, or through Moses' punctuation normalisation.
2. What :func:`~bilingual_digest.protected.protected_spans` protects in real news (every
   sentence and article, both languages), by kind, with examples to read for false alarms.

The test suite checks the first on the committed newstest2013 subset.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

from transformers import MarianTokenizer

from bilingual_digest.protected import protected_spans

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from placeholder_probe import FORMS, probe
from real_data import unpack_tokenizer

CASES = [("opus-mt-en-fr", "en"), ("opus-mt-tc-big-fr-en", "fr")]
BREAKS = (
    "source_unk",
    "target_unk",
    "source_round_trip",
    "target_round_trip",
    "moses_en",
    "moses_fr",
    "moses_spacing_en",
    "moses_spacing_fr",
)


def sentences(eval_dir: Path, language: str) -> list[str]:
    return [
        line
        for path in sorted((eval_dir / "parallel").glob(f"*.{language}"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def articles(eval_dir: Path, language: str) -> list[str]:
    folder = eval_dir / "articles" / language
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("[0-9][0-9][0-9].txt"))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", nargs="?", default="../shared/eval", type=Path)
    parser.add_argument("--work", default=Path("benchmarks/.models/real-tokenizers"), type=Path)
    args = parser.parse_args()
    print(
        "| tokenizer | form | sentences | placeholders | pieces each | " + " | ".join(BREAKS) + " |"
    )
    print("|---" * (5 + len(BREAKS)) + "|")
    for name, language in CASES:
        tokenizer = MarianTokenizer.from_pretrained(unpack_tokenizer(name, args.work / name))
        texts = sentences(args.eval_dir, language)
        for form in FORMS:
            found = probe(tokenizer, texts, language, form)
            each = found["pieces"] / max(found["placeholders"], 1)
            cells = " | ".join(str(found[key]) for key in BREAKS)
            shown = form.format("N").replace("|", "\\|")
            print(
                f"| {name} | `{shown}` | {found['sentences']} | {found['placeholders']} | "
                f"{each:.2f} | {cells} |"
            )
    print()
    for language in ("fr", "en"):
        texts = sentences(args.eval_dir, language) + articles(args.eval_dir, language)
        kinds: Counter[str] = Counter()
        examples: dict[str, list[str]] = defaultdict(list)
        for text in texts:
            for span in protected_spans(text):
                kinds[span.kind] += 1
                if len(examples[span.kind]) < 12:
                    examples[span.kind].append(span.text)
        print(f"{language}: {len(texts)} texts, protected: {dict(kinds)}")
        for kind, shown in examples.items():
            print(f"  {kind}: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
