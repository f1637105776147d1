"""coverage: reading reference lists (BibTeX, Markdown, plain) and matching them to the catalogue.

The fixtures in data/coverage are small real-format lists compared against the four entries
of data/catalog: llava-med (arXiv 2306.00890), retfound (title; its arXiv id is wrong on
purpose), plain-notes (DOI 10.1038/s41597-021-00000-0) and ghost-set (arXiv 2312.99999).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medlm_survey import paper_links
from medlm_survey.cli import cli
from medlm_survey.coverage import COVERED, MISSING, UNCERTAIN, measure_coverage
from medlm_survey.reference_lists import (
    Reference,
    detect_format,
    read_references,
    references_from_bibtex,
    references_from_markdown,
    references_from_plain,
)
from tests.contrib.conftest import DATA

LISTS = DATA / "coverage"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def split(catalog, path: Path) -> dict[str, list[str]]:
    """status -> the references' keys (or titles, or identifiers), in list order."""
    report = measure_coverage(catalog.entries, read_references(path).references)
    result: dict[str, list[str]] = {COVERED: [], UNCERTAIN: [], MISSING: []}
    for match in report.matches:
        ref = match.reference
        result[match.status].append(ref.key or ref.title or ref.identifier)
    return result


# --- identifiers in links ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://arxiv.org/abs/2303.00915v2", ("2303.00915", None)),
        ("https://arxiv.org/pdf/2303.00915.pdf", ("2303.00915", None)),
        ("https://arxiv.org/pdf/2310.17956v2.pdf", ("2310.17956", None)),
        ("https://arxiv.org/abs/2411.15122/", ("2411.15122", None)),
        ("http://export.arxiv.org/abs/q-bio/0401001v1", ("q-bio/0401001", None)),
        ("https://arxiv.org/abs/math.GT/0309136", ("math.GT/0309136", None)),
        ("see arXiv:2306.00890 for details", ("2306.00890", None)),
        ("https://huggingface.co/papers/2303.00915", ("2303.00915", None)),
        ("https://doi.org/10.48550/arXiv.2303.00915", ("2303.00915", None)),
        ("https://doi.org/10.1109/SITA60746.2023.10373720", (None, "10.1109/SITA60746.2023.10373720")),
        ("https://dx.doi.org/10.1093/nar/gkac1052)", (None, "10.1093/nar/gkac1052")),
        ("https://dl.acm.org/doi/abs/10.1145/3458754", (None, "10.1145/3458754")),
        ("https://link.springer.com/chapter/10.1007/978-3-031-43907-0_36", (None, "10.1007/978-3-031-43907-0_36")),
        ("https://www.nature.com/articles/s41586-018-0579-z.", (None, "10.1038/s41586-018-0579-z")),
        ("https://www.nature.com/articles/sdata201635", (None, "10.1038/sdata201635")),
        ("https://www.biorxiv.org/content/10.1101/2023.05.01.538339v1.full.pdf", (None, "10.1101/2023.05.01.538339")),
        ("https://doi.org/10.1101/2023.04.19.537463.abstract", (None, "10.1101/2023.04.19.537463")),
        # Oxford Academic's path goes on after the DOI: no identifier rather than a wrong one.
        ("https://academic.oup.com/database/article/doi/10.1093/database/baw068/2630414", (None, None)),
        ("https://pubmed.ncbi.nlm.nih.gov/37128372/", (None, None)),
        ("https://arxiv.org/abs/2303.009151", (None, None)),
    ],
)
def test_identifiers_in_links(text, expected):
    assert paper_links.identify(text) == expected


# --- reading each format ---------------------------------------------------------------

def test_bibtex_references():
    found = read_references(LISTS / "refs.bib")
    assert (found.input_format, found.problems) == ("bibtex", [])
    assert [(r.key, r.line, r.arxiv, r.doi) for r in found.references] == [
        ("li2023llavamed", 5, "2306.00890", None),
        ("plainnotes2021", 14, None, "10.1038/S41597-021-00000-0"),
        ("zhou2023retfound", 22, None, "10.1038/s41586-023-06555-x"),
        ("zhou2023short", 33, None, None),
        ("mueller2024uber", 40, None, None),
        ("gemini2023", 48, "2312.11805", None),
        ("ma2024medsam", 55, None, "10.1038/s41467-024-44824-z"),
    ]
    titles = {r.key: r.title for r in found.references}
    assert titles["li2023llavamed"] == "LLaVA-Med: Training a Large Language-and-Vision Assistant for Biomedicine in One Day"
    assert titles["mueller2024uber"] == "Über-Med: $k$-shot Segmentation for Øresund Cohorts"


