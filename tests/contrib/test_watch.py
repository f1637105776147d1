"""candidates: the arXiv watch's queries file, triage file and command, on recorded searches."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
import yaml
from click.testing import CliRunner
from responses import matchers

from medlm_survey import watch
from medlm_survey.arxiv_client import ArxivRecord, search_expression
from medlm_survey.cli import cli
from tests.contrib.conftest import API, ARXIV

TODAY = dt.date(2024, 6, 10)
SINCE = dt.date(2024, 6, 1)
CONFIG = """\
# test watch
window_days: 9
max_results: 50
queries:
  - name: llm
    search: 'abs:"language model"'
    categories: [cs.CL]
  - name: vision
    search: abs:VQA
    categories: [cs.CV, eess.IV]
  - name: empty
    search: ti:nothing
    categories: [q-bio.QM]
"""
QUERIES = {
    "llm": ('abs:"language model"', ["cs.CL"], "search-llm.xml"),
    "vision": ("abs:VQA", ["cs.CV", "eess.IV"], "search-vision.xml"),
    "empty": ("ti:nothing", ["q-bio.QM"], "search-empty.xml"),
}
TRIAGED = '"2406.02222": {decision: rejected, reason: "single-task classifier", date: "2024-06-05"}\n'
SUMMARY = "3 candidates since 2024-06-01 from 3 of 3 queries (6 found, 2 already catalogued, 1 already triaged)\n"
LISTED = (
    "2406.06666  2024-06-08  Frank Green: RadVLM: a vision-language model for radiology  [vision]\n"
    "2406.05555  2024-06-07  Alice Smith: CardioLM: a language model for cardiology reports  [llm, vision]\n"
    "2406.01111  2024-06-03  Bob Jones: Seg|Net: segmenting @organs with *U-Net* [and $k$-shot prompts]  [llm]\n"
)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("medlm_survey.commands.watch.today", lambda: TODAY)


@pytest.fixture
def root(mini_root):
    (mini_root / "watch").mkdir()
    (mini_root / "watch" / "queries.yaml").write_text(CONFIG)
    (mini_root / "watch" / "triage.yaml").write_text("# decisions\n" + TRIAGED)
    return mini_root


def searched(mock, name: str, today: dt.date = TODAY, **kwargs) -> None:
    """Answer the search of query ``name`` with its recorded file, or with ``kwargs``."""
    query, categories, fixture = QUERIES[name]
    expression = search_expression(query, categories, SINCE, today)
    if not kwargs:
        kwargs = {"body": (ARXIV / fixture).read_bytes(), "content_type": "application/atom+xml; charset=utf-8"}
    mock.get(
        API,
        match=[matchers.query_param_matcher({"search_query": expression, "sortBy": "submittedDate", "sortOrder": "descending"}, strict_match=False)],
        **kwargs,
    )


def answer_all(mock) -> None:
    for name in QUERIES:
        searched(mock, name)


def run(*args: str):
    return CliRunner().invoke(cli, ["candidates", *args])


# --- the command --------------------------------------------------------------------------

def test_candidates_are_new_untriaged_papers_newest_first(arxiv_api, root):
    answer_all(arxiv_api)
    result = run("--root", str(root))
    assert (result.exit_code, result.output) == (0, LISTED + SUMMARY)
    assert len(arxiv_api.calls) == 3


def test_the_search_asks_for_the_categories_and_dates_newest_first(arxiv_api, root):
    answer_all(arxiv_api)
    run("--root", str(root))
    params = arxiv_api.calls[0].request.params
    assert params["search_query"] == '(abs:"language model") AND (cat:cs.CL) AND submittedDate:[202406010000 TO 202406102359]'
    assert (params["sortBy"], params["sortOrder"], params["max_results"]) == ("submittedDate", "descending", "50")


def test_json_lists_what_was_dropped_and_why(arxiv_api, root):
    answer_all(arxiv_api)
    result = run("--root", str(root), "--format", "json")
    document = json.loads(result.stdout)
    assert [c["arxiv_id"] for c in document["candidates"]] == ["2406.06666", "2406.05555", "2406.01111"]
    assert document["candidates"][1] == {
        "arxiv_id": "2406.05555",
        "title": "CardioLM: a language model for cardiology reports",
        "first_author": "Alice Smith",
        "published": "2024-06-07",
        "queries": ["llm", "vision"],
        "url": "https://arxiv.org/abs/2406.05555",
    }
    assert document["catalogued"] == {"2406.04444": "entries/model/retfound.yaml", "2406.03333": "entries/dataset/plain-notes.yaml"}
    assert document["triaged"] == {"2406.02222": "rejected"}
    assert (document["since"], document["until"], document["failed"]) == ("2024-06-01", "2024-06-10", {})
    assert result.stderr == SUMMARY


def test_a_paper_catalogued_by_arxiv_id_is_dropped(arxiv_api, root):
    entry = (root / "entries" / "model" / "llava-med.yaml").read_text().replace('arxiv: "2306.00890"', 'arxiv: "2406.06666"')
    (root / "entries" / "model" / "llava-med.yaml").write_text(entry)
    answer_all(arxiv_api)
    document = json.loads(run("--root", str(root), "--format", "json").stdout)
    assert document["catalogued"]["2406.06666"] == "entries/model/llava-med.yaml"


def test_markdown_is_the_issue_body_with_escaped_titles(arxiv_api, root, tmp_path):
    answer_all(arxiv_api)
    out = tmp_path / "candidates.md"
    result = run("--root", str(root), "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == SUMMARY
    body = out.read_text()
    assert body.startswith("<!-- Written by `medlm-survey candidates --format markdown`")
    assert "## arXiv watch: 3 candidates since 2024-06-01\n" in body
    assert 'medlm-survey candidates --triage ID --reject "' in body
    rows = [line for line in body.splitlines() if line.startswith("| [")]
    assert rows[0] == "| [2406.06666](https://arxiv.org/abs/2406.06666) | RadVLM: a vision-language model for radiology | Frank Green | 2024-06-08 | vision |"
    assert rows[2] == (
        "| [2406.01111](https://arxiv.org/abs/2406.01111) | Seg\\|Net: segmenting @\u200borgans with \\*U-Net\\* "
        "\\[and \\$k\\$-shot prompts\\] | Bob Jones | 2024-06-03 | llm |"
    )
    assert body.endswith(f"_{SUMMARY.strip()}._\n")


def test_markdown_without_candidates_says_so(arxiv_api, root):
    for name in QUERIES:
        searched(arxiv_api, name, body=(ARXIV / "search-empty.xml").read_bytes())
    result = run("--root", str(root), "--format", "markdown")
    assert "No new candidates." in result.stdout
    assert result.stderr == "0 candidates since 2024-06-01 from 3 of 3 queries (0 found, 0 already catalogued, 0 already triaged)\n"


def test_a_failing_query_is_reported_and_the_others_still_count(arxiv_api, root):
    searched(arxiv_api, "llm")
    searched(arxiv_api, "vision", status=503, body=(ARXIV / "http-503.html").read_text())
    searched(arxiv_api, "empty")
    result = run("--root", str(root))
    assert result.exit_code == 0
    assert result.output == (
        "2406.05555  2024-06-07  Alice Smith: CardioLM: a language model for cardiology reports  [llm]\n"
        "2406.01111  2024-06-03  Bob Jones: Seg|Net: segmenting @organs with *U-Net* [and $k$-shot prompts]  [llm]\n"
        "warning: query 'vision' failed: cannot reach arXiv (HTTP 503, arXiv is busy)\n"
        "2 candidates since 2024-06-01 from 2 of 3 queries (5 found, 2 already catalogued, 1 already triaged; 1 failed (vision))\n"
    )
    assert len(arxiv_api.calls) == 1 + 3 + 1  # the busy query was tried three times


def test_the_markdown_warns_about_a_failed_query(arxiv_api, root):
    searched(arxiv_api, "llm")
    searched(arxiv_api, "vision", status=429, body=(ARXIV / "http-429.txt").read_text())
    searched(arxiv_api, "empty")
    body = run("--root", str(root), "--format", "markdown").stdout
    assert "> **Warning:** query `vision` failed this time (cannot reach arXiv (HTTP 429, too many requests))" in body


def test_arxiv_rate_limiting_every_query_is_one_line(arxiv_api, root):
    for name in QUERIES:
        searched(arxiv_api, name, status=429, body=(ARXIV / "http-429.txt").read_text())
    result = run("--root", str(root))
    assert result.exit_code == 1
    assert result.output == "Error: cannot reach arXiv (HTTP 429, too many requests); nothing was searched\n"


def test_a_rerun_the_same_day_reads_the_cache_and_refresh_asks_again(arxiv_api, root):
    answer_all(arxiv_api)
    first = run("--root", str(root)).output
    assert run("--root", str(root)).output == first
    assert len(arxiv_api.calls) == 3
    run("--root", str(root), "--refresh")
    assert len(arxiv_api.calls) == 6


def test_yesterdays_cache_is_not_used(arxiv_api, root, monkeypatch):
    answer_all(arxiv_api)
    run("--root", str(root))
    tomorrow = TODAY + dt.timedelta(days=1)
    monkeypatch.setattr("medlm_survey.commands.watch.today", lambda: tomorrow)
    arxiv_api.reset()
    for name in QUERIES:
        searched(arxiv_api, name, today=tomorrow)
    result = run("--root", str(root), "--since", "2024-06-01")
    assert result.output.endswith("from 3 of 3 queries (6 found, 2 already catalogued, 1 already triaged)\n")
    assert len(arxiv_api.calls) == 3


def test_since_overrides_the_window_and_drops_older_papers(arxiv_api, root):
    answer_all(arxiv_api)  # registered for 2024-06-01; the older paper in the answer is dropped
    result = run("--root", str(root), "--since", "2024-06-01")
    assert "2405.09999" not in result.output and result.exit_code == 0


def test_since_in_the_future_is_a_usage_error(root):
    result = run("--root", str(root), "--since", "2024-07-01")
    assert result.exit_code == 2 and "2024-07-01 lies after today" in result.output


def test_candidates_has_help():
    result = CliRunner().invoke(cli, ["candidates", "--help"])
    assert result.exit_code == 0 and "--triage ID" in result.output and "--format [json|markdown|text]" in result.output


# --- triage -------------------------------------------------------------------------------

def test_a_rejection_is_appended_and_the_paper_is_not_proposed_again(arxiv_api, root):
    answer_all(arxiv_api)
    run("--root", str(root))
    result = run("--root", str(root), "--triage", "arXiv:2406.01111v2", "--reject", 'single-organ U-Net, "from scratch"')
    line = '"2406.01111": {decision: rejected, reason: "single-organ U-Net, \\"from scratch\\"", date: "2024-06-10"}'
    assert (result.exit_code, result.output) == (0, f"watch/triage.yaml: {line}\n")
    assert (root / "watch" / "triage.yaml").read_text() == "# decisions\n" + TRIAGED + line + "\n"
    after = run("--root", str(root))
    assert "2406.01111" not in after.output
    assert after.output.endswith("(6 found, 2 already catalogued, 2 already triaged)\n")
    assert len(arxiv_api.calls) == 3  # the triage loop reads today's answers from the cache


def test_keep_is_recorded_and_the_file_reads_back(root):
    run("--root", str(root), "--triage", "2406.05555", "--keep", "entry added: cardiolm")
    decisions = watch.load_triage(root / "watch" / "triage.yaml")
    assert decisions["2406.05555"] == watch.Decision(decision="kept", reason="entry added: cardiolm", date="2024-06-10")
    assert yaml.safe_load((root / "watch" / "triage.yaml").read_text())["2406.05555"]["decision"] == "kept"


def test_triage_creates_the_file(tmp_path):
    result = run("--root", str(tmp_path), "--triage", "q-bio/0401001", "--reject", "too old")
    assert result.exit_code == 0
    assert (tmp_path / "watch" / "triage.yaml").read_text() == '"q-bio/0401001": {decision: rejected, reason: "too old", date: "2024-06-10"}\n'


def test_a_second_decision_on_one_paper_is_refused(root):
    result = run("--root", str(root), "--triage", "2406.02222", "--keep", "changed my mind")
    assert result.exit_code == 1
    assert result.output == (
        "Error: arXiv 2406.02222 was already triaged (rejected on 2024-06-05: single-task classifier); "
        "edit watch/triage.yaml to change the decision\n"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--triage", "2406.1"], "'2406.1' is not an arXiv id"),
        (["--triage", "2406.01111"], "--triage takes one decision"),
        (["--triage", "2406.01111", "--keep", "a", "--reject", "b"], "--triage takes one decision"),
        (["--reject", "why"], "--keep and --reject go with --triage ID"),
    ],
)
def test_triage_usage_errors(root, args, message):
    result = run("--root", str(root), *args)
    assert result.exit_code == 2 and message in result.output


# --- the files ----------------------------------------------------------------------------

def invalid(root, rel: str, text: str, *args: str) -> list[str]:
    (root / rel).write_text(text)
    result = run("--root", str(root), *args)
    assert result.exit_code == 1 and result.stdout == ""
    return result.stderr.splitlines()


@pytest.mark.parametrize(
    "text, expected",
    [
        (CONFIG.replace("categories: [cs.CV, eess.IV]", "categories: [cs.CV, eesss.IV]"),
         "watch/queries.yaml:10:25: error[invalid-value] 'eesss.IV' is not an arXiv category such as cs.CL, eess.IV or q-bio.QM; did you mean 'eess'?"),
        (CONFIG.replace("search: abs:VQA", "search: (abs:VQA"),
         "watch/queries.yaml:9:13: error[invalid-value] the search leaves a parenthesis open"),
        (CONFIG.replace("search: abs:VQA", "search: abstract:VQA"),
         "watch/queries.yaml:9:13: error[invalid-value] 'abstract:' is not an arXiv search field (ti, au, abs, co, jr, cat, rn, id, all); did you mean 'abs'?"),
        (CONFIG.replace("search: abs:VQA", 'search: abs:"VQA'),
         "watch/queries.yaml:9:13: error[invalid-value] the search has an unmatched double quote"),
        (CONFIG.replace("  - name: vision", "  - name: llm"),
         "watch/queries.yaml:8:11: error[invalid-value] a query before this one is already named 'llm'"),
        (CONFIG.replace("    categories: [q-bio.QM]\n", "    catgories: [q-bio.QM]\n"),
         "watch/queries.yaml:11:5: error[missing-field] required field 'categories' is missing\n"
         "watch/queries.yaml:13:5: error[unknown-field] unknown field 'catgories'; did you mean 'categories'?"),
        (CONFIG.replace("window_days: 9", "window_days: nine"),
         "watch/queries.yaml:2:14: error[wrong-type] 'window_days' should be a whole number, not a string"),
        (CONFIG.replace("    categories: [cs.CL]\n", ""),
         "watch/queries.yaml:5:5: error[missing-field] required field 'categories' is missing"),
        ("queries: [\n", "watch/queries.yaml:2:1: error[yaml-syntax] YAML syntax: while parsing a flow node; did not find expected node content"),
        ("# nothing\n", "watch/queries.yaml:1:1: error[empty-file] the file is empty; it should be a mapping (see the comments in the example file)"),
        ("- a\n", "watch/queries.yaml:1:1: error[not-a-mapping] the top level is a list; the file should be a mapping"),
    ],
    ids=["category", "parenthesis", "field", "quote", "duplicate-name", "unknown-key", "wrong-type", "missing", "yaml", "empty", "list"],
)  # fmt: skip
def test_a_broken_queries_file_is_one_line_per_problem_with_its_position(root, text, expected):
    assert invalid(root, "watch/queries.yaml", text) == expected.splitlines()


def test_a_broken_triage_file_is_reported_with_positions(root):
    text = (
        '"2406.02222": {decision: maybe, reason: "x", date: "2024-06-05"}\n'
        '"https://arxiv.org/abs/2406.03333": {decision: kept, reason: "y", date: "2024-06-05"}\n'
        '"2406.04444": {decision: kept, reason: "", date: "5 June"}\n'
    )
    assert invalid(root, "watch/triage.yaml", text) == [
        "watch/triage.yaml:1:26: error[invalid-value] 'decision' must be 'kept' or 'rejected', not 'maybe'",
        "watch/triage.yaml:2:1: error[invalid-arxiv] write the bare arXiv id ('2406.03333'), not a URL or prefix",
        "watch/triage.yaml:3:40: error[invalid-value] the reason is empty; say why in a few words",
        "watch/triage.yaml:3:50: error[invalid-value] '5 June' is not a date YYYY-MM-DD",
    ]


def test_a_missing_queries_file_is_one_line(tmp_path):
    result = run("--root", str(tmp_path))
    assert result.exit_code == 1
    assert result.output == "Error: watch/queries.yaml does not exist; the example in the repository shows its format\n"


def test_the_repository_watch_files_are_valid(repo_root):
    config = watch.load_config(repo_root / watch.QUERIES_FILE)
    assert len(config.queries) >= 4
    assert {c for q in config.queries for c in q.categories} >= {"cs.CL", "cs.CV", "eess.IV", "q-bio.QM"}
    watch.load_triage(repo_root / watch.TRIAGE_FILE)


# --- selection and output, without the command -------------------------------------------

def record(arxiv_id: str, title: str, published: str = "2024-06-03", doi: str | None = None) -> ArxivRecord:
    return ArxivRecord(arxiv_id, title, ("A. Author",), published, doi)


def test_a_near_title_counts_as_catalogued(make_catalog):
    from tests.contrib.conftest import CATALOG

    catalog = make_catalog({}, CATALOG)
    found = {"q": [record("2406.00001", "LLaVA-Med: training a large language and vision assistant for biomedicine in 1 day"),
                   record("2406.00002", "LLaVA-Med 2: a new assistant for biomedicine")]}  # fmt: skip
    selection = watch.select_candidates(found, catalog, {})
    assert selection.catalogued == {"2406.00001": "entries/model/llava-med.yaml"}
    assert [c.arxiv_id for c in selection.candidates] == ["2406.00002"]


def test_a_long_markdown_list_stays_under_githubs_limit():
    candidates = [watch.Candidate(f"2406.{i:05d}", "T" * 200, "Author", "2024-06-03", ("q",)) for i in range(1000)]
    report = watch.Report(watch.Selection(candidates, found=1000), SINCE, TODAY, ["q"], {})
    body = watch.format_markdown(report)
    assert len(body) < 65_536
    assert "… and " in body and "more: run `medlm-survey candidates` to see them all." in body


@pytest.mark.parametrize(
    "category, ok",
    [("cs.CL", True), ("eess.IV", True), ("q-bio.QM", True), ("physics.med-ph", True), ("stat.ML", True), ("cs", True),
     ("CS.CL", False), ("cs.", False), ("bio.QM", False), ("cs CL", False)],
)  # fmt: skip
def test_arxiv_categories(category, ok):
    try:
        watch._category(category)
    except Exception:
        assert not ok
    else:
        assert ok


def test_without_network_the_other_queries_are_not_asked(arxiv_api, root):
    searched(arxiv_api, "llm", body=requests.exceptions.ConnectionError("Name or service not known"))
    result = run("--root", str(root))
    assert (result.exit_code, result.output) == (1, "Error: cannot reach arXiv (no network connection); nothing was searched\n")
    assert len(arxiv_api.calls) == 3  # the first query's three tries, nothing more
