"""The timeline page and its chart of entries per year and family."""

from __future__ import annotations

from collections import Counter, defaultdict

from medlm_survey.catalog import Catalog
from medlm_survey.pages.common import CHART_PATH, FAMILY_COLOURS, Renderer, front_matter
from medlm_survey.schema import EntryBase


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


def timeline_pages(r: Renderer, chart: bool) -> dict[str, str]:
    catalog = r.catalog
    pages: dict[str, str] = {}
    by_year: dict[int, dict[int, list[EntryBase]]] = defaultdict(lambda: defaultdict(list))
    for entry in sorted(catalog.entries, key=lambda e: (e.date_key, e.name.lower()), reverse=True):
        by_year[entry.year][int(entry.date[5:7])].append(entry)
    year_counts: dict[int, Counter] = defaultdict(Counter)
    for entry in catalog.entries:
        for family in entry.categories:
            year_counts[entry.year][family] += 1
    pages["timeline.md"] = front_matter(generated=True, search={"exclude": True}) + r.render(
        "timeline.md.j2", page="timeline.md", by_year=by_year, chart=CHART_PATH if chart else None,
        year_counts=sorted(year_counts.items()))
    if chart:
        pages[CHART_PATH] = chart_svg(chart_spec(catalog))
    return pages
