"""axe-core on the main page kinds: no serious or critical violations."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = {"home": "", "table": "kinds/model/", "entry": "model/biomedclip/", "timeline": "timeline/", "leaderboard": "leaderboards/medqa/"}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_serious_violations(watched_page, site_url, name):
    from axe_playwright_python.sync_playwright import Axe

    page = watched_page
    page.goto(site_url + PAGES[name], wait_until="load")
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad
