"""BibTeX export without TeX: every record of the real catalogue and of the hard cases
(data/bibtex) checked field by field, and every letter of the Latin, Vietnamese and Greek
alphabets as one BibTeX character. test_bibtex_latex.py compiles the same with TeX Live.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import latexcodec  # noqa: F401 - registers the "ulatex" codec
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pybtex.bibtex.names import format_name
from pybtex.bibtex.utils import change_case
from pybtex.database import parse_string

from medlm_survey import bibtex, export, latex
from medlm_survey.catalog import load_catalog
from medlm_survey.schema import CorporateAuthor, ModelEntry
from tests.conftest import TODAY, make_repo

from .alphabets import APPROXIMATED, GREEK, LATIN, VIETNAMESE
from .conftest import DATA

HARD = DATA / "bibtex"
EXPECTED = yaml.safe_load((HARD / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hard(tmp_path_factory, taxonomy):
    root = make_repo(tmp_path_factory.mktemp("hard"), {}, HARD)
    catalog = load_catalog(root, taxonomy=taxonomy, today=TODAY)
    assert catalog.ok, [str(d) for d in catalog.diagnostics]
    return catalog


@pytest.fixture(scope="module", params=["real", "hard"])
def catalogue(request):
    """The real catalogue and the hard cases: every test below holds for both."""
    return request.getfixturevalue(request.param)


def fields_of(record_text: str) -> dict[str, str]:
    """``name = "value"`` lines of one record (pybtex writes one field a line)."""
    return {
        m[1]: m[2] for m in re.finditer(r'^    (\w+) = ["{](.*)["}],?$', record_text, re.MULTILINE)
    }


# LaTeX -> text: our escapes, then latexcodec for accents, then braces (for round trips).
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


# --- the hard cases, exactly -------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry_id", "field"),
    [(entry_id, field) for entry_id, fields in EXPECTED["fields"].items() for field in fields],
)
def test_hard_case_fields(hard, entry_id, field):
    record = fields_of(bibtex.bibtex_text(hard.by_id[entry_id]))
    assert record[field] == EXPECTED["fields"][entry_id][field]


def test_every_hard_case_has_expectations(hard):
    assert sorted(EXPECTED["fields"]) == sorted(hard.by_id)


# --- rules that hold for every record ------------------------------------------------------


def test_entry_page_records_are_the_records_of_references_bib(catalogue):
    text = export.render_bibtex(catalogue)
    for entry in catalogue.entries:
        if entry.paper:
            assert bibtex.bibtex_text(entry) + "\n" in text


def test_references_parse_back_with_the_same_titles_and_authors(catalogue):
    parsed = parse_string(export.render_bibtex(catalogue), "bibtex")
    assert list(parsed.entries) == [e.id for e in catalogue.entries if e.paper]
    for entry in catalogue.entries:
        if not entry.paper:
            continue
        record = parsed.entries[entry.id]
        if not latex.maths_spans(entry.paper.title) and entry.paper.title.isascii():
            assert from_latex(record.fields["title"]) == typeset(entry.paper.title)
        names = [person_text(p) for p in record.persons["author"]]
        expected = entry.paper.author_names() + ([] if entry.paper.authors_complete else ["others"])
        if all(name.isascii() or not latex.escape(name).isascii() for name in expected):
            assert names == expected


def test_a_partial_author_list_ends_in_and_others(catalogue):
    parsed = parse_string(export.render_bibtex(catalogue), "bibtex")
    for entry in catalogue.entries:
        if entry.paper:
            persons = parsed.entries[entry.id].persons["author"]
            assert [str(p) for p in persons[len(entry.paper.authors) :]] == (
                [] if entry.paper.authors_complete else ["others"]
            )


def test_teams_are_braced_and_last_first_names_keep_their_surname(catalogue):
    """A team is one braced name; 'Di Martino, Adriana' keeps 'Di Martino' as its surname
    (and so is cited as 'Di Martino'); 'First Last' is split by BibTeX's rules."""
    parsed = parse_string(export.render_bibtex(catalogue), "bibtex")
    for entry in catalogue.entries:
        if not entry.paper:
            continue
        for author, person in zip(
            entry.paper.authors, parsed.entries[entry.id].persons["author"], strict=False
        ):
            surname = " ".join(person.prelast_names + person.last_names)
            if isinstance(author, CorporateAuthor):
                assert (surname, person.first_names) == (
                    "{" + latex.escape(author.corporate) + "}",
                    [],
                ), entry.id
            elif "," in author:
                assert surname == latex.escape(author.partition(",")[0].strip()), entry.id


