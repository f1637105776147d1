"""Schema contract: the committed JSON Schema is fresh, fields are documented, values parse."""

from __future__ import annotations

import pytest

from medlm_survey.schema import MODEL_FOR_KIND, ModelEntry, Result, parse_date
from medlm_survey.schema_export import SCHEMA_PATH, schema_json


def test_committed_json_schema_is_fresh(repo_root):
    committed = (repo_root / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == schema_json(), "run 'medlm-survey schema' and commit the result"


@pytest.mark.parametrize("kind", sorted(MODEL_FOR_KIND))
def test_every_field_is_documented(kind):
    for name, field in MODEL_FOR_KIND[kind].model_fields.items():
        assert field.description, f"{kind}.{name} has no description"
    for name, field in Result.model_fields.items():
        assert field.description, f"results[].{name} has no description"


@pytest.mark.parametrize(
    ("text", "count"), [("7B", 7e9), ("340M", 3.4e8), ("1.5B", 1.5e9), ("1T", 1e12), ("110K", 1.1e5)]
)
def test_parameter_counts_sort_as_numbers(text, count):
    entry = ModelEntry.model_validate(
        {"id": "m", "kind": "model", "name": "M", "categories": ["llm"], "summary": "S.", "date": "2024-01",
         "paper": {"title": "T", "authors": ["A"], "url": "https://example.org"}, "parameters": text}
    )
    assert entry.parameter_count == count


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-00", "2023-1-5", "23-01-01", "2023/01/01"])
def test_impossible_dates_are_rejected(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


def test_results_know_their_comparable_setting():
    a = Result(benchmark="medqa", metric="accuracy", value=1, split="test", shots=5, prompting="chain-of-thought")
    b = Result(benchmark="medqa", metric="accuracy", value=2, split="test", shots=5, prompting="chain-of-thought", source="T1")
    c = Result(benchmark="medqa", metric="accuracy", value=3, split="test", shots=0)
    assert a.setting() == b.setting() != c.setting()
