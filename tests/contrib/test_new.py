"""new: a draft entry from a recorded arXiv answer, and every way it refuses."""

from __future__ import annotations

import requests
import yaml
from click.testing import CliRunner

from medlm_survey.arxiv_client import ArxivRecord
from medlm_survey.catalog import load_catalog
from medlm_survey.cli import cli
from medlm_survey.drafts import check_draft, render_draft, suggest_id
from medlm_survey.validation import validate_entry
from medlm_survey.yaml_source import read_entry
from tests.conftest import TODAY
from tests.contrib.conftest import answer

DRAFT = "entries/model/biomedclip.yaml"
WROTE = (
    "wrote entries/model/biomedclip.yaml from arXiv 2303.00915: BiomedCLIP: a multimodal biomedical "
    "foundation model pretrained from fifteen million scientific image-text pairs\n"
)
TODO_LIST = (
    "still to fill in (marked TODO):\n"
    "  entries/model/biomedclip.yaml:8: categories\n"
    "  entries/model/biomedclip.yaml:9: summary\n"
    "  entries/model/biomedclip.yaml:23: modalities\n"
    "then run: medlm-survey validate\n"
)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_new_writes_a_draft_and_lists_what_is_missing(arxiv_api, mini_root):
    answer(arxiv_api, "2303.00915", "biomedclip.xml")
    result = invoke("new", "--arxiv", "2303.00915", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (0, WROTE + TODO_LIST)
    text = (mini_root / DRAFT).read_text()
    assert text.startswith("# yaml-language-server: $schema=../../schema/entry.schema.json\n")
    data = yaml.safe_load(text)
    assert data["id"] == "biomedclip" and data["kind"] == "model" and data["name"] == "BiomedCLIP"
    assert data["date"] == "2023-03-02"
    assert data["paper"] == {
        "title": "BiomedCLIP: a multimodal biomedical foundation model pretrained from fifteen million scientific image-text pairs",
        "authors": ["Sheng Zhang", "Yanbo Xu", "Naoto Usuyama", "Hanwen Xu", "Jaspreet Bagga", "Robert Tinn"],
        "authors_complete": True,
        "arxiv": "2303.00915",
        "doi": "10.1056/AIoa2400640",
    }


def test_the_draft_validates_apart_from_the_todo_fields(arxiv_api, mini_root, taxonomy):
    answer(arxiv_api, "2303.00915", "biomedclip.xml")
    invoke("new", "--arxiv", "2303.00915", "--root", str(mini_root))
    text = (mini_root / DRAFT).read_text()
    read = read_entry(text.encode(), DRAFT)
    assert read.problems == []
    _, problems = validate_entry(read.data, DRAFT, taxonomy, TODAY)
    assert {p.loc[0] for p in problems} == {"categories", "modalities"}
    assert {p.code for p in problems} == {"unknown-term"}

    filled = (
        text.replace("categories: [TODO]", "categories: [vlm]")
        .replace("modalities: [TODO]", "modalities: [medical-image, text]")
        .replace("TODO: one to four sentences in your own words on what it is and what it is for;", "Contrastive image-text encoders for biomedicine")
        .replace("do not copy the abstract.", "trained on figure-caption pairs from PubMed Central.")
    )
    assert "TODO" not in yaml.safe_load(filled).__repr__()
    entry, problems = validate_entry(read_entry(filled.encode(), DRAFT).data, DRAFT, taxonomy, TODAY)
    assert problems == [] and entry.paper.doi == "10.1056/AIoa2400640"
    (mini_root / DRAFT).write_text(filled)
    catalog = load_catalog(mini_root, taxonomy=taxonomy, today=TODAY)
    assert catalog.diagnostics == () and "biomedclip" in catalog.by_id
    assert check_draft(mini_root, DRAFT, taxonomy).todo == []


def test_kind_and_id_options_and_the_positional_form(arxiv_api, mini_root, taxonomy):
    answer(arxiv_api, "2303.00915", "biomedclip.xml")
    result = invoke("new", "2303.00915", "--kind", "dataset", "--id", "pmc-15m", "--root", str(mini_root))
    assert result.exit_code == 0
    assert result.output.startswith("wrote entries/dataset/pmc-15m.yaml from arXiv 2303.00915: ")
    text = (mini_root / "entries/dataset/pmc-15m.yaml").read_text()
    assert "id: pmc-15m\nkind: dataset\n" in text and "# size: ..." in text
    check = check_draft(mini_root, "entries/dataset/pmc-15m.yaml", taxonomy)
    assert check.diagnostics == [] and [field for field, _ in check.todo] == ["categories", "summary", "modalities"]


def test_an_arxiv_id_already_in_the_catalogue_is_refused_without_asking_arxiv(arxiv_api, mini_root):
    result = invoke("new", "--arxiv", "2306.00890v2", "--root", str(mini_root))
    assert result.exit_code == 1
    assert result.output == (
        "Error: arXiv 2306.00890 is already in entries/model/llava-med.yaml; edit that entry, or if the paper "
        "introduced a second entry, copy it and link the two with same_paper_as\n"
    )
    assert len(arxiv_api.calls) == 0


def test_an_invalid_entry_citing_the_id_also_refuses(arxiv_api, mini_root):
    (mini_root / "entries/model/broken.yaml").write_text('id: broken\npaper:\n  arxiv: "2303.00915"  # wip\n')
    result = invoke("new", "--arxiv", "2303.00915", "--root", str(mini_root))
    assert result.exit_code == 1
    assert result.output.startswith("Error: arXiv 2303.00915 is already in entries/model/broken.yaml;")


def test_an_id_in_use_is_refused(arxiv_api, mini_root):
    answer(arxiv_api, "2303.00915", "biomedclip.xml")
    result = invoke("new", "--arxiv", "2303.00915", "--id", "plain-notes", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (
        1, "Error: id 'plain-notes' is already used by entries/dataset/plain-notes.yaml; choose another --id\n"
    )


def test_an_existing_file_is_never_overwritten(arxiv_api, mini_root):
    (mini_root / DRAFT).write_text("kind: model\n")  # invalid, so not in the catalogue
    answer(arxiv_api, "2303.00915", "biomedclip.xml")
    result = invoke("new", "--arxiv", "2303.00915", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (1, "Error: entries/model/biomedclip.yaml already exists; choose another --id\n")
    assert (mini_root / DRAFT).read_text() == "kind: model\n"


def test_a_similar_title_warns(arxiv_api, mini_root):
    (mini_root / "entries/model/biomed-clip.yaml").write_text(
        "schema_version: 2\nid: biomed-clip\nkind: model\nname: Biomed CLIP\ncategories: [vlm]\nsummary: A copy.\ndate: \"2023-03\"\n"
        "paper:\n  title: \"BiomedCLIP: A multimodal biomedical foundation model pretrained from fifteen million scientific image-text pairs.\"\n"
        "  authors: [Sheng Zhang]\n  doi: 10.1056/AIoa2400640\n"
    )
    answer(arxiv_api, "2303.00915", "biomedclip.xml")
    result = invoke("new", "--arxiv", "2303.00915", "--root", str(mini_root))
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "warning: the title nearly matches the paper of entries/model/biomed-clip.yaml ('BiomedCLIP: A multimodal "
        "biomedical foundation model pretrained from fifteen million scientific image-text pairs.'); is it the same paper?"
    )


def test_without_network_it_says_so_in_one_line(arxiv_api, mini_root):
    answer(arxiv_api, "2303.00915", body=requests.exceptions.ConnectionError("Name or service not known"))
    result = invoke("new", "--arxiv", "2303.00915", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (
        1, "Error: cannot reach arXiv (no network connection); connect to the network and try again\n"
    )
    assert not (mini_root / DRAFT).exists()


def test_a_timeout_is_one_line_too(arxiv_api, mini_root):
    answer(arxiv_api, "2303.00915", body=requests.exceptions.ConnectTimeout("timed out"))
    result = invoke("new", "--arxiv", "2303.00915", "--root", str(mini_root))
    assert result.output == "Error: cannot reach arXiv (the request timed out); try again in a few minutes\n"


def test_rate_limiting_is_one_line_too(arxiv_api, mini_root):
    answer(arxiv_api, "2303.00915", status=429, body="Rate exceeded.")
    result = invoke("new", "--arxiv", "2303.00915", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (
        1, "Error: cannot reach arXiv (HTTP 429, too many requests); try again in a few minutes\n"
    )


def test_an_unknown_paper_is_refused(arxiv_api, mini_root):
    answer(arxiv_api, "2401.99999", "not-found.xml")
    result = invoke("new", "--arxiv", "2401.99999", "--root", str(mini_root))
    assert (result.exit_code, result.output) == (1, "Error: arXiv has no paper 2401.99999; check the id\n")


def test_usage_errors_exit_2(mini_root):
    for args, message in (
        ([], "Error: give the paper's arXiv id once: medlm-survey new --arxiv 2303.00915"),
        (["2303.00915", "--arxiv", "2303.00915"], "Error: give the paper's arXiv id once"),
        (["--arxiv", "hep-th/99010"], "Error: Invalid value for --arxiv: 'hep-th/99010' is not an arXiv id such as 2303.00915"),
        (["--arxiv", "2303.00915", "--id", "Biomed CLIP"], "Error: Invalid value for --id: 'Biomed CLIP' is not a lowercase slug; try 'biomed-clip'"),
        (["--arxiv", "2303.00915", "--kind", "paper"], "Error: Invalid value for '--kind'"),
    ):
        result = invoke("new", *args, "--root", str(mini_root))
        assert result.exit_code == 2, args
        assert message in result.output, result.output


def test_render_draft_quotes_awkward_titles_and_keeps_the_journal_reference(taxonomy):
    record = ArxivRecord(
        "2401.00001", 'Why "Med: GPT" fails: #1 reason', ("Zoë Çelik", "A. N. Other"), "2024-01-02",
        doi=None, journal_ref="Nature Medicine 30, 1-10 (2024)",
    )  # fmt: skip
    data = yaml.safe_load(render_draft(record, "benchmark", suggest_id(record), None, taxonomy))
    assert data["paper"]["title"] == 'Why "Med: GPT" fails: #1 reason'
    assert data["paper"]["authors"] == ["Zoë Çelik", "A. N. Other"]
    assert data["paper"]["venue"] == "Nature Medicine 30, 1-10 (2024)"
    assert data["name"] == "TODO: the name its authors use"
    assert data["id"] == "celik-2024"


def test_suggest_id_uses_the_short_name_before_a_colon():
    record = ArxivRecord("2306.00890", "LLaVA-Med: Training a Large Assistant", ("Chunyuan Li",), "2023-06-01")
    assert suggest_id(record) == "llava-med"


def test_old_style_ids_are_accepted(mini_root):
    """Papers before April 2007 have ids such as q-bio/0401001; `new` asks arXiv for them."""
    result = CliRunner().invoke(cli, ["new", "--arxiv", "q-bio/0401001v2", "--root", str(mini_root)])
    assert "Invalid value" not in result.output
    assert result.exit_code == 1 and "arXiv" in result.output  # the test machine has no network
