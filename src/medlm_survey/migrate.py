"""Rewrite version-1 entry files in the version-2 format, keeping comments and key order.

What changes (see CONTRIBUTING, "Entry format versions"):

- ``schema_version: 2`` is added as the first key;
- ``parameters: 7B`` becomes a ``variants`` list; every variant a score names is listed;
- each score's ``source: "Table 2"`` + ``reported_by: x`` become
  ``source: {paper: x, locator: "Table 2"}``;
- ``prompting: zero-shot`` becomes a list, and a zero-shot score without ``shots`` gets
  ``shots: 0``;
- a score of a metric whose natural scale is 0-1 (AUROC, Dice, concordance index) written
  above 1 was written in percent: it keeps its value and gains ``scale: percent``, so the
  record says which scale the number is on instead of a silent hand conversion;
- an author that names a team ("Gemini Team", "... Consortium") becomes ``{corporate: ...}``.

Why ruamel.yaml: it round-trips YAML with comments, quoting and flow style intact, so a
migrated file differs from the original only where the format changed.
"""

from __future__ import annotations

import io
import re

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from medlm_survey.schema import _PARAMS_RE, SCHEMA_VERSION

#: Metrics whose natural scale is 0-1 in version 2 (taxonomy.yaml `metrics`, scale: unit).
UNIT_METRICS = frozenset({"auroc", "auprc", "dice", "iou", "nsd", "ci", "bertscore", "radgraph-f1", "green", "ndcg@10", "map"})
_TEAM_RE = re.compile(r"\b(?:Team|Consortium|Group|Collaboration|Collaborative)$")


class MigrationError(ValueError):
    """The file cannot be migrated (not YAML, not a mapping); the message says why."""


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _flow_map(items: list[tuple[str, object]]) -> CommentedMap:
    mapping = CommentedMap(items)
    mapping.fa.set_flow_style()
    return mapping


def _replace_key(mapping: CommentedMap, old: str, new: str, value: object) -> None:
    """Put ``new: value`` where ``old`` was (or at the end), removing ``old``."""
    keys = list(mapping)
    position = keys.index(old) if old in mapping else len(keys)
    if old in mapping:
        del mapping[old]
    mapping.insert(position, new, value)


def migrate_result(result: CommentedMap) -> None:
    # A comment after an item's last key is stored on that key; keep it on whichever key
    # ends the item once 'source' and 'reported_by' have been rewritten.
    trailing = result.ca.items.get(list(result)[-1]) if len(result) else None
    _rewrite_result(result)
    if trailing is not None and len(result):
        result.ca.items[list(result)[-1]] = trailing


def _rewrite_result(result: CommentedMap) -> None:
    locator = result.get("source")
    reported_by = result.get("reported_by", "self")
    source = _flow_map([("paper", reported_by), ("locator", locator if locator else "not recorded")])
    if "source" in result:
        _replace_key(result, "source", "source", source)
    else:
        result["source"] = source
    result.pop("reported_by", None)
    prompting = result.get("prompting")
    if isinstance(prompting, str):
        seq = CommentedSeq([prompting])
        seq.fa.set_flow_style()
        result["prompting"] = seq
        if prompting == "zero-shot" and result.get("shots") is None:
            keys = list(result)
            result.insert(keys.index("prompting"), "shots", 0)
    value = result.get("value")
    if result.get("metric") in UNIT_METRICS and isinstance(value, (int, float)) and value > 1 and "scale" not in result:
        keys = list(result)
        result.insert(keys.index("value") + 1, "scale", "percent")


def _variants(entry: CommentedMap) -> CommentedSeq | None:
    names: list[str] = []
    parameters = entry.get("parameters")
    for result in entry.get("results") or ():
        variant = result.get("variant")
        if variant is not None and str(variant) not in names:
            names.append(str(variant))
    if parameters is not None and str(parameters) not in names:
        names.append(str(parameters))
    if not names:
        return None
    variants = CommentedSeq()
    for name in names:
        items: list[tuple[str, object]] = [("name", name)]
        if _PARAMS_RE.match(name):
            items.append(("parameters", name))
        variants.append(_flow_map(items))
    return variants


def migrate_data(entry: CommentedMap) -> bool:
    """Migrate one parsed entry in place. Returns False when it is already version 2."""
    if entry.get("schema_version") == SCHEMA_VERSION:
        return False
    entry.insert(0, "schema_version", SCHEMA_VERSION)
    paper = entry.get("paper")
    if isinstance(paper, dict):
        authors = paper.get("authors") or []
        for index, author in enumerate(authors):
            if isinstance(author, str) and _TEAM_RE.search(author):
                authors[index] = _flow_map([("corporate", author)])
    if entry.get("kind") == "model":
        variants = _variants(entry)
        if variants is not None:
            anchor = "parameters" if "parameters" in entry else "base_models" if "base_models" in entry else "results"
            if anchor == "parameters":
                _replace_key(entry, "parameters", "variants", variants)
            else:
                keys = list(entry)
                entry.insert(keys.index(anchor) if anchor in entry else len(keys), "variants", variants)
        else:
            entry.pop("parameters", None)
        for result in entry.get("results") or ():
            migrate_result(result)
    return True


def migrate_text(text: str) -> tuple[str, bool]:
    """Version-1 YAML text -> (version-2 text, changed).

    Raises:
        MigrationError: the text is not a YAML mapping.
    """
    yaml = _yaml()
    try:
        data = yaml.load(text)
    except Exception as exc:  # ruamel raises many error types for broken input
        raise MigrationError(f"not valid YAML: {exc}") from exc
    if not isinstance(data, CommentedMap):
        raise MigrationError("the top level is not a mapping")
    if not migrate_data(data):
        return text, False
    out = io.StringIO()
    yaml.dump(data, out)
    # ruamel writes a one-pair mapping inside a flow list without braces
    # ("[corporate: Gemini Team]"); the braces make it readable as a mapping.
    text = _BARE_CORPORATE_RE.sub(r"\1{corporate: \2}", out.getvalue())
    return text, True


_BARE_CORPORATE_RE = re.compile(r"(\[|, )corporate: ([^,\]\n]+)")
