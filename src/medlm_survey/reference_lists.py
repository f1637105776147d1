"""Read lists of papers from elsewhere: BibTeX files, Markdown lists, plain lists of ids.

``medlm-survey coverage`` compares such a list with the catalogue
(:mod:`medlm_survey.coverage`); this module only reads. Each format gives a list of
:class:`Reference` (title candidates, arXiv id, DOI, where it stands in the file) and the
problems met on the way; nothing here raises on bad input.

Formats:

- ``bibtex``: one reference per record (:mod:`medlm_survey.bibtex_input`).
- ``markdown``: the README of a curated list ("awesome" lists). One reference per line that
  links a paper (arXiv, DOI, or a publisher address that holds a DOI; see
  :mod:`medlm_survey.paper_links`), or that reads like a paper title with a link labelled
  ``paper``/``pdf`` or a title as link text. The title is the line's text without the list
  markup, venue tags (``[arXiv]``, ``[**NeurIPS, 2023**]``), generic link labels
  (``[[Code]]``) and a trailing year. Code blocks, headings and the table of contents are
  skipped; a paper listed twice is one reference.
- ``plain``: one arXiv id or DOI a line (URLs and ``arXiv:``/``doi:`` prefixes accepted);
  ``#`` starts a comment; any other line is taken as a title.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from medlm_survey import identifiers, paper_links
from medlm_survey.bibtex_input import BibFile, read_bibtex

FORMATS = ("bibtex", "markdown", "plain")
_EXTENSIONS = {".bib": "bibtex", ".bibtex": "bibtex", ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown"}

#: ``[text](url)``, the text allowed one level of nested brackets (``[[Paper]](url)``,
#: badges ``[![alt](img)](url)``) and the address one level of parentheses.
_MD_LINK = re.compile(
    r"(?P<image>!?)\[(?P<text>(?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*)\]"
    r"\(\s*<?(?P<url>[^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_HTML_LINK = re.compile(r"<a\s[^>]*?href\s*=\s*[\"'](?P<url>[^\"']+)[\"'][^>]*>(?P<text>.*?)</a\s*>", re.I | re.S)
_HTML_TAG = re.compile(r"<[^>]+>")
_BARE_URL = re.compile(r"https?://[^\s<>()\[\]\"'|]+")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
#: Tags before a title: "[arXiv]", "[**NeurIPS, 2023**]", "[NEWS.20241115]", "[2024-07-10]".
_LEADING_TAG = re.compile(r"^\s*(?:\[[^\[\]]{1,60}\]\s*[:\-–]?\s*)+")
_TRAILING_YEAR = re.compile(r"[\s,.(]*(?:19|20)\d{2}(?:\.\d{1,2})?\)?[\s.,;:]*$")
#: Remains of broken link markup ('[[paper]] [[code]] (https://...)' with a space in it).
_LEFTOVER_LABELS = re.compile(r"\[+\s*(?:paper|code|pdf|project|github|data|dataset|model)\s*\]+|\(\s*\)", re.I)
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_BOLD_PREFIX = re.compile(r"^\s*(?:\*\*|__)(?P<name>[^*_]{1,80}?)(?:\*\*|__)\s*[:：\-–]?\s*(?P<rest>.*)$")
#: Link texts that say what the link is, not which paper ("[[Paper]]", "[code]", "[*]").
GENERIC_LABELS = frozenset(
    "paper papers pdf arxiv doi code github repo repository project page homepage website site "
    "link links huggingface hf model models weights checkpoint checkpoints dataset datasets data "
    "database demo blog leaderboard platform video slides poster html abstract article "
    "publication preprint official online supplementary bibtex citation benchmark *".split()
)
#: Labels of links that lead to the paper itself.
PAPER_LABELS = frozenset("paper pdf arxiv doi article publication preprint html abstract".split())
#: Addresses of papers (publishers, proceedings, preprint servers, PDFs), as opposed to the
#: home pages, blogs and databases that lists also link with a title as text.
_PAPER_ADDRESS = re.compile(
    r"\.pdf\b|/abs/|/article|/paper|/content/|/doi/|/chapter/|/document/|/forum\?id=|/pmc/|"
    r"aclanthology\.org|openreview\.net|proceedings\.|pubmed|sciencedirect\.com|springer\.com|"
    r"ieeexplore|mdpi\.com|wiley\.com|jamanetwork|thelancet|nejm\.org|bmj\.com|frontiersin|"
    r"biorxiv|medrxiv|researchgate|semanticscholar|academic\.oup\.com|ojs\.aaai\.org",
    re.IGNORECASE,
)
#: A line without an identifier is a paper only when its title has this many words.
MIN_TITLE_WORDS = 4
#: Short names before a colon that are dataset or model names, not part of the title.
_MAX_PREFIX_WORDS = 4


@dataclass(frozen=True)
class Reference:
    """One paper a list names.

    Attributes:
        line: 1-based line in the file.
        title: the title as the list gives it ('' when it gives none).
        alt_titles: further readings of the title tried when matching (the title without a
            'Name:' prefix that a list puts before it).
        arxiv: bare arXiv id, when the list gives one.
        doi: bare DOI, when the list gives one.
        key: the BibTeX citation key (BibTeX files only).
        linked_title: the title is the text of the paper's own link (Markdown), which
            names the paper better than the words around a link do.
    """

    line: int
    title: str = ""
    alt_titles: tuple[str, ...] = ()
    arxiv: str | None = None
    doi: str | None = None
    key: str | None = None
    linked_title: bool = field(default=False, compare=False)

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(t for t in (self.title, *self.alt_titles) if t)

    @property
    def identifier(self) -> str | None:
        """'arXiv 2303.00915' or 'DOI 10.1038/...', for messages."""
        if self.arxiv:
            return f"arXiv {self.arxiv}"
        if self.doi:
            return f"DOI {self.doi}"
        return None

    @property
    def label(self) -> str:
        """How a report names the reference: key, title and identifier, as far as known."""
        parts = [f"{self.key}:" if self.key else "", self.title, f"[{self.identifier}]" if self.identifier else ""]
        return " ".join(p for p in parts if p) or f"line {self.line}"


@dataclass
class ReferenceList:
    """What a file gave: its format, its references, the problems met (one message each)."""

    input_format: str
    references: list[Reference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    bibtex: BibFile | None = None


# --- format detection ------------------------------------------------------------------

_BIB_RECORD = re.compile(r"^\s*@\s*(?!comment\b|string\b|preamble\b)\w+\s*[{(]\s*[^,\s]+\s*,", re.I | re.M)
_FENCED = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.M | re.S)
_MD_LINKS = re.compile(r"\]\((?:https?://|#)|<a\s", re.I)
_MD_BLOCKS = re.compile(r"^\s{0,3}#{1,6}\s|^\s*\|.*\|\s*$", re.M)


def detect_format(text: str, path: Path | None = None) -> str:
    """``bibtex``, ``markdown`` or ``plain``: by extension when it tells, else by content.

    Content: BibTeX records (more of them than Markdown links) make ``bibtex``; Markdown links
    make ``markdown``; lines that are mostly identifiers make ``plain`` (where ``#`` starts
    a comment, not a heading); headings or tables make ``markdown``; anything else is a
    ``plain`` list of titles.
    """
    if path is not None and path.suffix.lower() in _EXTENSIONS:
        return _EXTENSIONS[path.suffix.lower()]
    records, links = len(_BIB_RECORD.findall(_FENCED.sub("", text))), len(_MD_LINKS.findall(text))
    if records and records >= links:
        return "bibtex"
    if links:
        return "markdown"
    lines = [line for line in (_strip_comment(line) for line in text.splitlines()) if line]
    identified = sum(1 for line in lines if _plain_identifier(line) != (None, None))
    if lines and identified * 2 >= len(lines):
        return "plain"
    return "markdown" if _MD_BLOCKS.search(text) else "plain"


def read_references(path: Path, input_format: str | None = None) -> ReferenceList:
    """Read ``path`` in ``input_format`` (default: detected).

    Raises:
        OSError: the file cannot be read.
        UnicodeDecodeError: it is not UTF-8.
    """
    text = path.read_text(encoding="utf-8-sig")
    input_format = input_format or detect_format(text, path)
    return READERS[input_format](text, path.name)


# --- BibTeX ----------------------------------------------------------------------------

def references_from_bibtex(text: str, name: str = "BibTeX file") -> ReferenceList:
    bib = read_bibtex(text, name)
    return ReferenceList("bibtex", references_from_bibtex_file(bib), list(bib.problems), bib)


def references_from_bibtex_file(bib: BibFile) -> list[Reference]:
    """One reference per record that could be read."""
    return [
        Reference(
            line=record.line,
            title=record.paper.title,
            alt_titles=_alternatives(record.paper.title),
            arxiv=record.paper.arxiv_id,
            doi=record.paper.doi,
            key=record.key,
        )
        for record in bib.records
    ]


# --- Markdown --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Link:
    text: str
    url: str
    image: bool

    @property
    def label(self) -> str:
        """The link text as plain words ('[[Paper]]' -> 'paper'); '' for an image or badge."""
        if self.image or "![" in self.text:
            return ""
        return _plain(self.text)

    @property
    def generic(self) -> bool:
        words = self.label.lower().strip("[]() .:").split()
        return not words or (len(words) <= 3 and all(w.strip("[]().:") in GENERIC_LABELS for w in words))


def _plain(text: str) -> str:
    """Markdown/HTML inline text -> words: emphasis, tags, brackets and entities removed."""
    text = _HTML_TAG.sub(" ", text)
    text = _EMPHASIS.sub("", html.unescape(text))
    text = text.replace("[", " ").replace("]", " ")
    return " ".join(text.split())


def _links(line: str) -> list[_Link]:
    found = [_Link(m["text"], m["url"], bool(m["image"])) for m in _MD_LINK.finditer(line)]
    found += [_Link(m["text"], html.unescape(m["url"]), False) for m in _HTML_LINK.finditer(line)]
    rest = _HTML_LINK.sub(" ", _MD_LINK.sub(" ", line))
    found += [_Link("", m[0], False) for m in _BARE_URL.finditer(rest)]
    return found


def _title_text(line: str) -> tuple[str, str | None]:
    """A line's title and, when it starts with a bold name ('**OphGLM**: ...'), that name."""
    def replace(match: re.Match) -> str:
        link = _Link(match["text"], match["url"], bool(match["image"]))
        return " " if link.generic else f" {match['text']} "

    text = _MD_LINK.sub(replace, line)
    text = _HTML_LINK.sub(lambda m: f" {m['text']} ", text)
    text = _BARE_URL.sub(" ", text)
    text = _LIST_MARK.sub("", text)
    text = text.lstrip("> ")
    text = _HTML_TAG.sub(" ", text)
    text = html.unescape(text)
    text = " ".join(text.split())
    text = _LEADING_TAG.sub("", _unemphasise_tags(text))
    prefix = _BOLD_PREFIX.match(text)
    name = " ".join(prefix["name"].split()) if prefix and prefix["rest"] else None
    title = _EMPHASIS.sub("", text)
    title = _LEADING_TAG.sub("", title)
    title = _LEFTOVER_LABELS.sub(" ", title)
    title = _TRAILING_YEAR.sub("", title).strip(" .,;:-–|")
    return " ".join(title.split()), name


