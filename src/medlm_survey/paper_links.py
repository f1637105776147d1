"""arXiv ids and DOIs found in links and free text, as curated lists and BibTeX files write them.

Used by the readers of reference lists (:mod:`medlm_survey.reference_lists`) and of BibTeX
files (:mod:`medlm_survey.bibtex_input`). Every identifier returned is in the catalogue's
form (:mod:`medlm_survey.identifiers`): a bare arXiv id of either style without version, a
bare DOI without resolver prefix or bioRxiv/medRxiv version.

Addresses that carry an identifier:

- arXiv: ``arxiv.org/abs/ID``, ``arxiv.org/pdf/ID(.pdf)``, ``arxiv.org/html/ID``,
  ``huggingface.co/papers/ID``, ``arXiv:ID`` in text, and arXiv's own DOIs
  (``10.48550/arXiv.ID``), for both id styles, any version suffix dropped.
- DOI: ``doi.org/DOI`` and ``dx.doi.org/DOI``, ``doi:DOI`` in text, publisher pages whose
  path is ``/doi/[abs|full|pdf|epdf/]DOI`` (ACM, Wiley, Taylor & Francis, SAGE, ACS),
  ``link.springer.com/article|chapter/DOI``, ``nature.com/articles/ID`` (DOI ``10.1038/ID``)
  and ``biorxiv.org|medrxiv.org/content/DOI``.

Other addresses (PubMed, ScienceDirect, ACL Anthology, proceedings pages) name no
identifier that can be read off reliably, so they give none: the title is matched instead.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from medlm_survey import identifiers

_NEW = identifiers.NEW_STYLE
_OLD = identifiers.OLD_STYLE
_ARXIV_ID = rf"(?P<arxiv>{_NEW}|{_OLD})(?:v\d+)?"
#: The character after an id: not part of a longer number (2303.009151 is no 2303.00915).
_END = r"(?![\d])"
_ARXIV_URL = re.compile(
    rf"(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf|html|format)/|huggingface\.co/papers/)"
    rf"{_ARXIV_ID}{_END}",
    re.IGNORECASE,
)
_ARXIV_TEXT = re.compile(rf"\barXiv\s*:\s*{_ARXIV_ID}{_END}", re.IGNORECASE)
_ARXIV_DOI = re.compile(rf"^10\.48550/arxiv\.{_ARXIV_ID}$", re.IGNORECASE)

#: A DOI in an address: up to the query, fragment, or a character that ends a link in text.
_DOI_BODY = r"(?P<doi>10\.\d{4,9}/[^\s?#\"'<>\]\[|]+)"
_DOI_URLS = [
    re.compile(rf"(?:https?://)?(?:dx\.)?doi\.org/{_DOI_BODY}", re.IGNORECASE),
    # Publisher pages whose path after /doi/ is the DOI. Oxford Academic's /article/doi/
    # is not: its path continues with a page number after the DOI.
    re.compile(rf"(?<!/article)/doi/(?:(?:abs|full|pdf|epdf|epub|reader)/)?{_DOI_BODY}", re.IGNORECASE),
    re.compile(rf"link\.springer\.com/(?:article|chapter)/{_DOI_BODY}", re.IGNORECASE),
    re.compile(rf"(?:bio|med)rxiv\.org/content/{_DOI_BODY}", re.IGNORECASE),
]
_DOI_TEXT = re.compile(rf"\bdoi\s*:\s*{_DOI_BODY}", re.IGNORECASE)
#: Nature's article ids are the suffix of its DOIs (s41586-023-06291-2, ng.2764, sdata201635).
_NATURE = re.compile(r"nature\.com/articles/(?P<id>[A-Za-z][\w.-]*\d[\w-]*)", re.IGNORECASE)
#: Characters that end a sentence or a Markdown construct, never the end of a DOI.
_TRAILING = ".,;:)]}>'\""
_PDF_SUFFIX = re.compile(r"(?:\.(?:full|abstract|pdf|html?))+$", re.IGNORECASE)


def clean_doi(value: str) -> str | None:
    """A DOI as the catalogue writes it, or None when ``value`` is not one.

    Percent-escapes are decoded, trailing punctuation and a ``.pdf`` suffix dropped, and
    a bioRxiv/medRxiv version suffix removed (``identifiers.check_doi``'s fix).
    """
    value = unquote(value.strip()).rstrip(_TRAILING)
    value = _PDF_SUFFIX.sub("", value).rstrip(_TRAILING)
    try:
        return identifiers.check_doi(value)
    except identifiers.IdentifierError as exc:
        if not exc.fix:
            return None
        try:
            return identifiers.check_doi(exc.fix)
        except identifiers.IdentifierError:
            return None


def arxiv_in_doi(doi: str) -> str | None:
    """arXiv's own DOI (``10.48550/arXiv.2303.00915``) -> ``2303.00915``; else None."""
    match = _ARXIV_DOI.match(doi.strip())
    return match["arxiv"] if match else None


def arxiv_in(text: str) -> str | None:
    """The first arXiv id in a link or a piece of text (``arXiv:2303.00915``), or None."""
    for pattern in (_ARXIV_URL, _ARXIV_TEXT):
        match = pattern.search(text)
        if match:
            return match["arxiv"]
    return None


def doi_in(text: str) -> str | None:
    """The first DOI a link or a piece of text carries (see the module docstring), or None.

    arXiv's own DOIs are not returned: :func:`arxiv_in_doi` turns them into arXiv ids.
    """
    for pattern in (*_DOI_URLS, _DOI_TEXT):
        match = pattern.search(text)
        if match:
            doi = clean_doi(match["doi"])
            if doi and not arxiv_in_doi(doi):
                return doi
    match = _NATURE.search(text)
    if match:
        return clean_doi("10.1038/" + match["id"])
    return None


def identify(text: str) -> tuple[str | None, str | None]:
    """(arXiv id, DOI) that a link or a piece of text names; either may be None.

    An arXiv DOI counts as the arXiv id.
    """
    arxiv = arxiv_in(text)
    if arxiv is None:
        for pattern in (*_DOI_URLS, _DOI_TEXT):
            match = pattern.search(text)
            if match and (found := arxiv_in_doi(unquote(match["doi"]).rstrip(_TRAILING))):
                arxiv = found
                break
    return arxiv, doi_in(text)
