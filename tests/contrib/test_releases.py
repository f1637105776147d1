"""Data releases: the files and their manifest, immutability, calendar versions, the changelog
from git (and without it), CITATION.cff and .zenodo.json, and what the site build does with
releases."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from medlm_survey import export, releases, tabular
from medlm_survey.catalog import load_catalog
from medlm_survey.cli import cli
from medlm_survey.site_build import BuildError, collect_releases
from tests.conftest import REPO, make_repo

from .conftest import CATALOG
from .test_history import commit, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FILES = [*releases.DATA_FILES, "manifest.json"]

#: The keys of Zenodo's deposit metadata (REST API, "Deposit metadata"; the keys a
#: .zenodo.json may hold, help.zenodo.org "GitHub > zenodo.json"). Zenodo rejects a GitHub
#: release whose .zenodo.json holds anything else.
ZENODO_KEYS = {
    "upload_type", "publication_type", "image_type", "publication_date", "title", "creators",
    "description", "access_right", "license", "embargo_date", "access_conditions", "doi",
    "prereserve_doi", "keywords", "notes", "related_identifiers", "contributors", "references",
    "communities", "grants", "journal_title", "journal_volume", "journal_issue", "journal_pages",
    "conference_title", "conference_acronym", "conference_dates", "conference_place",
    "conference_url", "conference_session", "conference_session_part", "imprint_publisher",
    "imprint_isbn", "imprint_place", "partof_title", "partof_pages", "thesis_supervisors",
    "thesis_university", "subjects", "version", "language", "locations", "dates", "method",
}  # fmt: skip
#: What Zenodo requires of every deposit.
ZENODO_REQUIRED = {"upload_type", "publication_date", "title", "creators", "description", "access_right"}
ZENODO_UPLOAD_TYPES = {"publication", "poster", "presentation", "dataset", "image", "video", "software", "lesson", "physicalobject", "other"}
ZENODO_RELATIONS = {
    "isCitedBy", "cites", "isSupplementTo", "isSupplementedBy", "isContinuedBy", "continues",
    "isDescribedBy", "describes", "hasMetadata", "isMetadataFor", "isNewVersionOf",
    "isPreviousVersionOf", "isPartOf", "hasPart", "isReferencedBy", "references",
    "isDocumentedBy", "documents", "isCompiledBy", "compiles", "isVariantFormOf",
    "isOriginalFormOf", "isIdenticalTo", "isAlternateIdentifier", "isReviewedBy", "reviews",
    "isDerivedFrom", "isSourceOf", "requires", "isRequiredBy", "isObsoletedBy", "obsoletes",
}  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The four test entries and the project's CITATION.cff, committed."""
    root = make_repo(tmp_path, {"CITATION.cff": (REPO / "CITATION.cff").read_text(encoding="utf-8")}, CATALOG)
    git(root, "init", "-q")
    commit(root, "2025-01-10T10:00:00+00:00", "catalogue")
    return root


def release(root: Path, *args: str):
    return CliRunner().invoke(cli, ["release", "--root", str(root), *args])


