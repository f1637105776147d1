"""What every command shares: the --root option, opening the catalogue, reporting, git.

Why a module of its own: ``cli.py`` registers the command modules, and the command modules
need these helpers; keeping them here lets imports run one way (commands -> common, cli ->
commands).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

from medlm_survey.catalog import Catalog, load_catalog
from medlm_survey.diagnostics import ERROR, FORMATTERS, counts, summary_line
from medlm_survey.taxonomy import TaxonomyError

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Repository root holding entries/ and taxonomy.yaml.",
)


def open_catalog(root: Path, compare_only: list[str] | None = None, cache: bool = False) -> Catalog:
    """Load the catalogue, turning a broken taxonomy into a one-line error (exit 1)."""
    try:
        return load_catalog(root, compare_only=compare_only, cache=cache)
    except TaxonomyError as exc:
        raise click.ClickException(str(exc)) from exc


def report(catalog: Catalog, output_format: str, strict: bool, changed: list[str] | None = None) -> int:
    """Print the diagnostics in ``output_format``; return the exit code.

    Args:
        changed: on a pull request, the entry files it changes. Warnings on other files
            were there before and are not repeated (so every annotation lands on a file the
            contributor touched); errors are always shown, since they fail the check.
    """
    diagnostics = list(catalog.diagnostics)
    if changed is not None:
        keep = set(changed)
        diagnostics = [d for d in diagnostics if d.severity == ERROR or d.path in keep]
    for line in FORMATTERS[output_format](diagnostics):
        click.echo(line)
    if output_format != "json":
        click.echo(summary_line(diagnostics, catalog.files), err=output_format == "github")
    errors, warnings = counts(diagnostics)
    failed = bool(errors) or (strict and bool(warnings))
    return 1 if failed else 0


def git_lines(root: Path, *args: str) -> list[str]:
    """Non-empty output lines of ``git -C root ARGS``; a usage error when git cannot answer."""
    try:
        out = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = (getattr(exc, "stderr", None) or str(exc)).strip().splitlines()[0]
        raise click.UsageError(f"cannot ask git what changed (git {' '.join(args[:2])}): {detail}") from exc
    return [line for line in out.splitlines() if line]


def changed_entry_paths(root: Path, base: str) -> list[str]:
    """Entry files changed since ``base`` according to git (for pull requests)."""
    return git_lines(root, "diff", "--name-only", f"{base}...HEAD", "--", "entries")


