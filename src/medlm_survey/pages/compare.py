"""The compare page: two to four entries side by side, chosen in the browser.

The page is an explanation and an empty form; ``site/assets/javascripts/compare.js`` reads
the choice from the address (``compare/?ids=med-palm-2,meditron``, so a comparison can be
shared), loads each entry from the static API the build publishes (``downloads/api/``,
:func:`medlm_survey.export.render_api`) and lays out their fields and their scores on the
benchmark settings they share (the key of :meth:`medlm_survey.schema.Result.setting`).

What the script needs beyond the API is in a JSON data island on the page: the taxonomy's
labels, each metric's scale and direction (scores are shown on the metric's scale, as
:func:`medlm_survey.pages.common.display_value` does), and the aliases the search box
matches besides the names in ``api/index.json``.
"""

from __future__ import annotations

from medlm_survey.pages.common import (
    DATA_ACCESS_LABELS,
    MODEL_ACCESS_LABELS,
    Renderer,
    front_matter,
)
from medlm_survey.pages.islands import json_island

COMPARE_PAGE = "compare.md"
#: The most entries compared at once (columns that still fit a laptop screen).
MAX_ENTRIES = 4
ISLAND_ID = "medlm-compare-data"
#: Vocabularies whose labels the script shows.
LABELLED = ("categories", "kinds", "modalities", "tasks", "settings")


def compare_data(r: Renderer, page: str = COMPARE_PAGE) -> dict:
    """The data island of the compare page (everything relative to the page)."""
    tax = r.taxonomy
    return {
        "api": r.link(page, "downloads/api/"),
        "root": r.link(page, "index.md"),
        "max": MAX_ENTRIES,
        "labels": {vocabulary: {t: tax.label(vocabulary, t) for t in tax.ids(vocabulary)} for vocabulary in LABELLED},
        "access": {"model": MODEL_ACCESS_LABELS, "data": DATA_ACCESS_LABELS},
        "metrics": {
            m: {"label": term.label, "scale": term.scale, "direction": term.direction}
            for m in tax.ids("metrics")
            if (term := tax.term("metrics", m)) is not None
        },
        "aliases": {e.id: list(e.aliases) for e in r.catalog.entries if e.aliases},
        # Ids that have a leaderboard page (benchmarks with scores).
        "boards": sorted(b for b in r.catalog.scores_on if b in r.catalog.by_id),
    }


def compare_pages(r: Renderer) -> dict[str, str]:
    example = _example(r)
    return {
        # Full width: four columns of fields and scores need the room of both sidebars.
        COMPARE_PAGE: front_matter(generated=True, search={"exclude": True}, hide=["navigation", "toc"]) + r.render(
            "compare.md.j2", page=COMPARE_PAGE, island=json_island(ISLAND_ID, compare_data(r)),
            max_entries=MAX_ENTRIES, example=example)
    }


def _example(r: Renderer) -> list[str]:
    """Two models that share a benchmark setting, for the page's example link."""
    for scores in sorted(r.catalog.scores_on.values(), key=len, reverse=True):
        by_setting: dict[tuple, list[str]] = {}
        for score in scores:
            models = by_setting.setdefault(score.result.setting(), [])
            if score.model.id not in models:
                models.append(score.model.id)
        for models in by_setting.values():
            if len(models) >= 2:
                return models[:2]
    return [e.id for e in r.catalog.by_kind.get("model", ())[:2]]
