"""new --bibtex and new --blank: drafts without the network, and every way they refuse."""

from __future__ import annotations

import re

import pytest
import yaml
from click.testing import CliRunner

from medlm_survey.bibtex_input import read_bibtex
from medlm_survey.catalog import load_catalog
from medlm_survey.cli import cli
from medlm_survey.drafts import check_draft
from medlm_survey.entry_template import render_template
from medlm_survey.schema import MODEL_FOR_KIND, CorporateAuthor
from medlm_survey.validation import validate_entry
from medlm_survey.yaml_source import read_entry
from tests.conftest import TODAY
from tests.contrib.conftest import DATA

REFS = DATA / "coverage" / "refs.bib"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def entry_data(root, rel):
    return yaml.safe_load((root / rel).read_text(encoding="utf-8"))


# --- names and LaTeX -------------------------------------------------------------------

def test_bibtex_names_become_entry_authors():
    records = {r.key: r.paper for r in read_bibtex(REFS.read_text(encoding="utf-8"), "refs.bib").records}
    uber = records["mueller2024uber"]
    assert uber.title == "Über-Med: $k$-shot Segmentation for Øresund Cohorts"  # maths kept as written
    assert uber.authors == ("Jürgen Müller", "Łukasz Ødegård", "Di Martino, Adriana", "Văn Nguyễn")
    assert (uber.authors_complete, uber.date, uber.url) == (False, "2024-02-29", "https://example.org/uber-med")
    gemini = records["gemini2023"]
    assert gemini.authors == (CorporateAuthor(corporate="Gemini Team"), "Rohan Anil", "Sebastian Borgeaud")
    assert (gemini.authors_complete, gemini.arxiv_id, gemini.venue, gemini.date) == (True, "2312.11805", None, "2023-12")
    medsam = records["ma2024medsam"]
    assert (medsam.venue, medsam.year, medsam.date, medsam.doi) == (
        "Nature Communications", 2024, "2024-01", "10.1038/s41467-024-44824-z"
    )
    assert records["plainnotes2021"].authors == (CorporateAuthor(corporate="OpenAI"), "Ada Lovelace")


@pytest.mark.parametrize(
    ("bibtex_name", "expected"),
    [
        ("Di Martino, Adriana", "Di Martino, Adriana"),
        ("van der Berg, Jan", "van der Berg, Jan"),
        ("Jan van der Berg", "van der Berg, Jan"),
        ("Smith, Jr., John", "Smith Jr., John"),
        ("Hern{\\'a}ndez Cano, Alejandro", "Hernández Cano, Alejandro"),
        ("{\\c{C}}elik, Zo{\\\"e}", "Zoë Çelik"),
        ("Ji{\\v{r}}{\\'\\i} Nov{\\'a}k", "Jiří Novák"),
        ("Plato", "Plato"),
        ("{World Health Organization}", CorporateAuthor(corporate="World Health Organization")),
        ("{\\\"O}zt{\\\"u}rk, Ali", "Ali Öztürk"),
    ],
)
def test_one_name(bibtex_name, expected):
    record = read_bibtex(f"@misc{{k, title={{T}}, author={{{bibtex_name}}}}}\n").records[0]
    assert record.paper.authors == (expected,)


# --- new --bibtex ------------------------------------------------------------------------

def test_one_record_by_key(mini_root, taxonomy):
    result = invoke("new", "--bibtex", str(REFS), "--key", "mueller2024uber", "--kind", "dataset", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (
        0,
        "wrote entries/dataset/uber-med.yaml from BibTeX record mueller2024uber of refs.bib: "
        "Über-Med: $k$-shot Segmentation for Øresund Cohorts\n"
        "still to fill in (marked TODO):\n"
        "  entries/dataset/uber-med.yaml:8: categories\n"
        "  entries/dataset/uber-med.yaml:9: summary\n"
        "  entries/dataset/uber-med.yaml:22: modalities\n"
        "then run: medlm-survey validate\n",
    )
    data = entry_data(mini_root, "entries/dataset/uber-med.yaml")
    assert (data["schema_version"], data["name"], data["date"]) == (2, "Über-Med", "2024-02-29")
    assert data["paper"] == {
        "title": "Über-Med: $k$-shot Segmentation for Øresund Cohorts",
        "authors": ["Jürgen Müller", "Łukasz Ødegård", "Di Martino, Adriana", "Văn Nguyễn"],
        "authors_complete": False,
        "url": "https://example.org/uber-med",
    }
    check = check_draft(mini_root, "entries/dataset/uber-med.yaml", taxonomy)
    assert check.diagnostics == []


def test_a_team_author_and_an_arxiv_only_record(mini_root):
    result = invoke("new", "--bibtex", str(REFS), "--key", "gemini2023", "--id", "gemini", "--root", str(mini_root))
    assert result.exit_code == 0, result.output
    text = (mini_root / "entries/model/gemini.yaml").read_text(encoding="utf-8")
    assert '  authors: [{corporate: "Gemini Team"}, "Rohan Anil", "Sebastian Borgeaud"]\n' in text
    assert 'date: "2023-12"  # month of the first arXiv version (from the id); add the day from the abstract page\n' in text
    data = yaml.safe_load(text)
    assert data["paper"]["authors"][0] == {"corporate": "Gemini Team"}
    assert data["paper"]["arxiv"] == "2312.11805" and "venue" not in data["paper"]  # "arXiv preprint" is no venue


def test_filled_in_drafts_validate(mini_root, taxonomy):
    assert invoke("new", "--bibtex", str(REFS), "--missing-only", "--root", str(mini_root)).exit_code == 0
    for rel in ("entries/model/uber-med.yaml", "entries/model/gemini.yaml", "entries/model/ma-2024.yaml"):
        text = (mini_root / rel).read_text(encoding="utf-8")
        filled = (
            text.replace("categories: [TODO]", "categories: [vision]")
            .replace("modalities: [TODO]", "modalities: [medical-image]")
            .replace('name: "TODO: the name its authors use"', "name: MedSAM")
            .replace("TODO: one to four sentences in your own words on what it is and what it is for;", "A test entry")
            .replace("do not copy the abstract.", "written for the tests.")
        )
        assert "TODO" not in repr(yaml.safe_load(filled)), rel
        entry, problems = validate_entry(read_entry(filled.encode(), rel).data, rel, taxonomy, TODAY)
        assert problems == [] and entry is not None, (rel, problems)


def test_missing_only_drafts_what_coverage_calls_missing(mini_root):
    result = invoke("new", "--bibtex", str(REFS), "--missing-only", "--root", str(mini_root))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line for line in lines if line.startswith("wrote ")] == [
        "wrote entries/model/uber-med.yaml from BibTeX record mueller2024uber of refs.bib: Über-Med: $k$-shot Segmentation for Øresund Cohorts",
        "wrote entries/model/gemini.yaml from BibTeX record gemini2023 of refs.bib: Gemini: A Family of Highly Capable Multimodal Models",
        "wrote entries/model/ma-2024.yaml from BibTeX record ma2024medsam of refs.bib: Segment anything in medical images",
    ]
    assert lines[-3:] == [
        "left out (--missing-only): li2023llavamed (covered: llava-med); plainnotes2021 (covered: plain-notes); "
        "zhou2023retfound (covered: retfound); zhou2023short (uncertain: retfound)",
        "drafted 3 of 7 record(s) of refs.bib",
        "then run: medlm-survey validate",
    ]


def test_every_record_drafts_or_is_refused_naming_the_file(mini_root):
    result = invoke("new", "--bibtex", str(REFS), "--root", str(mini_root))
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if line.startswith("refused ")]
    assert refused == [
        "refused li2023llavamed: arXiv 2306.00890 is already in entries/model/llava-med.yaml; edit that entry, "
        "or if the paper introduced a second entry, copy it and link the two with same_paper_as",
        "refused plainnotes2021: DOI 10.1038/S41597-021-00000-0 is already in entries/dataset/plain-notes.yaml; "
        "edit that entry, or if the paper introduced a second entry, copy it and link the two with same_paper_as",
        "refused zhou2023short: entries/model/zhou-2023.yaml already exists; draft it with --key zhou2023short --id ANOTHER-ID",
    ]
    assert "warning: the title nearly matches the paper of entries/model/retfound.yaml" in result.output
    assert result.output.splitlines()[-2:] == ["drafted 4 of 7 record(s) of refs.bib; 3 refused", "then run: medlm-survey validate"]


