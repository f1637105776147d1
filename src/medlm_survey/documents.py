"""An entry as plain JSON data: the one form every export (JSON, JSON Lines, Parquet, the
static API) starts from."""

from __future__ import annotations

import json

from medlm_survey.schema import EntryBase


def entry_document(entry: EntryBase) -> dict:
    """One entry as plain JSON data, valid against ``schema/entry.schema.json``."""
    return entry.model_dump(mode="json", exclude_none=True)


def json_line(document: object) -> str:
    """Compact JSON and a newline.

    Why compact: these files are for programs, and without indent json uses its C encoder,
    which matters with thousands of per-entry documents.
    """
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
