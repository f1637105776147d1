"""A git history and two data releases for the fixture catalogue, as the site build would pass
them to render_pages (tests/site/test_living_catalogue.py and the snapshots use them)."""

from __future__ import annotations

import datetime as dt

REPO_URL = "https://github.com/medlm-survey/medlm-survey"
UTC = dt.UTC
#: entry id -> when its file was added (git author date); entries not listed are unknown to git.
ADDED = {
    "llama": dt.datetime(2024, 1, 5, 9, 0, tzinfo=UTC),
    "meditron": dt.datetime(2024, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-2))),  # 2024-03-02 in UTC
    "medqa": dt.datetime(2024, 2, 10, 12, 0, tzinfo=UTC),
    "pmc-15m": dt.datetime(2024, 2, 11, 8, 0, tzinfo=UTC),
    "survey-medical-llms": dt.datetime(2024, 4, 1, 8, 0, tzinfo=UTC),
}
#: entry id -> when its file last changed.
CHANGED = {
    "llama": dt.datetime(2024, 1, 5, 17, 0, tzinfo=UTC),  # the day it was added: no second date
    "meditron": dt.datetime(2024, 6, 2, 10, 0, tzinfo=UTC),
    "medqa": dt.datetime(2024, 2, 10, 12, 0, tzinfo=UTC),
    "pmc-15m": dt.datetime(2024, 5, 20, 8, 0, tzinfo=UTC),
    "survey-medical-llms": dt.datetime(2024, 4, 1, 8, 0, tzinfo=UTC),
}


def _files(seed: str) -> dict:
    sizes = {"entries.json": 48213, "entries.csv": 9120, "references.bib": 6011, "entries.jsonl": 48190, "entries.parquet": 21344}
    return {name: {"bytes": size, "sha256": (seed * 64)[:64]} for name, size in sizes.items()}


#: Manifests of releases/*/manifest.json, newest first (as releases.read_manifests gives them).
RELEASES = [
    {
        "version": "2024.12.01", "date": "2024-12-01", "schema_version": 2, "commit": "b" * 40,
        "previous": {"version": "2024.06.01", "commit": "a" * 40},
        "counts": {"entries": 17, "model": 12, "dataset": 2, "benchmark": 2, "survey": 1},
        "changes": {"added": ["meditron", "survey-medical-llms"], "changed": ["pmc-15m"], "removed": [], "source": "git"},
        "files": _files("0123456789abcdef"), "license": "CC-BY-4.0",
    },
    {
        "version": "2024.06.01", "date": "2024-06-01", "schema_version": 2, "commit": "a" * 40, "previous": None,
        "counts": {"entries": 15, "model": 11, "dataset": 2, "benchmark": 2, "survey": 0},
        "changes": {"added": [], "changed": [], "removed": [], "source": "First release"},
        "files": _files("fedcba9876543210"), "license": "CC-BY-4.0",
    },
]  # fmt: skip
