"""The real catalogue under entries/ validates with zero errors and meets its coverage floor."""

from __future__ import annotations

from medlm_survey.catalog import load_catalog


def test_repository_entries_have_no_errors(repo_root):
    catalog = load_catalog(repo_root)
    assert [str(d) for d in catalog.errors] == []
    assert catalog.files == len(catalog.entries)


def test_every_entry_file_declares_the_editor_schema(repo_root):
    missing = [
        path for path in sorted((repo_root / "entries").rglob("*.yaml"))
        if not path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../schema/entry.schema.json")
    ]
    assert missing == []


def test_repository_is_clean_under_strict(repo_root):
    """`medlm-survey validate --strict` passes on the real catalogue: no warning either, so
    CI can fail pull requests on new warnings (old ones are fixed or acknowledged in-file)."""
    from medlm_survey.catalog import load_catalog

    catalog = load_catalog(repo_root)
    assert [str(d) for d in catalog.diagnostics] == []
