"""Request dependencies as Annotated aliases, so routes declare what they need in one word.

Tenant scoping lives here: an object the caller may not see answers 404, exactly like one
that does not exist, so no route can forget the check and no response confirms an id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn, TypeVar

from fastapi import Depends, HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData

from app.config import Settings
from app.db import accounts, frameworks, invites, repository
from app.db.engine import session_scope
from app.db.models import (
    MAX_ID,
    Assessment,
    FrameworkSnapshot,
    InviteToken,
    Organisation,
    Participant,
    User,
)
from app.domain.framework import Id
from app.domain.policy import Action, can

SESSION_COOKIE = "gapwise_session"
ON_CHANGE = "gapwise_on_change"  # session.info: told the assessments a commit changed

Body = TypeVar("Body", bound=BaseModel)

# A path id the database could not hold is refused (422), never sent to a query.
DbId = Annotated[int, Path(ge=1, le=MAX_ID)]


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session; routes commit it once through `UnitOfWorkRoute`.

    Objects stay readable after that commit (no expiry): pages are rendered, and tests read
    their contexts, from what the request loaded.

    Opened and closed on the event loop, not in two thread-pool hops: opening touches no
    connection, and by the time it closes the unit of work has committed (or closed) it and
    handed its connection back, so closing waits for nothing.
    """
    with request_session(request) as session:
        yield session


def request_session(request: Request) -> Session:
    """A new session for the request, telling the background work (app/web/warming.py) what
    its commit changed."""
    session = Session(request.app.state.engine, expire_on_commit=False)
    background = getattr(request.app.state, "background", None)
    if background is not None:
        session.info[ON_CHANGE] = background.changed
    return session


def parsed_json(model: type[Body], body: bytes, content_type: str | None) -> Body:
    """The JSON body as `model`, for an endpoint outside FastAPI's dependencies; refused as
    FastAPI refuses a body (RequestValidationError, each field under "body"), so the error
    handler words it the same way. A body that says it is something else is refused, as
    FastAPI does; one that says nothing is read as JSON."""
    if content_type and not _is_json(content_type):
        raise RequestValidationError([_NOT_JSON])
    try:
        return model.model_validate_json(body)
    except ValidationError as invalid:
        errors = invalid.errors(include_url=False)
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in errors]
        ) from None


_NOT_JSON = {
    "type": "content_type",
    "loc": ("body",),
    "msg": "send it as JSON, with Content-Type: application/json",
    "input": None,
}


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.startswith("application/") and kind.endswith("+json")


async def get_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, read on the event loop, so that routes writing to the database can be
    sync and run in a thread: a write waiting for SQLite's lock must never block the loop.
    Uploaded files in it are closed once the route is done."""
    form = await request.form()
    try:
        yield form
    finally:
        await form.close()


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
FormDep = Annotated[FormData, Depends(get_form)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


# HTTPBearer matches the scheme case-insensitively (RFC 7235), as csrf.sends_bearer_token does,
# and declares the API's security scheme in the OpenAPI document.
BEARER = HTTPBearer(
    auto_error=False,
    description="A personal API token (create one on your account page), sent as "
    "`Authorization: Bearer gw_…`. Signed-in browsers may use their session instead.",
)


def get_optional_user(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
) -> User | None:
    """A Bearer API token when one is sent (cookies are then ignored), else the session cookie."""
    if bearer is not None:
        found = accounts.user_for_api_token(session=session, secret=bearer.credentials.strip())
        if found is None:
            raise HTTPException(
                status_code=401,
                detail="The API token is not valid or was revoked.",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        user, token = found
        if accounts.use_is_worth_noting(token):
            # Bookkeeping, not the request's change: its own short transaction, so a read
            # through the API never holds SQLite's write lock while it works.
            with session_scope(request.app.state.engine) as bookkeeping:
                accounts.note_token_use(session=bookkeeping, token_id=token.id or 0)
        return user
    cookie = request.cookies.get(SESSION_COOKIE)
    user = accounts.user_for_session(session=session, token=cookie) if cookie else None
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


class Permission:
    """A dependency that lets the request through only when the user's role may take `action`."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def __call__(self, user: CurrentUser) -> User:
        if not can(user.role, self.action):
            raise HTTPException(
                status_code=403,
                detail=f"Your account ({user.role}) cannot {self.action.description}.",
            )
        return user


def allowed(action: Action) -> Any:
    """`dependencies=[allowed(Action.X)]` on a route: 403 unless the user may take action X."""
    return Depends(Permission(action))


