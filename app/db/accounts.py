"""Users, memberships, sessions, API tokens, participant invites and the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, timedelta

from sqlalchemy import ColumnElement, Engine, delete, func, update
from sqlmodel import Session, col, select

from app.auth.secrets import (
    hash_password,
    needs_rehash,
    new_token,
    token_digest,
    unknown_user_hash,
    verify_password,
)
from app.db.engine import session_scope
from app.db.models import (
    ApiToken,
    AuditEvent,
    InviteToken,
    LoginAttempt,
    Membership,
    Organisation,
    Participant,
    Role,
    User,
    UserSession,
    utc_now,
)
from app.domain.policy import Action, can

SESSION_LIFETIME = timedelta(hours=12)
INVITE_LIFETIME = timedelta(days=30)
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
# A token's "last used" is kept to the minute: a script calling the API in a loop does not
# write on every request.
TOKEN_USE_PRECISION = timedelta(minutes=1)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def create_user(*, session: Session, email: str, password: str, role: Role, name: str = "") -> User:
    user = User(
        email=normalise_email(email), name=name, password_hash=hash_password(password), role=role
    )
    session.add(user)
    session.flush()
    return user


def set_password(*, session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    session.add(user)
    session.flush()


def count_attempt(*, engine: Engine, email: str, address: str) -> bool:
    """Count a sign-in attempt before its password is checked; False when over a limit.

    The attempt is committed in a transaction of its own (bookkeeping, not the request's
    change) before counting, so attempts sent at the same moment see each other: of N
    parallel guesses at most the limit go on to have their password checked, on SQLite and
    PostgreSQL alike. An attempt that goes on stays counted as a
    failure unless it succeeds (then the account's attempts are cleared); one refused here
    is taken back, so a lockout ends 15 minutes after the last checked failure.
    """
    email = normalise_email(email)
    with session_scope(engine) as session:
        attempt = LoginAttempt(email=email, address=address)
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    # Committed: from here on every other attempt sees this one, and this one sees them.
    with session_scope(engine) as session:
        by_account = _recent_attempts(session, LoginAttempt.email == email)
        by_address = _recent_attempts(session, LoginAttempt.address == address)
        allowed = by_account <= MAX_FAILURES_PER_ACCOUNT and by_address <= MAX_FAILURES_PER_ADDRESS
        if not allowed:
            session.exec(delete(LoginAttempt).where(col(LoginAttempt.id) == attempt_id))
    return allowed


def _recent_attempts(session: Session, condition: ColumnElement[bool]) -> int:
    since = utc_now() - LOGIN_WINDOW
    query = select(func.count()).select_from(LoginAttempt).where(condition)
    return session.exec(query.where(LoginAttempt.attempted_at > since)).one()


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None.

    The password is checked even when no account has the email (against a hash of nothing),
    so both answers take the same time and the timing tells no one which emails exist.
    """
    user = user_by_email(session=session, email=email)
    stored_hash = user.password_hash if user is not None else unknown_user_hash()
    matches = verify_password(stored_hash, password)
    if user is None or not user.is_active or not matches:
        return None
    if needs_rehash(user.password_hash):
        set_password(session=session, user=user, password=password)
    session.exec(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    return user


def start_session(*, session: Session, user: User, address: str) -> str:
    """A new session id every sign-in; returns the cookie value (only its hash is kept)."""
    token = new_token()
    session.add(
        UserSession(
            token_hash=token_digest(token),
            user_id=user.id,
            expires_at=utc_now() + SESSION_LIFETIME,
            address=address,
        )
    )
    session.flush()
    return token


def user_for_session(*, session: Session, token: str) -> User | None:
    query = (
        select(User)
        .join(UserSession)
        .where(
            UserSession.token_hash == token_digest(token),
            col(UserSession.revoked_at).is_(None),
            UserSession.expires_at > utc_now(),
            col(User.is_active).is_(True),
        )
    )
    return session.exec(query).first()


def end_session(*, session: Session, token: str) -> None:
    session.exec(
        update(UserSession)
        .where(col(UserSession.token_hash) == token_digest(token))
        .values(revoked_at=utc_now())
    )


def revoke_sessions_of(*, session: Session, user: User) -> int:
    """Sign a user out everywhere; returns how many sessions were open."""
    result = session.exec(
        update(UserSession)
        .where(col(UserSession.user_id) == user.id, col(UserSession.revoked_at).is_(None))
        .values(revoked_at=utc_now())
    )
    return result.rowcount


def create_api_token(*, session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the stored token and the secret, which is shown once and never again."""
    secret = new_token("gw_")
    token = ApiToken(
        token_hash=token_digest(secret), prefix=secret[:10], name=name, user_id=user.id
    )
    session.add(token)
    session.flush()
    return token, secret


def user_for_api_token(*, session: Session, secret: str) -> tuple[User, ApiToken] | None:
    """The active user a live token belongs to, and the token; reads only."""
    query = (
        select(User, ApiToken)
        .join(ApiToken)
        .where(
            ApiToken.token_hash == token_digest(secret),
            col(ApiToken.revoked_at).is_(None),
            col(User.is_active).is_(True),
        )
    )
    row = session.exec(query).first()
    return (row[0], row[1]) if row else None


def use_is_worth_noting(token: ApiToken) -> bool:
    """Whether the token's last use is older than TOKEN_USE_PRECISION (or never noted)."""
    last = token.last_used_at
    if last is None:
        return True
    return utc_now() - (last if last.tzinfo else last.replace(tzinfo=UTC)) > TOKEN_USE_PRECISION


def note_token_use(*, session: Session, token_id: int) -> None:
    session.exec(
        update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=utc_now())
    )


def api_tokens_of(*, session: Session, user: User) -> Sequence[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return session.exec(query.order_by(col(ApiToken.id).desc())).all()


def revoke_api_token(*, session: Session, user: User, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; None when it is not theirs."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return None
    token.revoked_at = token.revoked_at or utc_now()
    session.add(token)
    return token


def issue_invite(*, session: Session, participant: Participant) -> str:
    """Revoke the participant's earlier links and return a new one's secret."""
    revoke_invites(session=session, participant=participant)
    secret = new_token()
    session.add(
        InviteToken(
            token_hash=token_digest(secret),
            participant_id=participant.id,
            expires_at=utc_now() + INVITE_LIFETIME,
        )
    )
    session.flush()
    return secret


def revoke_invites(*, session: Session, participant: Participant) -> None:
    session.exec(
        update(InviteToken)
        .where(
            col(InviteToken.participant_id) == participant.id, col(InviteToken.revoked_at).is_(None)
        )
        .values(revoked_at=utc_now())
    )


def participant_for_invite(*, session: Session, secret: str) -> Participant | None:
    query = (
        select(Participant)
        .join(InviteToken)
        .where(
            InviteToken.token_hash == token_digest(secret),
            col(InviteToken.revoked_at).is_(None),
            InviteToken.expires_at > utc_now(),
        )
    )
    return session.exec(query).first()


def add_membership(*, session: Session, user: User, organisation: Organisation) -> Membership:
    existing = session.exec(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    ).first()
    if existing:
        return existing
    membership = Membership(user_id=user.id, organisation_id=organisation.id)
    session.add(membership)
    session.flush()
    return membership


def remove_membership(*, session: Session, user_id: int, organisation: Organisation) -> bool:
    result = session.exec(
        delete(Membership).where(
            col(Membership.user_id) == user_id, col(Membership.organisation_id) == organisation.id
        )
    )
    return result.rowcount > 0


def members_of(*, session: Session, organisation: Organisation) -> Sequence[User]:
    query = select(User).join(Membership).where(Membership.organisation_id == organisation.id)
    return session.exec(query.order_by(User.email)).all()


def organisations_for(*, session: Session, user: User) -> Sequence[Organisation]:
    """The organisations a user may see: all for an admin, their memberships otherwise."""
    query = select(Organisation)
    if not can(user.role, Action.SEE_EVERY_ORGANISATION):
        query = query.join(Membership).where(Membership.user_id == user.id)
    return session.exec(query.order_by(Organisation.name)).all()


def organisation_for(*, session: Session, user: User, organisation_id: int) -> Organisation | None:
    """The organisation if the user may see it; None otherwise (the caller answers 404)."""
    query = select(Organisation).where(Organisation.id == organisation_id)
    if not can(user.role, Action.SEE_EVERY_ORGANISATION):
        query = query.join(Membership).where(Membership.user_id == user.id)
    return session.exec(query).first()


def record(
    *,
    session: Session,
    action: str,
    actor: User | None = None,
    organisation_id: int | None = None,
    detail: str = "",
    address: str = "",
    actor_label: str = "",
) -> None:
    """Add one line to the audit log, in the same transaction as the change it describes."""
    session.add(
        AuditEvent(
            actor_user_id=actor.id if actor else None,
            actor=actor.email if actor else actor_label,
            organisation_id=organisation_id,
            action=action,
            detail=detail,
            address=address,
        )
    )


def audit_events(
    *, session: Session, organisation_id: int | None = None, limit: int = 200
) -> Sequence[AuditEvent]:
    """Newest first; for one organisation, or the whole instance when None."""
    query = select(AuditEvent)
    if organisation_id is not None:
        query = query.where(AuditEvent.organisation_id == organisation_id)
    return session.exec(query.order_by(col(AuditEvent.id).desc()).limit(limit)).all()


def all_users(*, session: Session) -> Sequence[User]:
    return session.exec(select(User).order_by(User.email)).all()


def active_sessions(*, session: Session, user: User) -> int:
    query = (
        select(func.count())
        .select_from(UserSession)
        .where(
            UserSession.user_id == user.id,
            col(UserSession.revoked_at).is_(None),
            UserSession.expires_at > utc_now(),
        )
    )
    return session.exec(query).one()
