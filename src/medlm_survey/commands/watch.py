"""The arXiv watch command: ``candidates`` (new papers to triage) and its ``--triage`` mode."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from medlm_survey import arxiv_client
from medlm_survey import watch as watching
from medlm_survey.commands.common import open_catalog, root_option


def today() -> dt.date:
    """The date searches end on and decisions carry (tests replace it)."""
    return dt.date.today()


def _files(root: Path, given: Path | None, default: Path) -> tuple[Path, str]:
    """(path to read, name shown in diagnostics): relative to --root unless given."""
    if given is None:
        return root / default, default.as_posix()
    return given, given.as_posix()


def _fail_on(exc: watching.WatchFileError) -> None:
    if not exc.diagnostics:
        raise click.ClickException(str(exc))
    for diagnostic in exc.diagnostics:
        click.echo(str(diagnostic), err=True)
    raise SystemExit(1)


def _record(triage_path: Path, rel: str, arxiv_id: str, keep: str | None, reject: str | None) -> None:
    bare = arxiv_client.bare_id(arxiv_id)
    if not arxiv_client.is_arxiv_id(bare):
        raise click.BadParameter(f"'{arxiv_id}' is not an arXiv id such as 2406.01234", param_hint="--triage")
    if bool(keep) == bool(reject):
        raise click.UsageError('--triage takes one decision: --keep "REASON" or --reject "REASON"')
    reason = " ".join((keep or reject or "").split())
    decision = watching.Decision(decision="kept" if keep else "rejected", reason=reason, date=today().isoformat())
    try:
        line = watching.append_decision(triage_path, bare, decision, rel)
    except watching.WatchFileError as exc:
        _fail_on(exc)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{rel}: {line.rstrip()}")


@click.command()
@root_option
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help=f"Queries file [default: ROOT/{watching.QUERIES_FILE.as_posix()}].")
@click.option("--triage-file", "triage_path", type=click.Path(dir_okay=False, path_type=Path), help=f"Decisions file [default: ROOT/{watching.TRIAGE_FILE.as_posix()}].")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="DATE", help="Papers first submitted on or after DATE (YYYY-MM-DD) [default: window_days before today].")
@click.option("--format", "output_format", type=click.Choice(sorted(watching.FORMATS)), default="text", show_default=True, help="One line per paper, JSON, or Markdown (the tracking issue's body).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=Path("-"), show_default=True, help="File to write ('-' for standard output).")
@click.option("--refresh", is_flag=True, help="Ask arXiv again even when today's answer is cached.")
@click.option("--triage", "triage_id", metavar="ID", help="Instead of searching, record a decision on this arXiv id.")
@click.option("--keep", metavar="REASON", help="With --triage: the paper is in scope (an entry exists or is being written).")
@click.option("--reject", metavar="REASON", help="With --triage: the paper is out of scope, and why.")
def candidates(
    root: Path,
    config_path: Path | None,
    triage_path: Path | None,
    since: dt.datetime | None,
    output_format: str,
    output: Path,
    refresh: bool,
    triage_id: str | None,
    keep: str | None,
    reject: str | None,
) -> None:
    """List new arXiv papers the watch queries find that are neither catalogued nor triaged.

    The queries (arXiv search expressions limited to categories) are in watch/queries.yaml;
    decisions on papers already looked at are in watch/triage.yaml, and a paper there is
    never proposed again. A paper is also left out when an entry has its arXiv id, its DOI
    or a nearly identical title.

    \b
    Examples:
      medlm-survey candidates --since 2025-06-01
      medlm-survey candidates --format markdown -o candidates.md
      medlm-survey candidates --triage 2406.01234 --reject "single-task model"
    """
    triage_file, triage_rel = _files(root, triage_path, watching.TRIAGE_FILE)
    if triage_id is not None:
        _record(triage_file, triage_rel, triage_id, keep, reject)
        return
    if keep or reject:
        raise click.UsageError("--keep and --reject go with --triage ID")
    config_file, config_rel = _files(root, config_path, watching.QUERIES_FILE)
    try:
        config = watching.load_config(config_file, config_rel)
        decisions = watching.load_triage(triage_file, triage_rel)
    except watching.WatchFileError as exc:
        _fail_on(exc)
    until = today()
    start = since.date() if since else until - dt.timedelta(days=config.window_days)
    if start > until:
        raise click.BadParameter(f"{start} lies after today ({until})", param_hint="--since")
    cache = arxiv_client.SearchCache.load(root / arxiv_client.SEARCH_CACHE_FILE)
    client = arxiv_client.SearchClient()
    found: dict[str, list[arxiv_client.ArxivRecord]] = {}
    failed: dict[str, str] = {}
    offline = ""
    for query in config.queries:
        expression = arxiv_client.search_expression(query.search, query.categories, start, until)
        size = query.max_results or config.max_results
        records = None if refresh else cache.get(expression, size, until)
        if records is None:
            if offline:  # no network: asking again would only wait
                failed[query.name] = offline
                continue
            try:
                records = arxiv_client.search(expression, max_results=size, since=start, client=client)
            except arxiv_client.ArxivUnavailable as exc:
                failed[query.name] = str(exc)
                offline = str(exc) if exc.offline and not found else ""
                continue
            cache.put(expression, size, until, records)
        found[query.name] = records
    if len(failed) == len(config.queries):
        raise click.ClickException(f"{next(iter(failed.values()))}; nothing was searched")
    catalog = open_catalog(root)
    selection = watching.select_candidates(found, catalog, decisions)
    report = watching.Report(selection, start, until, [q.name for q in config.queries], failed)
    text = watching.FORMATS[output_format](report)
    if str(output) == "-":
        click.echo(text, nl=False)
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    if output_format != "text" or str(output) != "-":
        for name, reason in failed.items():
            click.echo(f"warning: query '{name}' failed: {reason}", err=True)
        click.echo(report.summary(), err=True)