def head(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()


def manifest(root: Path, version: str) -> dict:
    return json.loads((root / "releases" / version / "manifest.json").read_text())


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the repository but git's own."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts}


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess:
    tool = Path(sys.executable).with_name("check-jsonschema")
    return subprocess.run([str(tool), "--builtin-schema", schema, str(path)], capture_output=True, text=True)


# --- a first release -------------------------------------------------------------------

def test_a_release_freezes_the_data_with_checksums(repo: Path):
    result = release(repo, "--version", "2025.06.01")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "release 2025.06.01 (2025-06-01): 4 entries; the first release",
        "wrote releases/2025.06.01/ (entries.json, entries.csv, references.bib, entries.jsonl, entries.parquet, manifest.json)",
        "updated CHANGELOG.md, CITATION.cff, .zenodo.json",
        "next: review and commit them, then publish a GitHub release tagged 2025.06.01 (Zenodo mints its DOI from .zenodo.json)",
    ]
    folder = repo / "releases/2025.06.01"
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    m = manifest(repo, "2025.06.01")
    assert {k: m[k] for k in ("version", "date", "schema_version", "commit", "previous", "counts", "license", "url")} == {
        "version": "2025.06.01", "date": "2025-06-01", "schema_version": 2, "commit": head(repo), "previous": None,
        "counts": {"entries": 4, "model": 2, "dataset": 2, "benchmark": 0, "survey": 0}, "license": "CC-BY-4.0",
        "url": "https://medlm-survey.github.io/medlm-survey/downloads/releases/2025.06.01/",
    }  # fmt: skip
    assert list(m["files"]) == list(releases.DATA_FILES)
    for name, record in m["files"].items():
        data = (folder / name).read_bytes()
        assert record == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}, name
    assert m["changes"] == {
        "added": ["ghost-set", "llava-med", "plain-notes", "retfound"], "changed": [], "removed": [], "source": "First release",
    }  # fmt: skip


def test_the_release_files_are_the_exports(repo: Path):
    release(repo, "--version", "2025.06.01")
    catalog = load_catalog(repo)
    folder = repo / "releases/2025.06.01"
    assert (folder / "entries.json").read_text(encoding="utf-8") == export.render_json(catalog)
    assert (folder / "entries.csv").read_bytes() == export.render_csv(catalog).encode("utf-8")
    assert (folder / "references.bib").read_text(encoding="utf-8") == export.render_bibtex(catalog)
    documents = json.loads((folder / "entries.json").read_text())["entries"]
    assert [json.loads(line) for line in (folder / "entries.jsonl").read_text().splitlines()] == documents
    assert tabular.read_parquet_documents(folder / "entries.parquet") == documents


