"""Who may do what in a live workshop, on top of the permission table.

Running a workshop (starting it, presenting, revealing, agreeing, confirming who joined with
the code) is `Action.RUN_WORKSHOPS` in app/domain/policy.py, on an assessment the user can
see: another organisation's workshop is 404 like one that does not exist. Voting
(`Action.VOTE`) is for a participant of the workshop's own assessment, through their invite
link or through a join the consultant confirmed, and only in the workshop they joined: like
answering, the link is the permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from app.db import accounts, repository, workshops
from app.db.models import Assessment, User, Workshop, WorkshopStatus
from app.db.workshops import Voter
from app.domain.framework import Framework
from app.domain.levels import AnswerLevels
from app.domain.policy import Action
from app.web.deps import NOT_FOUND, AuditLog, DbId, Permission, SessionDep, client_address

NO_WORKSHOP = "No workshop is running for this assessment now. Ask the facilitator."

Runner = Annotated[User, Depends(Permission(Action.RUN_WORKSHOPS))]


@dataclass(frozen=True)
class RunningWorkshop:
    """A workshop its consultant is running, with what every action on it needs."""

    workshop: Workshop
    assessment: Assessment
    framework: Framework
    audit_log: AuditLog

    @property
    def id(self) -> int:
        return self.workshop.id or 0

    def levels_of(self, criterion_id: str) -> AnswerLevels:
        """What the criterion is voted and agreed on: the scale or its answer set."""
        return self.framework.levels_of(self.framework.criteria_by_id[criterion_id])

    def ensure_live(self) -> None:
        if self.workshop.status != WorkshopStatus.LIVE:
            raise HTTPException(status_code=409, detail="This workshop has ended.")

    def audit(self, action: str, detail: str) -> None:
        """The audit line, in the request's unit of work with the change it describes."""
        self.audit_log(
            action,
            organisation_id=self.assessment.organisation_id,
            detail=f"{self.workshop.title} (workshop {self.id}): {detail}",
        )


def get_running_workshop(
    request: Request, workshop_id: DbId, session: SessionDep, user: Runner
) -> RunningWorkshop:
    workshop = session.get(Workshop, workshop_id)
    assessment = session.get(Assessment, workshop.assessment_id) if workshop else None
    if (
        workshop is None
        or assessment is None
        or not accounts.organisation_for(
            session=session, user=user, organisation_id=assessment.organisation_id
        )
    ):
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    framework = repository.framework_of_assessment(session=session, assessment=assessment)
    audit_log = AuditLog(session, user, client_address(request))
    return RunningWorkshop(workshop, assessment, framework, audit_log)


WorkshopDep = Annotated[RunningWorkshop, Depends(get_running_workshop)]


@dataclass(frozen=True)
class Seat:
    """A voter's place in their assessment's live workshop (None while none is running)."""

    token: str
    voter: Voter
    workshop: Workshop | None

    def ensure_workshop(self) -> Workshop:
        if self.workshop is None:
            raise HTTPException(status_code=409, detail=NO_WORKSHOP)
        return self.workshop


def get_seat(voter_token: str, session: SessionDep) -> Seat:
    voter = workshops.voter_for_token(session=session, secret=voter_token)
    if voter is None:
        raise HTTPException(
            status_code=404,
            detail="This link is not valid: it may have expired or been replaced. "
            "Ask the facilitator for the join code.",
        )
    return Seat(voter_token, voter, _workshop_for(session, voter))


def _workshop_for(session: Session, voter: Voter) -> Workshop | None:
    """The live workshop of the voter's assessment; a join counts only for its own workshop."""
    live = workshops.live_workshop_of(
        session=session, assessment_id=voter.participant.assessment_id
    )
    if live is not None and voter.join is not None and voter.join.workshop_id != live.id:
        return None  # joined an earlier workshop: a new code is needed
    return live


SeatDep = Annotated[Seat, Depends(get_seat)]


def whole_number(raw: object, field: str) -> int | None:
    """A number sent in a workshop form (a level, an item, a round); None when left empty."""
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except ValueError:
        raise HTTPException(422, f"{field}: must be a whole number, not '{raw}'") from None
