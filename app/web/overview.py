"""The assessment overview page: shown by routes/assessments.py, and shown again with a refused
participant form (422) by routes/participants.py. Also the questions asked before changing a
participant's link or removing them, the same on this page's dialogs and on the confirmation
page shown without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import frameworks, invites, repository, workshops
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
    only = [participant.id or 0]
    activity = repository.participant_activity(
        session=session, assessment=assessment, participant_ids=only
    )
    answered = activity[participant.id].answered if participant.id in activity else 0
    links = invites.link_states(session=session, assessment=assessment, participant_ids=only)
    return confirmations_for(assessment, participant, answered, links.get(participant.id or 0))


@dataclass(frozen=True)
class ParticipantRow:
    participant: Participant
    activity: Activity
    link: LinkState | None
    confirm: ParticipantConfirmations


PAGE_SIZE = 100  # participants per page of the overview


@dataclass(frozen=True)
class Pager:
    """Which slice of the participants a page shows: page `number` of `pages`, 1-based."""

    number: int
    total: int  # participants in all

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def offset(self) -> int:
        return (self.number - 1) * PAGE_SIZE

    @property
    def first(self) -> int:
        """The position of the page's first participant (1-based); 0 when there are none."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.number * PAGE_SIZE, self.total)

    @property
    def nearby(self) -> list[int]:
        """Page numbers to link: the first, the last, and two either side of this one."""
        around = range(max(1, self.number - 2), min(self.pages, self.number + 2) + 1)
        return sorted({1, self.pages, *around})


def pager_for(asked: str, total: int) -> Pager:
    """The page asked for in `?page=`; anything that is not a page number gives the first,
    and a number past the end the last, so an old link still shows a page."""
    last = Pager(1, total).pages
    number = int(asked) if asked.isdigit() and len(asked) < 9 else 1
    return Pager(min(max(number, 1), last), total)


@dataclass(frozen=True)
class AssessmentPage:
    assessment: Assessment
    organisation: Organisation
    framework_title: str
    framework_version: str
    criterion_count: int
    participants: list[ParticipantRow]  # this page's
    pager: Pager
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
    live_workshop_id: int | None = None  # the workshop running now: its button goes there

    @property
    def past_target_date(self) -> bool:
        """A target date already gone while people still answer: worth saying, not refusing
        (an assessment restored from years ago keeps its date)."""
        when = self.assessment.target_date
        closed = self.assessment.status == AssessmentStatus.CLOSED
        return when is not None and when < date.today() and not closed


def _live_workshop_id(session: Session, assessment: Assessment) -> int | None:
    live = workshops.live_workshop_of(session=session, assessment_id=assessment.id or 0)
    return live.id if live else None


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
    """The overview, one page of participants at a time (`?page=`, PAGE_SIZE each); with a
    form and message it shows a refused participant form (422)."""
    framework = repository.framework_of_assessment(session=session, assessment=assessment)
    total = repository.participant_count(session=session, assessment=assessment)
    pager = pager_for(request.query_params.get("page", ""), total)
    participants = repository.participants_page(
        session=session, assessment=assessment, offset=pager.offset, limit=PAGE_SIZE
    )
    ids = [p.id or 0 for p in participants]
    activity = repository.participant_activity(
        session=session, assessment=assessment, participant_ids=ids
    )
    links = invites.link_states(session=session, assessment=assessment, participant_ids=ids)
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
        pager=pager,
        groups=repository.groups_of(session=session, assessment=assessment),
        mail_enabled=mail,
        waiting=waiting if assessment.status != AssessmentStatus.CLOSED else 0,
        remindable=remindable if assessment.status == AssessmentStatus.OPEN else 0,
        close=close_confirmation(assessment, waiting),
        form=form or ParticipantDetails(),
        message=message,
        upgrade_to=frameworks.upgrade_target(session=session, assessment=assessment),
        notice=_upgraded_notice(request.query_params.get("upgraded", "")),
        live_workshop_id=_live_workshop_id(session, assessment),
    )
    status = 422 if message else 200
    return templates.TemplateResponse(
        request, "assessments/detail.html", {"page": page}, status_code=status
    )
