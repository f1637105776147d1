"""What git knows about the entry files, each question answered by one ``git log``.

- :func:`added_dates`: when each file joined the catalogue. The Atom feed lists entries by
  the day they were added, not by the release date of the model (a model from 2021
  catalogued today is news to a reader); the home page's "Recently added" too.
- :func:`changed_dates`: when each file last changed (shown on entry pages).
- :func:`entry_changes`: which files were added, changed or removed since a commit (the
  changelog of a data release, :mod:`medlm_survey.releases`).

Nothing here raises when git is missing or the folder is not in a repository: the date
functions return nothing, :func:`entry_changes` raises :class:`HistoryUnavailable` with a
sentence saying why, for the caller to show.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
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
    # git log lists newest first; keep the earliest addition (a file deleted and added
    # again joined the catalogue the first time).
    return _file_dates(root, folder, "A", keep_later=False)


def changed_dates(root: Path, folder: str = "entries") -> dict[str, dt.datetime]:
    """Path of each file under ``root/folder`` -> author date of the last commit adding or
    changing it. Same paths and the same fallbacks as :func:`added_dates`.

    Why merges do not count: ``git log`` lists no files for a merge commit, so a file is
    dated by the commit that really changed it, not by the day its pull request was merged.
    In a shallow clone the boundary commit seems to change every file; it is ignored, so a
    file last changed before it has no date rather than a wrong one.
    """
    # The latest change wins; author dates need not follow the log's order (a rebased
    # commit keeps its older author date).
    return _file_dates(root, folder, "AM", keep_later=True)


def _file_dates(root: Path, folder: str, diff_filter: str, keep_later: bool) -> dict[str, dt.datetime]:
    """One ``git log`` over ``folder``: each path's earliest or latest author date among
    the commits that match ``diff_filter`` (A added, M modified). Commits at a shallow
    clone's boundary are skipped (see :func:`added_dates`)."""
    args = [
        "log", "--no-renames", f"--diff-filter={diff_filter}", f"--format={_COMMIT}%H %aI",
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
                known = dates.get(line)
                if known is None or (when > known if keep_later else when < known):
                    dates[line] = when
    return dates


class HistoryUnavailable(Exception):
    """Git cannot answer (not installed, no repository, a commit missing from a shallow
    clone); the message says which, in a sentence a maintainer can act on."""


@dataclass(frozen=True)
class PathChanges:
    """Files under the entries folder, relative to the catalogue root, sorted."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]


def head_commit(root: Path) -> str | None:
    """The full hash of ``HEAD``; None without git, a repository or a first commit."""
    output = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return output.strip() or None if output else None


def uncommitted(root: Path, folder: str = "entries") -> list[str] | None:
    """Lines of ``git status --porcelain`` for ``root/folder`` (modified, staged, untracked
    files); None when git cannot say."""
    output = _git(root, "status", "--porcelain", "--untracked-files=all", "--", folder)
    return None if output is None else [line for line in output.splitlines() if line]


#: ``git log --name-status`` letters: added, copied, deleted, modified, renamed, type change,
#: unmerged, unknown, broken pairing. ``--no-renames`` leaves A, D, M and T in practice.
_STATUS = frozenset("ACDMRTUXB")


def entry_changes(root: Path, since: str | None, folder: str = "entries") -> PathChanges:
    """Files under ``root/folder`` added, changed or removed between ``since`` and ``HEAD``.

    One ``git log --name-status`` over ``since..HEAD`` (the whole history when ``since`` is
    None) along the first-parent chain, walked from the oldest commit; for each path its
    first and last status give the net effect: a file that existed at ``since`` (first
    status M or D) and exists at ``HEAD`` (last status A or M) changed; one added after
    ``since`` and still there was added; one that existed and is gone was removed; one
    added and deleted again in between does not appear. Renames count as a removal and an
    addition (``--no-renames``), as ids are file names.

    Why ``--first-parent -m``: along the main line every merge is shown as its diff against
    the previous main-line commit, so the walk is linear and the net effect exact however
    the branches were merged.

    Raises:
        HistoryUnavailable: git is missing, ``root`` is not in a repository, it has no
            commit, or ``since`` is not a commit of this clone that ``HEAD`` descends from
            (a shallow clone, or history rewritten since).
    """
    if _git(root, "rev-parse", "--is-inside-work-tree") is None:
        raise HistoryUnavailable(f"git is not installed or {root} is not in a git repository")
    if head_commit(root) is None:
        raise HistoryUnavailable("the repository has no commit yet")
    if since is not None:
        if _git(root, "cat-file", "-e", f"{since}^{{commit}}") is None:
            hint = "fetch the full history (git fetch --unshallow)" if _shallow_commits(root) else "was history rewritten?"
            raise HistoryUnavailable(f"commit {since[:12]} of the previous release is not in this clone; {hint}")
        if _git(root, "merge-base", "--is-ancestor", since, "HEAD") is None:
            raise HistoryUnavailable(f"HEAD does not descend from commit {since[:12]} of the previous release")
    span = [f"{since}..HEAD"] if since else []
    args = [
        "log", "--no-renames", "--first-parent", "-m", "--name-status", "--reverse",
        f"--format={_COMMIT}%H", "--relative", "-z", *span, "--", folder,
    ]  # fmt: skip
    output = _git(root, *args)
    if output is None:
        raise HistoryUnavailable("git log failed")
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    tokens = iter(output.split("\0"))
    # With -z: "commit <hash>", then "\n<status>", "<path>", "<status>", "<path>", ...
    for token in tokens:
        token = token.lstrip("\n")
        if not token or token.startswith(_COMMIT):
            continue
        if token[0] in _STATUS:
            path = next(tokens, "")
            if path:
                first.setdefault(path, token[0])
                last[path] = token[0]
    added, changed, removed = [], [], []
    for path in sorted(first):
        existed, exists = first[path] not in "AC", last[path] != "D"
        if existed and exists:
            changed.append(path)
        elif exists:
            added.append(path)
        elif existed:
            removed.append(path)
    return PathChanges(tuple(added), tuple(changed), tuple(removed))


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
