"""A blank entry of one kind with every field and its documentation: ``new --blank``.

Written from the schema itself (the pydantic models' JSON Schema: field docstrings, examples,
required fields), so the template never falls behind the schema. What every entry needs is
written out with ``TODO`` markers; every optional field is a commented line with an example
value, its documentation above it. Fields of an optional block (``links``, ``variants``,
``results`` ...) are commented once more when they are optional themselves, so removing one
``# `` from a block gives valid YAML with the fields that block requires (all of ``links``).
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

from medlm_survey.schema import MODEL_FOR_KIND, SCHEMA_VERSION
from medlm_survey.taxonomy import Taxonomy

TODO = "TODO"
WIDTH = 100
#: Top-level fields written out with a TODO even where the schema has a default: every entry
#: needs a paper and, to be found on the site, its modalities.
_TODO_VALUES = {
    "name": json.dumps(f"{TODO}: the name its authors use"),
    "categories": f"[{TODO}]",
    "date": json.dumps(f"{TODO}: YYYY-MM-DD or YYYY-MM of the first public release"),
    "modalities": f"[{TODO}]",
}
_PAPER_TODO = {
    "title": json.dumps(f"{TODO}: the title as published"),
    "authors": f"[{TODO}]",
    "arxiv": json.dumps(f"{TODO}: the arXiv id such as 2305.09617; or delete this line and give doi or url"),
}
#: Example values for fields whose schema gives none.
_PLACEHOLDERS: dict[str, Any] = {
    "benchmark": "medqa",
    "value": 83.2,
    "std": 0.4,
    "ci": [81.9, 84.5],
    "split": "test",
    "shots": 0,
    "prompting": ["zero-shot"],
    "variant": "7B",
    "subset": "USMLE 4-option",
    "task": "question-answering",
    "level": "benchmark-only",
    "year": 2024,
    "architecture": "decoder-only transformer",
    "base_model": "llama-3-1",
    "size": "1,273 test questions",
    "code": "https://github.com/...",
    "weights": "https://huggingface.co/...",
    "data": "https://physionet.org/...",
    "homepage": "https://example.org/...",
    "demo": "https://huggingface.co/spaces/...",
}
_PLAIN = re.compile(r"^[A-Za-z][\w.+/-]*(?: [\w.+/-]+)*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and not text.endswith(":"):
        return text
    return json.dumps(text, ensure_ascii=False)


class _Writer:
    """Walks one kind's JSON Schema and writes the commented template lines."""

    def __init__(self, kind: str, taxonomy: Taxonomy | None) -> None:
        self.kind = kind
        self.taxonomy = taxonomy
        self.schema = MODEL_FOR_KIND[kind].model_json_schema()
        self.defs = self.schema.get("$defs", {})
        self.lines: list[str] = []

    # -- schema helpers

    def resolve(self, prop: dict) -> dict:
        """The property without its ``null`` alternative, with ``$ref`` followed; the
        outer description and examples kept."""
        inner = prop
        if "anyOf" in prop:
            branches = [b for b in prop["anyOf"] if b.get("type") != "null"]
            if len(branches) == 1:
                inner = {**branches[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
        if "$ref" in inner:
            target = self.defs[inner["$ref"].rsplit("/", 1)[-1]]
            inner = {**target, **{k: v for k, v in inner.items() if k != "$ref"}}
        return inner

    def item_object(self, prop: dict) -> dict | None:
        """The object schema of a list of objects (variants, results ...), else None."""
        if prop.get("type") != "array" or "$ref" not in prop.get("items", {}):
            return None
        return self.resolve(prop["items"])

    def terms(self, prop: dict) -> str | None:
        vocabulary = prop.get("x-taxonomy") or prop.get("items", {}).get("x-taxonomy")
        if not vocabulary:
            return None
        if self.taxonomy is None:
            return f"Terms: see taxonomy.yaml ({vocabulary})."
        return f"Terms ({vocabulary}): {', '.join(self.term_ids(vocabulary))}."

    def term_ids(self, vocabulary: str) -> list[str]:
        if self.taxonomy is None:
            return []
        if vocabulary == "access":
            return self.taxonomy.access_ids("model" if self.kind == "model" else "data")
        return self.taxonomy.ids(vocabulary)

    def example(self, name: str, prop: dict) -> Any:
        if prop.get("examples"):
            return prop["examples"][0]
        if name in _PLACEHOLDERS:
            return _PLACEHOLDERS[name]
        if "const" in prop:
            return prop["const"]
        if prop.get("x-taxonomy") and (ids := self.term_ids(prop["x-taxonomy"])):
            return ids[0]
        if prop.get("default") not in (None, [], {}):
            return prop["default"]
        if "enum" in prop:
            return prop["enum"][0]
        kind = prop.get("type")
        if kind == "array":
            items = prop.get("items", {})
            return [items["examples"][0]] if items.get("examples") else []
        if kind == "boolean":
            return False
        if kind in ("integer", "number"):
            return 0
        if str(prop.get("pattern", "")).startswith("^https://"):
            return "https://..."
        return "..."

    # -- writing

    def doc(self, pad: str, prop: dict) -> None:
        text = " ".join(str(prop.get("description", "")).split())
        terms = self.terms(prop)
        width = max(40, WIDTH - len(pad) - 2)
        for paragraph in (text, terms):
            if paragraph:
                wrapped = textwrap.wrap(paragraph, width, break_on_hyphens=False, break_long_words=False)
                self.lines += [f"{pad}# {line}" for line in wrapped]

    def field(self, name: str, prop: dict, pad: str, *, commented: bool, lead: str = "", value: str | None = None,
              todo: dict[str, str] | None = None) -> None:
        """One field: its documentation, then its key line, then its own fields.

        Args:
            pad: indentation (and outer comment marks) before this field's lines.
            commented: the field is optional: '# ' before its lines (and its own fields').
            lead: '- ' for the first field of a list item.
            value: the value to write instead of an example (a TODO).
            todo: TODO values for this object's own fields (the paper).
        """
        prop = self.resolve(prop)
        mark = "# " if commented else ""
        self.doc(pad + mark + " " * len(lead), prop)
        key = f"{pad}{mark}{lead}{name}:"
        inner = pad + mark + " " * len(lead) + "  "
        item = self.item_object(prop)
        if value is not None:
            self.lines.append(f"{key} {value}")
        elif prop.get("type") == "object" or "properties" in prop:
            self.lines.append(key)
            self.fields(prop, inner, todo=todo)
        elif item is not None:
            self.lines.append(key)
            self.fields(item, inner, list_item=True)
        else:
            self.lines.append(f"{key} {_scalar(self.example(name, prop))}")

    def fields(self, schema: dict, pad: str, *, list_item: bool = False, todo: dict[str, str] | None = None) -> None:
        required = set(schema.get("required", ()))
        names = list(schema.get("properties", {}))
        if list_item:  # a list item starts with a required field, so '- ' is never commented
            names.sort(key=lambda n: n not in required)
        for index, name in enumerate(names):
            prop = schema["properties"][name]
            lead = "- " if list_item and index == 0 else ""
            item_pad = pad if not list_item or index == 0 else pad + "  "
            value = (todo or {}).get(name)
            # In a block of optional fields only (links), the fields are the block's content.
            optional = name not in required and value is None and bool(required)
            self.field(name, prop, item_pad, commented=optional, lead=lead, value=value)


def render_template(kind: str, entry_id: str, taxonomy: Taxonomy | None) -> str:
    """The YAML text of a blank ``kind`` entry with every field documented (see the module)."""
    writer = _Writer(kind, taxonomy)
    lines = writer.lines
    lines += [
        "# yaml-language-server: $schema=../../schema/entry.schema.json",
        f"# Blank {kind} entry written by `medlm-survey new --blank`: every field of a {kind}, each",
        "# with its documentation. Replace every TODO; uncomment the optional fields you can check in",
        "# a source you saw (remove one '# ' from a block), delete the rest, then run",
        "# `medlm-survey validate`. A field you cannot check is left out.",
    ]
    schema = writer.schema
    required = set(schema.get("required", ()))
    for name, prop in schema["properties"].items():
        if name == "schema_version":
            writer.field(name, prop, "", commented=False, value=str(SCHEMA_VERSION))
        elif name == "id":
            writer.field(name, prop, "", commented=False, value=entry_id)
        elif name == "kind":
            writer.field(name, prop, "", commented=False, value=kind)
        elif name == "summary":
            writer.doc("", prop)
            lines += [
                "summary: >-",
                f"  {TODO}: one to four sentences in your own words on what it is and what it is for;",
                "  do not copy the abstract.",
            ]
        elif name in _TODO_VALUES:
            writer.field(name, prop, "", commented=False, value=_TODO_VALUES[name])
        elif name == "paper":
            writer.field(name, prop, "", commented=False, todo=_PAPER_TODO)
        else:
            writer.field(name, prop, "", commented=name not in required)
    return "\n".join(lines) + "\n"