def get_framework_snapshot(
    framework_id: Annotated[Id, Path()], session: SessionDep
) -> FrameworkSnapshot:
    """The newest loaded version of a framework, or 404."""
    snapshot = repository.latest_snapshot(session=session, framework_key=framework_id)
    if snapshot is None:
        raise HTTPException(status_code=404, detail=f"No framework with id '{framework_id}'.")
    return snapshot


FrameworkSnapshotDep = Annotated[FrameworkSnapshot, Depends(get_framework_snapshot)]


def get_framework_version(
    framework_id: str, snapshot_id: DbId, session: SessionDep
) -> FrameworkSnapshot:
    """One stored version of a framework, or 404."""
    snapshot = frameworks.snapshot_of(
        session=session, framework_key=framework_id, snapshot_id=snapshot_id
    )
    if snapshot is None:
        raise HTTPException(status_code=404, detail="This framework has no such version.")
    return snapshot


FrameworkVersionDep = Annotated[FrameworkSnapshot, Depends(get_framework_version)]

NOT_FOUND = "There is nothing at this address, or you do not have access to it."


Reader = Annotated[User, Depends(Permission(Action.READ_ASSESSMENTS))]


def get_organisation(organisation_id: DbId, session: SessionDep, user: Reader) -> Organisation:
    organisation = accounts.organisation_for(
        session=session, user=user, organisation_id=organisation_id
    )
    if organisation is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return organisation


OrganisationDep = Annotated[Organisation, Depends(get_organisation)]


def get_assessment(assessment_id: DbId, session: SessionDep, user: Reader) -> Assessment:
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


class LinkNotValid(HTTPException):
    """A participant link that opens nothing; the page says whom to ask for a new one."""

    def __init__(self, contact: str) -> None:
        super().__init__(status_code=404, detail=LINK_NOT_VALID)
        self.contact = contact


ASK_FOR_A_NEW_LINK = "Ask the person who sent you the link for a new one."
LINK_NOT_VALID = (
    "This link does not open a questionnaire any more: it may have expired, been replaced "
    "by a newer one or been revoked. Your answers so far are kept."
)


def get_invited_participant(
    request: Request, invite_token: str, session: SessionDep
) -> Participant:
    """The one participant an invite link grants; an unknown, expired or revoked link is 404.

    Its use is noted (to the minute) in a short transaction of its own, so that reading a
    page never holds the database's write lock.
    """
    found = invites.find(session=session, secret=invite_token)
    return checked_link(request, session, found)


def checked_link(
    request: Request, session: Session, found: tuple[Participant, InviteToken] | None
) -> Participant:
    """The link's participant if the link is live (noting its use), else LinkNotValid."""
    if found is None or not invites.is_live(found[1]):
        refuse_link(session, found)
    participant, token = found
    note_link_use(request, token.id or 0, token)
    return participant


def refuse_link(session: Session, found: tuple[Participant, InviteToken] | None) -> NoReturn:
    """LinkNotValid, saying whom to ask for a new link, as far as the link tells."""
    raise LinkNotValid(_contact(session, found))


def note_link_use(request: Request, token_id: int, times: invites.LinkTimes) -> None:
    """Note (to the minute) that a live link was used, in a short transaction of its own."""
    if invites.use_is_worth_noting(times):
        with session_scope(request.app.state.engine) as bookkeeping:
            invites.note_use(session=bookkeeping, token_id=token_id)


def _contact(session: Session, found: tuple[Participant, InviteToken] | None) -> str:
    """Whom a participant with a dead link should ask, as far as the link tells."""
    if found is None:
        return ASK_FOR_A_NEW_LINK
    participant, token = found
    inviter = invites.inviter_of(session=session, token=token)
    assessment = repository.assessment_of(session=session, participant=participant)
    who = (
        f"{inviter.name or inviter.email} ({inviter.email})"
        if inviter
        else "the person who invited you"
    )
    return f"Ask {who} for a new link to “{assessment.title}”."


InvitedParticipant = Annotated[Participant, Depends(get_invited_participant)]


@dataclass(frozen=True)
class AuditLog:
    """Adds audit lines to the request's unit of work: stored with the change, or not at all."""

    session: Session
    actor: User
    address: str

    def __call__(
        self, action: str, *, organisation_id: int | None = None, detail: str = ""
    ) -> None:
        accounts.record(
            session=self.session,
            action=action,
            actor=self.actor,
            organisation_id=organisation_id,
            detail=detail,
            address=self.address,
        )


def get_audit_log(request: Request, session: SessionDep, user: CurrentUser) -> AuditLog:
    return AuditLog(session, user, client_address(request))


AuditDep = Annotated[AuditLog, Depends(get_audit_log)]
