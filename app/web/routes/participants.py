"""One participant at a time: add, edit, remove; a new link, revoke the link, unlock answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from app.db import accounts, repository
from app.db.models import Assessment, Participant
from app.domain.people import DetailsRefused, ParticipantDetails, checked_details
from app.domain.policy import Action
from app.mail import mail_enabled
from app.web.confirm import ask, is_confirmed
from app.web.deps import (
    AssessmentDep,
    AuditDep,
    CurrentUser,
    FormDep,
    ParticipantDep,
    SessionDep,
    SettingsDep,
    allowed,
)
from app.web.feedback import done
from app.web.invitations import NEW_LINK, issue_batch, show_batch
from app.web.overview import (
    participant_confirmations,
    render_assessment,
)
from app.web.templating import templates
from app.web.transactions import page_router

MANAGE = allowed(Action.MANAGE_PARTICIPANTS)
router = page_router()
PARTICIPANT = "/assessments/{assessment_id}/participants/{participant_id}"

Name = Annotated[str, Form(max_length=400)]  # the rules are checked_details'; this only bounds


def _details(name: str, email: str, group: str, role: str) -> ParticipantDetails:
    return ParticipantDetails(name, email, group, role)


def _overview(assessment: Assessment) -> str:
    return f"/assessments/{assessment.id}"


@router.post(
    "/assessments/{assessment_id}/participants", name="add_participant", dependencies=[MANAGE]
)
def add_participant(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    audit: AuditDep,
    name: Name = "",
    email: Name = "",
    group: Name = "",
    role: Name = "",
) -> Response:
    sent = _details(name, email, group, role)
    try:
        details = checked_details(sent)
    except DetailsRefused as refused:
        mail = mail_enabled(settings)
        return render_assessment(
            request, session, assessment, mail=mail, form=sent, message=str(refused)
        )
    participant = repository.add_participant(
        session=session,
        assessment=assessment,
        name=details.name,
        email=details.email or None,
        group=details.group,
        role=details.role,
    )
    audit("added participant", organisation_id=assessment.organisation_id, detail=details.name)
    return _new_link(request, session, settings, user, assessment, participant, "Added")


def _new_link(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    assessment: Assessment,
    participant: Participant,
    verb: str,
) -> Response:
    batch, secrets = issue_batch(
        session=session, kind=NEW_LINK, participants=[participant], issued_by=user
    )
    accounts.record(
        session=session,
        action="issued invite",
        actor=user,
        organisation_id=assessment.organisation_id,
        detail=participant.name,
    )
    return show_batch(
        request,
        session=session,
        settings=settings,
        assessment=assessment,
        batch=batch,
        participants=[participant],
        secrets=secrets,
        consultant=user,
        message=f"{verb} {participant.name}: a new link is below.",
    )


@router.post(f"{PARTICIPANT}/invite", name="issue_invite", dependencies=[MANAGE])
def issue_invite(
    request: Request,
    assessment: AssessmentDep,
    participant: ParticipantDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    form: FormDep,
) -> Response:
    """A new link; any earlier one stops working (asked first when one is still active)."""
    confirmations = participant_confirmations(session, assessment, participant)
    if confirmations.replace is not None and not is_confirmed(form):
        return ask(request, confirmations.replace, form)
    return _new_link(request, session, settings, user, assessment, participant, "Link replaced for")


@router.post(f"{PARTICIPANT}/revoke-invite", name="revoke_invite", dependencies=[MANAGE])
def revoke_invite(
    request: Request,
    assessment: AssessmentDep,
    participant: ParticipantDep,
    session: SessionDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    if not is_confirmed(form):
        confirmation = participant_confirmations(session, assessment, participant).revoke
        return ask(request, confirmation, form)
    accounts.revoke_invites(session=session, participant=participant)
    audit("revoked invite", organisation_id=assessment.organisation_id, detail=participant.name)
    message = f"Link revoked for {participant.name}: it no longer opens the questionnaire."
    return done(request, _overview(assessment), message)


@router.post(f"{PARTICIPANT}/unlock", name="unlock_answers", dependencies=[MANAGE])
def unlock_answers(
    request: Request,
    assessment: AssessmentDep,
    participant: ParticipantDep,
    session: SessionDep,
    audit: AuditDep,
) -> Response:
    """Undo a participant's submit so they can change their answers again."""
    repository.set_submitted(session=session, participant=participant, submitted=False)
    audit("unlocked answers", organisation_id=assessment.organisation_id, detail=participant.name)
    message = f"Answers unlocked for {participant.name}: they can change them and submit again."
    return done(request, _overview(assessment), message)


@dataclass(frozen=True)
class EditParticipantPage:
    assessment: Assessment
    participant: Participant
    form: ParticipantDetails
    message: str = ""


def _render_edit(request: Request, page: EditParticipantPage, status: int = 200) -> Response:
    return templates.TemplateResponse(
        request, "participants/edit.html", {"page": page}, status_code=status
    )


@router.get(f"{PARTICIPANT}/edit", name="edit_participant", dependencies=[MANAGE])
def edit_participant(
    request: Request, assessment: AssessmentDep, participant: ParticipantDep
) -> Response:
    form = _details(participant.name, participant.email or "", participant.group, participant.role)
    return _render_edit(request, EditParticipantPage(assessment, participant, form))


@router.post(f"{PARTICIPANT}/edit", name="update_participant", dependencies=[MANAGE])
def update_participant(
    request: Request,
    assessment: AssessmentDep,
    participant: ParticipantDep,
    session: SessionDep,
    audit: AuditDep,
    name: Name = "",
    email: Name = "",
    group: Name = "",
    role: Name = "",
) -> Response:
    sent = _details(name, email, group, role)
    try:
        details = checked_details(sent)
    except DetailsRefused as refused:
        page = EditParticipantPage(assessment, participant, sent, str(refused))
        return _render_edit(request, page, status=422)
    repository.update_participant(
        session=session,
        participant=participant,
        name=details.name,
        email=details.email or None,
        group=details.group,
        role=details.role,
    )
    audit("changed participant", organisation_id=assessment.organisation_id, detail=details.name)
    return done(request, _overview(assessment), f"Saved the details of {details.name}.")


@router.post(
    f"{PARTICIPANT}/remove",
    name="remove_participant",
    dependencies=[allowed(Action.REMOVE_PARTICIPANTS)],
)
def remove_participant(
    request: Request,
    assessment: AssessmentDep,
    participant: ParticipantDep,
    session: SessionDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    if not is_confirmed(form):
        confirmation = participant_confirmations(session, assessment, participant).remove
        return ask(request, confirmation, form)
    name = participant.name
    repository.delete_participant(session=session, participant=participant)
    audit("removed participant", organisation_id=assessment.organisation_id, detail=name)
    message = f"Removed {name} and their answers; the results no longer count them."
    return done(request, _overview(assessment), message)
