"""Generated pages skip Markdown's re-parsing of their HTML and come out the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from medlm_survey.html_blocks import UnrestoredBlock, restore_html_blocks, stash_html_blocks
from tests.site.conftest import REPO

PAGE = """# Title

<div class="a">
<p>one</p>

<p>two, after a blank line inside the block</p>
</div>

## Section

```python
# a comment, not a heading
x = "<div>"
```
<table><tr><td>cell</td></tr></table>
"""


def test_headings_and_fences_stay_and_html_runs_become_placeholders():
    reduced, blocks = stash_html_blocks(PAGE)
    assert blocks == [
        '<div class="a">\n<p>one</p>\n\n<p>two, after a blank line inside the block</p>\n</div>',
        "<table><tr><td>cell</td></tr></table>",
    ]
    assert "# Title" in reduced and "## Section" in reduced
    assert '# a comment, not a heading\nx = "<div>"\n```' in reduced  # fence kept whole
    assert "<p>" not in reduced


def test_restore_puts_every_block_back_and_refuses_to_drop_one():
    html = "<h1>T</h1>\n<p>MEDLMHTMLBLOCK0X</p>\n<p>MEDLMHTMLBLOCK1X</p>"
    assert restore_html_blocks(html, ["<div>a</div>", "<b>b</b>"]) == "<h1>T</h1>\n<div>a</div>\n<b>b</b>"
    with pytest.raises(UnrestoredBlock, match=r"\[1\]"):
        restore_html_blocks("<p>MEDLMHTMLBLOCK0X</p>", ["<div>a</div>", "<b>b</b>"])


def _normalised(path: Path) -> str:
    return re.sub(r"\s+", " ", path.read_text(encoding="utf-8")).replace("> <", "><")


def test_every_generated_page_is_the_same_with_and_without_the_fast_path(tmp_path, fixture_catalog):
    """The whole fixture site built by MkDocs through Markdown and through the plugin."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from medlm_survey.html_blocks import HtmlBlocksPlugin
    from medlm_survey.site_build import SiteConfig, generate_docs
    from tests.site.conftest import FIXTURE_ROOT

    site = SiteConfig.resolve(
        FIXTURE_ROOT, config_file=REPO / "mkdocs.yml", docs_dir=tmp_path / "docs", sources_dir=REPO / "site"
    )
    generate_docs(fixture_catalog, site)

    class Counting(HtmlBlocksPlugin):
        stashed = 0

        def on_page_markdown(self, markdown, *, page, config, files):
            self.stashed += bool(page.meta.get("html_blocks"))
            return super().on_page_markdown(markdown, page=page, config=config, files=files)

    plugin = Counting()
    for name, fast in (("markdown", False), ("fast", True)):
        config = load_config(str(REPO / "mkdocs.yml"), docs_dir=str(tmp_path / "docs"), site_dir=str(tmp_path / name))
        if fast:
            config.plugins["html-blocks"] = plugin
        build(config)
    pages = sorted(p.relative_to(tmp_path / "markdown") for p in (tmp_path / "markdown").rglob("*.html"))
    assert len(pages) > 20
    different = [str(p) for p in pages if _normalised(tmp_path / "markdown" / p) != _normalised(tmp_path / "fast" / p)]
    assert different == []
    # and the fast path did run: every generated page but the home page went through it
    generated = [p for p in (tmp_path / "docs").rglob("*.md") if "html_blocks: true" in p.read_text(encoding="utf-8")[:400]]
    assert len(generated) > 20 and plugin.stashed == len(generated)
