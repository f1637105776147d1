"""The validate / schema / codes commands: exact output, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from medlm_survey.cli import cli
from tests.conftest import make_repo

GOOD = Path(__file__).parent / "data" / "good"
BROKEN = """schema_version: 2
id: broken
kind: model
name: Broken
categories: [lm]
summary: A broken entry.
date: "2024-01"
paper: {title: Broken, authors: [A. Author], url: https://example.org/p}
"""
WARNED = (
    BROKEN.replace("[lm]", "[llm]")
    .replace("A broken entry.", "One. Two. Three. Four. Five.")
    .replace("broken", "warned")
)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_clean_catalogue_exits_0_with_summary(tmp_path):
    root = make_repo(tmp_path, {}, GOOD)
    result = invoke("validate", "--root", str(root))
    assert result.exit_code == 0
    assert result.output == "5 files checked: 5 valid, 0 with errors; 0 errors, 0 warnings\n"


def test_errors_exit_1_one_line_each(tmp_path):
    root = make_repo(tmp_path, {"entries/model/broken.yaml": BROKEN}, GOOD)
    result = invoke("validate", "--root", str(root))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "entries/model/broken.yaml:5:14: error[unknown-term] categories term 'lm' is not in taxonomy.yaml; did you mean 'llm'?",
        "6 files checked: 5 valid, 1 with errors; 1 error, 0 warnings",
    ]
    assert "Traceback" not in result.output


def test_warnings_pass_unless_strict(tmp_path):
    root = make_repo(tmp_path, {"entries/model/warned.yaml": WARNED}, GOOD)
    assert invoke("validate", "--root", str(root)).exit_code == 0
    strict = invoke("validate", "--root", str(root), "--strict")
    assert strict.exit_code == 1
    assert "warning[summary-length]" in strict.output


def test_github_format_prints_annotations(tmp_path):
    root = make_repo(tmp_path, {"entries/model/broken.yaml": BROKEN}, GOOD)
    result = CliRunner().invoke(cli, ["validate", "--root", str(root), "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=entries/model/broken.yaml,line=5,col=14,title=unknown-term::"
        "categories term 'lm' is not in taxonomy.yaml; did you mean 'llm'?"
    )


def test_json_format_is_machine_readable(tmp_path):
    root = make_repo(tmp_path, {"entries/model/broken.yaml": BROKEN}, GOOD)
    result = invoke("validate", "--root", str(root), "--format", "json")
    document = json.loads(result.output)
    assert document["errors"] == 1 and document["warnings"] == 0
    assert document["diagnostics"][0] == {
        "path": "entries/model/broken.yaml",
        "line": 5,
        "col": 14,
        "severity": "error",
        "code": "unknown-term",
        "message": "categories term 'lm' is not in taxonomy.yaml; did you mean 'llm'?",
    }


def test_usage_error_exits_2():
    result = CliRunner().invoke(cli, ["validate", "--format", "xml"])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_broken_taxonomy_is_one_line_not_a_traceback(tmp_path):
    root = make_repo(tmp_path, {}, GOOD)
    (root / "taxonomy.yaml").write_text("categories: [\n")
    result = CliRunner().invoke(cli, ["validate", "--root", str(root)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "taxonomy.yaml: not valid YAML" in result.output
    assert "Traceback" not in result.output


def test_codes_lists_every_code():
    from medlm_survey.diagnostics import CODES

    output = invoke("codes").output.splitlines()
    assert len(output) == len(CODES)
    assert output[0].split()[0] == next(iter(CODES))


def test_every_command_has_help():
    for name, command in cli.commands.items():
        assert command.help, name
        assert invoke(name, "--help").exit_code == 0


def _git(root: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_changed_since_annotates_only_changed_files(tmp_path):
    """A pull request that adds a near-duplicate gets the annotation on its own new file,
    with advice for that file; warnings already on main are not repeated on every PR."""
    old_warning = WARNED  # a summary-length warning that main already has
    root = make_repo(tmp_path, {"entries/model/warned.yaml": old_warning}, GOOD)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", "-A")
    _git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "base")
    twin = (root / "entries/model/alpha-med.yaml").read_text().replace("id: alpha-med", "id: alpha-med-copy")
    twin = twin.replace("name: Alpha-Med", "name: AlphaMed").replace('arxiv: "2403.01230"', 'arxiv: "2403.01231"')
    twin = twin.replace("doi: 10.1234/fixture.5678", "doi: 10.1234/fixture.9999")
    (root / "entries/model/alpha-med-copy.yaml").write_text(twin)
    _git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", "-A")
    _git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "add a twin")
    result = invoke("validate", "--root", str(root), "--changed-since", "HEAD~1", "--format", "github")
    annotations = [line for line in result.output.splitlines() if line.startswith("::")]
    assert annotations, result.output
    assert all("file=entries/model/alpha-med-copy.yaml" in line for line in annotations)
    assert "near-duplicate" in annotations[0] and "move what this file adds into entries/model/alpha-med.yaml" in annotations[0]
    whole = invoke("validate", "--root", str(root))
    assert "warned.yaml" in whole.output  # still reported without --changed-since


def test_validation_cache_gives_identical_output(tmp_path):
    """The cache (in .cache/) changes the speed of validate, never its output."""
    broken = BROKEN.replace("broken", "cached")
    root = make_repo(tmp_path, {"entries/model/cached.yaml": broken, "entries/model/warned.yaml": WARNED}, GOOD)
    without = invoke("validate", "--root", str(root), "--no-cache")
    first = invoke("validate", "--root", str(root))
    shards = root / ".cache" / "validate"
    assert len(list(shards.glob("[0-9][0-9].pickle"))) == 32 and (shards / "pairs.pickle").is_file()
    second = invoke("validate", "--root", str(root))  # every file from the cache
    assert without.output == first.output == second.output and second.exit_code == without.exit_code == 1
    # one file changes: only it is read again, and the result is still what a fresh run gives
    (root / "entries/model/cached.yaml").write_text(broken.replace("[lm]", "[llm]"), encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in shards.glob("[0-9][0-9].pickle")}
    after = invoke("validate", "--root", str(root))
    rewritten = [p.name for p in shards.glob("[0-9][0-9].pickle") if p.stat().st_mtime_ns != before[p.name]]
    assert len(rewritten) == 1  # only the changed file's shard is written again
    fresh = invoke("validate", "--root", str(root), "--no-cache")
    assert after.output == fresh.output and "error[" not in after.output
    # a change of taxonomy empties the cache rather than reusing stale results
    taxonomy = root / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("id: llm\n", "id: lm\n", 1), encoding="utf-8")
    assert invoke("validate", "--root", str(root)).output == invoke("validate", "--root", str(root), "--no-cache").output
