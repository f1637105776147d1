"""`medlm-survey stats`: field coverage, with "not recorded" apart from "none"."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from medlm_survey.cli import cli
from medlm_survey.record_stats import completeness, coverage_table
from tests.conftest import make_repo

GOOD = Path(__file__).parent / "data" / "good"


def test_coverage_counts_recorded_fields(make_catalog):
    catalog = make_catalog({}, base=GOOD)
    table = coverage_table(catalog)
    models = table["medical_models"]
    assert models["entries"] == 1  # base-lm is a general-purpose base
    assert models["fields"]["trained_on"] == {"recorded": 1, "share": 1.0, "partial": 0}
    assert models["fields"]["sizes"] == {"recorded": 1, "share": 1.0, "not_disclosed": 0}
    assert table["missing"]["trained_on"] == []
    assert set(table["medical_models_by_family"]) == {"llm", "multimodal"}


def test_missing_training_data_is_not_recorded_rather_than_none(make_catalog):
    entry = """schema_version: 2
id: quiet
kind: model
name: Quiet Model
categories: [vision]
summary: A fixture.
date: "2024-01"
paper: {title: Quiet, authors: [A. Author], url: https://example.org/q}
"""
    catalog = make_catalog({"entries/model/quiet.yaml": entry, "entries/model/empty.yaml": entry.replace("quiet", "empty").replace("Quiet", "Empty") + "trained_on: []\n"}, base=GOOD)
    recorded, missing = completeness(catalog.get("quiet"))
    assert "trained_on" in missing and "trained_on" not in recorded
    assert "trained_on" in completeness(catalog.get("empty"))[0]
    assert coverage_table(catalog)["missing"]["trained_on"] == ["quiet"]


def test_stats_command_text_json_and_missing(tmp_path):
    root = make_repo(tmp_path, {}, GOOD)
    runner = CliRunner()
    text = runner.invoke(cli, ["stats", "--root", str(root)])
    assert text.exit_code == 0 and text.output.startswith("medical models (1)\n  trained_on")
    data = json.loads(runner.invoke(cli, ["stats", "--root", str(root), "--format", "json"]).output)
    assert data["medical_models"]["fields"]["license"]["share"] == 1.0
    missing = runner.invoke(cli, ["stats", "--root", str(root), "--missing", "code"])
    assert missing.exit_code == 0 and missing.output == ""
    assert runner.invoke(cli, ["stats", "--root", str(root), "--missing", "colour"]).exit_code == 2


def test_a_size_checked_and_not_disclosed_counts_as_recorded_and_is_shown(make_catalog):
    entry = """schema_version: 2
id: secret
kind: model
name: Secret Model
categories: [llm]
summary: A fixture.
date: "2024-01"
access: api
paper: {title: Secret, authors: [A. Author], url: https://example.org/s}
sizes_not_disclosed: API-only; the paper and the model page give no parameter count.
"""
    catalog = make_catalog({"entries/model/secret.yaml": entry}, base=GOOD)
    assert [str(d) for d in catalog.diagnostics] == []
    assert "sizes" in completeness(catalog.get("secret"))[0]
    sizes = coverage_table(catalog)["medical_models"]["fields"]["sizes"]
    assert sizes == {"recorded": 2, "share": 1.0, "not_disclosed": 1}
    from medlm_survey.record_stats import format_coverage

    assert "  sizes            2  100.0%  (of which 1 not disclosed)" in format_coverage(coverage_table(catalog))


def test_a_partial_training_list_counts_as_recorded_and_is_reported_apart(make_catalog):
    entry = """schema_version: 2
id: partly
kind: model
name: Partly Known
categories: [llm]
summary: A fixture.
date: "2024-01"
paper: {title: Partly, authors: [A. Author], url: https://example.org/p}
trained_on: [beta-notes]
trained_on_partial: The README names one of its four training sets.
"""
    catalog = make_catalog({"entries/model/partly.yaml": entry}, base=GOOD)
    assert [str(d) for d in catalog.diagnostics] == []
    # base-lm, a general-purpose fixture, records no training data; the counts cover every model.
    assert catalog.training_data_partial == 1 and catalog.training_data_unrecorded == 1
    table = coverage_table(catalog)
    assert table["medical_models"]["fields"]["trained_on"] == {"recorded": 2, "share": 1.0, "partial": 1}
    from medlm_survey.record_stats import format_coverage

    assert "  trained_on       2  100.0%  (of which 1 partial lists)" in format_coverage(table)
