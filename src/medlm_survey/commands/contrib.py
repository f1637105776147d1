"""Commands for contributors and reusers: ``new``, ``verify`` and ``export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from medlm_survey import (
    arxiv_client,
    bibtex_input,
    coverage,
    crossref_client,
    drafts,
    entry_template,
    paper_links,
    reference_lists,
)
from medlm_survey import export as exports
from medlm_survey import verify as verification
from medlm_survey.commands.common import changed_entry_paths, git_lines, open_catalog, root_option
from medlm_survey.commands.score_check import chosen_entries, chosen_ids, verify_scores
from medlm_survey.diagnostics import FORMATTERS, counts
from medlm_survey.papers import PaperRecord
from medlm_survey.schema import KINDS


def _working_tree_changes(root: Path) -> list[str]:
    """Entry files with uncommitted changes or not yet tracked (e.g. a fresh draft)."""
    lines = git_lines(root, "status", "--porcelain", "--untracked-files=all", "--", "entries")
    return [line[3:].split(" -> ")[-1] for line in lines if len(line) > 3]


def _report_todo(rel: str, checked: drafts.DraftCheck) -> None:
    for line in FORMATTERS["text"](checked.diagnostics):
        click.echo(line)
    if checked.todo:
        click.echo("still to fill in (marked TODO):")
        for field, line in checked.todo:
            click.echo(f"  {rel}:{line}: {field}")


def _report_drafted(drafted: drafts.Drafted, record: PaperRecord) -> None:
    for warning in drafted.warnings:
        click.echo(f"warning: {warning}")
    click.echo(f"wrote {drafted.rel} from {record.source}: {record.title or '(no title)'}")
    _report_todo(drafted.rel, drafted.check)


def _new_from_arxiv(arxiv_id: str, kind: str, entry_id: str | None, root: Path) -> None:
    catalog = open_catalog(root)
    reason = drafts.refusal(root, catalog, arxiv_id=arxiv_id)
    if reason:
        raise click.ClickException(reason)
    try:
        record = arxiv_client.fetch_one(arxiv_id)
    except arxiv_client.ArxivUnavailable as exc:
        advice = "connect to the network and try again" if exc.offline else "try again in a few minutes"
        raise click.ClickException(f"{exc}; {advice}") from None
    if record is None:
        raise click.ClickException(f"arXiv has no paper {arxiv_id}; check the id")
    name = drafts.title_name(record.title)
    entry_id = entry_id or drafts.suggest_id(record)
    reason = drafts.refusal(root, catalog, entry_id=entry_id)
    if reason:
        raise click.ClickException(reason)
    for warning in drafts.similar_entries(catalog, record, name):
        click.echo(f"warning: {warning}")
    if record.doi and (citing := drafts.files_citing_doi(root, record.doi)):
        click.echo(f"warning: arXiv gives DOI {record.doi}, which {', '.join(citing)} already has; is it the same paper?")
    text = drafts.render_draft(record, kind, entry_id, name, catalog.taxonomy)
    try:
        rel = drafts.write_draft(root, kind, entry_id, text)
    except drafts.DraftRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {rel} from arXiv {arxiv_id}: {record.title}")
    _report_todo(rel, drafts.check_draft(root, rel, catalog.taxonomy))


def _new_from_doi(value: str, kind: str, entry_id: str | None, root: Path) -> None:
    doi = paper_links.clean_doi(value)
    if doi is None:
        raise click.BadParameter(f"'{value}' is not a DOI such as 10.1038/s41586-023-06291-2", param_hint="--doi")
    if arxiv_id := paper_links.arxiv_in_doi(doi):
        raise click.BadParameter(f"{doi} is arXiv's DOI of a preprint; use --arxiv {arxiv_id}", param_hint="--doi")
    catalog = open_catalog(root)
    reason = drafts.refusal(root, catalog, doi=doi, entry_id=entry_id)
    if reason:
        raise click.ClickException(reason)
    try:
        record = crossref_client.fetch_paper(doi)
    except crossref_client.CrossrefError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        drafted = drafts.draft_paper(root, catalog, record, kind, entry_id)
    except drafts.DraftRefused as exc:
        raise click.ClickException(str(exc)) from None
    _report_drafted(drafted, record)
    click.echo("then run: medlm-survey validate")


def _new_from_bibtex(path: Path, keys: tuple[str, ...], missing_only: bool, kind: str, entry_id: str | None, root: Path) -> None:
    try:
        bib = bibtex_input.read_bibtex(path.read_text(encoding="utf-8-sig"), path.name)
    except UnicodeDecodeError:
        raise click.ClickException(f"{path} is not UTF-8 text") from None
    for problem in bib.problems:
        click.echo(f"warning: {problem}", err=True)
    records = bib.records
    if keys:
        unknown = [key for key in keys if bib.get(key) is None]
        if unknown:
            known = ", ".join(record.key for record in records[:10]) + (", ..." if len(records) > 10 else "")
            raise click.ClickException(f"{path.name} has no record {', '.join(unknown)}; its keys: {known or 'none'}")
        records = [record for record in records if record.key in keys]
    catalog = open_catalog(root)
    left_out: list[str] = []
    if missing_only:
        references = reference_lists.references_from_bibtex_file(bib)
        report = coverage.measure_coverage(catalog.entries, references)
        missing = {m.reference.key for m in report.matches if m.status == coverage.MISSING}
        selected = {record.key for record in records}
        left_out = [
            f"{m.reference.key} ({m.status}: {', '.join(m.entries)})"
            for m in report.matches
            if m.status != coverage.MISSING and m.reference.key in selected
        ]
        records = [record for record in records if record.key in missing]
    if len(records) == 1 and keys:
        try:
            drafted = drafts.draft_paper(root, catalog, records[0].paper, kind, entry_id)
        except drafts.DraftRefused as exc:
            raise click.ClickException(str(exc)) from None
        _report_drafted(drafted, records[0].paper)
        click.echo("then run: medlm-survey validate")
        return
    refused = 0
    for record in records:
        try:
            drafted = drafts.draft_paper(root, catalog, record.paper, kind)
        except drafts.DraftRefused as exc:
            reason = str(exc).replace("choose another --id", f"draft it with --key {record.key} --id ANOTHER-ID")
            click.echo(f"refused {record.key}: {reason}")
            refused += 1
            continue
        _report_drafted(drafted, record.paper)
    if left_out:
        click.echo(f"left out (--missing-only): {'; '.join(left_out)}")
    click.echo(
        f"drafted {len(records) - refused} of {len(bib.records)} record(s) of {path.name}"
        + (f"; {refused} refused" if refused else "")
    )
    if len(records) > refused:
        click.echo("then run: medlm-survey validate")
    if refused:
        sys.exit(1)


def _new_blank(kind: str, entry_id: str, root: Path) -> None:
    catalog = open_catalog(root)
    reason = drafts.refusal(root, catalog, entry_id=entry_id)
    if reason:
        raise click.ClickException(reason)
    text = entry_template.render_template(kind, entry_id, catalog.taxonomy)
    try:
        rel = drafts.write_draft(root, kind, entry_id, text)
    except drafts.DraftRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {rel}: a blank {kind} entry with every field documented")
    _report_todo(rel, drafts.check_draft(root, rel, catalog.taxonomy))
    click.echo("then run: medlm-survey validate")


@click.command()
@click.argument("arxiv_arg", metavar="[ARXIV_ID]", required=False)
@click.option("--arxiv", "arxiv_opt", metavar="ID", help="arXiv id of the paper (e.g. 2303.00915): draft from arXiv.")
@click.option("--doi", metavar="DOI", help=f"DOI of the paper: draft from Crossref (set {crossref_client.MAILTO_VARIABLE} to your e-mail address for Crossref's polite pool).")
@click.option("--bibtex", "bibtex_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Draft one entry per record of this BibTeX file (no network).")
@click.option("--key", "keys", multiple=True, metavar="KEY", help="With --bibtex: only the record with this citation key (repeatable).")
@click.option("--missing-only", is_flag=True, help="With --bibtex: only the records `medlm-survey coverage` calls missing.")
@click.option("--blank", is_flag=True, help="Write a blank entry of --kind with every field and its documentation (needs --id; no network).")
@click.option("--kind", type=click.Choice(KINDS), default="model", show_default=True, help="Kind of entry.")
@click.option("--id", "entry_id", metavar="SLUG", help="Entry id and file name (default: from the title).")
@root_option
def new(
    arxiv_arg: str | None,
    arxiv_opt: str | None,
    doi: str | None,
    bibtex_file: Path | None,
    keys: tuple[str, ...],
    missing_only: bool,
    blank: bool,
    kind: str,
    entry_id: str | None,
    root: Path,
) -> None:
    """Write a draft entry, then say what is left to fill in.

    The draft comes from arXiv (--arxiv), Crossref (--doi), the records of a BibTeX file
    (--bibtex, no network) or is a blank template of the kind (--blank, no network). It is
    validated and its TODO fields listed with their lines. A file is never overwritten, and a
    paper (arXiv id or DOI) or id already in the catalogue is refused, naming the file.

    \b
    Examples:
      medlm-survey new --arxiv 2303.00915 --kind model --id biomedclip
      medlm-survey new --doi 10.1038/s41586-023-06291-2 --id med-palm
      medlm-survey new --bibtex refs.bib --missing-only
      medlm-survey new --bibtex refs.bib --key zhang2023 --kind dataset
      medlm-survey new --blank --kind benchmark --id my-benchmark
    """
    if arxiv_arg and arxiv_opt:
        raise click.UsageError("give the paper's arXiv id once: medlm-survey new --arxiv 2303.00915")
    sources = [
        option
        for option, given in (("--arxiv", arxiv_arg or arxiv_opt), ("--doi", doi), ("--bibtex", bibtex_file), ("--blank", blank))
        if given
    ]
    if not sources:
        raise click.UsageError(
            "give the paper's arXiv id once: medlm-survey new --arxiv 2303.00915 (or draft from --doi DOI, --bibtex FILE or --blank)"
        )
    if len(sources) > 1:
        raise click.UsageError(f"give one source of the draft, not {' and '.join(sources)}")
    if (keys or missing_only) and not bibtex_file:
        raise click.UsageError("--key and --missing-only select records of a --bibtex file")
    if entry_id is not None and not drafts.is_slug(entry_id):
        raise click.BadParameter(f"'{entry_id}' is not a lowercase slug; try '{drafts.slugify(entry_id)}'", param_hint="--id")
    if blank:
        if entry_id is None:
            raise click.UsageError("--blank needs --id, the new entry's id (e.g. --id med-x)")
        _new_blank(kind, entry_id, root)
    elif doi:
        _new_from_doi(doi, kind, entry_id, root)
    elif bibtex_file:
        if entry_id is not None and len(set(keys)) != 1:
            raise click.UsageError("--id names one entry: with --bibtex, give one --key too")
        _new_from_bibtex(bibtex_file, keys, missing_only, kind, entry_id, root)
    else:
        arxiv_id = arxiv_client.bare_id(arxiv_arg or arxiv_opt or "")
        if not arxiv_client.is_arxiv_id(arxiv_id):
            raise click.BadParameter(
                f"'{arxiv_id}' is not an arXiv id such as 2303.00915 or, before April 2007, q-bio/0401001", param_hint="--arxiv"
            )
        _new_from_arxiv(arxiv_id, kind, entry_id, root)
        click.echo("then run: medlm-survey validate")


@click.command()
@root_option
@click.option("--changed", is_flag=True, help="Only entries changed since --base, uncommitted or new.")
@click.option("--base", default="origin/main", show_default=True, metavar="REV", help="Revision --changed compares with.")
@click.option("--entry", "entry_ids", multiple=True, metavar="ID", help="Only this entry (repeatable).")
@click.option("--scores", is_flag=True, help="Instead, check that each score is printed in the table of the arXiv paper it cites.")
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True, help="Output: one line per problem, GitHub annotations, or JSON.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--cache", "cache_path", type=click.Path(dir_okay=False, path_type=Path), help=f"Cache file [default: ROOT/{arxiv_client.CACHE_FILE}].")
@click.option("--refresh", is_flag=True, help="Ask arXiv again even for ids (or, with --scores, papers) in the cache.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def verify(
    root: Path,
    changed: bool,
    base: str,
    entry_ids: tuple[str, ...],
    scores: bool,
    output_format: str,
    strict: bool,
    cache_path: Path | None,
    refresh: bool,
    progress: bool | None,
) -> None:
    """Check titles, first authors and dates of entries against arXiv.

    arXiv is asked in batches, at most one request every three seconds, and its answers
    are kept in a cache file so a rerun does not ask again.

    With --scores, check instead that every score is printed where its source says: the
    cited paper (the entry's own, the cited entry's, or source.arxiv) is read from arXiv's
    HTML, or from its LaTeX source when there is no HTML, and the value is looked for in
    the table the locator names ("Table 3"). The papers' text is kept in
    ROOT/.cache/papers/.
    """
    only = None
    if changed:
        only = sorted(set(changed_entry_paths(root, base)) | set(_working_tree_changes(root)))
    catalog = open_catalog(root)
    if scores:
        show_bar = sys.stderr.isatty() if progress is None else progress
        verify_scores(catalog, chosen_entries(catalog, only, entry_ids), output_format, strict, refresh, show_bar)
        return
    entries = verification.arxiv_entries(catalog, only)
    if entry_ids:
        wanted = chosen_ids(catalog, entry_ids)
        entries = [e for e in entries if e.id in wanted]
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
    """Export the valid entries as JSON, CSV, BibTeX, an Atom feed, JSON Lines or Parquet."""
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
    content = exports.FORMATS[output_format](catalog)
    if str(output) == "-":
        if isinstance(content, bytes):  # Parquet: binary, never onto a terminal
            stdout = sys.stdout.buffer
            if stdout.isatty():
                raise click.UsageError(f"{output_format} is a binary format; write it to a file with -o FILE")
            stdout.write(content)
            stdout.flush()
            return
        click.echo(content, nl=False)
        return
    output.write_bytes(exports.as_bytes(content))
    click.echo(f"wrote {output} ({len(catalog.entries)} entries)", err=True)


