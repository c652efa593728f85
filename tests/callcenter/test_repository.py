"""The repository itself: no worktree's local links are committed.

A tracked ``.venv`` or ``node_modules`` (a symlink a worktree made to the shared ones) replaces
the real directory of every checkout it is merged into, and with it the installed packages.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL_ONLY = {".venv", "node_modules"}


def test_no_virtualenv_or_node_modules_is_tracked() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    offending = [path for path in tracked if LOCAL_ONLY & set(Path(path).parts)]
    assert offending == [], f"local-only paths are tracked: {offending[:5]}"
