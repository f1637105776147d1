#!/usr/bin/env python3
"""Developer tasks that need nothing but Python 3.11: each sets up what it needs first.

    python3 tasks.py site    validate entries/ and build the site into public/
    python3 tasks.py test    run the whole test suite (what CI runs)
    python3 tasks.py bench   run the speed benchmarks
    python3 tasks.py lock    regenerate requirements/lock.txt (extra arguments go to
                             `uv pip compile`, e.g. --upgrade or --upgrade-package NAME)

The virtual environment lives in .venv/. It holds exactly the versions pinned, with their
hashes, in requirements/lock.txt plus medlm-survey itself (editable), and is brought back to
that state whenever requirements/lock.txt or pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
STAMP = VENV / ".installed"
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements" / "lock.txt"
# The locking tool, pinned so that `python3 tasks.py lock` resolves the same way everywhere.
UV_VERSION = "0.13.9"
# The oldest Python the lock is for (requires-python in pyproject.toml); the lock is universal:
# markers in it cover newer Pythons and other platforms.
LOCK_PYTHON = "3.11"
# Installed in .venv but not listed in the lock: pip itself, the project, the locking tool.
UNLOCKED = {"pip", "medlm-survey", "uv"}


def run(*args: str | Path) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT)
    if result.returncode:
        sys.exit(result.returncode)


def check_python() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py runs on whatever python3 is
        sys.exit(f"medlm-survey needs Python 3.11 or newer; this is {sys.version.split()[0]}")


def create_venv() -> None:
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def fingerprint() -> str:
    """What .venv was installed from: the lock file and pyproject.toml."""
    digest = hashlib.sha256()
    for path in (LOCK, PYPROJECT):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def ensure_environment() -> None:
    """Install the lock (hashes required) and the project into .venv when either file changed."""
    check_python()
    if not LOCK.exists():
        sys.exit(f"{LOCK.relative_to(ROOT)} is missing: run python3 tasks.py lock")
    wanted = fingerprint()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    create_venv()
    print("installing the locked dependencies (requirements/lock.txt) into .venv ...", flush=True)
    pip = (PYTHON, "-m", "pip")
    run(*pip, "install", "--quiet", "--require-hashes", "-r", LOCK)
    # The build backend (setuptools, wheel) comes from the lock too: no unpinned build isolation.
    run(*pip, "install", "--quiet", "--no-deps", "--no-build-isolation", "-e", ".")
    remove_unlocked()
    check_lock_is_current()
    STAMP.write_text(wanted)


def remove_unlocked() -> None:
    """Uninstall what an older lock installed and this one no longer lists."""
    pins = re.findall(r"^([A-Za-z0-9][\w.-]*)==", LOCK.read_text(), re.M)
    locked = {canonical(name) for name in pins}
    listing = subprocess.run(
        [str(PYTHON), "-m", "pip", "list", "--format=json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    installed = {canonical(d["name"]) for d in json.loads(listing.stdout)}
    extra = sorted(installed - locked - UNLOCKED)
    if extra:
        print(f"removing packages the lock no longer lists: {' '.join(extra)}", flush=True)
        run(PYTHON, "-m", "pip", "uninstall", "--quiet", "--yes", *extra)


# Run by .venv's Python (packaging comes with the lock): does every requirement in
# pyproject.toml, test extras included, hold for what the lock installed?
CHECK_LOCK = """
import sys, tomllib
from importlib.metadata import PackageNotFoundError, version
from packaging.requirements import Requirement

project = tomllib.loads(open(sys.argv[1], encoding="utf-8").read())["project"]
for line in project["dependencies"] + project["optional-dependencies"]["test"]:
    req = Requirement(line)
    if req.marker and not req.marker.evaluate({"extra": "test"}):
        continue
    try:
        have = version(req.name)
    except PackageNotFoundError:
        print(f"  {line}: not in the lock")
        continue
    if not req.specifier.contains(have, prereleases=True):
        print(f"  {line}: the lock has {have}")
"""


def check_lock_is_current() -> None:
    found = subprocess.run(
        [str(PYTHON), "-c", CHECK_LOCK, str(PYPROJECT)], cwd=ROOT, capture_output=True, text=True
    )
    if found.returncode or found.stdout.strip():
        sys.exit(
            "requirements/lock.txt does not satisfy pyproject.toml:\n"
            + (found.stdout or found.stderr)
            + "run python3 tasks.py lock (then commit requirements/lock.txt with pyproject.toml)"
        )


def lock(extra_args: list[str]) -> None:
    """Resolve pyproject.toml (with the test extras and the build backend) into the lock file."""
    check_python()
    import tomllib  # Python 3.11+, checked just above

    create_venv()
    uv = BIN / "uv"
    have = ""
    if uv.exists():
        have = subprocess.run([str(uv), "--version"], capture_output=True, text=True).stdout
    if have.split()[1:2] != [UV_VERSION]:
        print(f"installing uv {UV_VERSION} (the locking tool) into .venv ...", flush=True)
        run(PYTHON, "-m", "pip", "install", "--quiet", f"uv=={UV_VERSION}")
    build_requires = tomllib.loads(PYPROJECT.read_text())["build-system"]["requires"]
    LOCK.parent.mkdir(exist_ok=True)
    # Resolve from PyPI only: no uv.toml (--no-config), no index or constraint from UV_* variables.
    # (uv never reads pip's configuration, so a machine's pip indexes cannot leak in either.)
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_") or k == "UV_CACHE_DIR"}
    command = [
        str(uv), "pip", "compile", "--no-config", "--quiet",
        "pyproject.toml", "--extra", "test",
        "-",  # standard input: [build-system].requires, so the build backend is locked too
        "--universal", "--python-version", LOCK_PYTHON, "--generate-hashes",
        "--custom-compile-command", "python3 tasks.py lock",
        "--output-file", str(LOCK.relative_to(ROOT)),
        *extra_args,
    ]  # fmt: skip
    stdin = "\n".join(build_requires) + "\n"
    result = subprocess.run(command, cwd=ROOT, env=env, input=stdin, text=True)
    if result.returncode:
        sys.exit(result.returncode)
    text = LOCK.read_text()
    local = re.findall(r"^.*(?:file:|--index-url|--extra-index-url|--find-links).*$", text, re.M)
    if local:
        sys.exit("the lock refers to machine-local sources:\n" + "\n".join(local))
    count = len(re.findall(r"^[A-Za-z0-9][\w.-]*==", text, re.M))
    print(f"requirements/lock.txt: {count} pins with hashes; commit it with pyproject.toml")


def main(argv: list[str]) -> None:
    task = argv[0] if argv else "help"
    if task not in ("site", "test", "bench", "validate", "lock"):
        print(__doc__)
        sys.exit(0 if task in ("help", "-h", "--help") else 2)
    if task == "lock":
        lock(argv[1:])
        return
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
