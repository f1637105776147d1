"""Diagnostics: one problem, one line, with a stable code a contributor can look up.

Library code collects :class:`Diagnostic` records and never prints; the CLI and the site
build choose how to present them (:data:`FORMATTERS`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
#: Context for another diagnostic (which file to fix first); counts neither as error nor warning.
NOTE = "note"

#: Every code a diagnostic can carry, with what it means. The docs page and ``medlm-survey
#: codes`` are generated from this table, and a test checks that no other code is emitted.
CODES: dict[str, str] = {
    # reading the file
    "file-too-large": "The file is larger than the per-file limit; entries are short documents.",
    "invalid-utf8": "The file is not valid UTF-8 text.",
    "byte-order-mark": "The file starts with a byte-order mark; save it as UTF-8 without BOM.",
    "tab-indent": "A line is indented with a tab; YAML indentation must use spaces.",
    "yaml-syntax": "The file is not valid YAML.",
    "unsafe-tag": "A YAML tag such as !!python/object was used; only plain data is allowed.",
    "duplicate-key": "The same key appears twice in one mapping (YAML would silently keep the last).",
    "too-deep": "The document nests deeper than any entry needs.",
    "merge-key": "A YAML merge key ('<<') was used; entries write their fields out.",
    "alias-limit": "YAML aliases expand to too many nodes (or refer to themselves).",
    "empty-file": "The file holds no entry.",
    "not-a-mapping": "The top level of an entry must be a mapping of field names to values.",
    # one entry against the schema and taxonomy
    "missing-field": "A required field is absent.",
    "unknown-field": "A field name is not part of the schema for this kind.",
    "wrong-type": "A value has the wrong type (for example a string where a list is expected).",
    "invalid-value": "A value breaks the field's format or allowed range.",
    "unknown-kind": "`kind` is not one of model, dataset, benchmark, survey.",
    "unknown-term": "A term is not in taxonomy.yaml.",
    "wrong-access": "The access term does not apply to this kind (model terms vs. data terms).",
    "invalid-id": "The id is not a lowercase slug.",
    "invalid-date": "A date is not YYYY-MM or YYYY-MM-DD, or not a real calendar date.",
    "future-date": "A date lies in the future.",
    "date-too-early": "A date lies before 1950.",
    "schema-version": "The file does not declare schema_version 2 (run `medlm-survey migrate` on version 1 files).",
    "control-character": "A text holds an invisible control character (it would also break XML exports).",
    "invalid-arxiv": "An arXiv id is malformed or carries a URL, prefix or version suffix (2305.09617, q-bio/0401001).",
    "invalid-doi": "A DOI is not bare (10.1038/s41586-023-06291-2), or carries a bioRxiv/medRxiv version suffix.",
    "invalid-source": "A score's source names both a catalogued paper and an external arXiv id or DOI.",
    "contradictory-setting": "A score's shots and prompting terms contradict each other (zero-shot with shots 3).",
    "value-out-of-scale": "A score lies outside the range of the scale it is printed on (accuracy 187.3).",
    "contradictory-size": "A model says sizes_not_disclosed but a variant records its parameters.",
    "partial-without-list": "A model says trained_on_partial but trained_on lists no dataset.",
    "unknown-variant": "A score names a variant the entry does not list.",
    "duplicate-variant": "Two variants of one entry have the same name.",
    "suspicious-scale": "A percent-scale score is at most 1: probably a fraction of 1 written without scale: unit.",
    "invalid-url": "A link is not an https:// URL.",
    "invalid-license": "The license is not an SPDX id, a LicenseRef-<name>, 'proprietary', 'NONE' or 'unknown'.",
    "invalid-parameters": "The parameter count is not a number with a K/M/B/T suffix (e.g. 7B).",
    "missing-source": "The entry names no paper.arxiv, paper.doi or paper.url to check it against.",
    "summary-length": "The summary is longer than four sentences.",
    "markup-in-text": "Plain-text fields should not contain HTML or Markdown markup.",
    # across entries
    "wrong-directory": "The file lies in a folder that does not match its kind.",
    "id-mismatch": "The id differs from the file name.",
    "duplicate-id": "Two files declare the same id.",
    "unknown-reference": "A reference names no entry of the catalogue.",
    "wrong-reference-kind": "A reference names an entry of the wrong kind.",
    "self-reference": "An entry refers to itself.",
    "base-model-cycle": "base_models links form a cycle.",
    "duplicate-arxiv": "Two entries share an arXiv id without declaring same_paper_as.",
    "duplicate-doi": "Two entries share a DOI without declaring same_paper_as.",
    "same-paper-mismatch": "same_paper_as names an entry that does not share the paper.",
    "near-duplicate": "A name, alias or paper title nearly matches another entry's.",
    "unknown-subset": "A result names a subset the benchmark does not list.",
    "unknown-metric": "A result names a metric the benchmark does not list.",
    "result-before-benchmark": "A score is dated before its benchmark was released.",
    "duplicate-score": "A model records the same number from the same paper and setting twice.",
    "fix-first": "An entry failed validation and other entries refer to it: fix this file first.",
    "unused-acknowledgement": "An entry acknowledges a warning it no longer has; remove the acknowledgement.",
    # against arXiv (`medlm-survey verify`)
    "arxiv-not-found": "arXiv has no paper with this id.",
    "arxiv-title-mismatch": "The arXiv id points at a paper with a different title (a wrong id, or a wrong title).",
    "arxiv-author-mismatch": "The first author's surname differs from arXiv's first author.",
    "arxiv-date-mismatch": "The date lies more than a month from the paper's first arXiv version.",
    "arxiv-unchecked": "arXiv could not be asked (no network, timeout, rate limit); the entry was not checked.",
    # scores against the papers they cite (`medlm-survey verify --scores`)
    "score-not-found": "A score's value is printed neither in the table its locator names nor elsewhere in the cited arXiv paper.",
    "score-found-elsewhere": "A score's value is in the cited paper, but not in the table its locator names (another table: warning; only the text: note).",
    "score-unchecked": "A score could not be checked: its source has no arXiv paper, the paper could not be fetched, or the number is in a figure.",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place. Lines and columns are 1-based."""

    path: str
    line: int
    col: int
    severity: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}[{self.code}] {self.message}"


