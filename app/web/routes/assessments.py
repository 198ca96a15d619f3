"""Assessments for consultants: create one, open and close it, and follow its progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.db import repository
from app.db.models import AssessmentStatus, FrameworkSnapshot, Organisation
from app.domain.policy import Action
from app.mail import mail_enabled
from app.web.deps import AssessmentDep, AuditDep, OrganisationDep, SessionDep, SettingsDep, allowed
from app.web.overview import render_assessment
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

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


MANAGE = allowed(Action.MANAGE_ASSESSMENTS)


@router.get(
    "/organisations/{organisation_id}/assessments/new", name="new_assessment", dependencies=[MANAGE]
)
def new_assessment(
    request: Request, organisation: OrganisationDep, session: SessionDep
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


@router.post(
    "/organisations/{organisation_id}/assessments", name="create_assessment", dependencies=[MANAGE]
)
def create_assessment(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    audit: AuditDep,
    title: Annotated[str, Form(max_length=200)] = "",
    purpose: Annotated[str, Form(max_length=4000)] = "",
    framework_id: Annotated[str, Form(max_length=80)] = "",
    target_date: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    form = AssessmentForm(title.strip(), purpose.strip(), framework_id, target_date.strip())
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
    audit(
        "created assessment",
        organisation_id=organisation.id,
        detail=form.title,
    )
    return RedirectResponse(f"/assessments/{assessment.id}", status_code=303)


@router.get("/assessments/{assessment_id}", name="show_assessment")
def show_assessment(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    return render_assessment(request, session, assessment, mail=mail_enabled(settings))


@router.post("/assessments/{assessment_id}/status", name="change_status", dependencies=[MANAGE])
def change_status(
    assessment: AssessmentDep,
    session: SessionDep,
    audit: AuditDep,
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
    audit(
        f"{action} assessment",
        organisation_id=assessment.organisation_id,
        detail=assessment.title,
    )
    return RedirectResponse(f"/assessments/{assessment.id}", status_code=303)
