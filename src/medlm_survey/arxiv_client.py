"""arXiv metadata through the ``arxiv`` package: records by id, and searches.

Records are fetched in batches (one ``id_list`` query per batch), with the ``arxiv``
client's delay between requests (arXiv asks for at most one request every three seconds)
and its retries on HTTP errors, and they can be kept in a JSON cache file so that a rerun
of ``verify`` asks arXiv only about ids it has not seen. Searches (the arXiv watch,
``medlm-survey candidates``) go through the same client settings and keep the day's
answers in a second cache file. Paper sources (HTML, LaTeX) are fetched by
:mod:`medlm_survey.arxiv_sources`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import arxiv
import requests
from requests.adapters import HTTPAdapter

from medlm_survey import identifiers

#: arXiv's terms of use: "make no more than one request every three seconds".
DELAY_SECONDS = 3.0
RETRIES = 3
#: Ids per request; 100 new-style ids keep the query URL near 1.2 kB.
BATCH_SIZE = 100
TIMEOUT_SECONDS = 30.0
CACHE_FILE = Path(".cache") / "arxiv.json"
CACHE_VERSION = 1
SEARCH_CACHE_FILE = Path(".cache") / "arxiv-search.json"
#: Results per page of a search; arXiv allows up to 2,000, smaller pages fail less often.
SEARCH_PAGE_SIZE = 100

_PREFIXES = re.compile(r"^(?:https?://(?:export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)", re.IGNORECASE)


class ArxivUnavailable(Exception):
    """arXiv could not be asked (no network, timeout, HTTP 429/503 after the retries).

    Attributes:
        offline: the machine seems to have no network (rather than arXiv being busy).
    """

    def __init__(self, message: str, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


@dataclass(frozen=True)
class ArxivRecord:
    """What arXiv says about one paper, reduced to what entries use.

    Attributes:
        arxiv_id: bare id without version (``2303.00915``).
        title: title of the latest version, whitespace collapsed.
        authors: author names in paper order.
        published: date of the first version (``YYYY-MM-DD``).
        doi: DOI of the published version, when the authors gave one.
        journal_ref: free-text journal reference, when given.
    """

    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    published: str
    doi: str | None = None
    journal_ref: str | None = None

    @classmethod
    def from_result(cls, result: arxiv.Result) -> ArxivRecord:
        return cls(
            arxiv_id=bare_id(result.get_short_id()),
            title=" ".join(result.title.split()),
            authors=tuple(" ".join(a.name.split()) for a in result.authors),
            published=result.published.date().isoformat(),
            doi=(result.doi or "").strip() or None,
            journal_ref=" ".join((result.journal_ref or "").split()) or None,
        )

    @classmethod
    def from_json(cls, data: dict) -> ArxivRecord:
        return cls(**{**data, "authors": tuple(data["authors"])})

    def to_json(self) -> dict:
        return {**asdict(self), "authors": list(self.authors)}


def bare_id(value: str) -> str:
    """``https://arxiv.org/abs/2303.00915v2`` or ``arXiv:2303.00915`` -> ``2303.00915``."""
    value = _PREFIXES.sub("", value.strip()).removesuffix(".pdf")
    return re.sub(r"v\d+$", "", value)


def is_arxiv_id(value: str) -> bool:
    """True for a bare arXiv id of either style, without version suffix (see identifiers)."""
    return identifiers.is_arxiv(value)


