"""What every page module shares: paths and links, formatting, table cells, the Renderer.

The Renderer holds the catalogue and the Jinja environment; page modules (tables,
leaderboards, timeline, ...) take it as their first argument. Nothing here touches the file
system or a site engine.

Why the pages are mostly raw HTML blocks: entry text is untrusted. Jinja escapes every value
(autoescape on), and text placed inside block-level HTML is not parsed as Markdown, so a
``[x](javascript:...)`` in a summary stays text. The few Markdown headings that carry entry
text go through :func:`md_text`, which escapes HTML *and* Markdown punctuation. Links are
emitted only for http(s) URLs (:func:`safe_url`).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from medlm_survey import identifiers
from medlm_survey.catalog import Catalog
from medlm_survey.export import DOWNLOADS_DIR, api_path, bibtex_text
from medlm_survey.record_stats import completeness
from medlm_survey.schema import (
    EntryBase,
    ModelEntry,
    Result,
)
from medlm_survey.taxonomy import Taxonomy

#: Families in display order, with the colour the timeline, chart and chips use.
FAMILY_COLOURS = {
    "llm": "#1f77b4",
    "vision": "#8c564b",
    "vlm": "#d62728",
    "3d": "#2ca02c",
    "multimodal": "#9467bd",
    "graph": "#ff7f0e",
}
#: Vocabularies that get one page per term (families and kinds have their table pages).
TERM_VOCABULARIES = ("modalities", "tasks", "specialties", "access", "languages")
#: Entry fields that hold terms of those vocabularies.
VOCABULARY_FIELD = {"modalities": "modalities", "tasks": "tasks", "specialties": "specialties", "languages": "languages"}
#: Metrics where a lower score is better; everything else ranks descending.
MODEL_ACCESS_LABELS = {"open": "Open weights", "gated": "Gated weights", "api": "API only", "closed": "Closed"}
DATA_ACCESS_LABELS = {"open": "Open data", "credentialed": "Credentialed data", "on-request": "On request", "private": "Private data"}
MONTHS = ("Unknown", "January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
CHART_PATH = "assets/charts/entries-per-year.svg"
#: The issue form of the repository (``.github/ISSUE_TEMPLATE/``) that entry pages link to,
#: and the id of its input that the link fills with the entry id.
REPORT_TEMPLATE = "report-problem.yml"
REPORT_FIELD = "entry"
#: Files ``export.write_downloads`` produces (the downloads page links them).
DOWNLOADS = (
    ("entries.json", "Every entry as JSON (one object per entry, all fields)."),
    ("entries.csv", "One row per entry, for spreadsheets."),
    ("references.bib", "BibTeX for every paper of the catalogue."),
    ("entries.jsonl", "JSON Lines: one entry per line, the same documents as entries.json."),
    ("entries.parquet", "Parquet: one row per entry, lists as lists, nested objects (paper, links, variants, results) as JSON text."),
    ("feed.xml", "Atom feed of the newest entries."),
    ("api/index.json", "Index of the static API: id, kind, name, date and URL of every entry."),
    ("api/entries/", "One JSON file per entry: api/entries/&lt;id&gt;.json."),
)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_URL_OK = re.compile(r"^https?://[^\s\"'<>`]+$", re.IGNORECASE)


# --- small pure helpers ----------------------------------------------------------------

def md_text(value: object) -> Markup:
    """Text safe to put in a Markdown heading: Markdown punctuation backslash-escaped first,
    then HTML-escaped (so no backslash lands inside an entity such as ``&#39;``)."""
    return Markup(html.escape(_MD_SPECIAL.sub(r"\\\1", str(value)), quote=False))


def safe_url(value: str | None) -> str | None:
    """The URL when it is an http(s) URL without quotes or spaces, else None (never emitted)."""
    if value and _URL_OK.match(value.strip()):
        return value.strip()
    return None


def page_url(path: str) -> str:
    """Directory-style URL of a Markdown page: ``a/b.md`` -> ``a/b/``, ``a/index.md`` -> ``a/``."""
    if not path.endswith(".md"):
        return path
    stem = path[:-3]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative(from_page: str, to: str) -> str:
    """Relative link from page ``from_page`` to a page or file ``to`` (both docs paths).

    Why not ``posixpath.relpath``: it resolves absolute paths on every call, and pages make
    tens of thousands of links; with directory-style URLs plain string work is enough.
    """
    base_dirs = page_url(from_page).split("/")[:-1]
    target = page_url(to).split("/")
    common = 0
    while common < len(base_dirs) and common < len(target) - 1 and base_dirs[common] == target[common]:
        common += 1
    return "../" * (len(base_dirs) - common) + "/".join(target[common:]) or "./"


def entry_path(entry: EntryBase) -> str:
    """``model/biomedclip.md``: the same URL scheme as the exports (``export.ENTRY_PAGE``)."""
    return f"{entry.kind}/{entry.id}.md"


def term_path(vocabulary: str, term: str) -> str:
    if vocabulary == "categories":
        return f"families/{term}.md"
    if vocabulary == "kinds":
        return f"kinds/{term}.md"
    return f"taxonomy/{vocabulary}/{term}.md"


def leaderboard_path(benchmark_id: str) -> str:
    return f"leaderboards/{benchmark_id}.md"


def format_parameters(count: float | None) -> str:
    return "" if count is None else f"{count:.0f}"


#: Sort key of a model with no recorded size: after every real size, so that unknown sizes
#: sort last in an ascending sort instead of looking like the smallest models.
UNKNOWN_SIZE_SORT = "999999999999999999"  # sort keys are read as digits only (medlm.js numberKey): no exponent


def size_label(entry: ModelEntry) -> str:
    """'7B · 70B': the distinct recorded sizes of the variants, smallest first."""
    labels: dict[float, str] = {}
    for variant in entry.variants:
        if variant.parameter_count is not None:
            labels.setdefault(variant.parameter_count, variant.parameters or "")
    return " · ".join(labels[count] for count in sorted(labels))


def _evidence_level(entry: EntryBase) -> str:
    """The clinical evidence level of a model; 'regulatory-clearance' rows count as cleared."""
    if isinstance(entry, ModelEntry) and entry.clinical_evidence:
        return entry.clinical_evidence.level
    return ""


def display_value(result: Result, metric_scale: str | None) -> float:
    """The value on the metric's own scale (taxonomy.yaml), converting a unit/percent value
    written with ``scale:``. The only place a score is rescaled; the source's number stays
    in the record and is shown on hover."""
    printed = result.printed_scale(metric_scale)
    if printed == metric_scale or metric_scale not in ("unit", "percent"):
        return result.value
    return result.value * 100 if metric_scale == "percent" else result.value / 100


def format_value(value: float) -> str:
    return f"{value:g}"


def license_label(license: str | None) -> str:
    """'LicenseRef-Llama-2-Community' -> 'Llama 2 Community (not an SPDX licence)';
    'NONE' -> 'none stated'; SPDX ids as they are."""
    if license is None or license == "unknown":
        return "not recorded"
    if license == "NONE":
        return "none stated (no licence granted)"
    if license.startswith("LicenseRef-"):
        return license[len("LicenseRef-") :].replace("-", " ") + " (not an SPDX licence)"
    return license


def access_label(entry: EntryBase) -> str:
    if not entry.access:
        return ""
    labels = MODEL_ACCESS_LABELS if entry.kind == "model" else DATA_ACCESS_LABELS
    return labels.get(entry.access, entry.access)


def setting_label(result: Result, taxonomy: Taxonomy | None = None) -> str:
    """``accuracy · USMLE 4-option · test · 5-shot · chain-of-thought``.

    Shots and the zero-shot / few-shot terms say the same thing, so only one of them is
    printed ('5-shot', never '5-shot · few-shot'); no word is repeated.
    """
    label = (lambda vocabulary, term: taxonomy.label(vocabulary, term)) if taxonomy else (lambda _, term: term)
    parts = [label("metrics", result.metric)]
    if result.subset:
        parts.append(result.subset)
    if result.task:
        parts.append(label("tasks", result.task).lower())
    parts.append(result.split or "split not stated")
    if result.shots is not None:
        parts.append("zero-shot" if result.shots == 0 else f"{result.shots}-shot")
    for term in result.prompting:
        if term in ("zero-shot", "few-shot") and result.shots is not None:
            continue
        parts.append(label("settings", term))
    unique: list[str] = []
    for part in parts:
        if part.lower() not in (u.lower() for u in unique):
            unique.append(part)
    return " · ".join(unique)


def setting_slug(setting: tuple) -> str:
    text = "-".join(str(part) for part in setting[1:] if part not in ("", None))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "setting"


def bibtex(entry: EntryBase) -> str:
    """The entry's BibTeX record, exactly as in ``downloads/references.bib`` ('' without a paper)."""
    return bibtex_text(entry)


def paper_links(entry: EntryBase) -> list[tuple[str, str]]:
    paper = entry.paper
    links: list[tuple[str, str]] = []
    if paper is None:
        return links
    if paper.arxiv:
        links.append(("arXiv", f"https://arxiv.org/abs/{quote(paper.arxiv)}"))
    if paper.doi:
        links.append(("DOI", f"https://doi.org/{quote(paper.doi, safe='/:;()._-')}"))
    if paper.url and safe_url(paper.url):
        links.append(("Paper", paper.url))
    return links


# --- tables ----------------------------------------------------------------------------

@dataclass
class Cell:
    text: str = ""
    sort: str | None = None
    href: str | None = None
    chips: list[tuple[str, str | None]] = field(default_factory=list)  # (label, href)
    css: str = ""
    html: Markup | None = None  # pre-escaped content (badges, links) instead of text
    title: str = ""  # hover text (e.g. where a size was looked for and not found)


def chip_list(chips: Iterable[tuple[str, str | None]], css: str = "") -> Markup:
    """Term chips: links to their taxonomy pages, or plain labels for unknown terms.

    Why Python and not a Jinja macro: tables call this for every cell of thousands of rows,
    and a macro call costs several times a function call. Everything is escaped.
    """
    classes = escape(f"medlm-chip {css}".strip())
    parts = []
    for text, href in chips:
        if href:
            parts.append(f'<a class="{classes}" href="{escape(href)}">{escape(text)}</a>')
        else:
            parts.append(f'<span class="{classes}">{escape(text)}</span>')
    return Markup("".join(parts))


def table_cell(cell: Cell, label: str = "", hidden: bool = False) -> Markup:
    """One ``<td>`` of a comparison table (see :func:`chip_list` for why this is Python).

    ``label`` is the column's name, repeated on the cell for the phone layout, where each
    row is shown as a card of "label: value" lines. ``hidden``: the column is hidden until
    the reader shows it (in the page already, so the script changes no layout on opening).
    """
    attributes = f' data-label="{escape(label)}"' if label else ""
    if cell.sort is not None:
        attributes += f' data-sort="{escape(cell.sort)}"'
    if cell.css:
        attributes += f' class="{escape(cell.css)}"'
    if cell.title:
        attributes += f' title="{escape(cell.title)}"'
    if hidden:
        attributes += " hidden"
    if cell.html is not None:
        text = cell.html
    else:
        text = f'<a href="{escape(cell.href)}">{escape(cell.text)}</a>' if cell.href else escape(cell.text)
    return Markup(f"<td{attributes}>{text}{chip_list(cell.chips)}</td>")


@dataclass
class Facet:
    """A select filter: rows whose ``data-<key>`` holds the chosen value (space-separated)."""

    key: str
    title: str
    options: list[tuple[str, str]]  # (value, label)
    default: str = ""  # the value selected when the page opens ("" = all)
    all_label: str = "All"


@dataclass
class Toggle:
    """A checkbox filter: when checked, rows whose ``data-<key>`` holds ``value``."""

    key: str
    value: str
    label: str


@dataclass
class Table:
    """A filterable, sortable table: columns, rows of cells with their filter data, and the
    filters offered above it. The browser keeps filters and sort in the page address."""

    columns: list[tuple[str, str]]  # (label, sort method: "" | "number" | "none")
    rows: list[tuple[dict[str, str], list[Cell]]]
    facets: list[Facet]
    name: str = "table"
    years: tuple[int, int] | None = None
    sizes: bool = False  # offer the "up to N billion parameters" filter
    toggles: list[Toggle] = field(default_factory=list)
    best: bool = False  # offer "best score per model" (rows carry data-group/-model/-value)
    optional: list[int] = field(default_factory=list)  # indexes of columns a reader may hide
    hidden: list[int] = field(default_factory=list)  # of those, hidden until the reader shows them
    noun: str = "entries"
    data_url: str = ""  # the table's JSON rows (table_json), relative to its page


#: Rows of a table written into its page's HTML, so the page reads without JavaScript and
#: search engines see it; every row is also in the table's JSON file (:func:`table_json`),
#: which the browser sorts, filters and pages through (medlm.js shows 50 rows a page too).
#: Why 50: on a phone (Lighthouse's 4x slower CPU) the theme's script lays the page out
#: several times on opening, and with 100 rows of the widest table that alone blocked the
#: main thread for about 300 ms.
FIRST_ROWS = 50
TABLES_DIR = "assets/tables"
#: Entries of one kind a taxonomy term page lists (the newest); the kind table, filtered by
#: the term, holds the rest. 200 links are about 25 KB of HTML.
TERM_LIST = 200


def term_list(entries: list[EntryBase]) -> list[EntryBase]:
    """All of ``entries`` (in name order) when they fit on a term page, else the newest
    :data:`TERM_LIST`, newest first."""
    if len(entries) <= TERM_LIST:
        return entries
    return sorted(entries, key=lambda e: (e.date_key, e.name.lower()), reverse=True)[:TERM_LIST]


def term_filter(vocabulary: str, term: str, kind: str) -> str:
    """The query string of a kind table filtered by one term (the table's facet value)."""
    if vocabulary == "access" and term == "open":
        term = "open-weights" if kind == "model" else "open-data"
    return f"{quote(vocabulary)}={quote(term)}"


def _opening_view(table: Table) -> Iterator[tuple[dict[str, str], list[Cell]]]:
    defaults = [(f.key, f.default) for f in table.facets if f.default]
    return (row for row in table.rows if all(value in row[0].get(key, "").split() for key, value in defaults))


def first_rows(table: Table, count: int) -> list[tuple[dict[str, str], list[Cell]]]:
    """The rows a table's page holds as HTML: the first ``count`` of those its filters show
    when the page opens (a facet's default, e.g. a leaderboard's main setting), so the page
    does not change under the reader when the script starts."""
    return list(itertools.islice(_opening_view(table), count))


def opening_count(table: Table) -> int:
    """How many rows the table shows when the page opens (all pages of them)."""
    return sum(1 for _ in _opening_view(table))


def table_path(table: Table) -> str:
    """Docs path of a table's JSON rows: ``assets/tables/<table name>.json``."""
    return f"{TABLES_DIR}/{table.name}.json"


def _cell_json(cell: Cell) -> str | dict:
    """A cell as compact JSON: its text alone when it has nothing else, else a mapping with
    short keys t(ext), s(ort key), h(ref), c(ss class), i (title), k (chips: [label, href
    or null]), x (pre-escaped HTML in place of the text). site/assets/javascripts/medlm.js
    builds the same ``<td>`` from it as :func:`table_cell` does."""
    if cell.sort is None and not (cell.href or cell.css or cell.title or cell.chips or cell.html is not None):
        return cell.text
    out: dict = {}
    for key, value in (("t", cell.text), ("s", cell.sort), ("h", cell.href), ("c", cell.css), ("i", cell.title)):
        if value:
            out[key] = value
    if cell.chips:
        out["k"] = [[label, href] for label, href in cell.chips]
    if cell.html is not None:
        out["x"] = str(cell.html)
    return out


def table_json(table: Table) -> str:
    """Every row of ``table`` as compact JSON (the shape medlm.js reads)::

        {"version": 1, "columns": [column labels], "keys": [filter data keys],
         "rows": [[[one value per key], [one cell per column]], ...]}

    Filter data values are the strings the HTML rows carry as ``data-<key>`` attributes.
    """
    keys = sorted({key for data, _ in table.rows for key in data})
    rows = [[[data.get(key, "") for key in keys], [_cell_json(c) for c in cells]] for data, cells in table.rows]
    document = {"version": 1, "columns": [label for label, _ in table.columns], "keys": keys, "rows": rows}
    # "<" as \u003c, as in the data islands: no entry text reads as markup, wherever the
    # file is opened.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


class Renderer:
    """Holds the catalogue and the Jinja environment while the pages are produced."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        edit_base: str | None,
        intro: str,
        today: dt.date | None,
        added: Mapping[str, dt.date] | None = None,
        changed: Mapping[str, dt.date] | None = None,
        repo_url: str | None = None,
    ):
        self.catalog = catalog
        self.taxonomy = catalog.taxonomy
        self.edit_base = safe_url(edit_base) if edit_base else None
        self.intro = intro
        self.today = today
        self.added = added or {}
        self.changed = changed or {}
        self.repo_url = safe_url(repo_url.rstrip("/")) if repo_url else None
        #: Vega-Lite specs of the charts, by docs path; SVGs are rendered apart (charts.py).
        self.charts: dict[str, dict] = {}
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("medlm_survey", "templates"),
            autoescape=True,  # every page is HTML in Markdown clothing: escape everything
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.do"],
        )
        self.env.filters.update(
            md=md_text,
            url=safe_url,
            value=format_value,
            setting=lambda result: setting_label(result, self.taxonomy),
            label_family=lambda family: self.taxonomy.label("categories", family),
        )
        self.env.globals.update(
            label=self.taxonomy.label,
            family_colours=FAMILY_COLOURS,
            access_label=access_label,
            license_label=license_label,
            months=MONTHS,
            paper_links=paper_links,
            bibtex=bibtex,
            chip_list=chip_list,
            first_rows=lambda table: first_rows(table, FIRST_ROWS),
            opening_count=opening_count,
            term_list=term_list,
            term_filter=term_filter,
            table_cell=table_cell,
            size_label=size_label,
            completeness=completeness,
            r=self,
        )
        self.families = [f for f in self.taxonomy.ids("categories")]

    # -- helpers used by templates
    def link(self, page: str, to: str) -> str:
        return relative(page, to)

    def chips(self, page: str, vocabulary: str, terms: Iterable[str]) -> list[tuple[str, str | None]]:
        out = []
        for term in terms:
            known = self.taxonomy.has(vocabulary, term)
            out.append((self.taxonomy.label(vocabulary, term), relative(page, term_path(vocabulary, term)) if known else None))
        return out

    def entry_ref(self, page: str, entry_id: str) -> tuple[str, str | None]:
        entry = self.catalog.get(entry_id)
        if entry is None:
            return entry_id, None
        return entry.name, relative(page, entry_path(entry))

    def entry_href(self, page: str, entry_id: str) -> str:
        return relative(page, entry_path(self.catalog.by_id[entry_id]))

    def json_href(self, page: str, entry_id: str) -> str:
        """Link to the entry's document of the static API (``downloads/api/entries/<id>.json``)."""
        return relative(page, DOWNLOADS_DIR + api_path(entry_id))

    def report_url(self, entry_id: str) -> str | None:
        """The repository's "report a problem" issue form with the entry id filled in.

        GitHub fills an issue form's field from the query parameter named after the field's
        ``id``, next to ``template=<file>``; None without a repository URL.
        """
        if not self.repo_url:
            return None
        return f"{self.repo_url}/issues/new?template={REPORT_TEMPLATE}&{REPORT_FIELD}={quote(entry_id, safe='')}"

    def history_days(self, entry_id: str) -> tuple[str | None, str | None]:
        """(day added, day last changed) as ``YYYY-MM-DD`` in UTC, from git history; the
        second is None when it is the day of the first (or git knows neither)."""
        added, changed = self.added.get(entry_id), self.changed.get(entry_id)
        added_day = _utc_day(added) if added else None
        changed_day = _utc_day(changed) if changed else None
        return added_day, changed_day if changed_day != added_day else None

    def source_html(self, page: str, result: Result) -> Markup:
        """Badge (self-reported / third-party), the measuring paper as a link, the locator."""
        source = result.source
        parts = []
        if source.is_self_reported:
            parts.append('<span class="medlm-badge medlm-self">self-reported</span>')
        else:
            parts.append('<span class="medlm-badge medlm-third">third-party</span>')
        if source.measuring_entry:
            name, href = self.entry_ref(page, source.measuring_entry)
            parts.append(f'<a href="{escape(href)}">{escape(name)}</a>' if href else str(escape(name)))
        elif source.arxiv:
            parts.append(f'<a href="{escape(identifiers.arxiv_url(source.arxiv))}" rel="noopener nofollow">arXiv:{escape(source.arxiv)}</a>')
        elif source.doi:
            parts.append(f'<a href="{escape(identifiers.doi_url(source.doi))}" rel="noopener nofollow">doi:{escape(source.doi)}</a>')
        locator = escape(source.locator)
        if source.url and safe_url(source.url):
            locator = Markup(f'<a href="{escape(source.url)}" rel="noopener nofollow">{locator}</a>')
        parts.append(f'<span class="medlm-source">{locator}</span>')
        return Markup(" ".join(parts))

    def value_html(self, result: Result, shown: float | None = None) -> Markup:
        """The score on its metric's scale; the source's own number (and spread) on hover."""
        metric = self.taxonomy.term("metrics", result.metric)
        scale = metric.scale if metric else None
        shown = display_value(result, scale) if shown is None else shown
        printed = format_value(result.value)
        if result.std is not None:
            printed += f" ± {format_value(result.std)}"
        if result.ci is not None:
            printed += f" (CI {format_value(result.ci[0])}–{format_value(result.ci[1])})"
        text = format_value(round(shown, 6))
        if printed != text or result.scale:
            on = {"unit": "a 0–1 scale", "percent": "a 0–100 scale"}.get(result.printed_scale(scale) or "", "its scale")
            title = f"as printed in the source: {printed} on {on}"
            return Markup(f'<span title="{escape(title)}">{escape(text)}<span class="medlm-printed"> ({escape(printed)})</span></span>')
        return Markup(escape(text))

    @functools.cached_property
    def overlaps(self) -> dict:
        """``{(model id, result index): Overlap}`` (analysis.overlap_flags), computed once."""
        from medlm_survey.analysis import overlap_flags

        return overlap_flags(self.catalog)

    @functools.cached_property
    def gaps(self) -> list:
        """Every reproduction gap (analysis.reproduction_gaps), largest first, computed once."""
        from medlm_survey.analysis import reproduction_gaps

        return reproduction_gaps(self.catalog)

    @functools.cached_property
    def gap_by_score(self) -> dict:
        """``{(model id, index of the independent result): Gap}``."""
        out = {}
        for gap in self.gaps:
            index = next(i for i, res in enumerate(gap.model.results) if res is gap.independent)
            out[(gap.model.id, index)] = gap
        return out

    def notes_html(self, model_id: str, index: int) -> Markup:
        """Badges for one score: its reproduction gap and its train/test overlap, if any."""
        parts = []
        gap = self.gap_by_score.get((model_id, index))
        if gap is not None:
            sign = "+" if gap.gap > 0 else "−" if gap.gap < 0 else "±"
            worse = " medlm-gap-worse" if gap.worse else ""
            parts.append(
                f'<span class="medlm-badge medlm-gap-badge{worse}" title="independent minus self-reported, on the '
                f'metric\'s scale">Δ {sign}{escape(format_value(round(abs(gap.gap), 4)))} vs self-reported</span>'
            )
        overlap = self.overlaps.get((model_id, index))
        if overlap is not None:
            why = escape(overlap.explain(self.catalog))
            parts.append(
                f'<span class="medlm-badge medlm-overlap" title="{why}">train/test overlap</span>'
                f'<span class="medlm-overlap-path"> {why}</span>'
            )
        return Markup("".join(parts))

    def render(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)

    # -- tables


def _utc_day(when: dt.date) -> str:
    """The calendar day of a date, or of a datetime in UTC (a naive one is taken as UTC)."""
    if isinstance(when, dt.datetime) and when.tzinfo:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%d")


def newest(entries: Iterable[EntryBase], n: int) -> list[EntryBase]:
    """The ``n`` most recent entries by date (id breaks ties)."""
    return sorted(entries, key=lambda e: (e.date_key, e.id), reverse=True)[:n]


def front_matter(**meta: object) -> str:
    # JSON is valid YAML: quoting is exact whatever the value holds. A ``title`` must be
    # HTML-escaped already: Material prints page.meta.title into <title> without escaping
    # (a title taken from the heading would be unescaped by its ``striptags`` filter).
    # Generated pages write Markdown only for headings and fences: the engine may skip
    # re-parsing their HTML (html_blocks.py). A page holding hand-written Markdown says False.
    if meta.get("generated"):
        meta.setdefault("html_blocks", True)
    return "---\n" + "".join(f"{key}: {json.dumps(value)}\n" for key, value in meta.items()) + "---\n\n"
