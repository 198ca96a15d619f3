"""Participants' links in batches, their state, their use, and reminders.

A batch of links (an invitation of twelve, a round of reminders, a single new link) is shown
to the consultant for a few minutes after it is issued. Only each link's hash is stored, so
the links are derived from a random batch key with HMAC: the server keeps the hashes, the
consultant's browser keeps the key (in a signed cookie), and together they give the links
again, for the page and for its CSV, without any link being stored in the clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, bindparam, case, func, or_, update
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from app.auth.secrets import token_digest
from app.db.accounts import INVITE_LIFETIME, revoke_invites
from app.db.engine import core_connection
from app.db.models import (
    ANSWER_IS_COMPLETE,
    Answer,
    Assessment,
    AssessmentStatus,
    FrameworkSnapshot,
    InviteToken,
    Participant,
    User,
    table_of,
    utc_now,
)

USE_PRECISION = timedelta(minutes=1)  # a link's "last used" is kept to the minute
REMINDER_INTERVAL = timedelta(days=1)  # at most one reminder a day per person


def new_batch_key() -> str:
    return secrets.token_urlsafe(32)


def batch_secret(key: str, participant_id: int) -> str:
    """The link secret of one participant in a batch: 256 bits no one can guess without key."""
    digest = hmac.new(key.encode(), f"invite:{participant_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def issue(
    *,
    session: Session,
    participant: Participant,
    key: str,
    issued_by: User | None,
    keep_earlier: bool = False,
) -> str:
    """A new link for the participant from the batch key; earlier links stop working unless
    `keep_earlier` (a reminder adds a link; it does not take the invitation's away)."""
    if not keep_earlier:
        revoke_invites(session=session, participant=participant)
    secret = batch_secret(key, participant.id or 0)
    session.add(
        InviteToken(
            token_hash=token_digest(secret),
            participant_id=participant.id,
            expires_at=utc_now() + INVITE_LIFETIME,
            issued_by_user_id=issued_by.id if issued_by else None,
        )
    )
    session.flush()
    return secret


def live_ids(*, session: Session, key: str, participant_ids: Sequence[int]) -> set[int]:
    """Which of a batch's links still work (not replaced, revoked or expired since)."""
    hashes = {token_digest(batch_secret(key, pid)): pid for pid in participant_ids}
    query = select(InviteToken.token_hash).where(
        col(InviteToken.token_hash).in_(hashes),
        col(InviteToken.revoked_at).is_(None),
        InviteToken.expires_at > utc_now(),
    )
    return {hashes[h] for h in session.exec(query).all()}


def find(*, session: Session, secret: str) -> tuple[Participant, InviteToken] | None:
    """The participant and token a link names, live or not."""
    query = (
        select(Participant, InviteToken)
        .join(InviteToken)
        .where(InviteToken.token_hash == token_digest(secret))
    )
    row = session.exec(query).first()
    return (row[0], row[1]) if row else None


class LinkTimes(Protocol):
    """When a link expires, was revoked and was last used: an InviteToken, or a save's link."""

    @property
    def expires_at(self) -> datetime: ...

    @property
    def revoked_at(self) -> datetime | None: ...

    @property
    def last_used_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class LinkedParticipant:
    """The participant a save's link names."""

    id: int
    assessment_id: int
    submitted_at: datetime | None  # of their answers; None: not submitted
    complete: frozenset[str]  # ids of the criteria they have answered completely so far


@dataclass(frozen=True)
class AnsweringLink:
    """What a save through a link must check, read in one indexed query, as plain values:
    loading the participant and the token as objects cost a save more than its upsert."""

    participant: LinkedParticipant
    token_id: int
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    status: AssessmentStatus  # of the participant's assessment
    snapshot_id: int  # its framework version, and that version's content hash
    content_hash: str


_PARTICIPANTS, _TOKENS = table_of(Participant), table_of(InviteToken)
_ASSESSMENTS, _SNAPSHOTS = table_of(Assessment), table_of(FrameworkSnapshot)
_ANSWERS = table_of(Answer)
SEPARATOR = ","  # between criterion ids, which have none (app/domain/framework.Id)
# The participant's completed criteria as one text (group_concat on SQLite, string_agg on
# PostgreSQL), for the progress a save returns: a hundred rows fetched one by one cost a save
# as much as its upsert.
_COMPLETE = (
    sql_select(func.aggregate_strings(_ANSWERS.c.criterion_id, SEPARATOR))
    .where(_ANSWERS.c.participant_id == _PARTICIPANTS.c.id, ANSWER_IS_COMPLETE)
    .scalar_subquery()
)
# Built once with a bound parameter, so SQLAlchemy compiles it once: every save asks it.
_FOR_ANSWERING = (
    sql_select(
        _PARTICIPANTS.c.id.label("participant_id"),
        _PARTICIPANTS.c.assessment_id,
        _PARTICIPANTS.c.submitted_at,
        _COMPLETE.label("complete"),
        _TOKENS.c.id.label("token_id"),
        _TOKENS.c.expires_at,
        _TOKENS.c.revoked_at,
        _TOKENS.c.last_used_at,
        _ASSESSMENTS.c.status,
        _SNAPSHOTS.c.id.label("snapshot_id"),
        _SNAPSHOTS.c.content_hash,
    )
    .select_from(_TOKENS)
    .join(_PARTICIPANTS, _PARTICIPANTS.c.id == _TOKENS.c.participant_id)
    .join(_ASSESSMENTS, _ASSESSMENTS.c.id == _PARTICIPANTS.c.assessment_id)
    .join(_SNAPSHOTS, _SNAPSHOTS.c.id == _ASSESSMENTS.c.framework_snapshot_id)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
)


def find_for_answering(*, session: Session, secret: str) -> AnsweringLink | None:
    """The link (live or not), its participant and the criteria they have completed, their
    assessment's status and its framework version: by the token hash's unique index, then
    primary keys and the answers' (participant, criterion) index."""
    found = core_connection(session).execute(_FOR_ANSWERING, {"token_hash": token_digest(secret)})
    row = found.mappings().first()
    if row is None:
        return None
    return AnsweringLink(
        participant=LinkedParticipant(
            id=row["participant_id"],
            assessment_id=row["assessment_id"],
            submitted_at=row["submitted_at"],
            complete=frozenset((row["complete"] or "").split(SEPARATOR)) - {""},
        ),
        token_id=row["token_id"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
        status=row["status"],
        snapshot_id=row["snapshot_id"],
        content_hash=row["content_hash"],
    )


def is_live(token: LinkTimes) -> bool:
    return token.revoked_at is None and _aware(token.expires_at) > utc_now()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def use_is_worth_noting(token: LinkTimes) -> bool:
    last = token.last_used_at
    return last is None or utc_now() - _aware(last) > USE_PRECISION


def note_use(*, session: Session, token_id: int) -> None:
    session.exec(
        update(InviteToken).where(col(InviteToken.id) == token_id).values(last_used_at=utc_now())
    )


@dataclass(frozen=True)
class LinkState:
    """What a participant's links look like to the consultant."""

    state: str  # "active", "revoked", "expired" or "none"
    since: datetime | None  # when revoked or expired
    last_used_at: datetime | None  # over all their links; None: never opened

    @property
    def label(self) -> str:
        return {"active": "Active", "revoked": "Revoked", "expired": "Expired"}.get(
            self.state, "None yet"
        )


def link_states(
    *, session: Session, assessment: Assessment, participant_ids: Collection[int] | None = None
) -> dict[int, LinkState]:
    """Per participant id (those with at least one link): all, or those of `participant_ids`."""
    query = (
        select(InviteToken)
        .join(Participant)
        .where(Participant.assessment_id == assessment.id)
        .order_by(col(InviteToken.id))
    )
    if participant_ids is not None:
        query = query.where(col(InviteToken.participant_id).in_(participant_ids))
    tokens: dict[int, list[InviteToken]] = {}
    for token in session.exec(query).all():
        tokens.setdefault(token.participant_id, []).append(token)
    return {pid: _state(own) for pid, own in tokens.items()}


def _state(tokens: list[InviteToken]) -> LinkState:
    used = [_aware(t.last_used_at) for t in tokens if t.last_used_at]
    last_used = max(used) if used else None
    if any(is_live(t) for t in tokens):
        return LinkState("active", None, last_used)
    latest = tokens[-1]
    if latest.revoked_at is not None:
        return LinkState("revoked", _aware(latest.revoked_at), last_used)
    return LinkState("expired", _aware(latest.expires_at), last_used)


def claim_reminders(*, session: Session, assessment: Assessment) -> list[Participant]:
    """Mark everyone who has not submitted and was not reminded in the last day as reminded
    now, and return them. One UPDATE: of two consultants pressing "Remind" at once, the
    second finds nobody left to remind (SQLite serialises writers; PostgreSQL re-checks the
    condition on each row after waiting for the first one's lock)."""
    now = utc_now()
    due = _may_be_reminded(now)
    claimed = session.exec(
        update(Participant)
        .where(
            col(Participant.assessment_id) == assessment.id,
            col(Participant.submitted_at).is_(None),
            due,
        )
        .values(reminded_at=now, reminders=col(Participant.reminders) + 1)
        .returning(col(Participant.id))
    ).all()
    ids = [row[0] for row in claimed]
    query = select(Participant).where(col(Participant.id).in_(ids)).order_by(Participant.id)
    return list(session.exec(query.execution_options(populate_existing=True)).all())


def _may_be_reminded(now: datetime) -> ColumnElement[bool]:
    """Not reminded in the last REMINDER_INTERVAL."""
    return or_(
        col(Participant.reminded_at).is_(None),
        col(Participant.reminded_at) <= now - REMINDER_INTERVAL,
    )


def waiting_for_reminder(*, session: Session, assessment: Assessment) -> tuple[int, int]:
    """(how many have not submitted, how many of them may be reminded now): counted in SQL,
    so an assessment of thousands loads none of them."""
    query = select(func.count(), func.count(case((_may_be_reminded(utc_now()), 1)))).where(
        Participant.assessment_id == assessment.id, col(Participant.submitted_at).is_(None)
    )
    waiting, due = session.exec(query).one()
    return waiting, due


def inviter_of(*, session: Session, token: InviteToken) -> User | None:
    """Who issued the link, if known and still there."""
    return session.get(User, token.issued_by_user_id) if token.issued_by_user_id else None
