"""The catalogue as JSON Lines and as Parquet, for pandas, DuckDB, Polars and Spark.

Both hold exactly the entries of ``entries.json``, one per line or row, in the same order.

``entries.jsonl``: each line one entry document, as in ``entries.json`` (no header line).

``entries.parquet``: one row per entry, one column per entry field (the union of every
kind's fields, in :data:`medlm_survey.schema.MODEL_FOR_KIND` order; a field the entry's kind
lacks, or an unset field, is null). The column types follow the schema, never the data, so
every release has the same columns:

- text fields (``id``, ``name``, ``date``, ``license``, ...) are strings;
- lists of text (``aliases``, ``categories``, ``base_models``, ...) are lists of strings;
  ``trained_on`` keeps its two meanings apart: null is *not recorded*, an empty list *none
  of the catalogued datasets*;
- ``schema_version`` is an integer;
- nested objects and lists of them (``paper``, ``links``, ``variants``, ``results``,
  ``clinical_evidence``, ``regulatory``, ``acknowledge``) are JSON text, exactly the
  object of ``entries.json``. Their columns carry the field metadata ``encoding: json``.

Why JSON text and not Parquet structs: a struct's type would come from the values present,
so a new optional field in one entry would change the file's schema between releases, and
results mix numbers, lists and nested sources; JSON text keeps one stable schema and reads
back to the very same documents (``json.loads``, DuckDB's ``paper->>'title'``).
"""

from __future__ import annotations

import io
import json
import types
import typing
from collections.abc import Iterable
from typing import Annotated, Literal, Union

from medlm_survey.catalog import Catalog
from medlm_survey.documents import entry_document, json_line
from medlm_survey.schema import MODEL_FOR_KIND, SCHEMA_VERSION

#: Column kinds: how a field is stored.
STRING, STRINGS, INTEGER, JSON = "string", "strings", "integer", "json"
#: Schema-level metadata key of the Parquet file (a JSON object: schema_version, json_columns).
METADATA_KEY = b"medlm-survey"


def render_jsonl(catalog: Catalog) -> str:
    """``entries.jsonl``: one entry document per line, as in ``entries.json``."""

    return "".join(json_line(entry_document(entry)) for entry in catalog.entries)


def _column_kind(annotation: object) -> str:
    """How a field with this type annotation is stored (see the module docstring)."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _column_kind(options[0]) if len(options) == 1 else JSON
    if origin is Literal:
        values = typing.get_args(annotation)
        if all(isinstance(v, str) for v in values):
            return STRING
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return INTEGER
        return JSON
    if annotation is str:
        return STRING
    if annotation is int:
        return INTEGER
    if origin is list:
        (item,) = typing.get_args(annotation)
        return STRINGS if _column_kind(item) == STRING else JSON
    return JSON


def columns() -> dict[str, str]:
    """Field name -> column kind, for every field of every kind, in schema order.

    A field two kinds type differently (none today) is stored as JSON.
    """
    kinds: dict[str, str] = {}
    for model in MODEL_FOR_KIND.values():
        for name, field in model.model_fields.items():
            kind = _column_kind(field.annotation)
            kinds[name] = kind if kinds.get(name, kind) == kind else JSON
    return kinds


def _arrow_schema():
    import pyarrow as pa

    types_ = {STRING: pa.string(), STRINGS: pa.list_(pa.string()), INTEGER: pa.int64(), JSON: pa.string()}
    fields = [
        pa.field(name, types_[kind], nullable=True, metadata={"encoding": "json"} if kind == JSON else None)
        for name, kind in columns().items()
    ]
    json_columns = [name for name, kind in columns().items() if kind == JSON]
    meta = {"schema_version": SCHEMA_VERSION, "json_columns": json_columns}
    return pa.schema(fields, metadata={METADATA_KEY: json.dumps(meta).encode("utf-8")})


def parquet_rows(documents: Iterable[dict]) -> list[dict]:
    """Entry documents (as in ``entries.json``) -> Parquet rows: every column present,
    nested values as compact JSON text."""
    kinds = columns()
    rows = []
    for document in documents:
        row: dict[str, object] = dict.fromkeys(kinds)
        for name, value in document.items():
            if kinds.get(name) == JSON:
                value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            row[name] = value
        rows.append(row)
    return rows


def render_parquet(catalog: Catalog) -> bytes:
    """``entries.parquet``: one row per entry (see the module docstring for the columns).

    Deterministic: the same catalogue gives the same bytes with the same pyarrow version
    (Parquet files hold no timestamp; the writer's version is in the footer).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq


    table = pa.Table.from_pylist(parquet_rows(entry_document(e) for e in catalog.entries), schema=_arrow_schema())
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def read_parquet_documents(source) -> list[dict]:
    """The entry documents of an ``entries.parquet`` (a path or a file object): null columns
    dropped, JSON columns decoded, so that they equal the entries of ``entries.json``."""
    import pyarrow.parquet as pq

    table = pq.read_table(source)
    json_columns = {f.name for f in table.schema if f.metadata and f.metadata.get(b"encoding") == b"json"}
    return [
        {name: json.loads(value) if name in json_columns else value for name, value in row.items() if value is not None}
        for row in table.to_pylist()
    ]