def test_a_single_refused_record_is_an_error(mini_root):
    result = invoke("new", "--bibtex", str(REFS), "--key", "li2023llavamed", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (
        1,
        "Error: arXiv 2306.00890 is already in entries/model/llava-med.yaml; edit that entry, or if the paper "
        "introduced a second entry, copy it and link the two with same_paper_as\n",
    )
    taken = invoke("new", "--bibtex", str(REFS), "--key", "gemini2023", "--id", "retfound", "--root", str(mini_root))
    assert (taken.exit_code, taken.output) == (
        1, "Error: id 'retfound' is already used by entries/model/retfound.yaml; choose another --id\n"
    )


def test_an_existing_file_is_never_overwritten(mini_root):
    target = mini_root / "entries/model/gemini.yaml"
    target.write_text("kind: model\n")  # broken, so not in the catalogue
    result = invoke("new", "--bibtex", str(REFS), "--key", "gemini2023", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (1, "Error: entries/model/gemini.yaml already exists; choose another --id\n")
    assert target.read_text() == "kind: model\n"


def test_unknown_keys_and_broken_files(mini_root, tmp_path):
    result = invoke("new", "--bibtex", str(REFS), "--key", "nope", "--root", str(mini_root))
    assert result.exit_code == 1
    assert result.output.startswith("Error: refs.bib has no record nope; its keys: li2023llavamed, plainnotes2021, ")
    broken = tmp_path / "broken.bib"
    broken.write_text("@misc{ok, title={A fine title}, eprint={2401.00001}, archivePrefix={arXiv}}\n@misc{bad, title={Open\n")
    result = invoke("new", "--bibtex", str(broken), "--root", str(mini_root))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: broken.bib: syntax error in line 2: premature end of file",
        "warning: broken.bib:2: record bad has no title, arXiv id or DOI; skipped",
    ]
    assert "drafted 1 of 1 record(s) of broken.bib" in result.stdout


def test_no_network_is_used(mini_root, monkeypatch):
    """The conftest refuses sockets; drafting a whole file must not need one."""
    import requests

    def refuse(*args, **kwargs):
        raise AssertionError("new --bibtex asked the network")

    monkeypatch.setattr(requests.Session, "send", refuse)
    assert invoke("new", "--bibtex", str(REFS), "--missing-only", "--root", str(mini_root)).exit_code == 0
    assert invoke("new", "--blank", "--id", "x", "--root", str(mini_root)).exit_code == 0


# --- new --blank -------------------------------------------------------------------------

BLANK_TODO = {
    "model": ["name", "categories", "summary", "date", "paper.title", "paper.authors", "paper.arxiv", "modalities"],
}


@pytest.mark.parametrize("kind", sorted(MODEL_FOR_KIND))
def test_blank_template_documents_every_field(kind, taxonomy):
    text = render_template(kind, "x-1", taxonomy)
    model = MODEL_FOR_KIND[kind]
    schema = model.model_json_schema()
    for name, prop in schema["properties"].items():
        assert re.search(rf"^(# )?{name}:", text, re.M), name
        description = " ".join(prop["description"].split())
        assert " ".join(description.split()[:6]) in " ".join(text.replace("#", " ").split()), name
    for definition, nested in schema["$defs"].items():
        if definition == "CorporateAuthor":  # an author form, documented with paper.authors
            assert "{corporate: Name}" in text
            continue
        for name in nested["properties"]:
            assert re.search(rf"^[# ]*(- )?{name}:", text, re.M), name


@pytest.mark.parametrize("kind", sorted(MODEL_FOR_KIND))
def test_blank_template_validates_once_the_todos_are_filled(kind, taxonomy, tmp_path):
    text = render_template(kind, "x-1", taxonomy)
    assert yaml.safe_load(text)["schema_version"] == 2
    filled = (
        text.replace('name: "TODO: the name its authors use"', "name: X")
        .replace("categories: [TODO]", "categories: [llm]")
        .replace("TODO: one to four sentences in your own words on what it is and what it is for;", "A test")
        .replace('date: "TODO: YYYY-MM-DD or YYYY-MM of the first public release"', 'date: "2024-01"')
        .replace('title: "TODO: the title as published"', "title: A title")
        .replace("authors: [TODO]", "authors: [Ada Lovelace]")
        .replace('arxiv: "TODO: the arXiv id such as 2305.09617; or delete this line and give doi or url"', 'arxiv: "2401.00001"')
        .replace("modalities: [TODO]", "modalities: [text]")
    )
    assert "TODO" not in repr(yaml.safe_load(filled))
    entry, problems = validate_entry(yaml.safe_load(filled), f"entries/{kind}/x-1.yaml", taxonomy, TODAY)
    assert problems == [] and entry.paper.arxiv == "2401.00001"
    # Removing one '# ' from every optional block (its documentation stays a comment) gives
    # YAML whose blocks hold only what they require: the example values validate too.
    lines = filled.splitlines()
    block = re.compile(r"(#|\s|[\w-]+:)")
    uncommented = [lines[0]] + [line[2:] if line.startswith("# ") and block.match(line[2:]) else line for line in lines[1:]]
    data = yaml.safe_load("\n".join(uncommented))
    assert {"links", "acknowledge", "tags"} <= set(data)
    assert not [p for p in validate_entry(data, f"entries/{kind}/x-1.yaml", taxonomy, TODAY)[1] if p.code != "unknown-reference"]


def test_new_blank(mini_root, taxonomy):
    result = invoke("new", "--blank", "--kind", "model", "--id", "med-x", "--root", str(mini_root))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "wrote entries/model/med-x.yaml: a blank model entry with every field documented"
    assert [line.rsplit(": ", 1)[1] for line in lines[2:-1]] == BLANK_TODO["model"]
    assert lines[-1] == "then run: medlm-survey validate"
    check = check_draft(mini_root, "entries/model/med-x.yaml", taxonomy)
    assert check.diagnostics == []
    catalog = load_catalog(mini_root, taxonomy=taxonomy, today=TODAY)
    assert {d.code for d in catalog.diagnostics if d.path == "entries/model/med-x.yaml"} <= {"unknown-term", "invalid-date", "invalid-arxiv"}


def test_new_blank_refuses(mini_root):
    taken = invoke("new", "--blank", "--kind", "dataset", "--id", "plain-notes", "--root", str(mini_root))
    assert (taken.exit_code, taken.output) == (
        1, "Error: id 'plain-notes' is already used by entries/dataset/plain-notes.yaml; choose another --id\n"
    )
    (mini_root / "entries/survey").mkdir()
    (mini_root / "entries/survey/s.yaml").write_text("broken: [\n")
    exists = invoke("new", "--blank", "--kind", "survey", "--id", "s", "--root", str(mini_root))
    assert (exists.exit_code, exists.output) == (1, "Error: entries/survey/s.yaml already exists; choose another --id\n")
    assert (mini_root / "entries/survey/s.yaml").read_text() == "broken: [\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--blank"], "Error: --blank needs --id, the new entry's id (e.g. --id med-x)"),
        (["--blank", "--id", "X Y"], "Error: Invalid value for --id: 'X Y' is not a lowercase slug; try 'x-y'"),
        (["--blank", "--id", "x", "--arxiv", "2303.00915"], "Error: give one source of the draft, not --arxiv and --blank"),
        (["--bibtex", str(REFS), "--doi", "10.1038/x"], "Error: give one source of the draft, not --doi and --bibtex"),
        (["--key", "a"], "Error: give the paper's arXiv id once: medlm-survey new --arxiv 2303.00915 (or draft from --doi DOI, --bibtex FILE or --blank)"),
        (["--arxiv", "2303.00915", "--missing-only"], "Error: --key and --missing-only select records of a --bibtex file"),
        (["--bibtex", str(REFS), "--id", "x"], "Error: --id names one entry: with --bibtex, give one --key too"),
        (["--bibtex", "no-such.bib"], "does not exist"),
    ],
)
def test_usage_errors_exit_2(mini_root, args, message):
    result = invoke("new", *args, "--root", str(mini_root))
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_help_names_every_source():
    result = invoke("new", "--help")
    assert result.exit_code == 0
    for option in ("--arxiv", "--doi", "--bibtex", "--key", "--missing-only", "--blank", "--kind", "--id"):
        assert option in result.output
    assert "MEDLM_SURVEY_MAILTO" in result.output
