"""Commands about the records themselves: ``migrate`` (format versions) and ``stats``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from medlm_survey.catalog import entry_files
from medlm_survey.commands.common import open_catalog, root_option
from medlm_survey.migrate import MigrationError, migrate_text
from medlm_survey.record_stats import coverage_table, format_coverage


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@root_option
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file still needs migrating.")
def migrate(paths: tuple[Path, ...], root: Path, check: bool) -> None:
    """Rewrite version-1 entry files in the version-2 format, keeping comments and key order.

    Without PATHS, every file under entries/ is migrated. Files already in version 2 are
    left untouched. Run `medlm-survey validate` afterwards: a migrated file can still need
    a hand edit (for example a score whose metric is not in taxonomy.yaml).
    """
    files = list(paths) or entry_files(root)
    changed = failed = 0
    for file in files:
        try:
            new_text, was_changed = migrate_text(file.read_text(encoding="utf-8"))
        except (MigrationError, UnicodeDecodeError, OSError) as exc:
            click.echo(f"{file}: cannot migrate: {exc}", err=True)
            failed += 1
            continue
        if was_changed:
            changed += 1
            if check:
                click.echo(f"{file}: needs migrating")
            else:
                file.write_text(new_text, encoding="utf-8")
    verb = "need migrating" if check else "migrated"
    click.echo(f"{len(files)} files read: {changed} {verb}, {failed} could not be read")
    if failed or (check and changed):
        raise SystemExit(1)


@click.command()
@root_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--missing", metavar="FIELD", help="List the medical models that do not record FIELD.")
def stats(root: Path, output_format: str, missing: str | None) -> None:
    """How complete the records are: field coverage by kind and family.

    "Not recorded" is counted apart from "none": `trained_on: []` says no catalogued dataset
    was used, a missing `trained_on` says nobody has recorded it yet.
    """
    catalog = open_catalog(root)
    table = coverage_table(catalog)
    if missing:
        rows = table["missing"].get(missing)
        if rows is None:
            raise click.UsageError(f"--missing takes one of {', '.join(sorted(table['missing']))}")
        for entry_id in rows:
            click.echo(f"{catalog.paths[entry_id]}: no {missing}")
        return
    if output_format == "json":
        click.echo(json.dumps(table, indent=2, ensure_ascii=False))
        return
    for line in format_coverage(table):
        click.echo(line)


