"""history.added_dates: when each entry file joined the catalogue, from one git log; and the
feed that is dated by it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from medlm_survey import export, history
from medlm_survey.catalog import load_catalog
from tests.conftest import TODAY, make_repo

from .conftest import CATALOG

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
ATOM = "{http://www.w3.org/2005/Atom}"


def git(root: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=root, env=env, check=True, capture_output=True,
    )  # fmt: skip


def commit(root: Path, when: str, message: str = "change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, when=when)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose history adds, edits, renames, deletes and re-adds entries."""
    root = tmp_path / "repo"
    (root / "entries/model").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "entries/model/a.yaml").write_text("a\n")
    (root / "entries/model/b.yaml").write_text("b\n")
    commit(root, "2024-01-10T12:00:00+02:00")
    (root / "entries/model/a.yaml").write_text("a edited\n")
    (root / "entries/model/c.yaml").write_text("c\n")
    commit(root, "2024-03-01T08:00:00+00:00")
    git(root, "mv", "entries/model/b.yaml", "entries/model/b2.yaml")
    (root / "entries/model/c.yaml").unlink()
    commit(root, "2024-05-05T00:00:00+00:00")
    (root / "entries/model/c.yaml").write_text("c again\n")
    commit(root, "2024-07-07T00:00:00+00:00")
    (root / "entries/model/untracked.yaml").write_text("new\n")
    return root


def test_first_addition_of_each_file(repo: Path):
    assert history.added_dates(repo) == {
        "entries/model/a.yaml": dt.datetime(
            2024, 1, 10, 10, 0, tzinfo=dt.UTC
        ),  # edits do not count
        "entries/model/b.yaml": dt.datetime(2024, 1, 10, 10, 0, tzinfo=dt.UTC),  # the old path
        "entries/model/b2.yaml": dt.datetime(
            2024, 5, 5, tzinfo=dt.UTC
        ),  # a rename adds the new path
        "entries/model/c.yaml": dt.datetime(
            2024, 3, 1, 8, 0, tzinfo=dt.UTC
        ),  # deleted, re-added: the first
    }  # untracked.yaml is not in git: callers fall back


def test_rename_detection_in_the_user_config_changes_nothing(repo: Path):
    git(repo, "config", "diff.renames", "copies")
    assert history.added_dates(repo)["entries/model/b2.yaml"] == dt.datetime(
        2024, 5, 5, tzinfo=dt.UTC
    )


