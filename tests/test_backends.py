"""The backends package's layout: the interface imports no engine; public names stay put."""

from __future__ import annotations

import ast
from pathlib import Path

import bilingual_digest.backends as backends
from bilingual_digest.backends import base

IMPLEMENTATIONS = {"torch_backend", "ct2_backend", "factory", "cache", "torch", "ctranslate2"}


def _imported_modules(path: Path) -> set[str]:
    """Every module an import statement in ``path`` names (relative ones without dots)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
            if not node.module:  # from . import x
                names.update(alias.name for alias in node.names)
    return {name.rsplit(".", 1)[-1] for name in names}


def test_the_interface_imports_no_implementation() -> None:
    imported = _imported_modules(Path(base.__file__))
    assert imported, "the walk found no import at all"
    assert not imported & IMPLEMENTATIONS


def test_modules_do_not_shadow_the_libraries_they_wrap() -> None:
    package = Path(backends.__file__).parent
    assert not {"torch.py", "ctranslate2.py", "tokenizers.py", "transformers.py"} & {
        path.name for path in package.iterdir()
    }


def test_public_names() -> None:
    from bilingual_digest.backends import load_backend
    from bilingual_digest.backends.ct2_backend import CTranslate2Unavailable
    from bilingual_digest.backends.factory import load_backend as factory_load_backend

    assert load_backend is factory_load_backend
    assert backends.__all__ == [
        "Backend",
        "Generated",
        "checked_generate",
        "generate_batched",
        "load_backend",
        "parallelism",
    ]
    assert all(getattr(backends, name) is getattr(base, name) for name in backends.__all__[:3])
    assert issubclass(CTranslate2Unavailable, RuntimeError)
