"""arxiv_client: batches, missing ids, failures and the cache, on recorded arXiv answers."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from medlm_survey import arxiv_client
from medlm_survey.arxiv_client import (
    ArxivRecord,
    ArxivUnavailable,
    RecordCache,
    fetch_one,
    fetch_records,
)
from tests.contrib.conftest import ARXIV, answer

LLAVA_MED = ArxivRecord(
    arxiv_id="2306.00890",
    title="LLaVA-Med: Training a Large Language-and-Vision Assistant for Biomedicine in One Day",
    authors=("Chunyuan Li", "Cliff Wong", "Sheng Zhang", "Naoto Usuyama", "Haotian Liu"),
    published="2023-06-01",
)


def test_a_match_is_parsed_into_a_record(arxiv_api):
    answer(arxiv_api, "2306.00890", "match.xml")
    assert fetch_one("2306.00890") == LLAVA_MED


def test_doi_and_version_are_read_and_dropped(arxiv_api):
    answer(arxiv_api, "2303.00915", "biomedclip.xml")
    record = fetch_one("2303.00915")
    assert record.arxiv_id == "2303.00915"  # the answer says 2303.00915v3
    assert record.doi == "10.1056/AIoa2400640"
    assert record.published == "2023-03-02"
    assert record.title.startswith("BiomedCLIP: a multimodal biomedical foundation model pretrained from fifteen million")


def test_an_id_that_does_not_exist_is_none(arxiv_api):
    answer(arxiv_api, "2312.99999", "not-found.xml")
    assert fetch_one("2312.99999") is None


def test_a_batch_is_one_request_even_with_a_missing_id(arxiv_api):
    # arXiv says totalResults=3 but returns 2 entries; the stock client would ask again.
    answer(arxiv_api, "1706.03762,2306.00890,2312.99999", "batch.xml")
    outcome = fetch_records(["2312.99999", "2306.00890", "1706.03762"], RecordCache(None))
    assert len(arxiv_api.calls) == 1
    assert outcome.records["2306.00890"] == LLAVA_MED
    assert outcome.records["1706.03762"].title == "Attention Is All You Need"
    assert outcome.records["2312.99999"] is None
    assert outcome.failed == {}


def test_ids_are_split_into_batches(arxiv_api, monkeypatch):
    answer(arxiv_api, "1706.03762,2306.00890", "batch.xml")
    answer(arxiv_api, "2312.99999", "not-found.xml")
    outcome = fetch_records(["2312.99999", "2306.00890", "1706.03762"], RecordCache(None), batch_size=2)
    assert len(arxiv_api.calls) == 2
    assert sorted(outcome.records) == ["1706.03762", "2306.00890", "2312.99999"]


def test_arxiv_error_entries_are_ignored(arxiv_api):
    body = (ARXIV / "not-found.xml").read_text().replace(
        "</feed>",
        "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_2312.99999</id>"
        "<title>Error</title><summary>incorrect id format</summary>"
        "<updated>2025-06-02T00:00:00-04:00</updated><published>2025-06-02T00:00:00-04:00</published>"
        "<author><name>arXiv api core</name></author></entry></feed>",
    )
    answer(arxiv_api, "2312.99999", body=body)
    assert fetch_one("2312.99999") is None


def test_a_timeout_is_reported_not_raised_as_a_traceback(arxiv_api):
    answer(arxiv_api, "2306.00890", body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(ArxivUnavailable, match=r"^cannot reach arXiv \(the request timed out\)$"):
        fetch_one("2306.00890")


def test_no_network_is_retried_then_reported(arxiv_api):
    answer(arxiv_api, "2306.00890", body=requests.exceptions.ConnectionError("Name or service not known"))
    with pytest.raises(ArxivUnavailable, match=r"^cannot reach arXiv \(no network connection\)$"):
        fetch_one("2306.00890")
    assert len(arxiv_api.calls) == 3  # the first try and RETRIES=2 retries


def test_http_429_is_retried_then_reported(arxiv_api):
    answer(arxiv_api, "2306.00890", status=429, body=(ARXIV / "http-429.txt").read_text())
    with pytest.raises(ArxivUnavailable, match=r"^cannot reach arXiv \(HTTP 429, too many requests\)$"):
        fetch_one("2306.00890")
    assert len(arxiv_api.calls) == 3


def test_http_503_then_success_recovers(arxiv_api):
    answer(arxiv_api, "2306.00890", status=503, body=(ARXIV / "http-503.html").read_text())
    answer(arxiv_api, "2306.00890", "match.xml")
    assert fetch_one("2306.00890") == LLAVA_MED
    assert [call.response.status_code for call in arxiv_api.calls] == [503, 200]


def test_http_503_every_time_is_reported(arxiv_api):
    answer(arxiv_api, "2306.00890", status=503, body=(ARXIV / "http-503.html").read_text())
    with pytest.raises(ArxivUnavailable, match=r"HTTP 503, arXiv is busy"):
        fetch_one("2306.00890")


def test_the_client_waits_between_requests(arxiv_api, monkeypatch):
    waits = []
    monkeypatch.setattr(arxiv_client, "DELAY_SECONDS", 3.0)
    monkeypatch.setattr("arxiv.time.sleep", waits.append)
    answer(arxiv_api, "2306.00890", status=503, body="busy")
    answer(arxiv_api, "2306.00890", "match.xml")
    assert fetch_one("2306.00890") == LLAVA_MED
    assert len(waits) == 1 and 2.5 < waits[0] <= 3.0


def test_every_request_has_a_timeout(arxiv_api):
    answer(arxiv_api, "2306.00890", "match.xml")
    fetch_one("2306.00890", arxiv_client.BatchClient(timeout=7))
    assert arxiv_api.calls[0].request.req_kwargs["timeout"] == 7


def test_the_cache_answers_a_rerun_without_requests(arxiv_api, tmp_path):
    path = tmp_path / ".cache" / "arxiv.json"
    answer(arxiv_api, "1706.03762,2306.00890,2312.99999", "batch.xml")
    first = fetch_records(["2306.00890", "1706.03762", "2312.99999"], RecordCache.load(path), today=dt.date(2025, 6, 2))
    assert first.from_cache == 0
    second = fetch_records(["2306.00890", "1706.03762", "2312.99999"], RecordCache.load(path))
    assert len(arxiv_api.calls) == 1
    assert second.from_cache == 3 and second.records == first.records
    saved = json.loads(path.read_text())
    assert saved["version"] == 1
    assert saved["records"]["2312.99999"] == {"fetched": "2025-06-02", "record": None}
    assert saved["records"]["2306.00890"]["record"]["authors"][0] == "Chunyuan Li"


def test_failures_are_not_cached_and_refresh_asks_again(arxiv_api, tmp_path):
    path = tmp_path / "arxiv.json"
    answer(arxiv_api, "2306.00890", status=429, body="Rate exceeded.")
    outcome = fetch_records(["2306.00890"], RecordCache.load(path))
    assert outcome.failed == {"2306.00890": "cannot reach arXiv (HTTP 429, too many requests)"}
    assert not path.exists()
    arxiv_api.reset()
    answer(arxiv_api, "2306.00890", "match.xml")
    fetch_records(["2306.00890"], RecordCache.load(path))
    fetch_records(["2306.00890"], RecordCache.load(path), refresh=True)
    assert len(arxiv_api.calls) == 2


def test_a_damaged_cache_is_ignored(tmp_path):
    path = tmp_path / "arxiv.json"
    for text in ("{not json", "[]", '{"version": 99, "records": {}}', '{"version": 1, "records": {"x": {}}}'):
        path.write_text(text)
        assert RecordCache.load(path).records == {}


@pytest.mark.parametrize(
    "given",
    ["2303.00915", "2303.00915v2", "arXiv:2303.00915", "https://arxiv.org/abs/2303.00915v3", "http://arxiv.org/pdf/2303.00915.pdf"],
)
def test_bare_id(given):
    assert arxiv_client.bare_id(given) == "2303.00915"
    assert arxiv_client.is_arxiv_id(arxiv_client.bare_id(given))
