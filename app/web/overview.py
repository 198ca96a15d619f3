"""The assessment overview page: shown by routes/assessments.py, and shown again with a refused
participant form (422) by routes/participants.py. Also the questions asked before changing a
participant's link or removing them, the same on this page's dialogs and on the confirmation
page shown without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import frameworks, invites, repository
from app.db.invites import LinkState
from app.db.models import (
    Assessment,
    AssessmentStatus,
    FrameworkSnapshot,
    Organisation,
    Participant,
)
from app.db.repository import Activity
from app.domain.people import ParticipantDetails
from app.reports.registry import ExportFormat, exports_on
from app.web.confirm import Confirmation
from app.web.templating import templates


@dataclass(frozen=True)
class ParticipantConfirmations:
    remove: Confirmation
    revoke: Confirmation
    replace: Confirmation | None  # None: no link works now, so a new one disrupts nothing


def confirmations_for(
    assessment: Assessment, participant: Participant, answered: int, link: LinkState | None
) -> ParticipantConfirmations:
    name, back = participant.name, f"/assessments/{assessment.id}"
    answers = f"{answered} answer{'' if answered == 1 else 's'}" if answered else "no answers yet"
    remove = Confirmation(
        f"Remove {name}?",
        f"{name} has {answers}. Removing them deletes their answers and comments and their "
        "link, and the results, report and exports no longer count them. This cannot be undone.",
        f"Remove {name}",
        back,
    )
    revoke = Confirmation(
        f"Revoke {name}'s link?",
        f"The link stops working at once. Their {answers} stay; give them a new link to let "
        "them continue.",
        "Revoke the link",
        back,
    )
    replace = None
    if link is not None and link.state == "active":
        replace = Confirmation(
            f"Replace {name}'s link?",
            "Their current link stops working at once and a new one is issued (and emailed, "
            f"when they have an address). Their {answers} stay.",
            "Replace the link",
            back,
        )
    return ParticipantConfirmations(remove, revoke, replace)


def participant_confirmations(
    session: Session, assessment: Assessment, participant: Participant
) -> ParticipantConfirmations:
    activity = repository.participant_activity(session=session, assessment=assessment)
    answered = activity[participant.id].answered if participant.id in activity else 0
    link = invites.link_states(session=session, assessment=assessment).get(participant.id or 0)
    return confirmations_for(assessment, participant, answered, link)


@dataclass(frozen=True)
class ParticipantRow:
    participant: Participant
    activity: Activity
    link: LinkState | None
    confirm: ParticipantConfirmations


@dataclass(frozen=True)
class AssessmentPage:
    assessment: Assessment
    organisation: Organisation
    framework_title: str
    framework_version: str
    criterion_count: int
    participants: list[ParticipantRow]
    groups: list[str]
    mail_enabled: bool
    waiting: int  # participants who have not submitted
    remindable: int  # of them, those not reminded in the last day
    close: Confirmation
    exports: list[ExportFormat] = field(default_factory=lambda: exports_on("assessment"))
    form: ParticipantDetails = field(default_factory=ParticipantDetails)
    message: str = ""
    upgrade_to: FrameworkSnapshot | None = None  # a later version of its framework, if offered
    notice: str = ""


def _upgraded_notice(summary: str) -> str:
    """The outcome of an upgrade, from `?upgraded=kept.revisit.removed` on the redirect."""
    parts = summary.split(".")
    if len(parts) != 3 or not all(p.isdigit() and len(p) < 7 for p in parts):
        return ""
    kept, revisit, removed = (int(p) for p in parts)
    return (
        f"Upgraded: {kept} answers carried over; {revisit} set aside for participants to "
        f"answer again; {removed} to removed criteria kept in the history."
    )


def close_confirmation(assessment: Assessment, waiting: int) -> Confirmation:
    still = (
        f" {waiting} participant{'s have' if waiting != 1 else ' has'} not submitted yet."
        if waiting
        else ""
    )
    return Confirmation(
        f"Close “{assessment.title}”?",
        "Every answer is frozen: nobody can answer or change anything until you reopen it." + still,
        "Close the assessment",
        f"/assessments/{assessment.id}",
    )


def render_assessment(
    request: Request,
    session: Session,
    assessment: Assessment,
    *,
    mail: bool,
    form: ParticipantDetails | None = None,
    message: str = "",
) -> Response:
    """The overview; with a form and message it shows a refused participant form (422)."""
    framework = repository.framework_of_assessment(session=session, assessment=assessment)
    activity = repository.participant_activity(session=session, assessment=assessment)
    participants = repository.participants_of(session=session, assessment=assessment)
    links = invites.link_states(session=session, assessment=assessment)
    waiting, remindable = invites.waiting_for_reminder(session=session, assessment=assessment)
    rows = []
    for p in participants:
        done = activity.get(p.id or 0, Activity(0, None))
        link = links.get(p.id or 0)
        rows.append(
            ParticipantRow(p, done, link, confirmations_for(assessment, p, done.answered, link))
        )
    page = AssessmentPage(
        assessment=assessment,
        organisation=repository.organisation_of(session=session, assessment=assessment),
        framework_title=framework.title,
        framework_version=framework.version,
        criterion_count=framework.criterion_count,
        participants=rows,
        groups=sorted({p.group for p in participants if p.group}),
        mail_enabled=mail,
        waiting=waiting if assessment.status != AssessmentStatus.CLOSED else 0,
        remindable=remindable if assessment.status == AssessmentStatus.OPEN else 0,
        close=close_confirmation(assessment, waiting),
        form=form or ParticipantDetails(),
        message=message,
        upgrade_to=frameworks.upgrade_target(session=session, assessment=assessment),
        notice=_upgraded_notice(request.query_params.get("upgraded", "")),
    )
    status = 422 if message else 200
    return templates.TemplateResponse(
        request, "assessments/detail.html", {"page": page}, status_code=status
    )
