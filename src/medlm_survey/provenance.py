"""Score provenance: is each recorded score printed where its source says?

For every score, the paper it cites (``source.paper: self``, the cited entry's paper, or
``source.arxiv``) is read from arXiv (:mod:`medlm_survey.arxiv_sources`), the table its
``locator`` names ("Table 3") is found, and the recorded value is looked for there as a
printed number: 83.2 matches "83.2", "83.20", "83.2±0.4", "83.2%" and "\\textbf{83.2}", and
0.832 matches ".832". Pure: texts in, problems out.

Outcomes, as diagnostics on the score's line:

- found in the named table (or, without a table in the locator, anywhere in the paper): nothing;
- ``score-found-elsewhere``: not in the named table, but in another table (warning: the
  locator is probably wrong) or only in the running text (note);
- ``score-not-found``: nowhere in the paper (warning), with a hint when the paper prints it
  on the other scale (0.832 for 83.2);
- ``score-unchecked``: no arXiv paper to read, or it could not be fetched (warning); a
  figure, or a table without text (an image), cannot be read (note).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from medlm_survey.catalog import Catalog, locate_problems
from medlm_survey.diagnostics import NOTE, WARNING, Diagnostic, Problem
from medlm_survey.paper_text import PaperText, SourceTable
from medlm_survey.schema import EntryBase, ModelEntry, Result

#: A number as printed: "83.2", "83.20", ".832", "7"; not the middle of "1.2.3" or "83.2" in "183.2".
_NUMBER_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?|\.\d+)(?!\d|\.\d)")
_LABEL = r"(?:[A-Z]?\d+(?:\.\d+)?|[IVXLC]+\b)"
_TABLE_REF_RE = re.compile(rf"(?i:\btables?|\btab\.?)\s*({_LABEL}(?:\s*(?:,|and|&|/|-|–)\s*{_LABEL})*)")
_FIGURE_RE = re.compile(r"(?i:\bfig(?:ure)?s?\b\.?)\s*\d")
#: Locators that name a web page rather than a place in the paper ("GitHub README, ... table").
_WEB_PAGE_RE = re.compile(r"(?i)\b(?:readme|model card|hugging ?face|github)\b")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def table_refs(locator: str) -> list[str]:
    """Table labels a locator names: 'Table 3' -> ['3']; 'Tables 2 and 4' -> ['2', '4'];
    'Tables 2-4' -> ['2', '3', '4']; 'TABLE IV' -> ['IV']; 'Fig. 4A' -> []."""
    labels: list[str] = []
    for match in _TABLE_REF_RE.finditer(locator):
        group = match[1]
        for span in re.finditer(rf"({_LABEL})\s*[-–]\s*({_LABEL})", group):
            a, b = span[1], span[2]
            if a.isdigit() and b.isdigit() and 0 < int(b) - int(a) <= 10:
                labels += [str(n) for n in range(int(a), int(b) + 1)]
        labels += re.findall(_LABEL, group)
    return list(dict.fromkeys(labels))


def names_figure(locator: str) -> bool:
    return bool(_FIGURE_RE.search(locator))


def _roman(label: str) -> int | None:
    if not label or any(ch not in _ROMAN for ch in label):
        return None
    total = 0
    for ch, nxt in zip(label, [*label[1:], ""], strict=True):
        value = _ROMAN[ch]
        total += -value if nxt and _ROMAN[nxt] > value else value
    return total


def find_tables(paper: PaperText, label: str) -> list[SourceTable]:
    """The tables of ``paper`` printed with ``label`` ('3', 'A1', 'IV').

    A roman label also matches its arabic number and the reverse (IEEE styles print
    'TABLE IV'; the LaTeX source counts 4). When no table carries a printed label (a
    page without captions), 'Table 3' is the third table.
    """
    wanted = {label.lower()}
    if (number := _roman(label)) is not None:
        wanted.add(str(number))
    tables = [t for t in paper.tables if t.label and t.label.lower() in wanted]
    if not tables and label.isdigit():
        tables = [t for t in paper.tables if t.label and _roman(t.label) == int(label)]
    if not tables and label.isdigit() and not any(t.label for t in paper.tables):
        index = int(label) - 1
        tables = [paper.tables[index]] if 0 <= index < len(paper.tables) else []
    return tables


@lru_cache(maxsize=512)
def printed_numbers(text: str) -> frozenset[Decimal]:
    """Every number printed in ``text``, as exact decimals (83.20 == 83.2)."""
    numbers = set()
    for token in _NUMBER_RE.findall(text):
        try:
            numbers.add(Decimal(token))
        except InvalidOperation:
            continue
    return frozenset(numbers)


def as_decimal(value: float) -> Decimal:
    """The value as the YAML file wrote it: 83.2 -> Decimal('83.2'), not 83.2000000000000028."""
    return abs(Decimal(repr(float(value))))


def shown(value: float | Decimal) -> str:
    """83.2 -> '83.2', 85.0 -> '85', 1e-05 -> '0.00001'."""
    number = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return format(number.normalize(), "f")


def _other_scale(result: Result, metric_scale: str | None) -> tuple[Decimal, str] | None:
    """(the value on the other of the unit/percent scales, the fix to write), or None."""
    printed = result.printed_scale(metric_scale)
    if metric_scale not in ("unit", "percent") or printed not in ("unit", "percent"):
        return None
    other = "percent" if printed == "unit" else "unit"
    value = as_decimal(result.value) * (100 if other == "percent" else Decimal("0.01"))
    fix = "without scale" if other == metric_scale else f"with scale: {other}"
    return value, fix


@dataclass(frozen=True)
class ScoreSource:
    """One score and the arXiv paper to check it against (None: there is none, ``why``)."""

    entry: ModelEntry
    index: int
    result: Result
    arxiv_id: str | None
    why: str = ""


def score_sources(catalog: Catalog, entries: Iterable[EntryBase]) -> list[ScoreSource]:
    """Every score of ``entries`` with the arXiv id of the paper it was read from."""
    sources = []
    for entry in entries:
        if not isinstance(entry, ModelEntry):
            continue
        for index, result in enumerate(entry.results):
            source = result.source
            if source.arxiv:
                sources.append(ScoreSource(entry, index, result, source.arxiv))
                continue
            if source.url:
                sources.append(ScoreSource(entry, index, result, None, f"it was read from a web page ({source.url})"))
                continue
            if source.doi:
                sources.append(ScoreSource(entry, index, result, None, f"its paper has a DOI ({source.doi}) but no arXiv id"))
                continue
            if source.paper == "self":
                paper, what = entry.paper, "the entry's own paper"
            else:
                cited = catalog.get(source.paper)
                paper, what = (cited.paper if cited else None), f"the paper of '{source.paper}'"
            if paper is not None and paper.arxiv and _WEB_PAGE_RE.search(source.locator) and not table_refs(source.locator):
                why = f"its locator ('{source.locator}') names a web page, not a place in the paper; give the page as source.url"
                sources.append(ScoreSource(entry, index, result, None, why))
            elif paper is not None and paper.arxiv:
                sources.append(ScoreSource(entry, index, result, paper.arxiv))
            else:
                sources.append(ScoreSource(entry, index, result, None, f"{what} has no arXiv id"))
    return sources


@dataclass
class ScoreReport:
    """Diagnostics positioned in the entry files, and how many scores ended how."""

    diagnostics: list[Diagnostic]
    counts: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        c = self.counts
        total = sum(c.values())
        parts = [
            f"{c['found']} found",
            f"{c['elsewhere']} elsewhere in the paper",
            f"{c['not-found']} not found",
            f"{c['unchecked']} unchecked",
        ]
        if c["found-in-paper"]:
            parts.insert(1, f"{c['found-in-paper']} found in a paper whose named table was not identified")
        return f"{total} score{'s' * (total != 1)}: " + ", ".join(parts)


def _where(tables: list[SourceTable]) -> str:
    labels = [f"Table {t.label}" if t.label else f"an unnumbered table ('{t.caption[:40]}')" for t in tables]
    return ", ".join(dict.fromkeys(labels))


def _rescaled(other: tuple[Decimal, str]) -> str:
    value, fix = other
    return f"{shown(value)}: record the number as printed (value: {shown(value)} {fix})"


def check_score(item: ScoreSource, paper: PaperText, metric_scale: str | None, path: str) -> tuple[str, Problem | None]:
    """(outcome, problem or None) for one score against its paper's text."""
    result, locator = item.result, item.result.source.locator
    value, label = as_decimal(result.value), f"{result.metric} {shown(result.value)}"
    at_value = ("results", item.index, "value")
    at_locator = ("results", item.index, "source", "locator")
    source = paper.describe()
    in_paper = value in printed_numbers(paper.text)
    refs = table_refs(locator)
    named = [t for ref in refs for t in find_tables(paper, ref)]
    if refs and named:
        where = " or ".join(f"Table {ref}" for ref in refs)
        if any(value in printed_numbers(t.text) for t in named):
            return "found", None
        if not any(printed_numbers(t.text) for t in named):
            message = f"{where} of {source} holds no printed numbers (an image?); check {label} by eye"
            return "unchecked", Problem(path, at_locator, NOTE, "score-unchecked", message)
        others = [t for t in paper.tables if t not in named and value in printed_numbers(t.text)]
        if others:
            message = f"{label} is not in {where} of {source} but is in {_where(others)}; is the locator right?"
            return "elsewhere", Problem(path, at_locator, WARNING, "score-found-elsewhere", message)
        if in_paper:
            message = f"{label} is not in {where} of {source} but appears in its text; is the locator right?"
            return "elsewhere", Problem(path, at_locator, NOTE, "score-found-elsewhere", message)
        other = _other_scale(result, metric_scale)
        if other and any(other[0] in printed_numbers(t.text) for t in named):
            message = f"{label} is not in {where} of {source}, which prints {_rescaled(other)}"
        else:
            message = f"{label} is not in {where} of {source}, nor anywhere else in it; check the value and the locator"
        return "not-found", Problem(path, at_value, WARNING, "score-not-found", message)
    if in_paper:
        return ("found-in-paper" if refs else "found"), None
    if refs:
        where = " or ".join(f"Table {ref}" for ref in refs)
        message = f"{label} does not appear in {source}, which has no {where} either; check the value and the locator"
        return "not-found", Problem(path, at_value, WARNING, "score-not-found", message)
    if names_figure(locator):
        message = f"{label} is not in the text of {source}; figures are images, so check '{locator}' by eye"
        return "unchecked", Problem(path, at_locator, NOTE, "score-unchecked", message)
    other = _other_scale(result, metric_scale)
    if other and other[0] in printed_numbers(paper.text):
        message = f"{label} does not appear in {source}, which prints {_rescaled(other)}"
    else:
        message = f"{label} does not appear in {source}; check the value and the source"
    return "not-found", Problem(path, at_value, WARNING, "score-not-found", message)