def test_identifiers_are_never_latex_escaped(catalogue):
    for entry in catalogue.entries:
        paper = entry.paper
        if not paper:
            continue
        record = fields_of(bibtex.bibtex_text(entry))
        assert record.get("doi") == paper.doi
        assert record.get("eprint") == paper.arxiv
        assert record.get("url") == (
            paper.url or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else None)
        )


@given(
    doi=st.text(
        alphabet=st.sampled_from(list("abcXYZ019._-/()<>;:_%#&~^$'")), min_size=1, max_size=30
    ),
    path=st.text(alphabet=st.sampled_from(list("abc019._-/~_%#&?=+!*'(),;:@$^")), max_size=30),
)
def test_identifiers_with_latex_specials_stay_raw(doi, path):
    entry = ModelEntry.model_validate(
        {
            "schema_version": 2, "id": "x", "kind": "model", "name": "X", "categories": ["llm"],
            "summary": "X.", "date": "2024-01",
            "paper": {"title": "T", "authors": ["A B"], "doi": "10.1234/" + doi, "url": "https://example.org/" + path},
        }
    )  # fmt: skip
    record = parse_string(bibtex.bibtex_text(entry), "bibtex").entries["x"]
    assert record.fields["doi"] == "10.1234/" + doi
    assert record.fields["url"] == "https://example.org/" + path


@pytest.mark.parametrize(
    "arxiv", ["q-bio/0401001", "math.GT/0309136", "hep-th/9901001", "0704.0001", "2305.09617"]
)
def test_arxiv_ids_of_both_styles_are_eprint_and_url(arxiv):
    entry = ModelEntry.model_validate(
        {
            "schema_version": 2, "id": "x", "kind": "model", "name": "X", "categories": ["llm"],
            "summary": "X.", "date": "2004-01", "paper": {"title": "T", "authors": ["A B"], "arxiv": arxiv},
        }
    )  # fmt: skip
    record = fields_of(bibtex.bibtex_text(entry))
    assert (record["eprint"], record["archiveprefix"], record["url"]) == (
        arxiv,
        "arXiv",
        f"https://arxiv.org/abs/{arxiv}",
    )


def test_titles_keep_their_capitals_in_a_lower_casing_style(catalogue):
    """BibTeX's change.case$ "t" (plainnat, unsrt) must not lose a capital of any title:
    pybtex implements the same function."""
    for entry in catalogue.entries:
        if (
            not entry.paper
            or latex.maths_spans(entry.paper.title)
            or not entry.paper.title.isascii()
        ):
            continue
        lowered = change_case(bibtex.title_field(entry.paper.title), "t")
        assert from_latex(lowered) == typeset(entry.paper.title), entry.id


_WORDS = st.lists(
    st.one_of(
        st.text(alphabet=st.sampled_from(list("abcXYZ019-&%:")), min_size=1, max_size=8),
        st.sampled_from(["$k$", "$\\beta$", "$x^{2}$", "$O(n)$", "$5", "$"]),
    ),
    min_size=1, max_size=8,
)  # fmt: skip


