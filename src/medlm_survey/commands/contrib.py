"""Commands for contributors and reusers: ``new``, ``verify`` and ``export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from medlm_survey import arxiv_client, drafts
from medlm_survey import export as exports
from medlm_survey import verify as verification
from medlm_survey.commands.common import changed_entry_paths, git_lines, open_catalog, root_option
from medlm_survey.diagnostics import FORMATTERS, counts
from medlm_survey.schema import KINDS


def _working_tree_changes(root: Path) -> list[str]:
    """Entry files with uncommitted changes or not yet tracked (e.g. a fresh draft)."""
    lines = git_lines(root, "status", "--porcelain", "--untracked-files=all", "--", "entries")
    return [line[3:].split(" -> ")[-1] for line in lines if len(line) > 3]


@click.command()
@click.argument("arxiv_arg", metavar="[ARXIV_ID]", required=False)
@click.option("--arxiv", "arxiv_opt", metavar="ID", help="arXiv id of the paper (e.g. 2303.00915).")
@click.option("--kind", type=click.Choice(KINDS), default="model", show_default=True, help="Kind of entry.")
@click.option("--id", "entry_id", metavar="SLUG", help="Entry id and file name (default: from the title).")
@root_option
def new(arxiv_arg: str | None, arxiv_opt: str | None, kind: str, entry_id: str | None, root: Path) -> None:
    """Write a draft entry from a paper's arXiv metadata, then say what is left to fill in.

    \b
    Example: medlm-survey new --arxiv 2303.00915 --kind model --id biomedclip
    """
    if bool(arxiv_arg) == bool(arxiv_opt):
        raise click.UsageError("give the paper's arXiv id once: medlm-survey new --arxiv 2303.00915")
    arxiv_id = arxiv_client.bare_id(arxiv_arg or arxiv_opt or "")
    if not arxiv_client.is_arxiv_id(arxiv_id):
        raise click.BadParameter(
            f"'{arxiv_id}' is not an arXiv id such as 2303.00915 or, before April 2007, q-bio/0401001", param_hint="--arxiv"
        )
    if entry_id is not None and not drafts.is_slug(entry_id):
        raise click.BadParameter(f"'{entry_id}' is not a lowercase slug; try '{drafts.slugify(entry_id)}'", param_hint="--id")
    catalog = open_catalog(root)
    citing = drafts.files_citing(root, arxiv_id)
    if citing:
        raise click.ClickException(
            f"arXiv {arxiv_id} is already in {', '.join(citing)}; edit that entry, or if the paper "
            "introduced a second entry, copy it and link the two with same_paper_as"
        )
    try:
        record = arxiv_client.fetch_one(arxiv_id)
    except arxiv_client.ArxivUnavailable as exc:
        advice = "connect to the network and try again" if exc.offline else "try again in a few minutes"
        raise click.ClickException(f"{exc}; {advice}") from None
    if record is None:
        raise click.ClickException(f"arXiv has no paper {arxiv_id}; check the id")
    name = drafts.title_name(record.title)
    entry_id = entry_id or drafts.suggest_id(record)
    if entry_id in catalog.paths:
        raise click.ClickException(f"id '{entry_id}' is already used by {catalog.paths[entry_id]}; choose another --id")
    for warning in drafts.similar_entries(catalog, record, name):
        click.echo(f"warning: {warning}")
    text = drafts.render_draft(record, kind, entry_id, name, catalog.taxonomy)
    try:
        rel = drafts.write_draft(root, kind, entry_id, text)
    except drafts.DraftRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {rel} from arXiv {arxiv_id}: {record.title}")
    checked = drafts.check_draft(root, rel, catalog.taxonomy)
    for line in FORMATTERS["text"](checked.diagnostics):
        click.echo(line)
    if checked.todo:
        click.echo("still to fill in (marked TODO):")
        for field, line in checked.todo:
            click.echo(f"  {rel}:{line}: {field}")
    click.echo("then run: medlm-survey validate")


@click.command()
@root_option
@click.option("--changed", is_flag=True, help="Only entries changed since --base, uncommitted or new.")
@click.option("--base", default="origin/main", show_default=True, metavar="REV", help="Revision --changed compares with.")
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True, help="Output: one line per problem, GitHub annotations, or JSON.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path), help=f"Cache file [default: ROOT/{arxiv_client.CACHE_FILE}].")
@click.option("--refresh", is_flag=True, help="Ask arXiv again even for ids in the cache.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def verify(
    root: Path,
    changed: bool,
    base: str,
    output_format: str,
    strict: bool,
    cache_path: Path | None,
    refresh: bool,
    progress: bool | None,
) -> None:
    """Check titles, first authors and dates of entries against arXiv.

    arXiv is asked in batches, at most one request every three seconds, and its answers
    are kept in a cache file so a rerun does not ask again.
    """
    only = None
    if changed:
        only = sorted(set(changed_entry_paths(root, base)) | set(_working_tree_changes(root)))
    catalog = open_catalog(root)
    entries = verification.arxiv_entries(catalog, only)
    ids = sorted({entry.paper.arxiv for entry in entries})  # type: ignore[union-attr]
    cache = arxiv_client.RecordCache.load(cache_path or root / arxiv_client.CACHE_FILE)
    show = sys.stderr.isatty() if progress is None else progress
    with tqdm(total=len(ids), unit="id", desc="arXiv", disable=not show, file=sys.stderr) as bar:
        outcome = arxiv_client.fetch_records(ids, cache, refresh=refresh, progress=bar.update)
    if ids and len(outcome.failed) == len(ids):
        raise click.ClickException(f"{next(iter(outcome.failed.values()))}; nothing was checked")
    diagnostics = verification.verify_entries(catalog, entries, outcome.records, outcome.failed)
    errors, warnings = counts(diagnostics)
    for line in FORMATTERS[output_format](diagnostics):
        click.echo(line)
    if output_format != "json":
        unreachable = f", {len(outcome.failed)} unreachable" if outcome.failed else ""
        click.echo(
            f"{len(ids) - len(outcome.failed)} of {len(ids)} arXiv ids checked "
            f"({outcome.from_cache} from the cache{unreachable}): "
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}",
            err=output_format == "github",
        )
    sys.exit(1 if errors or (strict and warnings) else 0)


@click.command()
@root_option
@click.option("--format", "output_format", type=click.Choice(sorted(exports.FORMATS)), default="json", show_default=True, help="Export format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=Path("-"), show_default=True, help="File to write ('-' for standard output).")
@click.option("--all", "all_dir", type=click.Path(file_okay=False, path_type=Path), help="Instead, write every download and the static API into this folder.")
def export(root: Path, output_format: str, output: Path, all_dir: Path | None) -> None:
    """Export the valid entries as JSON, CSV, BibTeX or an Atom feed."""
    catalog = open_catalog(root)
    broken = len({d.path for d in catalog.errors})
    if broken:
        click.echo(
            f"warning: {broken} file(s) in entries/ have errors; their entries are left out (see medlm-survey validate)",
            err=True,
        )
    if all_dir is not None:
        written = exports.write_downloads(catalog, all_dir)
        click.echo(f"wrote {len(written)} files to {all_dir}")
        return
    text = exports.FORMATS[output_format](catalog)
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    with output.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    click.echo(f"wrote {output} ({len(catalog.entries)} entries)", err=True)


COMMANDS = [new, verify, export]
