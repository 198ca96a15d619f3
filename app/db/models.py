"""Every table Gapwise stores, in one module.

What a delete takes with it (each foreign key's `ondelete`; the database applies it, on SQLite
too, where every connection turns foreign keys on):
- an organisation: its assessments (and everything below them) and its memberships;
- an assessment: its participants, their answers and invite links, its roadmap, and its
  workshops with their agendas, decisions, votes and joins;
- a participant: their answers, archived answers, invite links, workshop votes and
  confirmed joins (removal and erasure requests; what a workshop agreed stays);
- a user: their memberships, sessions and API tokens;
- audit events are never deleted with what they describe: the link is set to NULL, the
  actor's email and the detail text stay;
- a framework snapshot cannot be deleted while an assessment uses it (RESTRICT);
- a logo: the branding or organisation showing it shows none (SET NULL).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
)
from sqlmodel import Field, SQLModel

from app.domain.answering import MAX_REASON_LENGTH
from app.domain.policy import Role as Role  # stored on each user; re-exported for callers
from app.domain.text import (
    MAX_EMAIL,
    MAX_GROUP,
    MAX_NAME,
    MAX_OWNER,
    MAX_ROLE,
    MAX_TITLE,
    MAX_TOKEN_NAME,
)
from app.domain.workshop import ItemStatus, Outcome

# Ids are INTEGER columns: PostgreSQL holds up to 2**31 - 1 there (SQLite more). A larger id
# from outside is refused before it reaches a query, where PostgreSQL would fail on it.
MAX_ID = 2**31 - 1


def utc_now() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """A model's table, for the few statements built once past the ORM (a save's); typed here
    once, since SQLModel declares no `__table__` for type checkers."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _timestamp(**kwargs: object) -> object:
    return Field(default_factory=utc_now, sa_type=DateTime(timezone=True), **kwargs)


def _text_column() -> Column[str]:
    """Text that defaults to empty, also for rows that existed before the column."""
    return Column(Text, nullable=False, default="", server_default="")


