#!/usr/bin/env python3
"""Developer tasks that need nothing but Python 3.11: each sets up what it needs first.

    python3 tasks.py site    validate entries/ and build the site into public/
    python3 tasks.py test    run the whole test suite (what CI runs)
    python3 tasks.py bench   run the speed benchmarks

The virtual environment lives in .venv/ and is (re)installed whenever pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def run(*args: str | Path) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def ensure_environment() -> None:
    """Create .venv and install the project with its test extras when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py runs on whatever python3 is
        sys.exit(f"medlm-survey needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing medlm-survey and its dependencies into .venv ...", flush=True)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
    STAMP.write_text(wanted)


def main(argv: list[str]) -> None:
    task = argv[0] if argv else "help"
    if task not in ("site", "test", "bench", "validate"):
        print(__doc__)
        sys.exit(0 if task in ("help", "-h", "--help") else 2)
    ensure_environment()
    if task == "validate":
        run(BIN / "medlm-survey", "validate", *argv[1:])
    elif task == "site":
        run(BIN / "medlm-survey", "build", *argv[1:])
    elif task == "test":
        run(BIN / "python", "-m", "pytest", *argv[1:])
    elif task == "bench":
        for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
            run(BIN / "python", script)


if __name__ == "__main__":
    main(sys.argv[1:])
