"""When each entry file joined the catalogue, read from git history in one ``git log``.

The Atom feed lists entries by the day they were added to the catalogue, not by the
release date of the model (a model from 2021 catalogued today is news to a reader).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

#: Marks a commit line in the ``git log`` output (paths never start with it).
_COMMIT = "commit "


def added_dates(root: Path, folder: str = "entries") -> dict[str, dt.datetime]:
    """Path of each file under ``root/folder`` -> author date of the first commit adding it.

    Paths are relative to ``root`` with forward slashes (``entries/model/llama-3.yaml``),
    as in :attr:`medlm_survey.catalog.Catalog.paths`; ``root`` may be a subfolder of the
    repository. Files git does not track are missing, and so is everything when git is not
    installed or ``root`` is not in a repository: callers fall back to another date.

    Why ``--no-renames``: with rename detection (a user setting) a renamed file has no
    "added" record; without it the new path counts as added by the renaming commit, the
    same answer on every machine. In a shallow clone the oldest commit present looks as if
    it added every file; its additions are dropped rather than reported with a wrong date.
    """
    args = [
        "log", "--no-renames", "--diff-filter=A", f"--format={_COMMIT}%H %aI",
        "--name-only", "--relative", "-z", "--", folder,
    ]  # fmt: skip
    output = _git(root, *args)
    if output is None:
        return {}
    shallow = _shallow_commits(root)
    dates: dict[str, dt.datetime] = {}
    commit, when = "", None
    # With -z, records are NUL-separated; a commit line and its first path share a record,
    # separated by a newline.
    for record in output.split("\0"):
        for line in record.split("\n"):
            if line.startswith(_COMMIT):
                commit, _, stamp = line[len(_COMMIT) :].partition(" ")
                when = dt.datetime.fromisoformat(stamp)
            elif line and when is not None and commit not in shallow:
                # git log lists newest first; keep the earliest addition (a file deleted and
                # added again joined the catalogue the first time).
                if line not in dates or when < dates[line]:
                    dates[line] = when
    return dates


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    except OSError:  # git is not installed
        return None
    return result.stdout if result.returncode == 0 else None


def _shallow_commits(root: Path) -> frozenset[str]:
    """The boundary commits of a shallow clone (none in a full clone)."""
    path = _git(root, "rev-parse", "--git-path", "shallow")
    if not path:
        return frozenset()
    shallow = Path(root, path.strip())  # relative to root unless git printed an absolute path
    try:
        return frozenset(shallow.read_text(encoding="ascii").split())
    except OSError:
        return frozenset()
