"""Read one entry file safely, and find the line and column of any key path in it.

The clean path is fast: libyaml's C parser with Python construction and no position
bookkeeping. Only when a file has a problem is its node tree composed again (:func:`locate`)
to turn a key path such as ``("results", 2, "metric")`` into a line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.resolver import Resolver

from medlm_survey.diagnostics import ERROR, Problem

#: Entries are short documents; a file larger than this is a mistake or an attack.
MAX_FILE_BYTES = 256 * 1024
#: Aliases may not expand a document beyond this many nodes ("billion laughs").
MAX_EXPANDED_NODES = 50_000
#: No entry nests deeper than a few levels; deeper documents are rejected before validation.
MAX_DEPTH = 32

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _implicit_resolvers() -> dict:
    """YAML 1.1's implicit types, minus the ones that silently change entry data.

    Why: ``date: 2023-05-16`` would become a ``datetime.date`` and ``arxiv: 2303.00910``
    the float 2303.0091 (a different paper); ``languages: [no]`` would become ``False``.
    Dates and decimals therefore stay strings for pydantic to parse, and only
    ``true``/``false`` are booleans.
    """
    dropped = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"}
    table = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in dropped]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }
    boolean = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
    for first in "tTfF":
        table.setdefault(first, []).append(("tag:yaml.org,2002:bool", boolean))
    return {k: v for k, v in table.items() if v}


class DuplicateKeyError(ConstructorError):
    """A mapping repeats a key."""


class TooDeepError(ConstructorError):
    """Containers nest deeper than :data:`MAX_DEPTH`."""


class RecursiveAliasError(ConstructorError):
    """An alias refers to a node that contains it."""


class MergeKeyError(ConstructorError):
    """A mapping uses a YAML merge key ('<<')."""


#: How PyYAML's scanner (libyaml 0.2.5+ bundled with PyYAML 6.0.4 and newer) reports
#: nesting beyond its own limit of about 1,000 levels. Recognised so that the diagnostic is
#: ``too-deep`` whichever parser gives up first.
_PARSER_DEPTH_MESSAGES = ("maximum nesting depth", "nesting depth")


_STR, _INT, _NULL, _BOOL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "null", "bool"))
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class EntryLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader (C parser when available) that rejects duplicate keys and deep nesting.

    Why a constructor of its own: entries are plain mappings, lists and scalars, and one
    direct pass over the node tree both checks keys and depth and is faster than PyYAML's
    general-purpose constructor, which keeps validation close to the cost of parsing.
    Anything unusual (other tags, merge keys) goes through PyYAML's safe constructor.
    """

    yaml_implicit_resolvers = _implicit_resolvers()

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        self._built: dict[int, Any] = {}
        self._building: set[int] = set()
        return self._build(node, 1)

    @staticmethod
    def _duplicate(first: yaml.Node, key_node: yaml.Node, name: object) -> DuplicateKeyError:
        return DuplicateKeyError(
            None,
            None,
            f"key '{name}' appears twice (first at line {first.start_mark.line + 1}); "
            "YAML would keep only the last value",
            key_node.start_mark,
        )

    def _build(self, node, depth: int):
        node_type = type(node)
        if node_type is yaml.ScalarNode:
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag == _INT:
                return self.construct_yaml_int(node)
            if tag == _NULL:
                return None
            if tag == _BOOL:
                return self.construct_yaml_bool(node)
            return self.construct_object(node, deep=True)
        if depth > MAX_DEPTH:
            raise TooDeepError(None, None, f"the document nests more than {MAX_DEPTH} levels deep", node.start_mark)
        key = id(node)
        if key in self._built:  # an alias of a node built already
            return self._built[key]
        if key in self._building:
            raise RecursiveAliasError(None, None, "a YAML alias refers to itself", node.start_mark)
        self._building.add(key)
        if node_type is yaml.SequenceNode and node.tag == _SEQ:
            value: Any = [self._build(child, depth + 1) for child in node.value]
        elif node_type is yaml.MappingNode and node.tag == _MAP and all(
            type(k) is yaml.ScalarNode and k.tag == _STR for k, _ in node.value
        ):
            value = {}
            for key_node, value_node in node.value:
                name = key_node.value
                if name in value:
                    first = next(k for k, _ in node.value if k.value == name)
                    raise self._duplicate(first, key_node, name)
                value[name] = self._build(value_node, depth + 1)
        elif node_type is yaml.MappingNode:
            # Block or flow, a mapping whose keys are not all plain strings: merge keys
            # ('<<'), numbers, nulls, booleans or nested keys. PyYAML would silently let a
            # later key win, and a merge silently overrides; entries hold plain data, so
            # both are refused rather than guessed at.
            seen: dict[object, yaml.Node] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise MergeKeyError(
                        None, None, "YAML merge keys ('<<') are not allowed in entries; write the fields out", key_node.start_mark
                    )
                key = self._build(key_node, depth + 1) if type(key_node) is yaml.ScalarNode else id(key_node)
                marker = (type(key), key) if isinstance(key, (bool, int, float)) else key
                if marker in seen:
                    raise self._duplicate(seen[marker], key_node, key_node.value)
                seen[marker] = key_node
            value = self.construct_object(node, deep=True)
        else:
            value = self.construct_object(node, deep=True)
        self._building.discard(key)
        self._built[key] = value
        return value


