"""Request dependencies as Annotated aliases, so routes declare what they need in one word.

Tenant scoping lives here: an object the caller may not see answers 404, exactly like one
that does not exist, so no route can forget the check and no response confirms an id.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.datastructures import FormData

from app.config import Settings
from app.db import accounts, repository
from app.db.models import (
    MAX_ID,
    Assessment,
    FrameworkSnapshot,
    Organisation,
    Participant,
    Role,
    User,
)
from app.domain.framework import Id

SESSION_COOKIE = "gapwise_session"

# A path id the database could not hold is refused (422), never sent to a query.
DbId = Annotated[int, Path(ge=1, le=MAX_ID)]


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


async def get_form(request: Request) -> FormData:
    """The posted form, read on the event loop, so that routes writing to the database can be
    sync and run in a thread: a write waiting for SQLite's lock must never block the loop."""
    return await request.form()


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
FormDep = Annotated[FormData, Depends(get_form)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


# The scheme is matched case-insensitively (RFC 7235), as csrf.sends_bearer_token does, and
# declares the API's security scheme in the OpenAPI document.
bearer_token = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description="A personal API token (gw_...), created on the Account page or with "
    "`gapwise create-token`, sent as `Authorization: Bearer <token>`.",
)
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer_token)]


def get_optional_user(
    request: Request, session: SessionDep, bearer: BearerCredentials
) -> User | None:
    """A Bearer API token when one is sent (cookies are then ignored), else the session cookie."""
    if bearer is not None:
        user = accounts.user_for_api_token(session=session, secret=bearer.credentials.strip())
        session.commit()
        if user is None:
            raise HTTPException(
                status_code=401,
                detail="The API token is not valid or was revoked.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return user
    token = request.cookies.get(SESSION_COOKIE)
    user = accounts.user_for_session(session=session, token=token) if token else None
    request.state.user = user
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise HTTPException(
            status_code=401, detail="Sign in to continue.", headers={"WWW-Authenticate": "Bearer"}
        )
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_consultant(user: CurrentUser) -> User:
    if user.role not in (Role.ADMIN, Role.CONSULTANT):
        raise HTTPException(status_code=403, detail="Only consultants and admins can do this.")
    return user


def get_admin(user: CurrentUser) -> User:
    if user.role != Role.ADMIN:
        raise HTTPException(status_code=403, detail="Only admins can do this.")
    return user


ConsultantUser = Annotated[User, Depends(get_consultant)]
AdminUser = Annotated[User, Depends(get_admin)]


def get_framework_snapshot(
    framework_id: Annotated[Id, Path()], session: SessionDep
) -> FrameworkSnapshot:
    """The newest loaded version of a framework, or 404."""
    snapshot = repository.latest_snapshot(session=session, framework_key=framework_id)
    if snapshot is None:
        raise HTTPException(status_code=404, detail=f"No framework with id '{framework_id}'.")
    return snapshot


FrameworkSnapshotDep = Annotated[FrameworkSnapshot, Depends(get_framework_snapshot)]

NOT_FOUND = "There is nothing at this address, or you do not have access to it."


def get_organisation(organisation_id: DbId, session: SessionDep, user: CurrentUser) -> Organisation:
    organisation = accounts.organisation_for(
        session=session, user=user, organisation_id=organisation_id
    )
    if organisation is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return organisation


OrganisationDep = Annotated[Organisation, Depends(get_organisation)]


def get_assessment(assessment_id: DbId, session: SessionDep, user: CurrentUser) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or not accounts.organisation_for(
        session=session, user=user, organisation_id=assessment.organisation_id
    ):
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return assessment


AssessmentDep = Annotated[Assessment, Depends(get_assessment)]


def get_participant(
    participant_id: DbId, assessment: AssessmentDep, session: SessionDep
) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None or participant.assessment_id != assessment.id:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return participant


ParticipantDep = Annotated[Participant, Depends(get_participant)]


def get_invited_participant(invite_token: str, session: SessionDep) -> Participant:
    """The one participant an invite link grants; an unknown, expired or revoked link is 404."""
    participant = accounts.participant_for_invite(session=session, secret=invite_token)
    if participant is None:
        raise HTTPException(
            status_code=404,
            detail="This link is not valid: it may have expired or been replaced. "
            "Ask the person who invited you for a new one.",
        )
    return participant


InvitedParticipant = Annotated[Participant, Depends(get_invited_participant)]


def record_change(
    request: Request,
    session: Session,
    action: str,
    actor: User,
    *,
    organisation_id: int | None = None,
    detail: str = "",
) -> None:
    """Write the audit line for a change made through a page, and commit both together."""
    accounts.record(
        session=session,
        action=action,
        actor=actor,
        organisation_id=organisation_id,
        detail=detail,
        address=client_address(request),
    )
    session.commit()
