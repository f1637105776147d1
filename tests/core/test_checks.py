"""One test per cross-entry rule, on small in-memory catalogues."""

from __future__ import annotations

from medlm_survey import checks
from medlm_survey.schema import ModelEntry


def model(entry_id: str, **fields) -> ModelEntry:
    data = {
        "schema_version": 2,
        "id": entry_id,
        "kind": "model",
        "name": fields.pop("name", entry_id),
        "categories": ["llm"],
        "summary": "Fixture.",
        "date": fields.pop("date", "2024-01"),
        "paper": fields.pop("paper", {"title": f"Paper {entry_id}", "authors": ["A"], "url": f"https://example.org/{entry_id}"}),
        **fields,
    }
    return ModelEntry.model_validate(data)


def catalogue(*entries):
    return {e.id: e for e in entries}, {e.id: f"entries/model/{e.id}.yaml" for e in entries}


def codes(problems):
    return sorted((p.path.rsplit("/", 1)[-1], p.code) for p in problems)


def test_references_resolve_with_suggestion():
    entries, paths = catalogue(model("llama"), model("med", base_models=["lama"]))
    [problem] = checks.check_references(entries, paths)
    assert problem.code == "unknown-reference" and problem.loc == ("base_models", 0)
    assert "did you mean 'llama'?" in problem.message


def test_cycles_are_reported_once():
    entries, paths = catalogue(model("a", base_models=["b"]), model("b", base_models=["a"]), model("c", base_models=["a"]))
    problems = checks.check_base_model_cycles(entries, paths)
    assert [p.message for p in problems] == ["base_models form a cycle: a -> b -> a"]


def test_shared_arxiv_needs_declaration_on_either_side():
    paper = {"title": "Same", "authors": ["A"], "arxiv": "2401.00001"}
    entries, paths = catalogue(model("x", paper=paper), model("y", paper=paper))
    assert codes(checks.check_shared_papers(entries, paths)) == [("y.yaml", "duplicate-arxiv")]
    entries, paths = catalogue(model("x", paper=paper, same_paper_as=["y"]), model("y", paper=paper))
    assert checks.check_shared_papers(entries, paths) == []


def test_near_duplicates_ignore_versions_and_declared_pairs():
    entries, paths = catalogue(
        model("med-palm", name="Med-PaLM"),
        model("med-palm-2", name="Med-PaLM 2"),
        model("medpalm", name="MedPaLM"),
        model("llava-med", name="LLaVA-Med", distinct_from=["llava-med-v2"]),
        model("llava-med-v2", name="LLaVA Med"),
    )
    assert codes(checks.check_near_duplicates(entries, paths)) == [("medpalm.yaml", "near-duplicate")]


def test_near_duplicates_on_a_pull_request_compare_changed_entries_only():
    entries, paths = catalogue(model("med-palm", name="Med-PaLM"), model("medpalm", name="MedPaLM"), model("pmc-llama", name="PMC-LLaMA"))
    assert checks.check_near_duplicates(entries, paths, compare_only=["entries/model/pmc-llama.yaml"]) == []
    changed = checks.check_near_duplicates(entries, paths, compare_only=["entries/model/medpalm.yaml"])
    assert codes(changed) == [("medpalm.yaml", "near-duplicate")]


def test_blocking_finds_edits_at_either_end():
    strings = ["biomedclip", "xiomedclip", "biomedclix", "unrelated"]
    assert checks._similar_pairs(strings, 85, 3, None) == {(0, 1), (0, 2)}


def test_version_marks_separate_roman_numerals():
    assert checks.version_marks("MIMIC-III") == ["3"]
    assert checks.version_marks("Llama II") == checks.version_marks("Llama 2") == ["2"]
    assert checks.version_marks("X-ray Reader") == []  # a single letter is not a version
    assert checks.version_marks("SAM-Med2D") == ["2"]
    assert checks.version_marks("Vicuna") == []


def test_normalise_keeps_letters_of_every_script():
    assert checks.normalise("华佗GPT") == checks.normalise("华佗 GPT") == "华佗gpt"
    assert checks.normalise("仲景GPT") != checks.normalise("华佗GPT")
    assert checks.normalise("Ｍｅｄ-Ｆｌａｍｉｎｇｏ") == checks.normalise("Med-Flamingo") == "medflamingo"


def test_near_duplicate_on_a_pull_request_lands_on_the_changed_file():
    entries, paths = catalogue(model("zeta-med", name="Zeta-Med"), model("alpha-zetamed", name="ZetaMed"))
    # "alpha-zetamed" sorts first, but the pull request adds "zeta-med": the warning goes there.
    [problem] = checks.check_near_duplicates(entries, paths, compare_only=["entries/model/zeta-med.yaml"])
    assert problem.path == "entries/model/zeta-med.yaml"
    assert "move what this file adds into entries/model/alpha-zetamed.yaml" in problem.message


def test_remembered_pairs_give_what_a_full_comparison_gives():
    """The validation cache's memo: after edits, new strings are compared and old pairs reused."""
    import random

    rng = random.Random(3)
    letters = "abcdefgh"

    def word():
        return "".join(rng.choice(letters) for _ in range(rng.randint(4, 9)))

    strings = [word() for _ in range(400)]
    strings += [s[:-1] + "z" for s in strings[:60]] + strings[:5]  # near twins and exact twins
    memo: dict = {}
    assert checks.similar_pairs(strings, 85, 3, memo=memo) == checks._similar_pairs(strings, 85, 3, None)
    for _ in range(3):  # edit, add and remove strings, as a catalogue changes between runs
        strings = strings[7:] + [word() for _ in range(9)] + [strings[20][:-1] + "y"]
        strings[rng.randrange(len(strings))] = word()
        assert checks.similar_pairs(strings, 85, 3, memo=memo) == checks._similar_pairs(strings, 85, 3, None)
