"""Exports of the catalogue: JSON, CSV, BibTeX, an Atom feed and a static JSON API.

Every output is deterministic (no timestamps beyond the entries' own dates), so a rebuild
of an unchanged catalogue changes no file. The site build calls :func:`write_downloads`;
``medlm-survey export`` calls the single renderers in :data:`FORMATS`.

Static API (paths relative to the downloads folder, ``downloads/`` of the site)::

    entries.json               {"schema_version", "count", "entries": [entry, ...]}
    api/index.json             {"schema_version", "count", "entries": [{"id", "kind", "name", "date", "url"}]}
    api/entries/<id>.json      one entry, exactly as in entries.json (valid against
                               schema/entry.schema.json)
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.output.bibtex import Writer as _BibtexWriter

from medlm_survey.catalog import Catalog
from medlm_survey.schema import SCHEMA_VERSION, EntryBase

#: The published site (``site_url`` of mkdocs.yml; a test keeps the two equal).
SITE_URL = "https://medlm-survey.github.io/medlm-survey/"
#: Where the site build puts the downloads, relative to the site root.
DOWNLOADS_DIR = "downloads/"
#: Where an entry's page lives on the site, relative to the site root (render.entry_path).
ENTRY_PAGE = "{kind}/{id}/"
FEED_SIZE = 50
ATOM = "http://www.w3.org/2005/Atom"

CSV_COLUMNS = (
    "id", "kind", "name", "aliases", "scope", "categories", "date", "organizations",
    "paper_title", "paper_authors", "paper_venue", "paper_year", "arxiv", "doi", "paper_url",
    "code", "weights", "data", "homepage", "demo", "license", "access", "modalities", "tasks",
    "specialties", "languages", "tags", "parameters", "architecture", "base_models",
    "trained_on", "size", "built_from", "metrics", "subsets", "covers", "same_paper_as",
    "results", "summary",
)  # fmt: skip
#: Separator inside one CSV cell; names and titles contain commas, never "; " lists.
LIST_SEPARATOR = "; "


# --- JSON and the static API -----------------------------------------------------------

def entry_document(entry: EntryBase) -> dict:
    """One entry as plain JSON data, valid against ``schema/entry.schema.json``."""
    return entry.model_dump(mode="json", exclude_none=True)


def catalog_document(catalog: Catalog) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "count": len(catalog.entries),
        "entries": [entry_document(entry) for entry in catalog.entries],
    }


def _json(document: object) -> str:
    # Compact: these files are for programs, and without indent json uses its C encoder,
    # which matters with thousands of per-entry documents.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def render_json(catalog: Catalog) -> str:
    """``entries.json``: every entry, with the schema version."""
    return _json(catalog_document(catalog))


def api_path(entry_id: str) -> str:
    """Stable path of an entry's JSON document, relative to the site root."""
    return f"api/entries/{entry_id}.json"


def render_api(catalog: Catalog, base_url: str = SITE_URL + DOWNLOADS_DIR) -> dict[str, str]:
    """The static API: ``api/index.json`` and ``api/entries/<id>.json`` (path -> text).

    Args:
        base_url: the published URL of the downloads folder (for the URLs in the index).
    """
    files = {api_path(entry.id): _json(entry_document(entry)) for entry in catalog.entries}
    index = {
        "schema_version": SCHEMA_VERSION,
        "count": len(catalog.entries),
        "entries": [
            {"id": e.id, "kind": e.kind, "name": e.name, "date": e.date, "url": base_url + api_path(e.id)}
            for e in catalog.entries
        ],
    }
    return {"api/index.json": _json(index), **files}


def write_api(catalog: Catalog, target_dir: Path, base_url: str = SITE_URL + DOWNLOADS_DIR) -> list[Path]:
    """Write :func:`render_api` into ``target_dir``; stale entry documents are removed."""
    written = _write_files(target_dir, render_api(catalog, base_url))
    keep = set(written)
    for old in (target_dir / "api" / "entries").glob("*.json"):
        if old not in keep:
            old.unlink()
    return written


def _write_files(target_dir: Path, files: dict[str, str]) -> list[Path]:
    written = []
    for rel, text in files.items():
        path = Path(target_dir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        # newline="" keeps the CSV's CRLF row ends as the csv module wrote them.
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        written.append(path)
    return written


# --- CSV -------------------------------------------------------------------------------

def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def csv_row(entry: EntryBase) -> dict[str, str]:
    """One entry as a flat row; lists joined with ``"; "``, results as their count."""
    paper = entry.paper
    values: dict[str, object] = {
        name: getattr(entry, name, None) for name in CSV_COLUMNS if name not in ("results",)
    }
    values.update(
        paper_title=paper.title if paper else None,
        paper_authors=paper.author_names() if paper else None,
        paper_venue=paper.venue if paper else None,
        paper_year=paper.year if paper else None,
        arxiv=paper.arxiv if paper else None,
        doi=paper.doi if paper else None,
        paper_url=paper.url if paper else None,
        results=len(getattr(entry, "results", ())),
        **{link: getattr(entry.links, link) for link in ("code", "weights", "data", "homepage", "demo")},
    )
    return {name: _cell(values[name]) for name in CSV_COLUMNS}


def render_csv(catalog: Catalog) -> str:
    """``entries.csv``: a header and one row per entry (RFC 4180 quoting, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for entry in catalog.entries:
        writer.writerow(csv_row(entry))
    return buffer.getvalue()


# --- BibTeX ----------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash, so a lone "\{" would unbalance a field.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_COMBINING_ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0327": "c",
    "\u0328": "k",
}  # fmt: skip
_LETTERS = {
    "ß": r"{\ss}", "æ": r"{\ae}", "Æ": r"{\AE}", "ø": r"{\o}", "Ø": r"{\O}", "ł": r"{\l}",
    "Ł": r"{\L}", "œ": r"{\oe}", "Œ": r"{\OE}", "å": r"{\aa}", "Å": r"{\AA}", "ı": r"{\i}",
    "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''",
}  # fmt: skip
_CONFERENCE = re.compile(
    r"\b(?:conference|proceedings|symposium|workshop|track|neurips|nips|icml|iclr|cvpr|iccv|eccv|"
    r"miccai|acl|emnlp|naacl|coling|aaai|ijcai|kdd|mlhc|chil|midl|isbi|wacv|findings)\b",
    re.IGNORECASE,
)


def latex_escape(text: str) -> str:
    """Plain text -> BibTeX-safe LaTeX: specials escaped, accents as ``{\\"u}``.

    Characters without a LaTeX spelling (e.g. CJK) stay as UTF-8; the file is UTF-8 and
    biber, bibtexu and pybtex read it.
    """
    out = []
    for char in text:
        if char in _LATEX_SPECIALS:
            out.append(_LATEX_SPECIALS[char])
        elif ord(char) < 128:
            out.append(char)
        elif char in _LETTERS:
            out.append(_LETTERS[char])
        else:
            base, *marks = unicodedata.normalize("NFD", char)
            if marks and len(marks) == 1 and marks[0] in _COMBINING_ACCENTS and ord(base) < 128:
                accent = _COMBINING_ACCENTS[marks[0]]
                sep = " " if accent.isalpha() else ""
                out.append(f"{{\\{accent}{sep}{base}}}")
            else:
                out.append(char)
    return "".join(out)


def protect_capitals(escaped_title: str) -> str:
    """Brace words with capitals after their first letter ('{BiomedCLIP}', '{GPT-4}').

    Why: BibTeX styles lower-case titles; braces keep acronyms and model names as written.
    """
    words = escaped_title.split(" ")
    return " ".join(
        f"{{{word}}}" if any(c.isupper() for c in word[1:]) and "\\" not in word else word for word in words
    )


class _LatexWriter(_BibtexWriter):
    """pybtex's BibTeX writer for fields that are LaTeX already (see :func:`latex_escape`).

    Why: pybtex 0.26 passes fields through latexcodec, which would escape our escapes
    again, while 0.24 and 0.25 write them as given; escaping here gives the same file on
    every supported version, with accents braced as BibTeX wants them (``{\\"u}``).
    """

    def _encode(self, text: str) -> str:
        return text


def citation_key(entry: EntryBase) -> str:
    """The entry id: unique in the catalogue and never changed, so citations stay valid."""
    return entry.id


def bibtex_entry(entry: EntryBase) -> Entry | None:
    """The pybtex record of an entry's paper, or None when it names no paper."""
    paper = entry.paper
    if paper is None:
        return None
    fields = {"title": protect_capitals(latex_escape(paper.title)), "year": str(paper.year or entry.year)}
    venue = paper.venue if paper.venue and paper.venue.lower() != "arxiv" else None
    if venue and _CONFERENCE.search(venue):
        kind, fields["booktitle"] = "inproceedings", latex_escape(venue)
    elif venue:
        kind, fields["journal"] = "article", latex_escape(venue)
    else:
        kind = "misc"
    if paper.arxiv:
        fields.update(eprint=paper.arxiv, archiveprefix="arXiv")
    if paper.doi:
        fields["doi"] = latex_escape(paper.doi)
    url = paper.url or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else None)
    if url:
        fields["url"] = url
    authors = [Person(latex_escape(name)) if " " in name else Person(f"{{{latex_escape(name)}}}") for name in paper.author_names()]
    return Entry(kind, fields=fields, persons={"author": authors})


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


# --- Atom feed -------------------------------------------------------------------------

def _timestamp(date: str) -> str:
    return (date if len(date) == 10 else f"{date}-01") + "T00:00:00Z"


def newest(catalog: Catalog, limit: int = FEED_SIZE) -> list[EntryBase]:
    """The ``limit`` most recent entries by date (id breaks ties, for a stable order)."""
    return sorted(catalog.entries, key=lambda e: (e.date_key, e.id), reverse=True)[:limit]


def page_url(entry: EntryBase, site_url: str = SITE_URL) -> str:
    return site_url + ENTRY_PAGE.format(kind=entry.kind, id=entry.id)


def render_feed(
    catalog: Catalog,
    site_url: str = SITE_URL,
    limit: int = FEED_SIZE,
    base_url: str | None = None,
) -> str:
    """``feed.xml``: an Atom 1.0 feed of the newest entries (by their release date).

    Args:
        site_url: the site root; entries link to their pages there.
        base_url: the published URL of the folder holding ``feed.xml`` and ``api/``.
    """
    base_url = base_url or site_url + DOWNLOADS_DIR
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    items = newest(catalog, limit)
    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", base_url + "feed.xml")
    sub(feed, "title", "medlm-survey: newest entries")
    sub(feed, "subtitle", "Medical large models, datasets, benchmarks and surveys")
    sub(feed, "updated", _timestamp(items[0].date) if items else "1970-01-01T00:00:00Z")
    sub(feed, "link", rel="self", type="application/atom+xml", href=base_url + "feed.xml")
    sub(feed, "link", rel="alternate", type="text/html", href=site_url)
    author = sub(feed, "author")
    sub(author, "name", "medlm-survey contributors")
    for item in items:
        element = sub(feed, "entry")
        sub(element, "id", base_url + api_path(item.id))
        sub(element, "title", f"{item.name} ({item.kind})")
        sub(element, "updated", _timestamp(item.date))
        sub(element, "link", rel="alternate", type="text/html", href=page_url(item, site_url))
        sub(element, "link", rel="related", type="application/json", href=base_url + api_path(item.id))
        for category in item.categories:
            sub(element, "category", term=category)
        sub(element, "summary", item.summary)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


# --- everything at once ----------------------------------------------------------------

#: ``medlm-survey export --format``: name -> renderer.
FORMATS: dict[str, Callable[[Catalog], str]] = {
    "json": render_json,
    "csv": render_csv,
    "bibtex": render_bibtex,
    "atom": render_feed,
}


def render_downloads(catalog: Catalog, *, site_url: str = SITE_URL, base_url: str | None = None) -> dict[str, str]:
    """Every download as ``{path relative to the downloads folder: text}``.

    ``entries.json``, ``entries.csv``, ``references.bib``, ``feed.xml``, ``api/index.json``
    and ``api/entries/<id>.json``. The site build takes these in memory; :func:`write_downloads`
    writes them.

    Args:
        site_url: the site root (entry pages).
        base_url: the published URL of the downloads folder; default ``site_url + "downloads/"``,
            where the site build puts it.
    """
    base_url = base_url or site_url + DOWNLOADS_DIR
    return {
        "entries.json": render_json(catalog),
        "entries.csv": render_csv(catalog),
        "references.bib": render_bibtex(catalog),
        "feed.xml": render_feed(catalog, site_url, base_url=base_url),
        **render_api(catalog, base_url),
    }


def write_downloads(
    catalog: Catalog, target_dir: Path, *, site_url: str = SITE_URL, base_url: str | None = None
) -> list[Path]:
    """Write :func:`render_downloads` into ``target_dir``; return the files written
    (stale entry documents of the static API are removed)."""
    files = render_downloads(catalog, site_url=site_url, base_url=base_url)
    written = _write_files(target_dir, files)
    keep = set(written)
    for old in (Path(target_dir) / "api" / "entries").glob("*.json"):
        if old not in keep:
            old.unlink()
    return written
