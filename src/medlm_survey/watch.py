"""The arXiv watch: configured searches, triage decisions, and the list of new candidates.

Two files kept in the repository drive it:

- ``watch/queries.yaml``: named arXiv search expressions, each limited to arXiv categories;
- ``watch/triage.yaml``: arXiv id -> decision (``kept`` or ``rejected``), reason and date, so
  that a paper someone has looked at is never proposed again.

Reading, validating and selecting are pure; the searches themselves go through
:mod:`medlm_survey.arxiv_client`, and the command is ``medlm-survey candidates``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError
from rapidfuzz import fuzz, process

from medlm_survey import identifiers
from medlm_survey.arxiv_client import ArxivRecord
from medlm_survey.catalog import Catalog, locate_problems
from medlm_survey.checks import normalise
from medlm_survey.diagnostics import ERROR, Diagnostic, Problem
from medlm_survey.suggest import hint
from medlm_survey.validation import problems_from_error
from medlm_survey.yaml_source import MAX_FILE_BYTES, decode, parse

QUERIES_FILE = Path("watch") / "queries.yaml"
TRIAGE_FILE = Path("watch") / "triage.yaml"
DECISIONS = ("kept", "rejected")
#: rapidfuzz ratio of normalised titles from which a candidate counts as already catalogued.
#: Why below the near-duplicate check's 92: arXiv shows the latest version's title, which
#: authors often reword a little for the published version; a catalogued paper should not
#: come back as a candidate because of that.
TITLE_MATCH = 90.0
#: GitHub refuses issue bodies over 65,536 characters; the Markdown list stays below this.
MARKDOWN_LIMIT = 60_000

#: arXiv archives (https://arxiv.org/category_taxonomy); a category is ``archive`` or ``archive.SUBJECT``.
ARCHIVES = (
    "astro-ph", "cond-mat", "cs", "econ", "eess", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th",
    "math", "math-ph", "nlin", "nucl-ex", "nucl-th", "physics", "q-bio", "q-fin", "quant-ph", "stat",
)  # fmt: skip
#: Field prefixes of arXiv's search_query (arXiv API user manual, "query details").
SEARCH_FIELDS = ("ti", "au", "abs", "co", "jr", "cat", "rn", "id", "all")
_CATEGORY_RE = re.compile(r"^([a-z]+(?:-[a-z]+)?)(?:\.([A-Za-z]{2}|[a-z]+(?:-[a-z]+)?))?$")
_FIELD_RE = re.compile(r'(?<![\w"])([A-Za-z_]+):')
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _fail(message: str, **ctx: object) -> PydanticCustomError:
    return PydanticCustomError("invalid_value", message, ctx)


def _category(value: str) -> str:
    match = _CATEGORY_RE.match(value)
    if not match or match[1] not in ARCHIVES:
        raise _fail(
            "'{value}' is not an arXiv category such as cs.CL, eess.IV or q-bio.QM{hint}",
            value=value,
            hint=hint(value.split(".")[0], ARCHIVES) if match else "",
        )
    return value


def _expression(value: str) -> str:
    """Catch the mistakes arXiv would answer with an empty list rather than an error."""
    value = " ".join(value.split())
    if not value:
        raise _fail("the search is empty")
    if value.count('"') % 2:
        raise _fail("the search has an unmatched double quote")
    depth = 0
    unquoted = re.sub(r'"[^"]*"', '""', value)
    for char in unquoted:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise _fail("the search closes a parenthesis it never opened")
    if depth:
        raise _fail("the search leaves a parenthesis open")
    for name in _FIELD_RE.findall(unquoted):
        if name not in SEARCH_FIELDS:
            raise _fail(
                "'{name}:' is not an arXiv search field ({fields}){hint}",
                name=name,
                fields=", ".join(SEARCH_FIELDS),
                hint=hint(name, SEARCH_FIELDS),
            )
    return value


def _reason(value: str) -> str:
    if not value.strip():
        raise _fail("the reason is empty; say why in a few words")
    return value


def _slug(value: str) -> str:
    if not _SLUG_RE.match(value):
        raise _fail("'{value}' is not a lowercase name such as medical-llm", value=value)
    return value


def _iso_date(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _fail("'{value}' is not a date YYYY-MM-DD", value=value) from None
    if len(value) != 10:
        raise _fail("'{value}' is not a date YYYY-MM-DD", value=value)
    return value


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class WatchQuery(_Node):
    """One named search of the watch."""

    name: Annotated[str, AfterValidator(_slug)]
    """Short name shown next to each candidate it finds (e.g. medical-llm)."""
    search: Annotated[str, AfterValidator(_expression)]
    """arXiv search expression: fields ti:, abs:, au:, cat:, all:, joined with AND, OR, ANDNOT."""
    categories: list[Annotated[str, AfterValidator(_category)]] = Field(min_length=1)
    """arXiv categories the search is limited to (any of them)."""
    max_results: int | None = Field(default=None, ge=1, le=2000)
    """Most papers to ask for (default: the file's max_results)."""


class WatchConfig(_Node):
    """``watch/queries.yaml``."""

    window_days: int = Field(default=28, ge=1, le=366)
    """Without --since, papers first submitted in this many days before today."""
    max_results: int = Field(default=200, ge=1, le=2000)
    """Most papers to ask for per query."""
    queries: list[WatchQuery] = Field(min_length=1)
    """The searches, each with a unique name."""


class Decision(_Node):
    """One triage decision."""

    decision: Literal["kept", "rejected"]
    """kept: in scope (an entry exists or is being written); rejected: out of scope."""
    reason: Annotated[str, AfterValidator(_reason)]
    """Why, in a few words (for a rejection, which inclusion rule it fails)."""
    date: Annotated[str, AfterValidator(_iso_date)]
    """When it was decided (YYYY-MM-DD)."""


class WatchFileError(Exception):
    """A watch file cannot be used; ``diagnostics`` says where and why, one line each."""

    def __init__(self, diagnostics: list[Diagnostic], message: str | None = None) -> None:
        super().__init__(message or "\n".join(map(str, diagnostics)))
        self.diagnostics = diagnostics


def _read(path: Path, rel: str, *, empty_ok: bool) -> tuple[dict, str]:
    """(mapping, text) of a watch file; raises WatchFileError with problems positioned in ``rel``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if empty_ok:
            return {}, ""
        raise WatchFileError([], f"{rel} does not exist; the example in the repository shows its format") from None
    except OSError as exc:
        raise WatchFileError([Diagnostic(rel, 1, 1, ERROR, "yaml-syntax", f"cannot read the file: {exc.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        message = f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"
        raise WatchFileError([Diagnostic(rel, 1, 1, ERROR, "file-too-large", message)])
    text, problems = decode(raw, rel)
    if text is None:
        raise WatchFileError(locate_problems(problems, {}))
    result = parse(text, rel)
    problems += result.problems
    if problems and all(p.code == "empty-file" for p in problems) and empty_ok:
        return {}, text
    for problem in problems:  # the reader's wording speaks of entries
        if problem.code == "empty-file":
            problem.message = "the file is empty; it should be a mapping (see the comments in the example file)"
        elif problem.code == "not-a-mapping":
            problem.message = problem.message.split(";")[0] + "; the file should be a mapping"
    if problems:
        raise WatchFileError(locate_problems(problems, {rel: text}))
    return result.data or {}, text


def load_config(path: Path, rel: str | None = None) -> WatchConfig:
    """Read and validate the queries file.

    Args:
        rel: the file's name in diagnostics (default: ``path``).

    Raises:
        WatchFileError: with one positioned diagnostic per problem.
    """
    rel = rel or path.as_posix()
    data, text = _read(path, rel, empty_ok=False)
    try:
        config = WatchConfig.model_validate(data)
    except ValidationError as exc:
        raise WatchFileError(locate_problems(problems_from_error(exc, rel, WatchConfig), {rel: text})) from None
    names = [q.name for q in config.queries]
    repeated = [
        Problem(rel, ("queries", i, "name"), ERROR, "invalid-value", f"a query before this one is already named '{name}'")
        for i, name in enumerate(names)
        if name in names[:i]
    ]
    if repeated:
        raise WatchFileError(locate_problems(repeated, {rel: text}))
    return config


def load_triage(path: Path, rel: str | None = None) -> dict[str, Decision]:
    """Read and validate the triage file (a missing or comment-only file has no decisions).

    Args:
        rel: the file's name in diagnostics (default: ``path``).

    Raises:
        WatchFileError: with one positioned diagnostic per problem.
    """
    rel = rel or path.as_posix()
    data, text = _read(path, rel, empty_ok=True)
    decisions: dict[str, Decision] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        arxiv_id = str(key)
        try:
            identifiers.check_arxiv(arxiv_id)
        except identifiers.IdentifierError as exc:
            problems.append(Problem(rel, (key,), ERROR, "invalid-arxiv", str(exc), at_key=True))
            continue
        try:
            decisions[arxiv_id] = Decision.model_validate(value)
        except ValidationError as exc:
            for problem in problems_from_error(exc, rel, Decision):
                problem.loc = (key, *problem.loc)
                problems.append(problem)
    if problems:
        raise WatchFileError(locate_problems(problems, {rel: text}))
    return decisions


def triage_line(arxiv_id: str, decision: Decision) -> str:
    """One line of ``watch/triage.yaml``; JSON strings are valid YAML double-quoted scalars."""
    reason = json.dumps(decision.reason, ensure_ascii=False)
    return f'"{arxiv_id}": {{decision: {decision.decision}, reason: {reason}, date: "{decision.date}"}}\n'


def append_decision(path: Path, arxiv_id: str, decision: Decision, rel: str | None = None) -> str:
    """Add a decision at the end of the triage file, keeping everything else as written.

    Returns:
        The line written.

    Raises:
        WatchFileError: the file is broken (fix it first).
        ValueError: the paper already has a decision.
    """
    rel = rel or path.as_posix()
    existing = load_triage(path, rel)
    if arxiv_id in existing:
        old = existing[arxiv_id]
        raise ValueError(
            f"arXiv {arxiv_id} was already triaged ({old.decision} on {old.date}: {old.reason}); "
            f"edit {rel} to change the decision"
        )
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text.strip() and _is_flow_mapping(text):
        raise ValueError(f"{rel} is written as one flow mapping ({{...}}); write one decision per line first")
    if text and not text.endswith("\n"):
        text += "\n"
    line = triage_line(arxiv_id, decision)
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists()
    path.write_text(text + line, encoding="utf-8")
    try:
        load_triage(path, rel)  # what was written must read back
    except WatchFileError:
        if existed:
            path.write_text(text, encoding="utf-8")
        else:
            path.unlink()
        raise
    return line


def _is_flow_mapping(text: str) -> bool:
    body = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(body) and body[0].lstrip().startswith("{")


# --- candidates --------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """A paper a query found that is neither catalogued nor triaged."""

    arxiv_id: str
    title: str
    first_author: str
    published: str
    queries: tuple[str, ...]

    @property
    def url(self) -> str:
        return identifiers.arxiv_url(self.arxiv_id)


@dataclass
class Selection:
    """What :func:`select_candidates` kept and why the rest was dropped."""

    candidates: list[Candidate]
    found: int
    catalogued: dict[str, str] = field(default_factory=dict)
    triaged: dict[str, str] = field(default_factory=dict)


class _Catalogued:
    """Lookups of the catalogue's papers by arXiv id, DOI and normalised title."""

    def __init__(self, catalog: Catalog) -> None:
        self.paths = catalog.paths
        self.by_arxiv: dict[str, str] = {}
        self.by_doi: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        for entry in catalog.entries:
            if entry.paper is None:
                continue
            if entry.paper.arxiv:
                self.by_arxiv.setdefault(entry.paper.arxiv, entry.id)
            if entry.paper.doi:
                self.by_doi.setdefault(identifiers.doi_key(entry.paper.doi), entry.id)
            self.titles[entry.id] = normalise(entry.paper.title)

    def find(self, record: ArxivRecord) -> str | None:
        """Path of the entry that already has this paper (by arXiv id, DOI or title), or None."""
        entry_id = self.by_arxiv.get(record.arxiv_id) or (record.doi and self.by_doi.get(identifiers.doi_key(record.doi)))
        if not entry_id and self.titles:
            best = process.extractOne(normalise(record.title), self.titles, scorer=fuzz.ratio, score_cutoff=TITLE_MATCH)
            entry_id = best[2] if best else None
        return self.paths[entry_id] if entry_id else None


def select_candidates(
    found: Mapping[str, Iterable[ArxivRecord]], catalog: Catalog, decisions: Mapping[str, Decision]
) -> Selection:
    """Merge what each query found (query name -> records), drop catalogued and triaged papers.

    Candidates come newest first, then by arXiv id; a paper two queries found is listed
    once with both names.
    """
    by_id: dict[str, ArxivRecord] = {}
    queries: dict[str, list[str]] = {}
    for name, records in found.items():
        for record in records:
            by_id.setdefault(record.arxiv_id, record)
            names = queries.setdefault(record.arxiv_id, [])
            if name not in names:
                names.append(name)
    catalogued = _Catalogued(catalog)
    selection = Selection(candidates=[], found=len(by_id))
    for arxiv_id, record in by_id.items():
        if arxiv_id in decisions:
            selection.triaged[arxiv_id] = decisions[arxiv_id].decision
            continue
        where = catalogued.find(record)
        if where is not None:
            selection.catalogued[arxiv_id] = where
            continue
        first = record.authors[0] if record.authors else ""
        selection.candidates.append(Candidate(arxiv_id, record.title, first, record.published, tuple(queries[arxiv_id])))
    selection.candidates.sort(key=lambda c: (c.published, c.arxiv_id), reverse=True)
    return selection


# --- output ------------------------------------------------------------------------------

@dataclass
class Report:
    """Everything the output formats show."""

    selection: Selection
    since: dt.date
    until: dt.date
    queries: list[str]
    failed: dict[str, str]

    def summary(self) -> str:
        s = self.selection
        plural = "" if len(s.candidates) == 1 else "s"
        failed = f"; {len(self.failed)} failed ({', '.join(self.failed)})" if self.failed else ""
        return (
            f"{len(s.candidates)} candidate{plural} since {self.since} from {len(self.queries) - len(self.failed)} "
            f"of {len(self.queries)} queries ({s.found} found, {len(s.catalogued)} already catalogued, "
            f"{len(s.triaged)} already triaged{failed})"
        )


def format_text(report: Report) -> str:
    lines = []
    for c in report.selection.candidates:
        lines.append(f"{c.arxiv_id}  {c.published}  {c.first_author}: {c.title}  [{', '.join(c.queries)}]")
    for name, reason in report.failed.items():
        lines.append(f"warning: query '{name}' failed: {reason}")
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def format_json(report: Report) -> str:
    document = {
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "queries": report.queries,
        "failed": report.failed,
        "found": report.selection.found,
        "catalogued": report.selection.catalogued,
        "triaged": report.selection.triaged,
        "candidates": [{**asdict(c), "queries": list(c.queries), "url": c.url} for c in report.selection.candidates],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$])")


