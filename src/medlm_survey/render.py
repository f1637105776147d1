"""Render the catalogue into the site's pages: a pure function, ``Catalog -> {path: text}``.

Nothing here touches the file system or a site engine, so every page can be tested from a
catalogue alone (``tests/site``). ``site_build`` writes the result next to ``site/``'s
hand-written sources and runs the engine on ``mkdocs.yml``.

Why the pages are mostly raw HTML blocks: entry text is untrusted. Jinja escapes every value
(autoescape on), and text placed inside block-level HTML is not parsed as Markdown, so a
``[x](javascript:...)`` in a summary stays text. The few Markdown headings that carry entry
text go through :func:`md_text`, which escapes HTML *and* Markdown punctuation. Links are
emitted only for http(s) URLs (:func:`safe_url`).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from medlm_survey import identifiers
from medlm_survey.catalog import Catalog, Score
from medlm_survey.diagnostics import CODES
from medlm_survey.export import bibtex_text
from medlm_survey.record_stats import completeness
from medlm_survey.schema import (
    KINDS,
    MODEL_FOR_KIND,
    Clearance,
    ClinicalEvidence,
    EntryBase,
    Links,
    ModelEntry,
    Paper,
    Result,
    ResultSource,
    Variant,
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
#: Files ``export.write_downloads`` produces (the downloads page links them).
DOWNLOADS = (
    ("entries.json", "Every entry as JSON (one object per entry, all fields)."),
    ("entries.csv", "One row per entry, for spreadsheets."),
    ("references.bib", "BibTeX for every paper of the catalogue."),
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
UNKNOWN_SIZE_SORT = "999999999999999999"  # tablesort reads digits only: no exponent


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


def table_cell(cell: Cell) -> Markup:
    """One ``<td>`` of a comparison table (see :func:`chip_list` for why this is Python)."""
    attributes = ""
    if cell.sort is not None:
        attributes += f' data-sort="{escape(cell.sort)}"'
    if cell.css:
        attributes += f' class="{escape(cell.css)}"'
    text = f'<a href="{escape(cell.href)}">{escape(cell.text)}</a>' if cell.href else escape(cell.text)
    return Markup(f"<td{attributes}>{text}{chip_list(cell.chips)}</td>")


@dataclass
class Table:
    """A comparison table: columns, rows of cells, and per-row filter data."""

    columns: list[tuple[str, str]]  # (label, sort method: "" | "number" | "none")
    rows: list[tuple[dict[str, str], list[Cell]]]
    facets: list[tuple[str, str, list[tuple[str, str]]]]  # (data key, label, [(value, label)])
    name: str = "table"
    years: tuple[int, int] | None = None
    sizes: bool = False  # offer the "up to N billion parameters" filter


class Renderer:
    """Holds the catalogue and the Jinja environment while the pages are produced."""

    def __init__(self, catalog: Catalog, *, edit_base: str | None, intro: str, today: dt.date | None):
        self.catalog = catalog
        self.taxonomy = catalog.taxonomy
        self.edit_base = safe_url(edit_base) if edit_base else None
        self.intro = intro
        self.today = today
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
        )
        self.env.globals.update(
            label=self.taxonomy.label,
            family_colours=FAMILY_COLOURS,
            access_label=access_label,
            months=MONTHS,
            paper_links=paper_links,
            bibtex=bibtex,
            chip_list=chip_list,
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

    def render(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)

    # -- tables
    def entry_table(self, page: str, entries: Iterable[EntryBase], columns: list[str], name: str) -> Table:
        """Rows for ``entries`` with the chosen columns; facets from the values present."""
        heads = {
            "name": ("Name", ""),
            "kind": ("Kind", ""),
            "families": ("Families", ""),
            "date": ("Date", "number"),
            "organizations": ("Organisations", ""),
            "sizes": ("Sizes", "number"),
            "modalities": ("Modalities", ""),
            "tasks": ("Tasks", ""),
            "access": ("Access", ""),
            "license": ("License", ""),
            "size": ("Size", ""),
            "metrics": ("Metrics", ""),
            "scores": ("Scores", "number"),
            "used_by": ("Trained models", "number"),
            "covers": ("Covers", "number"),
        }
        rows = []
        facet_values: dict[str, Counter] = {"modalities": Counter(), "tasks": Counter(), "access": Counter(), "evidence": Counter()}
        years = []
        for entry in entries:
            cells = []
            for column in columns:
                cells.append(self._cell(page, entry, column))
            data = {
                "year": str(entry.year),
                "modalities": " ".join(entry.modalities),
                "tasks": " ".join(entry.tasks),
                "access": entry.access or "",
                "kind": entry.kind,
                "families": " ".join(entry.categories),
                "text": " ".join(entry.aliases).lower(),
                # Sizes in billions of parameters, one per variant, for the size filter.
                "sizes": " ".join(f"{c / 1e9:g}" for c in entry.parameter_counts) if isinstance(entry, ModelEntry) else "",
            }
            for key in ("modalities", "tasks"):
                facet_values[key].update(getattr(entry, key))
            if entry.access:
                facet_values["access"][entry.access] += 1
            evidence = _evidence_level(entry)
            data["evidence"] = evidence
            if evidence:
                facet_values["evidence"][evidence] += 1
            years.append(entry.year)
            rows.append((data, cells))
        facets = []
        for key, vocabulary, title in (
            ("modalities", "modalities", "Modality"),
            ("tasks", "tasks", "Task"),
            ("access", "access", "Access"),
            ("evidence", "evidence_levels", "Clinical evidence"),
        ):
            values = sorted(facet_values[key], key=lambda t: self.taxonomy.label(vocabulary, t).lower())
            if values:
                facets.append((key, title, [(v, f"{self.taxonomy.label(vocabulary, v)} ({facet_values[key][v]})") for v in values]))
        return Table(
            columns=[heads[c] for c in columns],
            rows=rows,
            facets=facets,
            name=name,
            years=(min(years), max(years)) if years else None,
            sizes="sizes" in columns,
        )

    def _cell(self, page: str, entry: EntryBase, column: str) -> Cell:
        c = self.catalog
        if column == "name":
            return Cell(entry.name, sort=entry.name.lower(), href=relative(page, entry_path(entry)))
        if column == "kind":
            return Cell(self.taxonomy.label("kinds", entry.kind))
        if column == "families":
            return Cell(", ".join(self.taxonomy.label("categories", f) for f in entry.categories))
        if column == "date":
            return Cell(entry.date, sort=entry.date_key.replace("-", ""))
        if column == "organizations":
            return Cell("; ".join(entry.organizations))
        if column == "sizes":
            if not isinstance(entry, ModelEntry) or not entry.parameter_counts:
                return Cell("not recorded", sort=UNKNOWN_SIZE_SORT, css="medlm-unrecorded")
            return Cell(size_label(entry), sort=format_parameters(entry.parameter_counts[0]))
        if column in ("modalities", "tasks"):
            # Plain text, not chips: table pages hold thousands of rows; the facets filter them.
            return Cell(", ".join(self.taxonomy.label(column, t) for t in getattr(entry, column)))
        if column == "access":
            return Cell(access_label(entry), css=f"medlm-access-{entry.access}" if entry.access else "")
        if column == "license":
            return Cell(entry.license or "")
        if column == "size":
            return Cell(getattr(entry, "size", None) or "")
        if column == "metrics":
            return Cell(", ".join(getattr(entry, "metrics", ())))
        if column == "scores":
            n = len(entry.results) if isinstance(entry, ModelEntry) else len(c.scores_on.get(entry.id, ()))
            href = relative(page, leaderboard_path(entry.id)) if entry.id in c.scores_on and n else None
            return Cell(str(n), sort=str(n), href=href)
        if column == "used_by":
            n = len(c.trained_models.get(entry.id, ()))
            return Cell(str(n), sort=str(n))
        if column == "covers":
            n = len(getattr(entry, "covers", ()))
            return Cell(str(n), sort=str(n))
        raise ValueError(column)

    # -- leaderboards
    def leaderboard_groups(self, benchmark_id: str) -> list[dict]:
        """Scores grouped by identical ``Result.setting()``; each group ranked on its own."""
        groups: dict[tuple, list[Score]] = defaultdict(list)
        for score in self.catalog.scores_on.get(benchmark_id, ()):
            groups[score.result.setting()].append(score)
        out = []
        for setting, scores in groups.items():
            metric = self.taxonomy.term("metrics", setting[3])
            lower = metric is not None and metric.direction == "lower"
            scale = metric.scale if metric is not None else None
            shown = {id(score): display_value(score.result, scale) for score in scores}
            ranked = sorted(scores, key=lambda s: (shown[id(s)] if lower else -shown[id(s)], s.model.id))
            rows = []
            rank = 0
            previous = None
            for position, score in enumerate(ranked, start=1):
                if shown[id(score)] != previous:
                    rank = position
                    previous = shown[id(score)]
                rows.append((rank, score, shown[id(score)]))
            out.append({
                "setting": setting,
                "label": setting_label(scores[0].result, self.taxonomy),
                "scale": scale,
                "anchor": setting_slug(setting),
                "lower": lower,
                "rows": rows,
                "result": scores[0].result,
            })
        out.sort(key=lambda g: (-len(g["rows"]), g["label"]))
        seen: Counter = Counter()
        for group in out:  # anchors must be unique on the page
            seen[group["anchor"]] += 1
            if seen[group["anchor"]] > 1:
                group["anchor"] += f"-{seen[group['anchor']]}"
        return out


# --- pages -----------------------------------------------------------------------------

def _newest(entries: Iterable[EntryBase], n: int) -> list[EntryBase]:
    return sorted(entries, key=lambda e: (e.date_key, e.id), reverse=True)[:n]


def _front_matter(**meta: object) -> str:
    # JSON is valid YAML: quoting is exact whatever the value holds. A ``title`` must be
    # HTML-escaped already: Material prints page.meta.title into <title> without escaping
    # (a title taken from the heading would be unescaped by its ``striptags`` filter).
    return "---\n" + "".join(f"{key}: {json.dumps(value)}\n" for key, value in meta.items()) + "---\n\n"


def chart_spec(catalog: Catalog) -> dict:
    """Vega-Lite spec: entries per year per family (an entry counts once per family)."""
    counts: Counter = Counter()
    for entry in catalog.entries:
        for family in entry.categories:
            counts[(entry.year, family)] += 1
    families = [f for f in catalog.taxonomy.ids("categories")]
    values = [
        {"year": str(year), "family": catalog.taxonomy.label("categories", fam), "entries": n}
        for (year, fam), n in sorted(counts.items())
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 640,
        "height": 260,
        "background": None,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": "Year of release", "axis": {"labelAngle": 0}},
            "y": {"field": "entries", "type": "quantitative", "title": "Entries", "stack": "zero"},
            "color": {
                "field": "family",
                "type": "nominal",
                "title": "Family",
                "scale": {
                    "domain": [catalog.taxonomy.label("categories", f) for f in families],
                    "range": [FAMILY_COLOURS.get(f, "#888888") for f in families],
                },
            },
            "tooltip": [{"field": "year"}, {"field": "family"}, {"field": "entries"}],
        },
        "config": {
            "font": "sans-serif",
            "axis": {"labelColor": "#777777", "titleColor": "#777777", "gridColor": "#8884", "domainColor": "#777777", "tickColor": "#777777"},
            "legend": {"labelColor": "#777777", "titleColor": "#777777"},
            "view": {"stroke": None},
        },
    }


def chart_svg(spec: dict) -> str:
    """Render a Vega-Lite spec to SVG without JavaScript in the browser."""
    import vl_convert  # imported lazily: only the build needs it

    return vl_convert.vegalite_to_svg(spec)


def schema_sections() -> list[tuple[str, list[tuple[str, bool, str]]]]:
    """(section title, [(field, required, description)]) for the entry-format page."""

    def rows(model, skip=()):
        return [
            (name, field.is_required(), field.description or "")
            for name, field in model.model_fields.items()
            if name not in skip
        ]

    common = set(EntryBase.model_fields) - {"kind"}
    sections = [("Every entry", rows(EntryBase))]
    sections += [(f"kind: {kind}", rows(model, common)) for kind, model in MODEL_FOR_KIND.items()]
    sections += [
        ("paper", rows(Paper)),
        ("links", rows(Links)),
        ("variants[] (models)", rows(Variant)),
        ("results[] (models)", rows(Result)),
        ("results[].source (models)", rows(ResultSource)),
        ("clinical_evidence (models)", rows(ClinicalEvidence)),
        ("regulatory[] (models)", rows(Clearance)),
    ]
    return sections


def render_pages(
    catalog: Catalog,
    *,
    edit_base: str | None = None,
    intro: str = "",
    chart: bool = True,
    today: dt.date | None = None,
) -> dict[str, str]:
    """Every generated page of the site.

    Args:
        catalog: a catalogue without errors (``catalog.ok``).
        edit_base: URL that an entry's YAML path is appended to for "edit this page"
            (e.g. ``https://github.com/o/r/edit/main/``); no edit link when None.
        intro: hand-written Markdown for the top of the home page (``site/home.md``).
        chart: render the timeline chart to SVG (vl-convert); tests may skip it.
        today: date shown as "last built" (pinned by tests for stable snapshots).

    Returns:
        ``{docs-relative path: text}``: Markdown pages plus the chart SVG.
    """
    r = Renderer(catalog, edit_base=edit_base, intro=intro, today=today)
    pages: dict[str, str] = {}
    tax = catalog.taxonomy

    # entries
    for entry in catalog.entries:
        path = entry_path(entry)
        edit = None
        if r.edit_base and entry.id in catalog.paths:
            edit = r.edit_base + quote(catalog.paths[entry.id])
        meta = {"search": {"boost": 2}} if entry.kind == "model" else {}
        pages[path] = _front_matter(title=html.escape(entry.name), edit_url=edit, generated=True, **meta) + r.render(
            "entry.md.j2", page=path, e=entry, edit_url=edit, yaml_path=catalog.paths.get(entry.id, ""),
        )

    # family and kind tables
    for family in r.families:
        path = term_path("categories", family)
        members = [e for e in catalog.entries if family in e.categories]
        table = r.entry_table(path, _newest(members, len(members)),
                              ["name", "kind", "date", "organizations", "sizes", "modalities", "tasks", "access", "license"],
                              f"family-{family}")
        pages[path] = _front_matter(generated=True, search={"exclude": True}) + r.render(
            "table.md.j2", page=path, title=tax.label("categories", family),
            description=tax.term("categories", family).description, table=table, family=family,
            kind_counts=Counter(e.kind for e in members))
    kind_columns = {
        "model": ["name", "families", "date", "organizations", "sizes", "modalities", "tasks", "access", "license", "scores"],
        "dataset": ["name", "families", "date", "size", "modalities", "tasks", "access", "license", "used_by"],
        "benchmark": ["name", "families", "date", "metrics", "size", "modalities", "tasks", "access", "scores"],
        "survey": ["name", "families", "date", "organizations", "modalities", "tasks", "covers"],
    }
    for kind in KINDS:
        path = term_path("kinds", kind)
        members = catalog.by_kind.get(kind, ())
        table = r.entry_table(path, _newest(members, len(members)), kind_columns[kind], f"kind-{kind}")
        pages[path] = _front_matter(generated=True, search={"exclude": True}) + r.render(
            "table.md.j2", page=path, title=tax.label("kinds", kind) + "s",
            description=tax.term("kinds", kind).description if tax.has("kinds", kind) else "",
            table=table, family=None, kind_counts=None)

    # leaderboards
    boards = []
    for benchmark_id in sorted(catalog.scores_on):
        benchmark = catalog.get(benchmark_id)
        if benchmark is None:
            continue
        path = leaderboard_path(benchmark_id)
        groups = r.leaderboard_groups(benchmark_id)
        boards.append((benchmark, groups))
        pages[path] = _front_matter(title=html.escape(f"Leaderboard: {benchmark.name}"), generated=True) + r.render("leaderboard.md.j2", page=path, b=benchmark, groups=groups)
    pages["leaderboards/index.md"] = _front_matter(generated=True) + r.render(
        "leaderboards.md.j2", page="leaderboards/index.md", boards=boards)

    # timeline and its chart
    by_year: dict[int, dict[int, list[EntryBase]]] = defaultdict(lambda: defaultdict(list))
    for entry in sorted(catalog.entries, key=lambda e: (e.date_key, e.name.lower()), reverse=True):
        by_year[entry.year][int(entry.date[5:7])].append(entry)
    spec = chart_spec(catalog)
    year_counts: dict[int, Counter] = defaultdict(Counter)
    for entry in catalog.entries:
        for family in entry.categories:
            year_counts[entry.year][family] += 1
    pages["timeline.md"] = _front_matter(generated=True, search={"exclude": True}) + r.render(
        "timeline.md.j2", page="timeline.md", by_year=by_year, chart=CHART_PATH if chart else None,
        year_counts=sorted(year_counts.items()))
    if chart:
        pages[CHART_PATH] = chart_svg(spec)

    # taxonomy
    usage: dict[str, dict[str, list[EntryBase]]] = {v: defaultdict(list) for v in TERM_VOCABULARIES}
    for entry in catalog.entries:
        for vocabulary in TERM_VOCABULARIES:
            values = [entry.access] if vocabulary == "access" and entry.access else getattr(entry, vocabulary, []) if vocabulary != "access" else []
            for term in values:
                usage[vocabulary][term].append(entry)
    for vocabulary in TERM_VOCABULARIES:
        for term in tax.ids(vocabulary):
            path = term_path(vocabulary, term)
            members = usage[vocabulary].get(term, [])
            by_kind = {k: sorted((e for e in members if e.kind == k), key=lambda e: e.name.lower()) for k in KINDS}
            pages[path] = _front_matter(generated=True, search={"exclude": True}) + r.render(
                "term.md.j2", page=path, vocabulary=vocabulary, term=tax.term(vocabulary, term),
                by_kind=by_kind, total=len(members))
    matrices = []
    for vocabulary, title in (("modalities", "Modality"), ("tasks", "Task"), ("specialties", "Specialty")):
        rows = []
        for term in tax.ids(vocabulary):
            counts = Counter()
            for entry in usage[vocabulary].get(term, []):
                counts.update(entry.categories)
            rows.append((term, [counts.get(f, 0) for f in r.families], len(usage[vocabulary].get(term, []))))
        matrices.append((vocabulary, title, rows))
    pages["taxonomy/index.md"] = _front_matter(generated=True) + r.render(
        "taxonomy.md.j2", page="taxonomy/index.md", matrices=matrices, usage=usage, vocabularies=TERM_VOCABULARIES)

    # home and downloads
    family_kind = {f: Counter(e.kind for e in catalog.entries if f in e.categories) for f in r.families}
    pages["index.md"] = _front_matter(generated=True, hide=["navigation"]) + r.render(
        "home.md.j2", page="index.md", intro=intro, family_kind=family_kind,
        kind_totals=Counter(e.kind for e in catalog.entries), newest=_newest(catalog.entries, 12),
        total=len(catalog.entries), boards=len(boards))
    pages["downloads.md"] = _front_matter(generated=True) + r.render(
        "downloads.md.j2", page="downloads.md", downloads=DOWNLOADS, total=len(catalog.entries))
    pages["reference.md"] = _front_matter(generated=True) + r.render(
        "reference.md.j2", page="reference.md", sections=schema_sections(), codes=list(CODES.items()))
    return pages


def page_count(pages: Mapping[str, str]) -> int:
    return sum(1 for p in pages if p.endswith(".md"))
