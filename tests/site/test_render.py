"""render.py without any site engine: escaping, links, tables, leaderboards, pages."""

from __future__ import annotations

import json
import re

import pytest

from medlm_survey import render
from medlm_survey.pages.common import md_text, page_url, relative, safe_url
from medlm_survey.render import render_pages
from medlm_survey.schema import Links

EDIT = "https://github.com/medlm-survey/medlm-survey/edit/main/"


@pytest.fixture(scope="module")
def pages(fixture_catalog):
    return render_pages(fixture_catalog, edit_base=EDIT, intro="Intro *text*.", chart=False)


def test_md_text_escapes_html_and_markdown():
    assert md_text("a<b>") == "a&lt;b&gt;"
    assert md_text("[x](javascript:y)") == r"\[x\]\(javascript:y\)"
    assert md_text("it's R&D") == "it's R&amp;D"


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://example.org/a?b=c", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,<script>", False),
        ("https://x.org/\"><script>", False),
        (" https://x.org/a b", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url(url, ok):
    assert (safe_url(url) is not None) is ok


@pytest.mark.parametrize(
    "page, target, expected",
    [
        ("index.md", "model/x.md", "model/x/"),
        ("model/x.md", "model/y.md", "../y/"),
        ("model/x.md", "index.md", "../../"),
        ("leaderboards/index.md", "leaderboards/medqa.md", "medqa/"),
        ("downloads.md", "downloads/entries.json", "entries.json"),
        ("timeline.md", "assets/charts/entries-per-year.svg", "../assets/charts/entries-per-year.svg"),
    ],
)
def test_relative_links(page, target, expected):
    assert relative(page, target) == expected


def test_page_url():
    assert page_url("index.md") == "" and page_url("a/index.md") == "a/" and page_url("a/b.md") == "a/b/"


def test_every_kind_of_page_is_rendered(pages, fixture_catalog):
    for entry in fixture_catalog.entries:
        assert f"{entry.kind}/{entry.id}.md" in pages
    for path in ("index.md", "timeline.md", "taxonomy/index.md", "leaderboards/index.md", "downloads.md",
                 "families/llm.md", "families/graph.md", "kinds/model.md", "kinds/survey.md",
                 "leaderboards/medqa.md", "leaderboards/vqa-rad.md", "taxonomy/modalities/ct.md"):
        assert path in pages, path
    assert "assets/charts/entries-per-year.svg" not in pages  # chart=False


#: JSON data islands (pages/islands.py) are the only scripts a page may hold: the browser
#: never runs them, and their text has no "<" (entry text is written with JSON escapes).
ISLAND = re.compile(r'<script type="application/json" id="medlm-[a-z-]+">([^<]*)</script>')


def test_no_entry_text_reaches_the_page_unescaped(pages):
    for path, text in pages.items():
        body = text.split("---\n", 2)[-1]
        for island in ISLAND.findall(body):
            json.loads(island)
        body = ISLAND.sub("", body)
        assert "<script" not in body, path
        assert "<img src=x" not in body and "<svg" not in body and "<iframe" not in body, path
        assert not re.search(r"""href=["']?\s*javascript:""", body, re.I), path
        if path.endswith(".json"):  # table rows: text reaches the page through textContent
            cells = [c for _, row in json.loads(text)["rows"] for c in row if isinstance(c, dict)]
            assert all("<script" not in c.get("x", "") for c in cells), path
            assert not any(re.match(r"\s*javascript:", c.get("h", ""), re.I) for c in cells), path
            continue
        for line in body.splitlines():  # Markdown is only parsed outside the HTML blocks
            if not line.startswith("<"):
                assert "](" not in line or line.startswith("Intro"), (path, line)


def test_unsafe_links_are_not_emitted(fixture_catalog):
    entry = fixture_catalog.by_id["biomedclip"]
    hostile = entry.model_copy(update={"links": Links.model_construct(code="javascript:alert(1)", weights="https://ok.example/w")})
    r = render.Renderer(fixture_catalog, edit_base=None, intro="", today=None)
    text = r.render("entry.md.j2", page="model/biomedclip.md", e=hostile, edit_url=None, yaml_path="x")
    assert "javascript:" not in text and 'href="https://ok.example/w"' in text


def test_planted_url_with_quotes_is_dropped(pages):
    text = pages["model/planted-script.md"]
    assert 'href="https://example.org/paper' not in text


def test_entry_page_is_a_model_card(pages):
    text = pages["model/meditron.md"]
    assert text.startswith("---\ntitle: \"MEDITRON-70B\"\nedit_url: \"" + EDIT + "entries/model/meditron.yaml\"")
    assert "# MEDITRON\\-70B" in text
    assert "Gated weights" in text and "License: proprietary" in text
    assert 'href="../../taxonomy/tasks/question-answering/"' in text  # chips link to term pages
    assert "@misc{meditron" in text and "2311.16079" in text  # BibTeX block
    assert "## Lineage" in text and 'href="../llama-2/"' in text
    assert "## Results" in text and "self-reported" in text and "Table 3" in text
    assert "## Covered by these surveys" in text and 'href="../../survey/survey-medical-llms/"' in text
    assert "## Scores its paper reports for other models" in text  # llama-2's score, reported by meditron


def test_backlinks_on_dataset_and_benchmark(pages):
    pmc = pages["dataset/pmc-15m.md"]
    assert "## Trained on this dataset" in pmc and 'href="../../model/biomedclip/"' in pmc
    vqa = pages["benchmark/vqa-rad.md"]
    assert "## Evaluated on this benchmark" in vqa and "leaderboards/vqa-rad/" in vqa


def test_a_partial_training_list_is_marked_and_backlinks_say_they_can_be_incomplete(pages, fixture_catalog):
    models = fixture_catalog.by_kind["model"]
    unrecorded = sum(1 for m in models if m.trained_on is None)
    partial = [m.id for m in models if m.trained_on_partial]
    assert partial == ["biomedgpt"] and unrecorded > 1
    # The model's own page says the list is partial and why, above the list.
    page = pages["model/biomedgpt.md"]
    section = page[page.index("## Trained on"):]
    assert section.index("<strong>Partial list:</strong>") < section.index('href="../../benchmark/vqa-rad/"')
    assert "name only the VQA-RAD training split" in section
    # A dataset's "trained on" list is a lower bound, and says by how much.
    for path in ("dataset/pmc-15m.md", "benchmark/vqa-rad.md"):
        note = f"The list can be incomplete: {unrecorded} catalogued models do not record their training data yet, and 1 records only part of it."
        assert note in pages[path]
    # A complete list carries no such mark.
    assert "Partial list" not in pages["model/biomedclip.md"]


def test_leaderboard_never_ranks_across_settings(fixture_catalog):
    r = render.Renderer(fixture_catalog, edit_base=None, intro="", today=None)
    groups = render.leaderboard_groups(r, "medqa")
    for group in groups:
        assert {score.result.setting() for _, score, _ in group["rows"]} == {group["setting"]}
        values = [shown for _, _, shown in group["rows"]]
        assert values == sorted(values, reverse=True)
    few_shot = next(g for g in groups if g["setting"][5] == 5 and g["setting"][6] == ("few-shot",) and g["setting"][4] == "test")
    assert [s.model.id for _, s, _ in few_shot["rows"]] == ["med-palm-2", "meditron", "llama-2", "llama-2"]
    assert [s.result.source.paper for _, s, _ in few_shot["rows"]] == ["self", "self", "self", "meditron"]
    assert len({g["anchor"] for g in groups}) == len(groups)


def test_leaderboard_page_marks_third_party(pages):
    text = pages["leaderboards/medqa.md"]
    assert "third-party" in text and 'href="../../model/meditron/"' in text


def test_leaderboard_is_one_table_opening_on_the_most_populated_setting(pages, fixture_catalog):
    text = pages["leaderboards/medqa.md"]
    assert text.count("<table") == 1
    data = json.loads(pages["assets/tables/leaderboard-medqa.json"])
    assert len(data["rows"]) == len(fixture_catalog.scores_on["medqa"])  # every score, one table
    selected = re.search(r'<select data-filter="setting">.*?<option value="([^"]+)" selected>', text, re.S).group(1)
    assert selected.startswith("usmle-4-option-accuracy-test-5-few-shot")
    # the page's own rows are those the table opens on: Med-PaLM 2, MEDITRON, Llama 2 (self)
    # and Llama 2 (by MEDITRON)
    rows = re.findall(r"<tr data-setting=\"([^\"]+)\"", text)
    assert rows == [selected] * 4
    assert "Ranks are computed only among scores of the same setting" in text


def test_reproduction_gap_and_overlap_flag_appear_where_the_data_imply_them(pages):
    medqa = pages["leaderboards/medqa.md"]
    # Llama 2 70B: 62.0 self-reported (fixture), 59.8 measured by MEDITRON -> gap -2.2
    assert "Δ −2.2 vs self-reported" in medqa
    vqa = pages["leaderboards/vqa-rad.md"]
    assert "train/test overlap" in vqa and "BiomedGPT → VQA-RAD (trained on the benchmark&#39;s own data)" in vqa
    gaps = pages["leaderboards/gaps.md"]
    assert "Llama 2" in gaps and "-2.2" in gaps


def test_comparison_table_sort_and_filter_data(pages):
    text = pages["kinds/model.md"]
    assert 'data-sort-method="number"' in text
    assert '<td data-label="Date" data-sort="20231127">2023-11-27</td>' in text  # dates sort as numbers
    assert 'data-sort="70000000000"' in text  # 70B
    assert 'data-filter="modalities"' in text and 'data-filter="access"' in text and 'data-filter="year-min"' in text
    assert 'data-action="csv"' in text
    assert text.count("<tr data-year=") == 12  # 8, and the LLaMA -> LLaVA-Med lineage chain


def test_family_tables(pages):
    assert pages["families/vlm.md"].count("<tr data-year=") == 7  # an entry in two families is in both
    assert "BiomedGPT" in pages["families/multimodal.md"]


def test_timeline_groups_by_year_and_month(pages):
    text = pages["timeline.md"]
    assert text.index('data-year="2024"') < text.index('data-year="2023"') < text.index('data-year="2018"')
    assert "November 2023" in text and 'data-filter="family"' in text and 'data-filter="kind"' in text
    assert text.count('class="medlm-event') == 17


def test_taxonomy_matrix_counts_models_and_links_to_filtered_tables(pages):
    text = pages["taxonomy/index.md"]
    row = re.search(r'<tr><th scope="row"><a href="modalities/ct/">CT</a></th>(.*?)</tr>', text).group(1)
    cells = re.findall(r">([^<>]+)</(?:a|td)>", row)
    # SAM-Med3D is the one CT model (3D family); the VQA-RAD benchmark is not counted.
    assert cells == ["–", "–", "–", "1", "–", "–", "1"]  # llm, vision, vlm, 3d, multimodal, graph, all
    assert 'href="../families/3d/?kind=model&amp;modalities=ct"' in row
    assert "medlm-gap" in row


def test_home_counts_and_newest(pages):
    text = pages["index.md"]
    assert "Intro *text*." in text  # hand-written Markdown is kept as Markdown
    assert "<strong>17</strong> entries" in text
    assert text.index("Planted") < text.index("MEDITRON")  # newest first


def test_downloads_page_links_files(pages):
    text = pages["downloads.md"]
    for name in ("entries.json", "entries.csv", "references.bib", "feed.xml"):
        assert f'href="{name}"' in text


def test_chart_spec_counts_per_year_and_family(fixture_catalog):
    spec = render.chart_spec(fixture_catalog)
    values = {(v["year"], v["family"]): v["entries"] for v in spec["data"]["values"]}
    assert values[("2023", "Language models")] == 7
    assert spec["encoding"]["color"]["scale"]["range"][0] == render.FAMILY_COLOURS["llm"]


def test_chart_renders_to_svg(fixture_catalog):
    svg = render.chart_svg(render.chart_spec(fixture_catalog))
    assert svg.lstrip().startswith("<svg") and "http://" not in svg.replace("http://www.w3.org", "")


def test_rendering_is_deterministic(fixture_catalog):
    a = render_pages(fixture_catalog, chart=False)
    b = render_pages(fixture_catalog, chart=False)
    assert a == b


def test_entry_format_page_documents_every_field_and_code(pages):
    from medlm_survey.diagnostics import CODES
    from medlm_survey.schema import MODEL_FOR_KIND, Result

    page = pages["reference.md"]
    documented = set(re.findall(r"<td><code>([a-z0-9_@.-]+)</code></td>", page))
    fields = {name for model in MODEL_FOR_KIND.values() for name in model.model_fields} | set(Result.model_fields)
    assert fields <= documented
    assert set(CODES) <= documented
    assert "<td>yes</td>" in page  # required fields are marked


def test_real_leaderboard_labels_never_repeat_a_word(repo_root):
    """'5-shot · few-shot' or 'zero-shot · zero-shot' said the same thing twice."""
    from medlm_survey.catalog import load_catalog

    catalog = load_catalog(repo_root)
    r = render.Renderer(catalog, edit_base=None, intro="", today=None)
    repeated = []
    for benchmark in catalog.scores_on:
        for group in render.leaderboard_groups(r, benchmark):
            words = [w.lower() for w in re.findall(r"[\w-]+", group["label"]) if len(w) > 2]
            if len(words) != len(set(words)):
                repeated.append(group["label"])
    assert not repeated, repeated[:5]


def test_setting_labels_say_shots_once(fixture_catalog):
    from medlm_survey.schema import Result

    source = {"paper": "self", "locator": "Table 1"}
    few = Result(benchmark="b", metric="accuracy", value=1, split="test", shots=5, prompting=["few-shot", "chain-of-thought"], source=source)
    zero = Result(benchmark="b", metric="accuracy", value=1, prompting=["zero-shot"], shots=0, source=source)
    assert render.setting_label(few, fixture_catalog.taxonomy) == "Accuracy · test · 5-shot · chain-of-thought"
    assert render.setting_label(zero, fixture_catalog.taxonomy) == "Accuracy · split not stated · zero-shot"
