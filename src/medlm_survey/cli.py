"""The ``medlm-survey`` command line: thin commands over the library.

Exit codes: 0 clean (warnings allowed unless ``--strict``), 1 problems found, 2 usage error.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import click

from medlm_survey.catalog import TAXONOMY_FILE
from medlm_survey.commands.common import changed_entry_paths, open_catalog, report, root_option
from medlm_survey.diagnostics import CODES, FORMATTERS
from medlm_survey.schema_export import SCHEMA_PATH, schema_json
from medlm_survey.taxonomy import TaxonomyError, load_taxonomy

#: Commands defined in modules of their own, imported only when called (or listed by --help),
#: so that `validate` does not pay for the site engine, arXiv, Crossref or pyarrow imports.
LAZY_COMMANDS = {
    "build": "medlm_survey.commands.site:build",
    "serve": "medlm_survey.commands.site:serve",
    "new": "medlm_survey.commands.contrib:new",
    "verify": "medlm_survey.commands.contrib:verify",
    "export": "medlm_survey.commands.contrib:export",
    "migrate": "medlm_survey.commands.records:migrate",
    "stats": "medlm_survey.commands.records:stats",
    "coverage": "medlm_survey.commands.coverage:coverage",
    "candidates": "medlm_survey.commands.watch:candidates",
    "release": "medlm_survey.commands.release:release",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands in :data:`LAZY_COMMANDS` are imported on first use.

    The pattern is click's own ("Lazily Loading Subcommands" in the click documentation).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, _, attribute = LAZY_COMMANDS[cmd_name].partition(":")
            return getattr(importlib.import_module(module_name), attribute)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup)
@click.version_option(package_name="medlm-survey")
def cli() -> None:
    """Validate, build and export the medlm-survey catalogue of medical large models."""


@cli.command()
@root_option
@click.option("--format", "output_format", type=click.Choice(sorted(FORMATTERS)), default="text", show_default=True, help="Output: one line per problem, GitHub annotations, or JSON.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--changed-since", metavar="REV", help="Compare only entries changed since REV for near-duplicates (pull requests).")
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Reuse the results of unchanged files from .cache/validate/ (same output; safe to delete).",
)
def validate(root: Path, output_format: str, strict: bool, changed_since: str | None, cache: bool) -> None:
    """Check every entry against the schema, the taxonomy and each other."""
    compare_only = changed_entry_paths(root, changed_since) if changed_since else None
    catalog = open_catalog(root, compare_only, cache=cache)
    sys.exit(report(catalog, output_format, strict, changed=compare_only))


@cli.command()
@root_option
@click.option("--check", is_flag=True, help="Do not write; exit 1 if the committed schema is stale.")
def schema(root: Path, check: bool) -> None:
    """Write the JSON Schema for entries (for editor completion) to schema/entry.schema.json."""
    target = root / SCHEMA_PATH
    try:
        fresh = schema_json(load_taxonomy(root / TAXONOMY_FILE))
    except TaxonomyError as exc:
        raise click.ClickException(str(exc)) from exc
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != fresh:
            raise click.ClickException(f"{SCHEMA_PATH} is stale; run 'medlm-survey schema' and commit it")
        click.echo(f"{SCHEMA_PATH} is up to date")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(fresh, encoding="utf-8")
    click.echo(f"wrote {SCHEMA_PATH}")


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def codes(output_format: str) -> None:
    """List every diagnostic code with what it means."""
    if output_format == "json":
        click.echo(json.dumps(CODES, indent=2))
        return
    width = max(map(len, CODES))
    for code, meaning in CODES.items():
        click.echo(f"{code:<{width}}  {meaning}")
