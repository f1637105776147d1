"""Rules across entries: references, lineage cycles, shared papers, near-duplicates, dates.

Each rule is a function ``(entries, paths) -> list[Problem]`` registered in :data:`RULES`, so
each can be tested on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

import numpy as np
from rapidfuzz import fuzz, process

from medlm_survey import identifiers
from medlm_survey.diagnostics import ERROR, NOTE, WARNING, Problem
from medlm_survey.schema import KINDS, BenchmarkEntry, EntryBase, ModelEntry
from medlm_survey.suggest import hint

Entries = Mapping[str, EntryBase]
Paths = Mapping[str, str]

#: Similarity (rapidfuzz ratio, 0-100) from which two normalised names count as near-duplicates.
NAME_CUTOFF = 90.0
TITLE_CUTOFF = 92.0
#: Runs of anything but letters and digits, in any script (\W without the underscore).
_SEPARATORS = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
#: Roman numerals that stand for versions. Single letters (I, V, X) are left alone: in
#: names they are far more often words or initials ('X-ray', 'Model I') than versions.
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}


def _tokens(text: str) -> list[str]:
    """Letters and digits of every script, NFKC-normalised and case-folded, with roman
    version numerals written as digits: 'Llama II' -> ['llama', '2']."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [_ROMAN.get(token, token) for token in _SEPARATORS.split(folded) if token]


def version_marks(text: str) -> list[str]:
    """Version numbers, roman or arabic: what tells 'MIMIC-III' from 'MIMIC-IV', and what
    makes 'Llama 2' and 'Llama II' the same."""
    return [number.lstrip("0") or "0" for token in _tokens(text) for number in _DIGITS.findall(token)]


def loc_label(loc: tuple) -> str:
    """('results', 2, 'benchmark') -> 'results[2].benchmark'."""
    label = ""
    for part in loc:
        label += f"[{part}]" if isinstance(part, int) else (f".{part}" if label else str(part))
    return label


def check_references(entries: Entries, paths: Paths, broken: Mapping[str, str] | None = None) -> list[Problem]:
    """Every reference names an existing entry of an allowed kind, and not itself.

    Args:
        broken: id -> path of entry files that exist but failed validation. References to
            them are not dangling: the broken file gets one ``fix-first`` note instead.
    """
    broken = broken or {}
    problems = []
    pointing: dict[str, set[str]] = defaultdict(set)
    for entry in entries.values():
        path = paths[entry.id]
        for loc, target, kinds in entry.references():
            found = entries.get(target)
            if found is not None and found.kind in kinds and target != entry.id:
                continue  # the common case: nothing to report
            field = loc_label(loc)
            if target == entry.id:
                problems.append(Problem(path, loc, ERROR, "self-reference", f"{field} names this entry itself"))
                continue
            if found is None and target in broken:
                pointing[target].add(path)
            elif found is None:
                candidates = [e.id for e in entries.values() if e.kind in kinds] + list(broken)
                what = " or ".join(kinds) if len(kinds) < len(KINDS) else "entry"
                suggestion = hint(target, candidates)
                general = " (a general-purpose base model gets scope: general)" if kinds == ("model",) else ""
                advice = f"add entries/{kinds[0]}/{target}.yaml{general} or remove the reference"
                problems.append(
                    Problem(
                        path,
                        loc,
                        ERROR,
                        "unknown-reference",
                        f"{field} names '{target}', which is no {what} of the catalogue"
                        + (f"{suggestion} Otherwise {advice}" if suggestion else f"; {advice}"),
                    )
                )
            elif found.kind not in kinds:
                problems.append(
                    Problem(
                        path,
                        loc,
                        ERROR,
                        "wrong-reference-kind",
                        f"{field} must name a {' or '.join(kinds)} entry, but '{target}' is a {found.kind}",
                    )
                )
    for target, sources in sorted(pointing.items()):
        problems.append(
            Problem(
                broken[target],
                (),
                NOTE,
                "fix-first",
                f"'{target}' failed validation and {len(sources)} other file(s) refer to it "
                f"({', '.join(sorted(sources)[:3])}{', ...' if len(sources) > 3 else ''}); fix this file first",
            )
        )
    return problems


def check_base_model_cycles(entries: Entries, paths: Paths) -> list[Problem]:
    """base_models must form a forest: following them never comes back."""
    problems = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[frozenset[str]] = set()

    def visit(entry_id: str, trail: list[str]) -> None:
        state[entry_id] = 1
        entry = entries[entry_id]
        for index, base in enumerate(entry.base_models if isinstance(entry, ModelEntry) else ()):
            if base not in entries or base == entry_id:
                continue
            if state.get(base) == 1:
                cycle = trail[trail.index(base):] + [entry_id]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    loop = " -> ".join([*cycle, base])
                    problems.append(
                        Problem(paths[entry_id], ("base_models", index), ERROR, "base-model-cycle", f"base_models form a cycle: {loop}")
                    )
            elif base not in state:
                visit(base, trail + [entry_id])
        state[entry_id] = 2

    for entry_id in sorted(entries):
        if entry_id not in state:
            visit(entry_id, [])
    return problems