def test_dry_run_writes_nothing(repo: Path):
    before = snapshot(repo)
    result = release(repo, "--version", "2025.06.01", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "release 2025.06.01 (2025-06-01): 4 entries; the first release"
    assert [line.split(" (")[0] for line in lines[1:]] == [
        *(f"  would write releases/2025.06.01/{name}" for name in FILES),
        "  would update CHANGELOG.md", "  would update CITATION.cff", "  would update .zenodo.json",
    ]  # fmt: skip
    assert snapshot(repo) == before


# --- immutability and versions ---------------------------------------------------------

def test_a_release_is_never_rewritten(repo: Path):
    assert release(repo, "--version", "2025.06.01").exit_code == 0
    before = snapshot(repo)
    result = release(repo, "--version", "2025.06.01")
    assert result.exit_code == 1
    assert result.stderr == "Error: release 2025.06.01 exists already (releases/2025.06.01/); releases are never rewritten\n"
    assert snapshot(repo) == before


def test_write_release_refuses_an_existing_folder(repo: Path):
    planned = releases.plan_release(load_catalog(repo), version="2025.06.01")
    (repo / "releases/2025.06.01").mkdir(parents=True)
    with pytest.raises(releases.ReleaseError, match="exists already"):
        releases.write_release(planned, repo)
    assert not any((repo / "releases/2025.06.01").iterdir())


def test_the_version_is_the_utc_date_then_dot_n(repo: Path, monkeypatch):
    monkeypatch.setattr(releases, "_utc_today", lambda: dt.date(2025, 6, 1))
    versions = []
    for _ in range(3):
        result = release(repo)
        assert result.exit_code == 0, result.output
        versions.append(result.stdout.split()[1])
    assert versions == ["2025.06.01", "2025.06.01.1", "2025.06.01.2"]
    assert [m["version"] for m in releases.read_manifests(repo)] == ["2025.06.01.2", "2025.06.01.1", "2025.06.01"]
    assert manifest(repo, "2025.06.01.1")["previous"] == {"version": "2025.06.01", "commit": head(repo)}


@pytest.mark.parametrize("version", ["2025.6.1", "2025-06-01", "2025.13.01", "2025.02.30", "2025.06.01.0", "v2025.06.01"])
def test_a_malformed_version_is_a_usage_error(repo: Path, version: str):
    result = release(repo, "--version", version)
    assert result.exit_code == 2 and "Invalid value for '--version'" in result.stderr
    assert not (repo / "releases").exists()


def test_a_version_older_than_the_latest_is_refused(repo: Path):
    assert release(repo, "--version", "2025.06.01").exit_code == 0
    result = release(repo, "--version", "2025.05.31")
    assert (result.exit_code, result.stderr) == (1, "Error: version 2025.05.31 is older than the latest release, 2025.06.01\n")


def test_next_version():
    day = dt.date(2025, 6, 1)
    assert releases.next_version([], day) == "2025.06.01"
    assert releases.next_version(["2025.05.31", "2025.06.01.1"], day) == "2025.06.01.2"
    assert releases.next_version(["2025.06.01", "2025.06.010"], day) == "2025.06.01.1"
    assert releases.parse_version("2025.06.01.12") == (day, 12)


# --- what must be right before a release -----------------------------------------------

def test_uncommitted_entries_are_refused(repo: Path):
    (repo / "entries/model/llava-med.yaml").write_text(
        (repo / "entries/model/llava-med.yaml").read_text().replace("7B", "13B"), encoding="utf-8"
    )
    result = release(repo, "--version", "2025.06.01")
    assert result.exit_code == 1
    assert "entries/ has 1 uncommitted change(s)" in result.stderr and "commit them first" in result.stderr
    assert not (repo / "releases").exists()


def test_a_catalogue_with_errors_is_not_released(repo: Path):
    (repo / "entries/model/broken.yaml").write_text("id: broken\nkind: model\n")
    commit(repo, "2025-02-01T00:00:00+00:00")
    result = release(repo, "--version", "2025.06.01")
    assert result.exit_code == 1 and "entries/model/broken.yaml" in result.stdout
    assert not (repo / "releases").exists()


# --- the changelog ---------------------------------------------------------------------

def change_the_catalogue(root: Path) -> None:
    """Edit llava-med, add retfound-2 (a copy of retfound with its own id), remove plain-notes."""
    llava = root / "entries/model/llava-med.yaml"
    llava.write_text(llava.read_text().replace("7B", "13B"), encoding="utf-8")
    retfound = (root / "entries/model/retfound.yaml").read_text()
    (root / "entries/model/retfound-2.yaml").write_text(
        retfound.replace("id: retfound", "id: retfound-2").replace("name: RETFound", "name: RETFound Two")
        .replace('"1706.03762"', '"2304.00001"'), encoding="utf-8",
    )  # fmt: skip
    (root / "entries/dataset/plain-notes.yaml").unlink()


def test_the_changelog_lists_what_was_added_changed_and_removed(repo: Path):
    first = head(repo)  # the commit the release's data come from, recorded in its manifest
    assert release(repo, "--version", "2025.06.01").exit_code == 0
    commit(repo, "2025-06-01T12:00:00+00:00", "release 2025.06.01")
    change_the_catalogue(repo)
    commit(repo, "2025-06-20T12:00:00+00:00", "entries")
    result = release(repo, "--version", "2025.07.01")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "release 2025.07.01 (2025-07-01): 4 entries; since 2025.06.01: 1 added, 1 changed, 1 removed"
    )
    m = manifest(repo, "2025.07.01")
    assert m["previous"] == {"version": "2025.06.01", "commit": first}
    assert m["commit"] == head(repo) != first
    assert m["changes"] == {
        "added": ["retfound-2"], "changed": ["llava-med"], "removed": ["plain-notes"],
        "source": f"Changes since 2025.06.01, from the git history of entries/ since commit {first[:12]}",
    }  # fmt: skip
    changelog = (repo / "CHANGELOG.md").read_text()
    assert changelog.startswith(releases.CHANGELOG_HEAD)
    assert changelog.index("## 2025.07.01") < changelog.index("## 2025.06.01")  # newest first
    newest = changelog[changelog.index("## 2025.07.01") : changelog.index("## 2025.06.01")]
    assert newest == (
        "## 2025.07.01\n\n"
        "Released 2025-07-01: 4 entries (3 models, 1 dataset, 0 benchmarks, 0 surveys). "
        "Files: [`releases/2025.07.01/`](releases/2025.07.01/).\n\n"
        f"Changes since 2025.06.01, from the git history of entries/ since commit {first[:12]}.\n\n"
        "- Added (1): `retfound-2`\n"
        "- Changed (1): `llava-med`\n"
        "- Removed (1): `plain-notes`\n\n"
    )
    assert changelog.endswith(
        "## 2025.06.01\n\nReleased 2025-06-01: 4 entries (2 models, 2 datasets, 0 benchmarks, 0 surveys). "
        "Files: [`releases/2025.06.01/`](releases/2025.06.01/).\n\nFirst release: all 4 entries are new.\n"
    )


