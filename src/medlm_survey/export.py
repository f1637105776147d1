"""Exports of the catalogue: JSON, CSV, BibTeX, JSON Lines, Parquet, an Atom feed and a static JSON API.

Every output is deterministic (no timestamps but the entries' own dates and, in the feed,
the dates git records for their files), so a rebuild of an unchanged catalogue changes no
file. BibTeX is written by :mod:`medlm_survey.bibtex`, JSON Lines and Parquet by
:mod:`medlm_survey.tabular`. The site build takes :func:`render_downloads`; ``medlm-survey
export`` calls the single renderers in :data:`FORMATS`; a data release
(:mod:`medlm_survey.releases`) freezes some of them under ``releases/<version>/``.

Static API (paths relative to the downloads folder, ``downloads/`` of the site)::

    entries.json               {"schema_version", "count", "entries": [entry, ...]}
    entries.jsonl              one entry per line
    entries.parquet            one row per entry (columns: medlm_survey.tabular)
    api/index.json             {"schema_version", "count", "entries": [{"id", "kind", "name", "date", "url"}]}
    api/entries/<id>.json      one entry, exactly as in entries.json (valid against
                               schema/entry.schema.json)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from xml.etree import ElementTree as ET

from medlm_survey import history

# BibTeX has its own module; bibtex_text stays importable from here (render.py uses it).
from medlm_survey.bibtex import bibtex_text, render_bibtex  # noqa: F401
from medlm_survey.catalog import Catalog
from medlm_survey.documents import entry_document, json_line
from medlm_survey.schema import SCHEMA_VERSION, EntryBase, parse_date
from medlm_survey.tabular import render_jsonl, render_parquet

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
    "trained_on", "trained_on_partial", "size", "built_from", "metrics", "subsets", "covers", "same_paper_as",
    "results", "summary",
)  # fmt: skip
#: Separator inside one CSV cell; names and titles contain commas, never "; " lists.
LIST_SEPARATOR = "; "


# --- JSON and the static API -----------------------------------------------------------

def catalog_document(catalog: Catalog) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "count": len(catalog.entries),
        "entries": [entry_document(entry) for entry in catalog.entries],
    }


def render_json(catalog: Catalog) -> str:
    """``entries.json``: every entry, with the schema version."""
    return json_line(catalog_document(catalog))


def api_path(entry_id: str) -> str:
    """Stable path of an entry's JSON document, relative to the site root."""
    return f"api/entries/{entry_id}.json"


def render_api(catalog: Catalog, base_url: str = SITE_URL + DOWNLOADS_DIR) -> dict[str, str]:
    """The static API: ``api/index.json`` and ``api/entries/<id>.json`` (path -> text).

    Args:
        base_url: the published URL of the downloads folder (for the URLs in the index).
    """
    files = {api_path(entry.id): json_line(entry_document(entry)) for entry in catalog.entries}
    index = {
        "schema_version": SCHEMA_VERSION,
        "count": len(catalog.entries),
        "entries": [
            {"id": e.id, "kind": e.kind, "name": e.name, "date": e.date, "url": base_url + api_path(e.id)}
            for e in catalog.entries
        ],
    }
    return {"api/index.json": json_line(index), **files}


def write_api(catalog: Catalog, target_dir: Path, base_url: str = SITE_URL + DOWNLOADS_DIR) -> list[Path]:
    """Write :func:`render_api` into ``target_dir``; stale entry documents are removed."""
    written = _write_files(target_dir, render_api(catalog, base_url))
    keep = set(written)
    for old in (target_dir / "api" / "entries").glob("*.json"):
        if old not in keep:
            old.unlink()
    return written


