"""Tables ship every row as compact JSON and only their first rows as HTML."""

from __future__ import annotations

import json
import re

from medlm_survey.pages import common
from medlm_survey.render import render_pages


def test_every_row_is_in_the_json_with_its_filter_data(fixture_catalog):
    pages = render_pages(fixture_catalog, chart=False)
    document = json.loads(pages["assets/tables/kind-model.json"])
    assert document["version"] == 1
    assert document["columns"][:3] == ["Name", "Families", "Date"]
    assert len(document["rows"]) == len(fixture_catalog.by_kind["model"])
    keys = document["keys"]
    assert {"year", "sizes", "tasks", "access", "text"} <= set(keys)
    data, cells = document["rows"][0]
    assert len(data) == len(keys) and len(cells) == len(document["columns"])
    name = cells[0]
    assert set(name) == {"t", "s", "h"} and name["h"].startswith("../../model/")  # relative to the table's page
    # every leaderboard and family table has its file, linked from its page
    for path, text in pages.items():
        if "data-medlm-table" in text:
            url = re.search(r'data-rows="([^"]+)"', text).group(1)
            assert url.startswith("../") and url.endswith(".json")
            assert "assets/tables/" + url.rsplit("/", 1)[1] in pages, path


def test_only_the_first_rows_are_html(fixture_catalog, monkeypatch):
    monkeypatch.setattr(common, "FIRST_ROWS", 5)
    page = render_pages(fixture_catalog, chart=False)["kinds/model.md"]
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert body.count("<tr ") == 5
    assert '<span data-count>12</span> of <span data-total>12</span>' in page  # the whole opening view
    assert "<noscript>" in page and "first 5" in page


def test_a_long_term_page_lists_the_newest_and_links_the_filtered_table(fixture_catalog, monkeypatch):
    monkeypatch.setattr(common, "TERM_LIST", 2)
    pages = render_pages(fixture_catalog, chart=False)
    page = pages["taxonomy/modalities/text.md"]
    models = page.split("## Models (", 1)[1]
    count = int(models.split(")", 1)[0])
    assert count > 2
    listed = models.split("</ul>", 1)[0]
    assert listed.count("<li>") == 2
    assert f'all {count} are in the model table, filtered by this term</a>' in models
    assert 'href="../../../kinds/model/?modalities=text"' in models
    # the languages vocabulary has its facet on the tables, so its links filter too
    assert 'data-filter="languages"' in pages["kinds/model.md"]


def test_timeline_lists_the_newest_and_every_entry_is_on_its_period_page(fixture_catalog, monkeypatch):
    from medlm_survey.pages import timeline

    monkeypatch.setattr(timeline, "TIMELINE_LIST", 3)
    monkeypatch.setattr(timeline, "PERIOD_LIMIT", 2)
    pages = render_pages(fixture_catalog, chart=False)
    assert pages["timeline.md"].count('<li class="medlm-event') == 3
    periods = {path: text for path, text in pages.items() if path.startswith("timeline/")}
    assert sum(text.count('<li class="medlm-event') for text in periods.values()) == len(fixture_catalog.entries)
    assert all(text.count('<li class="medlm-event') <= 2 or "–" not in path for path, text in periods.items())
    assert any(re.fullmatch(r"timeline/\d{4}-\d\d-\d\d\.md", path) for path in periods)  # a split year
    for path in periods:
        assert f'href="{path[len("timeline/"):-3]}/"' in pages["timeline.md"]


def test_a_large_lineage_view_names_its_largest_trees_only(fixture_catalog, monkeypatch):
    from medlm_survey.pages import lineage

    full = render_pages(fixture_catalog, chart=False)["lineage.md"]
    monkeypatch.setattr(lineage, "LINEAGE_LIST", 1)
    monkeypatch.setattr(lineage, "LINEAGE_ROOTS", 1)
    short = render_pages(fixture_catalog, chart=False)["lineage.md"]
    assert "too many models to list here" in short and "too many models" not in full
    assert len(short) < len(full)
    assert "built on it)" in short
