"""Crossref's public REST API (https://api.crossref.org/works/{doi}): a paper's metadata by DOI.

For ``medlm-survey new --doi``. One request per draft, with a timeout and a User-Agent
that names the tool as Crossref's etiquette asks (https://www.crossref.org/documentation/
retrieve-metadata/rest-api/tips-for-using-the-crossref-rest-api/): with a contact address
in ``MEDLM_SURVEY_MAILTO`` the request goes to Crossref's "polite" pool. No retries: a
busy Crossref (HTTP 429 or 503) is reported at once, and the contributor tries later.
"""

from __future__ import annotations

import html
import os
import re
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import quote

import requests

from medlm_survey import identifiers, paper_links
from medlm_survey.papers import Author, PaperRecord, normalise_date, person
from medlm_survey.schema import CorporateAuthor

API = "https://api.crossref.org/works/"
#: (connect, read) seconds.
TIMEOUT_SECONDS = (10.0, 30.0)
#: Environment variable with the contact address sent as ``mailto:`` in the User-Agent.
MAILTO_VARIABLE = "MEDLM_SURVEY_MAILTO"
PROJECT_URL = "https://github.com/medlm-survey/medlm-survey"
#: Work types whose container is a peer-reviewed venue (posted-content is a preprint).
_VENUE_TYPES = {"journal-article", "proceedings-article", "book-chapter", "peer-review"}
_TAG = re.compile(r"<[^>]+>")


class CrossrefError(Exception):
    """Crossref could not give the record; the message says why and what to do.

    Attributes:
        try_later: the failure is passing (busy, rate-limited, timed out, offline).
    """

    def __init__(self, message: str, try_later: bool = False) -> None:
        super().__init__(message)
        self.try_later = try_later


def user_agent() -> str:
    """'medlm-survey/0.1.0 (https://github.com/...; mailto:you@example.org)'."""
    try:
        release = version("medlm-survey")
    except PackageNotFoundError:  # running from a source tree that is not installed
        release = "dev"
    mailto = os.environ.get(MAILTO_VARIABLE, "").strip()
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"medlm-survey/{release} ({PROJECT_URL}{contact})"


def fetch_work(doi: str, session: requests.Session | None = None) -> dict:
    """Crossref's ``message`` for ``doi`` (a bare DOI).

    Raises:
        CrossrefError: no such DOI (404), Crossref busy (429, 503, other 5xx), no network,
            a timeout, or an answer that is not Crossref's JSON.
    """
    url = API + quote(doi, safe="/:;()")
    try:
        response = (session or requests).get(url, headers={"User-Agent": user_agent()}, timeout=TIMEOUT_SECONDS)
    except requests.Timeout:
        raise CrossrefError("cannot reach Crossref (the request timed out); try later", try_later=True) from None
    except requests.ConnectionError:
        raise CrossrefError(
            "cannot reach Crossref (no network connection); connect to the network and try again", try_later=True
        ) from None
    except requests.RequestException as exc:
        raise CrossrefError(f"cannot reach Crossref ({type(exc).__name__}); try later", try_later=True) from None
    status = response.status_code
    if status == 404:
        raise CrossrefError(
            f"Crossref has no record of DOI {doi}; check the DOI (DOIs registered elsewhere, such as "
            "DataCite's for Zenodo, are not in Crossref: copy an entry of the same kind and edit it)"
        )
    if status == 429:
        raise CrossrefError("Crossref is limiting requests (HTTP 429, too many requests); try later", try_later=True)
    if status >= 500:
        busy = "Crossref is busy" if status == 503 else "Crossref failed"
        raise CrossrefError(f"{busy} (HTTP {status}); try later", try_later=True)
    if status != 200:
        raise CrossrefError(f"Crossref answered HTTP {status} for DOI {doi}")
    try:
        document = response.json()
        work = document["message"]
    except (ValueError, KeyError, TypeError):
        raise CrossrefError("Crossref's answer is not the JSON it should be; try later", try_later=True) from None
    if not isinstance(work, dict):
        raise CrossrefError("Crossref's answer is not the JSON it should be; try later", try_later=True)
    return work


def _text(value: str) -> str:
    """Crossref's JATS/HTML markup in titles ('<i>In silico</i>') -> plain text."""
    return " ".join(html.unescape(_TAG.sub("", value)).split())


def _first(values: object) -> str:
    if isinstance(values, list) and values and isinstance(values[0], str):
        return _text(values[0])
    return ""


def _authors(work: dict) -> tuple[Author, ...]:
    authors: list[Author] = []
    for item in work.get("author") or ():
        if not isinstance(item, dict):
            continue
        if item.get("family") or item.get("given"):
            name = person(_text(item.get("given", "")), _text(item.get("family", "")), _text(item.get("suffix", "")))
            authors.append(name)
        elif item.get("name"):
            authors.append(CorporateAuthor(corporate=_text(item["name"])))
    return tuple(authors)


def _date_parts(work: dict, key: str) -> list[int]:
    try:
        parts = work[key]["date-parts"][0]
        return [int(p) for p in parts if p is not None]
    except (KeyError, IndexError, TypeError, ValueError):
        return []


def _preprint_arxiv(work: dict) -> str | None:
    """The arXiv id of a preprint Crossref relates to the work ('has-preprint'), if any."""
    relations = (work.get("relation") or {}).get("has-preprint") or ()
    for relation in relations:
        if isinstance(relation, dict) and (found := paper_links.arxiv_in_doi(str(relation.get("id", "")))):
            return found
    return None


def paper_from_work(work: dict, doi: str) -> PaperRecord:
    """Crossref's record as a :class:`PaperRecord`, keeping the DOI as the contributor wrote it."""
    parts = _date_parts(work, "issued") or _date_parts(work, "published")
    date = normalise_date(*(parts + [None, None, None])[:3]) if parts else None
    date_note = "publication date from Crossref; use the first public release (a preprint) if it was earlier"
    year = parts[0] if parts else None
    venue = _first(work.get("container-title")) if work.get("type") in _VENUE_TYPES else ""
    arxiv_id = _preprint_arxiv(work)
    if arxiv_id and (month := identifiers.arxiv_month(arxiv_id)):
        date, date_note = month, "month of the arXiv preprint Crossref names (from its id); add the day"
    return PaperRecord(
        source=f"Crossref (DOI {doi})",
        title=_first(work.get("title")),
        authors=_authors(work),
        authors_complete=True,
        authors_note="as Crossref lists them; check against the paper, write a team as {corporate: Name}",
        date=date,
        date_note=date_note,
        year=year,
        venue=venue or None,
        venue_note="Crossref's container title",
        arxiv_id=arxiv_id,
        doi=doi,
    )


def fetch_paper(doi: str, session: requests.Session | None = None) -> PaperRecord:
    """The record of one DOI (see :func:`fetch_work` for the errors)."""
    return paper_from_work(fetch_work(doi, session), doi)
