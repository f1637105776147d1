"""Tables page through every row of their JSON file: sort, filters, address and CSV work
over all rows, and rows built from JSON are the page's own rows."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.browser


def _open(page, site_url: str, path: str) -> None:
    page.goto(site_url + path, wait_until="load")
    page.wait_for_selector("[data-medlm-table][data-loaded='1']")


def _names(page) -> list[str]:
    return page.eval_on_selector_all("[data-medlm-table] tbody tr td:first-child", "c => c.map(x => x.textContent.trim())")


def test_rows_built_from_json_are_the_rows_the_page_was_served_with(watched_page, site_url):
    page = watched_page
    # a sort in the address loads the rows file at once and reorders: every row shown is
    # built from JSON, none is the page's own
    _open(page, site_url, "kinds/model/?sort=0-asc")
    same = page.evaluate(
        """async () => {
            const served = new DOMParser().parseFromString(await (await fetch(location.href)).text(), "text/html");
            // tag, attributes in name order, children: attribute order may differ, nothing else
            const canon = node => node.nodeType === 3 ? node.textContent.replace(/\\s+/g, " ") :
                "<" + node.tagName + " " + [...node.attributes].filter(a => a.name !== "hidden")
                    .map(a => a.name + "=" + a.value).sort().join(" ") + ">" + [...node.childNodes].map(canon).join("");
            const a = [...served.querySelectorAll("[data-medlm-table] tbody tr")].map(canon);
            const b = [...document.querySelectorAll("[data-medlm-table] tbody tr")].map(canon);
            a.sort(); b.sort();
            return {served: a.length, shown: b.length, differ: a.filter((row, i) => row !== b[i]).slice(0, 2)};
        }"""
    )
    assert same["served"] == same["shown"] == 12
    assert same["differ"] == []


def test_the_rows_file_is_fetched_only_when_needed(watched_page, site_url):
    page = watched_page
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "/assets/tables/" in request.url else None)
    page.goto(site_url + "kinds/model/", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert fetched == [] and page.locator("[data-medlm-table]").get_attribute("data-loaded") is None
    assert page.locator("[data-count]").inner_text() == "12"  # the opening view, from the page
    page.locator("th", has_text="Name").click()  # the first sort fetches every row
    page.wait_for_selector("[data-medlm-table][data-loaded='1']")
    assert len(fetched) == 1 and fetched[0].endswith("/assets/tables/kind-model.json")


def test_pages_sort_and_csv_cover_every_row(watched_page, site_url):
    page = watched_page
    page.goto(site_url + "kinds/model/", wait_until="load")
    assert page.locator(".medlm-pager").is_hidden()  # 12 rows fit on one page
    page.locator("th", has_text="Name").click()
    page.wait_for_selector("[data-medlm-table][data-loaded='1']")
    names = _names(page)
    assert names == sorted(names, key=str.lower) and len(names) == 12
    page.locator("th", has_text="Name").click()  # descending
    assert _names(page) == sorted(names, key=str.lower, reverse=True)
    assert "sort=0-desc" in page.url
    # keyboard: Enter on a focused header sorts too
    page.locator("th", has_text="Date").focus()
    page.keyboard.press("Enter")
    assert page.locator("th", has_text="Date").get_attribute("aria-sort") == "ascending"


def test_paging_over_more_rows_than_a_page(watched_page, site_url):
    page = watched_page
    # the pager shows once a table is longer than a page; 12 rows, so ask for 10 a page
    _open(page, site_url, "kinds/model/?rows=10")
    pager = page.locator(".medlm-pager")
    assert pager.is_visible() and "rows=10" in page.url
    assert pager.locator("[data-page-status]").inner_text() == "Rows 1–10 of 12"
    first = _names(page)
    assert len(first) == 10 and pager.locator("[data-page=prev]").is_disabled()
    pager.locator("[data-page=next]").click()
    second = _names(page)
    assert len(second) == 2 and not set(first) & set(second)
    assert "page=2" in page.url and pager.locator("[data-page=next]").is_disabled()
    # sorting spans every row: the first name of all 12 comes first, whichever page was open
    page.locator("th", has_text="Name").click()
    assert _names(page)[0] == sorted(first + second, key=str.lower)[0]
    # a filter starts again at page 1 and counts every matching row, not only this page's
    page.fill("[data-filter=text]", "e")
    count = int(page.locator("[data-count]").inner_text())
    assert count > 10 and "page=" not in page.url
    # the CSV holds every filtered row, not only the page shown
    with page.expect_download() as info:
        page.click("[data-action=csv]")
    rows = list(csv.reader(io.StringIO(open(info.value.path(), encoding="utf-8-sig").read())))
    assert len(rows) == count + 1
    # the address restores page and page size
    page.fill("[data-filter=text]", "")
    pager.locator("[data-page=next]").click()
    page.reload(wait_until="load")
    page.wait_for_selector("[data-medlm-table][data-loaded='1']")
    assert page.locator(".medlm-pager [data-page-status]").inner_text() == "Rows 11–12 of 12"
    assert page.locator("[data-page-size]").input_value() == "10"