def _declared_same_paper(a: EntryBase, b: EntryBase) -> bool:
    return b.id in a.same_paper_as or a.id in b.same_paper_as


def check_shared_papers(entries: Entries, paths: Paths) -> list[Problem]:
    """An arXiv id or DOI belongs to one entry unless the entries declare same_paper_as."""
    problems = []
    for field, code in (("arxiv", "duplicate-arxiv"), ("doi", "duplicate-doi")):
        groups: dict[str, list[EntryBase]] = defaultdict(list)
        for entry in entries.values():
            value = getattr(entry.paper, field, None) if entry.paper else None
            if value:
                groups[identifiers.doi_key(value) if field == "doi" else value].append(entry)
        for group in groups.values():
            group.sort(key=lambda e: paths[e.id])
            for later_index, later in enumerate(group):
                for earlier in group[:later_index]:
                    if not _declared_same_paper(earlier, later):
                        label = "arXiv id" if field == "arxiv" else "DOI"
                        problems.append(
                            Problem(
                                paths[later.id],
                                ("paper", field),
                                ERROR,
                                code,
                                f"{label} {getattr(later.paper, field)} is also used by {paths[earlier.id]}; "
                                f"if both come from one paper, add same_paper_as: [{earlier.id}] here "
                                f"and same_paper_as: [{later.id}] there",
                            )
                        )
    for entry in entries.values():
        for index, other_id in enumerate(entry.same_paper_as):
            other = entries.get(other_id)
            if other is None or other_id == entry.id:
                continue  # reported by check_references
            mine, theirs = _paper_keys(entry), _paper_keys(other)
            if not mine & theirs:
                problems.append(
                    Problem(
                        paths[entry.id],
                        ("same_paper_as", index),
                        WARNING,
                        "same-paper-mismatch",
                        f"same_paper_as names '{other_id}', but the two entries share no arXiv id or DOI",
                    )
                )
    return problems


def _paper_keys(entry: EntryBase) -> set[tuple[str, str]]:
    keys = set()
    if entry.paper and entry.paper.arxiv:
        keys.add(("arxiv", entry.paper.arxiv))
    if entry.paper and entry.paper.doi:
        keys.add(("doi", identifiers.doi_key(entry.paper.doi)))
    return keys


def normalise(text: str) -> str:
    """Letters and digits of any script, case-folded: 'Med-PaLM 2' -> 'medpalm2',
    '华佗GPT' -> '华佗gpt', 'Llama II' -> 'llama2'."""
    return "".join(_tokens(text))


def similar_pairs(
    strings: list[str], cutoff: float, block: int, changed: set[int] | None = None, memo: dict | None = None
) -> set[tuple[int, int]]:
    """:func:`_similar_pairs`, remembering its answer in ``memo`` (a dict kept between runs by
    the validation cache): next time only the strings not seen before are compared, and the
    pairs of strings seen before are taken from the memo. The result is the same: whether
    two strings are similar depends on the two strings alone (their ratio, and the blocks
    their own characters put them in).
    """
    if memo is None or changed is not None:
        return _similar_pairs(strings, cutoff, block, changed)
    key = (cutoff, block)
    previous = memo.get(key)
    if previous is None:
        pairs = _similar_pairs(strings, cutoff, block, None)
    else:
        seen: set[str] = previous["strings"]
        pairs = _similar_pairs(strings, cutoff, block, {i for i, text in enumerate(strings) if text not in seen})
        where: dict[str, list[int]] = defaultdict(list)
        for index, text in enumerate(strings):
            where[text].append(index)
        for a, b in previous["pairs"]:
            for i in where.get(a, ()):
                for j in where.get(b, ()):
                    pairs.add((min(i, j), max(i, j)))
        for indexes in where.values():  # equal strings are always similar
            for n, i in enumerate(indexes):
                for j in indexes[n + 1 :]:
                    pairs.add((i, j))
    memo[key] = {
        "strings": set(strings),
        "pairs": {(strings[i], strings[j]) for i, j in pairs if strings[i] != strings[j]},
    }
    return pairs


