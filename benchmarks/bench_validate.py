"""Speed of `validate` at 10,000 entries, as a ratio against a floor measured in the same run.

Floor: read every file, parse it with libyaml's C loader and validate it with the pydantic
model of its kind, nothing else. Target: the full `validate` (reader with duplicate-key,
depth and alias guards, schema, cross-entry checks, near-duplicate detection) at most 1.5x
the floor. Timings are the best of several runs, since the machines are shared and noisy.

    python benchmarks/bench_validate.py [--entries 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_catalogue  # noqa: E402

from medlm_survey.catalog import entry_files, load_catalog  # noqa: E402
from medlm_survey.schema import MODEL_FOR_KIND  # noqa: E402
from medlm_survey.taxonomy import load_taxonomy  # noqa: E402

TARGET = 1.5


def floor(root: Path, taxonomy) -> int:
    count = 0
    for path in entry_files(root):
        data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)  # noqa: S506
        MODEL_FOR_KIND[data["kind"]].model_validate(data, context={"taxonomy": taxonomy})
        count += 1
    return count


def best_interleaved(repeat: int, **functions) -> dict[str, float]:
    """Best time of each function, running them in turn so that load on the machine
    affects all of them alike."""
    best = {name: float("inf") for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = write_catalogue(Path(tmp) / "repo", args.entries)
        taxonomy = load_taxonomy(root / "taxonomy.yaml")
        catalog = load_catalog(root, taxonomy=taxonomy)  # warm-up, and a sanity check
        if catalog.errors:
            print("synthetic catalogue has errors:", *catalog.errors[:5], sep="\n  ")
            return 1
        changed = [catalog.paths[e.id] for e in catalog.entries[:20]]
        best = best_interleaved(
            args.repeat,
            floor=lambda: floor(root, taxonomy),
            full=lambda: load_catalog(root, taxonomy=taxonomy),
            pull_request=lambda: load_catalog(root, taxonomy=taxonomy, compare_only=changed),
        )
        floor_s, full_s, pr_s = best["floor"], best["full"], best["pull_request"]
    ratio = full_s / floor_s
    print(f"entries: {len(catalog.entries):,} ({len(catalog.diagnostics)} warnings)")
    print(f"floor (C loader + pydantic): {floor_s:.2f} s")
    print(f"validate (everything):       {full_s:.2f} s")
    print(f"validate, 20 changed files:  {pr_s:.2f} s")
    print(f"ratio validate/floor: {ratio:.2f} (target <= {TARGET})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
