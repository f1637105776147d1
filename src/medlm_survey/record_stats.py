"""How complete the records are: which fields each entry records, by kind and family.

A missing field means "not recorded", never "none": the site shows "not recorded", each
entry page shows its own completeness, and ``medlm-survey stats`` prints the coverage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from medlm_survey.catalog import Catalog
from medlm_survey.schema import EntryBase, ModelEntry

#: The fields a complete record has, per kind: (label, test). Order is the display order.
FIELDS: dict[str, list[tuple[str, Callable[[EntryBase], bool]]]] = {
    "model": [
        ("trained_on", lambda e: e.trained_on is not None),
        # A size the sources were checked for and do not give counts as recorded ("not disclosed").
        ("sizes", lambda e: bool(e.parameter_counts) or e.sizes_not_disclosed is not None),
        ("license", lambda e: e.license is not None and e.license != "unknown"),  # NONE counts: checked, none given
        ("access", lambda e: e.access is not None),
        ("code", lambda e: e.links.code is not None),
        ("weights", lambda e: e.links.weights is not None or e.access in ("api", "closed")),
        ("base_models", lambda e: bool(e.base_models)),
        ("results", lambda e: bool(e.results)),
    ],
    "dataset": [
        ("size", lambda e: e.size is not None),
        ("license", lambda e: e.license is not None and e.license != "unknown"),
        ("access", lambda e: e.access is not None),
        ("data link", lambda e: e.links.data is not None or e.links.homepage is not None),
    ],
    "benchmark": [
        ("size", lambda e: e.size is not None),
        ("metrics", lambda e: bool(e.metrics)),
        ("built_from", lambda e: bool(e.built_from)),
        ("license", lambda e: e.license is not None and e.license != "unknown"),
        ("access", lambda e: e.access is not None),
    ],
    "survey": [
        ("covers", lambda e: bool(e.covers)),
    ],
}

#: Fields `stats --missing` can list: the gaps worth filling first on medical models.
MISSING_FIELDS = ("trained_on", "sizes", "license", "code", "weights")


def completeness(entry: EntryBase) -> tuple[list[str], list[str]]:
    """(recorded field labels, missing field labels) for one entry."""
    recorded, missing = [], []
    for label, test in FIELDS.get(entry.kind, []):
        (recorded if test(entry) else missing).append(label)
    return recorded, missing


def _block(entries: list[EntryBase], kind: str) -> dict:
    fields = {}
    for label, test in FIELDS[kind]:
        count = sum(1 for e in entries if test(e))
        fields[label] = {"recorded": count, "share": round(count / len(entries), 3) if entries else None}
    if kind == "model":
        # Of the recorded sizes, how many are "not disclosed" rather than a parameter count.
        fields["sizes"]["not_disclosed"] = sum(1 for e in entries if e.sizes_not_disclosed is not None)
        # Of the recorded training-data lists, how many the sources show only in part.
        fields["trained_on"]["partial"] = sum(1 for e in entries if e.trained_on_partial is not None)
    return {"entries": len(entries), "fields": fields}


def _medical_models(catalog: Catalog) -> Iterator[ModelEntry]:
    for entry in catalog.by_kind.get("model", ()):
        if entry.scope == "medical":
            yield entry  # type: ignore[misc]


def coverage_table(catalog: Catalog) -> dict:
    """Field coverage as a JSON-ready mapping.

    Shape::

        {"medical_models": {"entries": N, "fields": {label: {"recorded": n, "share": 0.93}}},
        # fields["sizes"] of model blocks also has "not_disclosed": how many of the recorded
        # sizes are sizes_not_disclosed statements rather than parameter counts
        # fields["trained_on"] of model blocks also has "partial": how many of the recorded
        # lists carry trained_on_partial (the sources name only part of the training data)
         "medical_models_by_family": {family: {...same...}},
         "datasets": {...}, "benchmarks": {...}, "surveys": {...},
         "missing": {label: [model ids of medical models without it]}}

    Shares are fractions of 1, rounded to three places.
    """
    models = list(_medical_models(catalog))
    table: dict = {"medical_models": _block(models, "model"), "medical_models_by_family": {}}
    for family in catalog.taxonomy.ids("categories"):
        members = [m for m in models if family in m.categories]
        if members:
            table["medical_models_by_family"][family] = _block(members, "model")
    for kind in ("dataset", "benchmark", "survey"):
        table[f"{kind}s"] = _block(list(catalog.by_kind.get(kind, ())), kind)
    tests = dict(FIELDS["model"])
    table["missing"] = {label: [m.id for m in models if not tests[label](m)] for label in MISSING_FIELDS}
    return table


def format_coverage(table: dict) -> list[str]:
    """Text lines: one block per group, one line per field with count and percentage."""
    lines: list[str] = []

    def block(title: str, data: dict) -> None:
        lines.append(f"{title} ({data['entries']})")
        for label, numbers in data["fields"].items():
            share = numbers["share"]
            percent = f"{share * 100:5.1f}%" if share is not None else "    -"
            line = f"  {label:<12} {numbers['recorded']:>5}  {percent}"
            if numbers.get("not_disclosed"):
                line += f"  (of which {numbers['not_disclosed']} not disclosed)"
            if numbers.get("partial"):
                line += f"  (of which {numbers['partial']} partial lists)"
            lines.append(line)

    block("medical models", table["medical_models"])
    for family, data in table["medical_models_by_family"].items():
        block(f"medical models, family {family}", data)
    for kind in ("datasets", "benchmarks", "surveys"):
        block(kind, table[kind])
    return lines
