"""The JSON API, version 1."""

from __future__ import annotations

from fastapi import Request

from app.db import accounts, repository
from app.db.models import Assessment, FrameworkSnapshot
from app.db.results import Agreement
from app.domain.agreed import Comparison, in_force
from app.domain.evidence import ALL
from app.domain.scoring import DISAGREEMENT_SHARE, disagreements
from app.web.api_models import (
    AgreementPublic,
    AssessmentPublic,
    AssessmentResultsPublic,
    ComparisonPublic,
    CountedPublic,
    DecisionPublic,
    FrameworkDetailPublic,
    FrameworkPublic,
    FrameworkSummaryPublic,
    OrganisationDetailPublic,
    OrganisationPublic,
    ResultsPublic,
    ScorePublic,
    SegmentsPublic,
)
from app.web.deps import (
    AssessmentDep,
    CurrentUser,
    FrameworkSnapshotDep,
    OrganisationDep,
    SessionDep,
    SettingsDep,
)
from app.web.errors import error_responses
from app.web.results_view import ViewDep, results_in
from app.web.transactions import site_router

# Every route needs an API token; those with a path id can also answer 404 and 422.
router = site_router(prefix="/api/v1", responses=error_responses(401))
BY_ID = error_responses(404, 422)


@router.get(
    "/frameworks",
    response_model=list[FrameworkSummaryPublic],
    name="api_list_frameworks",
    summary="Frameworks loaded here",
    tags=["frameworks"],
)
def api_list_frameworks(
    request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> list[FrameworkSummaryPublic]:
    """Every framework loaded in this instance, the newest version of each."""
    items = []
    for snapshot in repository.latest_snapshots(session=session):
        framework = repository.framework_of(snapshot)
        path = request.app.url_path_for("api_get_framework", framework_id=framework.id)
        items.append(
            FrameworkSummaryPublic(
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
    response_model=FrameworkDetailPublic,
    name="api_get_framework",
    summary="A framework's whole structure",
    tags=["frameworks"],
    responses=BY_ID,
)
def api_get_framework(snapshot: FrameworkSnapshotDep, user: CurrentUser) -> FrameworkDetailPublic:
    """The whole structure of a framework: scale, layers, areas, sub-components, criteria."""
    framework = FrameworkPublic.model_validate(repository.framework_of(snapshot))
    return FrameworkDetailPublic(content_hash=snapshot.content_hash, framework=framework)


def _assessment_public(session: SessionDep, assessment: Assessment) -> AssessmentPublic:
    snapshot = session.get(FrameworkSnapshot, assessment.framework_snapshot_id)
    assert snapshot is not None  # a foreign key guarantees it
    return AssessmentPublic(
        id=assessment.id or 0,
        organisation_id=assessment.organisation_id,
        title=assessment.title,
        purpose=assessment.purpose,
        status=assessment.status,
        framework_id=snapshot.framework_key,
        framework_version=snapshot.version,
        participant_count=len(repository.participants_of(session=session, assessment=assessment)),
    )


@router.get(
    "/organisations",
    response_model=list[OrganisationPublic],
    name="api_list_organisations",
    summary="Your organisations",
    tags=["organisations"],
)
def api_list_organisations(session: SessionDep, user: CurrentUser) -> list[OrganisationPublic]:
    """The organisations the caller is a member of (every one, for an admin)."""
    return [
        OrganisationPublic(id=o.id or 0, name=o.name, slug=o.slug)
        for o in accounts.organisations_for(session=session, user=user)
    ]


@router.get(
    "/organisations/{organisation_id}",
    response_model=OrganisationDetailPublic,
    name="api_get_organisation",
    summary="An organisation and its assessments",
    tags=["organisations"],
    responses=BY_ID,
)
def api_get_organisation(
    organisation: OrganisationDep, session: SessionDep
) -> OrganisationDetailPublic:
    assessments = repository.assessments_of(session=session, organisation=organisation)
    return OrganisationDetailPublic(
        id=organisation.id or 0,
        name=organisation.name,
        slug=organisation.slug,
        assessments=[_assessment_public(session, a) for a in assessments],
    )


@router.get(
    "/assessments/{assessment_id}",
    response_model=AssessmentPublic,
    name="api_get_assessment",
    summary="An assessment",
    tags=["assessments"],
    responses=BY_ID,
)
def api_get_assessment(assessment: AssessmentDep, session: SessionDep) -> AssessmentPublic:
    return _assessment_public(session, assessment)


@router.get(
    "/assessments/{assessment_id}/results",
    response_model=AssessmentResultsPublic,
    name="api_get_results",
    tags=["assessments"],
    summary="Scores, gaps, disagreements and group comparisons",
    responses=BY_ID,
)
def api_get_results(
    assessment: AssessmentDep, session: SessionDep, view: ViewDep
) -> AssessmentResultsPublic:
    """Overall, layers, areas, sub-components and criteria with current, target and gap.

    `results` are the individual ratings. Once a workshop has agreed levels, `agreement`
    holds them beside the individual averages (with the difference, per criterion and rolled
    up per area, layer and overall) and `agreement.baseline` is the tree with agreed levels
    where agreed: that drives the headline and the roadmap (`headline` says which is used).

    A score is null where nobody gave both levels; criterion statistics (n, mean, median,
    min, max, standard deviation) cover complete answers only, and `dont_know` counts the rest.
    `current_percent` and `target_percent` place a score in its range (0 at the lowest level);
    `current`, `target` and `gap` are in levels and null where the parts are answered on
    different levels (`levels` names the shared scale or answer set).

    `answers` and `group` filter as the results page does (same rules, same messages): by
    default submitted answers only once anyone has submitted; `counted` says whose answers
    the numbers rest on, `groups` which groups can be chosen (at least `threshold` people).
    """
    data = results_in(session=session, assessment=assessment, view=view)
    return AssessmentResultsPublic(
        assessment_id=assessment.id or 0,
        data_version=data.version,
        participants=data.results.participants,
        invited=data.invited,
        scale_minimum=data.framework.scale.minimum,
        scale_maximum=data.framework.scale.maximum,
        disagreement_share=DISAGREEMENT_SHARE,
        disagreement_stdev=DISAGREEMENT_SHARE
        * (data.framework.scale.maximum - data.framework.scale.minimum),
        disagreements=[c.criterion_id for c in disagreements(data.results)],
        results=ResultsPublic.model_validate(data.results),
        segments=SegmentsPublic.model_validate(data.segments),
        headline="agreed baseline" if data.agreed_baseline else "individual",
        agreement=_agreement_public(data.agreement),
        counted=CountedPublic(
            answers=data.view.answers or ALL,
            group=data.view.group or None,
            invited=data.counted.invited,
            submitted=data.counted.submitted,
            in_progress=data.counted.in_progress,
            not_started=data.counted.not_started,
            heading=data.counted.heading,
        ),
        groups=list(data.groups),
        include_thin_evidence=data.include_thin,
    )


def _comparison(row: Comparison) -> ComparisonPublic:
    return ComparisonPublic(
        id=row.id,
        title=row.title,
        baseline=ScorePublic.model_validate(row.baseline) if row.baseline else None,
        individual=ScorePublic.model_validate(row.individual) if row.individual else None,
        difference_current=row.difference_current,
        difference_target=row.difference_target,
        difference_current_points=row.difference_current_points,
        difference_target_points=row.difference_target_points,
        agreed_criteria=row.agreed,
        criteria=row.criteria,
    )


def _agreement_public(agreement: Agreement | None) -> AgreementPublic | None:
    if agreement is None:
        return None
    rows = agreement.comparisons
    return AgreementPublic(
        overall=_comparison(rows.overall),
        layers=[_comparison(r) for r in rows.layers],
        areas=[_comparison(r) for r in rows.areas],
        criteria=[_comparison(r) for r in rows.criteria],
        decisions=[
            DecisionPublic(
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
        baseline=ResultsPublic.model_validate(agreement.baseline),
    )
