"""The living catalogue on the site: each entry page's record (dates from git, the JSON
permalink, "report a problem"), the home page's "Recently added", the releases on the
downloads page, and the site build that feeds them."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from medlm_survey import export, releases
from medlm_survey.catalog import load_catalog
from medlm_survey.render import render_pages
from medlm_survey.site_build import BuildError, SiteConfig, generate_docs

from . import fixture_history as history
from .conftest import REPO, TODAY

ISSUE_FORM = REPO / ".github/ISSUE_TEMPLATE/report-problem.yml"


@pytest.fixture(scope="module")
def pages(fixture_catalog):
    return render_pages(
        fixture_catalog, chart=False, added=history.ADDED, changed=history.CHANGED,
        releases=history.RELEASES, repo_url=history.REPO_URL,
    )  # fmt: skip


def record(page: str) -> str:
    """The entry page's record paragraph (dates, JSON, report link)."""
    return re.search(r'<div class="medlm-entry-record"[^>]*>\n(<p>.*</p>)\n</div>', page)[1]


def links(text: str) -> dict[str, str]:
    """Link text -> href (unescaped)."""
    return {html.unescape(label): html.unescape(href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', text)}


# --- entry pages -----------------------------------------------------------------------

def test_entry_page_reports_a_problem_with_the_entry_id(pages):
    href = links(record(pages["model/meditron.md"]))["Report a problem with this entry"]
    url = urlsplit(href)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://github.com/medlm-survey/medlm-survey/issues/new"
    assert parse_qs(url.query) == {"template": ["report-problem.yml"], "entry": ["meditron"]}
    assert href == "https://github.com/medlm-survey/medlm-survey/issues/new?template=report-problem.yml&entry=meditron"


def test_the_link_fills_the_forms_entry_field():
    """GitHub fills an issue form's field from the query parameter named after its id."""
    form = yaml.safe_load(ISSUE_FORM.read_text())
    ids = {item.get("id"): item for item in form["body"]}
    assert ids["entry"]["type"] == "input" and ids["entry"]["validations"]["required"] is True
    assert ISSUE_FORM.name == "report-problem.yml"


def test_the_issue_form_matches_githubs_schema():
    import subprocess
    import sys

    tool = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run([str(tool), "--builtin-schema", "vendor.github-issue-forms", str(ISSUE_FORM)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_repository_comes_from_mkdocs_yml():
    config = SiteConfig.resolve(REPO)
    assert config.repo_url == history.REPO_URL == yaml.safe_load((REPO / "mkdocs.yml").read_text())["repo_url"]


def test_entry_page_shows_when_it_was_added_and_last_changed(pages):
    assert record(pages["model/meditron.md"]).startswith(
        '<p>Added to the catalogue <time datetime="2024-03-02">2024-03-02</time>'  # 23:30 at UTC-2 is the 2nd in UTC
        ' · last changed <time datetime="2024-06-02">2024-06-02</time> · '
    )
    llama = record(pages["model/llama.md"])  # changed on the day it was added: one date
    assert llama.startswith('<p>Added to the catalogue <time datetime="2024-01-05">2024-01-05</time> · <a ')
    assert "last changed" not in llama


def test_entries_git_does_not_know_show_no_dates(pages):
    text = record(pages["model/biomedclip.md"])
    assert text.startswith('<p><a href="../../downloads/api/entries/biomedclip.json"')
    assert "Added" not in text and "changed" not in text and "<time" not in text


def test_entry_page_links_its_json_permalink(pages, fixture_catalog):
    href = links(record(pages["dataset/pmc-15m.md"]))["This entry as JSON"]
    assert href == "../../downloads/api/entries/pmc-15m.json"
    # The address is the static API's, which the site publishes under downloads/.
    assert "downloads/" + export.api_path("pmc-15m") == "downloads/api/entries/pmc-15m.json"
    assert export.api_path("pmc-15m") in export.render_api(fixture_catalog)


def test_without_a_repository_there_is_no_report_link(fixture_catalog):
    page = render_pages(fixture_catalog, chart=False)["model/meditron.md"]
    assert "Report a problem" not in page and "This entry as JSON" in page and "Added to the catalogue" not in page


# --- home and downloads ----------------------------------------------------------------

def test_home_lists_the_entries_added_most_recently(pages):
    text = pages["index.md"]
    section = text[text.index("## Recently added") : text.index("## Newest by release date")]
    names = re.findall(r'<time datetime="([\d-]+)">[\d-]+</time> <a href="[^"]+">([^<]+)</a>', section)
    assert names == [
        ("2024-04-01", "A Survey of Large Language Models in Medicine"),
        ("2024-03-02", "MEDITRON-70B"),
        ("2024-02-11", "PMC-15M"),
        ("2024-02-10", "MedQA"),
        ("2024-01-05", "LLaMA"),
    ]  # only the entries git knows, newest first


def test_home_has_no_recently_added_without_history(fixture_catalog):
    assert "## Recently added" not in render_pages(fixture_catalog, chart=False)["index.md"]


def test_recently_added_is_limited(fixture_catalog):
    import datetime as dt

    added = {e.id: dt.datetime(2024, 1, 1 + i, tzinfo=dt.UTC) for i, e in enumerate(fixture_catalog.entries)}
    text = render_pages(fixture_catalog, chart=False, added=added)["index.md"]
    section = text[text.index("## Recently added") : text.index("## Newest by release date")]
    assert section.count("<li>") == 10


def test_downloads_page_lists_the_releases_with_checksums(pages):
    text = pages["downloads.md"]
    section = text[text.index("## Releases") : text.index("## Opening entries.csv")]
    assert section.index("Release 2024.12.01") < section.index("Release 2024.06.01")  # newest first
    assert "17 entries; since 2024.06.01, 2 added, 1 changed, 0 removed" in section
    assert "15 entries; the first release" in section
    assert 'href="releases/2024.12.01/manifest.json"' in section
    assert '<a href="releases/2024.12.01/entries.parquet" download><code>entries.parquet</code></a></td><td class="medlm-num">21.3 kB</td>' in section
    assert f'<code class="medlm-sha256">{("0123456789abcdef" * 4)}</code>' in section
    assert section.count("<tr><td>") == 10


def test_downloads_page_shows_how_to_load_the_data(pages):
    text = pages["downloads.md"]
    assert 'pd.read_parquet("https://medlm-survey.github.io/medlm-survey/downloads/entries.parquet")' in text
    assert 'pd.read_json("https://medlm-survey.github.io/medlm-survey/downloads/entries.jsonl", lines=True)' in text
    assert "FROM 'https://medlm-survey.github.io/medlm-survey/downloads/entries.parquet'" in text
    assert "https://medlm-survey.github.io/medlm-survey/downloads/releases/2024.12.01/entries.parquet" in text
    for name in ("entries.jsonl", "entries.parquet"):
        assert f'<a href="{name}" download><code>downloads/{name}</code></a>' in text  # the page is downloads/


def test_downloads_page_without_releases(fixture_catalog):
    text = render_pages(fixture_catalog, chart=False)["downloads.md"]
    assert "<p>No release yet.</p>" in text and "such as <code>" not in text


# --- the site build --------------------------------------------------------------------

def test_the_build_publishes_releases_and_latest_tabular_files(catalog_copy: Path, tmp_path: Path):
    shutil.copy(REPO / "CITATION.cff", catalog_copy / "CITATION.cff")
    catalog = load_catalog(catalog_copy, today=TODAY)
    releases.write_release(releases.plan_release(catalog, version="2025.01.02"), catalog_copy)
    site = SiteConfig.resolve(
        catalog_copy, config_file=REPO / "mkdocs.yml", docs_dir=tmp_path / "docs", site_dir=tmp_path / "public",
        sources_dir=REPO / "site",
    )  # fmt: skip
    generate_docs(catalog, site)
    docs = site.docs_dir
    for name in (*releases.DATA_FILES, "manifest.json"):
        assert (docs / "downloads/releases/2025.01.02" / name).read_bytes() == (catalog_copy / "releases/2025.01.02" / name).read_bytes()
    assert (docs / "downloads/entries.parquet").read_bytes() == (catalog_copy / "releases/2025.01.02/entries.parquet").read_bytes()
    assert (docs / "downloads/entries.jsonl").read_text().count("\n") == len(catalog.entries)
    downloads = (docs / "downloads.md").read_text()
    assert "Release 2025.01.02" in downloads
    sha = json.loads((catalog_copy / "releases/2025.01.02/manifest.json").read_text())["files"]["entries.json"]["sha256"]
    assert sha in downloads
    meditron = (docs / "model/meditron.md").read_text()
    assert "issues/new?template=report-problem.yml&amp;entry=meditron" in meditron
    # An edited release stops the build instead of publishing a changed citable file.
    (catalog_copy / "releases/2025.01.02/references.bib").write_text("changed\n")
    with pytest.raises(BuildError, match="does not match the checksum"):
        generate_docs(catalog, site)
