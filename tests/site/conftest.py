"""Fixtures for the site tests: the fixture catalogue, a built site, the snapshot flag.

Run ``pytest tests/site --update-snapshots`` to rewrite ``tests/site/snapshots/`` after an
intended change to the templates (review the diff before committing).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from medlm_survey.catalog import load_catalog

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURE_ROOT = HERE / "data" / "catalog"
SNAPSHOTS = HERE / "snapshots"
#: "Today" for the fixture catalogue, so validation never depends on the calendar.
TODAY = dt.date(2025, 1, 1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="Rewrite tests/site/snapshots/ from the current rendering instead of comparing.",
    )


@pytest.fixture(scope="session")
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))


@pytest.fixture(scope="session")
def fixture_catalog():
    catalog = load_catalog(FIXTURE_ROOT, today=TODAY)
    assert catalog.ok, [str(d) for d in catalog.errors]
    return catalog


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, fixture_catalog) -> Path:
    """The fixture catalogue built with MkDocs and the repository's mkdocs.yml and site/."""
    from medlm_survey.site_build import build_site

    out = tmp_path_factory.mktemp("built")
    build_site(
        FIXTURE_ROOT,
        catalog=fixture_catalog,
        config_file=REPO / "mkdocs.yml",
        docs_dir=out / "docs",
        site_dir=out / "public",
        sources_dir=REPO / "site",
    )
    return out / "public"


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture catalogue (entries/ and taxonomy.yaml)."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE_ROOT, root)
    return root


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: needs headless Chromium (skipped without it, except in CI)")
