"""The built fixture site in headless Chromium: tables, timeline, search, entry pages,
the planted-script entry, offline behaviour and screenshots."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.browser


def _goto(page, site_url: str, path: str) -> None:
    page.goto(site_url + path, wait_until="load")
    page.wait_for_load_state("networkidle")


def _search(page, site_url: str, text: str) -> None:
    """Search on the Pagefind search page (the query is in the address, as a shared link)."""
    _goto(page, site_url, "search/?q=" + text)
    page.locator(".pagefind-ui__result").first.wait_for(timeout=15000)


def _result_titles(page) -> list[str]:
    return page.eval_on_selector_all(".pagefind-ui__result-title", "els => els.map(e => e.textContent.trim())")


def _visible_names(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-medlm-table] tbody tr:not([hidden]) td:first-child", "cells => cells.map(c => c.textContent.trim())"
    )


def test_home_counts_and_ways_in(watched_page, site_url, screenshots):
    page = watched_page
    _goto(page, site_url, "")
    assert "Medical Large Models Survey" in page.title()
    stats = page.locator(".medlm-stats").inner_text()
    assert "17" in stats and "models" in stats
    for way in ("Families", "Search", "Timeline", "Leaderboards", "Compare", "Lineage", "Taxonomy", "Downloads"):
        assert page.locator(".medlm-ways").get_by_text(way, exact=True).count() == 1
    page.screenshot(path=screenshots / "home.png", full_page=True)


def test_table_sorts_filters_and_downloads_visible_rows(watched_page, site_url, screenshots):
    page = watched_page
    _goto(page, site_url, "kinds/model/")
    table = page.locator("[data-medlm-table] table")
    assert len(_visible_names(page)) == 12  # 8, and the LLaMA -> LLaVA-Med lineage chain
    # sort by size (numbers, not strings), smallest variant first, unknown sizes last
    header = table.locator("th", has_text="Sizes")
    header.click()
    page.wait_for_selector("[data-medlm-table][data-loaded='1']")  # the first sort loads every row
    sizes = page.eval_on_selector_all(
        "[data-medlm-table] tbody tr td:nth-child(5)", "cells => cells.map(c => c.textContent.trim())"
    )
    assert sizes[:6] == ["100M", "182M", "200M", "1B", "7B · 70B", "70B"]
    assert sizes[6:] == ["not recorded"] * 6
    # "up to 10 billion parameters": models with a variant that small; unknown sizes drop out
    page.fill("[data-filter=size-max]", "10")
    visible = sorted(_visible_names(page))
    assert [name for name in visible if not name.startswith("Planted")] == ["BiomedCLIP", "BiomedGPT", "MEDITRON-70B", "SAM-Med3D"]
    assert len(visible) == 5  # and the planted fixture's 1B variant
    page.fill("[data-filter=size-max]", "")
    assert len(_visible_names(page)) == 12
    # sort by date ascending
    table.locator("th", has_text="Date").click()
    dates = page.eval_on_selector_all("[data-medlm-table] tbody tr td:nth-child(3)", "c => c.map(x => x.textContent)")
    assert dates == sorted(dates)
    # free-text filter
    page.fill("[data-filter=text]", "biomed")
    assert sorted(_visible_names(page)) == ["BiomedCLIP", "BiomedGPT"]
    assert page.locator("[data-count]").inner_text() == "2"
    # facet filter on top of it
    page.select_option("[data-filter=tasks]", "report-generation")
    assert _visible_names(page) == ["BiomedGPT"]
    page.screenshot(path=screenshots / "table-filtered.png", full_page=False)
    # CSV of the visible rows only
    with page.expect_download() as info:
        page.click("[data-action=csv]")
    download = info.value
    text = open(download.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Name" and len(rows) == 2 and rows[1][0] == "BiomedGPT"
    # year range
    page.click("[data-medlm-table] button[type=reset]")
    page.wait_for_function("document.querySelector('[data-count]').textContent === '12'")
    page.fill("[data-filter=year-min]", "2023")
    page.fill("[data-filter=year-max]", "2023")
    assert "Planted" not in " ".join(_visible_names(page))  # 2024 entry filtered out
    page.fill("[data-filter=year-min]", "")
    page.fill("[data-filter=year-max]", "")
    page.click("[data-medlm-table] button[type=reset]")
    page.wait_for_function("document.querySelector('[data-count]').textContent === '12'")
    page.screenshot(path=screenshots / "table.png", full_page=True)


def test_timeline_filter(watched_page, site_url, screenshots):
    page = watched_page
    _goto(page, site_url, "timeline/")
    assert page.locator(".medlm-chart img").evaluate("img => img.complete && img.naturalWidth > 0")
    # models only until another kind is ticked (the chart follows the same filters)
    assert page.locator(".medlm-event:not([hidden])").count() == 12
    for kind in ("dataset", "benchmark", "survey"):
        page.check(f"input[data-filter=kind][value={kind}]")
    total = page.locator(".medlm-event:not([hidden])").count()
    assert total == 17
    page.uncheck("input[data-filter=family][value=llm]")
    shown = page.locator(".medlm-event:not([hidden])").count()
    assert 0 < shown < total
    assert page.locator(".medlm-event:not([hidden])", has_text="MEDITRON").count() == 0
    page.uncheck("input[data-filter=kind][value=model]")
    kinds = page.eval_on_selector_all(".medlm-event:not([hidden])", "els => els.map(e => e.dataset.kind)")
    assert kinds and "model" not in kinds
    assert page.locator("[data-count]").inner_text() == str(len(kinds))
    page.check("input[data-filter=family][value=llm]")
    page.check("input[data-filter=kind][value=model]")
    page.screenshot(path=screenshots / "timeline.png", full_page=True)


def test_search_finds_biomedclip(watched_page, site_url):
    page = watched_page
    _search(page, site_url, "BiomedCLIP")
    assert _result_titles(page)[0] == "BiomedCLIP · Model · Vision-language models"  # kind and family shown
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_load_state("load")
    assert "/model/biomedclip/" in page.url


def test_search_by_alias(watched_page, site_url):
    page = watched_page
    _search(page, site_url, "MedQA-USMLE")
    assert _result_titles(page)[0].startswith("MedQA · Benchmark")


def test_search_ranks_the_exact_name_first_and_filters_by_kind(watched_page, site_url):
    page = watched_page
    _search(page, site_url, "llama")
    titles = _result_titles(page)
    assert titles[0].startswith("LLaMA · Model"), titles  # before Llama 2 and models built on it
    assert any(t.startswith("Llama 2") for t in titles)
    # the search page offers kind and family filters, and tables are not indexed
    page.locator(".pagefind-ui__filter-name", has_text="Kind").first.wait_for()
    _search(page, site_url, "models")
    pages = {t.split(" ·")[0].rstrip("¶ ") for t in _result_titles(page)}
    assert not pages & {"Models", "Language models", "Vision-language models", "Timeline"}


def test_entry_page_results_bibtex_and_edit_link(watched_page, site_url, screenshots):
    page = watched_page
    _goto(page, site_url, "model/meditron/")
    assert page.locator("h1").inner_text().startswith("MEDITRON-70B")
    results = page.locator(".medlm-results table")
    assert results.locator("tbody tr").count() == 2
    assert "64.4" in results.inner_text() and "self-reported" in results.inner_text()
    bib = page.locator(".medlm-bibtex pre").inner_text()
    assert bib.startswith("@misc{meditron") and "2311.16079" in bib
    assert page.locator("a[rel=edit]").get_attribute("href").endswith("entries/model/meditron.yaml")
    assert page.locator(".medlm-lineage a", has_text="Llama 2").count() == 1
    assert page.locator("h2", has_text="Covered by these surveys").count() == 1
    page.screenshot(path=screenshots / "entry.png", full_page=True)


def test_planted_script_never_runs(watched_page, site_url):
    page = watched_page
    for path in ("model/planted-script/", "kinds/model/", "timeline/", "leaderboards/medqa/", "families/llm/"):
        _goto(page, site_url, path)
        assert page.evaluate("window.__pwned === undefined")
    _goto(page, site_url, "model/planted-script/")
    assert "<script>" in page.locator("h1").inner_text()  # shown as text
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
    assert page.locator(".md-content img[src=x]").count() == 0
    # the search results render the hostile name as text too
    _search(page, site_url, "Planted")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned === undefined")


def test_phone_width_and_dark_mode(watched_page, site_url, screenshots):
    page = watched_page
    page.set_viewport_size({"width": 390, "height": 844})
    _goto(page, site_url, "kinds/model/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the page scrolls sideways at phone width"
    page.screenshot(path=screenshots / "table-phone.png", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    for _ in range(3):  # the toggle cycles system -> light -> dark
        page.locator("form[data-md-component=palette] label:not([hidden])").first.click()
        if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate":
            break
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate" != scheme or scheme == "slate"
    page.screenshot(path=screenshots / "table-dark.png", full_page=False)


def test_requests_stay_local_and_few(watched_page, site_url):
    page = watched_page
    _goto(page, site_url, "kinds/model/")
    assert page.watch.foreign == []
    assert 0 < len(page.watch.requests) <= 15, page.watch.requests
