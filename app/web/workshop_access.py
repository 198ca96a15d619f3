"""Who may do what in a live workshop: every check of it lives here.

Running a workshop (starting it, presenting, revealing, agreeing, confirming who joined with
the code) is for consultants and admins who can see the assessment's organisation; a viewer
cannot, and another organisation's workshop is 404 like one that does not exist. Voting is for
a participant of the workshop's own assessment, through their invite link or through a join
the consultant confirmed, and only in the workshop they joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from app.db import accounts, repository, workshops
from app.db.models import Assessment, Role, User, Workshop, WorkshopStatus
from app.db.workshops import Voter
from app.domain.framework import Framework
from app.web.deps import (
    NOT_FOUND,
    AssessmentDep,
    CurrentUser,
    DbId,
    SessionDep,
    client_address,
)

NO_WORKSHOP = "No workshop is running for this assessment now. Ask the facilitator."


def may_run_workshops(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.CONSULTANT)


def get_workshop_runner(user: CurrentUser) -> User:
    if not may_run_workshops(user):
        raise HTTPException(status_code=403, detail="Only consultants and admins run workshops.")
    return user


RunnerUser = Annotated[User, Depends(get_workshop_runner)]


def get_runnable_assessment(assessment: AssessmentDep, user: RunnerUser) -> Assessment:
    """An assessment (tenant-scoped like every other) the user may run a workshop on."""
    return assessment


RunnableAssessment = Annotated[Assessment, Depends(get_runnable_assessment)]


@dataclass(frozen=True)
class RunningWorkshop:
    """A workshop its consultant is running, with what every action on it needs."""

    workshop: Workshop
    assessment: Assessment
    framework: Framework
    user: User
    address: str

    @property
    def id(self) -> int:
        return self.workshop.id or 0

    def ensure_live(self) -> None:
        if self.workshop.status != WorkshopStatus.LIVE:
            raise HTTPException(status_code=409, detail="This workshop has ended.")

    def audit(self, session: Session, action: str, detail: str) -> None:
        """The audit line, in the same transaction as the change it describes."""
        accounts.record(
            session=session,
            action=action,
            actor=self.user,
            organisation_id=self.assessment.organisation_id,
            detail=f"{self.workshop.title} (workshop {self.id}): {detail}",
            address=self.address,
        )


def get_running_workshop(
    request: Request, workshop_id: DbId, session: SessionDep, user: RunnerUser
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
    return RunningWorkshop(workshop, assessment, framework, user, client_address(request))


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
