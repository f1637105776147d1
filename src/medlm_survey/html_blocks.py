"""Generated pages reach MkDocs without Python-Markdown re-parsing the HTML we rendered.

Our page templates (``templates/*.md.j2``) write Markdown only for headings and fenced code;
everything else is finished HTML. Python-Markdown would find the end of every raw HTML
block by running ``html.parser`` over it: at 1,000 entries that is 12 of the engine's
27 seconds (cProfile of ``mkdocs build``), for output identical to its input.

:func:`stash_html_blocks` swaps each run of HTML lines for a one-word placeholder paragraph,
so Markdown parses only the headings (keeping the table of contents, heading ids and
permalinks exactly as before); :func:`restore_html_blocks` puts the HTML back into the
converted page. :class:`HtmlBlocksPlugin` does both around MkDocs' Markdown step for pages
whose front matter says ``html_blocks: true`` (see ``pages.common.front_matter``).

Zensical runs no third-party plugins: it reads the same files through its Markdown path
and produces the same pages, only slower. ``tests/site/test_html_blocks.py`` builds the real
catalogue both ways and compares every generated page.
"""

from __future__ import annotations

import re

from mkdocs.plugins import BasePlugin

#: Front-matter key of pages whose Markdown is only headings and fences around HTML.
META_KEY = "html_blocks"
_HEADING = re.compile(r"#{1,6}(?:\s|$)")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_PLACEHOLDER = "MEDLMHTMLBLOCK{}X"  # letters and digits only: no Markdown syntax inside
_RESTORE = re.compile(r"<p>MEDLMHTMLBLOCK(\d+)X</p>")


class UnrestoredBlock(Exception):
    """A placeholder did not come back from Markdown as its own paragraph."""


def stash_html_blocks(markdown: str) -> tuple[str, list[str]]:
    """Split ``markdown`` into what Markdown must see and the HTML it need not.

    Returns (markdown with one placeholder paragraph per HTML run, the runs in order).
    A run is every line between headings, fences and the page's ends, blank lines
    included, exactly as Python-Markdown would pass a raw HTML block through.
    """
    kept: list[str] = []
    blocks: list[str] = []
    run: list[str] = []
    fence: str | None = None

    def close_run() -> None:
        text = "\n".join(run).strip("\n")
        run.clear()
        if text.strip():
            kept.extend(["", _PLACEHOLDER.format(len(blocks)), ""])
            blocks.append(text)

    for line in markdown.split("\n"):
        if fence is not None:
            kept.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        opening = _FENCE.match(line.strip())
        if opening or _HEADING.match(line):
            close_run()
            kept.append(line)
            if opening:
                fence = opening.group(1)
            continue
        run.append(line)
    close_run()
    return "\n".join(kept), blocks


def restore_html_blocks(html: str, blocks: list[str]) -> str:
    """Put the stashed HTML back in place of its placeholder paragraphs.

    Raises:
        UnrestoredBlock: a placeholder is missing from ``html`` (Markdown merged it into
            other text), which would silently drop part of the page.
    """
    found: set[int] = set()

    def put_back(match: re.Match) -> str:
        index = int(match.group(1))
        found.add(index)
        return blocks[index]

    restored = _RESTORE.sub(put_back, html)
    if len(found) != len(blocks):
        missing = sorted(set(range(len(blocks))) - found)
        raise UnrestoredBlock(f"HTML block(s) {missing} did not come back from Markdown")
    return restored


class HtmlBlocksPlugin(BasePlugin):
    """Around MkDocs' Markdown step: stash the HTML of ``html_blocks`` pages, then restore it."""

    def __init__(self) -> None:
        super().__init__()
        self._blocks: dict[str, list[str]] = {}

    def on_page_markdown(self, markdown, *, page, config, files):
        if not page.meta.get(META_KEY):
            return markdown
        reduced, blocks = stash_html_blocks(markdown)
        self._blocks[page.file.src_uri] = blocks
        return reduced

    def on_page_content(self, html, *, page, config, files):
        blocks = self._blocks.pop(page.file.src_uri, None)
        return html if blocks is None else restore_html_blocks(html, blocks)
