"""``medlm-survey coverage``: which papers of a reference list the catalogue has."""

from __future__ import annotations

import json
from pathlib import Path

import click

from medlm_survey import coverage as cover
from medlm_survey.commands.common import open_catalog, root_option
from medlm_survey.reference_lists import FORMATS, read_references

SHOW = ("all", *cover.STATUSES)
_HOW = {"arxiv": "arXiv", "doi": "DOI"}
#: The entry column is at most this wide; a longer list of entries pushes its line out.
MAX_ENTRY_WIDTH = 30


def entry_cell(match: cover.Match) -> str:
    """The matched entries; a missing reference's nearest in parentheses (to check a near miss)."""
    entries = ",".join(match.entries)
    if not entries:
        return "-"
    return f"({entries})" if match.status == cover.MISSING else entries


def match_line(match: cover.Match, entry_width: int) -> str:
    """One reference: status, how it matched (with the title score), the entry, the reference."""
    how = f"title {match.score}" if match.via == "title" else _HOW.get(match.via, "-")
    return f"{match.status:<9}  {how:<9}  {entry_cell(match):<{entry_width}}  {match.reference.label}".rstrip()


def summary_line(report: cover.CoverageReport, name: str, input_format: str) -> str:
    total = report.total
    return (
        f"{total} reference{'s' * (total != 1)} in {name} ({input_format}): "
        f"{report.count(cover.COVERED)} covered ({report.percent_covered:.1f}%), "
        f"{report.count(cover.UNCERTAIN)} uncertain, {report.count(cover.MISSING)} missing"
    )


def report_json(report: cover.CoverageReport, against: str, input_format: str, show: str, problems: list[str]) -> str:
    document = {
        "against": against,
        "input_format": input_format,
        "thresholds": {"covered": cover.COVERED_SCORE, "uncertain": cover.UNCERTAIN_SCORE},
        "total": report.total,
        **{status: report.count(status) for status in cover.STATUSES},
        "percent_covered": report.percent_covered,
        "problems": problems,
        "references": [
            {
                "line": m.reference.line,
                "key": m.reference.key,
                "title": m.reference.title or None,
                "arxiv": m.reference.arxiv,
                "doi": m.reference.doi,
                "status": m.status,
                "via": m.via or None,
                "entries": list(m.entries),
                "score": m.score,
            }
            for m in report.only(show)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


@click.command()
@click.option("--against", "against", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Reference list: a BibTeX file, a Markdown list (a curated list's README) or one arXiv id or DOI a line.")
@click.option("--input-format", type=click.Choice(FORMATS), help="Read FILE as this format [default: from the extension, else the content].")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output: one line per reference and a summary, or JSON.")
@click.option("--show", type=click.Choice(SHOW), default="all", show_default=True, help="Which references to list (the counts are always of all).")
@root_option
def coverage(against: Path, input_format: str | None, output_format: str, show: str, root: Path) -> None:
    """Say which papers of a reference list the catalogue already has.

    Each reference is matched by arXiv id or DOI first, then by title (rapidfuzz ratio of the
    normalised titles, 0-100): covered from a title score of 90, uncertain from 75 (worth a
    look), missing below. One line per reference, then the counts; exit 0 whatever the
    coverage.

    \b
    Examples:
      medlm-survey coverage --against refs.bib --show missing
      medlm-survey coverage --against README.md --format json
    """
    try:
        found = read_references(against, input_format)
    except UnicodeDecodeError:
        raise click.ClickException(f"{against} is not UTF-8 text") from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {against}: {exc.strerror}") from None
    catalog = open_catalog(root)
    broken = len({d.path for d in catalog.errors})
    if broken:
        click.echo(f"warning: {broken} file(s) in entries/ have errors and are not compared (see medlm-survey validate)", err=True)
    for problem in found.problems:
        click.echo(f"warning: {problem}", err=True)
    report = cover.measure_coverage(catalog.entries, found.references)
    if output_format == "json":
        click.echo(report_json(report, str(against), found.input_format, show, found.problems))
        return
    shown = report.only(show)
    width = min(MAX_ENTRY_WIDTH, max((len(entry_cell(m)) for m in shown), default=1))
    for match in shown:
        click.echo(match_line(match, width))
    click.echo(summary_line(report, against.name, found.input_format))


