"""Participants of an assessment: add them, give them a link (by email too), unlock answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlmodel import Session

from app.config import Settings
from app.db import accounts, repository
from app.db.models import Assessment, Participant
from app.domain.policy import Action
from app.mail import MailNotSent, invite_message, mail_enabled, send
from app.web.deps import (
    AssessmentDep,
    AuditDep,
    AuditLog,
    ParticipantDep,
    SessionDep,
    SettingsDep,
    allowed,
)
from app.web.overview import ParticipantForm, render_assessment
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router(dependencies=[allowed(Action.MANAGE_PARTICIPANTS)])

INVITE_COOKIE = "gapwise_invite"
INVITE_SHOWN_SECONDS = 600


@dataclass(frozen=True)
class InvitePage:
    assessment: Assessment
    participant: Participant
    link: str
    mail_note: str


def _problem(form: ParticipantForm) -> str:
    if not form.name:
        return "Name: give the participant's name (up to 200 characters)."
    if form.email and ("@" not in form.email or " " in form.email):
        return f"Email: '{form.email}' is not an email address; leave it empty to copy the link."
    return ""


@router.post("/assessments/{assessment_id}/participants", name="add_participant")
def add_participant(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
    name: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    group: Annotated[str, Form(max_length=80)] = "",
    role: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    form = ParticipantForm(name.strip(), email.strip(), group.strip(), role.strip())
    message = _problem(form)
    if message:
        return render_assessment(
            request,
            session,
            assessment,
            mail=mail_enabled(settings),
            form=form,
            message=message,
        )
    participant = repository.add_participant(
        session=session,
        assessment=assessment,
        name=form.name,
        email=form.email or None,
        group=form.group,
        role=form.role,
    )
    audit(
        "added participant",
        organisation_id=assessment.organisation_id,
        detail=form.name,
    )
    return _new_invite(request, session, settings, audit, assessment, participant)


@router.post(
    "/assessments/{assessment_id}/participants/{participant_id}/invite", name="issue_invite"
)
def issue_invite(
    request: Request,
    assessment: AssessmentDep,
    participant: ParticipantDep,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
) -> Response:
    return _new_invite(request, session, settings, audit, assessment, participant)


def _new_invite(
    request: Request,
    session: Session,
    settings: Settings,
    audit: AuditLog,
    assessment: Assessment,
    participant: Participant,
) -> Response:
    """Issue a link (replacing the old one), email it if we can, then show it on a GET page.

    Only the link's hash is stored, so the page gets it from a signed cookie that lives ten
    minutes: a reload shows it again instead of posting the form twice.
    """
    secret = accounts.issue_invite(session=session, participant=participant)
    _record(audit, assessment, participant, "issued invite")
    link = settings.base_url_text + request.app.url_path_for("start_answering", invite_token=secret)
    note = _mail_invite(session, settings, assessment, participant, link)
    path = f"/assessments/{assessment.id}/participants/{participant.id}/invite"
    shown = {"participant": participant.id, "link": link, "note": note}
    response = RedirectResponse(path, status_code=303)
    response.set_cookie(
        INVITE_COOKIE,
        _invite_serializer(settings).dumps(shown),
        max_age=INVITE_SHOWN_SECONDS,
        path=path,
        httponly=True,
        samesite="strict",
        secure=settings.base_url.scheme == "https",
    )
    return response


def _invite_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="gapwise-invite-link")


@router.get("/assessments/{assessment_id}/participants/{participant_id}/invite", name="show_invite")
def show_invite(
    request: Request,
    assessment: AssessmentDep,
    participant: ParticipantDep,
    settings: SettingsDep,
) -> Response:
    """The link just issued, or, once its ten minutes are over, a way to issue a new one."""
    try:
        shown = _invite_serializer(settings).loads(
            request.cookies.get(INVITE_COOKIE, ""), max_age=INVITE_SHOWN_SECONDS
        )
    except BadData:
        shown = {}
    if shown.get("participant") != participant.id:
        shown = {}
    page = InvitePage(assessment, participant, shown.get("link", ""), shown.get("note", ""))
    return templates.TemplateResponse(request, "assessments/invite.html", {"page": page})


def _record(audit: AuditLog, assessment: Assessment, participant: Participant, action: str) -> None:
    """The audit line for a change to one participant, named in it."""
    audit(action, organisation_id=assessment.organisation_id, detail=participant.name)


def _back_to(assessment: Assessment) -> Response:
    return RedirectResponse(f"/assessments/{assessment.id}", status_code=303)


def _mail_invite(
    session: Session,
    settings: Settings,
    assessment: Assessment,
    participant: Participant,
    link: str,
) -> str:
    """Send the link when mail is set up and the participant has an address; say what happened."""
    if not (participant.email and mail_enabled(settings)):
        return ""
    message = invite_message(
        settings=settings,
        to=participant.email,
        name=participant.name,
        link=link,
        assessment=assessment.title,
        organisation=repository.organisation_of(session=session, assessment=assessment).name,
    )
    try:
        send(settings, message)
    except MailNotSent as exc:
        return f"Not emailed: {exc}. Copy the link below instead."
    return f"Emailed to {participant.email}."


@router.post(
    "/assessments/{assessment_id}/participants/{participant_id}/revoke-invite",
    name="revoke_invite",
)
def revoke_invite(
    assessment: AssessmentDep, participant: ParticipantDep, session: SessionDep, audit: AuditDep
) -> Response:
    accounts.revoke_invites(session=session, participant=participant)
    _record(audit, assessment, participant, "revoked invite")
    return _back_to(assessment)


@router.post(
    "/assessments/{assessment_id}/participants/{participant_id}/unlock", name="unlock_answers"
)
def unlock_answers(
    assessment: AssessmentDep, participant: ParticipantDep, session: SessionDep, audit: AuditDep
) -> Response:
    """Undo a participant's submit so they can change their answers again."""
    repository.set_submitted(session=session, participant=participant, submitted=False)
    _record(audit, assessment, participant, "unlocked answers")
    return _back_to(assessment)