def test_without_git_the_release_compares_with_the_previous_entries_json(tmp_path: Path):
    root = make_repo(tmp_path, {"CITATION.cff": (REPO / "CITATION.cff").read_text(encoding="utf-8")}, CATALOG)
    first = release(root, "--version", "2025.06.01")
    assert first.exit_code == 0, first.output
    assert first.stderr == (
        "note: git is not available here (not installed, or no repository): the manifest records no commit, "
        "and nothing checked that entries/ is committed\n"
    )
    assert manifest(root, "2025.06.01")["commit"] is None
    change_the_catalogue(root)
    second = release(root, "--version", "2025.07.01")
    assert second.exit_code == 0, second.output
    assert "note: git cannot say what changed (the previous release records no commit)" in second.stderr
    changes = manifest(root, "2025.07.01")["changes"]
    assert (changes["added"], changes["changed"], changes["removed"]) == (["retfound-2"], ["llava-med"], ["plain-notes"])
    assert changes["source"].startswith("Changes since 2025.06.01, found by comparing its entries.json with this release's")


def test_a_shallow_clone_says_so_and_compares_with_the_previous_release(repo: Path, tmp_path: Path):
    assert release(repo, "--version", "2025.06.01").exit_code == 0
    commit(repo, "2025-06-01T12:00:00+00:00", "release 2025.06.01")
    change_the_catalogue(repo)
    commit(repo, "2025-06-20T12:00:00+00:00", "entries")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    result = release(clone, "--version", "2025.07.01")
    assert result.exit_code == 0, result.output
    assert "is not in this clone; fetch the full history (git fetch --unshallow)" in result.stderr
    changes = manifest(clone, "2025.07.01")["changes"]
    assert (changes["added"], changes["changed"], changes["removed"]) == (["retfound-2"], ["llava-med"], ["plain-notes"])


def test_update_changelog_keeps_what_is_there():
    section = "## 2025.07.01\n\nNew.\n"
    assert releases.update_changelog(None, section) == releases.CHANGELOG_HEAD + "\n" + section
    old = "# Changelog\n\nIntro.\n\n## 2025.06.01\n\nOld.\n"
    assert releases.update_changelog(old, section) == "# Changelog\n\nIntro.\n\n## 2025.07.01\n\nNew.\n\n## 2025.06.01\n\nOld.\n"
    again = releases.update_changelog(old + "\n" + section.replace("New", "Stale"), section)
    assert again.count("## 2025.07.01") == 1 and "Stale" not in again and "Old." in again


# --- CITATION.cff and .zenodo.json -----------------------------------------------------

