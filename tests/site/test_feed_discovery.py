"""Every built page points feed readers at the Atom feed (site/overrides/main.html)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

from medlm_survey.export import SITE_URL

FEED = "feeds/feed.xml"  # a copy of downloads/feed.xml (see site/overrides/main.html)


class FeedLinks(HTMLParser):
    """``<link rel="alternate" type="application/atom+xml">`` elements inside ``<head>``."""

    def __init__(self) -> None:
        super().__init__()
        self.in_head = False
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        elif tag == "link" and self.in_head:
            attributes = dict(attrs)
            if (
                attributes.get("rel") == "alternate"
                and attributes.get("type") == "application/atom+xml"
            ):
                self.links.append(attributes)

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def test_every_page_announces_the_feed(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 20 and (built_site / FEED).is_file()
    for page in pages:
        parser = FeedLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        assert len(parser.links) == 1, page
        # Resolve the address as a browser does, from the page's published URL (404.html,
        # served at any address, links from the site root).
        page_url = SITE_URL + page.relative_to(built_site).as_posix()
        assert urljoin(page_url, parser.links[0]["href"]) == SITE_URL + FEED, page
        assert parser.links[0]["title"]


def test_the_sitemap_material_fetches_beside_the_feed_is_small_and_valid(built_site: Path):
    """Material loads sitemap.xml beside every rel=alternate link on every page."""
    from lxml import etree

    sitemap = built_site / "feeds" / "sitemap.xml"
    root = etree.fromstring(sitemap.read_bytes())
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset" and len(root) == 0
    assert sitemap.stat().st_size < 200
    assert (built_site / FEED).read_bytes() == (built_site / "downloads" / "feed.xml").read_bytes()
    assert (built_site / "feed.xml").read_bytes() == (built_site / FEED).read_bytes()  # earlier subscribers