class FrameworkSnapshot(SQLModel, table=True):
    """A framework exactly as loaded from its file or upload; its content never changes.

    Retiring a version only stops it being offered for new assessments and upgrades;
    assessments that use it keep it.
    """

    __tablename__ = "framework_snapshot"
    __table_args__ = (UniqueConstraint("framework_key", "version", "content_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    framework_key: str = Field(max_length=80)  # the unique constraint indexes it
    version: str = Field(max_length=40)
    content_hash: str = Field(max_length=64)
    title: str = Field(max_length=200)
    content: str = Field(sa_column=Column(Text, nullable=False))
    loaded_at: datetime = _timestamp()
    retired_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Logo(SQLModel, table=True):
    """An uploaded logo after re-encoding: pixels only, no metadata.

    Kept in the database, not on disk, so a backup or a database move carries it.
    """

    id: int | None = Field(default=None, primary_key=True)
    media_type: str = Field(max_length=20)  # image/png or image/jpeg
    width: int
    height: int
    digest: str = Field(max_length=64)  # SHA-256 of content: the ETag and the cache key
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_at: datetime = _timestamp()


class Branding(SQLModel, table=True):
    """The consultancy running this instance: one row, set by an admin."""

    id: int | None = Field(default=None, primary_key=True)
    consultancy_name: str = Field(default="", max_length=120)
    accent_colour: str = Field(default="", max_length=7)  # "#rrggbb"; empty: Gapwise's own
    logo_id: int | None = Field(default=None, foreign_key="logo.id", ondelete="SET NULL")
    updated_at: datetime = _timestamp()


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=MAX_NAME)
    # the client's logo
    logo_id: int | None = Field(default=None, foreign_key="logo.id", ondelete="SET NULL")
    created_at: datetime = _timestamp()
    # An archived client is listed apart; nothing of it changes or goes.
    archived_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Assessment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    framework_snapshot_id: int = Field(foreign_key="framework_snapshot.id", ondelete="RESTRICT")
    title: str = Field(max_length=MAX_TITLE)
    purpose: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: AssessmentStatus = Field(default=AssessmentStatus.DRAFT, sa_type=String(10))
    target_date: date | None = None
    # {area id: importance} set by the consultant for the roadmap; areas not listed weigh 1.
    area_importance: str = Field(
        default="{}", sa_column=Column(Text, nullable=False, default="{}", server_default="{}")
    )
    # The consultant's own words for the report: plain text, paragraphs and "- " bullet lists.
    narrative: str = Field(default="", sa_column=_text_column())
    key_messages: str = Field(default="", sa_column=_text_column())
    recommendations: str = Field(default="", sa_column=_text_column())
    # Bumped in the same transaction as every write that changes what its pages, charts,
    # exports or report show (see repository.mark_changed), except a save, which counts on its
    # participant's `saves`: with their sum, the key of every cache of them.
    data_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The consultant's own wording of the invitation and reminder emails; empty: the default.
    invite_text: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="", server_default="")
    )
    reminder_text: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="", server_default="")
    )
    # The anonymity threshold k: the fewest people who scored that a group needs before its
    # results are shown on their own (app/domain/anonymity.py).
    anonymity_threshold: int = Field(
        default=3, sa_column=Column(Integer, nullable=False, default=3, server_default="3")
    )
    # Thin evidence (app/domain/scoring.py, MIN_EVIDENCE) is left out of the top gaps and
    # strengths and the roadmap draft unless the consultant includes it here.
    include_thin_evidence: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, default=False, server_default=false()),
    )
    # For an imported assessment, the fingerprint of the document it came from: importing the
    # same file again is noticed.
    import_fingerprint: str | None = Field(default=None, max_length=64, index=True)
    created_at: datetime = _timestamp()


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=MAX_NAME)
    email: str | None = Field(default=None, max_length=MAX_EMAIL)
    group: str = Field(default="", max_length=MAX_GROUP)
    role: str = Field(default="", max_length=MAX_ROLE)
    submitted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # Reminders: how many were sent, and the last one's time (at most one a day).
    reminders: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    reminded_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = _timestamp()
    # One more at each of their saves (repository.save_answer). The sum over an assessment's
    # participants is part of its data version, so a save moves the version without writing
    # the assessment's row, for which every save of a workshop would otherwise queue.
    saves: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Answer(SQLModel, table=True):
    """One participant's view of one criterion: current and target level, or don't know.

    `current` and `target` are codes (app/domain/levels.py): the level's value on the
    framework's scale, or the answer's position (0 = first) in the criterion's answer set.
    """

    __table_args__ = (UniqueConstraint("participant_id", "criterion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # The unique constraint (participant_id, criterion_id) indexes participant_id.
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE")
    criterion_id: str = Field(max_length=80)
    current: int | None = None
    target: int | None = None
    dont_know: bool = False
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # "Not applicable here", with the participant's short reason: neither scored nor a
    # knowledge gap, counted apart (app/domain/answering.py).
    not_applicable: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, default=False, server_default=false()),
    )
    na_reason: str = Field(
        default="",
        sa_column=Column(String(MAX_REASON_LENGTH), nullable=False, default="", server_default=""),
    )
    updated_at: datetime = _timestamp()


_ANSWER = table_of(Answer).c
# An answer that counts as answered: both levels, don't know, or not applicable
# (AnswerChoice.is_complete), for the queries that count or list them.
ANSWER_IS_COMPLETE = or_(
    _ANSWER.dont_know,
    _ANSWER.not_applicable,
    and_(_ANSWER.current.isnot(None), _ANSWER.target.isnot(None)),
)


class ArchivedAnswer(SQLModel, table=True):
    """An answer set aside when its assessment moved to a newer framework version, because the
    criterion was removed, reworded or is answered on other levels. Kept as history."""

    __tablename__ = "archived_answer"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    criterion_id: str = Field(max_length=80)
    framework_version: str = Field(max_length=40)  # the version the answer was given on
    reason: str = Field(max_length=20)  # removed | reworded | levels changed
    current: int | None = None
    target: int | None = None
    dont_know: bool = False
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    answered_at: datetime = Field(sa_type=DateTime(timezone=True))
    archived_at: datetime = _timestamp()


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=MAX_EMAIL)
    name: str = Field(default="", max_length=MAX_NAME)
    password_hash: str = Field(max_length=400)
    role: Role = Field(default=Role.VIEWER, sa_type=String(12))
    is_active: bool = True
    created_at: datetime = _timestamp()


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # The unique constraint (user_id, organisation_id) indexes user_id.
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    created_at: datetime = _timestamp()


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only a hash of the cookie value is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    created_at: datetime = _timestamp()
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    address: str = Field(default="", max_length=64)


