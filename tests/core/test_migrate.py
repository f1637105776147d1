"""`medlm-survey migrate`: version-1 files become version 2, comments and order kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from medlm_survey.cli import cli
from medlm_survey.migrate import MigrationError, migrate_text
from medlm_survey.taxonomy import load_taxonomy
from medlm_survey.validation import validate_entry
from medlm_survey.yaml_source import read_entry
from tests.conftest import REPO, TODAY

V1 = Path(__file__).parent / "data" / "v1"
CASES = sorted(p for p in V1.glob("*.yaml") if not p.name.endswith(".v2.yaml"))


@pytest.mark.parametrize("v1", CASES, ids=lambda p: p.stem)
def test_migration_gives_the_expected_version_2_file(v1: Path):
    migrated, changed = migrate_text(v1.read_text(encoding="utf-8"))
    assert changed
    assert migrated == v1.with_suffix(".v2.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("v1", CASES, ids=lambda p: p.stem)
def test_migrated_files_validate_and_keep_comments(v1: Path):
    original = v1.read_text(encoding="utf-8")
    migrated, _ = migrate_text(original)
    comments = [line.strip() for line in original.splitlines() if line.strip().startswith("#")]
    assert comments == [line.strip() for line in migrated.splitlines() if line.strip().startswith("#")]
    data = read_entry(migrated.encode(), f"entries/model/{v1.name}").data
    entry, problems = validate_entry(data, f"entries/model/{v1.name}", load_taxonomy(REPO / "taxonomy.yaml"), TODAY)
    assert entry is not None, problems
    assert [p.code for p in problems if p.severity == "error"] == []


def test_migration_is_idempotent():
    once, _ = migrate_text(CASES[0].read_text(encoding="utf-8"))
    twice, changed = migrate_text(once)
    assert not changed and twice == once


def test_migration_details():
    meditron, _ = migrate_text((V1 / "meditron.yaml").read_text(encoding="utf-8"))
    assert "variants:\n  - {name: 7B, parameters: 7B}\n  - {name: 70B, parameters: 70B}\n" in meditron
    assert "reported_by" not in meditron and "source: {paper: biomistral, locator:" in meditron
    assert "prompting: [fine-tuned]" in meditron
    gemma, _ = migrate_text((V1 / "gemma.yaml").read_text(encoding="utf-8"))
    assert "authors: [{corporate: Gemma Team}" in gemma
    deepdds, _ = migrate_text((V1 / "deepdds.yaml").read_text(encoding="utf-8"))
    assert "metric: auroc, value: 93, scale: percent," in deepdds  # recorded, not silently rescaled


def test_broken_yaml_is_refused():
    with pytest.raises(MigrationError):
        migrate_text("a: [\n")
    with pytest.raises(MigrationError):
        migrate_text("- a list\n")


def test_migrate_command_rewrites_and_checks(tmp_path):
    for case in CASES:
        shutil.copy(case, tmp_path / case.name)
    runner = CliRunner()
    files = [str(tmp_path / c.name) for c in CASES]
    check = runner.invoke(cli, ["migrate", "--check", *files])
    assert check.exit_code == 1 and f"{len(CASES)} need migrating" in check.output
    done = runner.invoke(cli, ["migrate", *files])
    assert done.exit_code == 0 and f"{len(CASES)} migrated" in done.output
    assert runner.invoke(cli, ["migrate", "--check", *files]).exit_code == 0
