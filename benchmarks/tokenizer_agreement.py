"""The light tokenizers against transformers' on all the real text of ../shared/eval.

Run from the project root (a few seconds)::

    .venv/bin/python benchmarks/tokenizer_agreement.py [../shared/eval]

For each real tokenizer (opus-mt-en-fr on English, opus-mt-tc-big-fr-en on French, BART on
English) it encodes every newstest/newssyscomb sentence and every whole article of that
language with both, and counts the texts whose ids differ and whose decoded text differs.
The test suite checks the same on the subset committed in tests/data/real/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from transformers import AutoTokenizer

from bilingual_digest.backends.light_tokenizers import load_tokenizer
from bilingual_digest.backends.model_files import read_json

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from real_data import unpack_tokenizer

CASES = [("opus-mt-en-fr", "en"), ("opus-mt-tc-big-fr-en", "fr"), ("bart", "en")]


def texts(eval_dir: Path, language: str) -> list[str]:
    """Every sentence of parallel/*.<language>, then every whole article in that language."""
    lines = [
        line
        for path in sorted((eval_dir / "parallel").glob(f"*.{language}"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    folder = eval_dir / "articles" / language
    bodies = [
        p.read_text(encoding="utf-8").strip() for p in sorted(folder.glob("[0-9][0-9][0-9].txt"))
    ]
    return lines + bodies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", nargs="?", default="../shared/eval", type=Path)
    parser.add_argument("--work", default=Path("benchmarks/.models/real-tokenizers"), type=Path)
    args = parser.parse_args()
    total = differences = 0
    for name, language in CASES:
        model = str(unpack_tokenizer(name, args.work / name))
        reference = AutoTokenizer.from_pretrained(model)
        light = load_tokenizer(model, read_json(model, "config.json"))
        inputs = texts(args.eval_dir, language)
        ids, expected = light.encode_batch(inputs), reference(inputs).input_ids
        decoded = light.batch_decode(expected)
        wanted = reference.batch_decode(expected, skip_special_tokens=True)
        id_diffs = sum(a != b for a, b in zip(ids, expected, strict=True))
        text_diffs = sum(a != b for a, b in zip(decoded, wanted, strict=True))
        print(
            f"{name:22} {type(light).__name__:30} {len(inputs):6} texts: "
            f"{id_diffs} differ in ids, {text_diffs} in decoded text"
        )
        total += len(inputs)
        differences += id_diffs + text_diffs
    print(f"all: {total} texts, {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
