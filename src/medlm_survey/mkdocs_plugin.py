"""A thin MkDocs plugin for ``mkdocs serve``: regenerate the docs folder before each build.

The pages are written by :func:`medlm_survey.site_build.generate_docs` (the same function
``medlm-survey build`` uses), so the site does not depend on this plugin; it only adds live
rebuilds when an entry, ``taxonomy.yaml`` or ``site/`` changes. ``medlm-survey serve`` adds it
on the command line; listing it in ``mkdocs.yml`` is not needed (Zensical would ignore it).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin

from medlm_survey.catalog import ENTRIES_DIR, TAXONOMY_FILE, load_catalog
from medlm_survey.html_blocks import HtmlBlocksPlugin
from medlm_survey.site_build import BuildError, CatalogErrors, SiteConfig, generate_docs
from medlm_survey.taxonomy import TaxonomyError

log = logging.getLogger("mkdocs.plugins.medlm_survey")


class MedlmSurveyConfig(base.Config):
    root = c.Type(str, default=".")
    """Repository root holding entries/, taxonomy.yaml and site/."""


class MedlmSurveyPlugin(BasePlugin[MedlmSurveyConfig]):
    """Regenerate pages on every (re)build; watch the catalogue while serving; let generated
    pages skip Markdown's re-parsing of their HTML, as ``medlm-survey build`` does."""

    def __init__(self) -> None:
        super().__init__()
        self._html_blocks = HtmlBlocksPlugin()

    def on_page_markdown(self, markdown, *, page, config, files):
        return self._html_blocks.on_page_markdown(markdown, page=page, config=config, files=files)

    def on_page_content(self, html, *, page, config, files):
        return self._html_blocks.on_page_content(html, page=page, config=config, files=files)

    def _site(self, config) -> SiteConfig:
        root = Path(self.config.root)
        if not root.is_absolute():
            root = Path(config.config_file_path).parent / root
        return SiteConfig.resolve(root, config_file=Path(config.config_file_path), docs_dir=Path(config.docs_dir))

    def on_pre_build(self, *, config) -> None:
        site = self._site(config)
        try:
            catalog = load_catalog(site.root)
            report, _ = generate_docs(catalog, site, cache_dir=site.root / ".cache")
        except CatalogErrors as exc:
            for diagnostic in exc.catalog.errors:
                log.error(str(diagnostic))
            log.error("the catalogue has errors; the pages from the last good build are kept")
            return
        except (BuildError, TaxonomyError) as exc:
            log.error(str(exc))
            return
        if report.written or report.removed:
            log.info(f"medlm-survey: {len(report.written)} pages written, {len(report.removed)} removed")

    def on_serve(self, server, *, config, builder):
        site = self._site(config)
        for path in (site.root / ENTRIES_DIR, site.root / TAXONOMY_FILE, site.sources_dir):
            if path.exists():
                server.watch(str(path))
        return server
