"""Citable data releases: frozen copies of the catalogue's exports, one folder per version.

``medlm-survey release`` writes ``releases/<version>/`` in the repository::

    entries.json  entries.csv  references.bib  entries.jsonl  entries.parquet
    manifest.json   {"version", "date", "schema_version", "commit", "previous", "counts",
                     "changes", "files": {name: {"bytes", "sha256"}}, "license", "url"}

and brings ``CHANGELOG.md`` (the entries added, changed and removed per release),
``CITATION.cff`` (``version``, ``date-released``) and ``.zenodo.json`` (the record Zenodo
mints a DOI for when the release is published on GitHub) up to date. The maintainer commits
all of it; the site build publishes every release beside the latest downloads
(``downloads/releases/<version>/``) and lists them on the downloads page.

Versions are calendar dates, ``YYYY.MM.DD`` (UTC); a second release on the same day is
``YYYY.MM.DD.1``, then ``.2``. A release is never rewritten: the command refuses an existing
version, and the site build refuses a release whose files no longer match their checksums.

Everything here is a pure function of its arguments except :func:`read_manifests`,
:func:`read_release`, :func:`plan_release` (which reads the repository and asks git) and
:func:`write_release`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from medlm_survey import export, history
from medlm_survey.bibtex import render_bibtex
from medlm_survey.catalog import ENTRIES_DIR, Catalog
from medlm_survey.schema import KINDS, SCHEMA_VERSION
from medlm_survey.tabular import render_jsonl, render_parquet

RELEASES_DIR = "releases"
MANIFEST = "manifest.json"
CHANGELOG = "CHANGELOG.md"
CITATION = "CITATION.cff"
ZENODO = ".zenodo.json"
#: The data files of a release, in the order the manifest and the downloads page list them.
DATA_FILES = ("entries.json", "entries.csv", "references.bib", "entries.jsonl", "entries.parquet")
VERSION_PATTERN = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:\.([1-9]\d*))?$")
CHANGELOG_HEAD = """# Changelog

