"""``verify --scores``: look for every score in the arXiv paper it cites, and report.

Kept apart from the ``verify`` command itself (in ``contrib.py``) so that the metadata
check there stays short; both share the command's options.
"""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from medlm_survey import arxiv_sources, provenance
from medlm_survey.catalog import Catalog
from medlm_survey.diagnostics import FORMATTERS, counts
from medlm_survey.schema import EntryBase
from medlm_survey.suggest import hint


def chosen_ids(catalog: Catalog, entry_ids: tuple[str, ...]) -> set[str]:
    """The ids given with --entry; a usage error (with a suggestion) for an unknown one."""
    for entry_id in entry_ids:
        if entry_id not in catalog.by_id:
            raise click.BadParameter(
                f"no valid entry has the id '{entry_id}'{hint(entry_id, catalog.by_id)}", param_hint="--entry"
            )
    return set(entry_ids)


def chosen_entries(catalog: Catalog, only_paths: list[str] | None, entry_ids: tuple[str, ...]) -> list[EntryBase]:
    """Entries in ``only_paths`` (None: all), and among them those named by --entry (if any)."""
    wanted = chosen_ids(catalog, entry_ids)
    paths = set(only_paths) if only_paths is not None else None
    return [
        entry
        for entry in catalog.entries
        if (paths is None or catalog.paths[entry.id] in paths) and (not wanted or entry.id in wanted)
    ]


def verify_scores(catalog: Catalog, entries: list[EntryBase], output_format: str, strict: bool, refresh: bool, progress: bool) -> None:
    """Read the cited papers (cache first), check every score of ``entries``, print, exit."""
    sources = provenance.score_sources(catalog, entries)
    ids = sorted({s.arxiv_id for s in sources if s.arxiv_id})
    cache = arxiv_sources.TextCache.load(catalog.root / arxiv_sources.CACHE_DIR)
    with tqdm(total=len(ids), unit="paper", desc="arXiv", disable=not progress, file=sys.stderr) as bar:
        outcome = arxiv_sources.fetch_texts(ids, cache, refresh=refresh, progress=bar.update)
    if ids and len(outcome.failed) == len(ids) and outcome.offline:
        raise click.ClickException("cannot reach arXiv (no network connection); nothing was checked")
    report = provenance.check_scores(catalog, sources, outcome.texts, outcome.failed)
    errors, warnings = counts(report.diagnostics)
    for line in FORMATTERS[output_format](report.diagnostics):
        click.echo(line)
    if output_format != "json":
        unreadable = f", {len(outcome.failed)} unreadable" if outcome.failed else ""
        click.echo(
            f"{report.summary()} ({len(ids) - len(outcome.failed)} of {len(ids)} arXiv papers read, "
            f"{outcome.from_cache} from the cache{unreadable}): {warnings} warning{'s' * (warnings != 1)}",
            err=output_format == "github",
        )
    sys.exit(1 if errors or (strict and warnings) else 0)
