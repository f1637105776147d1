"""Draft entries for ``medlm-survey new``: from arXiv, Crossref or a BibTeX record.

A draft holds what the source knows (title, authors, date, DOI, venue; see
:class:`~medlm_survey.papers.PaperRecord`) and a ``TODO`` marker wherever a person must
decide: the name when the title does not give one, the categories and modalities, the
summary in their own words, and any fact the source lacks (a date without a month, a title).
A draft never overwrites a file, and a paper or id already in the catalogue is refused with
the file that has it (:func:`refusal`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from medlm_survey.arxiv_client import ArxivRecord
from medlm_survey.catalog import Catalog, entry_files, locate_problems
from medlm_survey.checks import NAME_CUTOFF, TITLE_CUTOFF, normalise
from medlm_survey.diagnostics import Diagnostic, Problem
from medlm_survey.papers import PaperRecord
from medlm_survey.schema import SCHEMA_VERSION, SLUG, CorporateAuthor
from medlm_survey.taxonomy import Taxonomy
from medlm_survey.validation import validate_entry
from medlm_survey.yaml_source import compose, position_in, read_entry

TODO = "TODO"
_SLUG_RE = re.compile(SLUG)
#: A title prefix such as "BiomedCLIP:" names the model when it is this short.
_MAX_NAME_WORDS = 4
#: What a model name is made of ('Med-PaLM 2', 'LLaVA-Med', 'SAM-Med3D', 'BioGPT-1.5').
_NAME_RE = re.compile(r"^[\w][\w .+-]*$")


class DraftRefused(Exception):
    """The draft would duplicate or overwrite something; the message says what."""


def slugify(text: str) -> str:
    """'Med-PaLM 2' -> 'med-palm-2', 'Çelik' -> 'celik'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def title_name(title: str) -> str | None:
    """The short name before a colon in a title ('BiomedCLIP: a multimodal ...' -> 'BiomedCLIP')."""
    head, sep, _ = title.partition(":")
    head = head.strip()
    if sep and _NAME_RE.match(head) and len(head.split()) <= _MAX_NAME_WORDS:
        return head
    return None


def as_paper(record: ArxivRecord | PaperRecord) -> PaperRecord:
    return PaperRecord.from_arxiv(record) if isinstance(record, ArxivRecord) else record


def suggest_id(record: ArxivRecord | PaperRecord) -> str:
    """A file name for the draft: the title's short name, else first author's surname and year."""
    paper = as_paper(record)
    name = title_name(paper.title)
    if name and slugify(name):
        return slugify(name)
    year = (paper.date or "")[:4] or (str(paper.year) if paper.year else "")
    suggested = slugify(f"{paper.first_surname or 'paper'} {year}")
    if suggested and suggested != "paper":
        return suggested
    if paper.arxiv_id:
        return slugify(f"arxiv {paper.arxiv_id}")
    return slugify(f"doi {paper.doi}") if paper.doi else "paper"


def is_slug(value: str) -> bool:
    return bool(_SLUG_RE.match(value))


def files_citing(root: Path, arxiv_id: str) -> list[str]:
    """Entry files (valid or not) whose paper.arxiv is ``arxiv_id``.

    Why read the files rather than the catalogue: an entry with a schema error is not in
    the catalogue, yet it already claims the paper.
    """
    pattern = re.compile(rf"^\s*arxiv:\s*[\"']?{re.escape(arxiv_id)}[\"']?\s*(?:#.*)?$", re.MULTILINE)
    return _files_matching(root, pattern)


def files_citing_doi(root: Path, doi: str) -> list[str]:
    """Entry files (valid or not) whose paper.doi is ``doi``, compared case-insensitively."""
    pattern = re.compile(rf"^\s*doi:\s*[\"']?{re.escape(doi.strip())}[\"']?\s*(?:#.*)?$", re.MULTILINE | re.IGNORECASE)
    return _files_matching(root, pattern)


#: What to do instead of drafting a paper the catalogue has.
_EDIT_ADVICE = "edit that entry, or if the paper introduced a second entry, copy it and link the two with same_paper_as"