def test_markdown_references():
    found = read_references(LISTS / "awesome.md")
    assert (found.input_format, found.problems) == ("markdown", [])
    assert [(r.line, r.title, r.arxiv, r.doi) for r in found.references] == [
        (7, "Gemini: A Family of Highly Capable Multimodal Models", "2312.11805", None),
        (16, "LLaVA-Med: Training a large language-and-vision assistant for biomedicine in one day", "2306.00890", None),
        (17, "A foundation model for generalizable disease detection from retinal images", None, "10.1038/s41586-023-06555-x"),
        (18, "A foundation model for disease detection from retinal images", None, None),
        (19, "MedSAM: Segment anything in medical images", None, "10.1038/s41467-024-44824-z"),
        (20, "An old-style preprint on protein folding", "q-bio/0401001", None),
        (26, "Plain Notes", None, "10.1038/S41597-021-00000-0"),
        (27, "Ghost Set", "2312.99999", None),
    ]
    # The bold name before the title is also tried without it.
    medsam = found.references[4]
    assert medsam.alt_titles == ("Segment anything in medical images",)


def test_markdown_list_item_shapes():
    text = (
        "* [**Arxiv, 2023.10**] **AlpaCare**: Instruction-tuned Large Language Models. [paper](https://arxiv.org/abs/2310.14558) [code](https://github.com/x/y)\n"
        "- [NEWS.20240405] The related survey [paper](https://arxiv.org/abs/2404.03264) has been released.\n"
        "- **[Foundation Model for Advancing Healthcare](https://arxiv.org/abs/2404.03264)** [Chinese](./files/x.pdf)\n"
        "- [BioGPT](https://arxiv.org/abs/2210.10341) and [PubMedBERT](https://doi.org/10.1145/3458754) compared.\n"
        "- [Blog] How foundation models can help [[Link]](https://example.org/blog)\n"
        "- **Healthcare Magic**: Healthcare Magic. [link](https://www.healthcaremagic.com/)\n"
        "- A dataset of chest radiographs with reports, 2019. [[paper]](https://example.org/cxr.pdf)\n"
        "[![arxiv](https://img.shields.io/badge/Arxiv-2311.05112-red)](https://arxiv.org/pdf/2311.05112.pdf)\n"
        "- **[Unified Medical Language System (UMLS)](https://www.nlm.nih.gov/research/umls/index.html)**\n"
        "- [How Foundation Models Can Advance AI in Healthcare](https://hai.stanford.edu/news/how-foundation-models)\n"
        "- [Clinical text summarization with large language models](https://aclanthology.org/2023.bionlp-1.1/)\n"
    )
    found = references_from_markdown(text)
    assert [(r.line, r.title, r.arxiv, r.doi) for r in found.references] == [
        (1, "AlpaCare: Instruction-tuned Large Language Models", "2310.14558", None),
        # A news line and the list item name the same paper: one reference, the longer title.
        (2, "Foundation Model for Advancing Healthcare", "2404.03264", None),
        # Two papers on one line, each named by its link text.
        (4, "BioGPT", "2210.10341", None),
        (4, "PubMedBERT", None, "10.1145/3458754"),
        (7, "A dataset of chest radiographs with reports", None, None),
        # A badge: the paper without a title.
        (8, "", "2311.05112", None),
        # Titled links count when they lead to a paper, not to a database or a blog.
        (11, "Clinical text summarization with large language models", None, None),
    ]
    assert "The related survey has been released" in found.references[1].alt_titles


def test_plain_list():
    found = read_references(LISTS / "ids.txt")
    assert found.input_format == "plain"
    assert [(r.line, r.title, r.arxiv, r.doi) for r in found.references] == [
        (2, "", "2306.00890", None),
        (3, "", "2312.11805", None),
        (4, "", None, "10.1038/S41597-021-00000-0"),
        (5, "", None, "10.1038/s41467-024-44824-z"),
        (7, "A foundation model for generalizable disease detection from retinal images", None, None),
    ]
    assert found.problems == ["ids.txt:8: '2306.008' is neither an arXiv id nor a DOI; skipped"]


