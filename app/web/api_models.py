"""The JSON API's own response shapes (`*Public`), built from domain objects by attribute.

The API never returns a domain object itself: renaming a field in app/domain then fails
here or in the OpenAPI snapshot test (tests/web/openapi.json), instead of quietly changing
what clients receive.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Source = Literal["blueprint", "derived", "quoted"]


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
    source: Source | None = None
    answer_set: str | None = None  # answered with this answer set instead of the scale
    anchors: dict[float, str] | None = None  # level value -> what the criterion looks like
    quality: list[str] | None = None
    hint: str | None = None  # for the participant
    evidence: list[str] | None = None  # what a consultant looks for
    action: str | None = None  # what moves the criterion up one level


class SubComponentPublic(_Public):
    id: str
    title: str
    description: str | None = None
    source: Source | None = None
    criteria: list[CriterionPublic]


class AreaPublic(_Public):
    id: str
    title: str
    intent: str
    weight: float = 1.0
    source: Source | None = None
    criteria: list[CriterionPublic] = []
    sub_components: list[SubComponentPublic] = []


class LayerPublic(_Public):
    id: str
    title: str
    description: str | None = None
    areas: list[AreaPublic]


class AnswerLevelPublic(_Public):
    value: float
    label: str
    description: str | None = None


class AnswerSetPublic(_Public):
    title: str | None = None
    levels: list[AnswerLevelPublic]


class WordingPublic(_Public):
    assessment: str
    statement: str
    statements: str
    statements_heading: str
    intent: str
    layer: str
    layers: str
    sequence_reason: str | None = None


class AttributionPublic(_Public):
    title: str
    licence: str
    authors: str | None = None
    url: str | None = None
    licence_url: str | None = None
    notice: str | None = None


class FrameworkPublic(_Public):
    id: str
    version: str
    title: str
    description: str | None = None
    wording: WordingPublic  # what the framework calls its parts
    attribution: AttributionPublic | None = None
    layers_sequenced: bool = False  # whether each layer builds on the one before
    scale: ScalePublic
    answer_sets: dict[str, AnswerSetPublic] = {}
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
    """Of the answers' values (an answer set's 0.25, never its position)."""

    n: int
    mean: float
    median: float
    minimum: float
    maximum: float
    stdev: float


class ScorePublic(_Public):
    """Percentages place a score in its range (0 at the lowest level, 100 at the highest); the
    level figures are null where its parts are answered on different levels."""

    current_percent: float
    target_percent: float
    gap_points: float  # target_percent - current_percent
    levels: str | None  # "scale" or an answer set's name, when every part shares it
    current: float | None
    target: float | None
    gap: float | None
    n: int | None  # how many people it rests on (gave both today and a target)
    thin: bool  # n below the minimum (docs/methodology.md): not ranked, not in the roadmap


class CriterionResultPublic(_Public):
    criterion_id: str
    text: str
    weight: float
    levels: str  # "scale" or the answer set's name
    level_range: float
    current: StatsPublic | None
    target: StatsPublic | None
    score: ScorePublic | None
    n: int  # people who gave both today and a target
    dont_know: int
    half_answered: int  # only today or only a target: counted, not scored
    not_applicable: int  # said not to apply here: not scored
    reasons: list[str]  # why, one per not-applicable answer (never with a name)
    mostly_not_applicable: bool  # more than half of its answers say not applicable
    disagreement_on: list[str]  # "today", "target": where the answers spread widely
    thin: bool
    disagreement: bool


class SubComponentResultPublic(_Public):
    sub_component_id: str
    title: str
    score: ScorePublic | None
    criteria_scored: int
    criteria_total: int
    criteria: list[CriterionResultPublic]


class AreaResultPublic(_Public):
    area_id: str
    title: str
    layer_id: str
    weight: float
    score: ScorePublic | None
    criteria_scored: int
    criteria_total: int
    criteria: list[CriterionResultPublic]  # the area's own, outside any sub-component
    sub_components: list[SubComponentResultPublic]


class LayerResultPublic(_Public):
    layer_id: str
    title: str
    score: ScorePublic | None
    criteria_scored: int
    criteria_total: int
    unscored_areas: list[str]  # titles of areas nobody scored, left out of the layer's score
    areas: list[AreaResultPublic]


class ResultsPublic(_Public):
    participants: int
    overall: ScorePublic | None
    criteria_scored: int
    criteria_total: int
    layers: list[LayerResultPublic]


class GroupDifferencePublic(_Public):
    area_id: str
    title: str
    highest_group: str
    highest: ScorePublic
    lowest_group: str
    lowest: ScorePublic
    difference: float  # in percentage points


class SegmentsPublic(_Public):
    """Groups as far as the anonymity threshold allows: each of `threshold` people or more,
    smaller ones pooled as "Other groups", none at all when `withheld`."""

    groups: dict[str, ResultsPublic] = {}
    differences: list[GroupDifferencePublic] = []
    sizes: dict[str, int] = {}  # people who scored, per group shown
    threshold: int
    pooled: bool
    withheld: bool


class ComparisonPublic(_Public):
    """The agreed baseline (agreed where agreed, individual elsewhere) against individual."""

    id: str
    title: str
    baseline: ScorePublic | None
    individual: ScorePublic | None
    difference_current: float | None  # baseline - individual, in levels; null where mixed
    difference_target: float | None
    difference_current_points: float | None  # the same in percentage points of the range
    difference_target_points: float | None
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


class CountedPublic(_Public):
    """Whose answers the results count (the results page's heading, as numbers)."""

    answers: Literal["submitted", "all"]  # submitted answers only, or in progress too
    group: str | None  # the one group the results are narrowed to; null for everyone
    invited: int
    submitted: int
    in_progress: int  # scored something, not submitted: counted only when answers is "all"
    not_started: int
    heading: str  # e.g. "7 submitted of 9 invited; 2 in progress not counted"


class AssessmentResultsPublic(_Public):
    """The whole score tree of an assessment; see docs/methodology.md for how it is computed."""

    assessment_id: int
    data_version: str
    participants: int  # who scored at least one criterion
    invited: int
    scale_minimum: int
    scale_maximum: int
    # A criterion is flagged when the standard deviation of today's answers reaches this share
    # of its range; `disagreement_stdev` is that threshold in levels of the framework's scale.
    disagreement_share: float
    disagreement_stdev: float
    disagreements: list[str]  # flagged criterion ids, widest spread first
    results: ResultsPublic
    segments: SegmentsPublic
    headline: Literal["agreed baseline", "individual"]  # which one the headline uses
    agreement: AgreementPublic | None  # null until a workshop decides something
    counted: CountedPublic
    groups: list[str]  # groups `group` may name: at least `segments.threshold` people scored
    include_thin_evidence: bool  # the consultant ranks and drafts from thin evidence too
