"""Rendered pages of the fixture catalogue against stored snapshots.

After an intended template change: ``pytest tests/site --update-snapshots``, then review
the diff of ``tests/site/snapshots/``.
"""

from __future__ import annotations

import pytest

from medlm_survey.render import render_pages

from . import fixture_history as history
from .conftest import SNAPSHOTS

PAGES = [
    "index.md",
    "model/meditron.md",
    "model/planted-script.md",
    "dataset/pmc-15m.md",
    "benchmark/medqa.md",
    "survey/survey-medical-llms.md",
    "kinds/model.md",
    "families/vlm.md",
    "leaderboards/index.md",
    "leaderboards/medqa.md",
    "timeline.md",
    "taxonomy/index.md",
    "taxonomy/modalities/ct.md",
    "downloads.md",
    "model/llama.md",
    "lineage.md",
    "compare.md",
    "families/index.md",
    "kinds/index.md",
]


@pytest.fixture(scope="module")
def rendered(fixture_catalog):
    return render_pages(
        fixture_catalog,
        edit_base="https://github.com/medlm-survey/medlm-survey/edit/main/",
        intro="The hand-written introduction.\n",
        chart=False,
        added=history.ADDED, changed=history.CHANGED, releases=history.RELEASES, repo_url=history.REPO_URL,
    )


@pytest.mark.parametrize("path", PAGES)
def test_page_matches_snapshot(rendered, path, update_snapshots):
    snapshot = SNAPSHOTS / (path.replace("/", "__"))
    if update_snapshots or not snapshot.exists():
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(rendered[path], encoding="utf-8")
        if not update_snapshots:
            pytest.skip(f"snapshot {snapshot.name} created; commit it")
        return
    assert rendered[path] == snapshot.read_text(encoding="utf-8"), (
        f"{path} differs from its snapshot; run pytest tests/site --update-snapshots if intended"
    )
