"""Vega-Lite charts to SVG: cached by content, and rendered beside the rest of the build.

Why: vl-convert takes about 75 ms per chart (its own V8, one chart at a time, no gain from
threads), so the leaderboard charts were 5 of the 7 seconds of rendering 1,000 synthetic
entries, growing with the number of benchmarks. Two remedies, both invisible in the output:

* a content-hash cache (``.cache/charts/<sha256>.svg`` under the repository, safe to
  delete, ignored by git): a chart whose spec and vl-convert version are unchanged is read,
  not rendered, so a rebuild after editing one entry renders only the charts it touched;
* :class:`ChartJob`: the charts still missing are rendered in worker processes while the
  site engine builds the pages (the engine only links the SVGs), and written into the
  built site afterwards.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

CACHE_SUBDIR = "charts"


def chart_svg(spec: dict) -> str:
    """Render a Vega-Lite spec to SVG without JavaScript in the browser."""
    import vl_convert  # imported lazily: only the build needs it

    return vl_convert.vegalite_to_svg(spec)


def _render_all(specs: dict[str, dict]) -> dict[str, str]:
    return {path: chart_svg(spec) for path, spec in specs.items()}


def _key(spec: dict) -> str:
    import vl_convert

    text = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    version = getattr(vl_convert, "__version__", "")
    return hashlib.sha256(f"{version}\n{text}".encode()).hexdigest()


class ChartJob:
    """Charts being rendered: cached ones are read at once, the rest in worker processes.

    ``ChartJob(specs, cache_dir).result()`` -> ``{path: svg}`` for every spec. With
    ``background=False`` everything happens in this process (``mkdocs serve``, tests).
    """

    def __init__(self, specs: Mapping[str, dict], cache_dir: Path | None = None, *, background: bool = True):
        self.cache_dir = cache_dir / CACHE_SUBDIR if cache_dir else None
        self.done: dict[str, str] = {}
        self.keys = {path: _key(spec) for path, spec in specs.items()} if self.cache_dir else {}
        missing: dict[str, dict] = {}
        for path, spec in specs.items():
            cached = self._read(self.keys.get(path))
            if cached is None:
                missing[path] = spec
            else:
                self.done[path] = cached
        self._futures: list[Future] = []
        self._pool: ProcessPoolExecutor | None = None
        if missing and background:
            # One worker per spare core (at least one): the main process runs the engine.
            workers = max(1, min(4, (os.cpu_count() or 2) - 1, len(missing)))
            # spawn, not fork: vl-convert's runtime threads (the lineage drawings start them in
            # this process) do not survive a fork, and a forked worker hangs on their locks.
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
            paths = list(missing)
            for i in range(workers):
                chunk = {p: missing[p] for p in paths[i::workers]}
                self._futures.append(self._pool.submit(_render_all, chunk))
        elif missing:
            self._store(_render_all(missing))

    def _read(self, key: str | None) -> str | None:
        if not key or self.cache_dir is None:
            return None
        try:
            return (self.cache_dir / f"{key}.svg").read_text(encoding="utf-8")
        except OSError:
            return None

    def _store(self, rendered: dict[str, str]) -> None:
        self.done.update(rendered)
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        for path, svg in rendered.items():
            target = self.cache_dir / f"{self.keys[path]}.svg"
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(svg, encoding="utf-8")
            os.replace(tmp, target)

    def close(self) -> None:
        """Stop the workers without waiting for their charts (the build failed)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._futures = []

    def result(self) -> dict[str, str]:
        """Every chart's SVG; waits for the workers (their errors are raised here)."""
        try:
            for future in self._futures:
                self._store(future.result())
        finally:
            self._futures = []
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None
        return dict(self.done)
