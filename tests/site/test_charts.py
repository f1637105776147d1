"""Charts: cached by content, rendered in worker processes, the same SVG either way."""

from __future__ import annotations

import pytest

from medlm_survey import charts

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 3}]},
    "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}},
}


def test_cache_workers_and_direct_rendering_give_the_same_svg(tmp_path, monkeypatch):
    direct = charts.ChartJob({"a.svg": SPEC}, background=False).result()["a.svg"]
    assert direct.startswith("<svg")
    # in worker processes, with a cache folder: the same picture, now cached
    other = dict(SPEC, mark="circle")
    job = charts.ChartJob({"a.svg": SPEC, "b.svg": other}, tmp_path)
    done = job.result()
    assert done["a.svg"] == direct and done["b.svg"].startswith("<svg")
    assert len(list((tmp_path / "charts").glob("*.svg"))) == 2
    # a second build reads the cache and renders nothing
    monkeypatch.setattr(charts, "chart_svg", lambda spec: pytest.fail("rendered a cached chart"))
    assert charts.ChartJob({"a.svg": SPEC, "b.svg": other}, tmp_path, background=False).result() == done
    # a changed spec is a different chart
    with pytest.raises(pytest.fail.Exception):
        charts.ChartJob({"a.svg": dict(SPEC, width=300)}, tmp_path, background=False).result()


def test_a_failed_build_stops_the_workers(tmp_path):
    job = charts.ChartJob({f"{i}.svg": dict(SPEC, width=100 + i) for i in range(6)}, tmp_path)
    job.close()
    assert job._pool is None and job.result() == {}
