"""Fixtures shared by every test package: the repository, its taxonomy, mini catalogues."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from medlm_survey.catalog import Catalog, load_catalog
from medlm_survey.taxonomy import Taxonomy, load_taxonomy

REPO = Path(__file__).resolve().parent.parent
#: "Today" for tests, so that future-date checks do not depend on the calendar.
TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(REPO / "taxonomy.yaml")


def make_repo(tmp_path: Path, files: dict[str, str | bytes], base: Path | None = None) -> Path:
    """A throwaway repository: the real taxonomy, optionally a fixture tree, plus ``files``.

    Args:
        files: repository-relative path -> text or bytes.
        base: a folder whose ``entries/`` tree is copied first.
    """
    root = tmp_path / "repo"
    root.mkdir(exist_ok=True)
    shutil.copy(REPO / "taxonomy.yaml", root / "taxonomy.yaml")
    if base is not None:
        shutil.copytree(base / "entries", root / "entries", dirs_exist_ok=True)
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_catalog(tmp_path: Path, taxonomy: Taxonomy):
    """``make_catalog(files, base=None) -> Catalog`` over a throwaway repository."""

    def build(files: dict[str, str | bytes], base: Path | None = None) -> Catalog:
        root = make_repo(tmp_path, files, base)
        return load_catalog(root, taxonomy=taxonomy, today=TODAY)

    return build
