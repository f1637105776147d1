"""The code passes ruff's lint rules configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_ruff_reports_nothing(repo_root: Path):
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    done = subprocess.run(
        [ruff, "check", "src", "tests", "benchmarks", "tasks.py"], cwd=repo_root, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
