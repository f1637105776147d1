"""Leaderboards: every score on a benchmark, ranked only within its setting."""

from __future__ import annotations

import html
from collections import Counter, defaultdict

from medlm_survey.catalog import Score
from medlm_survey.pages.common import (
    Renderer,
    display_value,
    front_matter,
    leaderboard_path,
    setting_label,
    setting_slug,
)


def leaderboard_groups(r: Renderer, benchmark_id: str) -> list[dict]:
    """Scores grouped by identical ``Result.setting()``; each group ranked on its own."""
    groups: dict[tuple, list[Score]] = defaultdict(list)
    for score in r.catalog.scores_on.get(benchmark_id, ()):
        groups[score.result.setting()].append(score)
    out = []
    for setting, scores in groups.items():
        metric = r.taxonomy.term("metrics", setting[3])
        lower = metric is not None and metric.direction == "lower"
        scale = metric.scale if metric is not None else None
        shown = {id(score): display_value(score.result, scale) for score in scores}
        ranked = sorted(scores, key=lambda s: (shown[id(s)] if lower else -shown[id(s)], s.model.id))
        rows = []
        rank = 0
        previous = None
        for position, score in enumerate(ranked, start=1):
            if shown[id(score)] != previous:
                rank = position
                previous = shown[id(score)]
            rows.append((rank, score, shown[id(score)]))
        out.append({
            "setting": setting,
            "label": setting_label(scores[0].result, r.taxonomy),
            "scale": scale,
            "anchor": setting_slug(setting),
            "lower": lower,
            "rows": rows,
            "result": scores[0].result,
        })
    out.sort(key=lambda g: (-len(g["rows"]), g["label"]))
    seen: Counter = Counter()
    for group in out:  # anchors must be unique on the page
        seen[group["anchor"]] += 1
        if seen[group["anchor"]] > 1:
            group["anchor"] += f"-{seen[group['anchor']]}"
    return out


def leaderboard_pages(r: Renderer) -> tuple[dict[str, str], list]:
    """One page per benchmark with scores, and the index; returns (pages, boards)."""
    pages: dict[str, str] = {}
    boards = []
    for benchmark_id in sorted(r.catalog.scores_on):
        benchmark = r.catalog.get(benchmark_id)
        if benchmark is None:
            continue
        path = leaderboard_path(benchmark_id)
        groups = leaderboard_groups(r, benchmark_id)
        boards.append((benchmark, groups))
        pages[path] = front_matter(title=html.escape(f"Leaderboard: {benchmark.name}"), generated=True) + r.render(
            "leaderboard.md.j2", page=path, b=benchmark, groups=groups)
    pages["leaderboards/index.md"] = front_matter(generated=True) + r.render(
        "leaderboards.md.j2", page="leaderboards/index.md", boards=boards)
    return pages, boards
