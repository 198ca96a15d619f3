"""Assessments for consultants: create one, open and close it, and follow its progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import invites, repository
from app.db.models import Assessment, AssessmentStatus, FrameworkSnapshot, Organisation
from app.domain.anonymity import (
    DEFAULT_THRESHOLD,
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    threshold_problem,
)
from app.domain.evidence import INCLUDE_THIN_PROBLEM, include_thin_of
from app.domain.framework import Id
from app.domain.messages import (
    DEFAULT_INVITATION,
    DEFAULT_REMINDER,
    PLACEHOLDERS,
    text_problem,
)
from app.domain.policy import Action
from app.domain.scoring import MIN_EVIDENCE
from app.domain.text import LongText, OptionalTitle
from app.mail import mail_enabled
from app.web.confirm import ask, is_confirmed
from app.web.deps import (
    AssessmentDep,
    AuditDep,
    FormDep,
    OrganisationDep,
    SessionDep,
    SettingsDep,
    allowed,
)
from app.web.feedback import done
from app.web.overview import close_confirmation, render_assessment
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
    frameworks = list(repository.latest_snapshots(session=session, offered_only=True))
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
    offered = repository.latest_snapshots(session=session, offered_only=True)
    only = offered[0].framework_key if len(offered) == 1 else ""  # never a silent default
    return _render_new(request, session, organisation, AssessmentForm(framework_id=only))


def _details_problem(title: str, target_date: str) -> str:
    """What is wrong with the fields the new and the edit form share; empty when none."""
    if not title:
        return "Title: give the assessment a title (up to 200 characters)."
    if target_date:
        try:
            date.fromisoformat(target_date)
        except ValueError:
            return "Target date: use the form YYYY-MM-DD, for example 2028-06-30."
    return ""


def _problem(session: Session, form: AssessmentForm) -> str:
    """What is wrong with the form, naming the field; empty when it can be saved."""
    if not form.title:
        return _details_problem(form.title, form.target_date)
    if not repository.latest_snapshot(
        session=session, framework_key=form.framework_id, offered_only=True
    ):
        return "Framework: choose one of the frameworks listed."
    return _details_problem(form.title, form.target_date)


@router.post(
    "/organisations/{organisation_id}/assessments", name="create_assessment", dependencies=[MANAGE]
)
def create_assessment(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    audit: AuditDep,
    title: Annotated[OptionalTitle, Form()] = "",
    purpose: Annotated[LongText, Form()] = "",
    framework_id: Annotated[Id, Form()] = "",
    target_date: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    form = AssessmentForm(title, purpose, framework_id, target_date.strip())
    message = _problem(session, form)
    if message:
        return _render_new(request, session, organisation, form, message)
    snapshot = repository.latest_snapshot(
        session=session, framework_key=form.framework_id, offered_only=True
    )
    assert snapshot is not None  # checked by _problem
    assessment = repository.create_assessment(
        session=session,
        organisation=organisation,
        snapshot=snapshot,
        title=form.title,
        purpose=form.purpose,
        target_date=date.fromisoformat(form.target_date) if form.target_date else None,
    )
    audit("created assessment", organisation_id=organisation.id, detail=form.title)
    message = f"Created “{form.title}”. Invite the participants, then open it for answers."
    return done(request, f"/assessments/{assessment.id}", message)


@router.get("/assessments/{assessment_id}", name="show_assessment")
def show_assessment(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    return render_assessment(request, session, assessment, mail=mail_enabled(settings))


STATUS_DONE = {
    "open": "Opened “{title}”: participants can answer now.",
    "close": "Closed “{title}”: every answer is frozen.",
    "reopen": "Reopened “{title}”: participants can change their answers again.",
}


@router.post("/assessments/{assessment_id}/status", name="change_status", dependencies=[MANAGE])
def change_status(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    """Open (from draft), close (from open, asked first) or reopen (from closed)."""
    action = str(form.get("action", ""))
    if action not in STATUS_ACTIONS:
        raise HTTPException(status_code=422, detail="Action: must be open, close or reopen.")
    status, allowed_from = STATUS_ACTIONS[action]
    if assessment.status not in allowed_from:
        raise HTTPException(
            status_code=409,
            detail=f"This assessment is {assessment.status}; it cannot {action} from there.",
        )
    if action == "close" and not is_confirmed(form):
        waiting, _ = invites.waiting_for_reminder(session=session, assessment=assessment)
        return ask(request, close_confirmation(assessment, waiting), form)
    repository.set_status(session=session, assessment=assessment, status=status)
    audit(
        f"{action} assessment", organisation_id=assessment.organisation_id, detail=assessment.title
    )
    message = STATUS_DONE[action].format(title=assessment.title)
    return done(request, f"/assessments/{assessment.id}", message)


@dataclass(frozen=True)
class EditForm:
    title: str
    purpose: str
    target_date: str
    invite_text: str
    reminder_text: str
    anonymity_threshold: str = str(DEFAULT_THRESHOLD)
    include_thin_evidence: str = ""  # "yes" when ticked


@dataclass(frozen=True)
class EditAssessmentPage:
    assessment: Assessment
    form: EditForm
    placeholders: dict[str, str]
    message: str = ""
    thresholds: tuple[int, int] = (MIN_THRESHOLD, MAX_THRESHOLD)  # the anonymity threshold's range
    min_evidence: int = MIN_EVIDENCE  # fewer people than this: thin evidence


def _render_edit(request: Request, page: EditAssessmentPage) -> Response:
    status = 422 if page.message else 200
    return templates.TemplateResponse(
        request, "assessments/edit.html", {"page": page}, status_code=status
    )


EDIT = allowed(Action.EDIT_ASSESSMENTS)


@router.get("/assessments/{assessment_id}/edit", name="edit_assessment", dependencies=[EDIT])
def edit_assessment(request: Request, assessment: AssessmentDep) -> Response:
    form = EditForm(
        assessment.title,
        assessment.purpose,
        assessment.target_date.isoformat() if assessment.target_date else "",
        assessment.invite_text or DEFAULT_INVITATION,
        assessment.reminder_text or DEFAULT_REMINDER,
        str(assessment.anonymity_threshold),
        "yes" if assessment.include_thin_evidence else "",
    )
    return _render_edit(request, EditAssessmentPage(assessment, form, PLACEHOLDERS))


def _edit_problem(form: EditForm) -> str:
    for label, text in (
        ("Invitation email", form.invite_text),
        ("Reminder email", form.reminder_text),
    ):
        problem = text_problem(text)
        if problem:
            return f"{label}: {problem}."
    thin = "" if include_thin_of(form.include_thin_evidence) is not None else INCLUDE_THIN_PROBLEM
    return (
        _details_problem(form.title, form.target_date)
        or threshold_problem(form.anonymity_threshold)
        or thin
    )


def _own_text(text: str, default: str) -> str:
    """Stored only when it differs from the default, so a better default reaches everyone."""
    normalised = text.replace("\r\n", "\n").strip()
    return "" if normalised == default.strip() else normalised


@router.post("/assessments/{assessment_id}/edit", name="update_assessment", dependencies=[EDIT])
def update_assessment(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    audit: AuditDep,
    title: Annotated[OptionalTitle, Form()] = "",
    purpose: Annotated[LongText, Form()] = "",
    target_date: Annotated[str, Form(max_length=20)] = "",
    invite_text: Annotated[LongText, Form()] = "",  # checked_text: the rule for all text
    reminder_text: Annotated[LongText, Form()] = "",
    anonymity_threshold: Annotated[str, Form(max_length=20)] = str(DEFAULT_THRESHOLD),
    include_thin_evidence: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    form = EditForm(
        title,
        purpose,
        target_date.strip(),
        invite_text or DEFAULT_INVITATION,
        reminder_text or DEFAULT_REMINDER,
        anonymity_threshold.strip(),
        include_thin_evidence.strip(),
    )
    message = _edit_problem(form)
    if message:
        return _render_edit(request, EditAssessmentPage(assessment, form, PLACEHOLDERS, message))
    repository.update_assessment(
        session=session,
        assessment=assessment,
        title=form.title,
        purpose=form.purpose,
        target_date=date.fromisoformat(form.target_date) if form.target_date else None,
        invite_text=_own_text(form.invite_text, DEFAULT_INVITATION),
        reminder_text=_own_text(form.reminder_text, DEFAULT_REMINDER),
        anonymity_threshold=int(form.anonymity_threshold),
        include_thin_evidence=include_thin_of(form.include_thin_evidence),
    )
    audit("changed assessment", organisation_id=assessment.organisation_id, detail=form.title)
    return done(request, f"/assessments/{assessment.id}", f"Saved the changes to “{form.title}”.")
