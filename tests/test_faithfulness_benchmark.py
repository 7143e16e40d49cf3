"""benchmarks/faithfulness.py on a small real subset (tests/data/faithfulness/, with its
provenance): the figures it reports, and the issue's targets for model output and injected
number errors, hold on it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "faithfulness"


@pytest.fixture(scope="module")
def bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "faithfulness_bench", ROOT / "benchmarks" / "faithfulness.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_model_output_and_injected_numbers(bench) -> None:  # type: ignore[no-untyped-def]
    fr_en = bench.read_pairs(
        DATA / "newssyscomb2009.head250.fr", DATA / "newssyscomb2009.head250.en"
    )
    results = [
        bench.measure("human", fr_en, "fr", "en", human=True),
        bench.measure("human", [(e, f) for f, e in fr_en], "en", "fr", human=True),
    ]
    for model, sl, tl in (("opus-mt-fr-en", "fr", "en"), ("opus-mt-en-fr", "en", "fr")):
        stem = f"{model}__newssyscomb2009.head250"
        pairs = bench.read_pairs(DATA / f"{stem}.src", DATA / f"{stem}.hyp")
        results.append(bench.measure(model, pairs, sl, tl, human=False))
    human_fr_en, human_en_fr, mt_fr_en, mt_en_fr = results
    assert [r.sentences for r in results] == [250, 250, 250, 250]
    # The real OPUS-MT output: at most 2.5 % of sentences flagged (10 % in the first round).
    assert mt_fr_en.flagged_pct <= 2.5 and mt_en_fr.flagged_pct <= 2.5
    for human in (human_fr_en, human_en_fr):
        assert human.changed.tried >= 25 and human.changed.pct >= 97.0
        assert human.dropped.tried >= 20 and human.dropped.pct >= 95.0
        assert human.name_dropped.tried >= 60
    # Names: below the 90 % (see the README's trust section), well above the first
    # round's 42-45 % (measured here: 88.7 % and 81.1 %; 87.3 % and 75.7 % before the
    # checks knew given names from countries' beginnings and names from headlines).
    assert human_fr_en.name_dropped.pct >= 88.0 and human_en_fr.name_dropped.pct >= 81.0
    # Human translations flagged: 6.4 % and 9.2 % here (6.8 % and 10.0 % before), far from
    # the 2 %: most are real differences (see benchmarks/faithfulness.md).
    assert human_fr_en.flagged_pct <= 6.4 and human_en_fr.flagged_pct <= 9.2
    assert human_fr_en.kinds.keys() <= {
        "name_missing",
        "number_missing",
        "number_added",
        "length_ratio",
        "untranslated",
        "repetition",
    }


def test_command_line_writes_the_table(bench, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    table = tmp_path / "table.md"
    flags = tmp_path / "flags.txt"
    src, hyp = (DATA / f"opus-mt-fr-en__newssyscomb2009.head250.{e}" for e in ("src", "hyp"))
    code = bench.main(
        [
            "--pair", "mt", str(src), str(hyp), "fr", "en",
            "--markdown", str(table), "--flags", str(flags), "--check",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    document = table.read_text(encoding="utf-8")
    assert document.startswith("# Faithfulness checks on real translations")
    rows = [line for line in document.splitlines() if line.startswith("|")]
    assert "\n".join(rows) + "\n" in out
    assert rows[0].startswith("| set | direction | text | sentences | flagged % |")
    assert rows[2].startswith("| mt | fr→en | OPUS-MT | 250 | ")
    flagged = flags.read_text(encoding="utf-8")
    assert flagged.count("## mt fr→en MT") == round(float(rows[2].split("|")[5]) * 2.5)


def test_unequal_files_are_refused(bench, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a").write_text("un\ndeux\n", encoding="utf-8")
    (tmp_path / "b").write_text("one\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"has 2 lines but .* has 1"):
        bench.read_pairs(tmp_path / "a", tmp_path / "b")
