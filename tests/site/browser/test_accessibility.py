"""axe-core on every kind of page, in the light and the dark colour scheme: no serious or
critical violations (text contrast at least 4.5:1 among them).

The scheme is chosen the way a reader's system chooses it: the palette's first option
follows prefers-color-scheme, which the test emulates; Material then sets
``data-md-color-scheme`` on <body> (``default`` or ``slate``), which the test checks.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "table": "kinds/model/",
    "table-paged": "kinds/model/?rows=10&sort=0-asc",
    "entry": "model/biomedclip/",
    "entry-lineage": "model/llama/",
    "timeline": "timeline/",
    "leaderboard": "leaderboards/medqa/",
    "compare": "compare/?ids=med-palm-2,meditron",
    "lineage": "lineage/",
    "families": "families/",
    "kinds": "kinds/",
}
SCHEMES = {"light": "default", "dark": "slate"}


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_serious_violations(watched_page, site_url, name, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page = watched_page
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + PAGES[name], wait_until="load")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == SCHEMES[scheme]
    if name == "compare":  # the comparison is drawn after the entries have loaded
        page.locator(".medlm-compare-scores-table table").wait_for()
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad
