"""The assessment overview page: shown by routes/assessments.py, and shown again with a refused
participant form (422) by routes/participants.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import repository
from app.db.models import Assessment, Organisation, Participant
from app.db.repository import Activity
from app.reports.registry import EXPORTS, ExportFormat
from app.web.templating import templates


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
    mail_enabled: bool
    exports: list[ExportFormat] = field(default_factory=lambda: list(EXPORTS.values()))
    form: ParticipantForm = field(default_factory=ParticipantForm)
    message: str = ""


def render_assessment(
    request: Request,
    session: Session,
    assessment: Assessment,
    *,
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
        mail_enabled=mail,
        form=form or ParticipantForm(),
        message=message,
    )
    status = 422 if message else 200
    return templates.TemplateResponse(
        request, "assessments/detail.html", {"page": page}, status_code=status
    )
