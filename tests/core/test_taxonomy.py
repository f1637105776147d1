"""taxonomy.yaml: every vocabulary present, terms well-formed, suggestions useful."""

from __future__ import annotations

import pytest

from medlm_survey.taxonomy import VOCABULARIES, TaxonomyError, load_taxonomy


def test_families_and_kinds_are_the_surveys(taxonomy):
    # The source surveys' language, vision, 3D, multimodal and graph models, with
    # vision-language models as the bridge between language and vision.
    assert taxonomy.ids("categories") == ["llm", "vision", "vlm", "3d", "multimodal", "graph"]
    assert taxonomy.ids("kinds") == ["model", "dataset", "benchmark", "survey"]


def test_access_terms_apply_to_models_or_data(taxonomy):
    assert taxonomy.access_ids("model") == ["open", "gated", "api", "closed"]
    assert taxonomy.access_ids("data") == ["open", "credentialed", "on-request", "private"]


def test_languages_are_iso_639_1(taxonomy):
    assert all(len(code) == 2 and code.isalpha() for code in taxonomy.ids("languages"))


def test_suggest(taxonomy):
    assert taxonomy.suggest("specialties", "radiolgy") == "; did you mean 'radiology'?"
    assert taxonomy.suggest("specialties", "zzzz") == ""


@pytest.mark.parametrize("vocabulary", VOCABULARIES)
def test_every_term_has_label_and_description(taxonomy, vocabulary):
    for term in taxonomy.terms[vocabulary].values():
        assert term.label and term.description


def test_duplicate_term_is_an_error(tmp_path, repo_root):
    text = (repo_root / "taxonomy.yaml").read_text()
    broken = tmp_path / "taxonomy.yaml"
    broken.write_text(text.replace("  - id: vlm\n", "  - id: llm\n", 1))
    with pytest.raises(TaxonomyError, match="term 'llm' is listed twice"):
        load_taxonomy(broken)


def test_every_metric_has_a_scale_and_direction(taxonomy):
    for metric in taxonomy.terms["metrics"].values():
        assert metric.scale in ("unit", "percent", "signed-unit", "unbounded"), metric.id
        assert metric.direction in ("higher", "lower"), metric.id
    assert taxonomy.term("metrics", "mse").direction == "lower"
    assert taxonomy.term("metrics", "auroc").scale == "unit"
