"""Load ``entries/`` once into one immutable in-memory :class:`Catalog`.

The CLI, the site build and the exporters all take a ``Catalog``; nothing else reads entry
files. Problems never raise: they are collected as diagnostics, positioned at the end.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from medlm_survey import checks
from medlm_survey.diagnostics import ERROR, WARNING, Diagnostic, Problem
from medlm_survey.schema import (
    KINDS,
    BenchmarkEntry,
    DatasetEntry,
    EntryBase,
    ModelEntry,
    Result,
    SurveyEntry,
)
from medlm_survey.taxonomy import Taxonomy, load_taxonomy
from medlm_survey.validation import validate_entry
from medlm_survey.validation_cache import CACHE_FILE, ValidationCache, context_key, file_digest
from medlm_survey.yaml_source import compose, position_in, read_entry

ENTRIES_DIR = "entries"
TAXONOMY_FILE = "taxonomy.yaml"


@dataclass(frozen=True)
class Score:
    """A result together with the model it belongs to."""

    model: ModelEntry
    result: Result


@dataclass(frozen=True)
class Catalog:
    """Every valid entry, with lookups and the backlinks pages need.

    Attributes:
        root: repository root the paths are relative to.
        taxonomy: the controlled vocabularies.
        entries: valid entries sorted by id.
        paths: entry id -> path of its file relative to ``root``.
        diagnostics: every problem found, sorted by file and position.
        files: number of entry files read.
    """

    root: Path
    taxonomy: Taxonomy
    entries: tuple[EntryBase, ...]
    paths: Mapping[str, str]
    diagnostics: tuple[Diagnostic, ...]
    files: int
    by_id: Mapping[str, EntryBase] = field(init=False)
    by_kind: Mapping[str, tuple[EntryBase, ...]] = field(init=False)
    scores_on: Mapping[str, tuple[Score, ...]] = field(init=False)
    scores_reported_by: Mapping[str, tuple[Score, ...]] = field(init=False)
    trained_models: Mapping[str, tuple[str, ...]] = field(init=False)
    derived_models: Mapping[str, tuple[str, ...]] = field(init=False)
    derived_data: Mapping[str, tuple[str, ...]] = field(init=False)
    covered_by: Mapping[str, tuple[str, ...]] = field(init=False)
    #: Model entries whose training data are not recorded, and those recorded only in part:
    #: why a dataset's "trained on this dataset" list is a lower bound.
    training_data_unrecorded: int = field(init=False)
    training_data_partial: int = field(init=False)

    def __post_init__(self) -> None:
        by_kind: dict[str, list[EntryBase]] = {kind: [] for kind in KINDS}
        scores_on: dict[str, list[Score]] = defaultdict(list)
        reported: dict[str, list[Score]] = defaultdict(list)
        trained: dict[str, list[str]] = defaultdict(list)
        derived: dict[str, list[str]] = defaultdict(list)
        derived_data: dict[str, list[str]] = defaultdict(list)
        covered: dict[str, list[str]] = defaultdict(list)
        for entry in self.entries:
            by_kind[entry.kind].append(entry)
            if isinstance(entry, ModelEntry):
                for base in entry.base_models:
                    derived[base].append(entry.id)
                for dataset in entry.trained_on or ():
                    trained[dataset].append(entry.id)
                for result in entry.results:
                    score = Score(entry, result)
                    scores_on[result.benchmark].append(score)
                    reporter = result.source.measuring_entry
                    if reporter is not None and reporter != entry.id:
                        reported[reporter].append(score)
            elif isinstance(entry, (DatasetEntry, BenchmarkEntry)):
                for source in entry.built_from:
                    derived_data[source].append(entry.id)
            elif isinstance(entry, SurveyEntry):
                for target in entry.covers:
                    covered[target].append(entry.id)
        freeze = lambda table: {k: tuple(v) for k, v in table.items()}  # noqa: E731
        set_ = object.__setattr__  # frozen dataclass: derived fields are set once, here
        set_(self, "by_id", {entry.id: entry for entry in self.entries})
        set_(self, "by_kind", freeze(by_kind))
        set_(self, "scores_on", freeze(scores_on))
        set_(self, "scores_reported_by", freeze(reported))
        set_(self, "trained_models", freeze(trained))
        set_(self, "derived_models", freeze(derived))
        set_(self, "derived_data", freeze(derived_data))
        set_(self, "covered_by", freeze(covered))
        models = by_kind["model"]
        set_(self, "training_data_unrecorded", sum(1 for m in models if m.trained_on is None))
        set_(self, "training_data_partial", sum(1 for m in models if m.trained_on_partial is not None))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == ERROR)

    @property
    def ok(self) -> bool:
        return not self.errors

    def get(self, entry_id: str) -> EntryBase | None:
        return self.by_id.get(entry_id)


def entry_files(root: Path) -> list[Path]:
    """All ``*.yaml`` / ``*.yml`` files under ``root/entries``, in sorted order."""
    base = root / ENTRIES_DIR
    if not base.is_dir():
        return []
    return sorted(p for p in base.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def locate_problems(problems: Iterable[Problem], texts: Mapping[str, str]) -> list[Diagnostic]:
    """Give every problem a line and column, composing each affected file once."""
    by_path: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_path[problem.path].append(problem)
    diagnostics: set[Diagnostic] = set()
    for path, group in by_path.items():
        needs_position = any(p.line is None for p in group) and texts.get(path)
        root_node = compose(texts[path]) if needs_position else None
        for problem in group:
            line, col = problem.line, problem.col
            if line is None:
                line, col = position_in(root_node, problem.loc, problem.at_key)
            diagnostics.add(Diagnostic(path, line, col or 1, problem.severity, problem.code, problem.message))
    return sorted(diagnostics, key=lambda d: (d.path, d.line, d.col, d.code, d.message))


def apply_acknowledgements(problems: list[Problem], entries: Mapping[str, EntryBase], paths: Mapping[str, str]) -> list[Problem]:
    """Drop warnings an entry acknowledges (``acknowledge: [{code, reason}]``); report
    acknowledgements that no longer match a warning, so they do not outlive their reason."""
    by_path = {paths[entry_id]: entry for entry_id, entry in entries.items() if entry.acknowledge}
    if not by_path:
        return problems
    used: set[tuple[str, str]] = set()
    kept = []
    for problem in problems:
        entry = by_path.get(problem.path)
        if entry is not None and problem.severity == WARNING and any(a.code == problem.code for a in entry.acknowledge):
            used.add((problem.path, problem.code))
            continue
        kept.append(problem)
    for path, entry in by_path.items():
        for index, acknowledgement in enumerate(entry.acknowledge):
            if (path, acknowledgement.code) not in used:
                kept.append(
                    Problem(
                        path,
                        ("acknowledge", index, "code"),
                        WARNING,
                        "unused-acknowledgement",
                        f"this entry has no '{acknowledgement.code}' warning to acknowledge; remove the acknowledgement",
                    )
                )
    return kept


def _check_file(raw: bytes, rel: str, stem: str, taxonomy: Taxonomy, today: dt.date | None):
    """One file on its own: (entry or None, its problems, the id it leaves broken or None)."""
    read = read_entry(raw, rel)
    if read.data is None:
        return None, read.problems, stem
    entry, entry_problems = validate_entry(read.data, rel, taxonomy, today)
    problems = [*read.problems, *entry_problems]
    if entry is not None:
        return entry, problems, None
    declared = read.data.get("id")
    return None, problems, declared if isinstance(declared, str) else stem


def _text(raw: bytes) -> str:
    """The text the reader parsed (BOM removed); undecodable files have no positions."""
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return ""


def _open_cache(root: Path, today: dt.date | None) -> ValidationCache:
    from medlm_survey.schema import latest_date

    taxonomy_bytes = (root / TAXONOMY_FILE).read_bytes()
    latest = (today + dt.timedelta(days=1)) if today else latest_date()
    return ValidationCache.open(root / CACHE_FILE, context_key(taxonomy_bytes, latest.isoformat()))


def load_catalog(
    root: Path,
    *,
    taxonomy: Taxonomy | None = None,
    today: dt.date | None = None,
    compare_only: Iterable[str] | None = None,
    cache: bool = False,
) -> Catalog:
    """Read, validate and cross-check every entry under ``root``.

    Args:
        root: repository root holding ``entries/`` and ``taxonomy.yaml``.
        taxonomy: an already loaded taxonomy (default: ``root/taxonomy.yaml``).
        today: the date "future" is measured against (tests pin it).
        compare_only: paths (relative to ``root``) of changed files; near-duplicate
            detection then compares only these against the rest, as on a pull request.
        cache: reuse per-file results from ``root/.cache/validate/`` for files whose
            bytes have not changed (see :mod:`medlm_survey.validation_cache`); the result
            is the same as without it.

    Raises:
        TaxonomyError: ``taxonomy.yaml`` itself is broken (nothing can be checked then).
    """
    # Loading creates hundreds of thousands of small objects and no reference cycles worth
    # collecting; without the cyclic collector rescanning them, a cached load of 3,000
    # entries takes 0.4 s instead of 0.6-2 s (benchmarks/bench_validate.py).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(Path(root), taxonomy, today, compare_only, cache)
    finally:
        if collecting:
            gc.enable()


def _load(root: Path, taxonomy: Taxonomy | None, today: dt.date | None, compare_only, cache: bool) -> Catalog:
    taxonomy = taxonomy or load_taxonomy(root / TAXONOMY_FILE)
    store = _open_cache(root, today) if cache else None
    problems: list[Problem] = []
    raws: dict[str, bytes] = {}
    valid: list[tuple[str, EntryBase]] = []
    broken: dict[str, str] = {}  # id -> path of files that exist but failed validation
    files = entry_files(root)
    for file in files:
        rel = file.relative_to(root).as_posix()
        try:
            raw = file.read_bytes()
        except OSError as exc:
            problems.append(Problem(rel, (), ERROR, "yaml-syntax", f"cannot read the file: {exc.strerror}", line=1, col=1))
            continue
        digest = file_digest(raw) if store is not None else ""
        known = store.get(rel, digest) if store is not None else None
        if known is None:
            known = _check_file(raw, rel, file.stem, taxonomy, today)
            if store is not None:
                store.put(rel, digest, known)
        entry, file_problems, broken_id = known
        problems.extend(file_problems)
        raws[rel] = raw
        if entry is not None:
            valid.append((rel, entry))
        elif broken_id is not None:
            broken.setdefault(broken_id, rel)
    if store is not None:
        store.keep_only({file.relative_to(root).as_posix() for file in files})
        store.save()

    entries: dict[str, EntryBase] = {}
    paths: dict[str, str] = {}
    for rel, entry in valid:
        if entry.id in entries:
            problems.append(
                Problem(rel, ("id",), ERROR, "duplicate-id", f"id '{entry.id}' is already used by {paths[entry.id]}")
            )
            continue
        entries[entry.id] = entry
        paths[entry.id] = rel
    broken = {entry_id: rel for entry_id, rel in broken.items() if entry_id not in entries}
    memo = store.pairs if store is not None else None
    problems.extend(checks.run_checks(entries, paths, compare_only=compare_only, broken=broken, memo=memo))
    if store is not None and compare_only is None:
        store.save_pairs()
    problems = apply_acknowledgements(problems, entries, paths)
    # Positions are looked up in the text of the files that have problems, and only those.
    texts = {p.path: _text(raws[p.path]) for p in problems if p.path in raws and p.line is None}
    return Catalog(
        root=root,
        taxonomy=taxonomy,
        entries=tuple(sorted(entries.values(), key=lambda e: e.id)),
        paths=paths,
        diagnostics=tuple(locate_problems(problems, texts)),
        files=len(files),
    )
