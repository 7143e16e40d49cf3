"""Real faults for the batch tests: read-only files (even for root) and a full disk.

Root ignores file modes, so as root a read-only folder is a tmpfs remounted read-only and a
full disk is a tmpfs of a few KiB; as another user, file modes do it (and the tiny file
system is not available: those tests are skipped).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    proc = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} is not allowed here: {proc.stderr.strip()}")


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """Make ``folder`` and the files in it read-only for this process, then restore them."""
    if os.geteuid() != 0:
        files = [p for p in folder.iterdir() if p.is_file()]
        for path in files:
            path.chmod(0o444)
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
            for path in files:
                path.chmod(0o644)
        return
    stash = Path(tempfile.mkdtemp(prefix="bd-ro-"))
    shutil.copytree(folder, stash, dirs_exist_ok=True)
    _mount("-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder))
    try:
        shutil.copytree(stash, folder, dirs_exist_ok=True)
        _mount("-o", "remount,ro", str(folder))
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)
        shutil.copytree(stash, folder, dirs_exist_ok=True)
        shutil.rmtree(stash, ignore_errors=True)


@contextmanager
def tiny_disk(folder: Path, size: str) -> Iterator[Path]:
    """A file system of ``size`` (e.g. ``"24k"``) mounted on ``folder`` (root only)."""
    if os.geteuid() != 0:
        pytest.skip("a tiny file system needs root (mount)")
    folder.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)
