"""Schema contract: the committed JSON Schema is fresh, strict-valid and as strict as the CLI;
fields are documented; values parse; v2 rules on variants, scales, settings and sources."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from medlm_survey.schema import (
    MODEL_FOR_KIND,
    ModelEntry,
    Paper,
    Result,
    ResultSource,
    Variant,
    parse_date,
)
from medlm_survey.schema_export import SCHEMA_PATH, schema_document, schema_json

#: JSON Schema 2020-12 keywords (core, applicator, validation, meta-data, format-annotation,
#: unevaluated, content): what a strict validator accepts.
STANDARD_KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items",
    "contains", "properties", "patternProperties", "additionalProperties", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "type", "enum", "const", "multipleOf", "maximum",
    "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems",
    "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired", "title", "description", "default", "deprecated", "readOnly", "writeOnly",
    "examples", "format", "contentEncoding", "contentMediaType", "contentSchema",
}  # fmt: skip


@pytest.fixture(scope="module")
def published(taxonomy) -> dict:
    return schema_document(taxonomy)


def test_committed_json_schema_is_fresh(repo_root, taxonomy):
    committed = (repo_root / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == schema_json(taxonomy), "run 'medlm-survey schema' and commit the result"


def _keywords(node, path="#"):
    """Every keyword used in schema positions (property names under 'properties' excluded)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "$defs", "patternProperties"):
                for name, sub in value.items():
                    yield from _keywords(sub, f"{path}/{key}/{name}")
            elif key in ("examples", "enum", "const", "default", "required", "dependentRequired"):  # values, not schemas
                yield key, path
            else:
                yield key, path
                yield from _keywords(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _keywords(item, f"{path}/{index}")


def test_schema_uses_only_standard_2020_12_keywords(published):
    jsonschema.Draft202012Validator.check_schema(published)
    unknown = {(key, path) for key, path in _keywords(published) if key not in STANDARD_KEYWORDS}
    assert not unknown, f"strict validators refuse these keywords: {sorted(unknown)[:5]}"


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_schema_compiles_in_ajv_strict_mode(published, repo_root, tmp_path):
    ajv = repo_root / "node_modules" / "ajv" / "dist" / "2020.js"
    if not ajv.exists():
        pytest.skip("ajv is not installed (npm ci installs it from package-lock.json)")
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(published), encoding="utf-8")
    script = (
        f"const Ajv = require({json.dumps(str(ajv))}).default;"
        "const ajv = new Ajv({strict: true, allErrors: true});"
        f"ajv.compile(require({json.dumps(str(schema_file))}));"
        "console.log('compiled');"
    )
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "compiled" in result.stdout, result.stderr


def _real_entry(repo_root: Path, name: str) -> dict:
    return yaml.safe_load((repo_root / "entries" / "model" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("categories",), ["vllm"]),
        (("access",), "opne"),
        (("date",), "April 2023"),
        (("paper", "arxiv"), "2303.00915v2"),
        (("paper", "doi"), "https://doi.org/10.1056/AIoa2400640"),
        (("id",), "BiomedCLIP"),
        (("modalities",), ["radiolgy"]),
        (("results", 0, "metric"), "acc"),
        (("results", 0, "prompting"), ["zero_shot"]),
    ],
)
def test_schema_catches_in_the_editor_what_validate_catches(published, repo_root, path, value):
    """The same mistakes that `medlm-survey validate` reports fail the published schema."""
    document = _real_entry(repo_root, "biomedclip.yaml")
    validator = jsonschema.Draft202012Validator(published)
    assert not list(validator.iter_errors(document)), "the unchanged entry must pass"
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert list(validator.iter_errors(document)), f"{path} = {value!r} passed the JSON Schema"


def test_schema_refuses_a_partial_training_list_without_a_list(published, repo_root):
    document = _real_entry(repo_root, "biomedclip.yaml")
    validator = jsonschema.Draft202012Validator(published)
    document["trained_on_partial"] = "Only one set is named."
    assert not list(validator.iter_errors(document)), "a partial list beside trained_on passes"
    del document["trained_on"]
    errors = list(validator.iter_errors(document))  # one oneOf error; the model branch says why
    assert [e.validator for e in errors] == ["oneOf"]
    assert "dependentRequired" in {sub.validator for sub in errors[0].context}


