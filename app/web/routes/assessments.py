"""An assessment's overview for consultants and viewers, and participants' invite links."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import accounts, repository
from app.db.models import Assessment, Organisation, Participant, Role
from app.web.deps import (
    AssessmentDep,
    ConsultantUser,
    CurrentUser,
    ParticipantDep,
    SessionDep,
    SettingsDep,
    record_change,
)
from app.web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@dataclass(frozen=True)
class ParticipantProgress:
    participant: Participant
    answered: int


@dataclass(frozen=True)
class AssessmentPage:
    assessment: Assessment
    organisation: Organisation
    framework_title: str
    criterion_count: int
    participants: list[ParticipantProgress]
    can_manage: bool


@dataclass(frozen=True)
class InvitePage:
    assessment: Assessment
    participant: Participant
    link: str


@router.get("/assessments/{assessment_id}", name="show_assessment")
def show_assessment(
    request: Request, assessment: AssessmentDep, session: SessionDep, user: CurrentUser
) -> Response:
    framework = repository.framework_of_assessment(session=session, assessment=assessment)
    answered = repository.answer_counts(session=session, assessment=assessment)
    page = AssessmentPage(
        assessment=assessment,
        organisation=repository.organisation_of(session=session, assessment=assessment),
        framework_title=framework.title,
        criterion_count=framework.criterion_count,
        participants=[
            ParticipantProgress(p, answered.get(p.id or 0, 0))
            for p in repository.participants_of(session=session, assessment=assessment)
        ],
        can_manage=user.role in (Role.ADMIN, Role.CONSULTANT),
    )
    return templates.TemplateResponse(request, "assessments/detail.html", {"page": page})


@router.post(
    "/assessments/{assessment_id}/participants/{participant_id}/invite", name="issue_invite"
)
def issue_invite(
    request: Request,
    assessment: AssessmentDep,
    participant: ParticipantDep,
    session: SessionDep,
    settings: SettingsDep,
    user: ConsultantUser,
) -> Response:
    """A new link replaces the old one; it is shown once, because only its hash is kept."""
    secret = accounts.issue_invite(session=session, participant=participant)
    record_change(
        request,
        session,
        "issued invite",
        user,
        organisation_id=assessment.organisation_id,
        detail=participant.name,
    )
    link = settings.base_url_text + request.app.url_path_for("start_answering", invite_token=secret)
    page = InvitePage(assessment=assessment, participant=participant, link=link)
    return templates.TemplateResponse(request, "assessments/invite.html", {"page": page})


@router.post(
    "/assessments/{assessment_id}/participants/{participant_id}/revoke-invite",
    name="revoke_invite",
)
def revoke_invite(
    request: Request,
    assessment: AssessmentDep,
    participant: ParticipantDep,
    session: SessionDep,
    user: ConsultantUser,
) -> Response:
    accounts.revoke_invites(session=session, participant=participant)
    record_change(
        request,
        session,
        "revoked invite",
        user,
        organisation_id=assessment.organisation_id,
        detail=participant.name,
    )
    return RedirectResponse(f"/assessments/{assessment.id}", status_code=303)
