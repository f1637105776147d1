"""Speed of `validate` at 10,000 entries, as a ratio against a floor measured in the same run.

Floor: read every file, parse it with libyaml's C loader and validate it with the pydantic
model of its kind, nothing else. Target: the full `validate` (reader with duplicate-key,
depth and alias guards, schema, cross-entry checks, near-duplicate detection) at most 1.5x
the floor, and with the content-hash cache after one file changed at most 0.3x. Timings are the best of several runs, since the machines are shared and noisy.

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
#: With the cache, after one file changed (the ready-for-10,000-entries issue).
CACHED_TARGET = 0.3


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
        edited = root / changed[0]
        original = edited.read_text(encoding="utf-8")
        load_catalog(root, taxonomy=taxonomy, cache=True)  # fill .cache/validate.pickle
        turn = iter(range(10**9))

        def one_file_changed():
            # A different edit each time, so the cache always has exactly one stale file.
            edited.write_text(original.replace("synthetic", f"synthetic ({next(turn)})", 1), encoding="utf-8")
            return load_catalog(root, taxonomy=taxonomy, cache=True)

        best = best_interleaved(
            args.repeat,
            floor=lambda: floor(root, taxonomy),
            full=lambda: load_catalog(root, taxonomy=taxonomy),
            pull_request=lambda: load_catalog(root, taxonomy=taxonomy, compare_only=changed),
            cached=one_file_changed,
        )
        floor_s, full_s, pr_s, cached_s = best["floor"], best["full"], best["pull_request"], best["cached"]
        same = [str(d) for d in one_file_changed().diagnostics] == [str(d) for d in load_catalog(root, taxonomy=taxonomy).diagnostics]
    ratio = full_s / floor_s
    print(f"entries: {len(catalog.entries):,} ({len(catalog.diagnostics)} warnings)")
    print(f"floor (C loader + pydantic): {floor_s:.2f} s")
    print(f"validate (everything):       {full_s:.2f} s")
    print(f"validate, 20 changed files:  {pr_s:.2f} s")
    print(f"validate, cache, 1 changed:  {cached_s:.2f} s (output identical to a fresh run: {same})")
    print(f"ratio validate/floor: {ratio:.2f} (target <= {TARGET})")
    print(f"ratio cached/floor:   {cached_s / floor_s:.2f} (target <= {CACHED_TARGET})")
    return 0 if ratio <= TARGET and cached_s / floor_s <= CACHED_TARGET and same else 1


if __name__ == "__main__":
    sys.exit(main())