class ApiToken(SQLModel, table=True):
    """A personal API token; shown once, stored as a hash."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    prefix: str = Field(max_length=16)
    name: str = Field(max_length=MAX_TOKEN_NAME)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    created_at: datetime = _timestamp()
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class InviteToken(SQLModel, table=True):
    """A participant's link: grants that one participant's questionnaire and nothing else."""

    __tablename__ = "invite_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    created_at: datetime = _timestamp()
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # When the link last opened a page (kept to the minute); None: never opened.
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # Who issued it: the person a participant with a dead link is told to ask.
    issued_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins, counted per account and per address to slow down guessing."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, max_length=320)
    address: str = Field(index=True, max_length=64)
    attempted_at: datetime = _timestamp(index=True)


class AuditEvent(SQLModel, table=True):
    """Who did what, when: sign-ins, memberships, tokens and data changes."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp(index=True)
    actor_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    actor: str = Field(default="", max_length=320)
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", ondelete="SET NULL", index=True
    )
    action: str = Field(max_length=60)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    address: str = Field(default="", max_length=64)


class RoadmapStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in progress"
    DONE = "done"
    DROPPED = "dropped"


class RoadmapItem(SQLModel, table=True):
    """One initiative of an assessment's roadmap: drafted from the gaps, then the consultant's."""

    __tablename__ = "roadmap_item"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    area_id: str = Field(default="", max_length=80)  # empty for an item the consultant added
    title: str = Field(max_length=MAX_TITLE)
    owner: str = Field(default="", max_length=MAX_OWNER)
    horizon: int = 0  # index into app.domain.roadmap.HORIZONS
    status: RoadmapStatus = Field(default=RoadmapStatus.PLANNED, sa_type=String(12))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Improvement actions, one per line: drafted from the criteria with the largest gaps.
    actions: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="", server_default="")
    )
    # What success looks like: the target level and the criteria it must move.
    outcome: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="", server_default="")
    )
    # Areas of earlier layers this initiative builds on, one per line.
    depends_on: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="", server_default="")
    )
    position: int = 0
    updated_at: datetime = _timestamp()


class WorkshopStatus(StrEnum):
    LIVE = "live"
    ENDED = "ended"


class Workshop(SQLModel, table=True):
    """A live session in which the room votes on an agenda of criteria and agrees a baseline.

    `version` goes up with every change (a vote, a move, a reveal, a join) in the same
    transaction: the live streams of every worker poll it to know when to send an update.
    """

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=200)
    status: WorkshopStatus = Field(default=WorkshopStatus.LIVE, sa_type=String(10))
    join_code: str = Field(unique=True, max_length=12)
    current_item_id: int | None = None
    version: int = 0
    created_at: datetime = _timestamp()
    ended_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class WorkshopItem(SQLModel, table=True):
    """One criterion on a workshop's agenda, and what the room decided about it."""

    __tablename__ = "workshop_item"
    __table_args__ = (UniqueConstraint("workshop_id", "criterion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    # The unique constraint (workshop_id, criterion_id) indexes workshop_id.
    workshop_id: int = Field(foreign_key="workshop.id", ondelete="CASCADE")
    position: int = 0
    criterion_id: str = Field(max_length=80)
    status: ItemStatus = Field(default=ItemStatus.WAITING, sa_type=String(10))
    round: int = 0
    round_started_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    outcome: Outcome = Field(default=Outcome.NONE, sa_type=String(10))
    agreed_current: int | None = None
    agreed_target: int | None = None
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class WorkshopVote(SQLModel, table=True):
    """One participant's vote in one round of an item; a later round is a new row."""

    __tablename__ = "workshop_vote"
    __table_args__ = (UniqueConstraint("item_id", "participant_id", "round"),)

    id: int | None = Field(default=None, primary_key=True)
    # The unique constraint (item_id, participant_id, round) indexes item_id.
    item_id: int = Field(foreign_key="workshop_item.id", ondelete="CASCADE")
    participant_id: int = Field(foreign_key="participant.id", ondelete="CASCADE", index=True)
    round: int
    current: int
    target: int
    updated_at: datetime = _timestamp()


class JoinStatus(StrEnum):
    WAITING = "waiting"
    CONFIRMED = "confirmed"
    REFUSED = "refused"


class WorkshopJoin(SQLModel, table=True):
    """Someone who joined with the workshop's code, until the consultant says who they are.

    The phone keeps a secret (only its hash is stored); once confirmed it votes as that
    participant.
    """

    __tablename__ = "workshop_join"

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    token_hash: str = Field(unique=True, max_length=64)
    status: JoinStatus = Field(default=JoinStatus.WAITING, sa_type=String(10))
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", ondelete="CASCADE"
    )
    address: str = Field(default="", max_length=64)
    created_at: datetime = _timestamp()


class JoinAttempt(SQLModel, table=True):
    """A join code typed wrong (or no longer valid), counted per address to slow guessing."""

    __tablename__ = "join_attempt"

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(index=True, max_length=64)
    attempted_at: datetime = _timestamp(index=True)
