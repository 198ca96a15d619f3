"""The JSON API, version 1."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.db import accounts, repository
from app.db.models import Assessment, FrameworkSnapshot
from app.db.results import results_of
from app.domain.framework import Framework
from app.domain.scoring import DISAGREEMENT_STDEV, Results, Segments, disagreements
from app.web.deps import (
    AssessmentDep,
    CurrentUser,
    FrameworkSnapshotDep,
    OrganisationDep,
    SessionDep,
    SettingsDep,
)
from app.web.errors import error_responses

# Every route needs an API token; those with a path id can also answer 404 and 422.
router = APIRouter(prefix="/api/v1", responses=error_responses(401))
BY_ID = error_responses(404, 422)


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
    responses=BY_ID,
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
    "/organisations/{organisation_id}",
    response_model=OrganisationDetail,
    tags=["organisations"],
    responses=BY_ID,
)
def get_organisation(organisation: OrganisationDep, session: SessionDep) -> OrganisationDetail:
    assessments = repository.assessments_of(session=session, organisation=organisation)
    return OrganisationDetail(
        id=organisation.id or 0,
        name=organisation.name,
        slug=organisation.slug,
        assessments=[_assessment_out(session, a) for a in assessments],
    )


@router.get(
    "/assessments/{assessment_id}",
    response_model=AssessmentOut,
    tags=["assessments"],
    responses=BY_ID,
)
def get_assessment(assessment: AssessmentDep, session: SessionDep) -> AssessmentOut:
    return _assessment_out(session, assessment)


@router.get(
    "/assessments/{assessment_id}/results",
    response_model=ResultsOut,
    tags=["assessments"],
    summary="Scores, gaps, disagreements and group comparisons",
    responses=BY_ID,
)
def get_results(assessment: AssessmentDep, session: SessionDep) -> ResultsOut:
    """Overall, layers, areas, sub-components and criteria with current, target and gap.

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
    )
