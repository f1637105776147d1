"""Compare entries with what arXiv says about their papers.

The comparison is pure (records in, problems out) so it is tested without any network;
fetching lives in :mod:`medlm_survey.arxiv_client`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz

from medlm_survey.arxiv_client import ArxivRecord
from medlm_survey.catalog import Catalog, locate_problems
from medlm_survey.checks import normalise
from medlm_survey.diagnostics import ERROR, WARNING, Diagnostic, Problem
from medlm_survey.schema import EntryBase, parse_date

#: rapidfuzz ratio (0-100) of the normalised titles below which they name different papers.
#: Why not higher: arXiv shows the latest version's title, which authors sometimes reword
#: for the published version ("a multimodal" -> "A Multimodal Biomedical ...").
TITLE_MATCH = 85.0
#: Days the entry's date may lie from arXiv's first version ("within the month").
DATE_SLACK_DAYS = 31


def arxiv_entries(catalog: Catalog, only_paths: Iterable[str] | None = None) -> list[EntryBase]:
    """Entries with an arXiv id, optionally only those whose file is in ``only_paths``."""
    wanted = set(only_paths) if only_paths is not None else None
    return [
        entry
        for entry in catalog.entries
        if entry.paper and entry.paper.arxiv and (wanted is None or catalog.paths[entry.id] in wanted)
    ]


def _fold(text: str) -> str:
    """'Gérardin' -> 'gerardin': accents and case do not make a different person."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def surname(name: str) -> str:
    """Family name of an author as entries and arXiv write it ('Given Family' or 'Family, Given')."""
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split()
    return parts[-1] if parts else ""


def same_first_author(entry_author: str, record_author: str) -> bool:
    """The entry's first author's surname is a name part of arXiv's first author.

    Why name parts rather than the last word: some authors put the family name first
    ('Zhang Sheng'), and arXiv keeps what was submitted.
    """
    wanted = normalise(_fold(surname(entry_author)))
    parts = {normalise(_fold(part)) for part in record_author.replace(",", " ").split()}
    return bool(wanted) and (wanted in parts or wanted == normalise(_fold(record_author)))


def date_gap_days(entry_date: str, published: str) -> int:
    """Days between arXiv's first version and the entry's date (a month-only date spans its month)."""
    year, month, day = parse_date(entry_date)
    first_version = dt.date.fromisoformat(published)
    if day is not None:
        return abs((first_version - dt.date(year, month, day)).days)
    start = dt.date(year, month, 1)
    end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    if start <= first_version <= end:
        return 0
    return (start - first_version).days if first_version < start else (first_version - end).days


def compare_entry(entry: EntryBase, record: ArxivRecord | None, path: str) -> list[Problem]:
    """Problems with one entry given arXiv's record of its paper (None: arXiv has no such id)."""
    paper = entry.paper
    assert paper is not None and paper.arxiv
    if record is None:
        return [
            Problem(path, ("paper", "arxiv"), ERROR, "arxiv-not-found", f"arXiv has no paper {paper.arxiv}; check the id")
        ]
    problems = []
    score = fuzz.ratio(normalise(paper.title), normalise(record.title))
    if score < TITLE_MATCH:
        problems.append(
            Problem(
                path,
                ("paper", "arxiv"),
                ERROR,
                "arxiv-title-mismatch",
                f"arXiv {paper.arxiv} is '{record.title}' (title similarity {score:.0f}%), "
                f"not '{paper.title}'; check the id or the title",
            )
        )
        # A different paper: the author and date comparisons would only repeat this.
        return problems
    if record.authors and not same_first_author(paper.authors[0], record.authors[0]):
        problems.append(
            Problem(
                path,
                ("paper", "authors", 0),
                WARNING,
                "arxiv-author-mismatch",
                f"the first author on arXiv {paper.arxiv} is '{record.authors[0]}', not '{paper.authors[0]}'",
            )
        )
    gap = date_gap_days(entry.date, record.published)
    if gap > DATE_SLACK_DAYS:
        problems.append(
            Problem(
                path,
                ("date",),
                WARNING,
                "arxiv-date-mismatch",
                f"date {entry.date} is {gap} days from the first arXiv version ({record.published}); "
                "use the first public release",
            )
        )
    return problems


def verify_entries(
    catalog: Catalog,
    entries: Iterable[EntryBase],
    records: Mapping[str, ArxivRecord | None],
    failed: Mapping[str, str] | None = None,
) -> list[Diagnostic]:
    """Diagnostics for ``entries`` against ``records`` (keyed by arXiv id), positioned in their files.

    Ids in ``failed`` (arXiv could not be asked) become warnings: unchecked, not wrong.
    """
    failed = failed or {}
    problems: list[Problem] = []
    for entry in entries:
        path = catalog.paths[entry.id]
        arxiv_id = entry.paper.arxiv  # type: ignore[union-attr]
        if arxiv_id in failed:
            problems.append(
                Problem(path, ("paper", "arxiv"), WARNING, "arxiv-unchecked", f"arXiv {arxiv_id} was not checked: {failed[arxiv_id]}")
            )
        elif arxiv_id in records:
            problems.extend(compare_entry(entry, records[arxiv_id], path))
    texts = {}
    for path in {p.path for p in problems}:
        try:
            texts[path] = (catalog.root / path).read_text(encoding="utf-8")
        except OSError:
            texts[path] = ""
    return locate_problems(problems, texts)
