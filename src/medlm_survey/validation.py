"""Validate one entry mapping against its kind's model; pydantic errors become problems."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from medlm_survey.diagnostics import CODES, ERROR, WARNING, Problem
from medlm_survey.schema import (
    _MARKUP_RE,
    AUTHOR_TAGS,
    KINDS,
    MODEL_FOR_KIND,
    SCHEMA_VERSION,
    EntryBase,
    ModelEntry,
)
from medlm_survey.suggest import hint
from medlm_survey.taxonomy import Taxonomy

_TYPE_WORDS = {
    "list_type": "a list",
    "tuple_type": "a list",
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}
#: Fields of entry format version 1 and where version 2 keeps them.
_MOVED = {
    "parameters": "; version 2 lists sizes under variants: [{name: 7B, parameters: 7B}] ('medlm-survey migrate' rewrites it)",
    "reported_by": "; version 2 names the measuring paper in source: {paper: <entry id>, locator: Table 2}",
}
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "etc.", "approx.", "Fig.", "No.", "cf.")


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _model_at(kind_model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    """The pydantic model whose fields live at ``loc`` (for field-name suggestions).

    Walks the field annotations along ``loc`` ('results', 3, 'source' -> ResultSource),
    skipping list indexes and the union members that are not models.
    """
    model = kind_model
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            break
        nested = _first_model(info.annotation)
        if nested is None:
            break
        model = nested
    return model


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        found = _first_model(argument)
        if found is not None:
            return found
    return None


def problems_from_error(error: ValidationError, path: str, kind_model: type[BaseModel]) -> list[Problem]:
    """Reword pydantic's errors as contributor-facing problems (position resolved later)."""
    problems: list[Problem] = []
    for err in error.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]))
        kind = err["type"]
        field = str(loc[-1]) if loc else "entry"
        at_key = False
        if kind == "missing":
            code, message, loc = "missing-field", f"required field '{field}' is missing", loc[:-1]
        elif kind == "extra_forbidden":
            names = list(_model_at(kind_model, loc[:-1]).model_fields)
            code, at_key = "unknown-field", True
            message = f"unknown field '{field}'{_MOVED.get(field) or hint(field, names)}"
        elif kind in _TYPE_WORDS:
            label = _field_label(loc)
            code = "wrong-type"
            message = f"{label} should be {_TYPE_WORDS[kind]}, not {_describe(err.get('input'))}"
        elif kind.replace("_", "-") in CODES:
            code, message = kind.replace("_", "-"), err["msg"]
            if code == "missing-source":
                loc = ("paper",)
            elif code in ("wrong-access", "unknown-term") and not loc:
                loc = ("access",)
        elif kind == "too_short":
            code = "invalid-value"
            if isinstance(err.get("input"), str):
                message = f"{_field_label(loc)} must not be empty"
            else:
                message = f"{_field_label(loc)} needs at least {err['ctx']['min_length']} item(s)"
        elif kind == "literal_error":
            expected = err["ctx"]["expected"]
            code = "invalid-value"
            message = f"{_field_label(loc)} must be {expected}, not '{err.get('input')}'"
        else:
            code = "invalid-value"
            message = f"{_field_label(loc)}: {err['msg'][0].lower()}{err['msg'][1:]}"
        problems.append(Problem(path, loc, ERROR, code, message, at_key=at_key))
    return problems


def _clean_loc(loc: tuple) -> tuple:
    """Drop union tags from an error location: ('paper', 'authors', 1, 'team', 'corporate')
    -> ('paper', 'authors', 1, 'corporate')."""
    return tuple(part for index, part in enumerate(loc) if not (part in AUTHOR_TAGS and index and isinstance(loc[index - 1], int)))


def _field_label(loc: tuple) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "'" + "".join(parts) + "'" if parts else "the entry"


def count_sentences(text: str) -> int:
    if sum(text.count(mark) for mark in ".!?") <= 1:
        return 1
    for abbreviation in _ABBREVIATIONS:
        text = text.replace(abbreviation, abbreviation.replace(".", ""))
    pieces = [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])", text) if p.strip()]
    return len(pieces)


def lint_entry(entry: EntryBase, path: str, taxonomy: Taxonomy | None = None) -> list[Problem]:
    """Rules on one valid entry that need the whole entry: unknown variants (errors) and
    recommendations (warnings)."""
    problems = []
    if isinstance(entry, ModelEntry):
        problems += _result_problems(entry, path, taxonomy)
    terminators = sum(entry.summary.count(mark) for mark in ".!?")
    sentences = count_sentences(entry.summary) if terminators > 4 else terminators
    if sentences > 4:
        problems.append(
            Problem(path, ("summary",), WARNING, "summary-length", f"the summary has {sentences} sentences; keep it to 1-4")
        )
    for field in ("name", "summary"):
        text = getattr(entry, field)
        if ("<" in text or "](" in text or "#" in text) and _MARKUP_RE.search(text):
            problems.append(
                Problem(path, (field,), WARNING, "markup-in-text", f"'{field}' looks like it contains HTML or Markdown; write plain text")
            )
    return problems


