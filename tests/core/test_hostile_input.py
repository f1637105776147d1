"""Hostile and broken input: the reader returns diagnostics, never raises, never executes."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medlm_survey.diagnostics import CODES
from medlm_survey.validation import validate_entry
from medlm_survey.yaml_source import MAX_FILE_BYTES, read_entry
from tests.conftest import TODAY

PATH = "entries/model/fuzz.yaml"
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20)
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
field_names = st.sampled_from(
    ["id", "kind", "name", "categories", "summary", "date", "paper", "results", "links", "access", "parameters"]
)
entry_like = st.dictionaries(field_names, documents, max_size=8)


def _check(raw: bytes, taxonomy) -> None:
    result = read_entry(raw, PATH)
    assert all(problem.code in CODES for problem in result.problems)
    if result.data is not None:
        assert isinstance(result.data, dict)
        entry, problems = validate_entry(result.data, PATH, taxonomy, TODAY)
        assert entry is not None or problems
        assert all(problem.code in CODES for problem in problems)
    else:
        assert result.problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_diagnostics_not_exceptions(taxonomy, raw):
    _check(raw, taxonomy)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_gives_diagnostics_not_exceptions(taxonomy, text):
    _check(text.encode("utf-8", errors="surrogatepass"), taxonomy)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(documents, entry_like))
def test_arbitrary_yaml_structures_give_diagnostics_not_exceptions(taxonomy, document):
    text = yaml.safe_dump(document, allow_unicode=True)
    _check(text.encode("utf-8", errors="surrogatepass"), taxonomy)


def test_python_tags_are_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    raw = f'id: x\nname: !!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    result = read_entry(raw, PATH)
    assert [p.code for p in result.problems] == ["unsafe-tag"]
    assert not marker.exists()


def test_oversized_file_is_rejected_before_parsing():
    raw = b"summary: " + b"x" * MAX_FILE_BYTES + b"\n"
    result = read_entry(raw, PATH)
    assert [(p.code, p.line, p.col) for p in result.problems] == [("file-too-large", 1, 1)]


@pytest.mark.parametrize("levels", [40, 900, 5000], ids=["our-limit", "below-parser-limit", "parser-limit"])
@pytest.mark.parametrize("brackets", [(b"[", b"]"), (b"{a: ", b"}")], ids=["lists", "mappings"])
def test_deep_nesting_is_a_diagnostic(levels, brackets):
    """Whichever gives up first, our depth check or the parser's own limit (PyYAML 6.0.4's
    libyaml stops near 1,000 levels), the diagnostic is the same."""
    raw = b"a: " + brackets[0] * levels + brackets[1] * levels + b"\n"
    result = read_entry(raw, PATH)
    assert result.data is None
    assert [p.code for p in result.problems] == ["too-deep"]
    assert result.problems[0].line == 1


def test_a_parser_nesting_error_becomes_too_deep(monkeypatch):
    """Simulate the parser's own nesting limit whatever PyYAML is installed."""

    def refuse(*args, **kwargs):
        raise yaml.scanner.ScannerError(
            "while increasing flow level", None, "exceeded maximum nesting depth",
            yaml.Mark("<unicode string>", 1002, 0, 1002, None, None),
        )

    monkeypatch.setattr(yaml, "load", refuse)
    result = read_entry(b"a: [[[1]]]\n", PATH)
    assert [(p.code, p.line, p.col) for p in result.problems] == [("too-deep", 1, 1003)]


def test_implicit_types_do_not_change_entry_data():
    raw = b'date: 2023-05-16\narxiv: 2303.00910\nlanguages: [no, yes, on]\nvalue: 86.5\nflag: true\n'
    result = read_entry(raw, PATH)
    assert result.data == {
        "date": "2023-05-16",
        "arxiv": "2303.00910",
        "languages": ["no", "yes", "on"],
        "value": "86.5",
        "flag": True,
    }


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=30))
def test_any_script_or_control_character_in_a_name_gives_diagnostics_not_exceptions(taxonomy, name):
    document = {
        "schema_version": 2, "id": "fuzz", "kind": "model", "name": name, "categories": ["llm"],
        "summary": "S.", "date": "2024-01", "paper": {"title": name or "T", "authors": [name or "A"], "url": "https://example.org"},
    }  # fmt: skip
    text = yaml.safe_dump(document, allow_unicode=True)
    _check(text.encode("utf-8", errors="surrogatepass"), taxonomy)