def refusal(root: Path, catalog: Catalog, *, arxiv_id: str | None = None, doi: str | None = None,
            entry_id: str | None = None) -> str | None:
    """Why a draft must not be written (the paper or the id is catalogued, naming the file), or None."""
    if arxiv_id and (citing := files_citing(root, arxiv_id)):
        return f"arXiv {arxiv_id} is already in {', '.join(citing)}; {_EDIT_ADVICE}"
    if doi and (citing := files_citing_doi(root, doi)):
        return f"DOI {doi} is already in {', '.join(citing)}; {_EDIT_ADVICE}"
    if entry_id and entry_id in catalog.paths:
        return f"id '{entry_id}' is already used by {catalog.paths[entry_id]}; choose another --id"
    return None


def _files_matching(root: Path, pattern: re.Pattern) -> list[str]:
    found = []
    for file in entry_files(root):
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if pattern.search(text):
            found.append(file.relative_to(root).as_posix())
    return found


def similar_entries(catalog: Catalog, record: ArxivRecord | PaperRecord, name: str | None) -> list[str]:
    """Warnings about existing entries whose name or paper title nearly matches the draft's."""
    warnings = []
    title = normalise(record.title)
    wanted_name = normalise(name) if name else ""
    for entry in catalog.entries:
        path = catalog.paths[entry.id]
        if title and entry.paper and fuzz.ratio(title, normalise(entry.paper.title)) >= TITLE_CUTOFF:
            warnings.append(f"the title nearly matches the paper of {path} ('{entry.paper.title}'); is it the same paper?")
            continue
        if wanted_name:
            for other in (entry.name, *entry.aliases):
                if fuzz.ratio(wanted_name, normalise(other)) >= NAME_CUTOFF:
                    warnings.append(f"the name '{name}' nearly matches '{other}' of {path}; is it the same {entry.kind}?")
                    break
    return warnings


def _quote(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, whatever the title contains.
    return json.dumps(text, ensure_ascii=False)


def _terms(taxonomy: Taxonomy | None, vocabulary: str) -> str:
    return ", ".join(taxonomy.ids(vocabulary)) if taxonomy else f"see taxonomy.yaml ({vocabulary})"


def _author(author: str | CorporateAuthor) -> str:
    if isinstance(author, CorporateAuthor):
        return f"{{corporate: {_quote(author.corporate)}}}"
    return _quote(author)


def render_draft(
    record: ArxivRecord | PaperRecord, kind: str, entry_id: str, name: str | None, taxonomy: Taxonomy | None
) -> str:
    """The YAML text of a draft entry: the source's facts filled in, TODO where a person decides."""
    paper = as_paper(record)
    if paper.date:
        date = f'date: "{paper.date}"  # {paper.date_note}'
    else:
        given = f" (the source gives the year {paper.year})" if paper.year else ""
        date = f"date: {_quote(TODO + ': YYYY-MM-DD or YYYY-MM of the first public release' + given)}"
    lines = [
        "# yaml-language-server: $schema=../../schema/entry.schema.json",
        f"# Draft written by `medlm-survey new` from {paper.source}. Replace every TODO,",
        "# delete the optional lines that do not apply, then run `medlm-survey validate`.",
        f"schema_version: {SCHEMA_VERSION}",
        f"id: {entry_id}",
        f"kind: {kind}",
        f"name: {_quote(name) if name else _quote(TODO + ': the name its authors use')}",
        f"categories: [{TODO}]  # one or more of: {_terms(taxonomy, 'categories')}",
        "summary: >-",
        f"  {TODO}: one to four sentences in your own words on what it is and what it is for;",
        "  do not copy the abstract.",
        date,
        "paper:",
        f"  title: {_quote(paper.title or TODO + ': the title as published')}",
    ]
    if paper.authors:
        lines += [
            f"  authors: [{', '.join(_author(a) for a in paper.authors)}]",
            f"  authors_complete: {'true' if paper.authors_complete else 'false'}  # {paper.authors_note}",
        ]
    else:
        lines.append(f"  authors: [{TODO}]  # in paper order: First Last, or Last, First for a surname of several words")
    if paper.venue:
        lines.append(f"  venue: {_quote(paper.venue)}  # {paper.venue_note}")
        if paper.year:
            lines.append(f"  year: {paper.year}")
    if paper.arxiv_id:
        lines.append(f'  arxiv: "{paper.arxiv_id}"')
    if paper.doi:
        lines.append(f"  doi: {_quote(paper.doi)}")
    if paper.url:
        lines.append(f"  url: {_quote(paper.url)}")
    if not (paper.arxiv_id or paper.doi or paper.url):
        lines.append(f"  url: {_quote(TODO + ': https:// address of the paper, or give arxiv or doi instead')}")
    lines += [
        "# links:",
        "#   code: https://...",
        "# organizations: []",
        "# license: ...  # SPDX id, LicenseRef-<name>, 'proprietary', 'NONE' or 'unknown'",
        f"modalities: [{TODO}]  # any of: {_terms(taxonomy, 'modalities')}",
        "# tasks, specialties and languages: terms from taxonomy.yaml",
    ]
    if kind == "model":
        lines += [
            "# variants:  # every released size: results name one in `variant`",
            "#   - {name: 7B, parameters: 7B}",
            "# base_models: []  # ids of model entries",
            "# trained_on: []  # ids of dataset entries; leave out if not known (= not recorded)",
            "# trained_on_partial: ...  # when the sources name only part of the training data: what is missing",
            "# results:  # each score as printed, with its setting and where it was read",
            "#   - {benchmark: medqa, metric: accuracy, value: 0, split: test, shots: 0, source: {paper: self, locator: Table 2}}",
        ]
    elif kind in ("dataset", "benchmark"):
        lines += ["# size: ...", "# built_from: []  # ids of dataset entries"]
        if kind == "benchmark":
            lines += ["# metrics: [accuracy]"]
    elif kind == "survey":
        lines += ["# covers: []  # ids of entries the survey discusses"]
    return "\n".join(lines) + "\n"


def write_draft(root: Path, kind: str, entry_id: str, text: str) -> str:
    """Create ``entries/<kind>/<id>.yaml``; never overwrite. Returns the path relative to ``root``."""
    rel = f"entries/{kind}/{entry_id}.yaml"
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise DraftRefused(f"{rel} already exists; choose another --id") from None
    return rel


@dataclass
class DraftCheck:
    """What is left to do in a draft: TODO fields with their line, and other problems."""

    todo: list[tuple[str, int]]
    diagnostics: list[Diagnostic]


def _todo_locs(data: object, loc: tuple = ()) -> list[tuple]:
    if isinstance(data, str):
        return [loc] if TODO in data else []
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in _todo_locs(value, (*loc, key))]
    if isinstance(data, list):
        if any(isinstance(item, str) and TODO in item for item in data):
            return [loc]
        return [found for i, item in enumerate(data) for found in _todo_locs(item, (*loc, i))]
    return []


