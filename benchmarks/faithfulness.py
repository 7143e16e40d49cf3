"""Faithfulness checks measured on real translations: false alarms and injected errors caught.

Reads any line-aligned source/translation files and reports, per set and direction:

- how many sentences :func:`bilingual_digest.checks.check_segment` flags, in all and per
  finding kind (on human reference translations every flag is a false alarm, or a real slip
  of the translator; on model output flags should be mostly true errors);
- with errors injected into the pairs it accepts as they are, the share caught by the right
  family of finding: a digit changed and a number dropped (caught by a ``number_``/``date_``/
  ``time_``/``amount_``/``percent_`` finding), one word of a name dropped and a name
  misspelt (caught by a ``name_``/``acronym_``/``entity_`` finding).

The injections are those of ``../shared/tools/faithfulness_probe.py`` (the same random
choices for the same files), so the figures can be compared with it; the misspelt name is
extra (one letter inside a name changed or two swapped).

Usage (from the project root)::

    .venv/bin/python benchmarks/faithfulness.py --parallel ../shared/eval/parallel \\
        newssyscomb2009 newstest2013 --mt ../shared/eval/mt --markdown benchmarks/faithfulness.md
    .venv/bin/python benchmarks/faithfulness.py --pair mine src.fr hyp.en fr en

``--parallel DIR SET...`` reads ``DIR/SET.fr`` and ``DIR/SET.en`` (human translations) in
both directions; ``--mt DIR`` adds ``DIR/opus-mt-<sl>-<tl>__SET.src/.hyp`` for those sets
(real model output); ``--pair LABEL SRC TGT SL TL`` any other pair of files (repeatable).
``--flags FILE`` writes every flagged sentence with its findings (to read them);
``--markdown FILE`` writes the results table. Exits 1 if a target is missed with ``--check``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bilingual_digest.checks import Finding, check_segment

TARGETS = {
    "human_flagged_max": 2.0,
    "mt_flagged_max": 2.5,
    "digit_changed_min": 97.0,
    "number_dropped_min": 95.0,
    "name_dropped_min": 90.0,
}
"""The issue's targets, in per cent."""

SEED = 2014
NUMBER_PREFIXES = ("number", "date", "amount", "time", "percent")
NAME_PREFIXES = ("name", "acronym", "entity")
_NAME_WORD = re.compile(r"(?<=[a-zà-ÿ,;:] )[A-Z][a-zà-ÿ]{3,}\b")
_SINGLE_NUMBER = re.compile(r"(?<![\w.,])\d[\d.,]*\d?(?![\w])")


@dataclass
class Tally:
    """Injected errors of one sort: how many were tried, how many were caught."""

    tried: int = 0
    caught: int = 0

    def add(self, caught: bool) -> None:
        self.tried += 1
        self.caught += caught

    @property
    def pct(self) -> float:
        return 100 * self.caught / self.tried if self.tried else float("nan")


@dataclass
class Result:
    """The measures for one set of pairs in one direction."""

    label: str
    source_lang: str
    target_lang: str
    human: bool
    sentences: int = 0
    flagged: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    changed: Tally = field(default_factory=Tally)
    dropped: Tally = field(default_factory=Tally)
    name_dropped: Tally = field(default_factory=Tally)
    name_misspelt: Tally = field(default_factory=Tally)
    seconds: float = 0.0
    flags: list[tuple[str, str, list[Finding]]] = field(default_factory=list)

    @property
    def flagged_pct(self) -> float:
        return 100 * self.flagged / self.sentences if self.sentences else 0.0

    def misses(self) -> list[str]:
        """The targets this result misses, in words."""
        out = []
        limit = TARGETS["human_flagged_max" if self.human else "mt_flagged_max"]
        if self.flagged_pct > limit:
            out.append(f"{self.label} {self.direction}: flagged {self.flagged_pct:.1f}%")
        if not self.human:
            return out
        for tally, key, what in (
            (self.changed, "digit_changed_min", "digit changed"),
            (self.dropped, "number_dropped_min", "number dropped"),
            (self.name_dropped, "name_dropped_min", "name dropped"),
        ):
            if tally.tried and tally.pct < TARGETS[key]:
                out.append(f"{self.label} {self.direction}: {what} caught {tally.pct:.1f}%")
        return out

    @property
    def direction(self) -> str:
        return f"{self.source_lang}→{self.target_lang}"


