"""Index pages of the families and the kinds (``/families/``, ``/kinds/``).

Each lists its terms with their description (taxonomy.yaml) and how many entries use them,
linking to the term's comparison table (pages/tables.py). With Material's
``navigation.indexes`` they are also the pages the Families and Kinds tabs open.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from medlm_survey.pages.common import Renderer, front_matter, newest, term_path
from medlm_survey.schema import KINDS, EntryBase

FAMILIES_INDEX = "families/index.md"
KINDS_INDEX = "kinds/index.md"


@dataclass
class Row:
    term: str
    label: str
    description: str
    path: str  # docs path of the term's table page
    counts: list[int]  # one per column of the page
    total: int
    newest: EntryBase | None
    breakdown: list[str]  # "12 models", ... (non-zero counts only)


def index_pages(r: Renderer) -> dict[str, str]:
    catalog, tax = r.catalog, r.taxonomy
    kind_names = [tax.label("kinds", k) + "s" for k in KINDS]
    families = []
    for family in r.families:
        members = [e for e in catalog.entries if family in e.categories]
        per_kind = Counter(e.kind for e in members)
        families.append(Row(
            family, tax.label("categories", family), _description(r, "categories", family),
            term_path("categories", family), [per_kind.get(k, 0) for k in KINDS], len(members),
            next(iter(newest(members, 1)), None),
            [f"{per_kind[k]} {tax.label('kinds', k).lower()}{'s' if per_kind[k] != 1 else ''}" for k in KINDS if per_kind[k]]))
    kinds = []
    for kind in KINDS:
        members = list(catalog.by_kind.get(kind, ()))
        per_family = Counter(f for e in members for f in e.categories)
        kinds.append(Row(
            kind, tax.label("kinds", kind) + "s", _description(r, "kinds", kind),
            term_path("kinds", kind), [per_family.get(f, 0) for f in r.families], len(members),
            next(iter(newest(members, 1)), None),
            [f"{tax.label('categories', f)}: {per_family[f]}" for f in r.families if per_family[f]]))
    return {
        FAMILIES_INDEX: front_matter(generated=True) + r.render(
            "term_index.md.j2", page=FAMILIES_INDEX, title="Families", rows=families,
            columns=kind_names, other="kinds", lead=(
                "The catalogue's families of models, with the datasets, benchmarks and surveys around them. "
                "An entry can belong to several families, so the families add up to more than the catalogue. "
                "Each family has a comparison table to sort and filter.")),
        KINDS_INDEX: front_matter(generated=True) + r.render(
            "term_index.md.j2", page=KINDS_INDEX, title="Kinds", rows=kinds,
            columns=[tax.label("categories", f) for f in r.families], other="families", lead=(
                "Every entry is one of these kinds. The counts per family overlap, as an entry can "
                "belong to several families. Each kind has a comparison table with the columns that suit it.")),
    }


def _description(r: Renderer, vocabulary: str, term: str) -> str:
    found = r.taxonomy.term(vocabulary, term)
    return found.description if found else ""