def _write_files(target_dir: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    written = []
    for rel, content in files.items():
        path = Path(target_dir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(as_bytes(content))
        written.append(path)
    return written


def as_bytes(content: str | bytes) -> bytes:
    """A download's bytes: text as UTF-8, exactly as written (the CSV keeps its CRLF row ends)."""
    return content if isinstance(content, bytes) else content.encode("utf-8")


# --- CSV -------------------------------------------------------------------------------

#: A cell whose first non-blank character is one of these would be run as a formula by
#: Excel, LibreOffice or Google Sheets (CSV injection); the same rule as ``csvField`` in
#: site/assets/javascripts/medlm.js, which guards the tables' CSV download (a test keeps
#: the two equal).
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
#: What JavaScript's trim() removes before that test (its \s, which includes U+FEFF).
_LEADING_SPACE = re.compile(r"^[\s\ufeff]+")
#: Byte-order mark: Excel reads a CSV file as UTF-8 only when it starts with one.
BOM = "\ufeff"


def spreadsheet_safe(text: str) -> str:
    """``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``: a leading apostrophe makes a spreadsheet
    show the cell as text (OWASP's advice for CSV injection)."""
    return "'" + text if FORMULA_START.match(_LEADING_SPACE.sub("", text)) else text


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return spreadsheet_safe(LIST_SEPARATOR.join(str(v) for v in value))
    return spreadsheet_safe(str(value))


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
        # Entry format v2 keeps sizes per variant: every size the model was released in.
        parameters=[v.parameters for v in getattr(entry, "variants", ()) if v.parameters] or None,
        **{link: getattr(entry.links, link) for link in ("code", "weights", "data", "homepage", "demo")},
    )
    return {name: _cell(values[name]) for name in CSV_COLUMNS}


def render_csv(catalog: Catalog) -> str:
    """``entries.csv``: a header and one row per entry (RFC 4180 quoting, CRLF line ends).

    The text starts with a byte-order mark so that Excel opens it as UTF-8, and no cell
    starts like a formula (:func:`spreadsheet_safe`).
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for entry in catalog.entries:
        writer.writerow(csv_row(entry))
    return BOM + buffer.getvalue()


# --- Atom feed -------------------------------------------------------------------------

#: Characters XML 1.0 forbids (C0 controls but tab and line ends, lone surrogates, U+FFFE,
#: U+FFFF) or discourages (DEL and the C1 controls, the noncharacters U+FDD0-U+FDEF).
#: Validation rejects control characters in entries; the feed drops any that get through.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ufdcf\ufdf0-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters an XML 1.0 document may not (or should not) hold."""
    return _NOT_XML.sub("", text)


def _utc(when: dt.date) -> dt.datetime:
    """A date as midnight UTC; a datetime in UTC (a naive one is taken to be UTC)."""
    if not isinstance(when, dt.datetime):
        return dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    return when.astimezone(dt.UTC) if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _timestamp(when: dt.date) -> str:
    return _utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def release_date(entry: EntryBase) -> dt.datetime:
    """The entry's own date (a month-only date at its first day), midnight UTC."""
    year, month, day = parse_date(entry.date)
    return dt.datetime(year, month, day or 1, tzinfo=dt.UTC)


def added_dates(catalog: Catalog) -> dict[str, dt.datetime]:
    """Entry id -> when its file was added to the catalogue (git history; see
    :func:`medlm_survey.history.added_dates`). Entries git does not know are missing."""
    return _by_id(catalog, history.added_dates(catalog.root))


def changed_dates(catalog: Catalog) -> dict[str, dt.datetime]:
    """Entry id -> when its file last changed (git history; see
    :func:`medlm_survey.history.changed_dates`). Entries git does not know are missing."""
    return _by_id(catalog, history.changed_dates(catalog.root))


def _by_id(catalog: Catalog, by_path: Mapping[str, dt.datetime]) -> dict[str, dt.datetime]:
    return {entry_id: by_path[path] for entry_id, path in catalog.paths.items() if path in by_path}


def newest(
    entries: Iterable[EntryBase], added: Mapping[str, dt.date] | None = None, limit: int = FEED_SIZE
) -> list[tuple[EntryBase, dt.datetime]]:
    """The ``limit`` entries added most recently, with that date, newest first.

    Args:
        added: entry id -> when it was added to the catalogue; an entry without one counts
            from its own date (as when git is not available).
    """
    added = added or {}
    dated = [(entry, _utc(added[entry.id]) if entry.id in added else release_date(entry)) for entry in entries]
    # Ties (one commit adds many entries) go by id, for a stable order.
    return sorted(dated, key=lambda pair: (pair[1], pair[0].id), reverse=True)[:limit]


def page_url(entry: EntryBase, site_url: str = SITE_URL) -> str:
    return site_url + ENTRY_PAGE.format(kind=entry.kind, id=entry.id)


def render_feed(
    entries: Iterable[EntryBase],
    added: Mapping[str, dt.date] | None = None,
    *,
    site_url: str = SITE_URL,
    limit: int = FEED_SIZE,
    base_url: str | None = None,
) -> str:
    """``feed.xml``: an Atom 1.0 feed of the entries added to the catalogue most recently.

    Args:
        entries: the catalogue's entries.
        added: entry id -> when the entry was added (:func:`added_dates`); entries without
            one are dated by their own date.
        site_url: the site root; entries link to their pages there.
        base_url: the published URL of the folder holding ``feed.xml`` and ``api/``.
    """
    base_url = base_url or site_url + DOWNLOADS_DIR
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        element.text = None if text is None else xml_text(text)
        return element

    items = newest(entries, added, limit)
    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", base_url + "feed.xml")
    sub(feed, "title", "medlm-survey: newest entries")
    sub(feed, "subtitle", "Medical large models, datasets, benchmarks and surveys, as they join the catalogue")
    sub(feed, "updated", _timestamp(items[0][1]) if items else "1970-01-01T00:00:00Z")
    sub(feed, "link", rel="self", type="application/atom+xml", href=base_url + "feed.xml")
    sub(feed, "link", rel="alternate", type="text/html", href=site_url)
    author = sub(feed, "author")
    sub(author, "name", "medlm-survey contributors")
    for item, when in items:
        element = sub(feed, "entry")
        sub(element, "id", base_url + api_path(item.id))
        sub(element, "title", f"{item.name} ({item.kind})")
        sub(element, "published", _timestamp(when))
        sub(element, "updated", _timestamp(when))
        sub(element, "link", rel="alternate", type="text/html", href=page_url(item, site_url))
        sub(element, "link", rel="related", type="application/json", href=base_url + api_path(item.id))
        for category in item.categories:
            sub(element, "category", term=category)
        sub(element, "summary", item.summary)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def render_catalog_feed(
    catalog: Catalog,
    site_url: str = SITE_URL,
    base_url: str | None = None,
    added: Mapping[str, dt.date] | None = None,
) -> str:
    """:func:`render_feed` of a catalogue, dated by git history where there is one.

    Args:
        added: the dates of :func:`added_dates`, when the caller has them already.
    """
    added = added_dates(catalog) if added is None else added
    return render_feed(catalog.entries, added, site_url=site_url, base_url=base_url)


# --- everything at once ----------------------------------------------------------------

#: ``medlm-survey export --format``: name -> renderer (text, or bytes for Parquet).
FORMATS: dict[str, Callable[[Catalog], str | bytes]] = {
    "json": render_json,
    "csv": render_csv,
    "bibtex": render_bibtex,
    "atom": render_catalog_feed,
    "jsonl": render_jsonl,
    "parquet": render_parquet,
}


def render_downloads(
    catalog: Catalog,
    *,
    site_url: str = SITE_URL,
    base_url: str | None = None,
    added: Mapping[str, dt.date] | None = None,
) -> dict[str, str | bytes]:
    """Every download as ``{path relative to the downloads folder: text or bytes}``.

    ``entries.json``, ``entries.csv``, ``references.bib``, ``entries.jsonl``,
    ``entries.parquet`` (bytes), ``feed.xml``, ``api/index.json`` and
    ``api/entries/<id>.json``. The site build takes these in memory; :func:`write_downloads`
    writes them.

    Args:
        site_url: the site root (entry pages).
        base_url: the published URL of the downloads folder; default ``site_url + "downloads/"``,
            where the site build puts it.
        added: entry id -> date added (:func:`added_dates`), when the caller has it already.
    """
    base_url = base_url or site_url + DOWNLOADS_DIR
    return {
        "entries.json": render_json(catalog),
        "entries.csv": render_csv(catalog),
        "references.bib": render_bibtex(catalog),
        "feed.xml": render_catalog_feed(catalog, site_url, base_url=base_url, added=added),
        **render_api(catalog, base_url),
        "entries.jsonl": render_jsonl(catalog),
        "entries.parquet": render_parquet(catalog),
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
