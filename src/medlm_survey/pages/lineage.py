"""The lineage page: the forest of base models and the models adapted from them.

A model's ``base_models`` point at the models it was built on; following them backwards
from every model with no base gives a forest (``checks`` refuses cycles). A model with two
bases (LLaVA: CLIP and Vicuna) appears under each of them, with its whole subtree.

The page draws the forest at build time, as SVG files in the generated pages (Vega's tree
layout through vl-convert; nothing is fetched), one for every family and one for all, and
gives the same trees as nested lists, which are also the page's text without images or
script. Entry pages list a model's own ancestors and descendants with the recursive macros
of ``templates/_lineage.j2``, which order children the same way (:func:`children`).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field

from markupsafe import escape

from medlm_survey.catalog import Catalog
from medlm_survey.pages.common import FAMILY_COLOURS, Renderer, front_matter
from medlm_survey.schema import ModelEntry

LINEAGE_PAGE = "lineage.md"
#: One SVG per view: ``all`` or a family id.
LINEAGE_CHART = "assets/charts/lineage-{view}.svg"
#: A view with more models than this lists only its largest trees by root (at most
#: LINEAGE_ROOTS of them), so the page stays light at any catalogue size; each model's own
#: page shows its whole tree.
LINEAGE_LIST = 400
LINEAGE_ROOTS = 150
#: Horizontal distance between generations, and room for the last generation's labels (px).
COLUMN = 220
ROW = 22
LABEL_CHARS = 32
#: Colours of the SVG (drawn on white in every colour scheme: views.css gives it a white card).
INK = "#222222"
MUTED = "#5f6368"  # 6.3:1 on white
LINK_STROKE = "#9aa0a6"
CONTEXT_FILL = "#c4c7c5"  # the dot of a model outside the family shown


@dataclass
class Node:
    """One model in a tree; ``in_view`` is False for an ancestor kept only to show where a
    family's models come from (drawn grey)."""

    entry: ModelEntry
    children: list[Node] = field(default_factory=list)
    other_bases: tuple[str, ...] = ()
    in_view: bool = True

    @functools.cached_property
    def tree_size(self) -> int:
        """Models in the tree below and including this one (a property: templates sort on it)."""
        return 1 + sum(child.tree_size for child in self.children)


@dataclass
class View:
    key: str  # "all" or a family id
    title: str
    roots: list[Node]
    chart: str | None  # docs path of its SVG, or None without charts
    models: int  # distinct models drawn

    @property
    def anchor(self) -> str:
        return f"lineage-{self.key}"


def children(catalog: Catalog, entry_id: str) -> list[ModelEntry]:
    """The models built directly on ``entry_id``, oldest first (then by id)."""
    found = [catalog.by_id[i] for i in catalog.derived_models.get(entry_id, ())]
    return sorted(found, key=lambda e: (e.date_key, e.id))  # type: ignore[return-value]


def forest(catalog: Catalog) -> list[Node]:
    """Every tree of base -> derived models, from the models that have no base."""

    def grow(entry: ModelEntry, parent: str | None, trail: frozenset[str]) -> Node:
        node = Node(entry, other_bases=tuple(b for b in entry.base_models if b != parent))
        for child in children(catalog, entry.id):
            if child.id not in trail:  # belt and braces: checks refuse cycles
                node.children.append(grow(child, entry.id, trail | {child.id}))
        return node

    roots = [
        e for e in catalog.by_kind.get("model", ())
        if isinstance(e, ModelEntry) and not e.base_models and catalog.derived_models.get(e.id)
    ]
    roots.sort(key=lambda e: (e.date_key, e.id))
    return [grow(root, None, frozenset({root.id})) for root in roots]


def family_forest(roots: list[Node], family: str) -> list[Node]:
    """The trees pruned to the models of ``family`` and their ancestors."""

    def prune(node: Node) -> Node | None:
        kept = [c for c in (prune(child) for child in node.children) if c is not None]
        member = family in node.entry.categories
        if not member and not kept:
            return None
        return Node(node.entry, kept, node.other_bases, in_view=member)

    # A root left without children shows no lineage in this family (GPT-4 with only
    # adaptations of other families): it is left out.
    return [n for n in (prune(root) for root in roots) if n is not None and n.children]


