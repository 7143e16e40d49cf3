"""Write checks/tables/<lang>.common.txt: the words OPUS-MT's tokenizers keep whole in lower case.

A SentencePiece model trained on a language's text keeps its frequent words as single
pieces, with their case: ``"▁trésor"`` and ``"▁Trésor"`` are both pieces of the French
model, ``"▁Obama"`` only capitalised. The lower-case whole words of a language's models are
a list of its common words, and a capitalised word whose lower-case form is among them is
more likely a common noun written with a capital ("la Chambre", "the House") than a name.

Usage (from the project root; the tokenizers are in ../shared/eval/tokenizers/)::

    .venv/bin/python tools/make_common_words.py ../shared/eval/tokenizers

reads opus-mt-en-fr/{source,target}.spm and opus-mt-tc-big-fr-en/{source,target}.spm
(English and French each twice) and writes the sorted union per language.
"""

from __future__ import annotations

import sys
from pathlib import Path

import sentencepiece as spm

OUT = Path(__file__).resolve().parents[1] / "src" / "bilingual_digest" / "checks" / "tables"
MODELS = {
    "en": ("opus-mt-en-fr/source.spm", "opus-mt-tc-big-fr-en/target.spm"),
    "fr": ("opus-mt-en-fr/target.spm", "opus-mt-tc-big-fr-en/source.spm"),
}


def lower_words(path: Path) -> set[str]:
    """The whole-word pieces of a SentencePiece model that are lower-case letters only."""
    model = spm.SentencePieceProcessor(model_file=str(path))
    words = set()
    for i in range(model.get_piece_size()):
        piece = model.id_to_piece(i)
        word = piece[1:]
        if piece.startswith("▁") and len(word) >= 2 and word.isalpha() and word.islower():
            words.add(word)
    return words


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path("../shared/eval/tokenizers")
    for lang, models in MODELS.items():
        words = set().union(*(lower_words(folder / m) for m in models))
        (OUT / f"{lang}.common.txt").write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
        print(f"{lang}: {len(words)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