@dataclass
class Problem:
    """A diagnostic whose position is still a path of keys into the YAML document.

    Why: finding line and column needs the YAML node tree, which only files with problems
    pay for (see :func:`medlm_survey.yaml_source.locate`).
    """

    path: str
    loc: tuple[str | int, ...]
    severity: str
    code: str
    message: str
    at_key: bool = False
    line: int | None = None
    col: int | None = None
    extra: dict = field(default_factory=dict)


def counts(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for diagnostic in diagnostics:
        if diagnostic.severity == ERROR:
            errors += 1
        elif diagnostic.severity == WARNING:
            warnings += 1
    return errors, warnings


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def summary_line(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """``"235 files checked: 234 valid, 1 with errors; 3 errors, 0 warnings"``.

    A file is valid when no error points into it; cross-entry errors count for the file
    they are reported on.
    """
    errors, warnings = counts(diagnostics)
    failing = len({d.path for d in diagnostics if d.severity == ERROR})
    return (
        f"{_plural(files, 'file')} checked: {files - failing} valid, {failing} with errors; "
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    )


def _escape_github(text: str, *, property_value: bool = False) -> str:
    # Workflow commands treat %, CR and LF specially; properties also ':' and ','.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_text(diagnostics: Sequence[Diagnostic]) -> list[str]:
    return [str(d) for d in diagnostics]


def format_github(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """GitHub Actions workflow commands, so problems show inline on the pull request."""
    lines = []
    for d in diagnostics:
        command = {ERROR: "error", WARNING: "warning"}.get(d.severity, "notice")
        props = (
            f"file={_escape_github(d.path, property_value=True)},line={d.line},col={d.col},"
            f"title={_escape_github(d.code, property_value=True)}"
        )
        lines.append(f"::{command} {props}::{_escape_github(d.message)}")
    return lines


def format_json(diagnostics: Sequence[Diagnostic]) -> list[str]:
    errors, warnings = counts(diagnostics)
    document = {
        "errors": errors,
        "warnings": warnings,
        "diagnostics": [asdict(d) for d in diagnostics],
    }
    return [json.dumps(document, indent=2, ensure_ascii=False)]


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