@dataclass
class ReadResult:
    """What :func:`read_entry` found: the data (or None) and the problems."""

    data: dict | None
    text: str
    problems: list[Problem]


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def _problem(path: str, code: str, message: str, line: int = 1, col: int = 1) -> Problem:
    return Problem(path=path, loc=(), severity=ERROR, code=code, message=message, line=line, col=col)


def _expanded_size(data: Any, limit: int) -> int:
    """Count nodes as if every alias were expanded; stop early past ``limit``.

    Shared sub-objects (what aliases produce) are counted once per reference but computed
    once, so this is linear in the number of distinct objects, not in the expansion.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(obj: Any) -> int:
        if not isinstance(obj, (dict, list)):
            return 1
        key = id(obj)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            raise RecursionError("recursive alias")
        in_progress.add(key)
        children = obj.values() if isinstance(obj, dict) else obj
        total = 1
        for child in children:
            total += size(child)
            if total > limit:
                break
        in_progress.discard(key)
        sizes[key] = total
        return total

    return size(data)


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes -> text, reporting a BOM or invalid UTF-8 with its position."""
    problems: list[Problem] = []
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(
            _problem(path, "byte-order-mark", "the file starts with a UTF-8 byte-order mark; save it without BOM")
        )
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = _position(prefix, len(prefix))
        problems.append(
            _problem(path, "invalid-utf8", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; save the file as UTF-8", line, col)
        )
        return None, problems


def parse(text: str, path: str) -> ReadResult:
    """Parse entry text into a mapping, turning every way it can fail into a problem."""
    problems: list[Problem] = []
    for number, line_text in enumerate(text.splitlines() if "\t" in text else (), start=1):
        indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                _problem(path, "tab-indent", "indentation uses a tab; indent with spaces", number, indent.index("\t") + 1)
            )
    if problems:
        return ReadResult(None, text, problems)
    if not text.strip():
        return ReadResult(None, text, [_problem(path, "empty-file", "the file is empty; an entry is a YAML mapping")])
    try:
        data = yaml.load(text, Loader=EntryLoader)  # noqa: S506 - EntryLoader is a SafeLoader
    except DuplicateKeyError as exc:
        return ReadResult(None, text, [_mark_problem(path, "duplicate-key", exc)])
    except TooDeepError as exc:
        return ReadResult(None, text, [_mark_problem(path, "too-deep", exc)])
    except RecursiveAliasError as exc:
        return ReadResult(None, text, [_mark_problem(path, "alias-limit", exc)])
    except MergeKeyError as exc:
        return ReadResult(None, text, [_mark_problem(path, "merge-key", exc)])
    except ConstructorError as exc:
        if exc.problem and "could not determine a constructor" in exc.problem:
            tag = exc.problem.split("tag", 1)[-1].strip(" '").replace("tag:yaml.org,2002:", "!!")
            message = f"YAML tag {tag} is not allowed; entries hold plain data only"
            return ReadResult(None, text, [_mark_problem(path, "unsafe-tag", exc, message)])
        return ReadResult(None, text, [_mark_problem(path, "yaml-syntax", exc)])
    except yaml.MarkedYAMLError as exc:
        if any(phrase in (exc.problem or "") for phrase in _PARSER_DEPTH_MESSAGES):
            message = f"the document nests more than {MAX_DEPTH} levels deep"
            return ReadResult(None, text, [_mark_problem(path, "too-deep", exc, message)])
        return ReadResult(None, text, [_mark_problem(path, "yaml-syntax", exc)])
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        message = f"character {exc.character!r} is not allowed in YAML"
        return ReadResult(None, text, [_problem(path, "yaml-syntax", message, line, col)])
    except yaml.YAMLError as exc:
        return ReadResult(None, text, [_problem(path, "yaml-syntax", f"not valid YAML: {exc}")])
    except RecursionError:
        return ReadResult(None, text, [_problem(path, "too-deep", "the document is nested too deeply to parse")])
    if ("*" in text or "<<" in text) and isinstance(data, (dict, list)):
        try:
            too_big = _expanded_size(data, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES
        except RecursionError:
            return ReadResult(None, text, [_problem(path, "alias-limit", "a YAML alias refers to itself")])
        if too_big:
            message = f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes"
            return ReadResult(None, text, [_problem(path, "alias-limit", message)])
    if data is None:
        return ReadResult(None, text, [_problem(path, "empty-file", "the file holds no entry, only comments")])
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else "a single value"
        message = f"the top level is {what}; an entry is a mapping such as 'id: my-model'"
        return ReadResult(None, text, [_problem(path, "not-a-mapping", message)])
    return ReadResult(data, text, [])


def _mark_problem(path: str, code: str, exc: yaml.MarkedYAMLError, message: str | None = None) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if message is None:
        parts = [p for p in (exc.context, exc.problem) if p]
        message = "; ".join(parts) or "not valid YAML"
        if code == "yaml-syntax":
            message = f"YAML syntax: {message}"
    return _problem(path, code, message, line, col)


def read_entry(raw: bytes, path: str) -> ReadResult:
    """Bytes of one entry file -> mapping and problems. Never raises for bad input."""
    if len(raw) > MAX_FILE_BYTES:
        message = f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"
        return ReadResult(None, "", [_problem(path, "file-too-large", message)])
    text, problems = decode(raw, path)
    if text is None:
        return ReadResult(None, "", problems)
    result = parse(text, path)
    result.problems[:0] = problems
    return result


def find_child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """Child of ``node`` at ``part``: (key node or item node, value node)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                return key_node, value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item, item
    return None


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (with start marks), or None when it cannot be parsed."""
    try:
        return yaml.compose(text, Loader=EntryLoader)
    except (yaml.YAMLError, RecursionError):
        return None


def position_in(node: yaml.Node | None, loc: tuple[str | int, ...], at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the deepest node along ``loc`` that exists under ``node``.

    A missing key points at the mapping that should hold it; ``at_key`` points at a key
    itself rather than its value (for unknown field names).
    """
    if node is None:
        return 1, 1
    mark = node.start_mark
    for index, part in enumerate(loc):
        found = find_child(node, part)
        if found is None:
            break
        key_node, node = found
        mark = key_node.start_mark if (at_key and index == len(loc) - 1) else node.start_mark
    return mark.line + 1, mark.column + 1
