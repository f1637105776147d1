"""Exports: JSON against the schema, CSV safe in a spreadsheet, the Atom feed valid and dated
by git history, the downloads and the command. BibTeX: test_bibtex.py, test_bibtex_latex.py."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
from xml.etree import ElementTree as ET

import feedparser
import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree as lxml_etree
from pybtex.database import parse_string

from medlm_survey import export
from medlm_survey.cli import cli
from medlm_survey.schema import SCHEMA_VERSION, ModelEntry
from tests.conftest import REPO

from .conftest import DATA

SCHEMA = json.loads((REPO / "schema" / "entry.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
ATOM = "{http://www.w3.org/2005/Atom}"


# --- JSON ------------------------------------------------------------------------------

def test_entries_json_has_the_schema_version_and_validates(mini):
    document = json.loads(export.render_json(mini))
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["count"] == 4 == len(document["entries"])
    for entry in document["entries"]:
        VALIDATOR.validate(entry)
    assert [e["id"] for e in document["entries"]] == ["ghost-set", "llava-med", "plain-notes", "retfound"]


def test_the_real_catalogue_exports_valid_json(real):
    document = json.loads(export.render_json(real))
    errors = [(e["id"], err.message) for e in document["entries"] for err in VALIDATOR.iter_errors(e)]
    assert errors == []
    assert document["count"] == len(real.entries)


def test_json_round_trips_to_the_same_entries(mini):
    from medlm_survey.schema import MODEL_FOR_KIND

    for entry, data in zip(mini.entries, json.loads(export.render_json(mini))["entries"], strict=True):
        assert MODEL_FOR_KIND[data["kind"]].model_validate(data) == entry


def test_static_api_one_document_per_entry_and_an_index(mini, tmp_path):
    written = export.write_api(mini, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "api/index.json", "api/entries/ghost-set.json", "api/entries/llava-med.json",
        "api/entries/plain-notes.json", "api/entries/retfound.json",
    ]  # fmt: skip
    for path in written[1:]:
        VALIDATOR.validate(json.loads(path.read_text()))
    index = json.loads(written[0].read_text())
    assert index["entries"][1] == {
        "id": "llava-med", "kind": "model", "name": "LLaVA-Med", "date": "2023-06-01",
        "url": "https://medlm-survey.github.io/medlm-survey/downloads/api/entries/llava-med.json",
    }  # fmt: skip


def test_stale_api_documents_are_removed(mini, tmp_path):
    stale = tmp_path / "api" / "entries" / "deleted-entry.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    export.write_api(mini, tmp_path)
    assert not stale.exists()


# --- CSV -------------------------------------------------------------------------------

def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith(export.BOM)  # Excel reads the file as UTF-8 only with it
    return list(csv.DictReader(io.StringIO(text.removeprefix(export.BOM), newline="")))


def test_csv_has_one_row_per_entry(mini):
    rows = read_csv(export.render_csv(mini))
    assert [row["id"] for row in rows] == [e.id for e in mini.entries]
    notes = rows[2]
    assert notes["paper_title"] == 'Plain Notes, a corpus; with commas, and "quotes"'
    assert notes["paper_authors"] == "OpenAI; Ada Lovelace"
    assert notes["languages"] == "en; de"
    assert notes["data"] == "https://example.org/plain-notes"
    assert rows[0]["paper_title"] == "Ghost_Set: 100% of {curly} & $5 #tags ~ ^ \\ for Müller's Ærø corpus"
    assert rows[1]["parameters"] == "7B" and rows[1]["results"] == "0"


def test_real_catalogue_csv_rows(real):
    rows = read_csv(export.render_csv(real))
    assert len(rows) == len(real.entries)
    assert all(len(row) == len(export.CSV_COLUMNS) for row in rows)
    with_results = [e for e in real.entries if getattr(e, "results", None)]
    if with_results:
        row = next(r for r in rows if r["id"] == with_results[0].id)
        assert row["results"] == str(len(with_results[0].results))


def test_the_csv_file_is_utf8_with_one_byte_order_mark(mini, tmp_path):
    export.write_downloads(mini, tmp_path)
    data = (tmp_path / "entries.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and data.count(codecs.BOM_UTF8) == 1
    assert "Müller" in data.decode("utf-8-sig")


#: medlm.js's guard for the tables' CSV download, ``if (/^[...]/.test(value)) value = "'" +
#: value;`` after collapsing and trimming whitespace; read from the script, so the two rules
#: cannot drift apart.
_JS = (REPO / "site/assets/javascripts/medlm.js").read_text(encoding="utf-8")
JS_GUARD = re.compile(re.search(r"if \(/(\^\[[^\]]+\])/\.test\(value\)\) value = \"'\" \+ value;", _JS)[1])
#: JavaScript's \s, which .trim() and /\s+/ use.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def js_guards(text: str) -> bool:
    """What csvField in medlm.js decides for ``text``."""
    normalised = re.sub(f"[{_JS_SPACE}]+", " ", text).strip(" ")
    return bool(JS_GUARD.match(normalised))


def test_the_guard_is_the_rule_of_medlm_js():
    assert export.FORMULA_START.pattern == JS_GUARD.pattern


_CELLS = st.text(alphabet=st.sampled_from([*"=+-@\t\r\n ab1;,\"'", "\u00a0", "\u3000", "\ufeff"]), max_size=8)


@given(_CELLS)
def test_csv_cells_are_guarded_as_the_site_guards_them(text):
    assert export.spreadsheet_safe(text) == ("'" + text if js_guards(text) else text)


#: Cell starts spreadsheets run as formulas (OWASP, CSV injection), as data would bring them.
HOSTILE = ['=HYPERLINK("https://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)",
           "\t=1+1", "\r=1+1", " =1+1", "\u00a0@x"]  # fmt: skip


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_no_cell_of_entries_csv_starts_a_formula(make_catalog, value):
    """Every free-text field that reaches the CSV, hostile at once: no cell may start a formula."""
    catalog = make_catalog({
        "entries/model/hostile.yaml": yaml.safe_dump({
            "schema_version": 2, "id": "hostile", "kind": "model", "name": value, "aliases": [value],
            "categories": ["llm"], "summary": value, "date": "2024-01", "organizations": [value],
            "architecture": value,
            "paper": {"title": value, "authors": [value, {"corporate": value}], "venue": value, "arxiv": "2401.00001"},
        }, allow_unicode=True),
    })  # fmt: skip
    assert catalog.entries, [str(d) for d in catalog.diagnostics]
    (row,) = read_csv(export.render_csv(catalog))
    for column, cell in row.items():
        assert not js_guards(cell) and not cell.startswith(("\t", "\r")), (column, cell)
    for column in ("name", "aliases", "summary", "organizations", "architecture", "paper_title", "paper_venue"):
        assert row[column].startswith("'"), column  # guarded, not dropped


# --- Atom ------------------------------------------------------------------------------

ATOM_RNG = DATA / "atom" / "atom.rng"


def check_feed(text: str) -> ET.Element:
    """Well-formed (xml.etree and lxml, both strict), valid against RFC 4287's RELAX NG
    schema and its two Schematron rules, and read by feedparser without complaint."""
    data = text.encode("utf-8")
    root = ET.fromstring(data)
    document = lxml_etree.fromstring(data, lxml_etree.XMLParser(recover=False, resolve_entities=False))
    schema = lxml_etree.RelaxNG(lxml_etree.parse(str(ATOM_RNG)))
    assert schema.validate(document), schema.error_log
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == len(root.findall(f"{ATOM}entry"))
    return root


def test_feed_lists_entries_by_when_they_were_added(mini):
    added = {"plain-notes": dt.datetime(2025, 6, 2, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
             "retfound": dt.date(2024, 1, 5)}  # fmt: skip
    root = check_feed(export.render_feed(mini.entries, added))
    entries = root.findall(f"{ATOM}entry")
    # Added dates where known (in UTC); the others (not in git) by their own date.
    assert [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated")) for e in entries] == [
        ("Plain Notes (dataset)", "2025-06-02T09:30:00Z"),
        ("RETFound (model)", "2024-01-05T00:00:00Z"),
        ("Ghost Set (dataset)", "2023-12-01T00:00:00Z"),
        ("LLaVA-Med (model)", "2023-06-01T00:00:00Z"),
    ]  # fmt: skip
    assert root.findtext(f"{ATOM}updated") == "2025-06-02T09:30:00Z"
    assert [e.findtext(f"{ATOM}published") for e in entries] == [e.findtext(f"{ATOM}updated") for e in entries]
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == "https://medlm-survey.github.io/medlm-survey/downloads/api/entries/plain-notes.json"
    assert first.find(f"{ATOM}link[@rel='alternate']").get("href") == "https://medlm-survey.github.io/medlm-survey/dataset/plain-notes/"


def test_feed_without_history_uses_the_entry_dates(mini):
    root = check_feed(export.render_catalog_feed(mini))  # mini_root is not in a git repository
    assert [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")] == [
        "Ghost Set (dataset)", "RETFound (model)", "LLaVA-Med (model)", "Plain Notes (dataset)",
    ]  # fmt: skip
    assert root.findtext(f"{ATOM}updated") == "2023-12-01T00:00:00Z"
    assert root.findall(f"{ATOM}entry")[0].findtext(f"{ATOM}summary").startswith("A test dataset with LaTeX specials")


def test_real_feed_is_valid_and_newest_first(real):
    root = check_feed(export.render_catalog_feed(real))
    dates = [e.findtext(f"{ATOM}updated") for e in root.findall(f"{ATOM}entry")]
    assert len(dates) == min(export.FEED_SIZE, len(real.entries)) and dates == sorted(dates, reverse=True)


def test_feed_is_limited(real):
    root = ET.fromstring(export.render_feed(real.entries, limit=5).encode())
    assert len(root.findall(f"{ATOM}entry")) == 5


#: Any character: C0 and C1 controls, noncharacters, lone surrogates, astral planes.
# Every character an entry file can hold: UTF-8 text has no lone surrogates (the reader
# rejects such a file before validation), so they are left out; control characters stay in.
_ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)


@given(name=_ANY_TEXT, summary=_ANY_TEXT)
def test_feed_is_well_formed_whatever_the_text(name, summary):
    """Validation rejects control characters in entries, but the feed does not rely on it:
    any text gives a valid feed, without the characters XML 1.0 cannot hold."""
    entry = ModelEntry.model_validate(
        {
            "schema_version": 2, "id": "x", "kind": "model", "name": "N" + name, "categories": ["llm"],
            "summary": "S" + summary, "date": "2024-01", "paper": {"title": "T", "authors": ["A B"], "arxiv": "2401.00001"},
        }
    )  # fmt: skip
    root = check_feed(export.render_feed([entry]))
    (item,) = root.findall(f"{ATOM}entry")
    assert item.findtext(f"{ATOM}title") == export.xml_text(f"{entry.name} (model)")
    assert item.findtext(f"{ATOM}summary") == export.xml_text(entry.summary)


# --- everything at once, and the command -------------------------------------------------

def test_write_downloads_writes_every_file_deterministically(mini, tmp_path):
    first = export.write_downloads(mini, tmp_path / "a")
    second = export.write_downloads(mini, tmp_path / "b")
    names = [p.relative_to(tmp_path / "a").as_posix() for p in first]
    assert names[:5] == ["entries.json", "entries.csv", "references.bib", "feed.xml", "api/index.json"]
    assert names[-2:] == ["entries.jsonl", "entries.parquet"]
    assert len(names) == 5 + 4 + 2
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert (tmp_path / "a" / "entries.csv").read_bytes().count(b"\r\n") == 5


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_export_to_stdout(mini_root):
    result = invoke("export", "--format", "csv", "--root", str(mini_root))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == export.BOM + ",".join(export.CSV_COLUMNS)  # as in entries.csv
    assert len(result.stdout.splitlines()) == 5


def test_export_to_a_file(mini_root, tmp_path):
    target = tmp_path / "refs.bib"
    result = invoke("export", "--format", "bibtex", "-o", str(target), "--root", str(mini_root))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"wrote {target} (4 entries)\n")
    assert len(parse_string(target.read_text(), "bibtex").entries) == 4


def test_export_all(mini_root, tmp_path):
    result = invoke("export", "--all", str(tmp_path / "site"), "--root", str(mini_root))
    assert (result.exit_code, result.output) == (0, f"wrote 11 files to {tmp_path / 'site'}\n")


def test_export_warns_about_invalid_entries(mini_root):
    (mini_root / "entries/model/broken.yaml").write_text("id: broken\nkind: model\n")
    result = invoke("export", "--format", "json", "--root", str(mini_root))
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: 1 file(s) in entries/ have errors; their entries are left out (see medlm-survey validate)\n"
    )
    assert json.loads(result.stdout)["count"] == 4


def test_urls_agree_with_the_site():
    mkdocs = REPO / "mkdocs.yml"
    if not mkdocs.exists():
        pytest.skip("the site is not configured yet")
    site_url = re.search(r"^site_url:\s*(\S+)", mkdocs.read_text(), re.MULTILINE)[1]
    assert export.SITE_URL == site_url
    render = pytest.importorskip("medlm_survey.render")
    page = render.entry_path(type("E", (), {"kind": "model", "id": "llava-med"})())
    assert export.ENTRY_PAGE.format(kind="model", id="llava-med") == page.removesuffix(".md") + "/"