def _unemphasise_tags(text: str) -> str:
    """'[**Arxiv, 2023**] **OphGLM**' -> '[Arxiv, 2023] **OphGLM**' (emphasis inside tags only)."""
    return re.sub(r"\[([^\[\]]{1,80})\]", lambda m: "[" + _EMPHASIS.sub("", m[1]) + "]", text)


def _alternatives(title: str, name: str | None = None) -> tuple[str, ...]:
    """Readings of a title without a leading 'Name:' (lists prefix titles with the model's or
    the dataset's name: 'MedBook-18-CoT: Small Language Models Learn ...')."""
    alternatives = []
    if name and title.startswith(name):
        rest = title[len(name):].lstrip(" :：-–")
        if rest:
            alternatives.append(rest)
    head, sep, rest = title.partition(": ")
    if sep and len(head.split()) <= _MAX_PREFIX_WORDS and rest and rest not in alternatives:
        alternatives.append(rest)
    return tuple(alternatives)


def _table_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _references_in_line(number: int, line: str) -> list[Reference]:
    links = [link for link in _links(line) if not link.url.startswith(("#", "mailto:"))]
    if not links:
        return []
    papers: list[tuple[str | None, str | None, _Link]] = []
    for link in links:
        arxiv, doi = paper_links.identify(link.url)
        if arxiv or doi:
            papers.append((arxiv, doi, link))
    if not papers:
        arxiv, doi = paper_links.identify(_HTML_LINK.sub(" ", _MD_LINK.sub(" ", line)))
        if arxiv or doi:
            papers.append((arxiv, doi, _Link("", "", False)))
    titled = {(arxiv, doi) for arxiv, doi, link in papers if not link.generic}
    if len(titled) > 1:
        # Several papers on one line, each named by its own link text.
        references, seen = [], set()
        for arxiv, doi, link in papers:
            if (arxiv, doi) not in seen:
                seen.add((arxiv, doi))
                own = "" if link.generic else link.label
                references.append(Reference(number, own, _alternatives(own), arxiv, doi))
        return references
    title, name = _title_text(_title_source(line, papers))
    if papers:
        # One paper, perhaps linked twice (preprint and journal): its arXiv id and its DOI.
        arxiv = next((a for a, _, _ in papers if a), None)
        doi = next((d for _, d, _ in papers if d), None)
        label = next(
            (_title_text(link.text)[0] for _, _, link in papers if len(link.label.split()) >= MIN_TITLE_WORDS), ""
        )
        if label and not line.lstrip().startswith("|"):
            others = tuple(t for t in (title, *_alternatives(label)) if t and t != label)
            return [Reference(number, label, others, arxiv, doi, linked_title=True)]
        return [Reference(number, title, _alternatives(title, name), arxiv, doi)]
    paper_link = any(link.label.lower().strip("[]() ") in PAPER_LABELS for link in links)
    titled_link = any(len(link.label.split()) >= MIN_TITLE_WORDS and _PAPER_ADDRESS.search(link.url) for link in links)
    if len(title.split()) >= MIN_TITLE_WORDS and (paper_link or titled_link):
        return [Reference(number, title, _alternatives(title, name))]
    return []