def test_plain_list_takes_urls_prefixes_and_versions():
    found = references_from_plain("arXiv:2303.00915v3\nhttps://arxiv.org/pdf/q-bio/0401001v2\nhttps://doi.org/10.1101/2023.05.01.538339v1\n")
    assert [(r.arxiv, r.doi) for r in found.references] == [
        ("2303.00915", None), ("q-bio/0401001", None), (None, "10.1101/2023.05.01.538339"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("refs.bib", "# not read as Markdown\n", "bibtex"),
        ("README.md", "2303.00915\n", "markdown"),
        ("list", "@article{a, title={T}}\n", "bibtex"),
        ("list", "# Title\n- [Paper](https://arxiv.org/abs/2303.00915)\n```\n@article{a, title={T}}\n```\n", "markdown"),
        ("list.txt", "# comment\n2303.00915\ndoi:10.1038/x1\nA title line\n", "plain"),
        ("list.txt", "A title\nAnother title\n", "plain"),
        ("list.txt", "# A heading\n| a | b |\n", "markdown"),
    ],
)
def test_format_detection(name, text, expected):
    assert detect_format(text, Path(name)) == expected


def test_broken_bibtex_is_reported_not_raised():
    broken = references_from_bibtex("@article{a, title={Kept}}\n@article{a, title={Again}}\n@misc{b, title={Open\n", "x.bib")
    assert [r.key for r in broken.references] == ["a"]
    assert broken.problems == [
        "x.bib: repeated bibliography entry: a",
        "x.bib: syntax error in line 3: premature end of file",
        "x.bib:3: record b has no title, arXiv id or DOI; skipped",
    ]


# --- matching ----------------------------------------------------------------------------

def test_bibtex_split(mini):
    assert split(mini, LISTS / "refs.bib") == {
        COVERED: ["li2023llavamed", "plainnotes2021", "zhou2023retfound"],
        UNCERTAIN: ["zhou2023short"],
        MISSING: ["mueller2024uber", "gemini2023", "ma2024medsam"],
    }


def test_markdown_split(mini):
    assert split(mini, LISTS / "awesome.md") == {
        COVERED: [
            "LLaVA-Med: Training a large language-and-vision assistant for biomedicine in one day",
            "A foundation model for generalizable disease detection from retinal images",
            "Plain Notes",
            "Ghost Set",
        ],
        UNCERTAIN: ["A foundation model for disease detection from retinal images"],
        MISSING: [
            "Gemini: A Family of Highly Capable Multimodal Models",
            "MedSAM: Segment anything in medical images",
            "An old-style preprint on protein folding",
        ],
    }


def test_plain_split(mini):
    assert split(mini, LISTS / "ids.txt") == {
        COVERED: ["arXiv 2306.00890", "DOI 10.1038/S41597-021-00000-0",
                  "A foundation model for generalizable disease detection from retinal images"],
        UNCERTAIN: [],
        MISSING: ["arXiv 2312.11805", "DOI 10.1038/s41467-024-44824-z"],
    }  # fmt: skip


def test_how_each_reference_matched(mini):
    report = measure_coverage(mini.entries, read_references(LISTS / "refs.bib").references)
    assert [(m.reference.key, m.via, m.entries, m.score) for m in report.matches] == [
        ("li2023llavamed", "arxiv", ("llava-med",), None),
        ("plainnotes2021", "doi", ("plain-notes",), None),
        ("zhou2023retfound", "title", ("retfound",), 98),
        ("zhou2023short", "title", ("retfound",), 89),
        ("mueller2024uber", "title", ("ghost-set",), 42),
        ("gemini2023", "title", ("retfound",), 39),
        ("ma2024medsam", "title", ("retfound",), 40),
    ]
    assert (report.total, report.percent_covered) == (7, 42.9)


def test_a_paper_with_two_entries_matches_both_and_arxiv_dois_count_as_arxiv(make_catalog):
    entry = (
        'schema_version: 2\nid: {id}\nkind: {kind}\nname: {name}\ncategories: [llm]\nsummary: S.\ndate: "2023-05"\n'
        "paper:\n  title: A shared paper about two things\n  authors: [A B]\n  doi: 10.48550/arXiv.2305.00001\n"
        "same_paper_as: [{other}]\n"
    )
    catalog = make_catalog({
        "entries/model/m.yaml": entry.format(id="m", kind="model", name="M", other="d"),
        "entries/dataset/d.yaml": entry.format(id="d", kind="dataset", name="D", other="m"),
    })  # fmt: skip
    report = measure_coverage(catalog.entries, [Reference(1, arxiv="2305.00001")])
    assert [(m.status, m.via, m.entries) for m in report.matches] == [(COVERED, "arxiv", ("d", "m"))]


def test_nothing_to_compare(make_catalog):
    report = measure_coverage(make_catalog({}).entries, [Reference(1, title="Some paper title here")])
    assert [(m.status, m.via, m.entries, m.score) for m in report.matches] == [(MISSING, "", (), None)]
    assert measure_coverage([], []).percent_covered == 0.0