def check_scores(
    catalog: Catalog,
    sources: Iterable[ScoreSource],
    texts: Mapping[str, PaperText],
    failed: Mapping[str, str] | None = None,
) -> ScoreReport:
    """Diagnostics for ``sources`` given the papers' ``texts``; ids in ``failed`` could not be read."""
    failed = failed or {}
    problems: list[Problem] = []
    counts: Counter = Counter()
    for item in sources:
        path = catalog.paths[item.entry.id]
        at_source = ("results", item.index, "source")
        if item.arxiv_id is None:
            counts["unchecked"] += 1
            problems.append(Problem(path, at_source, WARNING, "score-unchecked", f"not checked: {item.why}; check it by eye"))
            continue
        paper = texts.get(item.arxiv_id)
        if paper is None:
            counts["unchecked"] += 1
            reason = failed.get(item.arxiv_id, f"arXiv {item.arxiv_id} was not read")
            problems.append(Problem(path, at_source, WARNING, "score-unchecked", f"not checked: {reason}"))
            continue
        metric = catalog.taxonomy.term("metrics", item.result.metric)
        outcome, problem = check_score(item, paper, metric.scale if metric else None, path)
        counts[outcome] += 1
        if problem is not None:
            problems.append(problem)
    texts_by_path = {}
    for path in {p.path for p in problems}:
        try:
            texts_by_path[path] = (catalog.root / path).read_text(encoding="utf-8")
        except OSError:
            texts_by_path[path] = ""
    return ScoreReport(locate_problems(problems, texts_by_path), counts)