#: C0 and C1 control characters other than tab, line feed and carriage return. They make
#: XML outputs (the Atom feed) ill-formed and are invisible in review.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_problems(data: Any, path: str, loc: tuple = ()) -> list[Problem]:
    """Every string (keys included) holding a control character, at its key path."""
    problems: list[Problem] = []
    if isinstance(data, str):
        found = _CONTROL_RE.search(data)
        if found:
            problems.append(
                Problem(
                    path,
                    loc,
                    ERROR,
                    "control-character",
                    f"{_field_label(loc)} contains the control character U+{ord(found[0]):04X}; delete it "
                    "(it is invisible in review and breaks XML exports)",
                )
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            problems += control_character_problems(key, path, (*loc, key))
            problems += control_character_problems(value, path, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            problems += control_character_problems(value, path, (*loc, index))
    return problems


def _result_problems(entry: ModelEntry, path: str, taxonomy: Taxonomy | None) -> list[Problem]:
    problems = []
    names = [v.name for v in entry.variants]
    for index, name in enumerate(names):
        if name in names[:index]:
            problems.append(
                Problem(path, ("variants", index, "name"), ERROR, "duplicate-variant", f"variant '{name}' is listed twice")
            )
    for index, result in enumerate(entry.results):
        if result.variant is not None and result.variant not in names:
            listed = ", ".join(f"'{n}'" for n in names) or "none; add a variants list"
            problems.append(
                Problem(
                    path,
                    ("results", index, "variant"),
                    ERROR,
                    "unknown-variant",
                    f"variant '{result.variant}' is not among this entry's variants ({listed}){hint(result.variant, names)}",
                )
            )
        metric = taxonomy.term("metrics", result.metric) if taxonomy is not None else None
        if metric is not None and result.printed_scale(metric.scale) == "percent" and 0 < result.value <= 1:
            problems.append(
                Problem(
                    path,
                    ("results", index, "value"),
                    WARNING,
                    "suspicious-scale",
                    f"{result.metric} {result.value:g} is on a percent scale; if the source prints it as a "
                    "fraction of 1, add scale: unit",
                )
            )
    return problems


def directory_kind(path: str) -> str | None:
    parts = path.rsplit("/", 2)
    parent = parts[-2] if len(parts) >= 2 else ""
    return parent if parent in KINDS else None


def validate_entry(
    data: dict, path: str, taxonomy: Taxonomy | None, today: dt.date | None = None
) -> tuple[EntryBase | None, list[Problem]]:
    """Validate one entry mapping. Returns the entry (or None) and its problems.

    Why the kind is picked first: validating against the discriminated union would report
    every field error once per candidate model; choosing the model keeps locations clean.
    When ``kind`` is missing or unknown, the folder's kind is used so that the other
    fields are still checked in the same run.
    """
    problems: list[Problem] = control_character_problems(data, path)
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        if version is None:
            message = (
                f"'schema_version: {SCHEMA_VERSION}' is missing; an entry written for version 1 "
                f"is updated by 'medlm-survey migrate {path}'"
            )
        else:
            message = f"schema_version is {version!r}; this catalogue reads version {SCHEMA_VERSION} (see 'medlm-survey migrate')"
        problems.append(Problem(path, ("schema_version",) if version is not None else (), ERROR, "schema-version", message))
        return None, problems
    folder_kind = directory_kind(path)
    kind = data.get("kind")
    chosen = kind
    if "kind" not in data:
        advice = f"; this file is in entries/{folder_kind}/, so add 'kind: {folder_kind}'" if folder_kind else ""
        problems.append(Problem(path, (), ERROR, "missing-field", f"required field 'kind' is missing{advice}"))
        chosen = folder_kind
    elif not isinstance(kind, str) or kind not in MODEL_FOR_KIND:
        problems.append(
            Problem(
                path,
                ("kind",),
                ERROR,
                "unknown-kind",
                f"kind '{kind}' is not one of {', '.join(KINDS)}{hint(str(kind), KINDS)}",
            )
        )
        chosen = folder_kind
    elif folder_kind is None:
        problems.append(
            Problem(path, (), ERROR, "wrong-directory", f"entries live in entries/<kind>/; move this file to entries/{kind}/")
        )
    elif folder_kind != kind:
        problems.append(
            Problem(path, ("kind",), ERROR, "wrong-directory", f"kind is '{kind}' but the file is in entries/{folder_kind}/; move it to entries/{kind}/")
        )
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    entry_id = data.get("id")
    if isinstance(entry_id, str) and entry_id != stem:
        problems.append(
            Problem(path, ("id",), ERROR, "id-mismatch", f"id '{entry_id}' differs from the file name '{stem}.yaml'; rename one of them")
        )
    if chosen is None:
        return None, problems
    model = MODEL_FOR_KIND[chosen]
    if chosen != kind:
        data = {**data, "kind": chosen}
    try:
        entry = model.model_validate(data, context={"taxonomy": taxonomy, "today": today})
    except ValidationError as exc:
        return None, problems + problems_from_error(exc, path, model)
    if problems:
        return None, problems
    return entry, lint_entry(entry, path, taxonomy)
