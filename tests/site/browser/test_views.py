"""The views in headless Chromium: compare, lineage, the timeline chart, the families and
kinds indexes. Every page here is watched: no request may leave localhost."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

#: The fixture's models per family (an entry in two families counts in both).
MODELS_PER_FAMILY = {"llm": 6, "vision": 0, "vlm": 4, "3d": 1, "multimodal": 1, "graph": 1}


def _goto(page, site_url: str, path: str) -> None:
    page.goto(site_url + path, wait_until="load")
    page.wait_for_load_state("networkidle")


def _query(page) -> str:
    return page.evaluate("new URLSearchParams(location.search).get('ids') || ''")


# --- compare ---------------------------------------------------------------------------

def test_compare_lines_up_shared_scores_by_setting(watched_page, site_url, screenshots):
    page = watched_page
    _goto(page, site_url, "compare/?ids=med-palm-2,meditron")
    scores = page.locator(".medlm-compare-scores-table table")
    scores.wait_for()
    heads = scores.locator("thead th").all_inner_texts()
    assert heads == ["Benchmark", "Setting", "Med-PaLM 2", "MEDITRON-70B"]
    rows = scores.locator("tbody tr")
    # the one setting both report: MedQA, USMLE 4-option, accuracy, test, 5-shot
    assert rows.count() == 1
    cells = [c.strip() for c in rows.first.locator("th, td").all_inner_texts()]
    assert cells[0] == "MedQA" and cells[1].startswith("Accuracy · USMLE 4-option · test · 5-shot (%)")
    assert cells[2].startswith("79.7") and "best" in cells[2] and cells[3].startswith("64.4") and "70B" in cells[3]
    # their other MedQA scores (ensemble refinement, self-consistency) are not lined up
    text = page.locator("[data-compare-scores]").inner_text()
    assert "86.5" not in text and "70.2" not in text
    fields = page.locator(".medlm-compare-table:not(.medlm-compare-scores-table) table")
    assert fields.locator("thead th").all_inner_texts() == ["Field", "Med-PaLM 2", "MEDITRON-70B"]
    based_on = fields.locator("tr", has=page.locator("th", has_text="Based on"))
    assert based_on.locator("a", has_text="Llama 2").get_attribute("href") == "../model/llama-2/"
    page.screenshot(path=screenshots / "compare.png", full_page=True)


def test_compare_search_adds_by_name_or_alias_and_keeps_the_address(watched_page, site_url):
    page = watched_page
    _goto(page, site_url, "compare/?ids=meditron")
    page.locator("[data-compare-chosen] li").first.wait_for()
    assert "at least one more" in page.locator("[data-compare-status]").inner_text()
    page.fill("[data-compare-search]", "PubMedBERT")  # an alias of BiomedCLIP, not its name
    match = page.locator("[data-compare-matches] button")
    assert match.count() == 1 and "BiomedCLIP" in match.inner_text()
    match.click()
    page.locator(".medlm-compare-table thead th", has_text="BiomedCLIP").first.wait_for()
    assert _query(page) == "meditron,biomedclip"
    page.fill("[data-compare-search]", "llama 2")
    page.locator("[data-compare-matches] button", has_text="Llama 2").click()
    page.locator(".medlm-compare-scores-table thead th", has_text="Llama 2").wait_for()
    assert _query(page) == "meditron,biomedclip,llama-2"
    page.get_by_role("button", name="Remove BiomedCLIP").click()
    assert _query(page) == "meditron,llama-2"
    assert page.locator(".medlm-compare-table thead th", has_text="BiomedCLIP").count() == 0


def test_compare_names_unknown_ids_and_caps_the_choice(watched_page, site_url):
    page = watched_page
    _goto(page, site_url, "compare/?ids=meditron,no-such-model,llama,vicuna,llava,llava-med")
    page.locator("[data-compare-chosen] li").first.wait_for()
    status = page.locator("[data-compare-status]").inner_text()
    assert "no-such-model" in status and "only the first 4" in status
    assert _query(page) == "meditron,llama,vicuna,llava"
    page.fill("[data-compare-search]", "biomed")
    assert page.locator("[data-compare-matches] button[disabled]").count() == 2  # full: nothing can be added


def test_compare_without_javascript_explains_itself(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "compare/?ids=med-palm-2,meditron")
        assert page.locator("[data-compare-nojs]").is_visible()
        assert "compare/?ids=" in page.locator("[data-compare-howto]").inner_text()
        assert not page.locator("[data-compare-app]").is_visible()
    finally:
        context.close()


def test_entry_page_compare_button(watched_page, site_url):
    page = watched_page
    _goto(page, site_url, "model/meditron/")
    page.locator("a.medlm-link-compare").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/compare/?ids=meditron")
    page.locator(".medlm-compare-table thead th", has_text="MEDITRON-70B").wait_for()


# --- lineage ---------------------------------------------------------------------------

def test_entry_page_shows_grand_descendants(watched_page, site_url):
    page = watched_page
    _goto(page, site_url, "model/llama/")
    deep = page.locator(".medlm-lineage ul.medlm-tree ul.medlm-tree ul.medlm-tree a", has_text="LLaVA-Med")
    assert deep.count() == 1  # LLaMA -> Vicuna -> LLaVA -> LLaVA-Med
    _goto(page, site_url, "model/llava-med/")
    assert page.locator(".medlm-lineage ul.medlm-tree ul.medlm-tree ul.medlm-tree a", has_text="LLaMA").count() == 1


def test_lineage_page_switches_family(watched_page, site_url, screenshots):
    page = watched_page
    _goto(page, site_url, "lineage/")
    visible = lambda: [s for s in ("all", "llm", "vlm") if page.locator(f"#lineage-{s}").is_visible()]  # noqa: E731
    assert visible() == ["all"]
    image = page.locator("#lineage-all img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    page.select_option("[data-lineage-view]", "vlm")
    assert visible() == ["vlm"]
    assert page.evaluate("location.hash") == "#lineage-vlm"
    page.locator("#lineage-vlm summary").click()
    assert page.locator("#lineage-vlm .medlm-lineage-context a", has_text="LLaMA").is_visible()
    page.screenshot(path=screenshots / "lineage.png", full_page=True)
    _goto(page, site_url, "lineage/#lineage-llm")
    assert visible() == ["llm"]


def test_lineage_without_javascript_shows_every_family(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "lineage/")
        for key in ("all", "llm", "vlm"):
            assert page.locator(f"#lineage-{key} img").is_visible()
        assert not page.locator("[data-lineage-form]").is_visible()
    finally:
        context.close()


# --- timeline --------------------------------------------------------------------------

CHART = """() => {
  const chart = Chart.getChart(document.querySelector('[data-chart-live] canvas'));
  return {
    labels: chart.data.labels.map(l => Array.isArray(l) ? l.join(' ') : String(l)),
    series: Object.fromEntries(chart.data.datasets.map(d => [d.familyId, d.data.reduce((a, b) => a + b, 0)])),
  };
}"""


def test_timeline_chart_follows_the_filters(watched_page, site_url, screenshots):
    page = watched_page
    _goto(page, site_url, "timeline/")
    page.wait_for_function("window.Chart && Chart.getChart(document.querySelector('[data-chart-live] canvas'))")
    assert page.locator("[data-chart-live]").is_visible() and not page.locator("[data-chart-fallback]").is_visible()
    # models only, every family
    chart = page.evaluate(CHART)
    assert chart["series"] == MODELS_PER_FAMILY
    assert chart["labels"] == ["2023", "2024"]
    # unticking a family takes its bars away
    page.uncheck("input[data-filter=family][value=llm]")
    chart = page.evaluate(CHART)
    assert "llm" not in chart["series"] and chart["series"]["vlm"] == 4
    assert "Language models" not in page.locator("[data-chart-live] canvas").get_attribute("aria-label")
    # a kind adds its entries, and the axis reaches back to them with no year left out
    page.check("input[data-filter=family][value=llm]")
    page.check("input[data-filter=kind][value=benchmark]")
    chart = page.evaluate(CHART)
    assert chart["series"]["llm"] == 7 and chart["series"]["vlm"] == 5  # MedQA, VQA-RAD
    assert chart["labels"] == [str(year) for year in range(2018, 2025)]
    page.screenshot(path=screenshots / "timeline-chart.png", full_page=False)


def test_timeline_chart_fits_a_phone(watched_page, site_url, screenshots):
    page = watched_page
    page.set_viewport_size({"width": 390, "height": 844})
    _goto(page, site_url, "timeline/")
    page.wait_for_function("window.Chart && Chart.getChart(document.querySelector('[data-chart-live] canvas'))")
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    width = page.locator("[data-chart-live] canvas").evaluate("c => c.getBoundingClientRect().width")
    assert 250 < width <= 390
    page.locator("[data-chart-live]").screenshot(path=screenshots / "timeline-phone.png")


# --- families and kinds ----------------------------------------------------------------

@pytest.mark.parametrize("path, title, link", [("families/", "Families", "Vision-language models"), ("kinds/", "Kinds", "Benchmarks")])
def test_index_pages_link_to_their_tables(watched_page, site_url, path, title, link):
    page = watched_page
    _goto(page, site_url, path)
    assert page.locator("h1").inner_text().startswith(title)
    page.locator(".medlm-index-table a", has_text=link).first.click()
    page.wait_for_load_state("load")
    assert page.locator("[data-medlm-table]").count() == 1
