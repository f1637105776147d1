"""verify: comparison rules on records, and the command on recorded arXiv answers."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from medlm_survey.arxiv_client import ArxivRecord
from medlm_survey.cli import cli
from medlm_survey.diagnostics import CODES
from medlm_survey.schema import DatasetEntry
from medlm_survey.verify import compare_entry, date_gap_days, same_first_author
from tests.contrib.conftest import answer

BATCH = "1706.03762,2306.00890,2312.99999"
NOT_FOUND = "entries/dataset/ghost-set.yaml:12:10: error[arxiv-not-found] arXiv has no paper 2312.99999; check the id\n"
WRONG_PAPER = (
    "entries/model/retfound.yaml:13:10: error[arxiv-title-mismatch] arXiv 1706.03762 is 'Attention Is All You Need' "
    "(title similarity 30%), not 'A foundation model for generalizable disease detection from retinal images'; "
    "check the id or the title\n"
)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def entry(**paper) -> DatasetEntry:
    paper = {"title": "LLaVA-Med: Training a Large Language-and-Vision Assistant for Biomedicine in One Day",
             "authors": ["Chunyuan Li"], "arxiv": "2306.00890", **paper}  # fmt: skip
    date = paper.pop("date", "2023-06-01")
    return DatasetEntry(schema_version=2, id="x", kind="dataset", name="X", categories=["vlm"], summary="S.", date=date, paper=paper)


RECORD = ArxivRecord("2306.00890", "LLaVA-Med: Training a Large Language-and-Vision Assistant for Biomedicine in One Day",
                     ("Chunyuan Li", "Cliff Wong"), "2023-06-01")  # fmt: skip


def codes(problems):
    return [p.code for p in problems]


def test_a_matching_entry_has_no_problems():
    assert compare_entry(entry(), RECORD, "p.yaml") == []


def test_title_differences_in_case_and_punctuation_match():
    assert compare_entry(entry(title="LLaVA-Med - training a large language and vision assistant for biomedicine in one day"), RECORD, "p") == []


def test_a_reworded_title_for_the_published_version_still_matches():
    assert compare_entry(entry(title="LLaVA-Med: Training a Large Language-and-Vision Assistant for Biomedicine"), RECORD, "p") == []


def test_another_paper_is_an_error_and_nothing_else():
    problems = compare_entry(entry(title="Attention Is All You Need", authors=["Ashish Vaswani"], date="2017-06"), RECORD, "p")
    assert codes(problems) == ["arxiv-title-mismatch"]
    assert problems[0].severity == "error" and problems[0].loc == ("paper", "arxiv")


def test_no_record_is_not_found():
    problems = compare_entry(entry(), None, "p")
    assert codes(problems) == ["arxiv-not-found"]


def test_a_different_first_author_is_a_warning_at_the_author():
    problems = compare_entry(entry(authors=["Cliff Wong", "Chunyuan Li"]), RECORD, "p")
    assert codes(problems) == ["arxiv-author-mismatch"]
    assert problems[0].severity == "warning" and problems[0].loc == ("paper", "authors", 0)
    assert problems[0].message == "the first author on arXiv 2306.00890 is 'Chunyuan Li', not 'Cliff Wong'"


@pytest.mark.parametrize(
    "entry_author, arxiv_author",
    [("Chunyuan Li", "Chunyuan Li"), ("C. Li", "Chunyuan Li"), ("Li, Chunyuan", "Chunyuan Li"),
     ("Christel Gérardin", "Christel Gerardin"), ("Sheng Zhang", "Zhang Sheng"), ("OpenAI", "OpenAI")],
)  # fmt: skip
def test_same_first_author(entry_author, arxiv_author):
    assert same_first_author(entry_author, arxiv_author)


def test_different_first_author():
    assert not same_first_author("Cliff Wong", "Chunyuan Li")


@pytest.mark.parametrize(
    "entry_date, published, gap",
    [("2023-06-01", "2023-06-01", 0), ("2023-06-20", "2023-06-01", 19), ("2023-06", "2023-06-30", 0),
     ("2023-06", "2023-07-15", 15), ("2023-06", "2023-04-30", 32), ("2023-12", "2024-01-31", 31)],
)  # fmt: skip
def test_date_gap_days(entry_date, published, gap):
    assert date_gap_days(entry_date, published) == gap


def test_a_date_more_than_a_month_away_is_a_warning():
    problems = compare_entry(entry(date="2023-09"), RECORD, "p")
    assert codes(problems) == ["arxiv-date-mismatch"]
    assert problems[0].message == (
        "date 2023-09 is 92 days from the first arXiv version (2023-06-01); use the first public release"
    )


def test_a_date_within_the_month_is_fine():
    assert compare_entry(entry(date="2023-07-01"), RECORD, "p") == []


def test_every_verify_code_is_documented():
    for code in ("arxiv-not-found", "arxiv-title-mismatch", "arxiv-author-mismatch", "arxiv-date-mismatch", "arxiv-unchecked"):
        assert code in CODES


# --- the command ------------------------------------------------------------------------

def test_verify_reports_wrong_and_missing_ids_in_validate_format(arxiv_api, mini_root):
    answer(arxiv_api, BATCH, "batch.xml")
    result = invoke("verify", "--root", str(mini_root))
    assert result.exit_code == 1
    assert result.output == NOT_FOUND + WRONG_PAPER + "3 of 3 arXiv ids checked (0 from the cache): 2 errors, 0 warnings\n"
    assert len(arxiv_api.calls) == 1


def test_a_rerun_answers_from_the_cache(arxiv_api, mini_root):
    answer(arxiv_api, BATCH, "batch.xml")
    invoke("verify", "--root", str(mini_root))
    result = invoke("verify", "--root", str(mini_root))
    assert result.output.endswith("3 of 3 arXiv ids checked (3 from the cache): 2 errors, 0 warnings\n")
    assert len(arxiv_api.calls) == 1
    assert (mini_root / ".cache" / "arxiv.json").exists()


def test_github_format_annotates_the_lines(arxiv_api, mini_root):
    answer(arxiv_api, BATCH, "batch.xml")
    result = invoke("verify", "--root", str(mini_root), "--format", "github")
    assert result.stdout.splitlines()[0] == (
        "::error file=entries/dataset/ghost-set.yaml,line=12,col=10,title=arxiv-not-found::arXiv has no paper 2312.99999; check the id"
    )
    assert "title similarity 30%25" in result.stdout  # '%' escaped for workflow commands
    assert result.stderr == "3 of 3 arXiv ids checked (0 from the cache): 2 errors, 0 warnings\n"


def test_json_format(arxiv_api, mini_root):
    answer(arxiv_api, BATCH, "batch.xml")
    document = json.loads(invoke("verify", "--root", str(mini_root), "--format", "json").output)
    assert (document["errors"], document["warnings"]) == (2, 0)
    assert [d["code"] for d in document["diagnostics"]] == ["arxiv-not-found", "arxiv-title-mismatch"]


def test_a_clean_catalogue_exits_0(arxiv_api, mini_root):
    for name in ("dataset/ghost-set.yaml", "model/retfound.yaml"):
        (mini_root / "entries" / name).unlink()
    answer(arxiv_api, "2306.00890", "match.xml")
    result = invoke("verify", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (0, "1 of 1 arXiv ids checked (0 from the cache): 0 errors, 0 warnings\n")


def test_arxiv_unreachable_is_one_line(arxiv_api, mini_root):
    answer(arxiv_api, BATCH, status=429, body="Rate exceeded.")
    result = CliRunner().invoke(cli, ["verify", "--root", str(mini_root)])
    assert result.exit_code == 1
    assert result.output == "Error: cannot reach arXiv (HTTP 429, too many requests); nothing was checked\n"


def test_a_failed_batch_leaves_its_entries_unchecked(arxiv_api, mini_root, monkeypatch):
    monkeypatch.setattr("medlm_survey.arxiv_client.BATCH_SIZE", 2)
    answer(arxiv_api, "1706.03762,2306.00890", status=503, body="busy")
    answer(arxiv_api, "2312.99999", "not-found.xml")
    result = invoke("verify", "--root", str(mini_root))
    assert result.output == (
        NOT_FOUND
        + "entries/model/llava-med.yaml:14:10: warning[arxiv-unchecked] arXiv 2306.00890 was not checked: cannot reach arXiv (HTTP 503, arXiv is busy)\n"
        "entries/model/retfound.yaml:13:10: warning[arxiv-unchecked] arXiv 1706.03762 was not checked: cannot reach arXiv (HTTP 503, arXiv is busy)\n"
        "1 of 3 arXiv ids checked (0 from the cache, 2 unreachable): 1 error, 2 warnings\n"
    )


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_changed_checks_only_changed_and_new_entries(arxiv_api, mini_root):
    git(mini_root, "init", "-q", "-b", "main")
    git(mini_root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty", "-m", "base")
    git(mini_root, "add", "-A")
    git(mini_root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "entries")
    (mini_root / "entries" / "model" / "retfound.yaml").write_text(
        (mini_root / "entries" / "model" / "retfound.yaml").read_text().replace("RETFound", "RETFound-2")
    )
    answer(arxiv_api, "1706.03762", "wrong-paper.xml")
    result = invoke("verify", "--root", str(mini_root), "--changed", "--base", "HEAD")
    assert result.output == WRONG_PAPER + "1 of 1 arXiv ids checked (0 from the cache): 1 error, 0 warnings\n"


def test_changed_outside_git_is_a_usage_error(mini_root):
    result = CliRunner().invoke(cli, ["verify", "--root", str(mini_root), "--changed"])
    assert result.exit_code == 2
    assert "cannot ask git what changed" in result.output
