"""``medlm-survey build`` and ``medlm-survey serve``: the website commands."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from medlm_survey.commands.common import open_catalog, report, root_option
from medlm_survey.diagnostics import FORMATTERS
from medlm_survey.site_build import (
    ENGINES,
    BuildError,
    SiteConfig,
    build_site,
    folder_size,
    generate_docs,
)

format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="How validation problems are printed.",
)


def _validated(root: Path, output_format: str):
    """Load and validate; print problems only when there are any; exit 1 on errors.

    Catalogue warnings never stop a build: they are `validate --strict`'s business, so that
    one old warning elsewhere does not block every pull request's strict site build.
    """
    catalog = open_catalog(root)
    if catalog.diagnostics:
        code = report(catalog, output_format, strict=False)
        if code:
            sys.exit(code)
    return catalog


@click.command()
@root_option
@click.option("--engine", type=click.Choice(ENGINES), default="mkdocs", show_default=True, help="Site engine that turns the docs folder into HTML.")
@click.option("--strict", is_flag=True, help="Fail on site-engine warnings (broken links, missing pages); catalogue warnings are only reported.")
@click.option("--config-file", type=click.Path(dir_okay=False, path_type=Path), help="Site configuration (default: ROOT/mkdocs.yml).")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), help="Where the HTML goes (default: site_dir of mkdocs.yml, public/).")
@click.option("--cache/--no-cache", default=True, show_default=True, help="Reuse the SVGs of unchanged charts from .cache/charts/ (same output; safe to delete).")
@format_option
def build(root: Path, engine: str, strict: bool, config_file: Path | None, site_dir: Path | None, cache: bool, output_format: str) -> None:
    """Validate the catalogue and build the website into public/.

    Writes the generated pages and site/'s sources into build/docs (only changed files),
    then runs the site engine. With errors in the catalogue nothing is written and the
    previously built site stays as it was.
    """
    started = time.perf_counter()
    catalog = _validated(root, output_format)
    loaded = time.perf_counter() - started
    try:
        result = build_site(
            root, catalog=catalog, engine=engine, strict=strict, config_file=config_file, site_dir=site_dir,
            cache_dir=Path(root) / ".cache" if cache else None,
        )
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    size, files = folder_size(result.site_dir)
    t = result.timings
    t["load"] = t.get("load", 0) + loaded
    total = sum(t.values())
    click.echo(
        f"built {result.pages} generated pages from {len(catalog.entries)} entries into "
        f"{_shown(result.site_dir)} with {engine} in {total:.1f} s "
        f"(load {t.get('load', 0):.1f}, render {t.get('render', 0):.1f}, downloads {t.get('downloads', 0):.1f}, "
        f"write {t.get('write', 0):.1f}, engine {t.get('engine', 0):.1f}, charts {t.get('charts', 0):.1f}, "
        f"search {t.get('search', 0):.1f}); "
        f"docs folder: {len(result.sync.written)} written, {len(result.sync.removed)} removed, "
        f"{result.sync.unchanged} unchanged; output {files} files, {size / 1e6:.1f} MB"
    )


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd())) + "/"
    except ValueError:
        return str(path)


@click.command()
@root_option
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="IP:PORT", help="Address to serve on (localhost by default).")
@click.option("--config-file", type=click.Path(dir_okay=False, path_type=Path), help="Site configuration (default: ROOT/mkdocs.yml).")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
def serve(root: Path, dev_addr: str, config_file: Path | None, open_browser: bool) -> None:
    """Serve the website on localhost, rebuilding when an entry, taxonomy.yaml or site/ changes.

    While an edit leaves the catalogue with errors, they are printed and the last good pages
    stay on screen.
    """
    from mkdocs.commands.serve import serve as mkdocs_serve

    from medlm_survey.site_build import read_config

    catalog = _validated(root, "text")
    site = SiteConfig.resolve(root, config_file=config_file)
    try:
        generate_docs(catalog, site)
    except BuildError as exc:
        raise click.ClickException(str(exc)) from exc
    plugins = serve_plugins(read_config(site.config_file), site.root)
    mkdocs_serve(
        config_file=str(site.config_file),
        dev_addr=dev_addr,
        open_in_browser=open_browser,
        plugins=plugins,
    )


def serve_plugins(config: dict, root: Path) -> dict[str, dict]:
    """mkdocs.yml's plugins plus ours, as a mapping of plugin name to options.

    Why a mapping, not a list: ``mkdocs serve`` re-reads the config on every rebuild with
    these same objects, and it consumes the single-key dicts of a plugin list (popitem) the
    first time, so the second build would fail.
    """
    plugins: dict[str, dict] = {}
    for item in config.get("plugins") or ["search"]:
        name, options = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        plugins[name] = dict(options or {})
    plugins["medlm-survey"] = {"root": str(root)}
    return plugins


