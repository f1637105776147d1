"""Fixtures for the contributing commands: a mini catalogue and a recorded arXiv API."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import responses
from responses import matchers

from medlm_survey import arxiv_client
from medlm_survey.catalog import load_catalog
from tests.conftest import REPO, TODAY, make_repo

DATA = Path(__file__).parent / "data"
ARXIV = DATA / "arxiv"
CATALOG = DATA / "catalog"
API = "https://export.arxiv.org/api/query"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Tests never touch the network: opening a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.fixture(autouse=True)
def fast_arxiv(monkeypatch):
    """No waiting between requests in tests, and two retries (three tries) per request."""
    monkeypatch.setattr(arxiv_client, "DELAY_SECONDS", 0.0)
    monkeypatch.setattr(arxiv_client, "RETRIES", 2)


@pytest.fixture
def arxiv_api():
    """The arXiv API, answering from recorded files; any other request fails the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def answer(mock: responses.RequestsMock, ids: str, fixture: str | None = None, **kwargs) -> None:
    """Answer a query for ``ids`` (comma-separated) with a recorded file or ``kwargs``."""
    if fixture is not None:
        kwargs.setdefault("body", (ARXIV / fixture).read_bytes())
        kwargs.setdefault("content_type", "application/atom+xml; charset=utf-8")
    mock.get(API, match=[matchers.query_param_matcher({"id_list": ids}, strict_match=False)], **kwargs)


@pytest.fixture
def mini_root(tmp_path) -> Path:
    """A repository holding the four test entries of data/catalog."""
    return make_repo(tmp_path, {}, CATALOG)


@pytest.fixture
def mini(mini_root, taxonomy):
    """The mini catalogue, loaded."""
    return load_catalog(mini_root, taxonomy=taxonomy, today=TODAY)


@pytest.fixture(scope="session")
def real():
    """The repository's own catalogue, loaded once for every test that reads it."""
    return load_catalog(REPO)
