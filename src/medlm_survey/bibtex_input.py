"""Read a BibTeX file into paper records: for ``coverage --against refs.bib`` and ``new --bibtex``.

pybtex parses the file and splits the names by BibTeX's rules ("Last, First", "First von
Last", "{Corporate Team}" kept whole); pylatexenc turns the LaTeX in titles and names into
text (``M{\\"u}ller`` -> ``Müller``), keeping ``$...$`` maths in titles as written, as the
schema asks. Broken records are reported, not raised: a reference list from elsewhere is
read as far as it can be.

Each record becomes a :class:`~medlm_survey.papers.PaperRecord` with authors in the entry
format (version 2): ``"First Last"``, ``"Last, First"`` when the surname has several words,
``{corporate: Name}`` for a braced team name; a list ending in ``and others`` is not complete.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import pybtex.errors
from pybtex.database import Person
from pybtex.database.input.bibtex import Parser
from pybtex.exceptions import PybtexError
from pylatexenc.latex2text import LatexNodes2Text

from medlm_survey import identifiers, paper_links
from medlm_survey.papers import Author, PaperRecord, normalise_date, person
from medlm_survey.schema import CorporateAuthor

#: Venues that are preprint servers, not peer review: the draft leaves `venue` out.
_PREPRINT_VENUE = re.compile(r"\b(?:arxiv|biorxiv|medrxiv|preprint|corr|ssrn|research square|techrxiv)\b", re.I)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_RECORD_START = re.compile(r"^[ \t]*@[ \t]*(\w+)[ \t]*[{(][ \t]*([^,\s]+)[ \t]*,", re.MULTILINE)
_BIBLATEX_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
#: Fields where a record may name an arXiv id or DOI besides eprint and doi.
_LINK_FIELDS = ("url", "pdf", "journal", "note", "howpublished", "eprint", "arxiv", "archiveprefix")


@dataclass(frozen=True)
class BibRecord:
    """One record of a BibTeX file.

    Attributes:
        key: the citation key.
        line: 1-based line of its ``@type{key,`` in the file (0 when not found).
        entry_type: ``article``, ``inproceedings``, ``misc`` ...
        paper: what the record says, as a draft needs it.
    """

    key: str
    line: int
    entry_type: str
    paper: PaperRecord


@dataclass
class BibFile:
    """The records of a file that could be read, and a message per problem (with line)."""

    records: list[BibRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def get(self, key: str) -> BibRecord | None:
        return next((record for record in self.records if record.key == key), None)


@functools.cache
def _decoder(maths: bool) -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="verbatim" if maths else "text")


def latex_text(value: str, *, keep_maths: bool = False) -> str:
    """LaTeX -> plain text, one line: ``{LLaVA-Med}: {\\"U}ber`` -> ``LLaVA-Med: Über``.

    Args:
        keep_maths: keep ``$...$`` spans as written (titles), rather than as their text.
    """
    return " ".join(_decoder(keep_maths).latex_to_text(value).split())


def _is_braced_whole(text: str) -> bool:
    """'{Gemini Team}' (one brace group around everything), not '{\\"O}zt{\\"u}rk'."""
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def author(name: Person) -> Author | None:
    """A pybtex Person in the entry format; None for BibTeX's ``others``."""
    parts = [*name.first_names, *name.middle_names, *name.prelast_names, *name.last_names, *name.lineage_names]
    if parts == ["others"]:
        return None
    last = " ".join(name.last_names)
    if not (name.first_names or name.middle_names or name.prelast_names or name.lineage_names) and _is_braced_whole(last):
        return CorporateAuthor(corporate=latex_text(last))
    given = latex_text(" ".join([*name.first_names, *name.middle_names]))
    family = latex_text(" ".join([*name.prelast_names, *name.last_names]))
    return person(given, family, latex_text(" ".join(name.lineage_names)))


def _month(value: str | None) -> int | None:
    if not value:
        return None
    value = value.strip().lower().rstrip(".")
    if value.isdigit():
        return int(value)
    return _MONTHS.get(value)


def _arxiv_of(fields: dict[str, str]) -> str | None:
    eprint = fields.get("eprint", "").strip()
    kind = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    if eprint and kind in ("arxiv", ""):
        bare = re.sub(r"^arxiv:\s*", "", eprint, flags=re.I)
        bare = re.sub(r"v\d+$", "", bare)
        if identifiers.is_arxiv(bare):
            return bare
    doi = fields.get("doi", "")
    if doi and (found := paper_links.arxiv_in_doi(paper_links.clean_doi(doi) or "")):
        return found
    for name in _LINK_FIELDS:
        if found := paper_links.arxiv_in(fields.get(name, "")):
            return found
    return None


def _doi_of(fields: dict[str, str]) -> str | None:
    raw = fields.get("doi", "").strip()
    if raw:
        doi = paper_links.clean_doi(raw)
        if doi and not paper_links.arxiv_in_doi(doi):
            return doi
    for name in ("url", "note", "howpublished"):
        if found := paper_links.doi_in(fields.get(name, "")):
            return found
    return None


def _date_and_year(fields: dict[str, str], arxiv_id: str | None) -> tuple[str | None, str, int | None]:
    """The draft's date and its comment, and paper.year."""
    year = None
    match = _BIBLATEX_DATE.match(fields.get("date", "").strip())
    year_text = fields.get("year", "").strip()
    if year_text[:4].isdigit():
        year = int(year_text[:4])
    elif match:
        year = int(match[1])
    if arxiv_id and (month := identifiers.arxiv_month(arxiv_id)):
        return month, "month of the first arXiv version (from the id); add the day from the abstract page", year
    if match and match[2]:
        date = normalise_date(int(match[1]), int(match[2]), int(match[3]) if match[3] else None)
    else:
        date = normalise_date(year, _month(fields.get("month")))
    if date:
        return date, "publication date from the BibTeX record; use the first public release if it was earlier", year
    return None, "", year


def _venue(fields: dict[str, str]) -> str | None:
    raw = fields.get("journal") or fields.get("booktitle") or fields.get("journaltitle") or ""
    venue = latex_text(raw)
    if not venue or _PREPRINT_VENUE.search(venue):
        return None
    return venue


def paper_of(key: str, fields: dict[str, str], persons: list[Person], source: str) -> PaperRecord:
    """What one record says, as a :class:`PaperRecord` (``fields`` with lower-case names)."""
    authors: list[Author] = []
    complete = True
    for name in persons:
        converted = author(name)
        if converted is None:
            complete = False
        else:
            authors.append(converted)
    arxiv_id = _arxiv_of(fields)
    date, date_note, year = _date_and_year(fields, arxiv_id)
    url = fields.get("url", "").strip()
    return PaperRecord(
        source=source,
        title=latex_text(fields.get("title", ""), keep_maths=True),
        authors=tuple(authors),
        authors_complete=complete and bool(authors),
        authors_note=(
            "the record names every author (no 'and others'); check against the paper"
            if complete
            else "the record ends in 'and others'; add the rest from the paper"
        ),
        date=date,
        date_note=date_note,
        year=year,
        venue=_venue(fields),
        venue_note="from the BibTeX record; leave it out for a preprint",
        arxiv_id=arxiv_id,
        doi=_doi_of(fields),
        url=url if url.startswith("https://") and not (arxiv_id or paper_links.doi_in(url)) else None,
    )


def read_bibtex(text: str, name: str = "BibTeX file") -> BibFile:
    """Every record of a BibTeX file that pybtex can read, with the problems it met.

    Args:
        text: the file's content.
        name: how messages name the file ('refs.bib').
    """
    result = BibFile()
    lines = {match[2]: text.count("\n", 0, match.start()) + 1 for match in _RECORD_START.finditer(text)}
    with pybtex.errors.capture() as captured:
        try:
            data = Parser().parse_string(text)
        except PybtexError as exc:  # an error pybtex does not report through its error hook
            result.problems.append(f"{name}: {exc}")
            return result
    for problem in captured:
        result.problems.append(f"{name}: {problem}")
    for key, entry in data.entries.items():
        fields = {field_name.lower(): str(value) for field_name, value in entry.fields.items()}
        persons = list(entry.persons.get("author", ()))
        line = lines.get(key, 0)
        paper = paper_of(key, fields, persons, f"BibTeX record {key} of {name}")
        if not (paper.title or paper.arxiv_id or paper.doi):
            result.problems.append(f"{name}:{line}: record {key} has no title, arXiv id or DOI; skipped")
            continue
        result.records.append(BibRecord(key, line, entry.type.lower(), paper))
    return result
