"""What a source says about a paper, in the catalogue's terms, for drafting an entry.

arXiv (:mod:`medlm_survey.arxiv_client`), Crossref (:mod:`medlm_survey.crossref_client`) and
BibTeX files (:mod:`medlm_survey.bibtex_input`) each give a :class:`PaperRecord`;
:func:`medlm_survey.drafts.render_draft` writes any of them as a draft entry. Authors are
already in the entry format (version 2): ``"First Last"``, ``"Last, First"`` when the surname
has several words, and a team as :class:`~medlm_survey.schema.CorporateAuthor`.
"""

from __future__ import annotations

from dataclasses import dataclass

from medlm_survey.arxiv_client import ArxivRecord
from medlm_survey.schema import CorporateAuthor, parse_date

Author = str | CorporateAuthor


@dataclass(frozen=True)
class PaperRecord:
    """One paper as a draft needs it.

    Attributes:
        source: where the facts come from, for the draft's header and the command's
            messages ('arXiv 2303.00915', 'BibTeX record zhang2023 of refs.bib').
        title: title as published ('' when the source gives none).
        authors: authors in paper order, in the entry format.
        authors_complete: the source lists every author.
        authors_note: the comment after ``authors_complete`` in the draft.
        date: first public release, ``YYYY-MM-DD`` or ``YYYY-MM``, when the source gives one.
        date_note: the comment after ``date`` in the draft (where the date comes from).
        year: year of publication at the venue.
        venue: journal or conference, when peer-reviewed.
        venue_note: the comment after ``venue``.
        arxiv_id, doi, url: identifiers in the catalogue's form.
    """

    source: str
    title: str
    authors: tuple[Author, ...] = ()
    authors_complete: bool = False
    authors_note: str = ""
    date: str | None = None
    date_note: str = ""
    year: int | None = None
    venue: str | None = None
    venue_note: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None

    @classmethod
    def from_arxiv(cls, record: ArxivRecord) -> PaperRecord:
        return cls(
            source=f"arXiv {record.arxiv_id}",
            title=record.title,
            authors=record.authors,
            authors_complete=True,
            authors_note="arXiv lists every author; write a team as {corporate: Name}",
            date=record.published,
            date_note="first arXiv version; use an earlier public release if there was one",
            venue=record.journal_ref,
            venue_note="arXiv's journal reference; shorten it to the venue",
            arxiv_id=record.arxiv_id,
            doi=record.doi,
        )

    @property
    def first_surname(self) -> str | None:
        """The first author's surname (a team's first word), for suggesting an id."""
        if not self.authors:
            return None
        first = self.authors[0]
        if isinstance(first, CorporateAuthor):
            return first.corporate.split()[0]
        if "," in first:
            return first.partition(",")[0].strip()
        return first.split()[-1]


def person(given: str, family: str, suffix: str = "") -> str:
    """A person in the entry format: 'First Last', or 'Last, First' for a surname of
    several words ('Di Martino, Adriana', 'van der Berg, Jan'); a suffix (Jr.) goes last.

    Why the comma form: a reader (and BibTeX) cannot tell where 'Adriana Di Martino' splits
    into given name and surname; 'Di Martino, Adriana' says it.
    """
    given, family, suffix = (" ".join(part.split()) for part in (given, family, suffix))
    if not family:
        return " ".join(p for p in (given, suffix) if p)
    family = f"{family} {suffix}" if suffix else family
    if not given:
        return family
    if len(family.split()) > 1:
        return f"{family}, {given}"
    return f"{given} {family}"


def normalise_date(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """(2023, 5, None) -> '2023-05'; None without a real month (the schema wants one); an
    impossible day is dropped."""
    if year is None or month is None:
        return None
    for candidate in (f"{year:04d}-{month:02d}-{day:02d}" if day else None, f"{year:04d}-{month:02d}"):
        if candidate is None:
            continue
        try:
            parse_date(candidate)
        except ValueError:
            continue
        return candidate
    return None
