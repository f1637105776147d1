"""Site build benchmark: 3,000 synthetic entries against a plain Material build.

Both builds run in this process's run, one after the other, each in a fresh subprocess:

* **medlm-survey**: ``medlm-survey build`` on a synthetic repository (benchmarks/synthetic.py)
  with this repository's mkdocs.yml and site/: validation, rendering, docs folder, MkDocs.
* **Material, same pages**: ``mkdocs build`` of exactly the pages medlm-survey generated, as
  if they had been written by hand (same mkdocs.yml, same small navigation). This is the
  floor the goal is measured against: what a hand-maintained site with the same content
  would cost, so the ratio is the price of generating the pages from the catalogue.
* **plain Material, simple pages**: ``mkdocs build`` of the same number of simpler
  hand-written pages (heading, summary, a facts table, a BibTeX block, a results table).
  Printed for reference: it shows how much the richer entry pages cost the engine.

The goal (issue 3): the ratio to the same-pages floor stays at or below 1.3. Prints the
times, the ratios and the size of each output.

    .venv/bin/python benchmarks/bench_site.py [--entries 3000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from synthetic import write_catalogue  # noqa: E402

from medlm_survey.site_build import folder_size  # noqa: E402

LIMIT = 1.3
BIN = Path(sys.executable).parent


def plain_page(i: int) -> str:
    rows = "\n".join(f"| Field {k} | value {i}-{k} with a few words of text |" for k in range(14))
    results = "\n".join(f"| Benchmark {k} | accuracy · test · {k}-shot | {50 + k}.{i % 10} | Table {k} |" for k in range(3))
    return f"""# Model {i:05d}

Model {i:05d} is a hand-written page for the speed benchmark. It has no real counterpart
and exists only to compare build times. Released 2023-05-{1 + i % 28:02d} by Synthetic Lab.

[Code](https://example.org/{i}) · [Weights](https://example.org/{i}/weights)

## Details

| Field | Value |
|---|---|
{rows}

## Paper

Ada Lovelace, Alan Turing. *A paper about model {i}*. 2023.

```bibtex
@misc{{model{i},
  title = {{A paper about model {i}}},
  author = {{Ada Lovelace and Alan Turing}},
  year = {{2023}}
}}
```

## Results

| Benchmark | Setting | Score | Source |
|---|---|---|---|
{results}
"""


def write_plain_project(root: Path, count: int) -> Path:
    docs = root / "docs"
    (docs / "entries").mkdir(parents=True)
    (docs / "index.md").write_text("# Plain\n\nHome.\n")
    for section in ("families", "kinds"):
        (docs / section).mkdir()
        for name in ("a", "b", "c", "d", "e"):
            (docs / section / f"{name}.md").write_text(f"# {section} {name}\n\nA section page.\n")
    for i in range(count):
        (docs / "entries" / f"model-{i:05d}.md").write_text(plain_page(i))
    nav = "\n".join(
        ["nav:", "  - Home: index.md"]
        + [f"  - {s.capitalize()}:\n" + "\n".join(f"      - {n.upper()}: {s}/{n}.md" for n in "abcde") for s in ("families", "kinds")]
    )
    (root / "mkdocs.yml").write_text(
        "site_name: Plain\ndocs_dir: docs\nsite_dir: public\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\nmarkdown_extensions:\n  - toc:\n      permalink: true\n  - tables\n"
        "  - pymdownx.superfences\nvalidation:\n  omitted_files: ignore\n" + nav + "\n"
    )
    return root


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=2, help="Interleaved rounds (best time counts).")
    parser.add_argument("--keep", type=Path, help="Keep the generated projects in this folder.")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="medlm-bench-site-"))
    try:
        synth = write_catalogue(base / "synthetic", args.entries)
        shutil.copy(REPO / "mkdocs.yml", synth / "mkdocs.yml")
        shutil.copytree(REPO / "site", synth / "site")
        plain = write_plain_project(base / "plain", args.entries)

        same = base / "same-pages"
        best = {"ours": float("inf"), "floor": float("inf"), "simple": float("inf")}
        # Interleaved rounds, each build from scratch, best time of each: the machines are
        # shared and noisy, and noise should hit all three builds alike.
        for round_ in range(args.repeat):
            for folder in (synth / "public", synth / "build", same, plain / "public"):
                shutil.rmtree(folder, ignore_errors=True)
            best["ours"] = min(best["ours"], timed([str(BIN / "medlm-survey"), "build", "--root", str(synth)], synth))
            if round_ == 0:
                shutil.copytree(synth / "build" / "docs", base / "docs-copy")
            shutil.copytree(base / "docs-copy", same / "build" / "docs")
            shutil.copytree(synth / "site", same / "site")
            shutil.copy(synth / "mkdocs.yml", same / "mkdocs.yml")
            best["floor"] = min(best["floor"], timed([str(BIN / "mkdocs"), "build", "-q", "-f", str(same / "mkdocs.yml")], same))
            best["simple"] = min(best["simple"], timed([str(BIN / "mkdocs"), "build", "-q", "-f", str(plain / "mkdocs.yml")], plain))
        ours, floor, simple = best["ours"], best["floor"], best["simple"]
        sizes = {name: folder_size(path / "public") for name, path in (("ours", synth), ("same", same), ("simple", plain))}
        ratio = ours / floor

        def line(label: str, seconds: float, key: str) -> str:
            size, files = sizes[key]
            return f"{label:<58} {seconds:6.1f} s, output {size / 1e6:7.1f} MB in {files} files"

        print(f"entries: {args.entries}, best of {args.repeat} interleaved rounds")
        print(line("medlm-survey build (validate + render + write + mkdocs):", ours, "ours"))
        print(line("Material build of the same pages, written by hand:", floor, "same"))
        print(line(f"plain Material build of {args.entries} simpler pages:", simple, "simple"))
        print(f"ratio to the same pages: {ratio:.2f} (goal <= {LIMIT})")
        print(f"ratio to the simpler pages (reference): {ours / simple:.2f}")
        return 0 if ratio <= LIMIT else 1
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
