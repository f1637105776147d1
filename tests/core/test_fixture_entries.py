"""Data-driven tests: good fixtures validate cleanly; each bad fixture yields exactly the
diagnostic lines in its ``.expected`` file, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from medlm_survey.diagnostics import CODES

DATA = Path(__file__).parent / "data"
GOOD = DATA / "good"
BAD_FILES = sorted(p for p in (DATA / "bad").rglob("*.yaml"))
CATALOGS = sorted(p for p in (DATA / "catalogs").iterdir() if p.is_dir())


def test_good_fixture_catalogue_is_clean(make_catalog):
    catalog = make_catalog({}, base=GOOD)
    assert [str(d) for d in catalog.diagnostics] == []
    assert len(catalog.entries) == catalog.files == 5


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_bad_fixture_yields_expected_diagnostics(bad: Path, make_catalog):
    rel = f"entries/{bad.parent.name}/{bad.name}"
    catalog = make_catalog({rel: bad.read_bytes()}, base=GOOD)
    got = [str(d) for d in catalog.diagnostics if d.path == rel]
    expected = bad.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert got == expected
    assert all(d.code in CODES for d in catalog.diagnostics)
    # The good fixtures next to the bad file are unaffected by it.
    assert all(d.path == rel for d in catalog.diagnostics)


@pytest.mark.parametrize("case", CATALOGS, ids=lambda p: p.name)
def test_catalogue_case_yields_expected_diagnostics(case: Path, make_catalog):
    catalog = make_catalog({}, base=case)
    got = [str(d) for d in catalog.diagnostics]
    assert got == (case / "expected.txt").read_text(encoding="utf-8").splitlines()
