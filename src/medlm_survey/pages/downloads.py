"""The downloads page: the latest exports, the data releases with their checksums, and how to
load the data in pandas or DuckDB.

The releases come in as their manifests (``releases/*/manifest.json``, read by the site
build): rendering stays a function of its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from medlm_survey.export import DOWNLOADS_DIR, SITE_URL
from medlm_survey.pages.common import DOWNLOADS, Renderer, front_matter

#: The folder of the site's downloads that holds the releases (``releases.RELEASES_DIR``).
RELEASES_FOLDER = "releases"


def size_text(count: int) -> str:
    """``1234567`` -> ``'1.2 MB'``; sizes in SI units, as browsers show downloads."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def release_view(manifest: Mapping) -> dict:
    """What the page shows of one release: plain values, files with size and checksum."""
    version = manifest["version"]
    folder = f"{DOWNLOADS_DIR}{RELEASES_FOLDER}/{version}/"
    changes = manifest.get("changes") or {}
    return {
        "version": version,
        "date": manifest.get("date", ""),
        "entries": (manifest.get("counts") or {}).get("entries", 0),
        "previous": (manifest.get("previous") or {}).get("version"),
        "changes": {label: len(changes.get(label, ())) for label in ("added", "changed", "removed")},
        "manifest": folder + "manifest.json",
        "files": [
            (name, folder + name, size_text(record.get("bytes", 0)), record.get("sha256", ""))
            for name, record in (manifest.get("files") or {}).items()
        ],
    }


def downloads_pages(r: Renderer, releases: Sequence[Mapping] = ()) -> dict[str, str]:
    """``downloads.md``."""
    views = [release_view(m) for m in releases]
    latest = views[0]["version"] if views else None
    return {
        "downloads.md": front_matter(generated=True) + r.render(
            "downloads.md.j2", page="downloads.md", downloads=DOWNLOADS, total=len(r.catalog.entries),
            releases=views, latest=latest, data_url=SITE_URL + DOWNLOADS_DIR,
        )
    }