def _walk(nodes: list[Node]):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _depth(nodes: list[Node]) -> int:
    return max((1 + _depth(n.children) for n in nodes), default=0)


def _label(entry: ModelEntry) -> str:
    name = entry.name if len(entry.name) <= LABEL_CHARS else entry.name[: LABEL_CHARS - 1] + "…"
    return f"{name} ({entry.year})"


def lineage_spec(roots: list[Node], family: str | None = None) -> dict:
    """Vega spec: the trees left to right (a hidden root joins the forest into one tree).

    Dots: filled in the family colour for a medical model, hollow for a general-purpose
    base, grey for an ancestor outside the family shown.
    """
    values: list[dict] = [{"id": "~", "parent": None}]
    leaves = 0

    def add(node: Node, parent: str, index: int) -> None:
        nonlocal leaves
        key = f"{parent}/{index}"
        entry = node.entry
        colour = FAMILY_COLOURS.get(family or entry.categories[0], "#888888")
        if not node.in_view:
            fill, stroke = CONTEXT_FILL, "#9aa0a6"
        elif entry.scope == "general":
            fill, stroke = "#ffffff", colour
        else:
            fill, stroke = colour, colour
        values.append({"id": key, "parent": parent, "label": _label(entry), "fill": fill, "stroke": stroke})
        if not node.children:
            leaves += 1
        for i, child in enumerate(node.children):
            add(child, key, i)

    for i, root in enumerate(roots):
        add(root, "~", i)
    depth = max(_depth(roots), 1)
    height = max(ROW * (leaves + len(roots)), 2 * ROW)
    width = (depth - 1) * COLUMN + COLUMN
    shift = f"datum.x - {COLUMN}"  # the hidden root sits one column left of the canvas
    return {
        "$schema": "https://vega.github.io/schema/vega/v5.json",
        "width": width,
        "height": height,
        "padding": 8,
        "background": "#ffffff",
        "data": [
            {
                "name": "tree",
                "values": values,
                "transform": [
                    {"type": "stratify", "key": "id", "parentKey": "parent"},
                    {"type": "tree", "method": "tidy", "size": [height, depth * COLUMN], "as": ["y", "x", "depth", "children"]},
                ],
            },
            {
                "name": "links",
                "source": "tree",
                "transform": [
                    {"type": "treelinks"},
                    {"type": "filter", "expr": "datum.source.depth > 0"},
                    {
                        "type": "linkpath", "orient": "horizontal", "shape": "diagonal",
                        "sourceX": {"expr": f"datum.source.x - {COLUMN}"},
                        "targetX": {"expr": f"datum.target.x - {COLUMN}"},
                    },
                ],
            },
            {"name": "nodes", "source": "tree", "transform": [{"type": "filter", "expr": "datum.depth > 0"}]},
        ],
        "marks": [
            {
                "type": "path",
                "from": {"data": "links"},
                "encode": {"update": {"path": {"field": "path"}}},
            },
            {
                # The label travels as the dot's description: lineage_svg() writes it.
                "type": "symbol",
                "from": {"data": "nodes"},
                "encode": {"update": {
                    "x": {"signal": shift}, "y": {"field": "y"}, "size": {"value": 64},
                    "fill": {"field": "fill"}, "stroke": {"field": "stroke"}, "description": {"field": "label"},
                }},
            },
        ],
    }


