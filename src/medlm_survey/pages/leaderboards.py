"""Leaderboards: every score on a benchmark in one table, ranked only within its setting.

A setting is ``Result.setting()``: benchmark, subset, task, metric, split, shots and prompting.
Ranks are computed here, per setting, and never across settings; the table opens on the most
populated setting and lets the reader choose another, or all of them, plus open weights only,
a size limit, self-reported or independent numbers and the best score per model. Each row
carries its reproduction gap (an independent number against the authors' own) and its
train/test overlap flag (:mod:`medlm_survey.analysis`).

Also here: the reproduction-gaps page, which ranks the largest gaps in the catalogue.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from dataclasses import dataclass

from medlm_survey.analysis import Gap, Overlap, score_index
from medlm_survey.catalog import Score
from medlm_survey.pages.common import (
    Cell,
    Facet,
    Renderer,
    Table,
    Toggle,
    access_label,
    display_value,
    entry_path,
    format_parameters,
    front_matter,
    leaderboard_path,
    relative,
    setting_label,
    setting_slug,
    table_json,
    table_path,
)
from medlm_survey.pages.tables import access_key
from medlm_survey.schema import ModelEntry

GAPS_PATH = "leaderboards/gaps.md"
#: Charts are drawn for leaderboards whose main setting compares at least this many models.
CHART_MIN_MODELS = 4
#: At most this many settings get a colour of their own in a chart (the most populated).
CHART_SETTINGS = 5


@dataclass
class Board:
    """One benchmark's leaderboard: its settings, ranked rows and summary numbers."""

    benchmark_id: str
    groups: list[dict]  # per setting: setting, label, anchor, lower, scale, rows [(rank, score, shown)]
    flags: dict[tuple[str, int], Overlap]
    gaps: dict[tuple[str, int], Gap]

    @property
    def main(self) -> dict:
        return self.groups[0]

    @property
    def scores(self) -> int:
        return sum(len(g["rows"]) for g in self.groups)

    @property
    def models(self) -> int:
        return len({score.model.id for g in self.groups for _, score, _ in g["rows"]})


def leaderboard_groups(r: Renderer, benchmark_id: str) -> list[dict]:
    """Scores grouped by identical ``Result.setting()``, each ranked on its own scale and
    direction; the most populated setting first."""
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
            "anchor": setting_slug(setting),
            "lower": lower,
            "scale": scale,
            "rows": rows,
            "result": scores[0].result,
        })
    out.sort(key=lambda g: (-len({s.model.id for _, s, _ in g["rows"]}), -len(g["rows"]), g["label"]))
    seen: Counter = Counter()
    for group in out:  # setting keys must be unique on the page
        seen[group["anchor"]] += 1
        if seen[group["anchor"]] > 1:
            group["anchor"] += f"-{seen[group['anchor']]}"
    return out


def _release(score: Score) -> str:
    variant = score.model.variant(score.result.variant) if isinstance(score.model, ModelEntry) else None
    return (variant.date if variant and variant.date else None) or score.model.date


def _size(score: Score) -> float | None:
    model = score.model
    if not isinstance(model, ModelEntry):
        return None
    variant = model.variant(score.result.variant)
    if variant is not None:
        return variant.parameter_count
    counts = model.parameter_counts
    return counts[0] if len(counts) == 1 else None


def board_table(r: Renderer, page: str, board: Board) -> Table:
    """The single leaderboard table: one row per score, ranked within its setting."""
    columns = [
        ("Rank", "number"), ("Model", ""), ("Variant", ""), ("Size", "number"), ("Access", ""),
        ("Released", "number"), ("Setting", ""), ("Score", "number"), ("Source", ""), ("Notes", ""),
    ]  # fmt: skip
    rows = []
    settings = []
    access_counts: Counter = Counter()
    access_labels: dict[str, str] = {}
    for group in board.groups:
        settings.append((group["anchor"], f"{group['label']} ({len(group['rows'])})"))
        for rank, score, shown in group["rows"]:
            model = score.model
            size = _size(score)
            access = access_key(model)
            if access:
                access_counts[access] += 1
                access_labels[access] = access_label(model)
            index = score_index(score)
            key = (model.id, index)
            reported = "self" if score.result.self_reported else "third-party"
            data = {
                "setting": group["anchor"],
                "group": group["anchor"],
                "model": model.id,
                "value": f"{shown:.10g}",
                "lower": "1" if group["lower"] else "0",
                "access": access,
                "reported": reported,
                "flags": " ".join(
                    flag for flag, present in (("overlap", key in board.flags), ("gap", key in board.gaps)) if present
                ),
                "sizes": f"{size / 1e9:g}" if size is not None else "",
                "year": _release(score)[:4],
            }
            cells = [
                Cell(str(rank), sort=str(rank), css="medlm-num"),
                Cell(model.name, sort=model.name.lower(), href=relative(page, entry_path(model))),
                Cell(score.result.variant or ""),
                Cell(format_parameters(size) and _short_size(size) or "not recorded", sort=format_parameters(size) or "999999999999999999"),
                Cell(access_label(model)),
                Cell(_release(score), sort=_release(score).replace("-", "")),
                Cell(group["label"]),
                Cell(sort=f"{shown:.10g}", css="medlm-num", html=r.value_html(score.result, shown)),
                Cell(html=r.source_html(page, score.result)),
                Cell(html=r.notes_html(model.id, index)),
            ]
            rows.append((data, cells))
    facets = [
        Facet("setting", "Setting", settings, default=board.main["anchor"], all_label="All settings (ranked within each)"),
        Facet("reported", "Reported by", [("self", "the model's authors"), ("third-party", "another paper")]),
    ]
    if access_counts:
        values = sorted(access_counts, key=lambda v: access_labels[v].lower())
        facets.append(Facet("access", "Access", [(v, f"{access_labels[v]} ({access_counts[v]})") for v in values]))
    toggles = []
    if any(key in board.flags for key in board.flags):
        toggles.append(Toggle("flags", "overlap", "Only scores with a train/test overlap"))
    return Table(
        columns=columns,
        rows=rows,
        facets=facets,
        name=f"leaderboard-{board.benchmark_id}",
        sizes=True,
        toggles=toggles,
        best=True,
        optional=[2, 3, 4, 5, 8, 9],
        noun="scores",
    )


