"""GitHub workflows and contributor files: schemas, zizmor, pinning and the promises they make."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from medlm_survey.cli import cli
from tests.conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed (it comes with the test extras)")
    return str(found)


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True
    )


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); workflows mean the string.
    data = yaml.safe_load(path.read_text())
    if True in data:
        data["on"] = data.pop(True)
    return data


def test_there_are_five_workflows():
    # arxiv-watch.yml (the weekly candidates issue) joined the original four deliberately.
    assert [p.name for p in WORKFLOWS] == ["arxiv-watch.yml", "entries.yml", "nightly.yml", "site.yml", "tests.yml"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(path):
    result = check_jsonschema("vendor.github-workflows", path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_of_medium_severity_or_above():
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--format", "json", "--min-severity", "medium", str(REPO / ".github" / "workflows")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_full_commits(path):
    uses = re.findall(r"uses:\s*(\S+)", path.read_text())
    assert uses
    for use in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use), use


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_secrets_and_no_persisted_credentials(path):
    assert "secrets." not in path.read_text()
    workflow = load(path)
    assert "pull_request_target" not in workflow["on"]
    for step in (s for job in workflow["jobs"].values() for s in job["steps"]):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_pull_requests_validate_with_annotations_then_build_strictly_read_only():
    workflow = load(REPO / ".github/workflows/entries.yml")
    assert workflow["on"] == {"pull_request": {"paths": ["entries/**", "taxonomy.yaml"]}}
    assert workflow["permissions"] == {"contents": "read"}
    runs = [s["run"] for s in workflow["jobs"]["validate"]["steps"] if "run" in s]
    assert any(r.startswith("medlm-survey validate --format github") for r in runs)
    assert runs[-1] == "medlm-survey build --strict"
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_main_builds_and_deploys_to_pages_with_least_privilege():
    workflow = load(REPO / ".github/workflows/site.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert runs[-2:] == ["medlm-survey validate --format github", "medlm-survey build"]
    assert build["steps"][-1]["with"] == {"path": "public"}


def test_nightly_verifies_and_checks_links_without_touching_pull_requests():
    workflow = load(REPO / ".github/workflows/nightly.yml")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert workflow["permissions"] == {"contents": "read"}
    steps = workflow["jobs"]["verify"]["steps"]
    assert any(s.get("run", "").startswith("medlm-survey verify --format github") for s in steps)
    assert any(s.get("uses", "").startswith("lycheeverse/lychee-action@") for s in workflow["jobs"]["links"]["steps"])


def test_the_arxiv_watch_keeps_one_issue_with_least_privilege():
    workflow = load(REPO / ".github/workflows/arxiv-watch.yml")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    assert len(workflow["on"]["schedule"]) == 1  # weekly
    assert workflow["on"]["schedule"][0]["cron"].split()[2:] == ["*", "*", "2"]
    assert workflow["permissions"] == {"contents": "read"}
    search, issue = workflow["jobs"]["search"], workflow["jobs"]["issue"]
    assert "permissions" not in search  # read-only, from the top
    assert issue["permissions"] == {"contents": "read", "issues": "write"}
    assert issue["needs"] == "search"
    runs = [s["run"] for s in search["steps"] if "run" in s]
    assert any(r.startswith("medlm-survey candidates --format markdown -o candidates.md") for r in runs)
    # The job that may write issues runs no code from the repository or a registry: no
    # checkout, no install, only the runner's gh CLI; the body arrives through env, never
    # expanded into the script.
    assert all("uses" not in step for step in issue["steps"])
    (step,) = issue["steps"]
    assert step["env"] == {"BODY": "${{ needs.search.outputs.body }}"}
    assert "${{" not in step["run"]
    assert "gh issue list --label" in step["run"] and "gh issue create" in step["run"] and "gh issue edit" in step["run"]
    assert issue["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_issue_form_matches_the_github_schema():
    result = check_jsonschema("vendor.github-issue-forms", REPO / ".github/ISSUE_TEMPLATE/suggest-entry.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert load(REPO / ".github/ISSUE_TEMPLATE/suggest-entry.yml")["name"] == "Suggest an entry"


def test_citation_file_matches_the_cff_schema():
    result = check_jsonschema("vendor.citation-file-format", REPO / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_request_template_has_a_checklist():
    text = (REPO / ".github/pull_request_template.md").read_text()
    assert text.count("- [ ]") >= 5 and "medlm-survey validate" in text


def test_pre_commit_hook_runs_validate_on_entry_changes():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "medlm-survey-validate"
    assert hook["entry"] == "medlm-survey validate" and hook["language"] == "python"
    assert re.search(hook["files"], "entries/model/biomedclip.yaml")
    assert re.search(hook["files"], "taxonomy.yaml")
    assert not re.search(hook["files"], "src/medlm_survey/cli.py")
    assert hook["pass_filenames"] is False


def test_contributing_uses_only_commands_that_exist():
    text = (REPO / "CONTRIBUTING.md").read_text()
    used = set(re.findall(r"medlm-survey ([a-z]+)", text))
    assert {"new", "validate", "verify", "export", "codes", "candidates"} <= used
    known = set(cli.list_commands(click.Context(cli)))  # including the lazily imported ones
    assert used - {"survey"} <= known


@pytest.mark.parametrize("command", sorted(cli.list_commands(click.Context(cli))))
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: cli {command} [OPTIONS]")
