"""BibTeX for the catalogue's papers: ``references.bib`` and the record on each entry page.

One writer makes both (:func:`bibtex_text` for one entry, :func:`render_bibtex` for all), so
a record copied from an entry page is exactly the one in ``references.bib``. The file is
ASCII LaTeX (:mod:`medlm_survey.latex`) and is checked by compiling it with classic
``bibtex`` + ``pdflatex`` (natbib) and with biber + biblatex.

What each field holds:

- ``title``: the title escaped, ``$...$`` maths kept as maths, and every word with a capital
  letter braced (``{LLaVA-Med:}``, ``{Llama}``, ``{2D\\&3D}``) except a plain capitalised first
  word. Why: styles such as plainnat lower-case titles, and a title in the catalogue is
  written as published, so its capitals are either proper nouns or the publisher's casing;
  reference managers (Better BibTeX) protect the same words.
- ``author``: ``Last, First`` as pybtex writes it. Authors written "Last, First" in the entry
  (``Di Martino, Adriana``) keep their multi-word surname; a team (``{corporate: ...}``) or a
  one-word name is braced so it is never split; a list that is not complete
  (``authors_complete: false``) ends in ``and others``.
- ``doi``, ``url``, ``eprint``: never LaTeX-escaped. Styles print them with ``\\url``/``\\doi``
  (url.sty, hyperref), and biblatex reads them verbatim; ``\\_`` would be a different DOI.
"""

from __future__ import annotations

import functools
import re

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer as _BibtexWriter

from medlm_survey import latex
from medlm_survey.catalog import Catalog
from medlm_survey.schema import CorporateAuthor, EntryBase

_CONFERENCE = re.compile(
    r"\b(?:conference|proceedings|symposium|workshop|track|neurips|nips|icml|iclr|cvpr|iccv|eccv|"
    r"miccai|acl|emnlp|naacl|coling|aaai|ijcai|kdd|mlhc|chil|midl|isbi|wacv|findings)\b",
    re.IGNORECASE,
)
#: Characters an identifier may hold that BibTeX or LaTeX cannot take raw; percent-encoded
#: (the same address) instead of LaTeX-escaped (a different one).
_UNSAFE_IN_IDENTIFIER = re.compile(r"[{}\\\s]")


def title_field(title: str) -> str:
    """A paper title as a BibTeX ``title``: escaped, maths kept, capitals protected."""
    spans = latex.maths_spans(title)
    words: list[list[tuple[bool, str]]] = [[]]  # words as (is maths, raw text) parts
    position = 0
    for start, end in [*spans, (len(title), len(title))]:
        for piece in re.split(r"(\s+)", title[position:start]):
            if piece.isspace():
                words.append([])
            elif piece:
                words[-1].append((False, piece))
        if start < end:
            words[-1].append((True, title[start:end]))
        position = end
    out = []
    for index, parts in enumerate(w for w in words if w):
        text = "".join(raw for is_maths, raw in parts if not is_maths)
        body = "".join(
            "{" + latex.escape_maths(raw) + "}" if is_maths else latex.escape(raw)
            for is_maths, raw in parts
        )
        # BibTeX never lower-cases the first character of a title, so a first word that is
        # only capitalised ("The") needs no braces; any other capital does.
        initial_only = index == 0 and not parts[0][0] and _capitalised(text)
        out.append(
            "{" + body + "}" if any(c.isupper() for c in text) and not initial_only else body
        )
    return " ".join(out)


def _capitalised(word: str) -> bool:
    """'The' or 'Gemini:' (an ASCII capital, then no capitals), not 'LLaVA' or 'Über'."""
    return "A" <= word[0] <= "Z" and not any(c.isupper() for c in word[1:])


def person(author: str | CorporateAuthor) -> Person:
    """One author as a pybtex Person (``Di Martino, Adriana`` keeps its two-word surname)."""
    if isinstance(author, CorporateAuthor):
        return Person("{" + latex.escape(author.corporate) + "}")
    if " " not in author and "," not in author:
        return Person("{" + latex.escape(author) + "}")  # a mononym
    return Person(latex.escape(author))


def identifier(value: str) -> str:
    """A DOI or URL as a BibTeX field: raw, with braces, backslashes and spaces percent-encoded."""
    return _UNSAFE_IN_IDENTIFIER.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), value)


def citation_key(entry: EntryBase) -> str:
    """The entry id: unique in the catalogue and never changed, so citations stay valid."""
    return entry.id


def bibtex_entry(entry: EntryBase) -> Entry | None:
    """The pybtex record of an entry's paper, or None when it names no paper."""
    paper = entry.paper
    if paper is None:
        return None
    fields = {"title": title_field(paper.title), "year": str(paper.year or entry.year)}
    venue = paper.venue if paper.venue and paper.venue.lower() != "arxiv" else None
    if venue and _CONFERENCE.search(venue):
        kind, fields["booktitle"] = "inproceedings", latex.escape(venue)
    elif venue:
        kind, fields["journal"] = "article", latex.escape(venue)
    else:
        kind = "misc"
    if paper.arxiv:
        fields.update(eprint=paper.arxiv, archiveprefix="arXiv")
    if paper.doi:
        fields["doi"] = identifier(paper.doi)
    url = paper.url or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else None)
    if url:
        fields["url"] = identifier(url)
    authors = [person(author) for author in paper.authors]
    if not paper.authors_complete:
        authors.append(Person("others"))
    return Entry(kind, fields=fields, persons={"author": authors})


class _LatexWriter(_BibtexWriter):
    """pybtex's BibTeX writer for fields that are LaTeX already (see :mod:`medlm_survey.latex`).

    Why: pybtex 0.26 passes fields through latexcodec, which would escape our escapes
    again (and the identifiers too), while 0.24 and 0.25 write them as given; escaping here
    gives the same file on every supported version.
    """

    def _encode(self, text: str) -> str:
        return text


@functools.cache
def _writer() -> _LatexWriter:
    # One writer for everything: pybtex looks its plugins up through entry points on every
    # to_string() of a fresh writer, which costs milliseconds per entry.
    return _LatexWriter()


def bibtex_text(entry: EntryBase) -> str:
    """One entry's BibTeX record as text ('' when it names no paper), as in references.bib."""
    record = bibtex_entry(entry)
    if record is None:
        return ""
    return _writer().to_string(BibliographyData(entries={citation_key(entry): record})).strip()


def render_bibtex(catalog: Catalog) -> str:
    """``references.bib``: one record per entry with a paper, keyed by entry id."""
    records = {}
    for entry in catalog.entries:
        record = bibtex_entry(entry)
        if record is not None:
            records[citation_key(entry)] = record
    if not records:
        return ""
    return _writer().to_string(BibliographyData(entries=records))
