"""``medlm-survey release``: freeze a citable data release under ``releases/<version>/``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from medlm_survey import releases
from medlm_survey.commands.common import open_catalog, report, root_option


def _summary(manifest: dict) -> str:
    counts, changes = manifest["counts"], manifest["changes"]
    text = f"release {manifest['version']} ({manifest['date']}): {counts['entries']} entries"
    if manifest["previous"] is None:
        return text + "; the first release"
    return (
        f"{text}; since {manifest['previous']['version']}: {len(changes['added'])} added, "
        f"{len(changes['changed'])} changed, {len(changes['removed'])} removed"
    )


def _check_version(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            releases.parse_version(value)
        except releases.ReleaseError as exc:
            raise click.BadParameter(str(exc)) from exc
    return value


@click.command()
@root_option
@click.option("--version", "version", metavar="YYYY.MM.DD", callback=_check_version, help="Version to release [default: today's date in UTC; .1, .2, ... for a later release that day].")
@click.option("--dry-run", is_flag=True, help="Show what the release would hold and change; write nothing.")
def release(root: Path, version: str | None, dry_run: bool) -> None:
    """Freeze a citable data release under releases/<version>/.

    Writes entries.json, entries.csv, references.bib, entries.jsonl, entries.parquet and a
    manifest.json with their SHA-256 checksums; updates CHANGELOG.md (entries added, changed
    and removed since the previous release, from git), CITATION.cff (version, date-released)
    and .zenodo.json. An existing release is never rewritten. Commit the result, then
    publish a GitHub release so that Zenodo mints its DOI.
    """
    catalog = open_catalog(root)
    if catalog.errors:
        sys.exit(report(catalog, "text", strict=False))
    try:
        planned = releases.plan_release(catalog, version=version)
    except releases.ReleaseError as exc:
        raise click.ClickException(str(exc)) from exc
    for note in planned.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(_summary(planned.manifest))
    if dry_run:
        for name, data in planned.files.items():
            click.echo(f"  would write {planned.folder}/{name} ({len(data):,} bytes)")
        for name in (releases.CHANGELOG, releases.CITATION, releases.ZENODO):
            click.echo(f"  would update {name}")
        return
    try:
        releases.write_release(planned, root)
    except releases.ReleaseError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {planned.folder}/ ({', '.join(planned.files)})")
    click.echo(f"updated {releases.CHANGELOG}, {releases.CITATION}, {releases.ZENODO}")
    click.echo(
        f"next: review and commit them, then publish a GitHub release tagged {planned.version} "
        "(Zenodo mints its DOI from .zenodo.json)"
    )
