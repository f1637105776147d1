"""How much of a reference list the catalogue covers: ``medlm-survey coverage --against FILE``.

Each reference (:mod:`medlm_survey.reference_lists`) is matched to the catalogue's entries:

1. by identifier: its arXiv id or DOI (DOIs compared case-insensitively, arXiv's own DOIs
   ``10.48550/arXiv.ID`` as arXiv ids) equals an entry's ``paper.arxiv`` / ``paper.doi``;
2. else by title: the rapidfuzz ratio (0-100) of the normalised title (letters and digits,
   case-folded, as the near-duplicate check compares them) against every entry's paper title.

A reference is ``covered`` when an identifier matches or the best title score reaches
:data:`COVERED_SCORE`, ``uncertain`` when it lies in [:data:`UNCERTAIN_SCORE`,
:data:`COVERED_SCORE`) (a person should look), else ``missing``. Coverage is of papers: a
paper that introduced several entries (a model and its dataset) matches all of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from medlm_survey import identifiers, paper_links
from medlm_survey.checks import normalise
from medlm_survey.reference_lists import Reference
from medlm_survey.schema import EntryBase

COVERED, UNCERTAIN, MISSING = "covered", "uncertain", "missing"
STATUSES = (COVERED, UNCERTAIN, MISSING)
#: Title score from which a reference counts as covered: titles that differ by case,
#: punctuation or a word's spelling ('Pubmedqa' / 'PubMedQA', 'vision-language' / 'vision–language').
COVERED_SCORE = 90.0
#: Title score from which a reference is worth a look: a shortened title, a subtitle
#: changed between preprint and journal version, or a different paper on the same subject.
UNCERTAIN_SCORE = 75.0


@dataclass(frozen=True)
class Match:
    """One reference and what the catalogue has for it.

    Attributes:
        reference: the reference as the list gives it.
        status: covered, uncertain or missing.
        via: 'arxiv', 'doi' or 'title' (how the entries were found); '' when nothing was
            compared (no title, no entries).
        entries: ids of the matching entries; for a title, the entries with the best score
            (for a missing reference, the nearest, for reference only).
        score: the best title score, rounded to a whole number, None for an identifier match.
    """

    reference: Reference
    status: str
    via: str
    entries: tuple[str, ...]
    score: int | None

    @property
    def entry(self) -> str | None:
        return self.entries[0] if self.entries else None


@dataclass(frozen=True)
class CoverageReport:
    """Every reference's match, in the list's order."""

    matches: tuple[Match, ...]

    def count(self, status: str) -> int:
        return sum(1 for match in self.matches if match.status == status)

    @property
    def total(self) -> int:
        return len(self.matches)

    @property
    def percent_covered(self) -> float:
        """Covered references as a percentage of all, rounded to 0.1 (0 for an empty list)."""
        return round(100 * self.count(COVERED) / self.total, 1) if self.total else 0.0

    def only(self, status: str) -> list[Match]:
        """The matches of one status, or all for 'all'."""
        return [m for m in self.matches if status == "all" or m.status == status]


class CatalogIndex:
    """The catalogue's papers, indexed by arXiv id, DOI and normalised title."""

    def __init__(self, entries: Iterable[EntryBase]) -> None:
        self.by_arxiv: dict[str, list[str]] = defaultdict(list)
        self.by_doi: dict[str, list[str]] = defaultdict(list)
        self.titles: list[str] = []
        self.title_ids: list[list[str]] = []
        positions: dict[str, int] = {}
        for entry in entries:
            paper = entry.paper
            if paper is None:
                continue
            if paper.arxiv:
                self.by_arxiv[paper.arxiv].append(entry.id)
            if paper.doi:
                arxiv = paper_links.arxiv_in_doi(paper.doi)
                if arxiv:
                    self.by_arxiv[arxiv].append(entry.id)
                else:
                    self.by_doi[identifiers.doi_key(paper.doi)].append(entry.id)
            key = normalise(paper.title)
            if not key:
                continue
            if key not in positions:
                positions[key] = len(self.titles)
                self.titles.append(key)
                self.title_ids.append([])
            self.title_ids[positions[key]].append(entry.id)

    def by_identifier(self, reference: Reference) -> tuple[str, tuple[str, ...]] | None:
        if reference.arxiv and reference.arxiv in self.by_arxiv:
            return "arxiv", tuple(self.by_arxiv[reference.arxiv])
        if reference.doi and (found := self.by_doi.get(identifiers.doi_key(reference.doi))):
            return "doi", tuple(found)
        return None

    def by_title(self, titles: Iterable[str]) -> tuple[float, tuple[str, ...]] | None:
        """The best ratio of any of ``titles`` against the catalogue's, with its entries."""
        best: tuple[float, tuple[str, ...]] | None = None
        for title in titles:
            key = normalise(title)
            if not key or not self.titles:
                continue
            found = process.extractOne(key, self.titles, scorer=fuzz.ratio, processor=None)
            if found and (best is None or found[1] > best[0]):
                best = (found[1], tuple(self.title_ids[found[2]]))
        return best


def match_reference(index: CatalogIndex, reference: Reference) -> Match:
    """What the catalogue has for one reference (see the module docstring)."""
    found = index.by_identifier(reference)
    if found is not None:
        via, entries = found
        return Match(reference, COVERED, via, entries, None)
    best = index.by_title(reference.titles)
    if best is None:
        return Match(reference, MISSING, "", (), None)
    score, entries = round(best[0]), best[1]
    if score >= COVERED_SCORE:
        status = COVERED
    elif score >= UNCERTAIN_SCORE:
        status = UNCERTAIN
    else:
        status = MISSING
    return Match(reference, status, "title", entries, score)


def measure_coverage(entries: Iterable[EntryBase], references: Iterable[Reference]) -> CoverageReport:
    """Match every reference against the entries' papers."""
    index = CatalogIndex(entries)
    return CoverageReport(tuple(match_reference(index, reference) for reference in references))