def _similar_pairs(strings: list[str], cutoff: float, block: int, changed: set[int] | None) -> set[tuple[int, int]]:
    """Index pairs (i < j) of strings whose rapidfuzz ratio reaches ``cutoff``.

    Why blocking: an all-pairs ``cdist`` over 10,000 entries' names, aliases and titles is
    hundreds of millions of comparisons. A near-duplicate differs from its twin by a few
    edits, so the two nearly always share their first or their last ``block`` characters;
    comparing only within those blocks keeps the work close to linear.
    """
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, text in enumerate(strings):
        blocks[("head", text[:block])].append(index)
        blocks[("tail", text[-block:])].append(index)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        queries = members if changed is None else [m for m in members if m in changed]
        if not queries:
            continue
        if len(members) * len(queries) <= 64:
            # Small blocks (almost all of them): direct calls beat cdist's setup cost.
            for a in queries:
                for b in members:
                    if a != b and fuzz.ratio(strings[a], strings[b], score_cutoff=cutoff):
                        pairs.add((min(a, b), max(a, b)))
            continue
        matrix = process.cdist(
            [strings[q] for q in queries],
            [strings[m] for m in members],
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            dtype=np.uint8,
            workers=-1 if len(members) * len(queries) > 250_000 else 1,
        )
        for qi, mi in zip(*np.nonzero(matrix), strict=True):
            a, b = queries[qi], members[mi]
            if a != b:
                pairs.add((min(a, b), max(a, b)))
    return pairs


def check_near_duplicates(
    entries: Entries, paths: Paths, compare_only: Iterable[str] | None = None, memo: dict | None = None
) -> list[Problem]:
    """Names, aliases or titles that nearly match another entry's are warnings naming both files.

    Strings that differ in their numbers ('Med-PaLM' / 'Med-PaLM 2', 'SAM-Med2D' /
    'SAM-Med3D', 'MIMIC-III' / 'MIMIC-IV') are versions, not duplicates. Entries that declare ``same_paper_as`` or
    ``distinct_from`` each other are not compared. ``memo``: see :func:`similar_pairs`.
    """
    changed_paths = set(compare_only) if compare_only is not None else None
    problems: list[Problem] = []
    seen_entry_pairs: set[tuple[str, str]] = set()  # one warning per pair of entries
    for cutoff, block, sources in (
        (NAME_CUTOFF, 3, lambda e: [("name", e.name)] + [(("aliases", i), a) for i, a in enumerate(e.aliases)]),
        (TITLE_CUTOFF, 12, lambda e: [(("paper", "title"), e.paper.title)] if e.paper else []),
    ):
        owners: list[tuple[EntryBase, tuple, str]] = []
        strings: list[str] = []
        marks: list[list[str]] = []
        for entry in entries.values():
            for loc, text in sources(entry):
                normal = normalise(text)
                if len(normal) >= 3:
                    owners.append((entry, loc if isinstance(loc, tuple) else (loc,), text))
                    strings.append(normal)
                    marks.append(version_marks(text))
        changed = None
        if changed_paths is not None:
            changed = {i for i, (entry, _, _) in enumerate(owners) if paths[entry.id] in changed_paths}
        for i, j in sorted(similar_pairs(strings, cutoff, block, changed, memo)):
            a, b = owners[i][0], owners[j][0]
            if a.id == b.id or marks[i] != marks[j]:
                continue
            if _declared_same_paper(a, b) or b.id in a.distinct_from or a.id in b.distinct_from:
                continue
            key = tuple(sorted((a.id, b.id)))
            if key in seen_entry_pairs:
                continue
            seen_entry_pairs.add(key)
            # The warning goes on the changed file when one side is unchanged (a pull
            # request adding a near-duplicate), else on the later path: the file to edit.
            (first, first_loc, first_text), (second, second_loc, second_text) = sorted(
                (owners[i], owners[j]),
                key=lambda owner: (changed_paths is not None and paths[owner[0].id] in changed_paths, paths[owner[0].id]),
            )
            problems.append(
                Problem(
                    paths[second.id],
                    second_loc,
                    WARNING,
                    "near-duplicate",
                    f"{loc_label(second_loc)} '{second_text}' nearly matches {loc_label(first_loc)} "
                    f"'{first_text}' of {paths[first.id]}; if both are the same, move what this file adds "
                    f"into {paths[first.id]} and delete this one; if not, add distinct_from: [{first.id}] here "
                    "with aliases that make the difference clear",
                )
            )
    return problems


