"""The views, rendered without a site engine: lineage, compare, the timeline's chart data,
the families and kinds indexes, and the JSON data islands."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest

from medlm_survey.catalog import Catalog
from medlm_survey.pages import compare, indexes, lineage, timeline
from medlm_survey.pages.common import Renderer
from medlm_survey.pages.islands import json_island
from medlm_survey.render import render_pages


@pytest.fixture(scope="module")
def pages(fixture_catalog):
    return render_pages(fixture_catalog, chart=False)


@pytest.fixture(scope="module")
def r(fixture_catalog):
    return Renderer(fixture_catalog, edit_base=None, intro="", today=None)


def island(text: str, element_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{element_id}">([^<]*)</script>', text)
    assert found, element_id
    return json.loads(found.group(1))


def with_entries(catalog: Catalog, *changed) -> Catalog:
    """The catalogue with some entries replaced (indexes rebuilt; checks not run)."""
    by_id = {e.id: e for e in catalog.entries}
    by_id.update({e.id: e for e in changed})
    return Catalog(catalog.root, catalog.taxonomy, tuple(sorted(by_id.values(), key=lambda e: e.id)),
                   catalog.paths, (), catalog.files)


def tree_text(nodes, depth=0) -> list[str]:
    out = []
    for node in nodes:
        out.append("  " * depth + node.entry.id + ("" if node.in_view else " (context)"))
        out += tree_text(node.children, depth + 1)
    return out


# --- JSON data islands -----------------------------------------------------------------

def test_island_cannot_close_its_script_element():
    text = str(json_island("medlm-x", {"name": "</script><script>alert(1)</script>", "a": "x & <!-- y"}))
    body = text[len('<script type="application/json" id="medlm-x">'):-len("</script>")]
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == {"name": "</script><script>alert(1)</script>", "a": "x & <!-- y"}


# --- lineage ---------------------------------------------------------------------------

def test_forest_follows_base_models_to_every_depth(fixture_catalog):
    assert tree_text(lineage.forest(fixture_catalog)) == [
        "llama", "  vicuna", "    llava", "      llava-med",
        "llama-2", "  meditron",
    ]


def test_family_forest_keeps_the_ancestors_of_its_models(fixture_catalog):
    roots = lineage.forest(fixture_catalog)
    assert tree_text(lineage.family_forest(roots, "vlm")) == [
        "llama (context)", "  vicuna (context)", "    llava", "      llava-med",
    ]
    assert tree_text(lineage.family_forest(roots, "llm")) == ["llama", "  vicuna", "llama-2", "  meditron"]
    assert lineage.family_forest(roots, "graph") == []


def test_model_with_two_bases_appears_under_each(fixture_catalog):
    llava = fixture_catalog.by_id["llava"].model_copy(update={"base_models": ["vicuna", "llama-2"]})
    catalog = with_entries(fixture_catalog, llava)
    assert tree_text(lineage.forest(catalog)) == [
        "llama", "  vicuna", "    llava", "      llava-med",
        "llama-2", "  llava", "    llava-med", "  meditron",
    ]
    page = lineage.lineage_pages(Renderer(catalog, edit_base=None, intro="", today=None), chart=False)["lineage.md"]
    assert "(also built on Llama 2)" in page and "(also built on Vicuna)" in page


def test_a_cycle_cannot_hang_the_lineage(fixture_catalog):
    """checks.py refuses cycles; the pages stop at a model already on the path anyway."""
    llama = fixture_catalog.by_id["llama"].model_copy(update={"base_models": ["llava"]})
    catalog = with_entries(fixture_catalog, llama)
    r = Renderer(catalog, edit_base=None, intro="", today=None)
    text = r.render("entry.md.j2", page="model/llama.md", e=llama, edit_url=None, yaml_path="x")
    assert text.count('href="../llava-med/"') == 1
    assert lineage.forest(catalog)[0].entry.id == "llama-2"  # the cycle has no root


def test_entry_page_lists_every_descendant_nested(pages):
    text = pages["model/llama.md"]
    section = text[text.index("## Lineage"):text.index("## Trained on")]
    assert "<h3>Models derived from it</h3>" in section and "Based on" not in section
    # LLaMA -> Vicuna -> LLaVA -> LLaVA-Med: three lists deep
    nested = re.search(r'Vicuna</a>.*?<ul class="medlm-tree">\n<li><a href="../llava/">LLaVA</a>.*?'
                       r'<ul class="medlm-tree">\n<li><a href="../llava-med/">LLaVA-Med</a>', section, re.S)
    assert nested, section
    assert section.count('<ul class="medlm-tree">') == 3


def test_entry_page_lists_every_ancestor_nested(pages):
    text = pages["model/llava-med.md"]
    section = text[text.index("## Lineage"):text.index("## Trained on")]
    assert "Models derived from it" not in section
    order = [section.index(f'href="../{m}/"') for m in ("llava", "vicuna", "llama")]
    assert order == sorted(order) and section.count('<ul class="medlm-tree">') == 3
    assert 'href="../../compare/?ids=llava-med,llava"' in section
    assert 'href="../../lineage/"' in section


def test_lineage_page_has_a_view_per_family_with_lists(pages):
    text = pages["lineage.md"]
    assert re.findall(r'<option value="([a-z0-9-]+)">', text) == ["all", "llm", "vlm"]
    for key in ("all", "llm", "vlm"):
        assert f'id="lineage-{key}"' in text and f'href="#lineage-{key}"' in text
    vlm = text[text.index('id="lineage-vlm"'):]
    assert 'class="medlm-lineage-context"><a href="../model/llama/">LLaMA</a>' in vlm
    assert "<img" not in text  # chart=False: the lists alone, open
    assert "<details class=\"medlm-lineage-list\" open>" in text


def test_lineage_svgs_are_build_time_files(fixture_catalog):
    r = Renderer(fixture_catalog, edit_base=None, intro="", today=None)
    out = lineage.lineage_pages(r, chart=True)
    assert sorted(p for p in out if p.endswith(".svg")) == [
        "assets/charts/lineage-all.svg", "assets/charts/lineage-llm.svg", "assets/charts/lineage-vlm.svg"]
    svg = out["assets/charts/lineage-all.svg"]
    assert svg.lstrip().startswith("<svg") and "LLaVA-Med (2023)" in svg and "MEDITRON-70B (2023)" in svg
    assert "http://" not in svg.replace("http://www.w3.org", "") and "https://" not in svg
    assert "LLaVA-Med" not in out["assets/charts/lineage-llm.svg"]
    page = out["lineage.md"]
    assert re.search(r'<img src="../assets/charts/lineage-vlm.svg" alt="[^"]+" loading="lazy" width="\d+" height="\d+">', page)


def test_lineage_svg_escapes_names_and_fits_its_labels(fixture_catalog):
    llama = fixture_catalog.by_id["llama"].model_copy(update={"name": 'A<b onload="x">&amp;'})
    catalog = with_entries(fixture_catalog, llama)
    roots = lineage.forest(catalog)
    svg = lineage.lineage_svg(lineage.lineage_spec(roots), 'Lineage: "all"')
    assert "A&lt;b onload=&#34;x&#34;&gt;&amp;amp; (2023)" in svg and "<b" not in svg
    assert '<title>Lineage: &#34;all&#34;</title>' in svg
    width = float(re.search(r'<svg[^>]* width="([0-9.]+)"', svg).group(1))
    x = max(float(v) for v in re.findall(r'<text x="([0-9.]+)"', svg))
    assert width >= x + 7 * len("LLaVA-Med (2023)")  # the deepest label is inside the canvas
    assert svg.count("<circle") == 6 and svg.count("<path") == 4  # six models, four links


def test_lineage_spec_is_a_vega_tree(fixture_catalog):
    spec = lineage.lineage_spec(lineage.forest(fixture_catalog))
    transforms = [t["type"] for t in spec["data"][0]["transform"]]
    assert transforms == ["stratify", "tree"]
    labels = [v.get("label") for v in spec["data"][0]["values"]]
    assert labels[:5] == [None, "LLaMA (2023)", "Vicuna (2023)", "LLaVA (2023)", "LLaVA-Med (2023)"]


# --- compare ---------------------------------------------------------------------------

def test_compare_page_explains_itself_and_carries_its_data(pages, fixture_catalog):
    text = pages["compare.md"]
    assert "compare/?ids=" in text and "needs JavaScript" in text
    assert re.search(r'<div class="medlm-compare-app" data-compare-app hidden>', text)
    data = island(text, compare.ISLAND_ID)
    assert data["api"] == "../downloads/api/" and data["root"] == "../" and data["max"] == 4
    metrics = fixture_catalog.taxonomy.terms["metrics"]
    assert data["metrics"]["accuracy"] == {"label": "Accuracy", "scale": "percent", "direction": "higher"}
    assert {m: v["scale"] for m, v in data["metrics"].items()} == {m: t.scale for m, t in metrics.items()}
    assert data["aliases"]["meditron"] == ["Meditron"] and "med-palm-2" not in data["aliases"]
    assert data["labels"]["settings"]["few-shot"] == "few-shot"
    assert data["boards"] == ["medqa", "vqa-rad"]


def test_compare_example_pairs_models_with_a_shared_setting(r):
    a, b = compare._example(r)
    settings = [{s.result.setting() for s in r.catalog.scores_on["medqa"] if s.model.id == m} for m in (a, b)]
    assert settings[0] & settings[1]


def test_entry_pages_link_to_compare(pages):
    assert '<a class="md-button medlm-link-compare" href="../../compare/?ids=meditron">Compare</a>' in pages["model/meditron.md"]
    assert 'href="../../compare/?ids=meditron,llama-2"' in pages["model/meditron.md"]
    assert 'href="../../compare/?ids=medqa"' in pages["benchmark/medqa.md"]


# --- timeline --------------------------------------------------------------------------

def test_timeline_data_has_every_year_and_every_count(pages, fixture_catalog):
    data = island(pages["timeline.md"], timeline.ISLAND_ID)
    assert data["years"] == list(range(2018, 2025))  # 2019, 2021 and 2022 have no entry
    assert data["defaultKinds"] == ["model"]
    total = sum(sum(values) for families in data["counts"].values() for values in families.values())
    assert total == sum(len(e.categories) for e in fixture_catalog.entries)
    llm_models = data["counts"]["model"]["llm"]
    assert llm_models[data["years"].index(2023)] == 5 and llm_models[data["years"].index(2024)] == 1
    assert data["partial"] is None  # the fixture's last year (2024) is over


def test_timeline_marks_the_current_year_as_partial(fixture_catalog):
    today = dt.date(2024, 3, 15)
    r = Renderer(fixture_catalog, edit_base=None, intro="", today=today)
    text = timeline.timeline_pages(r, chart=False)["timeline.md"]
    data = island(text, timeline.ISLAND_ID)
    assert data["partial"] == 2024 and data["built"] == "2024-03-15"
    assert '<th scope="row">2024 (partial)</th>' in text
    spec = timeline.chart_spec(fixture_catalog, ["model"], today)
    assert "2024 (partial)" in spec["encoding"]["x"]["axis"]["labelExpr"]


def test_chart_spec_axis_has_no_gap(fixture_catalog):
    spec = timeline.chart_spec(fixture_catalog)
    assert spec["encoding"]["x"]["scale"]["domain"] == [str(y) for y in range(2018, 2025)]
    models = timeline.chart_spec(fixture_catalog, ["model"])
    assert models["encoding"]["x"]["scale"]["domain"] == ["2023", "2024"]
    assert {v["year"] for v in models["data"]["values"]} == {"2023", "2024"}


def test_timeline_table_lists_empty_years(pages):
    text = pages["timeline.md"]
    years = re.findall(r'<tr><th scope="row">(\d{4})', text)
    assert years == [str(y) for y in range(2018, 2025)]


# --- families and kinds ----------------------------------------------------------------

def test_index_pages_list_terms_with_descriptions_and_counts(pages, fixture_catalog):
    families = pages["families/index.md"]
    tax = fixture_catalog.taxonomy
    for family in tax.ids("categories"):
        term = tax.term("categories", family)
        assert f'<a href="{family}/">{term.label}</a>' in families and term.description in families
    assert re.search(r'<a href="llm/">Language models</a></th>(<td class="medlm-num">\d+</td>){4}<td class="medlm-num">9</td>', families)
    assert "6 models · 1 dataset · 1 benchmark · 1 survey" in families
    kinds = pages["kinds/index.md"]
    for kind in tax.ids("kinds"):
        assert f'href="{kind}/"' in kinds and tax.term("kinds", kind).description in kinds
    assert re.search(r'<a href="model/">Models</a></th>(<td class="medlm-num">\d+</td>){6}<td class="medlm-num">12</td>', kinds)


def test_index_pages_need_no_chart(fixture_catalog):
    r = Renderer(fixture_catalog, edit_base=None, intro="", today=None)
    assert set(indexes.index_pages(r)) == {"families/index.md", "kinds/index.md"}


def test_empty_catalogue_renders_every_view(fixture_catalog):
    empty = dataclasses.replace(fixture_catalog, entries=())
    r = Renderer(empty, edit_base=None, intro="", today=None)
    assert "Lineage" in lineage.lineage_pages(r, chart=False)["lineage.md"]
    assert "Compare" in compare.compare_pages(r)["compare.md"]
    assert "Families" in indexes.index_pages(r)["families/index.md"]