Data releases of the medlm-survey catalogue, newest first. Each release is a frozen copy of
the catalogue in `releases/<version>/` (JSON, CSV, BibTeX, JSON Lines, Parquet and a
`manifest.json` with their SHA-256 checksums), published on the site under
`downloads/releases/<version>/`. This file is written by `medlm-survey release`: it lists
the ids of the entries added, changed and removed since the release before, from the git
history of `entries/`.
"""


class ReleaseError(Exception):
    """A release cannot be made (or read); the message says why and what to do."""


# --- versions --------------------------------------------------------------------------

def parse_version(version: str) -> tuple[dt.date, int]:
    """``"2025.06.01.2"`` -> (its date, 2); ``"2025.06.01"`` -> (its date, 0).

    Raises:
        ReleaseError: not ``YYYY.MM.DD`` or ``YYYY.MM.DD.N``, or not a real date.
    """
    match = VERSION_PATTERN.match(version)
    if not match:
        raise ReleaseError(f"version '{version}' is not YYYY.MM.DD (or YYYY.MM.DD.N for a later release that day)")
    year, month, day, serial = match.groups()
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ReleaseError(f"version '{version}' is not a real date: {exc}") from exc
    return date, int(serial or 0)


def next_version(existing: Iterable[str], day: dt.date) -> str:
    """The version for a release on ``day``: ``YYYY.MM.DD``, or the next free ``.N``."""
    base = day.strftime("%Y.%m.%d")
    taken = {parse_version(v)[1] for v in existing if v == base or v.startswith(base + ".")}
    if not taken:
        return base
    return f"{base}.{max(taken) + 1}"


# --- reading releases ------------------------------------------------------------------

def read_manifests(root: Path) -> list[dict]:
    """The manifests of ``root/releases/*/manifest.json``, newest version first.

    Folders whose name is not a version (and hidden ones) are ignored.

    Raises:
        ReleaseError: a manifest is missing, unreadable or names another version.
    """
    base = Path(root) / RELEASES_DIR
    if not base.is_dir():
        return []
    manifests = []
    for folder in base.iterdir():
        if not folder.is_dir() or not VERSION_PATTERN.match(folder.name):
            continue
        path = folder / MANIFEST
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReleaseError(f"{RELEASES_DIR}/{folder.name}/{MANIFEST} cannot be read: {exc}") from exc
        if not isinstance(manifest, dict) or manifest.get("version") != folder.name:
            raise ReleaseError(f"{RELEASES_DIR}/{folder.name}/{MANIFEST} is not the manifest of version {folder.name}")
        manifests.append(manifest)
    return sorted(manifests, key=lambda m: parse_version(m["version"]), reverse=True)


def read_release(root: Path, manifest: Mapping) -> dict[str, bytes]:
    """A release's files (name -> bytes), its manifest included, each checked against the
    checksum the manifest records.

    Raises:
        ReleaseError: a file is missing, or its bytes changed since the release.
    """
    version = manifest["version"]
    folder = Path(root) / RELEASES_DIR / version
    files: dict[str, bytes] = {}
    for name, recorded in manifest.get("files", {}).items():
        if PurePosixPath(name).name != name:  # a manifest names files of its own folder only
            raise ReleaseError(f"{RELEASES_DIR}/{version}/{MANIFEST} names a file outside its folder: {name}")
        try:
            data = (folder / name).read_bytes()
        except OSError as exc:
            raise ReleaseError(f"{RELEASES_DIR}/{version}/{name} is missing: {exc.strerror}") from exc
        if hashlib.sha256(data).hexdigest() != recorded.get("sha256"):
            raise ReleaseError(
                f"{RELEASES_DIR}/{version}/{name} does not match the checksum in its {MANIFEST}; "
                "releases are immutable: restore the file (git checkout) and make a new release instead"
            )
        files[name] = data
    files[MANIFEST] = (folder / MANIFEST).read_bytes()
    return files


# --- the release's content -------------------------------------------------------------

def release_files(catalog: Catalog) -> dict[str, bytes]:
    """The data files of a release (:data:`DATA_FILES`), as the site publishes them."""
    texts: dict[str, str | bytes] = {
        "entries.json": export.render_json(catalog),
        "entries.csv": export.render_csv(catalog),
        "references.bib": render_bibtex(catalog),
        "entries.jsonl": render_jsonl(catalog),
        "entries.parquet": render_parquet(catalog),
    }
    return {name: export.as_bytes(texts[name]) for name in DATA_FILES}


def file_record(data: bytes) -> dict:
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


@dataclass(frozen=True)
class EntryChanges:
    """Entry ids added, changed and removed since the previous release, and how that was
    found (a sentence for the changelog)."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    source: str

    def as_dict(self) -> dict:
        return {"added": list(self.added), "changed": list(self.changed), "removed": list(self.removed), "source": self.source}


def entry_id_of(path: str, ids_by_path: Mapping[str, str]) -> str | None:
    """The entry id of an ``entries/`` path: the catalogue's, else the file name (ids are
    file names); None for files that are not entries."""
    if path in ids_by_path:
        return ids_by_path[path]
    pure = PurePosixPath(path)
    return pure.stem if pure.suffix in (".yaml", ".yml") else None


def changes_from_paths(paths: history.PathChanges, ids_by_path: Mapping[str, str], source: str) -> EntryChanges:
    """Entry ids of the files git reports added, changed and removed."""

    def ids(group: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted({i for p in group if (i := entry_id_of(p, ids_by_path)) is not None}))

    added, changed, removed = ids(paths.added), ids(paths.changed), ids(paths.removed)
    # A file moved to another kind's folder is removed and added under the same id: changed.
    moved = set(added) & set(removed)
    return EntryChanges(
        tuple(i for i in added if i not in moved),
        tuple(sorted(set(changed) | moved)),
        tuple(i for i in removed if i not in moved),
        source,
    )


def changes_from_documents(previous: Mapping[str, dict], current: Mapping[str, dict], source: str) -> EntryChanges:
    """Entry ids added, changed (another document) and removed between two ``entries.json``
    (id -> entry document). Used when git cannot answer."""
    return EntryChanges(
        tuple(sorted(set(current) - set(previous))),
        tuple(sorted(i for i in set(current) & set(previous) if current[i] != previous[i])),
        tuple(sorted(set(previous) - set(current))),
        source,
    )


def build_manifest(
    version: str,
    catalog: Catalog,
    files: Mapping[str, bytes],
    *,
    commit: str | None,
    previous: Mapping | None,
    changes: EntryChanges,
    site_url: str = export.SITE_URL,
) -> dict:
    """The ``manifest.json`` of a release (pure)."""
    date, _ = parse_version(version)
    kinds = Counter(entry.kind for entry in catalog.entries)
    return {
        "version": version,
        "date": date.isoformat(),
        "schema_version": SCHEMA_VERSION,
        "commit": commit,
        "previous": {"version": previous["version"], "commit": previous.get("commit")} if previous else None,
        "counts": {"entries": len(catalog.entries), **{kind: kinds.get(kind, 0) for kind in KINDS}},
        "changes": changes.as_dict(),
        "files": {name: file_record(files[name]) for name in files},
        "license": "CC-BY-4.0",
        "url": f"{site_url}{export.DOWNLOADS_DIR}{RELEASES_DIR}/{version}/",
    }


def manifest_text(manifest: Mapping) -> str:
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


# --- CHANGELOG.md ----------------------------------------------------------------------

def _plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def changelog_section(manifest: Mapping) -> str:
    """The changelog section of one release (Markdown, ending in a newline)."""
    version, counts, changes = manifest["version"], manifest["counts"], manifest["changes"]
    kinds = ", ".join(_plural(counts.get(kind, 0), kind) for kind in KINDS)
    lines = [
        f"## {version}",
        "",
        f"Released {manifest['date']}: {_plural(counts['entries'], 'entry', 'entries')} ({kinds}). "
        f"Files: [`{RELEASES_DIR}/{version}/`]({RELEASES_DIR}/{version}/).",
        "",
    ]
    if manifest.get("previous") is None:
        lines.append(f"First release: all {counts['entries']} entries are new.")
    else:
        lines += [f"{changes['source']}.", ""]
        for label in ("added", "changed", "removed"):
            ids = changes[label]
            listed = ", ".join(f"`{i}`" for i in ids) if ids else "none"
            lines.append(f"- {label.capitalize()} ({len(ids)}): {listed}")
    return "\n".join(lines) + "\n"


def update_changelog(text: str | None, section: str) -> str:
    """``CHANGELOG.md`` with ``section`` as its newest release (created when missing; a
    section of the same version is replaced)."""
    if not text or not text.strip():
        return CHANGELOG_HEAD + "\n" + section
    heading = section.splitlines()[0]
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    same = next((i for i in starts if lines[i].rstrip("\n") == heading), None)
    if same is not None:  # the same version again (its folder was deleted): replace it
        end = next((i for i in starts if i > same), len(lines))
        del lines[same:end]
        starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    at = starts[0] if starts else len(lines)
    before = "".join(lines[:at])
    if before and not before.endswith("\n\n"):
        before = before.rstrip("\n") + "\n\n"
    rest = "".join(lines[at:])
    return before + section + ("\n" + rest if rest else "")


# --- CITATION.cff and .zenodo.json -----------------------------------------------------

def update_citation(text: str, version: str, date: dt.date) -> str:
    """``CITATION.cff`` with ``version`` and ``date-released`` set; every other line, comment
    and the key order kept (top-level keys are rewritten in place, added when missing)."""
    values = {"version": f'"{version}"', "date-released": f'"{date.isoformat()}"'}
    lines = text.splitlines(keepends=True)
    for key, value in values.items():
        pattern = re.compile(rf"^{re.escape(key)}:(?:\s.*)?$")
        index = next((i for i, line in enumerate(lines) if pattern.match(line.rstrip("\r\n"))), None)
        if index is not None:
            lines[index] = f"{key}: {value}\n"
            continue
        after = next((i for i, line in enumerate(lines) if line.startswith("version:")), None)
        new = f"{key}: {value}\n"
        if after is not None:
            lines.insert(after + 1, new)
        else:
            if lines and not lines[-1].endswith("\n"):
                lines[-1] += "\n"
            lines.append(new)
    return "".join(lines)


def zenodo_metadata(citation: Mapping, version: str, date: dt.date, site_url: str = export.SITE_URL) -> dict:
    """The ``.zenodo.json`` deposit metadata of a release, taken from ``CITATION.cff``.

    Why a copy of CITATION.cff's data: when a repository holds a ``.zenodo.json``, Zenodo's
    GitHub integration reads it alone and ignores ``CITATION.cff``, so it must say everything
    (title, creators, description, licence, keywords) itself. The keys are those of Zenodo's
    deposit metadata; the licence is Zenodo's lower-case id (``cc-by-4.0``).
    """
    creators = []
    for author in citation.get("authors", []):
        if author.get("name"):  # an entity, such as "medlm-survey contributors"
            creator = {"name": author["name"]}
        else:
            family, given = author.get("family-names", ""), author.get("given-names", "")
            creator = {"name": f"{family}, {given}" if given else family}
        if author.get("affiliation"):
            creator["affiliation"] = author["affiliation"]
        if author.get("orcid"):
            creator["orcid"] = str(author["orcid"]).rsplit("/", 1)[-1]
        creators.append(creator)
    return {
        "title": citation["title"],
        "description": " ".join(str(citation.get("abstract", citation["title"])).split()),
        "upload_type": "dataset",
        "version": version,
        "publication_date": date.isoformat(),
        "access_right": "open",
        "license": str(citation.get("license", "CC-BY-4.0")).lower(),
        "creators": creators,
        "keywords": list(citation.get("keywords", [])),
        "language": "eng",
        # The site documents the data (entry pages, tables, the entry format) and publishes
        # this release's files under downloads/releases/<version>/.
        "related_identifiers": [{"identifier": site_url, "relation": "isDocumentedBy"}],
    }


def zenodo_text(metadata: Mapping) -> str:
    return json.dumps(metadata, indent=2, ensure_ascii=False) + "\n"


# --- planning and writing --------------------------------------------------------------

@dataclass
class Release:
    """Everything a release writes, computed before anything is written."""

    version: str
    manifest: dict
    files: dict[str, bytes]  # the release folder's files, manifest.json included
    changelog: str
    citation: str
    zenodo: str
    notes: list[str] = field(default_factory=list)  # what the maintainer should know

    @property
    def folder(self) -> str:
        return f"{RELEASES_DIR}/{self.version}"


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def plan_release(catalog: Catalog, *, version: str | None = None, today: dt.date | None = None) -> Release:
    """Compute a release of ``catalog`` (in the repository ``catalog.root``); write nothing.

    Args:
        version: ``YYYY.MM.DD`` or ``YYYY.MM.DD.N``; default today's date in UTC (``today``),
            with the next free ``.N`` when that day has a release already.

    Raises:
        ReleaseError: the catalogue has errors, the version exists or is older than the
            latest release, ``entries/`` has uncommitted changes, or CITATION.cff is missing.
    """
    root = Path(catalog.root)
    if not catalog.ok:
        raise ReleaseError(f"the catalogue has {len(catalog.errors)} error(s); fix them first (medlm-survey validate)")
    manifests = read_manifests(root)
    existing = [m["version"] for m in manifests]
    if version is None:
        version = next_version(existing, today or _utc_today())
    parse_version(version)
    if version in existing or (root / RELEASES_DIR / version).exists():
        raise ReleaseError(f"release {version} exists already ({RELEASES_DIR}/{version}/); releases are never rewritten")
    previous = manifests[0] if manifests else None
    if previous and parse_version(version) < parse_version(previous["version"]):
        raise ReleaseError(f"version {version} is older than the latest release, {previous['version']}")

    notes: list[str] = []
    dirty = history.uncommitted(root, ENTRIES_DIR)
    if dirty:
        raise ReleaseError(
            f"{ENTRIES_DIR}/ has {len(dirty)} uncommitted change(s) (git status); commit them first: "
            "a release records the commit its data come from"
        )
    commit = history.head_commit(root)
    if commit is None:
        notes.append(
            f"git is not available here (not installed, or no repository): the manifest records no commit, "
            f"and nothing checked that {ENTRIES_DIR}/ is committed"
        )

    files = release_files(catalog)
    changes = _changes(catalog, previous, files, notes)
    manifest = build_manifest(version, catalog, files, commit=commit, previous=previous, changes=changes)
    files[MANIFEST] = manifest_text(manifest).encode("utf-8")

    citation_path = root / CITATION
    if not citation_path.exists():
        raise ReleaseError(f"{CITATION} is missing; a release updates its version and date")
    date, _ = parse_version(version)
    citation = update_citation(citation_path.read_text(encoding="utf-8"), version, date)
    zenodo = zenodo_text(zenodo_metadata(yaml.safe_load(citation), version, date))
    changelog_path = root / CHANGELOG
    old = changelog_path.read_text(encoding="utf-8") if changelog_path.exists() else None
    changelog = update_changelog(old, changelog_section(manifest))
    return Release(version, manifest, files, changelog, citation, zenodo, notes)


def _changes(catalog: Catalog, previous: Mapping | None, files: Mapping[str, bytes], notes: list[str]) -> EntryChanges:
    """What changed since ``previous``: from git between its commit and HEAD; when git cannot
    answer, by comparing its ``entries.json`` with this release's."""
    ids = [entry.id for entry in catalog.entries]
    if previous is None:
        return EntryChanges(tuple(sorted(ids)), (), (), "First release")
    since = previous.get("commit")
    reason = "the previous release records no commit"
    if since:
        try:
            paths = history.entry_changes(catalog.root, since, ENTRIES_DIR)
        except history.HistoryUnavailable as exc:
            reason = str(exc)
        else:
            ids_by_path = {path: entry_id for entry_id, path in catalog.paths.items()}
            source = f"Changes since {previous['version']}, from the git history of {ENTRIES_DIR}/ since commit {since[:12]}"
            return changes_from_paths(paths, ids_by_path, source)
    notes.append(f"git cannot say what changed ({reason}); comparing with the entries.json of release {previous['version']} instead")
    try:
        old = json.loads((Path(catalog.root) / RELEASES_DIR / previous["version"] / "entries.json").read_bytes())
    except (OSError, ValueError) as exc:
        raise ReleaseError(f"cannot read the entries.json of release {previous['version']}: {exc}") from exc
    new = json.loads(files["entries.json"])
    source = (
        f"Changes since {previous['version']}, found by comparing its entries.json with this release's "
        f"(git could not say: {reason})"
    )
    return changes_from_documents(
        {e["id"]: e for e in old["entries"]}, {e["id"]: e for e in new["entries"]}, source
    )


def write_release(release: Release, root: Path) -> list[Path]:
    """Write the release folder (all at once: built aside, then renamed into place),
    CHANGELOG.md, CITATION.cff and .zenodo.json. Returns the paths written.

    Raises:
        ReleaseError: the release folder exists.
    """
    root = Path(root)
    target = root / RELEASES_DIR / release.version
    if target.exists():
        raise ReleaseError(f"release {release.version} exists already ({release.folder}/); releases are never rewritten")
    # Built in a hidden sibling (ignored by read_manifests), then renamed into place: an
    # interrupted run leaves no half-written release.
    staging = target.with_name(f".{release.version}.partial")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        for name, data in release.files.items():
            (staging / name).write_bytes(data)
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    written = [target / name for name in release.files]
    for name, text in ((CHANGELOG, release.changelog), (CITATION, release.citation), (ZENODO, release.zenodo)):
        path = root / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written
