"""site_build.py and the build command: the docs folder, the swap, the engines, the CLI."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from medlm_survey.catalog import load_catalog
from medlm_survey.cli import cli
from medlm_survey.site_build import (
    BuildError,
    CatalogErrors,
    SiteConfig,
    build_site,
    edit_base_of,
    generate_docs,
    read_config,
    sync_tree,
)

from .conftest import REPO, TODAY


def test_sync_tree_writes_only_changes_and_removes_stale(tmp_path: Path):
    target = tmp_path / "docs"
    first = sync_tree({"a.md": b"A", "sub/b.md": b"B", "old/c.md": b"C"}, target)
    assert sorted(first.written) == ["a.md", "old/c.md", "sub/b.md"]
    before = (target / "a.md").stat().st_mtime_ns
    second = sync_tree({"a.md": b"A", "sub/b.md": b"B2"}, target)
    assert second.written == ["sub/b.md"] and second.unchanged == 1 and second.removed == ["old/c.md"]
    assert (target / "a.md").stat().st_mtime_ns == before  # untouched
    assert not (target / "old").exists()  # empty folders go too
    assert (target / "sub/b.md").read_bytes() == b"B2"


def test_edit_base_points_at_the_repository_root():
    config = read_config(REPO / "mkdocs.yml")
    assert config["docs_dir"] == "build/docs" and config["site_dir"] == "public"
    assert config["theme"]["font"] is False
    assert edit_base_of(config) == config["repo_url"].rstrip("/") + "/edit/main/"


def test_navigation_lists_no_entry_pages():
    nav = str(read_config(REPO / "mkdocs.yml")["nav"])
    for kind in ("model/", "dataset/", "benchmark/", "survey/"):
        assert f"'{kind}" not in nav and f" {kind}" not in nav


def _site(root: Path, tmp: Path) -> SiteConfig:
    return SiteConfig.resolve(root, config_file=REPO / "mkdocs.yml", docs_dir=tmp / "docs", site_dir=tmp / "public", sources_dir=REPO / "site")


def test_generate_docs_is_incremental(catalog_copy: Path, tmp_path: Path):
    site = _site(catalog_copy, tmp_path)
    catalog = load_catalog(catalog_copy, today=TODAY)
    report, pages = generate_docs(catalog, site)
    assert pages > 50 and (site.docs_dir / "model/biomedclip.md").exists()
    assert (site.docs_dir / "about.md").exists() and (site.docs_dir / "assets/javascripts/medlm.js").exists()
    assert not (site.docs_dir / "home.md").exists() and not (site.docs_dir / "overrides").exists()
    again, _ = generate_docs(catalog, site)
    assert again.written == [] and again.removed == []
    # remove an entry: its page goes, the pages that mention it change, nothing else
    (catalog_copy / "entries/model/sam-med3d.yaml").unlink()
    report, _ = generate_docs(load_catalog(catalog_copy, today=TODAY), site)
    assert "model/sam-med3d.md" in report.removed
    assert "model/biomedclip.md" not in report.written
    assert "timeline.md" in report.written


def test_downloads_are_in_the_docs(catalog_copy: Path, tmp_path: Path):
    pytest.importorskip("medlm_survey.export")
    site = _site(catalog_copy, tmp_path)
    generate_docs(load_catalog(catalog_copy, today=TODAY), site)
    for name in ("entries.json", "entries.csv", "references.bib", "feed.xml", "entries.jsonl", "entries.parquet"):
        assert (site.docs_dir / "downloads" / name).exists(), name


def test_errors_leave_the_old_site_untouched(catalog_copy: Path, tmp_path: Path):
    result = build_site(catalog_copy, catalog=load_catalog(catalog_copy, today=TODAY), **_paths(tmp_path))
    index = result.site_dir / "index.html"
    before = index.read_bytes()
    docs_before = sorted(p.name for p in (tmp_path / "docs").rglob("*"))
    broken = catalog_copy / "entries/model/meditron.yaml"
    broken.write_text(broken.read_text().replace("base_models: [llama-2]", "base_models: [llama-9]"))
    with pytest.raises(CatalogErrors) as info:
        build_site(catalog_copy, catalog=load_catalog(catalog_copy, today=TODAY), **_paths(tmp_path))
    assert any(d.code == "unknown-reference" for d in info.value.catalog.errors)
    assert index.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "docs").rglob("*")) == docs_before


def test_engine_failure_leaves_the_old_site(catalog_copy: Path, tmp_path: Path):
    catalog = load_catalog(catalog_copy, today=TODAY)
    result = build_site(catalog_copy, catalog=catalog, **_paths(tmp_path))
    before = (result.site_dir / "index.html").read_bytes()
    bad = tmp_path / "bad.yml"
    bad.write_text((REPO / "mkdocs.yml").read_text().replace("name: material", "name: no-such-theme"))
    paths = _paths(tmp_path) | {"config_file": bad}
    with pytest.raises(BuildError):
        build_site(catalog_copy, catalog=catalog, **paths)
    assert (result.site_dir / "index.html").read_bytes() == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")]
    assert leftovers == []


def _paths(tmp: Path) -> dict:
    return {
        "config_file": REPO / "mkdocs.yml",
        "docs_dir": tmp / "docs",
        "site_dir": tmp / "public",
        "sources_dir": REPO / "site",
    }


def test_mkdocs_build_output(built_site: Path):
    assert (built_site / "model/biomedclip/index.html").exists()
    assert (built_site / "assets/charts/entries-per-year.svg").exists()
    html = (built_site / "kinds/model/index.html").read_text()
    assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html
    for page in built_site.rglob("*.html"):
        text = page.read_text()
        assert "cdn.jsdelivr" not in text and "unpkg.com" not in text, page
    nav = (built_site / "index.html").read_text()
    assert "model/biomedclip/" not in nav.split('class="md-content"')[0]  # not in the navigation
    edit = (built_site / "model/biomedclip/index.html").read_text()
    assert 'href="https://github.com/medlm-survey/medlm-survey/edit/main/entries/model/biomedclip.yaml"' in edit


def test_zensical_builds_the_same_docs(catalog_copy: Path, tmp_path: Path):
    """Moving engines stays a one-word change: the same docs folder builds with Zensical."""
    if not shutil.which("zensical") and not (Path(os.sys.executable).with_name("zensical")).exists():
        pytest.skip("zensical not installed")
    catalog = load_catalog(catalog_copy, today=TODAY)
    result = build_site(catalog_copy, catalog=catalog, engine="zensical", **_paths(tmp_path))
    for page in ("index.html", "model/biomedclip/index.html", "kinds/model/index.html", "timeline/index.html",
                 "leaderboards/medqa/index.html", "assets/tables/kind-model.json", "timeline/2023/index.html",
                 "assets/charts/entries-per-year.svg"):
        assert (result.site_dir / page).exists(), page
    text = (result.site_dir / "model/biomedclip/index.html").read_text()
    assert "BiomedCLIP" in text and "medlm-results" not in text or "Fig. 4A" in text


def _cli(args: list[str]):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_build_command_exits_1_with_diagnostics(catalog_copy: Path):
    broken = catalog_copy / "entries/model/meditron.yaml"
    broken.write_text(broken.read_text().replace("access: gated", "access: gatd"))
    result = _cli(["build", "--root", str(catalog_copy)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(re.match(r"^entries/model/meditron\.yaml:\d+:\d+: error\[unknown-term\] ", line) for line in lines), lines
    assert "with errors" in result.output.splitlines()[-1]
    assert not (catalog_copy / "public").exists()


def test_build_command_builds(catalog_copy: Path, tmp_path: Path):
    shutil.copy(REPO / "mkdocs.yml", catalog_copy / "mkdocs.yml")
    shutil.copytree(REPO / "site", catalog_copy / "site")
    result = _cli(["build", "--root", str(catalog_copy)])
    assert result.exit_code == 0, result.output
    assert "built " in result.output.splitlines()[-1]
    assert (catalog_copy / "public/model/biomedclip/index.html").exists()
    assert (catalog_copy / "build/docs/model/biomedclip.md").exists()


def test_commands_have_help():
    for command in ("build", "serve"):
        result = _cli([command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_strict_build_reports_catalogue_warnings_without_failing(catalog_copy: Path):
    # --strict is about the site engine; one old catalogue warning must not block every
    # pull request's strict build (validate --strict is where warnings fail).
    shutil.copy(REPO / "mkdocs.yml", catalog_copy / "mkdocs.yml")
    shutil.copytree(REPO / "site", catalog_copy / "site")
    entry = catalog_copy / "entries/model/meditron.yaml"
    text = entry.read_text()
    entry.write_text(text.replace("summary: ", "summary: One. Two. Three. Four. Five. ", 1))
    result = _cli(["build", "--strict", "--root", str(catalog_copy)])
    assert result.exit_code == 0, result.output
    assert any("warning[summary-length]" in line for line in result.output.splitlines())
    assert result.output.splitlines()[-1].startswith("built ")
    assert _cli(["validate", "--strict", "--root", str(catalog_copy)]).exit_code == 1


def test_serve_plugins_survive_repeated_config_loads(tmp_path: Path):
    # mkdocs serve loads the config again on every rebuild, with the same plugins object.
    from mkdocs.config import load_config

    from medlm_survey.commands.site import serve_plugins

    assert serve_plugins({"plugins": ["search", {"tags": {"enabled": False}}]}, tmp_path) == {
        "search": {},
        "tags": {"enabled": False},
        "medlm-survey": {"root": str(tmp_path)},
    }
    mkdocs_yml = tmp_path / "mkdocs.yml"
    mkdocs_yml.write_text("site_name: t\n")
    (tmp_path / "docs").mkdir()
    plugins = serve_plugins({"plugins": ["search"]}, tmp_path)
    for _ in range(2):
        loaded = load_config(str(mkdocs_yml), plugins=plugins)
        assert {"search", "medlm-survey"} <= set(loaded.plugins)


def test_the_json_schema_is_served_at_its_id(built_site: Path, repo_root: Path):
    """The schema's $id is an address on the site; the build publishes the committed schema there."""
    from medlm_survey.schema_export import SCHEMA_ID, SCHEMA_PATH

    served = built_site / SCHEMA_PATH
    assert SCHEMA_ID.endswith("/" + SCHEMA_PATH)
    assert json.loads(served.read_text(encoding="utf-8"))["$id"] == SCHEMA_ID
    assert served.read_text(encoding="utf-8") == (repo_root / SCHEMA_PATH).read_text(encoding="utf-8")