def check_draft(root: Path, rel: str, taxonomy: Taxonomy | None) -> DraftCheck:
    """Validate a draft; problems on TODO fields are the TODOs themselves and listed as such."""
    text = (root / rel).read_text(encoding="utf-8")
    read = read_entry(text.encode("utf-8"), rel)
    problems: list[Problem] = list(read.problems)
    todo: list[tuple[str, int]] = []
    if read.data is not None:
        locs = _todo_locs(read.data)
        node = compose(text)
        todo = [(".".join(map(str, loc)), position_in(node, loc)[0]) for loc in locs]
        _, entry_problems = validate_entry(read.data, rel, taxonomy)
        problems += [p for p in entry_problems if not any(p.loc[: len(loc)] == loc for loc in locs)]
    return DraftCheck(todo=todo, diagnostics=locate_problems(problems, {rel: text}))


@dataclass
class Drafted:
    """A draft written: its path, the warnings about similar entries, what is left to do."""

    rel: str
    warnings: list[str]
    check: DraftCheck


def draft_paper(root: Path, catalog: Catalog, record: PaperRecord, kind: str, entry_id: str | None = None) -> Drafted:
    """Refuse, or write and check the draft of one paper (the id defaults to :func:`suggest_id`).

    Raises:
        DraftRefused: the paper's arXiv id or DOI, or the id, is catalogued, or the file exists.
    """
    entry_id = entry_id or suggest_id(record)
    reason = refusal(root, catalog, arxiv_id=record.arxiv_id, doi=record.doi, entry_id=entry_id)
    if reason:
        raise DraftRefused(reason)
    name = title_name(record.title)
    warnings = similar_entries(catalog, record, name)
    rel = write_draft(root, kind, entry_id, render_draft(record, kind, entry_id, name, catalog.taxonomy))
    return Drafted(rel, warnings, check_draft(root, rel, catalog.taxonomy))