def _short_size(count: float) -> str:
    for unit, scale in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if count >= scale:
            return f"{count / scale:g}{unit}"
    return f"{count:g}"


def chart_spec(r: Renderer, board: Board) -> dict | None:
    """Vega-Lite: score against release date and against size, one colour per setting (the
    most populated settings of one metric), or None when too few models to draw."""
    main = board.main
    if len({s.model.id for _, s, _ in main["rows"]}) < CHART_MIN_MODELS:
        return None
    metric = main["setting"][3]
    groups = [g for g in board.groups if g["setting"][3] == metric][:CHART_SETTINGS]
    values = []
    for group in groups:
        for _, score, shown in group["rows"]:
            size = _size(score)
            values.append({
                "model": score.model.name,
                "setting": group["label"],
                "score": shown,
                "released": _release(score) if len(_release(score)) == 10 else _release(score) + "-15",
                "size": size / 1e9 if size else None,
            })
    metric_label = r.taxonomy.label("metrics", metric)
    y = {"field": "score", "type": "quantitative", "title": metric_label, "scale": {"zero": False}}
    colour = {"field": "setting", "type": "nominal", "title": "Setting", "legend": {"orient": "bottom", "columns": 1, "labelLimit": 420}}
    tooltip = [{"field": "model"}, {"field": "setting"}, {"field": "score"}]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "background": None,
        "data": {"values": values},
        "hconcat": [
            {
                "title": "State of the art over time",
                "width": 300, "height": 220,
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": {"field": "released", "type": "temporal", "title": "Model release"},
                    "y": y, "color": colour, "shape": colour, "tooltip": tooltip,
                },
            },
            {
                "title": "Score against model size",
                "width": 300, "height": 220,
                "transform": [{"filter": "datum.size != null"}],
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {
                    "x": {"field": "size", "type": "quantitative", "title": "Parameters (billions, log scale)", "scale": {"type": "log"}},
                    "y": y, "color": colour, "shape": colour, "tooltip": tooltip,
                },
            },
        ],
        "config": {
            "font": "sans-serif",
            "axis": {"labelColor": "#777777", "titleColor": "#777777", "gridColor": "#8884", "domainColor": "#777777", "tickColor": "#777777"},
            "legend": {"labelColor": "#777777", "titleColor": "#777777"},
            "title": {"color": "#777777", "fontSize": 12},
            "view": {"stroke": None},
        },
    }  # fmt: skip


def chart_path(benchmark_id: str) -> str:
    return f"assets/charts/leaderboards/{benchmark_id}.svg"


def leaderboard_pages(r: Renderer, chart: bool = True) -> tuple[dict[str, str], list]:
    """One page per benchmark with scores, the index and the reproduction-gaps page;
    returns (pages, boards) where boards is [(benchmark entry, Board)]."""
    catalog = r.catalog
    flags, gaps, gap_by_score = r.overlaps, r.gaps, r.gap_by_score
    pages: dict[str, str] = {}
    boards = []
    for benchmark_id in sorted(catalog.scores_on):
        benchmark = catalog.get(benchmark_id)
        if benchmark is None:
            continue
        path = leaderboard_path(benchmark_id)
        board = Board(benchmark_id, leaderboard_groups(r, benchmark_id), flags, gap_by_score)
        boards.append((benchmark, board))
        spec = chart_spec(r, board) if chart else None
        if spec is not None:
            r.charts[chart_path(benchmark_id)] = spec  # rendered to SVG by render_pages' caller
        table = board_table(r, path, board)
        table.data_url = relative(path, table_path(table))
        pages[table_path(table)] = table_json(table)
        pages[path] = front_matter(
            title=html.escape(f"Leaderboard: {benchmark.name}"), generated=True, hide=["navigation", "toc"]
        ) + r.render(
            "leaderboard.md.j2", page=path, b=benchmark, board=board, table=table,
            chart=chart_path(benchmark_id) if spec is not None else None,
            flagged=sum(1 for _, s, _ in (row for g in board.groups for row in g["rows"]) if (s.model.id, score_index(s)) in flags),
            gapped=sum(1 for _, s, _ in (row for g in board.groups for row in g["rows"]) if (s.model.id, score_index(s)) in gap_by_score),
        )
    pages["leaderboards/index.md"] = front_matter(generated=True) + r.render(
        "leaderboards.md.j2", page="leaderboards/index.md", boards=boards, gaps=len(gaps), flagged=len(flags))
    pages[GAPS_PATH] = front_matter(title="Reproduction gaps", generated=True, hide=["navigation", "toc"]) + r.render(
        "gaps.md.j2", page=GAPS_PATH, gaps=gaps)
    return pages, boards
