"""Paper identifiers: arXiv ids (both styles) and DOIs, checked and compared one way everywhere.

The schema, ``new``, ``verify``, the links on the site, BibTeX ``eprint`` fields and the
duplicate checks all go through these functions, so an id accepted in one place is accepted
in all of them.

Sources for the formats:
- arXiv identifier scheme (https://info.arxiv.org/help/arxiv_identifier.html): new-style
  ``YYMM.NNNN`` (2007-2014) and ``YYMM.NNNNN`` (from 2015); old-style ``archive/YYMMNNN`` or
  ``archive.SUBJECT-CLASS/YYMMNNN`` for papers submitted before April 2007.
- DOI handbook: ``10.<registrant>/<suffix>``; DOIs are case-insensitive (ISO 26324).
"""

from __future__ import annotations

import re

#: New-style arXiv id, e.g. ``2305.09617``.
NEW_STYLE = r"\d{4}\.\d{4,5}"
#: Old-style arXiv id, e.g. ``q-bio/0401001`` or ``math.GT/0309136``.
OLD_STYLE = r"[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7}"
ARXIV_PATTERN = rf"^(?:{NEW_STYLE}|{OLD_STYLE})$"
_ARXIV_RE = re.compile(ARXIV_PATTERN)
_VERSION_RE = re.compile(rf"^({NEW_STYLE}|{OLD_STYLE})v\d+$")
_URL_PREFIX_RE = re.compile(r"^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/|arxiv:)", re.IGNORECASE)

DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
_DOI_RE = re.compile(DOI_PATTERN)
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
#: bioRxiv and medRxiv page addresses end in a version (``...538339v1``); the DOI does not.
_PREPRINT_VERSION_RE = re.compile(r"^(10\.1101/\d{4}\.\d{2}\.\d{2}\.\d{6,})v\d+$", re.IGNORECASE)


class IdentifierError(ValueError):
    """An identifier is malformed. ``fix`` is the corrected value when one can be derived."""

    def __init__(self, message: str, fix: str | None = None):
        super().__init__(message)
        self.fix = fix


def check_arxiv(value: str) -> str:
    """Return ``value`` when it is a bare arXiv id of either style.

    Raises:
        IdentifierError: with the bare id as ``fix`` for a URL, an ``arXiv:`` prefix or a
            version suffix; without one for anything else.
    """
    value = value.strip()
    stripped = _URL_PREFIX_RE.sub("", value)
    if stripped.endswith(".pdf"):
        stripped = stripped[: -len(".pdf")]
    if stripped != value:
        bare = _VERSION_RE.sub(r"\1", stripped)
        raise IdentifierError(f"write the bare arXiv id ('{bare}'), not a URL or prefix", bare)
    if versioned := _VERSION_RE.match(value):
        raise IdentifierError(f"drop the version suffix: write '{versioned[1]}'", versioned[1])
    if not _ARXIV_RE.match(value):
        raise IdentifierError(
            f"'{value}' is not an arXiv id such as '2305.09617' or, before April 2007, 'q-bio/0401001'"
        )
    return value


def is_arxiv(value: str) -> bool:
    return bool(_ARXIV_RE.match(value))


def arxiv_month(value: str) -> str | None:
    """``"2305.09617"`` -> ``"2023-05"``; old style ``"q-bio/0401001"`` -> ``"2004-01"``.

    The first four digits of either style are the year and month of the first version.
    """
    digits = value.rsplit("/", 1)[-1][:4]
    if not digits.isdigit():
        return None
    year, month = int(digits[:2]), int(digits[2:])
    century = 1900 if year >= 91 else 2000  # arXiv began in August 1991
    return f"{century + year:04d}-{month:02d}"


def check_doi(value: str) -> str:
    """Return ``value`` when it is a bare DOI without a preprint version suffix.

    Raises:
        IdentifierError: with the corrected DOI as ``fix`` for a resolver prefix or a
            bioRxiv/medRxiv version suffix; without one for anything else.
    """
    value = value.strip()
    for prefix in _DOI_PREFIXES:
        if value.lower().startswith(prefix):
            bare = value[len(prefix):]
            raise IdentifierError(f"write the bare DOI ('{bare}') without '{prefix}'", bare)
    if versioned := _PREPRINT_VERSION_RE.match(value):
        raise IdentifierError(
            f"'{value}' ends in a bioRxiv/medRxiv version from the page address; write '{versioned[1]}'",
            versioned[1],
        )
    if not _DOI_RE.match(value):
        raise IdentifierError(f"'{value}' is not a DOI such as '10.1038/s41586-023-06291-2'")
    return value


def doi_key(value: str) -> str:
    """The form two DOIs are compared in: DOIs are case-insensitive."""
    return value.strip().lower()


def arxiv_url(value: str) -> str:
    return f"https://arxiv.org/abs/{value}"


def doi_url(value: str) -> str:
    # The DOI resolver expects the suffix as is; only characters that break a URL are escaped.
    return "https://doi.org/" + value.replace("%", "%25").replace("#", "%23").replace("?", "%3F")
