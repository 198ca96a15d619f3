"""The JSON API, version 1."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.db import accounts, repository
from app.db.models import Assessment, FrameworkSnapshot
from app.db.results import Agreement, results_of
from app.domain.agreed import Comparison, in_force
from app.domain.framework import Framework
from app.domain.scoring import DISAGREEMENT_STDEV, Results, Score, Segments, disagreements
from app.web.deps import (
    AssessmentDep,
    CurrentUser,
    FrameworkSnapshotDep,
    OrganisationDep,
    SessionDep,
    SettingsDep,
)

router = APIRouter(prefix="/api/v1")


class FrameworkListItem(BaseModel):
    id: str
    version: str
    title: str
    content_hash: str
    area_count: int
    criterion_count: int
    url: str


class FrameworkDetail(BaseModel):
    content_hash: str
    framework: Framework


class OrganisationOut(BaseModel):
    id: int
    name: str
    slug: str


class AssessmentOut(BaseModel):
    id: int
    organisation_id: int
    title: str
    purpose: str
    status: str
    framework_id: str
    framework_version: str
    participant_count: int


class OrganisationDetail(OrganisationOut):
    assessments: list[AssessmentOut]


class ComparisonOut(BaseModel):
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


class DecisionOut(BaseModel):
    criterion_id: str
    outcome: str  # "agreed" or "parked"
    agreed_current: int | None
    agreed_target: int | None
    rationale: str
    notes: str
    workshop: str
    decided_on: str


class AgreementOut(BaseModel):
    """What workshops agreed, kept beside the individual results (never in place of them)."""

    overall: ComparisonOut
    layers: list[ComparisonOut]
    areas: list[ComparisonOut]
    criteria: list[ComparisonOut]  # the agreed criteria
    decisions: list[DecisionOut]  # the decision in force per criterion, agreed or parked
    baseline: Results


class ResultsOut(BaseModel):
    """The whole score tree of an assessment; see docs/methodology.md for how it is computed."""

    assessment_id: int
    data_version: str
    participants: int  # who scored at least one criterion
    invited: int
    scale_maximum: int
    disagreement_stdev: float
    disagreements: list[str]  # flagged criterion ids, widest spread first
    results: Results
    segments: Segments
    headline: str  # "agreed baseline" once a workshop agreed any criterion, else "individual"
    agreement: AgreementOut | None


def _comparison(row: Comparison) -> ComparisonOut:
    def level(score: Score | None, part: str) -> float | None:
        return getattr(score, part) if score else None

    return ComparisonOut(
        id=row.id,
        title=row.title,
        baseline_current=level(row.baseline, "current"),
        baseline_target=level(row.baseline, "target"),
        individual_current=level(row.individual, "current"),
        individual_target=level(row.individual, "target"),
        difference_current=row.difference_current,
        difference_target=row.difference_target,
        agreed_criteria=row.agreed,
        criteria=row.criteria,
    )


def _agreement_out(agreement: Agreement | None) -> AgreementOut | None:
    if agreement is None:
        return None
    rows = agreement.comparisons
    return AgreementOut(
        overall=_comparison(rows.overall),
        layers=[_comparison(r) for r in rows.layers],
        areas=[_comparison(r) for r in rows.areas],
        criteria=[_comparison(r) for r in rows.criteria],
        decisions=[
            DecisionOut(
                criterion_id=d.criterion_id,
                outcome=str(d.outcome),
                agreed_current=d.current,
                agreed_target=d.target,
                rationale=d.rationale,
                notes=d.notes,
                workshop=d.workshop_title,
                decided_on=d.decided_on,
            )
            for d in in_force(agreement.decided)
        ],
        baseline=agreement.baseline,
    )


@router.get("/frameworks", response_model=list[FrameworkListItem], tags=["frameworks"])
def list_frameworks(
    request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> list[FrameworkListItem]:
    """Every framework loaded in this instance, the newest version of each."""
    items = []
    for snapshot in repository.latest_snapshots(session=session):
        framework = repository.framework_of(snapshot)
        path = request.app.url_path_for("get_framework", framework_id=framework.id)
        items.append(
            FrameworkListItem(
                id=framework.id,
                version=framework.version,
                title=framework.title,
                content_hash=snapshot.content_hash,
                area_count=framework.area_count,
                criterion_count=framework.criterion_count,
                url=settings.base_url_text + path,
            )
        )
    return items


@router.get(
    "/frameworks/{framework_id}",
    response_model=FrameworkDetail,
    name="get_framework",
    tags=["frameworks"],
)
def get_framework(snapshot: FrameworkSnapshotDep, user: CurrentUser) -> FrameworkDetail:
    """The whole structure of a framework: scale, layers, areas, sub-components, criteria."""
    framework = repository.framework_of(snapshot)
    return FrameworkDetail(content_hash=snapshot.content_hash, framework=framework)


def _assessment_out(session: SessionDep, assessment: Assessment) -> AssessmentOut:
    snapshot = session.get(FrameworkSnapshot, assessment.framework_snapshot_id)
    assert snapshot is not None  # a foreign key guarantees it
    return AssessmentOut(
        id=assessment.id or 0,
        organisation_id=assessment.organisation_id,
        title=assessment.title,
        purpose=assessment.purpose,
        status=assessment.status,
        framework_id=snapshot.framework_key,
        framework_version=snapshot.version,
        participant_count=len(repository.participants_of(session=session, assessment=assessment)),
    )


@router.get("/organisations", response_model=list[OrganisationOut], tags=["organisations"])
def list_organisations(session: SessionDep, user: CurrentUser) -> list[OrganisationOut]:
    """The organisations the caller is a member of (every one, for an admin)."""
    return [
        OrganisationOut(id=o.id or 0, name=o.name, slug=o.slug)
        for o in accounts.organisations_for(session=session, user=user)
    ]


@router.get(
    "/organisations/{organisation_id}", response_model=OrganisationDetail, tags=["organisations"]
)
def get_organisation(organisation: OrganisationDep, session: SessionDep) -> OrganisationDetail:
    assessments = repository.assessments_of(session=session, organisation=organisation)
    return OrganisationDetail(
        id=organisation.id or 0,
        name=organisation.name,
        slug=organisation.slug,
        assessments=[_assessment_out(session, a) for a in assessments],
    )


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut, tags=["assessments"])
def get_assessment(assessment: AssessmentDep, session: SessionDep) -> AssessmentOut:
    return _assessment_out(session, assessment)


@router.get(
    "/assessments/{assessment_id}/results",
    response_model=ResultsOut,
    tags=["assessments"],
    summary="Scores, gaps, disagreements and group comparisons",
)
def get_results(assessment: AssessmentDep, session: SessionDep) -> ResultsOut:
    """Overall, layers, areas, sub-components and criteria with current, target and gap.

    `results` are the individual ratings. Once a workshop has agreed levels, `agreement`
    holds them beside the individual averages (with the difference, per criterion and rolled
    up per area, layer and overall) and `agreement.baseline` is the tree with agreed levels
    where agreed: that drives the headline and the roadmap (`headline` says which is used).

    A score is null where nobody gave both levels; criterion statistics (n, mean, median,
    min, max, standard deviation) cover complete answers only, and `dont_know` counts the rest.
    """
    data = results_of(session=session, assessment=assessment)
    return ResultsOut(
        assessment_id=assessment.id or 0,
        data_version=data.version,
        participants=data.results.participants,
        invited=data.invited,
        scale_maximum=data.framework.scale.maximum,
        disagreement_stdev=DISAGREEMENT_STDEV,
        disagreements=[c.criterion_id for c in disagreements(data.results)],
        results=data.results,
        segments=data.segments,
        headline="agreed baseline" if data.headline is not data.results else "individual",
        agreement=_agreement_out(data.agreement),
    )