class _TimeoutAdapter(HTTPAdapter):
    """Gives every request a timeout; ``arxiv.Client`` would otherwise wait forever."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def send(self, request, timeout=None, **kwargs):  # noqa: ANN001 - requests' signature
        return super().send(request, timeout=timeout or self.timeout, **kwargs)


class BatchClient(arxiv.Client):
    """``arxiv.Client`` asking for exactly one page per batch of ids.

    Why: arXiv counts an id that does not exist in ``totalResults`` but returns no entry
    for it, so the stock client believes a page is missing and asks again, which either
    repeats a paper or fails with ``UnexpectedEmptyPageError`` after its retries
    (lukasschwab/arxiv.py#82). A batch always fits in one page, so one request suffices.
    The client's delay and retries (``_parse_feed``) are kept.
    """

    def __init__(
        self,
        delay_seconds: float | None = None,
        num_retries: int | None = None,
        timeout: float | None = None,
    ) -> None:
        # Defaults are read at call time so that tests can set the module constants.
        super().__init__(
            page_size=BATCH_SIZE,
            delay_seconds=DELAY_SECONDS if delay_seconds is None else delay_seconds,
            num_retries=RETRIES if num_retries is None else num_retries,
        )
        adapter = _TimeoutAdapter(TIMEOUT_SECONDS if timeout is None else timeout)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    def _results(self, search: arxiv.Search, offset: int = 0) -> Iterator[arxiv.Result]:
        url = self._format_url(search, offset, max(len(search.id_list), 1))
        yield from self._parse_feed(url, first_page=True).results


def _describe(exc: Exception) -> str:
    if isinstance(exc, arxiv.HTTPError):
        return {429: "HTTP 429, too many requests", 503: "HTTP 503, arXiv is busy"}.get(
            exc.status, f"HTTP {exc.status}"
        )
    if isinstance(exc, requests.Timeout):
        return "the request timed out"
    if isinstance(exc, requests.ConnectionError):
        return "no network connection"
    return type(exc).__name__


def fetch_batch(ids: list[str], client: arxiv.Client) -> dict[str, ArxivRecord | None]:
    """Ask arXiv about ``ids`` in one request: id -> record, or None when arXiv has no such paper.

    Raises:
        ArxivUnavailable: the request failed after the client's retries.
    """
    search = arxiv.Search(id_list=list(ids), max_results=len(ids))
    found: dict[str, ArxivRecord | None] = {arxiv_id: None for arxiv_id in ids}
    try:
        for result in client.results(search):
            if "arxiv.org/abs/" not in result.entry_id:
                continue  # arXiv reports errors as fake entries (id .../api/errors#...)
            record = ArxivRecord.from_result(result)
            if record.arxiv_id in found:
                found[record.arxiv_id] = record
    except (arxiv.ArxivError, requests.RequestException) as exc:
        offline = isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.Timeout)
        raise ArxivUnavailable(f"cannot reach arXiv ({_describe(exc)})", offline=offline) from exc
    return found


def fetch_one(arxiv_id: str, client: arxiv.Client | None = None) -> ArxivRecord | None:
    """The record of one paper, or None when arXiv has none."""
    return fetch_batch([arxiv_id], client or BatchClient())[arxiv_id]


def batches(ids: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _read_cache_file(path: Path | None) -> dict | None:
    """The JSON document of a cache file written by this version, or None: a missing,
    damaged or older cache only makes a run slower."""
    if path is None or not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == CACHE_VERSION else None


@dataclass
class RecordCache:
    """Answers from arXiv kept in a JSON file: id -> record, or None for "no such paper".

    Failures (timeouts, HTTP errors) are never cached, so a rerun asks again.
    """

    path: Path | None
    records: dict[str, ArxivRecord | None] = field(default_factory=dict)
    fetched: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> RecordCache:
        cache = cls(path)
        data = _read_cache_file(path)
        if data is None:
            return cache
        for arxiv_id, item in data.get("records", {}).items():
            try:
                cache.records[arxiv_id] = None if item["record"] is None else ArxivRecord.from_json(item["record"])
                cache.fetched[arxiv_id] = item["fetched"]
            except (KeyError, TypeError):
                continue
        return cache

    def save(self) -> None:
        if self.path is None:
            return
        document = {
            "version": CACHE_VERSION,
            "records": {
                arxiv_id: {
                    "fetched": self.fetched.get(arxiv_id, ""),
                    "record": None if record is None else record.to_json(),
                }
                for arxiv_id, record in sorted(self.records.items())
            },
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(self.path)

    def store(self, found: dict[str, ArxivRecord | None], today: str) -> None:
        self.records.update(found)
        self.fetched.update({arxiv_id: today for arxiv_id in found})


@dataclass
class FetchOutcome:
    """What :func:`fetch_records` got: records, ids answered from the cache, failed batches."""

    records: dict[str, ArxivRecord | None]
    from_cache: int
    failed: dict[str, str]


def fetch_records(
    ids: Iterable[str],
    cache: RecordCache,
    *,
    client: arxiv.Client | None = None,
    refresh: bool = False,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
) -> FetchOutcome:
    """Records for ``ids``, from the cache where possible, else from arXiv in batches.

    A failed batch does not stop the others: its ids are reported in ``failed`` with the
    reason, and the cache is saved after every successful batch so that an interrupted
    long run keeps what it got.

    Args:
        progress: called with the number of ids settled after each batch (for a progress bar).
    """
    wanted = sorted(set(ids))
    known = {} if refresh else {i: cache.records[i] for i in wanted if i in cache.records}
    missing = [i for i in wanted if i not in known]
    if progress and known:
        progress(len(known))
    records: dict[str, ArxivRecord | None] = dict(known)
    failed: dict[str, str] = {}
    if missing:
        client = client or BatchClient()
        stamp = (today or dt.date.today()).isoformat()
        for batch in batches(missing, batch_size or BATCH_SIZE):
            try:
                found = fetch_batch(batch, client)
            except ArxivUnavailable as exc:
                failed.update({arxiv_id: str(exc) for arxiv_id in batch})
            else:
                records.update(found)
                cache.store(found, stamp)
                cache.save()
            if progress:
                progress(len(batch))
    return FetchOutcome(records=records, from_cache=len(known), failed=failed)


# --- searches (the arXiv watch) ----------------------------------------------------------

class SearchClient(arxiv.Client):
    """``arxiv.Client`` for searches: paged, with the module's delay, retries and timeout."""

    def __init__(self, timeout: float | None = None) -> None:
        super().__init__(page_size=SEARCH_PAGE_SIZE, delay_seconds=DELAY_SECONDS, num_retries=RETRIES)
        adapter = _TimeoutAdapter(TIMEOUT_SECONDS if timeout is None else timeout)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)