def markdown_escape(text: str) -> str:
    """Text as literal Markdown: punctuation escaped, and no @mention or table break.

    Why: titles come from arXiv; in a GitHub issue ``@name`` would notify a user and ``|``
    would split a table cell.
    """
    text = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", text).replace("@", "@\u200b")


def format_markdown(report: Report) -> str:
    """The body of the tracking issue: what to do, then one table row per candidate."""
    s = report.selection
    head = [
        "<!-- Written by `medlm-survey candidates --format markdown` (workflow arxiv-watch); edits here are overwritten. -->",
        f"## arXiv watch: {len(s.candidates)} candidate{'s' * (len(s.candidates) != 1)} since {report.since}",
        "",
        f"Papers first submitted between {report.since} and {report.until} that the queries in "
        "`watch/queries.yaml` found and that are neither in the catalogue nor in `watch/triage.yaml`. "
        "For each, decide against the inclusion policy in CONTRIBUTING.md, then record the decision "
        "in a pull request so the paper is not proposed again:",
        "",
        "```sh",
        "medlm-survey new --arxiv ID    # in scope: draft the entry, then",
        'medlm-survey candidates --triage ID --keep "entry added"',
        'medlm-survey candidates --triage ID --reject "single-task model trained from scratch"',
        "```",
        "",
    ]
    for name, reason in report.failed.items():
        head.append(f"> **Warning:** query `{name}` failed this time ({markdown_escape(reason)}); its papers are missing below.")
        head.append("")
    rows = ["| arXiv | title | first author | first version | query |", "|---|---|---|---|---|"]
    foot = f"_{markdown_escape(report.summary())}._"
    size = sum(len(x) + 1 for x in head + rows) + len(foot) + 200
    shown = 0
    for c in s.candidates:
        row = (
            f"| [{c.arxiv_id}]({c.url}) | {markdown_escape(c.title)} | {markdown_escape(c.first_author)} "
            f"| {c.published} | {markdown_escape(', '.join(c.queries))} |"
        )
        if size + len(row) + 1 > MARKDOWN_LIMIT:
            break
        rows.append(row)
        size += len(row) + 1
        shown += 1
    body = head + (rows if s.candidates else ["No new candidates."])
    if shown < len(s.candidates):
        body += ["", f"… and {len(s.candidates) - shown} more: run `medlm-survey candidates` to see them all."]
    return "\n".join([*body, "", foot]) + "\n"


FORMATS = {"text": format_text, "json": format_json, "markdown": format_markdown}
