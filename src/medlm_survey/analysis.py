"""Questions across entries that the views answer: reproduction gaps and train/test overlap.

Both are pure functions of the catalogue, shared by the site pages and the exports.

- A **reproduction gap** is the difference between an independent (third-party) score and the
  model authors' own score for the same model, variant and setting (``Result.setting()``),
  both on the metric's scale (``taxonomy.yaml``): ``gap = independent - self_reported``.
- A **train/test overlap** flag marks a score whose model was trained, directly or through its
  base models, on data that the benchmark was built from (following ``trained_on``,
  ``base_models`` and ``built_from`` transitively). It is a marker with its evidence, not an
  accusation: fine-tuning on a benchmark's training split is expected and also flagged.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from medlm_survey.catalog import Catalog, Score
from medlm_survey.schema import BenchmarkEntry, DatasetEntry, ModelEntry, Result


def metric_scale(catalog: Catalog, result: Result) -> str | None:
    term = catalog.taxonomy.term("metrics", result.metric)
    return term.scale if term else None


def shown_value(catalog: Catalog, result: Result) -> float:
    """The score on its metric's own scale (unit/percent conversions only)."""
    scale = metric_scale(catalog, result)
    printed = result.printed_scale(scale)
    if printed == scale or scale not in ("unit", "percent"):
        return result.value
    return result.value * 100 if scale == "percent" else result.value / 100


@dataclass(frozen=True)
class Gap:
    """An independent score next to the self-reported one it can be compared with."""

    model: ModelEntry
    self_reported: Result
    independent: Result
    gap: float  # independent - self_reported, on the metric's scale
    lower_is_better: bool

    @property
    def worse(self) -> bool:
        """True when the independent number is worse than the authors' own."""
        return self.gap > 0 if self.lower_is_better else self.gap < 0


def _variants_match(a: Result, b: Result) -> bool:
    return a.variant == b.variant or a.variant is None or b.variant is None


def reproduction_gaps(catalog: Catalog) -> list[Gap]:
    """Every (self-reported, independent) pair in one setting, largest absolute gap first.

    When a model has several self-reported numbers in the setting (say for two variants),
    an independent score is compared with the one of its own variant, else the first.
    """
    gaps: list[Gap] = []
    for model in catalog.by_kind.get("model", ()):
        assert isinstance(model, ModelEntry)
        by_setting: dict[tuple, tuple[list[Result], list[Result]]] = {}
        for result in model.results:
            own, others = by_setting.setdefault(result.setting(), ([], []))
            (own if result.self_reported else others).append(result)
        for own, others in by_setting.values():
            if not own or not others:
                continue
            for independent in others:
                matching = [r for r in own if r.variant == independent.variant] or [
                    r for r in own if _variants_match(r, independent)
                ]
                if not matching:
                    continue
                reference = matching[0]
                term = catalog.taxonomy.term("metrics", independent.metric)
                gap = shown_value(catalog, independent) - shown_value(catalog, reference)
                gaps.append(Gap(model, reference, independent, round(gap, 6), bool(term and term.direction == "lower")))
    gaps.sort(key=lambda g: (-abs(g.gap), g.model.id, g.independent.benchmark))
    return gaps


@dataclass(frozen=True)
class Overlap:
    """Why a score is flagged: the chain from the model to a dataset, and from the benchmark
    to the same dataset (each a list of entry ids, ends included)."""

    model_path: tuple[str, ...]  # model -> (base models ->) dataset
    benchmark_path: tuple[str, ...]  # benchmark -> (built_from ->) the same dataset
    shared: str

    def explain(self, catalog: Catalog) -> str:
        """'LLaVA-Med → PMC-15M; VQA-RAD ← built from PMC-15M'-style text."""
        name = lambda i: catalog.get(i).name if catalog.get(i) else i  # noqa: E731
        left = " → ".join(name(i) for i in self.model_path)
        if len(self.benchmark_path) == 1:
            return f"{left} (trained on the benchmark's own data)"
        right = " ← ".join(name(i) for i in reversed(self.benchmark_path))
        return f"{left}; {right} (built from)"


def _data_paths(catalog: Catalog, model: ModelEntry) -> dict[str, tuple[str, ...]]:
    """Every dataset/benchmark a model was trained on, directly, via built_from, or via its
    base models, with the shortest path that leads there."""
    paths: dict[str, tuple[str, ...]] = {}
    queue: deque[tuple[str, tuple[str, ...]]] = deque([(model.id, (model.id,))])
    seen = {model.id}
    while queue:
        node_id, path = queue.popleft()
        node = catalog.get(node_id)
        nexts: list[str] = []
        if isinstance(node, ModelEntry):
            nexts = [*(node.trained_on or ()), *node.base_models]
        elif isinstance(node, (DatasetEntry, BenchmarkEntry)):
            paths.setdefault(node_id, path)
            nexts = list(node.built_from)
        for target in nexts:
            if target not in seen:
                seen.add(target)
                queue.append((target, (*path, target)))
    return paths


def _source_paths(catalog: Catalog, benchmark_id: str) -> dict[str, tuple[str, ...]]:
    """The benchmark and everything it was built from, transitively, with paths."""
    paths: dict[str, tuple[str, ...]] = {benchmark_id: (benchmark_id,)}
    queue = deque([benchmark_id])
    while queue:
        node = catalog.get(queue.popleft())
        if isinstance(node, (DatasetEntry, BenchmarkEntry)):
            for source in node.built_from:
                if source not in paths:
                    paths[source] = (*paths[node.id], source)
                    queue.append(source)
    return paths


def overlap_flags(catalog: Catalog) -> dict[tuple[str, int], Overlap]:
    """``{(model id, index in its results): Overlap}`` for every flagged score."""
    flags: dict[tuple[str, int], Overlap] = {}
    sources_cache: dict[str, dict[str, tuple[str, ...]]] = {}
    for model in catalog.by_kind.get("model", ()):
        assert isinstance(model, ModelEntry)
        if not model.results:
            continue
        data = _data_paths(catalog, model)
        if not data:
            continue
        for index, result in enumerate(model.results):
            sources = sources_cache.setdefault(result.benchmark, _source_paths(catalog, result.benchmark))
            shared = [d for d in data if d in sources]
            if shared:
                best = min(shared, key=lambda d: (len(data[d]) + len(sources[d]), d))
                flags[(model.id, index)] = Overlap(data[best], sources[best], best)
    return flags


def score_index(score: Score) -> int:
    """Position of a score in its model's results (scores are unique objects per entry)."""
    return next(i for i, r in enumerate(score.model.results) if r is score.result)
