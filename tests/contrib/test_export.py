"""Exports round-trip: JSON against the schema, BibTeX through pybtex, CSV row per entry, Atom."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from xml.etree import ElementTree as ET

import jsonschema
import latexcodec  # noqa: F401 - registers the "ulatex" codec
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pybtex.database import parse_string

from medlm_survey import export
from medlm_survey.catalog import load_catalog
from medlm_survey.cli import cli
from medlm_survey.schema import SCHEMA_VERSION
from tests.conftest import REPO, TODAY

SCHEMA = json.loads((REPO / "schema" / "entry.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def mini(mini_root, taxonomy):
    return load_catalog(mini_root, taxonomy=taxonomy, today=TODAY)


@pytest.fixture(scope="module")
def real():
    return load_catalog(REPO)


# LaTeX -> text for the round trip: our escapes, then latexcodec for accents, then braces.
_SPECIALS = {r"\textbackslash{}": "\\", r"\textasciitilde{}": "~", r"\textasciicircum{}": "^",
             r"\textbraceleft{}": "{", r"\textbraceright{}": "}", r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_"}  # fmt: skip


def from_latex(text: str) -> str:
    for index, special in enumerate(_SPECIALS):
        text = text.replace(special, chr(0xE000 + index))
    text = codecs.decode(text, "ulatex").replace("{", "").replace("}", "")
    for index, plain in enumerate(_SPECIALS.values()):
        text = text.replace(chr(0xE000 + index), plain)
    return text


def typeset(text: str) -> str:
    """What LaTeX makes of plain text: one space for a run of spaces, and its ligatures
    ('--' is an en dash, ',,' a low quote), which titles use on purpose."""
    text = " ".join(text.split())
    for ligature, char in (("---", "\u2014"), ("--", "\u2013"), (",,", "\u201e")):
        text = text.replace(ligature, char)
    return text


def person_text(person) -> str:
    parts = person.first_names + person.middle_names + person.prelast_names + person.last_names
    return from_latex(" ".join(parts))


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

def test_csv_has_one_row_per_entry(mini):
    rows = list(csv.DictReader(io.StringIO(export.render_csv(mini), newline="")))
    assert [row["id"] for row in rows] == [e.id for e in mini.entries]
    notes = rows[2]
    assert notes["paper_title"] == 'Plain Notes, a corpus; with commas, and "quotes"'
    assert notes["paper_authors"] == "OpenAI; Ada Lovelace"
    assert notes["languages"] == "en; de"
    assert notes["data"] == "https://example.org/plain-notes"
    assert rows[0]["paper_title"] == "Ghost_Set: 100% of {curly} & $5 #tags ~ ^ \\ for Müller's Ærø corpus"
    assert rows[1]["parameters"] == "7B" and rows[1]["results"] == "0"


def test_real_catalogue_csv_rows(real):
    text = export.render_csv(real)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(real.entries)
    assert all(len(row) == len(export.CSV_COLUMNS) for row in rows)
    with_results = [e for e in real.entries if getattr(e, "results", None)]
    if with_results:
        row = next(r for r in rows if r["id"] == with_results[0].id)
        assert row["results"] == str(len(with_results[0].results))


# --- BibTeX ----------------------------------------------------------------------------

def test_bibtex_parses_back_with_the_same_titles_and_authors(mini):
    parsed = parse_string(export.render_bibtex(mini), "bibtex")
    assert list(parsed.entries) == ["ghost-set", "llava-med", "plain-notes", "retfound"]
    for entry in mini.entries:
        record = parsed.entries[entry.id]
        assert from_latex(record.fields["title"]) == typeset(entry.paper.title)
        assert [person_text(p) for p in record.persons["author"]] == entry.paper.authors
    ghost = parsed.entries["ghost-set"]
    assert ghost.type == "misc" and ghost.fields["eprint"] == "2312.99999"
    assert parsed.entries["llava-med"].type == "inproceedings"
    assert parsed.entries["plain-notes"].type == "article"
    assert parsed.entries["plain-notes"].fields["doi"] == "10.1038/s41597-021-00000-0"


def test_bibtex_escapes_latex_and_braces_accents(mini):
    text = export.render_bibtex(mini)
    assert r"Ghost\_Set: 100\% of \textbraceleft{}curly\textbraceright{} \& \$5 \#tags \textasciitilde{} \textasciicircum{} \textbackslash{}" in text
    assert r"M{\"u}ller, J{\"u}rgen and {\O}deg{\aa}rd, {\L}ukasz and {\c C}elik-Bront{\"e}, Zo{\"e}" in text
    assert "{LLaVA-Med:} Training a Large {Language-and-Vision} Assistant" in text
    assert "author = \"{OpenAI} and Lovelace, Ada\"" in text


def test_real_catalogue_bibtex_has_one_record_per_entry_with_a_paper(real):
    parsed = parse_string(export.render_bibtex(real), "bibtex")
    assert list(parsed.entries) == [e.id for e in real.entries if e.paper]
    for entry in real.entries:
        if entry.paper:
            record = parsed.entries[entry.id]
            assert from_latex(record.fields["title"]) == typeset(entry.paper.title)
            assert [person_text(p) for p in record.persons["author"]] == entry.paper.authors


_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 .,:;!?()/&%$#_{}~^\\\"") + list("äöüéèçñåøłßÆŁ李")), max_size=40
)


@given(_TEXT)
def test_latex_escape_round_trips(text):
    escaped = export.latex_escape(text)
    record = parse_string(f"@misc{{k, title = {{{escaped}}}}}", "bibtex").entries["k"]
    assert from_latex(record.fields["title"]) == typeset(text)


# --- Atom ------------------------------------------------------------------------------

def test_feed_lists_the_newest_entries_first(mini):
    root = ET.fromstring(export.render_feed(mini).encode())
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}updated") == "2023-12-01T00:00:00Z"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Ghost Set (dataset)", "RETFound (model)", "LLaVA-Med (model)", "Plain Notes (dataset)",
    ]  # fmt: skip
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == "https://medlm-survey.github.io/medlm-survey/downloads/api/entries/ghost-set.json"
    assert first.find(f"{ATOM}link[@rel='alternate']").get("href") == "https://medlm-survey.github.io/medlm-survey/dataset/ghost-set/"
    assert first.findtext(f"{ATOM}summary").startswith("A test dataset with LaTeX specials")


def test_feed_is_limited(real):
    root = ET.fromstring(export.render_feed(real, limit=5).encode())
    dates = [e.findtext(f"{ATOM}updated") for e in root.findall(f"{ATOM}entry")]
    assert len(dates) == 5 and dates == sorted(dates, reverse=True)


# --- everything at once, and the command -------------------------------------------------

def test_write_downloads_writes_every_file_deterministically(mini, tmp_path):
    first = export.write_downloads(mini, tmp_path / "a")
    second = export.write_downloads(mini, tmp_path / "b")
    names = [p.relative_to(tmp_path / "a").as_posix() for p in first]
    assert names[:5] == ["entries.json", "entries.csv", "references.bib", "feed.xml", "api/index.json"]
    assert len(names) == 5 + 4
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert (tmp_path / "a" / "entries.csv").read_bytes().count(b"\r\n") == 5


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_export_to_stdout(mini_root):
    result = invoke("export", "--format", "csv", "--root", str(mini_root))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == ",".join(export.CSV_COLUMNS)
    assert len(result.stdout.splitlines()) == 5


def test_export_to_a_file(mini_root, tmp_path):
    target = tmp_path / "refs.bib"
    result = invoke("export", "--format", "bibtex", "-o", str(target), "--root", str(mini_root))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"wrote {target} (4 entries)\n")
    assert len(parse_string(target.read_text(), "bibtex").entries) == 4


def test_export_all(mini_root, tmp_path):
    result = invoke("export", "--all", str(tmp_path / "site"), "--root", str(mini_root))
    assert (result.exit_code, result.output) == (0, f"wrote 9 files to {tmp_path / 'site'}\n")


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
