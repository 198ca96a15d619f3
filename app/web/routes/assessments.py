"""Assessments for consultants: create one, open and close it, and follow its progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.db import repository
from app.db.models import (
    Assessment,
    AssessmentStatus,
    FrameworkSnapshot,
    Organisation,
    Participant,
    Role,
)
from app.db.repository import Activity
from app.domain.framework import Id
from app.domain.text import LongText, OptionalTitle
from app.mail import mail_enabled
from app.web.deps import (
    AssessmentDep,
    ConsultantUser,
    CurrentUser,
    OrganisationDep,
    SessionDep,
    SettingsDep,
    record_change,
)
from app.web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

# Which status each action moves to, and from which statuses it is allowed.
STATUS_ACTIONS = {
    "open": (AssessmentStatus.OPEN, {AssessmentStatus.DRAFT}),
    "close": (AssessmentStatus.CLOSED, {AssessmentStatus.OPEN}),
    "reopen": (AssessmentStatus.OPEN, {AssessmentStatus.CLOSED}),
}


@dataclass(frozen=True)
class AssessmentForm:
    title: str = ""
    purpose: str = ""
    framework_id: str = ""
    target_date: str = ""


@dataclass(frozen=True)
class NewAssessmentPage:
    organisation: Organisation
    frameworks: list[FrameworkSnapshot]
    form: AssessmentForm
    message: str = ""


@dataclass(frozen=True)
class ParticipantRow:
    participant: Participant
    activity: Activity


@dataclass(frozen=True)
class ParticipantForm:
    name: str = ""
    email: str = ""
    group: str = ""
    role: str = ""


@dataclass(frozen=True)
class AssessmentPage:
    assessment: Assessment
    organisation: Organisation
    framework_title: str
    criterion_count: int
    participants: list[ParticipantRow]
    groups: list[str]
    can_manage: bool
    mail_enabled: bool
    form: ParticipantForm = field(default_factory=ParticipantForm)
    message: str = ""


def _render_new(
    request: Request,
    session: Session,
    organisation: Organisation,
    form: AssessmentForm,
    message: str = "",
) -> Response:
    frameworks = list(repository.latest_snapshots(session=session))
    page = NewAssessmentPage(organisation, frameworks, form, message)
    return templates.TemplateResponse(
        request, "assessments/new.html", {"page": page}, status_code=422 if message else 200
    )


@router.get("/organisations/{organisation_id}/assessments/new", name="new_assessment")
def new_assessment(
    request: Request, organisation: OrganisationDep, session: SessionDep, user: ConsultantUser
) -> Response:
    return _render_new(
        request, session, organisation, AssessmentForm(framework_id="reap-blueprint")
    )


def _problem(session: Session, form: AssessmentForm) -> str:
    """What is wrong with the form, naming the field; empty when it can be saved."""
    if not form.title:
        return "Title: give the assessment a title (up to 200 characters)."
    if repository.latest_snapshot(session=session, framework_key=form.framework_id) is None:
        return "Framework: choose one of the frameworks listed."
    if form.target_date:
        try:
            date.fromisoformat(form.target_date)
        except ValueError:
            return "Target date: use the form YYYY-MM-DD, for example 2028-06-30."
    return ""


@router.post("/organisations/{organisation_id}/assessments", name="create_assessment")
def create_assessment(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    user: ConsultantUser,
    title: Annotated[OptionalTitle, Form()] = "",
    purpose: Annotated[LongText, Form()] = "",
    framework_id: Annotated[Id, Form()] = "",
    target_date: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    form = AssessmentForm(title, purpose, framework_id, target_date.strip())
    message = _problem(session, form)
    if message:
        return _render_new(request, session, organisation, form, message)
    snapshot = repository.latest_snapshot(session=session, framework_key=form.framework_id)
    assert snapshot is not None  # checked by _problem
    assessment = repository.create_assessment(
        session=session,
        organisation=organisation,
        snapshot=snapshot,
        title=form.title,
        purpose=form.purpose,
        target_date=date.fromisoformat(form.target_date) if form.target_date else None,
    )
    record_change(
        request,
        session,
        "created assessment",
        user,
        organisation_id=organisation.id,
        detail=form.title,
    )
    return RedirectResponse(f"/assessments/{assessment.id}", status_code=303)


def render_assessment(
    request: Request,
    session: Session,
    assessment: Assessment,
    *,
    can_manage: bool,
    mail: bool,
    form: ParticipantForm | None = None,
    message: str = "",
) -> Response:
    """The overview; with a form and message it shows a refused participant form (422)."""
    framework = repository.framework_of_assessment(session=session, assessment=assessment)
    activity = repository.participant_activity(session=session, assessment=assessment)
    participants = repository.participants_of(session=session, assessment=assessment)
    page = AssessmentPage(
        assessment=assessment,
        organisation=repository.organisation_of(session=session, assessment=assessment),
        framework_title=framework.title,
        criterion_count=framework.criterion_count,
        participants=[
            ParticipantRow(p, activity.get(p.id or 0, Activity(0, None))) for p in participants
        ],
        groups=sorted({p.group for p in participants if p.group}),
        can_manage=can_manage,
        mail_enabled=mail,
        form=form or ParticipantForm(),
        message=message,
    )
    status = 422 if message else 200
    return templates.TemplateResponse(
        request, "assessments/detail.html", {"page": page}, status_code=status
    )


@router.get("/assessments/{assessment_id}", name="show_assessment")
def show_assessment(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> Response:
    can_manage = user.role in (Role.ADMIN, Role.CONSULTANT)
    return render_assessment(
        request, session, assessment, can_manage=can_manage, mail=mail_enabled(settings)
    )


@router.post("/assessments/{assessment_id}/status", name="change_status")
def change_status(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    user: ConsultantUser,
    action: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Open (from draft), close (from open) or reopen (from closed)."""
    if action not in STATUS_ACTIONS:
        raise HTTPException(status_code=422, detail="action: must be open, close or reopen")
    status, allowed_from = STATUS_ACTIONS[action]
    if assessment.status not in allowed_from:
        raise HTTPException(
            status_code=409,
            detail=f"This assessment is {assessment.status}; it cannot {action} from there.",
        )
    repository.set_status(session=session, assessment=assessment, status=status)
    record_change(
        request,
        session,
        f"{action} assessment",
        user,
        organisation_id=assessment.organisation_id,
        detail=assessment.title,
    )
    return RedirectResponse(f"/assessments/{assessment.id}", status_code=303)
