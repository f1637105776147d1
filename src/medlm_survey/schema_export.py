"""The JSON Schema generated from the pydantic models, committed for editor completion."""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from medlm_survey.schema import SCHEMA_VERSION, Entry

SCHEMA_PATH = "schema/entry.schema.json"


def schema_document() -> dict:
    document = TypeAdapter(Entry).json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://medlm-survey.github.io/medlm-survey/schema/entry.schema.json",
        "title": f"medlm-survey entry (schema {SCHEMA_VERSION})",
        "description": "One model, dataset, benchmark or survey of the medlm-survey catalogue.",
        **document,
    }


def schema_json() -> str:
    return json.dumps(schema_document(), indent=2, ensure_ascii=False) + "\n"
