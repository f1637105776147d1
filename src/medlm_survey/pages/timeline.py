"""The timeline page and its chart of entries per year and family.

The chart is drawn twice: at build time as SVG (vl-convert; the page's picture without
script), and in the browser from a JSON data island with the counts per year, kind and
family (``site/assets/javascripts/timeline.js`` with the vendored Chart.js), where it follows
the page's family and kind filters. Both show models only until a reader adds a kind, both
have a year axis with every year between the first and the last (no empty year is left
out), and both mark the current year, still under way when the site is built, as partial.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from medlm_survey.catalog import Catalog
from medlm_survey.pages.common import CHART_PATH, FAMILY_COLOURS, MONTHS, Renderer, front_matter
from medlm_survey.pages.islands import json_island
from medlm_survey.schema import KINDS, EntryBase

#: Kinds the chart shows when the page opens.
DEFAULT_KINDS = ("model",)
ISLAND_ID = "medlm-timeline-data"


def year_range(entries: Iterable[EntryBase]) -> list[int]:
    """Every year from the first entry's to the last entry's, empty years included."""
    years = [e.year for e in entries]
    return list(range(min(years), max(years) + 1)) if years else []


def partial_year(catalog: Catalog, today: dt.date | None) -> int | None:
    """The last year of the catalogue when it is the year the site is built in."""
    today = today or dt.date.today()
    last = max((e.year for e in catalog.entries), default=None)
    return last if last == today.year else None


def chart_spec(catalog: Catalog, kinds: Iterable[str] | None = None, today: dt.date | None = None) -> dict:
    """Vega-Lite spec: entries of ``kinds`` (all when None) per year per family; an entry
    counts once per family. The x axis lists every year between the first and the last."""
    wanted = set(kinds) if kinds is not None else set(KINDS)
    entries = [e for e in catalog.entries if e.kind in wanted]
    counts: Counter = Counter()
    for entry in entries:
        for family in entry.categories:
            counts[(entry.year, family)] += 1
    families = [f for f in catalog.taxonomy.ids("categories")]
    values = [
        {"year": str(year), "family": catalog.taxonomy.label("categories", fam), "entries": n}
        for (year, fam), n in sorted(counts.items())
    ]
    years = [str(y) for y in year_range(entries)]
    partial = partial_year(catalog, today)
    label_expr = f"datum.value == '{partial}' ? '{partial} (partial)' : datum.value" if partial else "datum.value"
    # Mid-grey axis text reads on the white card views.css puts behind the picture.
    ink = "#555555"
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 640,
        "height": 260,
        "background": "#ffffff",
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "year", "type": "ordinal", "title": "Year of release",
                "scale": {"domain": years},
                "axis": {"labelAngle": 0, "labelExpr": label_expr, "labelOverlap": "greedy"},
            },
            "y": {"field": "entries", "type": "quantitative", "stack": "zero",
                  "title": "Models" if wanted == {"model"} else "Entries"},
            "color": {
                "field": "family",
                "type": "nominal",
                "title": "Family",
                "scale": {
                    "domain": [catalog.taxonomy.label("categories", f) for f in families],
                    "range": [FAMILY_COLOURS.get(f, "#888888") for f in families],
                },
            },
            "opacity": (
                {"condition": {"test": f"datum.year == '{partial}'", "value": 0.55}, "value": 1}
                if partial else {"value": 1}
            ),
            "tooltip": [{"field": "year"}, {"field": "family"}, {"field": "entries"}],
        },
        "config": {
            "font": "sans-serif",
            "axis": {"labelColor": ink, "titleColor": ink, "gridColor": "#dddddd", "domainColor": ink, "tickColor": ink},
            "legend": {"labelColor": ink, "titleColor": ink},
            "view": {"stroke": None},
        },
    }


def chart_data(r: Renderer, today: dt.date | None = None) -> dict:
    """The data island of the interactive chart: counts per kind, family and year."""
    catalog = r.catalog
    years = year_range(catalog.entries)
    index = {year: i for i, year in enumerate(years)}
    counts: dict[str, dict[str, list[int]]] = {
        kind: {family: [0] * len(years) for family in r.families} for kind in KINDS
    }
    for entry in catalog.entries:
        for family in entry.categories:
            if family in counts[entry.kind]:
                counts[entry.kind][family][index[entry.year]] += 1
    partial = partial_year(catalog, today)
    return {
        "years": years,
        "partial": partial,
        "built": (today or dt.date.today()).isoformat() if partial else None,
        "families": [
            {"id": f, "label": r.taxonomy.label("categories", f), "colour": FAMILY_COLOURS.get(f, "#888888")}
            for f in r.families
        ],
        "kinds": {kind: r.taxonomy.label("kinds", kind) + "s" for kind in KINDS},
        "defaultKinds": list(DEFAULT_KINDS),
        "counts": counts,
    }


#: Entries the timeline page lists (the newest); the period pages list every entry.
TIMELINE_LIST = 300
#: At most this many entries on one period page (about 230 KB of HTML): a year with more is
#: split into runs of whole months.
PERIOD_LIMIT = 700


@dataclass
class Period:
    """A page of the timeline: one year, or a run of its months when the year is large."""

    path: str
    title: str
    by_year: dict[int, dict[int, list[EntryBase]]]
    count: int


def periods_of(by_year: dict[int, dict[int, list[EntryBase]]]) -> list[Period]:
    """The period pages, newest first: a year per page, split into runs of whole months
    (newest months first) when it holds more than :data:`PERIOD_LIMIT` entries."""
    periods: list[Period] = []
    for year in sorted(by_year, reverse=True):
        months = by_year[year]
        runs: list[list[int]] = [[]]
        size = 0
        for month in sorted(months, reverse=True):
            if runs[-1] and size + len(months[month]) > PERIOD_LIMIT:
                runs.append([])
                size = 0
            runs[-1].append(month)
            size += len(months[month])
        for run in runs:
            count = sum(len(months[m]) for m in run)
            if len(runs) == 1:
                path, title = f"timeline/{year}.md", str(year)
            else:
                first, last = min(run), max(run)
                path = f"timeline/{year}-{first:02d}-{last:02d}.md"
                title = f"{MONTHS[first]}–{MONTHS[last]} {year}" if first != last else f"{MONTHS[first]} {year}"
            periods.append(Period(path, title, {year: {m: months[m] for m in run}}, count))
    return periods


def timeline_pages(r: Renderer, chart: bool) -> dict[str, str]:
    catalog = r.catalog
    pages: dict[str, str] = {}
    by_year: dict[int, dict[int, list[EntryBase]]] = defaultdict(lambda: defaultdict(list))
    newest_first = sorted(catalog.entries, key=lambda e: (e.date_key, e.name.lower()), reverse=True)
    for entry in newest_first:
        by_year[entry.year][int(entry.date[5:7])].append(entry)
    recent: dict[int, dict[int, list[EntryBase]]] = defaultdict(lambda: defaultdict(list))
    for entry in newest_first[:TIMELINE_LIST]:
        recent[entry.year][int(entry.date[5:7])].append(entry)
    periods = periods_of(by_year)
    # The chart's numbers as a table: models per family, and every kind, for each year.
    rows: dict[int, tuple[Counter, Counter]] = {year: (Counter(), Counter()) for year in year_range(catalog.entries)}
    for entry in catalog.entries:
        families, kinds = rows[entry.year]
        kinds[entry.kind] += 1
        if entry.kind in DEFAULT_KINDS:
            families.update(entry.categories)
    data = chart_data(r, r.today)
    pages["timeline.md"] = front_matter(generated=True, search={"exclude": True}) + r.render(
        "timeline.md.j2", page="timeline.md", by_year=recent, chart=CHART_PATH if chart else None,
        rows=sorted(rows.items()), kinds=KINDS, partial=data["partial"], built=data["built"],
        island=json_island(ISLAND_ID, data), periods=periods, listed=min(len(newest_first), TIMELINE_LIST))
    for i, period in enumerate(periods):
        pages[period.path] = front_matter(
            title=html.escape(f"Timeline: {period.title}"), generated=True, search={"exclude": True}
        ) + r.render(
            "timeline_period.md.j2", page=period.path, by_year=period.by_year, title=period.title, kinds=KINDS,
            listed=period.count, following=periods[i - 1] if i else None,
            previous=periods[i + 1] if i + 1 < len(periods) else None)
    if chart:
        r.charts[CHART_PATH] = chart_spec(catalog, DEFAULT_KINDS, r.today)
    return pages