def test_every_real_entry_passes_the_published_schema(published, repo_root):
    validator = jsonschema.Draft202012Validator(published)
    for file in sorted((repo_root / "entries").rglob("*.yaml")):
        errors = list(validator.iter_errors(yaml.safe_load(file.read_text(encoding="utf-8"))))
        assert not errors, f"{file.name}: {errors[0].message}"


@pytest.mark.parametrize("kind", sorted(MODEL_FOR_KIND))
def test_every_field_is_documented(kind):
    for name, field in MODEL_FOR_KIND[kind].model_fields.items():
        assert field.description, f"{kind}.{name} has no description"
    for model in (Result, ResultSource, Variant, Paper):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"


def _model(**extra) -> dict:
    return {
        "schema_version": 2, "id": "m", "kind": "model", "name": "M", "categories": ["llm"], "summary": "S.",
        "date": "2024-01", "paper": {"title": "T", "authors": ["A"], "url": "https://example.org"}, **extra,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "count"), [("7B", 7e9), ("340M", 3.4e8), ("1.5B", 1.5e9), ("1T", 1e12), ("110K", 1.1e5)]
)
def test_parameter_counts_sort_as_numbers(text, count):
    entry = ModelEntry.model_validate(_model(variants=[{"name": text, "parameters": text}, {"name": "unknown size"}]))
    assert entry.parameter_counts == [count]
    assert entry.size_range == (count, count)


def test_variants_give_every_size_of_a_family():
    entry = ModelEntry.model_validate(
        _model(variants=[{"name": "27B", "parameters": "27B"}, {"name": "4B multimodal", "parameters": "4B"}])
    )
    assert entry.parameter_counts == [4e9, 27e9]
    assert entry.variant("4B multimodal").parameters == "4B"


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-00", "2023-1-5", "23-01-01", "2023/01/01"])
def test_impossible_dates_are_rejected(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


SOURCE = {"paper": "self", "locator": "Table 2"}


def test_results_know_their_comparable_setting():
    a = Result(benchmark="medqa", metric="accuracy", value=1, split="test", shots=5, prompting=["chain-of-thought"], source=SOURCE)
    b = Result(
        benchmark="medqa", metric="accuracy", value=2, split="test", shots=5, prompting=["chain-of-thought"],
        source={"paper": "other", "locator": "Table 9"},
    )  # fmt: skip
    c = Result(benchmark="medqa", metric="accuracy", value=3, split="test", shots=0, source=SOURCE)
    d = Result(benchmark="medqa", metric="accuracy", value=3, split="test", shots=0, task="question-answering", source=SOURCE)
    assert a.setting() == b.setting() != c.setting() != d.setting()


def test_self_reported_follows_the_source():
    assert Result(benchmark="b", metric="accuracy", value=1, source=SOURCE).self_reported
    assert not Result(benchmark="b", metric="accuracy", value=1, source={"paper": "x", "locator": "T1"}).self_reported
    follow_up = {"arxiv": "2201.01266", "locator": "Table 2", "self_reported": True}
    assert Result(benchmark="b", metric="accuracy", value=1, source=follow_up).self_reported
    assert not Result(benchmark="b", metric="accuracy", value=1, source={"arxiv": "2201.01266", "locator": "T2"}).self_reported


def test_future_allows_for_every_time_zone():
    """Today in Kiribati (UTC+14) is tomorrow in UTC, where CI runs: not 'future'."""
    import datetime as dt

    from medlm_survey.validation import validate_entry

    today = dt.date(2026, 1, 1)
    ok, problems = validate_entry(_model(date="2026-01-02"), "entries/model/m.yaml", None, today)
    assert ok is not None and not problems
    bad, problems = validate_entry(_model(date="2026-01-03"), "entries/model/m.yaml", None, today)
    assert bad is None and [p.code for p in problems] == ["future-date"]