def _kinds(source: str, translation: str, sl: str, tl: str) -> set[str]:
    return {f.kind for f in check_segment(source, translation, sl, tl)}


def _caught(kinds: set[str], prefixes: tuple[str, ...]) -> bool:
    return any(k.startswith(prefixes) for k in kinds)


def _misspell(word: str, rng: random.Random) -> str:
    """One letter inside the word changed, or two inside letters swapped."""
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letters = [c for c in "aeioulnrst" if c != word[i]]
    return word[:i] + rng.choice(letters) + word[i + 1 :]


def measure(
    label: str,
    pairs: Iterable[tuple[str, str]],
    source_lang: str,
    target_lang: str,
    *,
    human: bool,
    rng: random.Random | None = None,
) -> Result:
    """Flag rates, and (for human translations) the injected errors caught.

    The digit, number and name injections draw from ``rng`` (by default seeded 2014, as the
    probe's, which shares one generator between a set's two directions) in the probe's
    order; the misspelt names draw from a generator of their own.
    """
    result = Result(label, source_lang, target_lang, human)
    rng = rng if rng is not None else random.Random(SEED)
    extra = random.Random(SEED + 1 + len(label) + (source_lang < target_lang))
    started = time.process_time()
    for source, translation in pairs:
        result.sentences += 1
        findings = check_segment(source, translation, source_lang, target_lang)
        if findings:
            result.flagged += 1
            result.kinds.update({f.kind for f in findings})
            result.flags.append((source, translation, findings))
            continue
        if not human:
            continue
        t = translation
        nums = [m for m in re.finditer(r"\d+", t) if m.group() in source]
        if nums:
            m = rng.choice(nums)
            i = rng.randrange(m.start(), m.end())
            changed = t[:i] + str((int(t[i]) + rng.randint(1, 9)) % 10) + t[i + 1 :]
            kinds = _kinds(source, changed, source_lang, target_lang)
            result.changed.add(_caught(kinds, NUMBER_PREFIXES))
            single = [
                m
                for m in _SINGLE_NUMBER.finditer(t)
                if t.count(m.group()) == 1 and m.group() in source and len(m.group()) >= 2
            ]
            if single:
                m = rng.choice(single)
                dropped = (t[: m.start()] + t[m.end() :]).replace("  ", " ")
                kinds = _kinds(source, dropped, source_lang, target_lang)
                result.dropped.add(_caught(kinds, NUMBER_PREFIXES))
        caps = [
            m
            for m in _NAME_WORD.finditer(t)
            if t.count(m.group()) == 1 and re.search(rf"\b{m.group()}\b", source)
        ]
        if caps:
            m = rng.choice(caps)
            dropped = (t[: m.start()] + t[m.end() :]).replace("  ", " ")
            kinds = _kinds(source, dropped, source_lang, target_lang)
            result.name_dropped.add(_caught(kinds, NAME_PREFIXES))
            m = extra.choice(caps)
            misspelt = t[: m.start()] + _misspell(m.group(), extra) + t[m.end() :]
            kinds = _kinds(source, misspelt, source_lang, target_lang)
            result.name_misspelt.add(_caught(kinds, NAME_PREFIXES))
    result.seconds = time.process_time() - started
    return result


def read_pairs(source_path: Path, target_path: Path) -> list[tuple[str, str]]:
    """Line-aligned pairs of two UTF-8 files (an error if their line counts differ)."""
    source = source_path.read_text(encoding="utf-8").splitlines()
    target = target_path.read_text(encoding="utf-8").splitlines()
    if len(source) != len(target):
        raise SystemExit(
            f"{source_path} has {len(source)} lines but {target_path} has {len(target)}."
        )
    return list(zip(source, target, strict=True))


def _fmt(value: float) -> str:
    return "–" if value != value else f"{value:.1f}"


