"""Real files copied from the shared evaluation data (provenance: tests/data/real/README.md).

The tokenizer files are stored xz-compressed (about 2.3 MB in all instead of 8 MB);
:func:`unpack_tokenizer` writes a checkpoint directory that ``from_pretrained`` loads.
"""

from __future__ import annotations

import lzma
import shutil
from pathlib import Path

REAL = Path(__file__).resolve().parent / "data" / "real"
TOKENIZERS = ("opus-mt-en-fr", "opus-mt-tc-big-fr-en", "bart")


def unpack_tokenizer(name: str, directory: Path) -> Path:
    """Write the real tokenizer files (and configs) of ``name`` to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in sorted((REAL / "tokenizers" / name).iterdir()):
        if path.suffix == ".xz":
            (directory / path.stem).write_bytes(lzma.decompress(path.read_bytes()))
        else:
            shutil.copyfile(path, directory / path.name)
    return directory


def sentences(language: str) -> list[str]:
    """The newstest2013 sentences in ``language`` ("en" or "fr"), one per line."""
    data = lzma.decompress((REAL / "text" / f"newstest2013.{language}.xz").read_bytes())
    return data.decode("utf-8").splitlines()


def articles() -> list[str]:
    """Whole English news articles (CNN/DailyMail), one string each."""
    folder = REAL / "text" / "cnn-dailymail"
    return [path.read_text(encoding="utf-8").strip() for path in sorted(folder.glob("*.txt"))]
