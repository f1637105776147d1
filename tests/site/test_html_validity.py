"""Every built page through the Nu HTML Checker (vnu.jar, pinned in package-lock.json).

Errors in markup our templates write fail the test. Material for MkDocs' own page chrome has
known checker errors (the drawer and search toggles, navigation labels); they are listed here
with the reason, so a new kind of error is never hidden.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: Errors from Material's theme templates (not ours): (message pattern, markup pattern).
THEME_ERRORS = [
    # <input class="md-toggle" type="checkbox" autocomplete="off">: Material's drawer/search toggles.
    (r"Attribute “autocomplete” is only allowed", r'class="md-toggle"'),
    # <label class="md-nav__title" for="__toc">: the table-of-contents toggle hidden on wide screens.
    (r"The value of the “for” attribute of the “label” element", r'class="md-nav__(title|link)'),
    # <label class="md-nav__link" tabindex="">: Material's navigation sections (a section
    # with an index page, navigation.indexes, adds md-nav__link--active or a trailing space).
    (r"Bad value “” for attribute “tabindex” on element “label”", r'<label class="md-nav__link( [^"]*)?"'),
]


def _vnu_available() -> str | None:
    if not shutil.which("java"):
        return "java is not installed"
    if not VNU.exists():
        return "vnu.jar is not installed (npm ci installs it from package-lock.json)"
    return None


def _is_theme_error(message: dict) -> bool:
    text, extract = message.get("message", ""), message.get("extract", "")
    return any(re.search(m, text) and re.search(x, extract) for m, x in THEME_ERRORS)


def test_every_page_is_valid_html(built_site: Path):
    missing = _vnu_available()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}; .ci/system-deps installs it")
        pytest.skip(missing)
    pages = sorted(str(p) for p in built_site.rglob("*.html"))
    assert len(pages) > 20
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    ours = [m for m in messages if m.get("type") == "error" and not _is_theme_error(m)]
    report = [f"{m['url'].split('/public/')[-1]}:{m.get('lastLine')}: {m['message']}" for m in ours[:10]]
    assert not ours, "\n".join(report)


def test_theme_allowance_does_not_hide_our_markup():
    """An error in a page body (not Material's chrome) is never classed as a theme error."""
    ours = {"message": "Duplicate ID “modalities”.", "extract": '<div class="medlm-terms" id="modalities">'}
    assert not _is_theme_error(ours)
    theirs = {
        "message": "Attribute “autocomplete” is only allowed when the input type is …",
        "extract": '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">',
    }
    assert _is_theme_error(theirs)
