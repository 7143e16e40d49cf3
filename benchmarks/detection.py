"""What the wide detector's shortcut changes in language detection, on real news sentences.

    .venv/bin/python benchmarks/detection.py [DIR]

DIR holds ``*.fr`` / ``*.en`` files, one sentence per line (default: ../shared/eval/parallel).
For every sentence of 15 letters or more, the verdict of :func:`bilingual_digest.detection._judge`
(the wide low-accuracy detector decides when it is all but certain, ``_SURE``) is compared
with what it was before that shortcut (the wide detector only names unregistered
languages; the high-accuracy detector decides the rest); the file's language is the truth.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from bilingual_digest import detection
from bilingual_digest.detection import _LETTER, _detectable, _judge, _wide_detector

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Print the errors of both, the verdicts changed and the share the shortcut decides."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/eval/parallel"
    handles = _detectable()
    for short in (True, False):
        n = errors_exact = errors_ours = changed = decided = 0
        for path in sorted(folder.glob("*.fr")) + sorted(folder.glob("*.en")):
            truth = path.suffix[1:]
            for line in path.read_text(encoding="utf-8").splitlines():
                letters = len(_LETTER.findall(line))
                if letters < 15 or (letters < 60) != short:
                    continue
                ours = _judge(line, handles)
                alone = _judge(line, handles, sure=math.inf)  # never sure: as before
                n += 1
                errors_exact += alone != truth
                errors_ours += ours != truth
                changed += ours != alone
                top = _wide_detector(tuple(handles)).compute_language_confidence_values(
                    line[:5000]
                )[0]
                decided += top.language.name in handles and top.value >= detection._SURE
        print(
            f"{'15-59' if short else '60+'} letters: {n} sentences; errors: before "
            f"{errors_exact}, with the shortcut {errors_ours}; verdicts changed {changed}; "
            f"decided by the wide detector alone {decided} ({decided / n:.1%})"
        )


if __name__ == "__main__":
    main()
