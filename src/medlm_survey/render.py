"""Render the catalogue into the site's pages: a pure function, ``Catalog -> {path: text}``.

Nothing here touches the file system or a site engine, so every page can be tested from a
catalogue alone (``tests/site``). ``site_build`` writes the result next to ``site/``'s
hand-written sources and runs the engine on ``mkdocs.yml``. Each kind of page has a module
of its own in :mod:`medlm_survey.pages`; this module assembles them.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from urllib.parse import quote

from medlm_survey import export
from medlm_survey.catalog import Catalog
from medlm_survey.charts import ChartJob, chart_svg
from medlm_survey.diagnostics import CODES
from medlm_survey.pages import compare, downloads, indexes, lineage
from medlm_survey.pages.common import (
    CHART_PATH,
    FAMILY_COLOURS,
    TERM_VOCABULARIES,
    Renderer,
    display_value,
    entry_path,
    format_value,
    front_matter,
    newest,
    setting_label,
    size_label,
    term_path,
)
from medlm_survey.pages.leaderboards import leaderboard_groups, leaderboard_pages
from medlm_survey.pages.tables import entry_table, table_pages
from medlm_survey.pages.timeline import chart_spec, timeline_pages
from medlm_survey.schema import (
    KINDS,
    MODEL_FOR_KIND,
    Clearance,
    ClinicalEvidence,
    EntryBase,
    Links,
    Paper,
    Result,
    ResultSource,
    Variant,
)

__all__ = [
    "CHART_PATH",
    "FAMILY_COLOURS",
    "entry_path",
    "Renderer",
    "chart_spec",
    "chart_svg",
    "display_value",
    "entry_table",
    "format_value",
    "leaderboard_groups",
    "page_count",
    "render_pages",
    "schema_sections",
    "setting_label",
    "size_label",
]


#: Entries in the home page's "Recently added".
RECENTLY_ADDED = 10


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
    added: Mapping[str, dt.date] | None = None,
    changed: Mapping[str, dt.date] | None = None,
    releases: Sequence[Mapping] = (),
    repo_url: str | None = None,
    chart_specs: dict[str, dict] | None = None,
) -> dict[str, str]:
    """Every generated page of the site.

    Args:
        catalog: a catalogue without errors (``catalog.ok``).
        edit_base: URL that an entry's YAML path is appended to for "edit this page"
            (e.g. ``https://github.com/o/r/edit/main/``); no edit link when None.
        intro: hand-written Markdown for the top of the home page (``site/home.md``).
        chart: draw the charts (timeline, leaderboards, lineage); tests may skip them.
        chart_specs: when given, the timeline and leaderboard charts' Vega-Lite specs are
            put here (docs path -> spec) for the caller to render (``charts.ChartJob``,
            beside the site engine) instead of being rendered to SVG into the pages.
        today: date shown as "last built" (pinned by tests for stable snapshots).
        added: entry id -> when its file joined the catalogue (git history,
            :func:`medlm_survey.export.added_dates`): shown on entry pages, and the home
            page's "Recently added". Entries without one show no date.
        changed: entry id -> when its file last changed (:func:`medlm_survey.export.changed_dates`).
        releases: the manifests of the data releases (``releases/*/manifest.json``,
            :func:`medlm_survey.releases.read_manifests`), newest first, for the downloads page.
        repo_url: the repository (``repo_url`` of mkdocs.yml): entry pages link its
            "report a problem" issue form; no link when None.

    Returns:
        ``{docs-relative path: text}``: Markdown pages plus the chart SVGs.
    """
    r = Renderer(catalog, edit_base=edit_base, intro=intro, today=today, added=added, changed=changed, repo_url=repo_url)
    pages: dict[str, str] = {}
    tax = catalog.taxonomy

    # entries
    for entry in catalog.entries:
        path = entry_path(entry)
        edit = None
        if r.edit_base and entry.id in catalog.paths:
            edit = r.edit_base + quote(catalog.paths[entry.id])
        meta = {"search": {"boost": 2}} if entry.kind == "model" else {}
        pages[path] = front_matter(title=html.escape(entry.name), edit_url=edit, generated=True, **meta) + r.render(
            "entry.md.j2", page=path, e=entry, edit_url=edit, yaml_path=catalog.paths.get(entry.id, ""),
        )

    pages.update(table_pages(r))
    board_pages, boards = leaderboard_pages(r, chart)
    pages.update(board_pages)
    pages.update(timeline_pages(r, chart))
    pages.update(lineage.lineage_pages(r, chart))
    pages.update(compare.compare_pages(r))
    pages.update(indexes.index_pages(r))

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
            pages[path] = front_matter(generated=True, search={"exclude": True}) + r.render(
                "term.md.j2", page=path, vocabulary=vocabulary, term=tax.term(vocabulary, term),
                by_kind=by_kind, total=len(members))
    matrices = []
    for vocabulary, title in (("modalities", "Modality"), ("tasks", "Task"), ("specialties", "Specialty")):
        rows = []
        for term in tax.ids(vocabulary):
            # Models only: a dataset or survey about CT is not a CT model.
            models = [e for e in usage[vocabulary].get(term, []) if e.kind == "model"]
            counts = Counter()
            for entry in models:
                counts.update(entry.categories)
            rows.append((term, [counts.get(f, 0) for f in r.families], len(models)))
        matrices.append((vocabulary, title, rows))
    pages["taxonomy/index.md"] = front_matter(generated=True) + r.render(
        "taxonomy.md.j2", page="taxonomy/index.md", matrices=matrices, usage=usage, vocabularies=TERM_VOCABULARIES)

    # home and downloads
    family_kind = {f: Counter(e.kind for e in catalog.entries if f in e.categories) for f in r.families}
    pages["index.md"] = front_matter(generated=True, html_blocks=False, hide=["navigation"]) + r.render(
        "home.md.j2", page="index.md", intro=intro, family_kind=family_kind,
        kind_totals=Counter(e.kind for e in catalog.entries), newest=newest(catalog.entries, 12),
        recently=export.newest([e for e in catalog.entries if e.id in r.added], r.added, RECENTLY_ADDED),
        total=len(catalog.entries), boards=len(boards))
    pages.update(downloads.downloads_pages(r, releases))
    pages["reference.md"] = front_matter(generated=True) + r.render(
        "reference.md.j2", page="reference.md", sections=schema_sections(), codes=list(CODES.items()))
    if chart_specs is not None:
        chart_specs.update(r.charts)
    else:
        pages.update(ChartJob(r.charts, background=False).result())
    return pages


def page_count(pages: Mapping[str, str]) -> int:
    return sum(1 for p in pages if p.endswith(".md"))
