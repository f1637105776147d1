"""new --doi: a draft from Crossref's REST API, answered from recorded files (data/crossref)."""

from __future__ import annotations

import pytest
import requests
import responses
import yaml
from click.testing import CliRunner

from medlm_survey import crossref_client
from medlm_survey.cli import cli
from medlm_survey.schema import CorporateAuthor
from tests.contrib.conftest import DATA

CROSSREF = DATA / "crossref"
MEDSAM = "10.1038/s41467-024-44824-z"
TEAM = "10.5555/medlm-test.1"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def crossref_api():
    """Crossref's works endpoint answering from recorded files; any other request fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def answer(mock: responses.RequestsMock, doi: str, fixture: str | None = None, **kwargs) -> None:
    if fixture is not None:
        kwargs.setdefault("body", (CROSSREF / fixture).read_bytes())
        kwargs.setdefault("content_type", "application/json" if fixture.endswith(".json") else "text/plain")
    mock.get(crossref_client.API + doi, **kwargs)


def test_new_doi_writes_a_draft(crossref_api, mini_root, monkeypatch):
    monkeypatch.setenv(crossref_client.MAILTO_VARIABLE, "curators@example.org")
    answer(crossref_api, MEDSAM, "medsam.json")
    result = invoke("new", "--doi", f"https://doi.org/{MEDSAM}", "--id", "medsam", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (
        0,
        "wrote entries/model/medsam.yaml from Crossref (DOI 10.1038/s41467-024-44824-z): Segment anything in medical images\n"
        "still to fill in (marked TODO):\n"
        "  entries/model/medsam.yaml:7: name\n"
        "  entries/model/medsam.yaml:8: categories\n"
        "  entries/model/medsam.yaml:9: summary\n"
        "  entries/model/medsam.yaml:24: modalities\n"
        "then run: medlm-survey validate\n",
    )
    data = yaml.safe_load((mini_root / "entries/model/medsam.yaml").read_text(encoding="utf-8"))
    assert data["date"] == "2024-01-22"
    assert data["paper"] == {
        "title": "Segment anything in medical images",
        "authors": ["Jun Ma", "Yuting He", "Feifei Li", "Lin Han", "Chenyu You", "Bo Wang"],
        "authors_complete": True,
        "venue": "Nature Communications",
        "year": 2024,
        "doi": MEDSAM,
    }
    (call,) = crossref_api.calls
    agent = call.request.headers["User-Agent"]
    assert agent.startswith("medlm-survey/") and agent.endswith("(https://github.com/medlm-survey/medlm-survey; mailto:curators@example.org)")


def test_team_authors_markup_and_a_preprint(crossref_api):
    answer(crossref_api, TEAM, "team.json")
    record = crossref_client.fetch_paper(TEAM)
    assert record.title == "In silico trials with M&M: the MedX model"
    assert record.authors == (
        CorporateAuthor(corporate="MedX Consortium"), "Di Martino, Adriana", "van der Berg, Jan", "Çelik Jr., Zoë",
    )  # fmt: skip
    assert (record.arxiv_id, record.date, record.year, record.venue) == ("2305.00001", "2023-05", 2023, "Journal of Test Medicine")


def test_a_year_only_date_is_left_to_do():
    record = crossref_client.paper_from_work({"title": ["T"], "issued": {"date-parts": [[2021]]}, "type": "posted-content",
                                             "container-title": ["bioRxiv"]}, "10.1101/x")  # fmt: skip
    assert (record.date, record.year, record.venue) == (None, 2021, None)


def test_a_catalogued_doi_is_refused_without_asking(crossref_api, mini_root):
    result = invoke("new", "--doi", "10.1038/S41597-021-00000-0", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (
        1,
        "Error: DOI 10.1038/S41597-021-00000-0 is already in entries/dataset/plain-notes.yaml; edit that entry, "
        "or if the paper introduced a second entry, copy it and link the two with same_paper_as\n",
    )
    assert len(crossref_api.calls) == 0


def test_an_id_in_use_is_refused_before_asking(crossref_api, mini_root):
    result = invoke("new", "--doi", MEDSAM, "--id", "retfound", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (1, "Error: id 'retfound' is already used by entries/model/retfound.yaml; choose another --id\n")
    assert len(crossref_api.calls) == 0


def test_the_preprint_crossref_names_is_checked_too(crossref_api, mini_root):
    (mini_root / "entries/model/medx.yaml").write_text('id: medx\npaper:\n  arxiv: "2305.00001"\n')
    answer(crossref_api, TEAM, "team.json")
    result = invoke("new", "--doi", TEAM, "--root", str(mini_root))
    assert (result.exit_code, result.output) == (
        1,
        "Error: arXiv 2305.00001 is already in entries/model/medx.yaml; edit that entry, or if the paper "
        "introduced a second entry, copy it and link the two with same_paper_as\n",
    )


def test_unknown_doi(crossref_api, mini_root):
    answer(crossref_api, "10.1038/s00000-000-00000-0", "http-404.txt", status=404)
    result = invoke("new", "--doi", "10.1038/s00000-000-00000-0", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (
        1,
        "Error: Crossref has no record of DOI 10.1038/s00000-000-00000-0; check the DOI (DOIs registered elsewhere, "
        "such as DataCite's for Zenodo, are not in Crossref: copy an entry of the same kind and edit it)\n",
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": 429, "body": (CROSSREF / "http-429.txt").read_bytes()}, "Crossref is limiting requests (HTTP 429, too many requests); try later"),
        ({"status": 503, "body": "Service Unavailable"}, "Crossref is busy (HTTP 503); try later"),
        ({"status": 500, "body": "oops"}, "Crossref failed (HTTP 500); try later"),
        ({"body": requests.exceptions.ConnectTimeout("timed out")}, "cannot reach Crossref (the request timed out); try later"),
        ({"body": requests.exceptions.ConnectionError("Name or service not known")},
         "cannot reach Crossref (no network connection); connect to the network and try again"),
        ({"body": "<html>not json</html>", "content_type": "text/html"}, "Crossref's answer is not the JSON it should be; try later"),
        ({"status": 400, "body": "bad"}, f"Crossref answered HTTP 400 for DOI {MEDSAM}"),
    ],
)
def test_failures_are_one_line_and_write_nothing(crossref_api, mini_root, kwargs, message):
    answer(crossref_api, MEDSAM, **kwargs)
    result = invoke("new", "--doi", MEDSAM, "--id", "medsam", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert not (mini_root / "entries/model/medsam.yaml").exists()
    assert len(crossref_api.calls) == 1  # no retries: the contributor tries later


def test_requests_have_a_timeout_and_name_the_tool(crossref_api, monkeypatch):
    monkeypatch.delenv(crossref_client.MAILTO_VARIABLE, raising=False)
    seen = {}

    def capture(request):
        seen["agent"] = request.headers["User-Agent"]
        return (200, {}, (CROSSREF / "medsam.json").read_text())

    crossref_api.add_callback(responses.GET, crossref_client.API + MEDSAM, callback=capture)
    crossref_client.fetch_work(MEDSAM)
    assert seen["agent"].endswith("(https://github.com/medlm-survey/medlm-survey)")
    assert crossref_client.TIMEOUT_SECONDS == (10.0, 30.0)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not-a-doi", "Error: Invalid value for --doi: 'not-a-doi' is not a DOI such as 10.1038/s41586-023-06291-2"),
        ("10.48550/arXiv.2303.00915", "Error: Invalid value for --doi: 10.48550/arXiv.2303.00915 is arXiv's DOI of a preprint; use --arxiv 2303.00915"),
    ],
)
def test_bad_dois_are_usage_errors(mini_root, value, message):
    result = invoke("new", "--doi", value, "--root", str(mini_root))
    assert result.exit_code == 2
    assert message in result.output
