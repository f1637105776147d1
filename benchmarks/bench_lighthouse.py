"""Lighthouse benchmark: mobile performance and accessibility of a built site's four page types.

Serves a built site folder (``medlm-survey build`` writes public/) on 127.0.0.1 with gzip
Content-Encoding for text files, as GitHub Pages serves it, and runs Lighthouse on:

* **home**: ``/``;
* **family**: the LLM family table, ``/families/llm/``;
* **leaderboard**: the largest ``leaderboards/*/index.html`` (the one with the most rows);
* **entry**: the largest entry page, ``model/*/index.html`` (the worst case).

Lighthouse runs with its default settings (mobile form factor, simulated slow 4G and a 4x
CPU slowdown), categories performance and accessibility, in Debian's chromium
(/usr/bin/chromium, headless). Prints per page the performance and accessibility scores
(0-100), Largest Contentful Paint, Total Blocking Time, Cumulative Layout Shift and the bytes
transferred, the median of ``--runs`` runs, and the accessibility audits that fail. Goals (the
ready-for-10,000-entries issue): performance >= 95 on the four page types at 10,000 entries,
accessibility 100. Performance scores move by a few points with the machine's load: use
``--runs 3`` or more before reading much into a difference.

Lighthouse is not a dependency of the project (package.json is installed in CI and stays
lean): the script uses ``node_modules/.bin/lighthouse`` when one is installed in the
repository, otherwise fetches the pinned version with npx (the npm cache keeps it), i.e. per
page::

    CHROME_PATH=/usr/bin/chromium npx --yes lighthouse@12.8.2 URL --output=json \\
        --output-path=TMP/PAGE-RUN.json --only-categories=performance,accessibility \\
        --chrome-flags="--headless=new --no-sandbox --disable-gpu" --quiet

12.8.2 is the newest Lighthouse that runs on Node 20 (13.x needs Node >= 22.19). Needs node
and npx (Debian: ``apt-get install nodejs npm``) and chromium (``apt-get install chromium``).

    .venv/bin/medlm-survey build
    .venv/bin/python benchmarks/bench_lighthouse.py --site public \\
        [--pages home,family,leaderboard,entry] [--runs 1]

``lighthouse_scores(site)`` returns the same numbers as a dict (None when node, npx, chromium
or Lighthouse itself is missing), for benchmarks/bench_scale.py.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

CHROMIUM = Path("/usr/bin/chromium")
LIGHTHOUSE_VERSION = "12.8.2"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
PAGES = ("home", "family", "leaderboard", "entry")
TIMEOUT = 300  # seconds for one Lighthouse run (the first npx run also downloads Lighthouse)
INSTALL_HINT = (
    "Lighthouse needs node and npx (apt-get install nodejs npm), chromium at /usr/bin/chromium "
    f"(apt-get install chromium) and either npm access for `npx --yes lighthouse@{LIGHTHOUSE_VERSION}` "
    f"or a local install: `npm install --no-save lighthouse@{LIGHTHOUSE_VERSION}` (do not add it to "
    "package.json)."
)

# Types a web host compresses; everything else (images, fonts, Pagefind's already-compressed
# fragments) goes out as it is.
COMPRESSED_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/wasm",
    "image/svg+xml",
)


@functools.lru_cache(maxsize=4096)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler that gzips text responses when the client accepts gzip."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "application/javascript",
        ".mjs": "application/javascript",
        ".json": "application/json",
        ".wasm": "application/wasm",
        ".svg": "image/svg+xml",
        ".xml": "application/xml",
        ".webmanifest": "application/manifest+json",
    }

    def log_message(self, *args) -> None:
        pass

    def _compressible_file(self) -> Path | None:
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
                return None  # the parent class answers with its redirect
            path = path / "index.html"
        if not path.is_file():
            return None
        ctype = self.guess_type(str(path))
        return path if ctype.startswith(COMPRESSED_TYPES) else None

    def _send_gzipped(self, path: Path, body: bool) -> None:
        stat = path.stat()
        data = _gzipped(str(path), stat.st_mtime_ns)
        ctype = self.guess_type(str(path))
        if ctype.startswith("text/") and "charset" not in ctype:
            ctype += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self) -> None:
        path = self._compressible_file()
        if path is None:
            super().do_GET()
        else:
            self._send_gzipped(path, body=True)

    def do_HEAD(self) -> None:
        path = self._compressible_file()
        if path is None:
            super().do_HEAD()
        else:
            self._send_gzipped(path, body=False)


def serve(site: Path) -> http.server.ThreadingHTTPServer:
    """Serve site on 127.0.0.1 (a free port) in a daemon thread; call .shutdown() when done."""
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _largest(paths: Iterable[Path]) -> Path | None:
    paths = list(paths)
    return max(paths, key=lambda p: (p.stat().st_size, p.as_posix())) if paths else None


def page_paths(site: Path) -> dict[str, str]:
    """The URL path of each page type that exists in site (home, family, leaderboard, entry)."""
    found: dict[str, str] = {}
    if (site / "index.html").is_file():
        found["home"] = "/"
    if (site / "families" / "llm" / "index.html").is_file():
        found["family"] = "/families/llm/"
    board = _largest(site.glob("leaderboards/*/index.html"))
    if board is not None:
        found["leaderboard"] = "/" + board.parent.relative_to(site).as_posix() + "/"
    for kind in ("model", "dataset", "benchmark"):
        entry = _largest(site.glob(f"{kind}/*/index.html"))
        if entry is not None:
            found["entry"] = "/" + entry.parent.relative_to(site).as_posix() + "/"
            break
    return found


def lighthouse_command() -> tuple[list[str] | None, str]:
    """The command that runs Lighthouse, or None and the reason it cannot run."""
    if not CHROMIUM.exists():
        return None, f"chromium is not installed at {CHROMIUM}"
    if shutil.which("node") is None:
        return None, "node is not installed"
    local = REPO / "node_modules" / ".bin" / "lighthouse"
    if local.exists():
        return [str(local)], ""
    npx = shutil.which("npx")
    if npx is None:
        return None, "npx is not installed and node_modules/.bin/lighthouse does not exist"
    return [npx, "--yes", f"lighthouse@{LIGHTHOUSE_VERSION}"], ""


def _run(command: list[str], url: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    args = [
        *command,
        url,
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    proc = subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    if proc.returncode != 0 or not out.is_file():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        raise RuntimeError(
            f"Lighthouse failed on {url} (exit {proc.returncode}):\n" + "\n".join(tail)
        )
    return json.loads(out.read_text(encoding="utf-8"))


def _numbers(report: dict) -> dict:
    categories, audits = report["categories"], report["audits"]

    def score(name: str) -> float | None:
        value = categories.get(name, {}).get("score")
        return None if value is None else 100 * value

    def numeric(name: str) -> float | None:
        return audits.get(name, {}).get("numericValue")

    weights = {
        ref["id"]: ref["weight"] for ref in categories.get("accessibility", {}).get("auditRefs", [])
    }
    failing = sorted(
        name
        for name, weight in weights.items()
        if weight and audits.get(name, {}).get("score") is not None and audits[name]["score"] < 1
    )
    return {
        "performance": score("performance"),
        "accessibility": score("accessibility"),
        "lcp_ms": numeric("largest-contentful-paint"),
        "tbt_ms": numeric("total-blocking-time"),
        "cls": numeric("cumulative-layout-shift"),
        "bytes": numeric("total-byte-weight"),
        "failing_accessibility": failing,
        "error": (report.get("runtimeError") or {}).get("message"),
        "version": report.get("lighthouseVersion"),
    }


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def lighthouse_scores(site: Path, pages: Iterable[str] = PAGES, runs: int = 1) -> dict | None:
    """Lighthouse numbers per page type of a built site, or None when Lighthouse cannot run.

    Returns {page: {"url", "performance", "accessibility", "lcp_ms", "tbt_ms", "cls", "bytes",
    "failing_accessibility", "error", "lighthouse"}} with the median of runs runs (scores 0-100, bytes
    transferred); page types the site has no page for are left out. None (with the reason on
    stderr) when node, npx, chromium or Lighthouse itself is missing.
    """
    command, reason = lighthouse_command()
    if command is None:
        print(f"bench_lighthouse: {reason}. {INSTALL_HINT}", file=sys.stderr)
        return None
    site = Path(site).resolve()
    paths = page_paths(site)
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results: dict[str, dict] = {}
    out = Path(tempfile.mkdtemp(prefix="medlm-bench-lighthouse-"))
    try:
        for page in pages:
            if page not in paths:
                continue
            url = base + paths[page]
            reports = []
            for run in range(runs):
                try:
                    reports.append(_numbers(_run(command, url, out / f"{page}-{run}.json")))
                except (RuntimeError, subprocess.TimeoutExpired, OSError) as error:
                    print(f"bench_lighthouse: {error}\n{INSTALL_HINT}", file=sys.stderr)
                    return None
            results[page] = {
                "url": paths[page],
                **{
                    key: _median([r[key] for r in reports])
                    for key in ("performance", "accessibility", "lcp_ms", "tbt_ms", "cls", "bytes")
                },
                "failing_accessibility": sorted(
                    {a for r in reports for a in r["failing_accessibility"]}
                ),
                "error": next((r["error"] for r in reports if r["error"]), None),
                "lighthouse": reports[0]["version"],
            }
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(out, ignore_errors=True)
    return results


def _fmt(value: float | None, spec: str, scale: float = 1) -> str:
    return "-" if value is None else format(value / scale, spec)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--site", type=Path, default=REPO / "public", help="Built site folder (default: public/)."
    )
    parser.add_argument(
        "--pages",
        default=",".join(PAGES),
        help=f"Comma-separated page types among {', '.join(PAGES)} (default: all).",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="Lighthouse runs per page (the median counts)."
    )
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = sorted(set(pages) - set(PAGES))
    if unknown:
        parser.error(f"unknown page types: {', '.join(unknown)} (choose among {', '.join(PAGES)})")
    if not (args.site / "index.html").is_file():
        parser.error(
            f"{args.site} is not a built site (no index.html): run `medlm-survey build` first"
        )
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    results = lighthouse_scores(args.site, pages, args.runs)
    if results is None:
        print("Lighthouse could not run; see the message above.", file=sys.stderr)
        return 1
    version = next((r["lighthouse"] for r in results.values()), "?")
    print(f"Lighthouse {version}, mobile, median of {args.runs} run(s), site {args.site}")
    print(
        f"{'page':<12} {'URL':<32} {'perf':>5} {'a11y':>5} {'LCP s':>6} {'TBT ms':>7} {'CLS':>6} {'KB':>7}"
    )
    for page in pages:
        if page not in results:
            print(f"{page:<12} (no such page in the site)")
            continue
        r = results[page]
        print(
            f"{page:<12} {r['url']:<32} {_fmt(r['performance'], '5.0f')} {_fmt(r['accessibility'], '5.0f')} "
            f"{_fmt(r['lcp_ms'], '6.2f', 1000)} {_fmt(r['tbt_ms'], '7.0f')} {_fmt(r['cls'], '6.3f')} "
            f"{_fmt(r['bytes'], '7.0f', 1000)}"
        )
    for page in pages:
        r = results.get(page)
        if r and r["error"]:
            print(f"{page}: Lighthouse reported: {r['error']}")
        if r and r["failing_accessibility"]:
            print(f"{page}: failing accessibility audits: {', '.join(r['failing_accessibility'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