def lineage_svg(spec: dict, title: str) -> str:
    """The drawing of :func:`lineage_spec` as SVG, made at build time.

    Vega lays the trees out and draws the links (``vega_to_scenegraph`` through vl-convert,
    nothing fetched); this function writes the scene as SVG, with the labels. Why not
    ``vl_convert.vega_to_svg``: it measures every text mark, about 2.5 ms a label, so the
    3,000-entry benchmark catalogue's 1,700 labels took 4 s per view (7 with halos); the
    scene without text takes a tenth of a second. Labels are escaped: entry names are
    untrusted, and the file can be opened on its own.
    """
    import vl_convert  # imported lazily: only the build needs it

    graph = vl_convert.vega_to_scenegraph(spec)
    ox, oy = graph["origin"]
    marks = {mark["marktype"]: mark["items"] for mark in graph["scenegraph"]["items"][0]["items"]}
    links, dots = marks.get("path", []), marks.get("symbol", [])
    pad = spec["padding"]
    width = max([graph["width"]] + [ox + d["x"] + 12 + _text_width(d.get("description", "")) + pad for d in dots])
    height = graph["height"]
    radius = (64 / math.pi) ** 0.5
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<g transform="translate({_num(ox)},{_num(oy)})">',
        f'<g fill="none" stroke="{LINK_STROKE}" stroke-width="1.2">',
        *(f'<path d="{_path(link["path"])}"/>' for link in links),
        "</g>",
        '<g stroke-width="2">',
        *(f'<circle cx="{_num(d["x"])}" cy="{_num(d["y"])}" r="{radius:.2f}" fill="{escape(d["fill"])}" stroke="{escape(d["stroke"])}"/>'
          for d in dots),
        "</g>",
        # A white halo under each label (paint-order): a link passing behind a label never
        # crosses its letters.
        '<g font-family="sans-serif" font-size="12" stroke="#ffffff" stroke-width="6" stroke-linejoin="round" paint-order="stroke">',
        *(f'<text x="{_num(d["x"] + 8)}" y="{_num(d["y"])}" dy="0.35em" fill="{MUTED if d["fill"] == CONTEXT_FILL else INK}">'
          f'{escape(d.get("description", ""))}</text>' for d in dots),
        "</g>",
        "</g>",
        "</svg>",
    ]
    return "\n".join(out) + "\n"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _path(path: str) -> str:
    """Vega's path with its coordinates to one decimal (smaller files, same drawing)."""
    return re.sub(r"-?\d+\.\d+", lambda m: _num(float(m.group())), path)


def _text_width(text: str) -> float:
    """A generous width of a 12 px sans-serif label (no font is measured at build time)."""
    return 7.0 * len(text)


def lineage_views(r: Renderer, chart: bool) -> list[View]:
    """All trees, then one view per family that has any lineage."""
    roots = forest(r.catalog)
    views = [View("all", "All families", roots, None, 0)]
    for family in r.families:
        pruned = family_forest(roots, family)
        if pruned:
            views.append(View(family, r.taxonomy.label("categories", family), pruned, None, 0))
    for view in views:
        view.models = len({n.entry.id for n in _walk(view.roots)})
        if chart and view.roots:
            view.chart = LINEAGE_CHART.format(view=view.key)
    return views


def lineage_pages(r: Renderer, chart: bool) -> dict[str, str]:
    """The lineage page and, with ``chart``, one SVG per view."""
    views = lineage_views(r, chart)
    pages: dict[str, str] = {}
    sizes: dict[str, tuple[str, str]] = {}
    for view in views:
        if view.chart:
            spec = lineage_spec(view.roots, None if view.key == "all" else view.key)
            svg = lineage_svg(spec, f"Lineage of medical models: {view.title}")
            pages[view.chart] = svg
            sizes[view.key] = _svg_size(svg)
    # Full width: the drawings are wide, and the page has no headings for a sidebar.
    pages[LINEAGE_PAGE] = front_matter(generated=True, search={"exclude": True}, hide=["navigation", "toc"]) + r.render(
        "lineage.md.j2", page=LINEAGE_PAGE, views=views, sizes=sizes, lineage_list=LINEAGE_LIST,
        lineage_roots=LINEAGE_ROOTS)
    return pages


_SIZE = re.compile(r'<svg[^>]*?\swidth="([0-9.]+)"[^>]*?\sheight="([0-9.]+)"')


def _svg_size(svg: str) -> tuple[str, str]:
    """Width and height of an SVG as drawn (Vega grows the canvas to fit the labels)."""
    found = _SIZE.search(svg)
    return (found.group(1), found.group(2)) if found else ("", "")