def check_results(entries: Entries, paths: Paths) -> list[Problem]:
    """Scores name a listed subset and metric, and are not dated before their benchmark."""
    problems = []
    for entry in entries.values():
        if not isinstance(entry, ModelEntry):
            continue
        path = paths[entry.id]
        for index, result in enumerate(entry.results):
            target = entries.get(result.benchmark)
            if target is None:
                continue
            if isinstance(target, BenchmarkEntry):
                if result.subset is not None and result.subset not in target.subsets:
                    listed = ", ".join(f"'{s}'" for s in target.subsets) or "none"
                    problems.append(
                        Problem(
                            path,
                            ("results", index, "subset"),
                            WARNING,
                            "unknown-subset",
                            f"subset '{result.subset}' is not among {target.id}'s subsets ({listed}){hint(result.subset, target.subsets)}",
                        )
                    )
                if target.metrics and result.metric not in target.metrics:
                    problems.append(
                        Problem(
                            path,
                            ("results", index, "metric"),
                            WARNING,
                            "unknown-metric",
                            f"metric '{result.metric}' is not among {target.id}'s metrics ({', '.join(target.metrics)}){hint(result.metric, target.metrics)}",
                        )
                    )
            measured, by = _measured_month(entry, result.source, entries)
            if measured is not None and measured < target.date[:7]:
                problems.append(
                    Problem(
                        path,
                        ("results", index, "benchmark"),
                        WARNING,
                        "result-before-benchmark",
                        f"this score is dated {measured} (by {by}), before {target.id} was released ({target.date}); "
                        "check the benchmark's date or the score's source",
                    )
                )
    return problems


def _measuring_paper(entry: EntryBase, source, entries: Entries) -> tuple[str, str]:
    """The paper a score was read from, as one comparable key: its arXiv id or DOI when
    known (so ``paper: lingshu`` and ``arxiv: <Lingshu's id>`` are the same paper)."""
    if source.arxiv:
        return ("arxiv", source.arxiv)
    if source.doi:
        return ("doi", identifiers.doi_key(source.doi))
    reporter = entry if source.paper == "self" else entries.get(source.paper)
    if reporter is not None and reporter.paper is not None:
        if reporter.paper.arxiv:
            return ("arxiv", reporter.paper.arxiv)
        if reporter.paper.doi:
            return ("doi", identifiers.doi_key(reporter.paper.doi))
    return ("entry", source.paper if source.paper != "self" else entry.id)


def check_duplicate_scores(entries: Entries, paths: Paths) -> list[Problem]:
    """The same number from the same paper in the same setting, recorded twice for a model.

    Why: scores arrive from several comparison tables, and two contributors reading one
    table (or a README and the paper) would double-count it on the leaderboard. A score
    without a subset matches one with a subset, since the subset was then left out.
    """
    problems = []
    for entry in entries.values():
        if not isinstance(entry, ModelEntry) or len(entry.results) < 2:
            continue
        seen: dict[tuple, list[tuple[int, str | None]]] = defaultdict(list)
        for index, result in enumerate(entry.results):
            setting = result.setting()
            key = (setting[0], *setting[2:], result.value, result.variant, _measuring_paper(entry, result.source, entries))
            for earlier, subset in seen[key]:
                if subset == result.subset or subset is None or result.subset is None:
                    problems.append(
                        Problem(
                            paths[entry.id],
                            ("results", index),
                            WARNING,
                            "duplicate-score",
                            f"results[{index}] repeats results[{earlier}]: the same {result.metric} {result.value:g} on "
                            f"{result.benchmark} from the same paper and setting; keep the more specific one",
                        )
                    )
                    break
            seen[key].append((index, result.subset))
    return problems


def _measured_month(entry: EntryBase, source, entries: Entries) -> tuple[str | None, str]:
    """(YYYY-MM the score was published, who published it) from its source."""
    if source.arxiv:
        return identifiers.arxiv_month(source.arxiv), f"arXiv {source.arxiv}"
    if source.doi:
        return None, ""  # a DOI carries no date
    reporter = entry if source.paper == "self" else entries.get(source.paper)
    return (reporter.date[:7], reporter.id) if reporter is not None else (None, "")


RULES: tuple[Callable[[Entries, Paths], list[Problem]], ...] = (
    check_base_model_cycles,
    check_duplicate_scores,
    check_shared_papers,
    check_results,
)


def run_checks(
    entries: Entries,
    paths: Paths,
    compare_only: Iterable[str] | None = None,
    broken: Mapping[str, str] | None = None,
    memo: dict | None = None,
) -> list[Problem]:
    """All cross-entry rules over the valid entries (``broken``: see :func:`check_references`;
    ``memo``: the near-duplicate pairs of the last run, see :func:`similar_pairs`)."""
    problems: list[Problem] = check_references(entries, paths, broken)
    for rule in RULES:
        problems.extend(rule(entries, paths))
    problems.extend(check_near_duplicates(entries, paths, compare_only, memo))
    return problems