def table(results: list[Result]) -> str:
    """The results as a Markdown table (one row per set, direction and kind of text)."""
    kinds = sorted({k for r in results for k in r.kinds})
    head = [
        "set",
        "direction",
        "text",
        "sentences",
        "flagged %",
        *(f"{k} %" for k in kinds),
        "digit changed caught %",
        "number dropped caught %",
        "name dropped caught %",
        "name misspelt caught %",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        injected = [
            f"{_fmt(t.pct)} ({t.tried})" if t.tried else "–"
            for t in (r.changed, r.dropped, r.name_dropped, r.name_misspelt)
        ]
        row = [
            r.label,
            r.direction,
            "human" if r.human else "OPUS-MT",
            str(r.sentences),
            f"{r.flagged_pct:.1f}",
            *(f"{100 * r.kinds[k] / r.sentences:.1f}" for k in kinds),
            *injected,
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def _write_flags(path: Path, results: list[Result]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for r in results:
            for source, translation, findings in r.flags:
                out.write(f"## {r.label} {r.direction} {'human' if r.human else 'MT'}\n")
                out.write(f"S: {source}\nT: {translation}\n")
                for f in findings:
                    out.write(f"  - {f.kind}: {f.text}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parallel", nargs="+", metavar=("DIR", "SET"), default=[])
    parser.add_argument("--mt", type=Path, help="folder of <model>__SET.src/.hyp files")
    parser.add_argument(
        "--pair",
        nargs=5,
        action="append",
        default=[],
        metavar=("LABEL", "SRC", "TGT", "SL", "TL"),
        help="a model's output (or any pair of files); repeatable",
    )
    parser.add_argument(
        "--human-pair",
        nargs=5,
        action="append",
        default=[],
        metavar=("LABEL", "SRC", "TGT", "SL", "TL"),
        help="a human (faithful) translation: errors are injected into it; repeatable",
    )
    parser.add_argument("--markdown", type=Path, help="write the results table here")
    parser.add_argument("--flags", type=Path, help="write every flagged sentence here")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    if args.parallel and len(args.parallel) < 2:
        parser.error("--parallel needs a folder and at least one set name")
    results: list[Result] = []
    folder, sets = (Path(args.parallel[0]), args.parallel[1:]) if args.parallel else (None, [])
    for name in sets:
        assert folder is not None
        fr_en = read_pairs(folder / f"{name}.fr", folder / f"{name}.en")
        rng = random.Random(SEED)
        for sl, tl, pairs in (("fr", "en", fr_en), ("en", "fr", [(e, f) for f, e in fr_en])):
            results.append(measure(name, pairs, sl, tl, human=True, rng=rng))
            mt = args.mt / f"opus-mt-{sl}-{tl}__{name}" if args.mt else None
            if mt is not None and mt.with_suffix(".src").exists():
                hyp = read_pairs(mt.with_suffix(".src"), mt.with_suffix(".hyp"))
                results.append(measure(name, hyp, sl, tl, human=False))
    for label, src, tgt, sl, tl in args.human_pair:
        results.append(measure(label, read_pairs(Path(src), Path(tgt)), sl, tl, human=True))
    for label, src, tgt, sl, tl in args.pair:
        results.append(measure(label, read_pairs(Path(src), Path(tgt)), sl, tl, human=False))
    if not results:
        parser.error("nothing to measure: give --parallel, --pair or --human-pair")
    text = table(results)
    print(text, end="")
    seconds = sum(r.seconds for r in results)
    sentences = sum(r.sentences for r in results)
    print(f"\n{sentences} pairs checked in {seconds:.1f} s of CPU time (with the injections).")
    misses = [m for r in results for m in r.misses()]
    for miss in misses:
        print("MISSED", miss)
    if args.markdown:
        command = " ".join(
            ["benchmarks/faithfulness.py", *(argv if argv is not None else sys.argv[1:])]
        )
        args.markdown.write_text(
            f"# Faithfulness checks on real translations\n\nMeasured with `{command}`.\n"
            "Human translations: every flag is a false alarm or a slip of the translator; "
            "errors are injected only into the pairs the checks accept.\n\n" + text,
            encoding="utf-8",
        )
    if args.flags:
        _write_flags(args.flags, results)
    return 1 if args.check and misses else 0


if __name__ == "__main__":
    sys.exit(main())