def test_a_catalogue_in_a_subfolder_of_the_repository(tmp_path: Path):
    outer = tmp_path / "outer"
    (outer / "data/catalog/entries/model").mkdir(parents=True)
    git(outer, "init", "-q")
    (outer / "data/catalog/entries/model/x.yaml").write_text("x\n")
    (outer / "entries").mkdir()
    (outer / "entries/other.yaml").write_text("not this catalogue\n")
    commit(outer, "2023-02-03T04:05:06+00:00")
    assert history.added_dates(outer / "data/catalog") == {
        "entries/model/x.yaml": dt.datetime(2023, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    }


def test_no_repository_or_no_git_gives_nothing(tmp_path: Path, monkeypatch):
    (tmp_path / "entries").mkdir()
    assert history.added_dates(tmp_path) == {}
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    assert history.added_dates(tmp_path) == {}


def test_a_shallow_clone_does_not_date_everything_by_its_oldest_commit(repo: Path, tmp_path: Path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo}", str(clone))
    dates = history.added_dates(clone)
    # The last two commits are present: c.yaml re-added is seen, b2.yaml's rename too; the
    # boundary commit (the rename) looks as if it added a.yaml and b2.yaml, so it is ignored.
    assert dates == {"entries/model/c.yaml": dt.datetime(2024, 7, 7, tzinfo=dt.UTC)}


def test_one_git_log_for_the_whole_catalogue(repo: Path, monkeypatch):
    calls = []
    real_run = subprocess.run

    def spy(args, *rest, **kwargs):
        calls.append(args)
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(history.subprocess, "run", spy)
    history.added_dates(repo)
    assert [c for c in calls if "log" in c] == [calls[0]] and len(calls) <= 2


def test_the_feed_is_dated_by_the_git_history(tmp_path: Path, taxonomy):
    root = make_repo(tmp_path, {}, CATALOG)
    git(root, "init", "-q")
    git(root, "add", "taxonomy.yaml", "entries/dataset/plain-notes.yaml")
    git(root, "commit", "-q", "-m", "first", when="2022-02-02T10:00:00+00:00")
    git(root, "add", "entries/model/llava-med.yaml")
    git(root, "commit", "-q", "-m", "second", when="2025-05-05T10:00:00+00:00")
    catalog = load_catalog(root, taxonomy=taxonomy, today=TODAY)
    feed = ET.fromstring(export.render_downloads(catalog)["feed.xml"])
    dated = [
        (e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated"))
        for e in feed.findall(f"{ATOM}entry")
    ]
    assert dated == [
        ("LLaVA-Med (model)", "2025-05-05T10:00:00Z"),  # added most recently
        ("Ghost Set (dataset)", "2023-12-01T00:00:00Z"),  # not committed: its own date
        ("RETFound (model)", "2023-09-01T00:00:00Z"),
        ("Plain Notes (dataset)", "2022-02-02T10:00:00Z"),  # released 2021, added 2022
    ]


# --- changed_dates, entry_changes: the entry pages' dates and the release changelog -----


def rev(root: Path, ref: str) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", ref], capture_output=True, text=True, check=True).stdout.strip()


def test_last_change_of_each_file(repo: Path):
    changed = history.changed_dates(repo)
    assert changed["entries/model/a.yaml"] == dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)  # the edit
    assert changed["entries/model/b2.yaml"] == dt.datetime(2024, 5, 5, tzinfo=dt.UTC)  # renamed there
    assert changed["entries/model/c.yaml"] == dt.datetime(2024, 7, 7, tzinfo=dt.UTC)  # added again
    assert "entries/model/untracked.yaml" not in changed


def test_changed_dates_in_a_shallow_clone_skip_the_boundary(repo: Path, tmp_path: Path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo}", str(clone))
    assert history.changed_dates(clone) == {"entries/model/c.yaml": dt.datetime(2024, 7, 7, tzinfo=dt.UTC)}


def test_changed_dates_need_one_git_log(repo: Path, monkeypatch):
    calls = []
    real_run = subprocess.run

    def spy(args, *rest, **kwargs):
        calls.append(args)
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(history.subprocess, "run", spy)
    history.changed_dates(repo)
    assert len([c for c in calls if "log" in c]) == 1


def test_entry_changes_give_the_net_effect_since_a_commit(repo: Path):
    first = rev(repo, "HEAD~3")
    changes = history.entry_changes(repo, first)
    assert changes == history.PathChanges(
        added=("entries/model/b2.yaml", "entries/model/c.yaml"),  # c: added, removed, added again
        changed=("entries/model/a.yaml",),
        removed=("entries/model/b.yaml",),  # renamed: ids are file names
    )
    assert history.entry_changes(repo, rev(repo, "HEAD")) == history.PathChanges((), (), ())


def test_entry_changes_over_the_whole_history(repo: Path):
    assert history.entry_changes(repo, None) == history.PathChanges(
        added=("entries/model/a.yaml", "entries/model/b2.yaml", "entries/model/c.yaml"), changed=(), removed=()
    )


def test_entry_changes_count_a_merge_by_its_effect_on_the_main_line(tmp_path: Path):
    root = tmp_path / "merge"
    (root / "entries/model").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "entries/model/a.yaml").write_text("a\n")
    (root / "entries/model/b.yaml").write_text("b\n")
    commit(root, "2024-01-01T00:00:00+00:00")
    base = rev(root, "HEAD")
    git(root, "checkout", "-q", "-b", "side")
    (root / "entries/model/a.yaml").write_text("a edited\n")
    (root / "entries/model/c.yaml").write_text("c\n")
    commit(root, "2024-01-02T00:00:00+00:00")
    (root / "entries/model/c.yaml").unlink()
    commit(root, "2024-01-03T00:00:00+00:00")
    git(root, "checkout", "-q", "main")
    (root / "entries/model/b.yaml").unlink()
    (root / "entries/model/d.yaml").write_text("d\n")
    commit(root, "2024-01-04T00:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "side", "-m", "merge", when="2024-01-05T00:00:00+00:00")
    assert history.entry_changes(root, base) == history.PathChanges(
        added=("entries/model/d.yaml",), changed=("entries/model/a.yaml",), removed=("entries/model/b.yaml",)
    )


def test_entry_changes_say_why_git_cannot_answer(repo: Path, tmp_path: Path, monkeypatch):
    with pytest.raises(history.HistoryUnavailable, match="not in a git repository"):
        history.entry_changes(tmp_path, None)
    with pytest.raises(history.HistoryUnavailable, match="is not in this clone"):
        history.entry_changes(repo, "0" * 40)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    with pytest.raises(history.HistoryUnavailable, match=r"not in this clone; fetch the full history \(git fetch --unshallow\)"):
        history.entry_changes(clone, rev(repo, "HEAD~3"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    with pytest.raises(history.HistoryUnavailable, match="git is not installed"):
        history.entry_changes(repo, None)


def test_head_and_uncommitted_files(repo: Path, tmp_path: Path):
    assert history.head_commit(repo) == rev(repo, "HEAD")
    assert history.uncommitted(repo) == ["?? entries/model/untracked.yaml"]
    assert history.head_commit(tmp_path) is None and history.uncommitted(tmp_path) is None