def search_expression(query: str, categories: Iterable[str] = (), since: dt.date | None = None, until: dt.date | None = None) -> str:
    """The ``search_query`` arXiv is sent: the query, limited to ``categories`` and dates.

    ``submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]`` is arXiv's range over the first
    version's submission time (GMT).
    """
    parts = [f"({query})"]
    cats = list(categories)
    if cats:
        parts.append("(" + " OR ".join(f"cat:{c}" for c in cats) + ")")
    if since is not None:
        end = until or dt.date.today()
        parts.append(f"submittedDate:[{since:%Y%m%d}0000 TO {end:%Y%m%d}2359]")
    return " AND ".join(parts)


def search(
    expression: str,
    *,
    max_results: int,
    since: dt.date | None = None,
    client: arxiv.Client | None = None,
) -> list[ArxivRecord]:
    """Papers matching ``expression``, newest first submission first, at most ``max_results``.

    Papers first submitted before ``since`` are dropped (and end the search: results come
    sorted by submission date), so a wrong date range in the expression cannot widen it.

    Raises:
        ArxivUnavailable: a page could not be fetched after the client's retries.
    """
    request = arxiv.Search(
        query=expression,
        max_results=max_results,
        sort_by=arxiv.SortCriterion.SubmittedDate,
        sort_order=arxiv.SortOrder.Descending,
    )
    client = client or SearchClient()
    client.page_size = min(SEARCH_PAGE_SIZE, max_results)  # never ask for more than wanted
    found: list[ArxivRecord] = []
    try:
        for result in client.results(request):
            if "arxiv.org/abs/" not in result.entry_id:
                continue  # arXiv reports errors as fake entries (id .../api/errors#...)
            record = ArxivRecord.from_result(result)
            if since is not None and record.published < since.isoformat():
                break
            found.append(record)
    except (arxiv.ArxivError, requests.RequestException) as exc:
        offline = isinstance(exc, requests.ConnectionError) and not isinstance(exc, requests.Timeout)
        raise ArxivUnavailable(f"cannot reach arXiv ({_describe(exc)})", offline=offline) from exc
    return found


@dataclass
class SearchCache:
    """The day's search answers, keyed by expression and size, kept in a JSON file.

    Why only for a day: a search is a question about "now"; the cache serves the triage
    loop (run, decide, run again) without asking arXiv the same thing twice.
    """

    path: Path | None
    answers: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> SearchCache:
        cache = cls(path)
        data = _read_cache_file(path)
        if data is not None and isinstance(data.get("answers"), dict):
            cache.answers = {k: v for k, v in data["answers"].items() if isinstance(v, dict)}
        return cache

    @staticmethod
    def key(expression: str, max_results: int) -> str:
        return f"{max_results} {expression}"

    def get(self, expression: str, max_results: int, today: dt.date) -> list[ArxivRecord] | None:
        item = self.answers.get(self.key(expression, max_results))
        if not item or item.get("fetched") != today.isoformat():
            return None
        try:
            return [ArxivRecord.from_json(r) for r in item["records"]]
        except (KeyError, TypeError):
            return None

    def put(self, expression: str, max_results: int, today: dt.date, records: list[ArxivRecord]) -> None:
        stamp = today.isoformat()
        # Older days' answers are never read again; dropping them keeps the file small.
        self.answers = {k: v for k, v in self.answers.items() if v.get("fetched") == stamp}
        self.answers[self.key(expression, max_results)] = {"fetched": stamp, "records": [r.to_json() for r in records]}
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        document = {"version": CACHE_VERSION, "answers": self.answers}
        tmp.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(self.path)