def test_citation_and_zenodo_metadata_are_updated_and_valid(repo: Path):
    assert release(repo, "--version", "2025.06.01").exit_code == 0
    citation_text = (repo / "CITATION.cff").read_text()
    citation = yaml.safe_load(citation_text)
    assert (citation["version"], citation["date-released"]) == ("2025.06.01", "2025-06-01")
    # Everything else is as it was, line for line.
    original = (REPO / "CITATION.cff").read_text().splitlines()
    assert [line for line in citation_text.splitlines() if not line.startswith(("version:", "date-released:"))] == [
        line for line in original if not line.startswith(("version:", "date-released:"))
    ]
    result = check_jsonschema("vendor.citation-file-format", repo / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr

    zenodo = json.loads((repo / ".zenodo.json").read_text())
    assert set(zenodo) <= ZENODO_KEYS and ZENODO_REQUIRED <= set(zenodo)
    assert zenodo["upload_type"] == "dataset" in ZENODO_UPLOAD_TYPES
    assert (zenodo["version"], zenodo["publication_date"], zenodo["license"]) == ("2025.06.01", "2025-06-01", "cc-by-4.0")
    assert zenodo["access_right"] == "open"
    assert zenodo["title"] == citation["title"] and zenodo["keywords"] == citation["keywords"]
    assert zenodo["description"] == " ".join(citation["abstract"].split())
    assert zenodo["creators"] == [{"name": "medlm-survey contributors"}]
    assert zenodo["related_identifiers"] == [{"identifier": export.SITE_URL, "relation": "isDocumentedBy"}]
    assert all(r["relation"] in ZENODO_RELATIONS for r in zenodo["related_identifiers"])


def test_update_citation_adds_date_released_after_version():
    text = 'cff-version: 1.2.0\ntitle: "T"  # kept\nversion: "0.1.0"\nauthors:\n  - name: X\n'
    assert releases.update_citation(text, "2025.06.01", dt.date(2025, 6, 1)) == (
        'cff-version: 1.2.0\ntitle: "T"  # kept\nversion: "2025.06.01"\ndate-released: "2025-06-01"\nauthors:\n  - name: X\n'
    )
    again = releases.update_citation(
        releases.update_citation(text, "2025.06.01", dt.date(2025, 6, 1)), "2025.07.01", dt.date(2025, 7, 1)
    )
    assert again.count("date-released:") == 1 and 'date-released: "2025-07-01"' in again


def test_zenodo_creators_from_persons():
    citation = {
        "title": "T", "abstract": "A", "license": "CC-BY-4.0", "keywords": ["k"],
        "authors": [{"family-names": "Lovelace", "given-names": "Ada", "orcid": "https://orcid.org/0000-0002-1825-0097",
                     "affiliation": "Analytical Engines"}, {"name": "A Team"}],
    }  # fmt: skip
    assert releases.zenodo_metadata(citation, "2025.06.01", dt.date(2025, 6, 1))["creators"] == [
        {"name": "Lovelace, Ada", "affiliation": "Analytical Engines", "orcid": "0000-0002-1825-0097"},
        {"name": "A Team"},
    ]


# --- the site build --------------------------------------------------------------------

def test_the_site_build_publishes_every_release_and_checks_it(repo: Path):
    assert release(repo, "--version", "2025.06.01").exit_code == 0
    assert release(repo, "--version", "2025.07.01").exit_code == 0
    files, manifests = collect_releases(repo)
    assert [m["version"] for m in manifests] == ["2025.07.01", "2025.06.01"]
    assert sorted(files) == sorted(f"downloads/releases/{v}/{name}" for v in ("2025.06.01", "2025.07.01") for name in FILES)
    assert files["downloads/releases/2025.06.01/entries.parquet"] == (repo / "releases/2025.06.01/entries.parquet").read_bytes()
    assert tabular.read_parquet_documents(io.BytesIO(files["downloads/releases/2025.07.01/entries.parquet"]))
    # A release edited after the fact is an error, not a silent change of a citable file.
    path = repo / "releases/2025.06.01/entries.csv"
    path.write_bytes(path.read_bytes() + b"extra\r\n")
    with pytest.raises(BuildError, match=r"releases/2025\.06\.01/entries\.csv does not match the checksum in its manifest\.json"):
        collect_releases(repo)


def test_no_releases_folder_is_no_release(tmp_path: Path):
    assert collect_releases(tmp_path) == ({}, [])
