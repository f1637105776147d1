"""Scale benchmark: how the site build, its output and a first search grow with the catalogue.

For each size (default 1,000, 3,000 and 10,000 synthetic entries, benchmarks/synthetic.py):

* **medlm-survey build** (validate, render, MkDocs, Pagefind) against **MkDocs Material
  building the same number of plain pages** (benchmarks/bench_site.py's plain project), in the
  same run, interleaved, best of the rounds: the ratio is the price of the catalogue's pages;
* the output's size, the largest HTML page and the Pagefind index;
* the bytes a browser fetches for the home page and for a first search (headless Chromium,
  the site served on localhost, sizes as gzip would serve them), when Playwright and Debian's
  chromium are installed.

Prints one row per size, then the growth between sizes (seconds per 1,000 entries), so the
README can show a curve rather than one point. Goals (the ready-for-10,000-entries issue):
ratio <= 1.5 at 10,000, linear growth, no HTML page over 300 KB, first search <= 300 KB.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000 3000 10000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench_lighthouse import lighthouse_scores, serve  # noqa: E402
from bench_site import BIN, timed, write_plain_project  # noqa: E402
from synthetic import write_catalogue  # noqa: E402

from medlm_survey.site_build import folder_size  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")


def largest_page(site: Path) -> tuple[int, str]:
    pages = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    return max(pages) if pages else (0, "")


def fetched_bytes(site: Path) -> tuple[int, int, int] | None:
    """(home page bytes, first-search bytes, of those the search's own: the search page and
    Pagefind's files), gzip-compressed as a server would send them. The rest of a first
    search is the theme's stylesheets and scripts, which this headless browser fetches again
    although the home page loaded them."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.exists():
        return None

    # gzip and Cache-Control as GitHub Pages serves: the search page reuses what the home
    # page loaded (a cold cache only once)
    server = serve(site)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
            )
            page = browser.new_page()
            sizes: list[tuple[str, int]] = []

            def count(response) -> None:
                try:
                    if response.request.sizes()["responseBodySize"] == 0:
                        return  # served from the browser's cache: nothing fetched
                    body = response.body()
                except Exception:  # redirects and aborted requests have no body
                    return
                sizes.append((response.url, len(gzip.compress(body))))

            page.on("response", count)
            page.goto(url, wait_until="networkidle")
            home = sum(n for _, n in sizes)
            sizes.clear()
            page.goto(url + "search/?q=model", wait_until="networkidle")
            page.wait_for_timeout(1500)
            search = sum(n for _, n in sizes)
            own = sum(n for address, n in sizes if "/pagefind/" in address or "/search/" in address)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return home, search, own


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--repeat", type=int, default=1, help="Interleaved rounds per size (best time counts).")
    parser.add_argument("--lighthouse", action="store_true", help="Also run Lighthouse (bench_lighthouse.py) on the four page types of each size.")
    args = parser.parse_args()
    rows = []
    base = Path(tempfile.mkdtemp(prefix="medlm-bench-scale-"))
    try:
        for size in args.sizes:
            synth = write_catalogue(base / f"synthetic-{size}", size)
            shutil.copy(REPO / "mkdocs.yml", synth / "mkdocs.yml")
            shutil.copytree(REPO / "site", synth / "site")
            plain = write_plain_project(base / f"plain-{size}", size)
            ours = floor = float("inf")
            for _ in range(args.repeat):
                for folder in (synth / "public", synth / "build", plain / "public"):
                    shutil.rmtree(folder, ignore_errors=True)
                ours = min(ours, timed([str(BIN / "medlm-survey"), "build", "--root", str(synth)], synth))
                floor = min(floor, timed([str(BIN / "mkdocs"), "build", "-q", "-f", str(plain / "mkdocs.yml")], plain))
            site = synth / "public"
            output, files = folder_size(site)
            biggest, biggest_path = largest_page(site)
            index, _ = folder_size(site / "pagefind") if (site / "pagefind").is_dir() else (0, 0)
            fetched = fetched_bytes(site)
            over = sum(1 for p in site.rglob("*.html") if p.stat().st_size > 300_000)
            scores = lighthouse_scores(site) if args.lighthouse else None
            rows.append((size, ours, floor, output, files, biggest, biggest_path, index, fetched, over, scores))
            shutil.rmtree(synth, ignore_errors=True)
            shutil.rmtree(plain, ignore_errors=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    print(
        "entries  build s  Material plain s  ratio  output MB  files  largest page KB  pages >300 KB  "
        "search index MB  home KB  first search KB  of which search KB"
    )
    for size, ours, floor, output, files, biggest, path, index, fetched, over, _ in rows:
        home, search, own = fetched if fetched else (0, 0, 0)
        print(
            f"{size:7,d}  {ours:7.1f}  {floor:16.1f}  {ours / floor:5.2f}  {output / 1e6:9.1f}  {files:5d}  "
            f"{biggest / 1e3:15.0f}  {over:13d}  {index / 1e6:15.1f}  {home / 1e3:7.0f}  {search / 1e3:15.0f}  "
            f"{own / 1e3:18.0f}   ({path})"
        )
    if args.lighthouse:
        print("Lighthouse (mobile): performance / accessibility per page type")
        for size, *_, scores in rows:
            if scores is None:
                print(f"{size:7,d}  Lighthouse could not run (see bench_lighthouse.py)")
                continue
            cells = [f"{page} {v['performance']:.0f}/{v['accessibility']:.0f} (TBT {v['tbt_ms']:.0f} ms)" for page, v in scores.items()]
            print(f"{size:7,d}  " + "  ".join(cells))
    for (a, ta, *_), (b, tb, *_) in zip(rows, rows[1:], strict=False):
        print(f"growth {a:,} -> {b:,}: {1000 * (tb - ta) / (b - a):.2f} s per 1,000 entries (at {a:,}: {1000 * ta / a:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