def _title_source(line: str, papers: list) -> str:
    """The part of a line that holds the title: the whole line, or in a table row the cell
    with the paper's link (else the cell with the most text)."""
    if not line.lstrip().startswith("|"):
        return line
    cells = [cell for cell in _table_cells(line) if cell]
    for _, _, link in papers:
        for cell in cells:
            if link.url and link.url in cell:
                return cell
    return max(cells, key=lambda cell: len(_plain(_MD_LINK.sub(r"\g<text>", cell))), default="")


def references_from_markdown(text: str, name: str = "Markdown file") -> ReferenceList:
    """One reference per paper the list links or titles (see the module docstring)."""
    result = ReferenceList("markdown")
    in_code = False
    by_id: dict[tuple[str, str], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code or _HEADING.match(line) or _TABLE_RULE.match(line):
            continue
        for reference in _references_in_line(number, line):
            keys = [k for k in (("arxiv", reference.arxiv), ("doi", (reference.doi or "").lower()),
                                ("title", _title_key(reference.title))) if k[1]]  # fmt: skip
            seen = next((by_id[k] for k in keys if k in by_id), None)
            if seen is None:
                index = len(result.references)
                result.references.append(reference)
            else:
                index = seen
                result.references[index] = _merge(result.references[index], reference)
            for k in keys:
                by_id.setdefault(k, index)
    return result


def _title_key(title: str) -> str:
    words = re.sub(r"[\W_]+", " ", title.casefold()).split()
    return " ".join(words) if len(words) >= MIN_TITLE_WORDS else ""


def _merge(first: Reference, again: Reference) -> Reference:
    """The first mention of a paper, completed from a later one: a title that is the paper's
    link text leads (a news line's words say less), else the longer; every reading is tried."""
    lead = max((first, again), key=lambda r: (bool(r.title), r.linked_title, len(r.title.split())))
    readings = [t for t in (*first.titles, *again.titles) if t != lead.title]
    return Reference(
        first.line, lead.title, tuple(dict.fromkeys(readings)), first.arxiv or again.arxiv,
        first.doi or again.doi, first.key, lead.linked_title,
    )


# --- plain lists -----------------------------------------------------------------------

_LOOKS_LIKE_ID = re.compile(r"^(?:arxiv:|doi:|https?://|\d{4}\.\d|10\.\d)", re.I)


def _strip_comment(line: str) -> str:
    return line.split(" #", 1)[0].strip() if not line.lstrip().startswith("#") else ""


def _plain_identifier(line: str) -> tuple[str | None, str | None]:
    arxiv, doi = paper_links.identify(line)
    if arxiv is None and doi is None:
        bare = re.sub(r"v\d+$", "", line.strip())
        if identifiers.is_arxiv(bare):
            arxiv = bare
        else:
            doi = paper_links.clean_doi(line) if line.strip().startswith("10.") else None
    return arxiv, doi


def references_from_plain(text: str, name: str = "list") -> ReferenceList:
    """One reference per line: an arXiv id or DOI, or else a title."""
    result = ReferenceList("plain")
    seen: set[tuple[str | None, str | None]] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw)
        if not line:
            continue
        arxiv, doi = _plain_identifier(line)
        if arxiv or doi:
            if (arxiv, doi) not in seen:
                seen.add((arxiv, doi))
                result.references.append(Reference(number, arxiv=arxiv, doi=doi))
        elif _LOOKS_LIKE_ID.match(line):
            result.problems.append(f"{name}:{number}: '{line}' is neither an arXiv id nor a DOI; skipped")
        else:
            result.references.append(Reference(number, title=line, alt_titles=_alternatives(line)))
    return result


READERS = {
    "bibtex": references_from_bibtex,
    "markdown": references_from_markdown,
    "plain": references_from_plain,
}