@given(_WORDS)
def test_maths_survives_and_capitals_are_kept(words):
    title = " ".join(words)
    field = bibtex.title_field(title)
    spans = latex.maths_spans(title)
    for start, end in spans:
        assert "{" + title[start:end] + "}" in field  # the maths, braced as it was written
    parse_string(f"@misc{{k, title = {{{field}}}}}", "bibtex")  # braces balance
    outside = "".join(
        title[a:b]
        for a, b in zip(
            [0] + [e for _, e in spans], [s for s, _ in spans] + [len(title)], strict=True
        )
    )
    lowered = re.sub(r"\{\$[^$]*\$\}", "", change_case(field, "t"))
    assert [c for c in from_latex(lowered) if c.isupper()] == [c for c in outside if c.isupper()]


_TEXT = st.text(
    alphabet=st.sampled_from(list('abcXYZ019 .,:;!?()/&%$#_{}~^\\"') + list("äöüéèçñåøłßÆŁ李")),
    max_size=40,
)


@given(_TEXT)
def test_latex_escape_round_trips(text):
    escaped = latex.escape(text)
    record = parse_string(f"@misc{{k, title = {{{escaped}}}}}", "bibtex").entries["k"]
    assert from_latex(record.fields["title"]) == typeset(text)


def test_only_characters_without_a_latex_spelling_stay_utf8(catalogue):
    text = export.render_bibtex(catalogue)
    assert {c for c in text if not c.isascii()} == {
        c for c in text if not c.isascii() and latex.escape(c) == c
    }


# --- every letter ---------------------------------------------------------------------------


@pytest.mark.parametrize("letter", LATIN + VIETNAMESE + GREEK, ids=lambda c: f"U+{ord(c):04X}")
def test_every_letter_is_ascii_and_one_bibtex_character(letter):
    """ASCII, so classic BibTeX (8-bit) never splits a UTF-8 sequence; one special
    character ``{\\...}``, so an initial is the whole letter and never a byte or a
    backslash ('{\\DJ}.', not '\\.')."""
    escaped = latex.escape(letter)
    assert escaped.isascii() and escaped.startswith("{\\") or letter in APPROXIMATED, escaped
    parse_string(f"@misc{{k, author = {{Xyz, {escaped}ab}}}}", "bibtex")  # braces balance
    if letter not in APPROXIMATED:
        assert format_name(f"Xyz, {escaped}ab {escaped}", "{f.}") == f"{escaped}.~{escaped}."
        assert format_name(f"{escaped}ab Xyz", "{ll}") == "Xyz"


@pytest.mark.parametrize("letter", LATIN + VIETNAMESE, ids=lambda c: f"U+{ord(c):04X}")
def test_accents_nest_with_the_marks_below_outside(letter):
    """``\\d{\\u a}`` (ặ): TeX's \\accent needs a character under it, so the marks drawn
    above go inside and the ones below (\\d, \\c, \\k) outside; every nested argument is
    braced (``{\\~{\\^e}}``, not ``\\~\\^e``, which does not compile)."""
    escaped = latex.escape(letter)
    marks = [m for m in unicodedata.normalize("NFD", letter)[1:] if m != "\u031b"]
    if len(marks) > 1:
        assert re.fullmatch(r"\{\\[^{}]+\{[^{}]*\}\}", escaped), escaped
        below = {unicodedata.combining(m) in (202, 220) for m in marks}
        if below == {True, False}:
            assert escaped[2] in "dckb", escaped


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("https://example.org/a{b}c", "https://example.org/a%7Bb%7Dc"),
        ("https://example.org/a\\b", "https://example.org/a%5Cb"),
        ("https://example.org/a_b%20c#d&e~f", "https://example.org/a_b%20c#d&e~f"),
    ],
)
def test_braces_and_backslashes_in_an_address_are_percent_encoded(url, field):
    """The one change an identifier may get: braces would unbalance the field and a
    backslash would start a command; percent-encoded, the address is the same."""
    assert bibtex.identifier(url) == field
