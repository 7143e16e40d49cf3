from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import pytest

from bilingual_digest import prompts

ROOT = Path(__file__).resolve().parent.parent
REAL_INSTALLED_DIR = prompts.installed_dir


@pytest.fixture(autouse=True)
def _no_installed_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read the checkout's prompts/ even if a wheel of the package is installed somewhere."""
    monkeypatch.setattr(prompts, "installed_dir", lambda: None)


def test_shipped_families_are_well_formed() -> None:
    shipped = prompts.available()
    assert set(shipped) == {"bart", "default", "flan-t5", "pegasus", "t5"}
    assert all(path.parent == ROOT / "prompts" for path in shipped.values())
    for family in shipped:
        assert prompts.load(family).template.count("{text}") == 1


@pytest.mark.parametrize(
    ("config", "model", "family", "rendered"),
    [
        ({"model_type": "bart"}, "sshleifer/distilbart-cnn-12-6", "bart", "X"),
        ({"model_type": "pegasus"}, "google/pegasus-cnn_dailymail", "pegasus", "X"),
        ({"model_type": "t5"}, "t5-small", "t5", "summarize: X"),
        (
            {"model_type": "t5"},
            "google/flan-t5-base",
            "flan-t5",
            "Summarize the following news article in a few sentences.\n\nX",
        ),
        # A local directory with an uninformative name: config.json's own name, then its type.
        ({"model_type": "t5", "_name_or_path": "google/flan-t5-small"}, "/m/mine", "flan-t5", None),
        ({"model_type": "t5"}, "/models/my-summariser", "t5", "summarize: X"),
        # Only the last path component counts: a parent directory named flan-t5 says nothing.
        (None, "/home/flan-t5/mymodel", "default", "X"),
        ({"model_type": "led"}, "allenai/led-base-16384", "default", "X"),
    ],
)
def test_selection_per_model_family(
    config: dict[str, str] | None, model: str, family: str, rendered: str | None
) -> None:
    template = prompts.select(config, model)
    assert template.family == family
    if rendered is not None:
        assert template.render("X") == rendered


def test_selection_from_a_transformers_config_object() -> None:
    from transformers import BartConfig, T5Config

    assert prompts.select(T5Config(d_model=8, num_layers=1), "checkpoint").family == "t5"
    assert prompts.select(BartConfig(d_model=8), "checkpoint").family == "bart"


def test_render_keeps_other_braces_and_the_text_exactly() -> None:
    text = 'He said "{text}" and {0} {name} }{'
    assert prompts.load("bart").render(text) == text
    assert prompts.load("t5").render(text) == "summarize: " + text


def test_a_user_adds_a_family_with_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "led.txt").write_text("Summary of: {text}\n", encoding="utf-8")
    (tmp_path / "t5.txt").write_text("summarise: {text}", encoding="utf-8")
    monkeypatch.setenv("BILINGUAL_DIGEST_PROMPTS_DIR", str(tmp_path))
    assert prompts.select({"model_type": "led"}, "allenai/led-base").render("X") == "Summary of: X"
    assert prompts.select({"model_type": "t5"}, "t5-small").render("X") == "summarise: X"
    assert prompts.available()["bart"] == ROOT / "prompts" / "bart.txt"  # shipped ones remain


def test_malformed_and_unknown_templates_say_what_is_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken.txt").write_text("no placeholder here", encoding="utf-8")
    monkeypatch.setenv("BILINGUAL_DIGEST_PROMPTS_DIR", str(tmp_path))
    with pytest.raises(ValueError, match=r"broken\.txt must hold the placeholder \{text\} exactly"):
        prompts.load("broken")
    with pytest.raises(ValueError, match="known families are bart, broken, default, flan-t5"):
        prompts.load("nope")


def test_read_config_of_a_local_directory(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"model_type": "pegasus"}', encoding="utf-8")
    assert prompts.read_config(str(tmp_path)) == {"model_type": "pegasus"}
    assert prompts.read_config("google/pegasus-xsum") is None
    assert prompts.select(prompts.read_config(str(tmp_path)), str(tmp_path)).family == "pegasus"


# --- the installed package finds its templates ------------------------------------------------


def test_the_wheel_ships_every_template() -> None:
    if sys.version_info < (3, 11):
        pytest.skip("tomllib is Python 3.11+")
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["data-files"]["share/bilingual-digest/prompts"]
    shipped = {p for pattern in globs for p in ROOT.glob(pattern)}
    assert shipped == set((ROOT / "prompts").glob("*.txt"))


class _File(PurePosixPath):
    """A distribution file entry (like importlib.metadata.PackagePath) under a fake prefix."""

    prefix = Path()

    def locate(self) -> Path:
        return (self.prefix / "lib" / "python3" / "site-packages" / self).resolve()


def test_installed_templates_are_found_in_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = tmp_path / "share" / "bilingual-digest" / "prompts"
    share.mkdir(parents=True)
    (share / "t5.txt").write_text("installed: {text}", encoding="utf-8")
    _File.prefix = tmp_path
    files = [
        _File("bilingual_digest/prompts.py"),
        _File("../../../share/bilingual-digest/prompts/t5.txt"),
    ]

    distribution = SimpleNamespace(files=files)
    monkeypatch.setattr(prompts, "installed_dir", REAL_INSTALLED_DIR)  # the real lookup…
    monkeypatch.setattr(prompts.metadata, "distribution", lambda name: distribution)  # …faked
    prompts.installed_dir.cache_clear()
    try:
        assert prompts.installed_dir() == share
        assert prompts.template_dirs()[0] == share
        assert prompts.select({"model_type": "t5"}, "t5-small").render("X") == "installed: X"
    finally:
        prompts.installed_dir.cache_clear()
