"""Comparison tables of entries: the family and kind pages (and their rows and cells)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from medlm_survey.pages.common import (
    UNKNOWN_SIZE_SORT,
    Cell,
    Facet,
    Renderer,
    Table,
    _evidence_level,
    access_label,
    entry_path,
    format_parameters,
    front_matter,
    leaderboard_path,
    license_label,
    newest,
    relative,
    size_label,
    table_json,
    table_path,
    term_path,
)
from medlm_survey.schema import KINDS, EntryBase, ModelEntry

#: Columns of the kind tables.
KIND_COLUMNS = {
    "model": [
        "name", "families", "date", "organizations", "sizes", "modalities", "tasks", "access", "license",
        "scores", "trained_on", "base_models",
    ],
    "dataset": ["name", "families", "date", "size", "modalities", "tasks", "access", "license", "used_by"],
    "benchmark": ["name", "families", "date", "metrics", "size", "modalities", "tasks", "access", "scores"],
    "survey": ["name", "families", "date", "organizations", "modalities", "tasks", "covers"],
}
FAMILY_COLUMNS = [
    "name", "kind", "date", "organizations", "sizes", "modalities", "tasks", "access", "license", "trained_on", "base_models",
]


#: Column heads: (label, sort method).
HEADS = {
    "name": ("Name", ""),
    "kind": ("Kind", ""),
    "families": ("Families", ""),
    "date": ("Date", "number"),
    "organizations": ("Organisations", ""),
    "sizes": ("Sizes", "number"),
    "modalities": ("Modalities", ""),
    "tasks": ("Tasks", ""),
    "access": ("Access", ""),
    "license": ("License", ""),
    "size": ("Size", ""),
    "metrics": ("Metrics", ""),
    "scores": ("Scores", "number"),
    "used_by": ("Trained models", "number"),
    "covers": ("Covers", "number"),
    "trained_on": ("Trained on", ""),
    "base_models": ("Based on", ""),
}
#: Columns a reader may hide, and those hidden until asked for.
OPTIONAL = {"organizations", "modalities", "tasks", "license", "trained_on", "base_models"}
HIDDEN = {"trained_on", "base_models"}


def access_key(entry: EntryBase) -> str:
    """The access filter value: 'open' splits into open weights (models) and open data."""
    if not entry.access:
        return ""
    if entry.access == "open":
        return "open-weights" if entry.kind == "model" else "open-data"
    return entry.access


def entry_table(r: Renderer, page: str, entries: Iterable[EntryBase], columns: list[str], name: str) -> Table:
    """Rows for ``entries`` with the chosen columns; facets from the values present."""
    rows = []
    facet_values: dict[str, Counter] = {
        key: Counter() for key in ("kind", "scope", "modalities", "tasks", "specialties", "languages", "access", "evidence")
    }
    access_labels: dict[str, str] = {}
    years = []
    for entry in entries:
        cells = [_cell(r, page, entry, column) for column in columns]
        evidence = _evidence_level(entry)
        access = access_key(entry)
        data = {
            "year": str(entry.year),
            "modalities": " ".join(entry.modalities),
            "tasks": " ".join(entry.tasks),
            "specialties": " ".join(entry.specialties),
            "languages": " ".join(getattr(entry, "languages", ())),
            "access": access,
            "kind": entry.kind,
            "scope": entry.scope,
            "evidence": evidence,
            "families": " ".join(entry.categories),
            "text": " ".join(entry.aliases).lower(),
            # Sizes in billions of parameters, one per variant, for the size filter.
            "sizes": " ".join(f"{c / 1e9:g}" for c in entry.parameter_counts) if isinstance(entry, ModelEntry) else "",
        }
        facet_values["kind"][entry.kind] += 1
        facet_values["scope"][entry.scope] += 1
        for key in ("modalities", "tasks", "specialties", "languages"):
            facet_values[key].update(getattr(entry, key, ()))
        if access:
            facet_values["access"][access] += 1
            access_labels[access] = access_label(entry)
        if evidence:
            facet_values["evidence"][evidence] += 1
        years.append(entry.year)
        rows.append((data, cells))
    label = {
        "kind": lambda v: r.taxonomy.label("kinds", v),
        "scope": lambda v: {"medical": "Medical", "general": "General-purpose base"}.get(v, v),
        "modalities": lambda v: r.taxonomy.label("modalities", v),
        "tasks": lambda v: r.taxonomy.label("tasks", v),
        "specialties": lambda v: r.taxonomy.label("specialties", v),
        "languages": lambda v: r.taxonomy.label("languages", v),
        "access": lambda v: access_labels.get(v, v),
        "evidence": lambda v: r.taxonomy.label("evidence_levels", v),
    }
    facets = []
    for key, title in (
        ("kind", "Kind"),
        ("scope", "Scope"),
        ("modalities", "Modality"),
        ("tasks", "Task"),
        ("specialties", "Specialty"),
        ("languages", "Language"),
        ("access", "Access"),
        ("evidence", "Clinical evidence"),
    ):
        counts = facet_values[key]
        if not counts or (key in ("kind", "scope") and len(counts) < 2):
            continue  # a filter with one choice filters nothing
        values = sorted(counts, key=lambda v: label[key](v).lower())
        facets.append(Facet(key, title, [(v, f"{label[key](v)} ({counts[v]})") for v in values]))
    return Table(
        columns=[HEADS[c] for c in columns],
        rows=rows,
        facets=facets,
        name=name,
        years=(min(years), max(years)) if years else None,
        sizes="sizes" in columns,
        optional=[i for i, c in enumerate(columns) if c in OPTIONAL],
        hidden=[i for i, c in enumerate(columns) if c in HIDDEN],
    )


def _cell(r: Renderer, page: str, entry: EntryBase, column: str) -> Cell:
    c = r.catalog
    if column == "name":
        return Cell(entry.name, sort=entry.name.lower(), href=relative(page, entry_path(entry)))
    if column == "kind":
        return Cell(r.taxonomy.label("kinds", entry.kind))
    if column == "families":
        return Cell(", ".join(r.taxonomy.label("categories", f) for f in entry.categories))
    if column == "date":
        return Cell(entry.date, sort=entry.date_key.replace("-", ""))
    if column == "organizations":
        return Cell("; ".join(entry.organizations))
    if column == "sizes":
        if not isinstance(entry, ModelEntry):
            return Cell("", sort=UNKNOWN_SIZE_SORT)
        if not entry.parameter_counts:
            if entry.sizes_not_disclosed:
                return Cell("not disclosed", sort=UNKNOWN_SIZE_SORT, css="medlm-unrecorded", title=entry.sizes_not_disclosed)
            return Cell("not recorded", sort=UNKNOWN_SIZE_SORT, css="medlm-unrecorded")
        return Cell(size_label(entry), sort=format_parameters(entry.parameter_counts[0]))
    if column in ("modalities", "tasks"):
        # Plain text, not chips: table pages hold thousands of rows; the facets filter them.
        return Cell(", ".join(r.taxonomy.label(column, t) for t in getattr(entry, column)))
    if column == "access":
        return Cell(access_label(entry), css=f"medlm-access-{entry.access}" if entry.access else "")
    if column == "license":
        return Cell(license_label(entry.license) if entry.license else "")
    if column == "size":
        return Cell(getattr(entry, "size", None) or "")
    if column == "metrics":
        return Cell(", ".join(getattr(entry, "metrics", ())))
    if column == "scores":
        n = len(entry.results) if isinstance(entry, ModelEntry) else len(c.scores_on.get(entry.id, ()))
        href = relative(page, leaderboard_path(entry.id)) if entry.id in c.scores_on and n else None
        return Cell(str(n), sort=str(n), href=href)
    if column == "used_by":
        n = len(c.trained_models.get(entry.id, ()))
        return Cell(str(n), sort=str(n))
    if column == "covers":
        n = len(getattr(entry, "covers", ()))
        return Cell(str(n), sort=str(n))
    if column in ("trained_on", "base_models"):
        if not isinstance(entry, ModelEntry):
            return Cell("")
        ids = getattr(entry, column)
        if ids is None:
            return Cell("not recorded", css="medlm-unrecorded")
        return Cell(chips=[r.entry_ref(page, i) for i in ids])
    raise ValueError(column)


def table_pages(r: Renderer) -> dict[str, str]:
    """One comparison table per family and per kind."""
    catalog, tax = r.catalog, r.taxonomy
    pages: dict[str, str] = {}
    for family in r.families:
        path = term_path("categories", family)
        members = [e for e in catalog.entries if family in e.categories]
        table = entry_table(r, path, newest(members, len(members)), FAMILY_COLUMNS, f"family-{family}")
        table.data_url = relative(path, table_path(table))
        pages[table_path(table)] = table_json(table)
        pages[path] = front_matter(generated=True, search={"exclude": True}, hide=["navigation", "toc"]) + r.render(
            "table.md.j2", page=path, title=tax.label("categories", family),
            description=tax.term("categories", family).description, table=table, family=family,
            kind_counts=Counter(e.kind for e in members))
    for kind in KINDS:
        path = term_path("kinds", kind)
        members = catalog.by_kind.get(kind, ())
        table = entry_table(r, path, newest(members, len(members)), KIND_COLUMNS[kind], f"kind-{kind}")
        table.data_url = relative(path, table_path(table))
        pages[table_path(table)] = table_json(table)
        pages[path] = front_matter(generated=True, search={"exclude": True}, hide=["navigation", "toc"]) + r.render(
            "table.md.j2", page=path, title=tax.label("kinds", kind) + "s",
            description=tax.term("kinds", kind).description if tax.has("kinds", kind) else "",
            table=table, family=None, kind_counts=None)
    return pages
