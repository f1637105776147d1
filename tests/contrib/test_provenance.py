"""verify --scores: locators, printed numbers, outcomes, fetching with fallbacks, and the command."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal

import pytest
import requests
from click.testing import CliRunner

from medlm_survey import arxiv_sources, provenance
from medlm_survey.arxiv_sources import (
    PoliteSession,
    SourceUnavailable,
    TextCache,
    fetch_paper_text,
    fetch_texts,
)
from medlm_survey.cli import cli
from medlm_survey.diagnostics import CODES
from medlm_survey.paper_text import PaperText, SourceTable, read_html
from medlm_survey.provenance import (
    ScoreSource,
    check_score,
    find_tables,
    printed_numbers,
    table_refs,
)
from medlm_survey.schema import ModelEntry
from tests.conftest import make_repo
from tests.contrib.conftest import answer
from tests.contrib.sources import HTML_2401, SCORES, serve_papers

HTML_PAPER = read_html(HTML_2401, "2401.00001", "https://arxiv.org/html/2401.00001")

# --- locators and numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "locator, refs",
    [("Table 3", ["3"]), ("Tab. 2, MedQA column", ["2"]), ("Med-PaLM 2 paper Table 4, GPT-4 (5-shot)", ["4"]),
     ("Tables 2 and 4", ["2", "4"]), ("Tables 2-4", ["2", "3", "4"]), ("TABLE IV", ["IV"]), ("Table A1 (appendix)", ["A1"]),
     ("table 3", ["3"]), ("Fig. 4A", []), ("GitHub README, Leaderboard table", []), ("Abstract", []),
     ("Table 2 (Main-Results.jpg in the GitHub README), row 'Llama-3-8B-Instruct'", ["2"])],
)  # fmt: skip
def test_table_refs(locator, refs):
    assert table_refs(locator) == refs


@pytest.mark.parametrize(
    "text, value, found",
    [("83.2", 83.2, True), ("83.20", 83.2, True), ("83.2±0.4", 83.2, True), ("$83.2_{\\pm 0.4}$", 83.2, True),
     ("\\textbf{83.2}", 83.2, True), ("83.2%", 83.2, True), (".832", 0.832, True), ("0.8320", 0.832, True),
     ("85", 85.0, True), ("−0.12", -0.12, True), ("183.2", 83.2, False), ("83.21", 83.2, False), ("8.32", 83.2, False),
     ("1.83.2", 83.2, False), ("83,2", 83.2, False), ("v83.2", 83.2, True)],
)  # fmt: skip
def test_numbers_are_matched_as_printed(text, value, found):
    assert (provenance.as_decimal(value) in printed_numbers(text)) is found


def test_find_tables_by_label_roman_number_or_position():
    paper = PaperText("x", "html", "u", (SourceTable("IV", "TABLE IV", "1.5"), SourceTable("A1", "Table A1", "2.5")), "")
    assert find_tables(paper, "IV") == [paper.tables[0]] == find_tables(paper, "4")
    assert find_tables(paper, "a1") == [paper.tables[1]]
    assert find_tables(paper, "1") == []  # labels are printed, so no counting
    latex = PaperText("x", "latex", "u", (SourceTable("1", "", "a"), SourceTable("2", "", "b"), SourceTable("3", "", "c"), SourceTable("4", "", "d")), "")
    assert find_tables(latex, "IV") == [latex.tables[3]]
    unlabelled = PaperText("x", "html", "u", (SourceTable(None, "", "a"), SourceTable(None, "", "b")), "")
    assert find_tables(unlabelled, "2") == [unlabelled.tables[1]] and find_tables(unlabelled, "3") == []


# --- outcomes -----------------------------------------------------------------------------

def model(*results: dict) -> ModelEntry:
    return ModelEntry(
        schema_version=2, id="m", kind="model", name="M", categories=["vlm"], summary="S.", date="2024-01",
        paper={"title": "T", "authors": ["A"], "arxiv": "2401.00001"}, results=list(results),
    )  # fmt: skip


def check(value: float, locator: str, metric: str = "accuracy", scale: str | None = None, paper: PaperText = HTML_PAPER):
    result = {"benchmark": "b", "metric": metric, "value": value, "source": {"locator": locator}}
    if scale:
        result["scale"] = scale
    entry = model(result)
    item = ScoreSource(entry, 0, entry.results[0], "2401.00001")
    metric_scale = {"accuracy": "percent", "auroc": "unit", "cider": "unbounded"}[metric]
    return check_score(item, paper, metric_scale, "p.yaml")


def test_a_value_in_the_named_table_is_found():
    assert check(83.2, "Table 1") == ("found", None)
    assert check(0.832, "Table 1", metric="auroc") == ("found", None)
    assert check(71.0, "Tables 1 and 2, closed") == ("found", None)


def test_a_value_in_another_table_is_a_warning_at_the_locator():
    outcome, problem = check(65.5, "Table 1")
    assert outcome == "elsewhere"
    assert (problem.severity, problem.code, problem.loc) == ("warning", "score-found-elsewhere", ("results", 0, "source", "locator"))
    assert problem.message == "accuracy 65.5 is not in Table 1 of arXiv 2401.00001 (HTML) but is in Table 2; is the locator right?"


def test_a_value_only_in_the_running_text_is_a_note():
    outcome, problem = check(77.7, "Table 2")
    assert (outcome, problem.severity, problem.code) == ("elsewhere", "note", "score-found-elsewhere")


def test_a_value_nowhere_is_not_found_at_the_value():
    outcome, problem = check(12.3, "Table 1")
    assert (outcome, problem.severity, problem.code, problem.loc) == ("not-found", "warning", "score-not-found", ("results", 0, "value"))


def test_a_value_printed_on_the_other_scale_says_how_to_record_it():
    _, problem = check(90.1, "Table 2")
    assert problem.message.endswith("which prints 0.901: record the number as printed (value: 0.901 with scale: unit)")
    _, problem = check(83.2, "Table 1", metric="auroc", scale="percent")
    assert problem is None  # printed as 83.2 ± 0.4, recorded as printed
    _, problem = check(80.1, "Table 1", metric="auroc", scale="percent")
    assert problem.message.endswith("which prints 0.801: record the number as printed (value: 0.801 without scale)")


def test_no_table_in_the_locator_searches_the_whole_paper():
    assert check(77.7, "Section 4") == ("found", None)
    outcome, problem = check(12.3, "Section 4")
    assert problem.message == "accuracy 12.3 does not appear in arXiv 2401.00001 (HTML); check the value and the source"


def test_a_table_the_paper_does_not_have():
    assert check(65.5, "Table 9") == ("found-in-paper", None)
    _, problem = check(12.3, "Table 9")
    assert problem.message == (
        "accuracy 12.3 does not appear in arXiv 2401.00001 (HTML), which has no Table 9 either; check the value and the locator"
    )


def test_figures_and_image_tables_cannot_be_read():
    outcome, problem = check(55.5, "Fig. 3")
    assert (outcome, problem.severity, problem.code) == ("unchecked", "note", "score-unchecked")
    assert check(77.7, "Fig. 3") == ("found", None)
    image_table = PaperText("x", "latex", "u", (SourceTable("1", "Results", "\\includegraphics{table.png}"),), "Results 55.5")
    outcome, problem = check(55.5, "Table 1", paper=image_table)
    assert (outcome, problem.severity, problem.code) == ("unchecked", "note", "score-unchecked")
    assert "holds no printed numbers (an image?)" in problem.message


def test_score_sources_follow_self_cited_entries_and_arxiv(make_catalog):
    catalog = make_catalog({}, SCORES)
    sources = provenance.score_sources(catalog, catalog.entries)
    by_value = {s.result.value: s for s in sources}
    assert by_value[83.2].arxiv_id == "2401.00001"  # paper: self
    assert by_value[68.4].arxiv_id == "2402.00002"  # paper: toy-base
    assert by_value[70.9].arxiv_id == "2403.00003"  # arxiv: ...
    assert by_value[60.2].arxiv_id is None and "web page" in by_value[60.2].why
    assert len(sources) == 13  # benchmarks have no scores


def test_a_locator_naming_a_readme_is_not_looked_for_in_the_paper(make_catalog):
    files = {
        "entries/model/readme-scores.yaml": (SCORES / "entries/model/toy-base.yaml").read_text()
        .replace("id: toy-base", "id: readme-scores")
        .replace("locator: Table 1}", 'locator: "GitHub README, Leaderboard table"}')
        .replace("locator: Table 2}", 'locator: "Table 2 (a screenshot in the GitHub README)"}')
    }  # fmt: skip
    catalog = make_catalog(files, SCORES)
    first, second = provenance.score_sources(catalog, [catalog.get("readme-scores")])
    assert first.arxiv_id == "2402.00002"  # the locator names the paper's Table 2
    assert second.arxiv_id is None
    assert second.why == (
        "its locator ('GitHub README, Leaderboard table') names a web page, not a place in the paper; "
        "give the page as source.url"
    )


def test_the_new_codes_are_documented():
    assert {"score-not-found", "score-found-elsewhere", "score-unchecked"} <= set(CODES)


# --- fetching -------------------------------------------------------------------------------

def test_html_is_preferred(arxiv_api):
    serve_papers(arxiv_api)
    paper = fetch_paper_text("2401.00001")
    assert (paper.kind, paper.url, len(paper.tables)) == ("html", "https://arxiv.org/html/2401.00001", 2)
    assert [c.request.url for c in arxiv_api.calls] == ["https://arxiv.org/html/2401.00001"]
    assert arxiv_api.calls[0].request.headers["User-Agent"].startswith("medlm-survey")
    assert arxiv_api.calls[0].request.req_kwargs["timeout"] == arxiv_sources.arxiv_client.TIMEOUT_SECONDS


def test_without_html_the_latex_source_is_read(arxiv_api):
    serve_papers(arxiv_api)
    paper = fetch_paper_text("2402.00002")
    assert (paper.kind, paper.url) == ("latex", "https://arxiv.org/e-print/2402.00002")
    assert [t.label for t in paper.tables] == ["1", "2"]


def test_a_busy_arxiv_is_retried_then_reported_with_both_reasons(arxiv_api):
    serve_papers(arxiv_api)
    with pytest.raises(SourceUnavailable) as caught:
        fetch_paper_text("2403.00003")
    assert str(caught.value) == "cannot read arXiv 2403.00003 (HTML: HTTP 503, arXiv is busy; source: HTTP 503, arXiv is busy)"
    assert len(arxiv_api.calls) == 6  # three tries each (RETRIES=2 in tests)


def test_a_rate_limit_then_success_recovers(arxiv_api):
    arxiv_api.get("https://arxiv.org/html/2401.00001", status=429, body="Rate exceeded.")
    arxiv_api.get("https://arxiv.org/html/2401.00001", body=HTML_2401)
    assert fetch_paper_text("2401.00001").kind == "html"
    assert [c.response.status_code for c in arxiv_api.calls] == [429, 200]


def test_a_pdf_only_paper_is_unavailable(arxiv_api):
    arxiv_api.get("https://arxiv.org/html/2404.00004", status=404)
    arxiv_api.get("https://arxiv.org/e-print/2404.00004", body=b"%PDF-1.4 ...", content_type="application/pdf")
    with pytest.raises(SourceUnavailable, match=r"\(no HTML; arXiv has only a PDF of this paper, no LaTeX source\)$"):
        fetch_paper_text("2404.00004")


def test_a_paper_arxiv_does_not_have(arxiv_api):
    arxiv_api.get("https://arxiv.org/html/2404.99999", status=404)
    arxiv_api.get("https://arxiv.org/e-print/2404.99999", status=404)
    with pytest.raises(SourceUnavailable, match=r"\(no HTML; source: HTTP 404\)$"):
        fetch_paper_text("2404.99999")


def test_timeouts_and_no_network(arxiv_api):
    arxiv_api.get("https://arxiv.org/html/2401.00001", body=requests.exceptions.ReadTimeout("slow"))
    arxiv_api.get("https://arxiv.org/e-print/2401.00001", body=requests.exceptions.ConnectionError("no route"))
    with pytest.raises(SourceUnavailable) as caught:
        fetch_paper_text("2401.00001")
    assert str(caught.value) == "cannot read arXiv 2401.00001 (HTML: the request timed out; source: no network connection)"
    assert caught.value.offline


def test_an_oversized_answer_is_abandoned(arxiv_api, monkeypatch):
    monkeypatch.setattr(arxiv_sources, "MAX_HTML_BYTES", 1024 * 1024)
    monkeypatch.setattr(arxiv_sources, "MAX_EPRINT_BYTES", 1024 * 1024)
    arxiv_api.get("https://arxiv.org/html/2401.00001", body=b"<p>" + b"x" * (2 * 1024 * 1024))
    arxiv_api.get("https://arxiv.org/e-print/2401.00001", body=b"y" * (2 * 1024 * 1024), headers={"Content-Length": str(2 * 1024 * 1024)})
    with pytest.raises(SourceUnavailable, match="HTML: the answer is larger than the 1 MB limit; source: the answer is 2 MB, more than the 1 MB limit"):
        fetch_paper_text("2401.00001")


def test_requests_are_spaced(arxiv_api, monkeypatch):
    waits = []
    monkeypatch.setattr(arxiv_sources.arxiv_client, "DELAY_SECONDS", 3.0)
    monkeypatch.setattr("medlm_survey.arxiv_sources.time.sleep", waits.append)
    serve_papers(arxiv_api)
    session = PoliteSession()
    fetch_paper_text("2402.00002", session)  # two requests: HTML (404), then e-print
    assert len(waits) == 1 and 2.5 < waits[0] <= 3.0


def test_the_cache_is_content_addressed_and_a_rerun_asks_nothing(arxiv_api, tmp_path):
    serve_papers(arxiv_api)
    folder = tmp_path / "papers"
    first = fetch_texts(["2401.00001", "2403.00003"], TextCache.load(folder))
    assert sorted(first.texts) == ["2401.00001"] and list(first.failed) == ["2403.00003"]
    index = json.loads((folder / "index.json").read_text())
    digest = index["papers"]["2401.00001"]["sha256"]
    assert (folder / f"{digest}.json").exists() and "2403.00003" not in index["papers"]  # failures are not cached
    calls = len(arxiv_api.calls)
    second = fetch_texts(["2401.00001"], TextCache.load(folder))
    assert second.from_cache == 1 and second.texts == first.texts and len(arxiv_api.calls) == calls
    fetch_texts(["2401.00001"], TextCache.load(folder), refresh=True)
    assert len(arxiv_api.calls) == calls + 1


def test_a_damaged_cache_file_is_fetched_again(arxiv_api, tmp_path):
    serve_papers(arxiv_api)
    folder = tmp_path / "papers"
    fetch_texts(["2401.00001"], TextCache.load(folder))
    digest = json.loads((folder / "index.json").read_text())["papers"]["2401.00001"]["sha256"]
    (folder / f"{digest}.json").write_text('{"tampered": true}')
    outcome = fetch_texts(["2401.00001"], TextCache.load(folder))
    assert outcome.from_cache == 0 and outcome.texts["2401.00001"].kind == "html"
    for text in ("{not json", "[]", '{"version": 99, "papers": {}}'):
        (folder / "index.json").write_text(text)
        assert TextCache.load(folder).index == {}


# --- the command ----------------------------------------------------------------------------

REPORT = """\
entries/model/toy-vlm.yaml:17:88: warning[score-found-elsewhere] accuracy 65.5 is not in Table 1 of arXiv 2401.00001 (HTML) but is in Table 2; is the locator right?
entries/model/toy-vlm.yaml:18:88: note[score-found-elsewhere] accuracy 77.7 is not in Table 1 of arXiv 2401.00001 (HTML) but appears in its text; is the locator right?
entries/model/toy-vlm.yaml:19:51: warning[score-not-found] accuracy 12.3 is not in Table 1 of arXiv 2401.00001 (HTML), nor anywhere else in it; check the value and the locator
entries/model/toy-vlm.yaml:20:51: warning[score-not-found] accuracy 90.1 is not in Table 2 of arXiv 2401.00001 (HTML), which prints 0.901: record the number as printed (value: 0.901 with scale: unit)
entries/model/toy-vlm.yaml:22:88: note[score-unchecked] accuracy 55.5 is not in the text of arXiv 2401.00001 (HTML); figures are images, so check 'Fig. 3' by eye
entries/model/toy-vlm.yaml:23:65: warning[score-unchecked] not checked: it was read from a web page (https://github.com/example/toyvlm); check it by eye
entries/model/toy-vlm.yaml:25:65: warning[score-unchecked] not checked: cannot read arXiv 2403.00003 (HTML: HTTP 503, arXiv is busy; source: HTTP 503, arXiv is busy)
"""


@pytest.fixture
def scores_root(tmp_path):
    return make_repo(tmp_path, {}, SCORES)


def invoke(*args: str):
    return CliRunner().invoke(cli, ["verify", "--scores", *args], catch_exceptions=False)


def test_verify_scores_reports_each_score_on_its_line(arxiv_api, scores_root):
    serve_papers(arxiv_api)
    result = invoke("--root", str(scores_root))
    assert result.exit_code == 0  # warnings only
    assert result.output == REPORT + (
        "13 scores: 6 found, 2 elsewhere in the paper, 2 not found, 3 unchecked "
        "(2 of 3 arXiv papers read, 0 from the cache, 1 unreadable): 5 warnings\n"
    )


def test_verify_scores_strict_fails_on_warnings(arxiv_api, scores_root):
    serve_papers(arxiv_api)
    assert invoke("--root", str(scores_root), "--strict").exit_code == 1


def test_a_rerun_reads_the_papers_from_the_cache(arxiv_api, scores_root):
    serve_papers(arxiv_api)
    invoke("--root", str(scores_root))
    calls = len(arxiv_api.calls)
    result = invoke("--root", str(scores_root))
    assert result.output.endswith("(2 of 3 arXiv papers read, 2 from the cache, 1 unreadable): 5 warnings\n")
    assert len(arxiv_api.calls) == calls + 6  # only the busy paper is asked again
    assert (scores_root / ".cache" / "papers" / "index.json").exists()


def test_entry_limits_the_check_to_one_entry(arxiv_api, scores_root):
    serve_papers(arxiv_api)
    result = invoke("--root", str(scores_root), "--entry", "toy-base")
    assert result.output == "2 scores: 2 found, 0 elsewhere in the paper, 0 not found, 0 unchecked (1 of 1 arXiv papers read, 0 from the cache): 0 warnings\n"
    assert [c.request.url for c in arxiv_api.calls] == ["https://arxiv.org/html/2402.00002", "https://arxiv.org/e-print/2402.00002"]


def test_an_unknown_entry_is_a_usage_error_with_a_suggestion(scores_root):
    result = CliRunner().invoke(cli, ["verify", "--scores", "--root", str(scores_root), "--entry", "toy-bse"])
    assert result.exit_code == 2 and "no valid entry has the id 'toy-bse'; did you mean 'toy-base'?" in result.output


def test_entry_also_limits_the_metadata_check(arxiv_api, mini_root):
    answer(arxiv_api, "2306.00890", "match.xml")
    result = CliRunner().invoke(cli, ["verify", "--root", str(mini_root), "--entry", "llava-med"])
    assert result.output == "1 of 1 arXiv ids checked (0 from the cache): 0 errors, 0 warnings\n"


def test_github_and_json_formats(arxiv_api, scores_root):
    serve_papers(arxiv_api)
    result = invoke("--root", str(scores_root), "--format", "github")
    assert result.stdout.splitlines()[1] == (
        "::notice file=entries/model/toy-vlm.yaml,line=18,col=88,title=score-found-elsewhere::accuracy 77.7 is not in "
        "Table 1 of arXiv 2401.00001 (HTML) but appears in its text; is the locator right?"
    )
    assert result.stderr.startswith("13 scores: ")
    document = json.loads(invoke("--root", str(scores_root), "--format", "json").output)
    assert (document["errors"], document["warnings"]) == (0, 5)


def test_no_network_at_all_is_one_line(arxiv_api, scores_root):
    for paper in ("2401.00001", "2402.00002", "2403.00003"):
        for kind in ("html", "e-print"):
            arxiv_api.get(f"https://arxiv.org/{kind}/{paper}", body=requests.exceptions.ConnectionError("no route"))
    result = CliRunner().invoke(cli, ["verify", "--scores", "--root", str(scores_root)])
    assert (result.exit_code, result.output) == (1, "Error: cannot reach arXiv (no network connection); nothing was checked\n")


def test_verify_has_help_for_scores():
    result = CliRunner().invoke(cli, ["verify", "--help"])
    assert result.exit_code == 0 and "--scores" in result.output and "--entry ID" in result.output


def test_printed_numbers_are_exact_decimals():
    assert printed_numbers("83.20 and .5") == frozenset({Decimal("83.2"), Decimal("0.5")})


def test_changed_checks_only_the_scores_of_changed_entries(arxiv_api, scores_root):
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(scores_root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "entries")
    base = scores_root / "entries" / "model" / "toy-base.yaml"
    base.write_text(base.read_text().replace("value: 59.0", "value: 59.5"))
    serve_papers(arxiv_api)
    result = invoke("--root", str(scores_root), "--changed", "--base", "HEAD")
    assert result.output == (
        "entries/model/toy-base.yaml:16:51: warning[score-not-found] accuracy 59.5 is not in Table 1 of arXiv 2402.00002 "
        "(LaTeX source), nor anywhere else in it; check the value and the locator\n"
        "2 scores: 1 found, 0 elsewhere in the paper, 1 not found, 0 unchecked (1 of 1 arXiv papers read, 0 from the cache): 1 warning\n"
    )


def test_without_network_the_remaining_papers_are_not_asked(arxiv_api, tmp_path):
    for kind in ("html", "e-print"):
        arxiv_api.get(f"https://arxiv.org/{kind}/2401.00001", body=requests.exceptions.ConnectionError("no route"))
    outcome = fetch_texts(["2401.00001", "2402.00002", "2403.00003"], TextCache(None))
    assert outcome.offline and len(arxiv_api.calls) == 6  # the first paper only (three tries each)
    assert outcome.failed["2403.00003"] == "cannot reach arXiv (no network connection)"