# --- the command -----------------------------------------------------------------------

def test_cli_text_output(mini_root):
    result = invoke("coverage", "--against", str(LISTS / "refs.bib"), "--root", str(mini_root))
    assert result.exit_code == 0
    assert result.stdout == (
        "covered    arXiv      llava-med    li2023llavamed: LLaVA-Med: Training a Large Language-and-Vision Assistant for Biomedicine in One Day [arXiv 2306.00890]\n"
        "covered    DOI        plain-notes  plainnotes2021: Plain Notes, a corpus; with commas, and \u201cquotes\u201d [DOI 10.1038/S41597-021-00000-0]\n"
        "covered    title 98   retfound     zhou2023retfound: A foundation model for generalisable disease detection from retinal images [DOI 10.1038/s41586-023-06555-x]\n"
        "uncertain  title 89   retfound     zhou2023short: A foundation model for disease detection from retinal images\n"
        "missing    title 42   (ghost-set)  mueller2024uber: Über-Med: $k$-shot Segmentation for Øresund Cohorts\n"
        "missing    title 39   (retfound)   gemini2023: Gemini: A Family of Highly Capable Multimodal Models [arXiv 2312.11805]\n"
        "missing    title 40   (retfound)   ma2024medsam: Segment anything in medical images [DOI 10.1038/s41467-024-44824-z]\n"
        "7 references in refs.bib (bibtex): 3 covered (42.9%), 1 uncertain, 3 missing\n"
    )


def test_cli_show_and_plain_lists(mini_root):
    result = invoke("coverage", "--against", str(LISTS / "ids.txt"), "--show", "missing", "--root", str(mini_root))
    assert result.exit_code == 0
    assert result.stdout == (
        "missing    -          -  [arXiv 2312.11805]\n"
        "missing    -          -  [DOI 10.1038/s41467-024-44824-z]\n"
        "5 references in ids.txt (plain): 3 covered (60.0%), 0 uncertain, 2 missing\n"
    )
    assert result.stderr == "warning: ids.txt:8: '2306.008' is neither an arXiv id nor a DOI; skipped\n"


def test_cli_json(mini_root):
    result = invoke("coverage", "--against", str(LISTS / "awesome.md"), "--format", "json", "--show", "uncertain", "--root", str(mini_root))
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert {k: v for k, v in document.items() if k not in ("against", "references")} == {
        "input_format": "markdown",
        "thresholds": {"covered": 90.0, "uncertain": 75.0},
        "total": 8,
        "covered": 4,
        "uncertain": 1,
        "missing": 3,
        "percent_covered": 50.0,
        "problems": [],
    }
    assert document["references"] == [
        {
            "line": 18,
            "key": None,
            "title": "A foundation model for disease detection from retinal images",
            "arxiv": None,
            "doi": None,
            "status": "uncertain",
            "via": "title",
            "entries": ["retfound"],
            "score": 89,
        }
    ]


def test_cli_input_format_overrides_the_extension(mini_root, tmp_path):
    listing = tmp_path / "papers.md"
    listing.write_text("2306.00890\n# not a heading: a comment\n10.1038/s41597-021-00000-0\n")
    as_markdown = invoke("coverage", "--against", str(listing), "--root", str(mini_root))
    assert as_markdown.stdout == "0 references in papers.md (markdown): 0 covered (0.0%), 0 uncertain, 0 missing\n"
    as_plain = invoke("coverage", "--against", str(listing), "--input-format", "plain", "--root", str(mini_root))
    assert as_plain.stdout.splitlines()[-1] == "2 references in papers.md (plain): 2 covered (100.0%), 0 uncertain, 0 missing"


def test_cli_errors(mini_root, tmp_path):
    missing = invoke("coverage", "--against", str(tmp_path / "nope.bib"), "--root", str(mini_root))
    assert missing.exit_code == 2 and "does not exist" in missing.output
    binary = tmp_path / "refs.bib"
    binary.write_bytes(b"\xff\xfe\x00junk")
    result = invoke("coverage", "--against", str(binary), "--root", str(mini_root))
    assert (result.exit_code, result.stderr) == (1, f"Error: {binary} is not UTF-8 text\n")
    usage = invoke("coverage", "--root", str(mini_root))
    assert usage.exit_code == 2 and "Missing option '--against'" in usage.output


def test_help():
    result = invoke("coverage", "--help")
    assert result.exit_code == 0
    assert "Say which papers of a reference list the catalogue already has." in result.output
    for option in ("--against", "--input-format", "--format", "--show", "--root"):
        assert option in result.output
