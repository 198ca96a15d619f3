"""The JSON API's own response shapes (`*Public`), built from domain objects by attribute.

The API never returns a domain object itself: renaming a field in app/domain then fails
here or in the OpenAPI snapshot test (tests/web/openapi.json), instead of quietly changing
what clients receive.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# Frameworks


class LevelPublic(_Public):
    value: int
    label: str
    description: str


class ScalePublic(_Public):
    levels: list[LevelPublic]
    wgll_level: int | None = None


class CriterionPublic(_Public):
    id: str
    text: str
    guidance: str | None = None
    weight: float = 1.0
    source: Literal["blueprint", "derived"] | None = None
    anchors: dict[int, str] | None = None  # what the criterion looks like at other levels
    quality: list[str] | None = None
    hint: str | None = None  # for the participant
    evidence: list[str] | None = None  # what a consultant looks for
    action: str | None = None  # what moves the criterion up one level


class SubComponentPublic(_Public):
    id: str
    title: str
    description: str | None = None
    source: Literal["blueprint", "derived"] | None = None
    criteria: list[CriterionPublic]


class AreaPublic(_Public):
    id: str
    title: str
    intent: str
    weight: float = 1.0
    source: Literal["blueprint", "derived"] | None = None
    criteria: list[CriterionPublic] = []
    sub_components: list[SubComponentPublic] = []


class LayerPublic(_Public):
    id: str
    title: str
    description: str | None = None
    areas: list[AreaPublic]


class FrameworkPublic(_Public):
    id: str
    version: str
    title: str
    description: str | None = None
    scale: ScalePublic
    layers: list[LayerPublic]


class FrameworkSummaryPublic(_Public):
    id: str
    version: str
    title: str
    content_hash: str
    area_count: int
    criterion_count: int
    url: str


class FrameworkDetailPublic(_Public):
    content_hash: str
    framework: FrameworkPublic


# Organisations and assessments


class OrganisationPublic(_Public):
    id: int
    name: str
    slug: str


class AssessmentPublic(_Public):
    id: int
    organisation_id: int
    title: str
    purpose: str
    status: str
    framework_id: str
    framework_version: str
    participant_count: int


class OrganisationDetailPublic(OrganisationPublic):
    assessments: list[AssessmentPublic]


# Results


class StatsPublic(_Public):
    n: int
    mean: float
    median: float
    minimum: int
    maximum: int
    stdev: float


class ScorePublic(_Public):
    current: float
    target: float
    gap: float
    current_percent: float
    target_percent: float


class CriterionResultPublic(_Public):
    criterion_id: str
    text: str
    weight: float
    current: StatsPublic | None
    target: StatsPublic | None
    score: ScorePublic | None
    dont_know: int
    disagreement: bool


class SubComponentResultPublic(_Public):
    sub_component_id: str
    title: str
    score: ScorePublic | None
    criteria: list[CriterionResultPublic]


class AreaResultPublic(_Public):
    area_id: str
    title: str
    layer_id: str
    weight: float
    score: ScorePublic | None
    criteria: list[CriterionResultPublic]  # the area's own, outside any sub-component
    sub_components: list[SubComponentResultPublic]


class LayerResultPublic(_Public):
    layer_id: str
    title: str
    score: ScorePublic | None
    areas: list[AreaResultPublic]


class ResultsPublic(_Public):
    participants: int
    overall: ScorePublic | None
    layers: list[LayerResultPublic]


class GroupDifferencePublic(_Public):
    area_id: str
    title: str
    highest_group: str
    highest: float
    lowest_group: str
    lowest: float


class SegmentsPublic(_Public):
    groups: dict[str, ResultsPublic] = {}
    differences: list[GroupDifferencePublic] = []


class ComparisonPublic(_Public):
    """The agreed baseline (agreed where agreed, individual elsewhere) against individual."""

    id: str
    title: str
    baseline_current: float | None
    baseline_target: float | None
    individual_current: float | None
    individual_target: float | None
    difference_current: float | None
    difference_target: float | None
    agreed_criteria: int
    criteria: int


class DecisionPublic(_Public):
    criterion_id: str
    outcome: Literal["agreed", "parked"]
    agreed_current: int | None
    agreed_target: int | None
    rationale: str
    notes: str
    workshop: str  # the title of the workshop that decided
    decided_on: str


class AgreementPublic(_Public):
    """What workshops agreed, kept beside the individual results (never in place of them)."""

    overall: ComparisonPublic
    layers: list[ComparisonPublic]
    areas: list[ComparisonPublic]
    criteria: list[ComparisonPublic]  # the agreed criteria
    decisions: list[DecisionPublic]  # the decision in force per criterion, agreed or parked
    baseline: ResultsPublic


class AssessmentResultsPublic(_Public):
    """The whole score tree of an assessment; see docs/methodology.md for how it is computed."""

    assessment_id: int
    data_version: str
    participants: int  # who scored at least one criterion
    invited: int
    scale_maximum: int
    disagreement_stdev: float
    disagreements: list[str]  # flagged criterion ids, widest spread first
    results: ResultsPublic
    segments: SegmentsPublic
    headline: Literal["agreed baseline", "individual"]  # which one the headline uses
    agreement: AgreementPublic | None  # null until a workshop decides something
