"""The JSON Schema generated from the pydantic models, committed for editor completion.

The published schema must catch in the editor what ``medlm-survey validate`` catches, and
must compile in strict JSON Schema 2020-12 validators (ajv ``strict``, check-jsonschema):

- taxonomy terms become ``enum`` lists read from ``taxonomy.yaml`` (the models only mark
  such fields with ``x-taxonomy``, which is replaced here and never published);
- ids, dates, arXiv ids and DOIs carry their ``pattern``;
- the union of kinds is a plain ``oneOf`` whose branches differ in ``kind`` (``const``):
  pydantic's OpenAPI-style ``discriminator`` keyword is not part of JSON Schema and strict
  validators refuse unknown keywords.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from medlm_survey.schema import SCHEMA_VERSION, Entry
from medlm_survey.taxonomy import Taxonomy

SCHEMA_PATH = "schema/entry.schema.json"
SCHEMA_ID = "https://medlm-survey.github.io/medlm-survey/schema/entry.schema.json"
#: Keywords pydantic may emit that are not JSON Schema 2020-12 vocabulary.
_NON_STANDARD = ("discriminator", "x-taxonomy")


def _resolve(node: Any, taxonomy: Taxonomy | None) -> Any:
    """Copy of ``node`` with taxonomy markers turned into enums and non-standard keywords dropped."""
    if isinstance(node, list):
        return [_resolve(item, taxonomy) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _resolve(value, taxonomy) for key, value in node.items() if key not in _NON_STANDARD}
    vocabulary = node.get("x-taxonomy")
    if vocabulary and taxonomy is not None:
        out["enum"] = taxonomy.ids(vocabulary)
    return out


def schema_document(taxonomy: Taxonomy | None = None) -> dict:
    """The entry schema as a JSON-ready mapping; with ``taxonomy``, terms are enumerated."""
    document = TypeAdapter(Entry).json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"medlm-survey entry (schema version {SCHEMA_VERSION})",
        "description": "One model, dataset, benchmark or survey of the medlm-survey catalogue.",
        **_resolve(document, taxonomy),
    }


def schema_json(taxonomy: Taxonomy | None = None) -> str:
    return json.dumps(schema_document(taxonomy), indent=2, ensure_ascii=False) + "\n"
