"""Session fixtures: tiny models in the real layouts, and an offline, isolated environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest

from real_data import TOKENIZERS, unpack_tokenizer
from tiny_models import build_bart, build_marian

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_077823ae67d334e0.txt"


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tiny-models")


@pytest.fixture(scope="session")
def marian_fr_en(tiny_dir: Path) -> Path:
    return build_marian(tiny_dir / "opus-mt-fr-en", "fr", "en", seed=0)


@pytest.fixture(scope="session")
def marian_en_fr(tiny_dir: Path) -> Path:
    return build_marian(tiny_dir / "opus-mt-en-fr", "en", "fr", seed=1)


@pytest.fixture(scope="session")
def bart_summary(tiny_dir: Path) -> Path:
    return build_bart(tiny_dir / "distilbart", seed=0)


@pytest.fixture(scope="session")
def real_tokenizers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The real tokenizer files (opus-mt-en-fr, opus-mt-tc-big-fr-en, bart), unpacked, by name."""
    root = tmp_path_factory.mktemp("real-tokenizers")
    return {name: unpack_tokenizer(name, root / name) for name in TOKENIZERS}


@pytest.fixture(scope="session")
def seed_article() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _isolated_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test sees the developer's BILINGUAL_DIGEST_* settings; caches go to a temp dir."""
    for name in list(os.environ):
        if name.startswith("BILINGUAL_DIGEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BILINGUAL_DIGEST_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def tiny_env(
    monkeypatch: pytest.MonkeyPatch, marian_fr_en: Path, marian_en_fr: Path, bart_summary: Path
) -> dict[str, str]:
    """Point the default models at the tiny ones, as a user would with environment variables."""
    values = {
        "BILINGUAL_DIGEST_MODEL_FR_EN": str(marian_fr_en),
        "BILINGUAL_DIGEST_MODEL_EN_FR": str(marian_en_fr),
        "BILINGUAL_DIGEST_MODEL_SUMMARY": str(bart_summary),
        "BILINGUAL_DIGEST_BACKEND": "torch",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values
