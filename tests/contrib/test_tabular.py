"""JSON Lines and Parquet: read back with json and pyarrow, they are entries.json; the Parquet
columns come from the schema, not the data; the export command writes both."""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from medlm_survey import export, tabular
from medlm_survey.catalog import load_catalog
from medlm_survey.cli import cli
from tests.conftest import TODAY, make_repo


def documents(catalog) -> list[dict]:
    return json.loads(export.render_json(catalog))["entries"]


@pytest.mark.parametrize("which", ["mini", "real"])
def test_jsonl_is_entries_json_one_per_line(which, request):
    catalog = request.getfixturevalue(which)
    text = tabular.render_jsonl(catalog)
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == len(catalog.entries)
    assert [json.loads(line) for line in lines] == documents(catalog)


@pytest.mark.parametrize("which", ["mini", "real"])
def test_parquet_reads_back_to_entries_json(which, request):
    catalog = request.getfixturevalue(which)
    data = tabular.render_parquet(catalog)
    assert tabular.read_parquet_documents(io.BytesIO(data)) == documents(catalog)
    table = pq.read_table(io.BytesIO(data))
    assert table.num_rows == len(catalog.entries)
    assert table.column("id").to_pylist() == [e.id for e in catalog.entries]


def test_parquet_columns_follow_the_schema(mini):
    schema = pq.read_schema(io.BytesIO(tabular.render_parquet(mini)))
    assert schema.names[:4] == ["schema_version", "id", "kind", "name"]
    assert schema.field("schema_version").type == pa.int64()
    assert schema.field("name").type == pa.string()
    for name in ("aliases", "categories", "modalities", "base_models", "trained_on", "covers", "metrics"):
        assert schema.field(name).type == pa.list_(pa.string()), name
    json_columns = {f.name for f in schema if f.metadata and f.metadata.get(b"encoding") == b"json"}
    assert json_columns == {"paper", "links", "variants", "results", "clinical_evidence", "regulatory", "acknowledge"}
    assert all(schema.field(name).type == pa.string() for name in json_columns)
    meta = json.loads(schema.metadata[tabular.METADATA_KEY])
    assert meta == {"schema_version": 2, "json_columns": [n for n in schema.names if n in json_columns]}


def test_columns_do_not_depend_on_the_data(mini, tmp_path, taxonomy):
    (tmp_path / "one").mkdir()
    root = make_repo(tmp_path / "one", {"entries/survey/s.yaml": (
        "schema_version: 2\nid: s\nkind: survey\nname: S\ncategories: [llm]\nsummary: A survey.\n"
        "date: 2024-01\npaper: {title: T, authors: [A B], arxiv: '2401.00001'}\n"
    )})  # fmt: skip
    one = load_catalog(root, taxonomy=taxonomy, today=TODAY)
    assert [e.kind for e in one.entries] == ["survey"]
    schema = lambda c: pq.read_schema(io.BytesIO(tabular.render_parquet(c))).remove_metadata()  # noqa: E731
    assert schema(one) == schema(mini)


def test_trained_on_keeps_not_recorded_apart_from_none(make_catalog):
    base = (
        "schema_version: 2\nkind: model\ncategories: [llm]\nsummary: A model.\ndate: 2024-01\n"
        "paper: {title: T, authors: [A B], arxiv: '2401.0000%d'}\n"
    )
    catalog = make_catalog({
        "entries/model/unrecorded.yaml": "id: unrecorded\nname: U\n" + base % 1,
        "entries/model/none.yaml": "id: none\nname: N\ntrained_on: []\n" + base % 2,
    })  # fmt: skip
    table = pq.read_table(io.BytesIO(tabular.render_parquet(catalog)))
    assert dict(zip(table.column("id").to_pylist(), table.column("trained_on").to_pylist(), strict=True)) == {
        "none": [], "unrecorded": None,
    }  # fmt: skip


def test_parquet_is_deterministic(mini):
    assert tabular.render_parquet(mini) == tabular.render_parquet(mini)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_export_jsonl_and_parquet_to_files(mini_root, mini, tmp_path):
    for fmt in ("jsonl", "parquet"):
        target = tmp_path / f"entries.{fmt}"
        result = invoke("export", "--format", fmt, "-o", str(target), "--root", str(mini_root))
        assert (result.exit_code, result.stderr) == (0, f"wrote {target} (4 entries)\n")
    assert [json.loads(line) for line in (tmp_path / "entries.jsonl").read_text().splitlines()] == documents(mini)
    assert tabular.read_parquet_documents(tmp_path / "entries.parquet") == documents(mini)


def test_export_parquet_to_a_pipe(mini_root, mini):
    result = invoke("export", "--format", "parquet", "--root", str(mini_root))
    assert result.exit_code == 0
    assert tabular.read_parquet_documents(io.BytesIO(result.stdout_bytes)) == documents(mini)
