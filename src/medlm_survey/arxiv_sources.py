"""Fetch the text of arXiv papers (HTML first, else the LaTeX e-print), with a cache.

Network code, like :mod:`medlm_survey.arxiv_client`, whose politeness settings it shares:
at most one request every ``DELAY_SECONDS``, a timeout on every request, a few retries on
HTTP 429/503 and dropped connections. Responses are read in chunks and abandoned beyond a
size limit. What was extracted (:class:`~medlm_survey.paper_text.PaperText`) is kept in
``.cache/papers/``: one file per text, named by the SHA-256 of its content, and an index
from arXiv id to file, so a rerun reads the cache and never asks again (``--refresh`` does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from medlm_survey import arxiv_client
from medlm_survey.paper_text import PaperText, SourceError, read_eprint, read_html

HTML_URL = "https://arxiv.org/html/{id}"
EPRINT_URL = "https://arxiv.org/e-print/{id}"
MAX_HTML_BYTES = 40 * 1024 * 1024
#: arXiv's own limit on a submission is 50 MB.
MAX_EPRINT_BYTES = 60 * 1024 * 1024
CACHE_DIR = Path(".cache") / "papers"
#: Bump when extraction changes, so cached texts are extracted again.
CACHE_VERSION = 1
USER_AGENT = "medlm-survey (score provenance check; https://github.com/medlm-survey/medlm-survey)"
_RETRY_STATUS = {429, 500, 502, 503, 504}


class SourceUnavailable(Exception):
    """No text could be had for a paper. ``offline``: the machine seems to have no network."""

    def __init__(self, message: str, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


class _NotThere(Exception):
    """The address answered, but holds nothing usable (404, a PDF only): try the next one."""


class PoliteSession:
    """A ``requests`` session that waits between requests, times out, retries and caps sizes."""

    def __init__(self, session: requests.Session | None = None) -> None:
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.last: float | None = None

    def _wait(self, attempt: int) -> None:
        # A retry waits longer each time: a busy server is given time to recover.
        if self.last is not None:
            remaining = arxiv_client.DELAY_SECONDS * (1 + attempt) - (time.monotonic() - self.last)
            if remaining > 0:
                time.sleep(remaining)

    def get(self, url: str, limit: int) -> bytes:
        """The body of ``url``.

        Raises:
            _NotThere: HTTP 404 or 410.
            SourceUnavailable: other HTTP errors after the retries, timeouts, no network, too large.
        """
        for attempt in range(arxiv_client.RETRIES + 1):
            self._wait(attempt)
            try:
                with self.session.get(url, timeout=arxiv_client.TIMEOUT_SECONDS, stream=True) as response:
                    self.last = time.monotonic()
                    if response.status_code in (404, 410):
                        raise _NotThere(f"HTTP {response.status_code}")
                    if response.status_code in _RETRY_STATUS and attempt < arxiv_client.RETRIES:
                        continue
                    if response.status_code != 200:
                        raise SourceUnavailable(_status(response.status_code))
                    return _read_limited(response, limit)
            except requests.Timeout:
                self.last = time.monotonic()
                if attempt < arxiv_client.RETRIES:
                    continue
                raise SourceUnavailable("the request timed out") from None
            except requests.ConnectionError:
                self.last = time.monotonic()
                if attempt < arxiv_client.RETRIES:
                    continue
                raise SourceUnavailable("no network connection", offline=True) from None
            except requests.RequestException as exc:
                raise SourceUnavailable(type(exc).__name__) from None
        raise AssertionError("unreachable")  # pragma: no cover


def _status(code: int) -> str:
    return {429: "HTTP 429, too many requests", 503: "HTTP 503, arXiv is busy"}.get(code, f"HTTP {code}")


def _read_limited(response: requests.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise SourceUnavailable(f"the answer is {int(declared) // (1024 * 1024)} MB, more than the {limit // (1024 * 1024)} MB limit")
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=256 * 1024):
        size += len(chunk)
        if size > limit:
            raise SourceUnavailable(f"the answer is larger than the {limit // (1024 * 1024)} MB limit")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_paper_text(arxiv_id: str, session: PoliteSession | None = None) -> PaperText:
    """The paper's text from arXiv's HTML, or from its LaTeX source when there is no HTML.

    Raises:
        SourceUnavailable: neither could be had; the message gives both reasons.
    """
    session = session or PoliteSession()
    reasons = []
    html_url = HTML_URL.format(id=arxiv_id)
    try:
        return read_html(session.get(html_url, MAX_HTML_BYTES), arxiv_id, html_url)
    except _NotThere:
        reasons.append("no HTML")
    except (SourceUnavailable, SourceError) as exc:
        reasons.append(f"HTML: {exc}")
    eprint_url = EPRINT_URL.format(id=arxiv_id)
    try:
        return read_eprint(session.get(eprint_url, MAX_EPRINT_BYTES), arxiv_id, eprint_url)
    except _NotThere as exc:
        reasons.append(f"source: {exc}")
        offline = False
    except SourceUnavailable as exc:
        reasons.append(f"source: {exc}")
        offline = exc.offline
    except SourceError as exc:
        reasons.append(str(exc))
        offline = False
    raise SourceUnavailable(f"cannot read arXiv {arxiv_id} ({'; '.join(reasons)})", offline=offline)


@dataclass
class TextCache:
    """Paper texts in a folder: ``<sha256>.json`` files and ``index.json`` (id -> file, date)."""

    folder: Path | None
    index: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path | None) -> TextCache:
        cache = cls(folder)
        if folder is None:
            return cache
        try:
            data = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cache
        if isinstance(data, dict) and data.get("version") == CACHE_VERSION and isinstance(data.get("papers"), dict):
            cache.index = {k: v for k, v in data["papers"].items() if isinstance(v, dict) and "sha256" in v}
        return cache

    def get(self, arxiv_id: str) -> PaperText | None:
        item = self.index.get(arxiv_id)
        if item is None or self.folder is None:
            return None
        try:
            raw = (self.folder / f"{item['sha256']}.json").read_bytes()
            if hashlib.sha256(raw).hexdigest() != item["sha256"]:
                return None  # damaged: fetch again
            return PaperText.from_json(json.loads(raw))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def put(self, paper: PaperText, today: str) -> None:
        raw = (json.dumps(paper.to_json(), ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        digest = hashlib.sha256(raw).hexdigest()
        self.index[paper.arxiv_id] = {"sha256": digest, "fetched": today, "kind": paper.kind}
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{digest}.json"
        if not target.exists():
            _write_atomically(target, raw)
        document = {"version": CACHE_VERSION, "papers": dict(sorted(self.index.items()))}
        _write_atomically(self.folder / "index.json", (json.dumps(document, indent=1) + "\n").encode("utf-8"))


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


@dataclass
class TextOutcome:
    """What :func:`fetch_texts` got: texts by id, how many from the cache, failures by id."""

    texts: dict[str, PaperText]
    from_cache: int
    failed: dict[str, str]
    offline: bool = False


def fetch_texts(
    ids: Iterable[str],
    cache: TextCache,
    *,
    refresh: bool = False,
    session: PoliteSession | None = None,
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
) -> TextOutcome:
    """Texts of the papers ``ids``, from the cache where possible; failures are not cached."""
    stamp = (today or dt.date.today()).isoformat()
    outcome = TextOutcome({}, 0, {})
    session = session or PoliteSession()
    offline_everywhere = True
    fetched = 0
    no_network: str | None = None
    for arxiv_id in sorted(set(ids)):
        cached = None if refresh else cache.get(arxiv_id)
        if cached is not None:
            outcome.texts[arxiv_id] = cached
            outcome.from_cache += 1
        elif no_network is not None:
            outcome.failed[arxiv_id] = no_network  # no network: asking again would only wait
        else:
            try:
                paper = fetch_paper_text(arxiv_id, session)
            except SourceUnavailable as exc:
                outcome.failed[arxiv_id] = str(exc)
                offline_everywhere = offline_everywhere and exc.offline
                if exc.offline and not fetched:
                    no_network = "cannot reach arXiv (no network connection)"
            else:
                fetched += 1
                outcome.texts[arxiv_id] = paper
                cache.put(paper, stamp)
        if progress:
            progress(1)
    outcome.offline = bool(outcome.failed) and offline_everywhere
    return outcome
