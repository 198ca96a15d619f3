"""Reading and writing workshops: agendas, votes, decisions and people joining with a code.

Every change to a workshop starts with `claim`, which raises its version in the database.
That first write serialises changes to one workshop (SQLite's write lock, PostgreSQL's row
lock) and is what the live streams poll, so a vote can never slip in after a lock, and no
change goes unannounced. It also moves the assessment's data version (what its results,
exports and report are cached under), since agreed levels, notes and votes change them.
Nothing here commits: the request does, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.auth.secrets import new_token, token_digest
from app.db import repository
from app.db.models import (
    Answer,
    Assessment,
    InviteToken,
    JoinAttempt,
    JoinStatus,
    Participant,
    Workshop,
    WorkshopItem,
    WorkshopJoin,
    WorkshopStatus,
    WorkshopVote,
    utc_now,
)
from app.domain.agreed import Decided
from app.domain.workshop import (
    Decision,
    ItemState,
    ItemStatus,
    Outcome,
    Vote,
    new_join_code,
    opened,
)

JOIN_WINDOW = timedelta(minutes=15)
MAX_JOIN_FAILURES_PER_ADDRESS = 10


def claim(*, session: Session, workshop_id: int) -> int:
    """Raise the workshop's version first thing in a change, and its assessment's data
    version with it; returns the workshop's new version."""
    session.execute(
        update(Workshop)
        .where(col(Workshop.id) == workshop_id)
        .values(version=col(Workshop.version) + 1)
    )
    query = select(Workshop.version, Workshop.assessment_id).where(Workshop.id == workshop_id)
    version, assessment_id = session.exec(query).one()
    repository.mark_changed(session=session, assessment_id=assessment_id)
    return version


def version_of(*, session: Session, workshop_id: int) -> int | None:
    """The cheap read the live streams poll."""
    return session.exec(select(Workshop.version).where(Workshop.id == workshop_id)).first()


def create_workshop(
    *, session: Session, assessment: Assessment, title: str, criterion_ids: Sequence[str]
) -> Workshop:
    workshop = Workshop(assessment_id=assessment.id, title=title, join_code=_unused_code(session))
    session.add(workshop)
    session.flush()
    for position, criterion_id in enumerate(criterion_ids):
        session.add(
            WorkshopItem(workshop_id=workshop.id, position=position, criterion_id=criterion_id)
        )
    session.flush()
    repository.mark_changed(session=session, assessment_id=assessment.id)
    return workshop


def _unused_code(session: Session) -> str:
    """A code no workshop ever had: an old workshop's code must never let anyone in."""
    while True:
        code = new_join_code()
        if session.exec(select(Workshop.id).where(Workshop.join_code == code)).first() is None:
            return code


def workshops_of(*, session: Session, assessment: Assessment) -> Sequence[Workshop]:
    query = select(Workshop).where(Workshop.assessment_id == assessment.id)
    return session.exec(query.order_by(col(Workshop.id).desc())).all()


def live_workshop_of(*, session: Session, assessment_id: int) -> Workshop | None:
    query = select(Workshop).where(
        Workshop.assessment_id == assessment_id, Workshop.status == WorkshopStatus.LIVE
    )
    return session.exec(query).first()


def end_workshop(*, session: Session, workshop: Workshop) -> None:
    workshop.status = WorkshopStatus.ENDED
    workshop.ended_at = utc_now()
    session.add(workshop)


def items_of(*, session: Session, workshop_id: int) -> list[WorkshopItem]:
    query = select(WorkshopItem).where(WorkshopItem.workshop_id == workshop_id)
    return list(session.exec(query.order_by(WorkshopItem.position, WorkshopItem.id)).all())


def item_of(*, session: Session, workshop_id: int, item_id: int) -> WorkshopItem | None:
    """The item, read afresh (after `claim`, nobody else can be changing it)."""
    query = select(WorkshopItem).where(
        WorkshopItem.id == item_id, WorkshopItem.workshop_id == workshop_id
    )
    return session.exec(query.execution_options(populate_existing=True)).first()


def set_order(*, session: Session, workshop_id: int, item_ids: Sequence[int]) -> None:
    for position, item_id in enumerate(item_ids):
        session.execute(
            update(WorkshopItem)
            .where(col(WorkshopItem.id) == item_id, col(WorkshopItem.workshop_id) == workshop_id)
            .values(position=position)
        )


def add_items(*, session: Session, workshop_id: int, criterion_ids: Sequence[str]) -> None:
    """Append criteria not yet on the agenda."""
    items = items_of(session=session, workshop_id=workshop_id)
    present = {i.criterion_id for i in items}
    position = max((i.position for i in items), default=-1) + 1
    for criterion_id in criterion_ids:
        if criterion_id not in present:
            session.add(
                WorkshopItem(workshop_id=workshop_id, position=position, criterion_id=criterion_id)
            )
            present.add(criterion_id)
            position += 1
    session.flush()


def remove_item(*, session: Session, item: WorkshopItem) -> None:
    session.delete(item)


def state_of(item: WorkshopItem) -> ItemState:
    return ItemState(ItemStatus(item.status), item.round, Outcome(item.outcome))


def set_state(*, session: Session, item: WorkshopItem, state: ItemState) -> None:
    if state.round != item.round:
        item.round_started_at = utc_now()
    item.status, item.round, item.outcome = state.status, state.round, state.outcome
    session.add(item)


def go_to(*, session: Session, workshop: Workshop, item: WorkshopItem) -> bool:
    """Show the item to the room, opening its first round if it was waiting. True if opened."""
    workshop.current_item_id = item.id
    session.add(workshop)
    state = state_of(item)
    set_state(session=session, item=item, state=opened(state))
    return state.round == 0


def save_vote(
    *, session: Session, item: WorkshopItem, participant_id: int, current: int, target: int
) -> None:
    """Insert or replace the participant's vote in the item's current round: one row each."""
    values = {"current": current, "target": target, "updated_at": utc_now()}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(WorkshopVote).values(
        item_id=item.id, participant_id=participant_id, round=item.round, **values
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["item_id", "participant_id", "round"], set_=values
        )
    )


def vote_count(*, session: Session, item_id: int, round_: int) -> int:
    query = select(func.count()).where(
        WorkshopVote.item_id == item_id, WorkshopVote.round == round_
    )
    return session.exec(query).one()


def own_vote(
    *, session: Session, item_id: int, round_: int, participant_id: int
) -> tuple[int, int] | None:
    query = select(WorkshopVote.current, WorkshopVote.target).where(
        WorkshopVote.item_id == item_id,
        WorkshopVote.round == round_,
        WorkshopVote.participant_id == participant_id,
    )
    row = session.exec(query).first()
    return (row[0], row[1]) if row else None


def votes_of(*, session: Session, item_id: int, round_: int) -> list[Vote]:
    """The round's votes with each voter's group; never their names."""
    query = (
        select(WorkshopVote.current, WorkshopVote.target, Participant.group)
        .join(Participant, col(Participant.id) == WorkshopVote.participant_id)
        .where(WorkshopVote.item_id == item_id, WorkshopVote.round == round_)
        .order_by(col(WorkshopVote.id))
    )
    return [Vote(c, t, g) for c, t, g in session.exec(query).all()]


def decide(*, session: Session, item: WorkshopItem, decision: Decision) -> None:
    item.outcome = decision.outcome
    agreed = decision.outcome is Outcome.AGREED
    item.agreed_current = decision.current if agreed else None
    item.agreed_target = decision.target if agreed else None
    item.rationale = decision.rationale
    item.decided_at = utc_now()
    session.add(item)


def set_notes(*, session: Session, item: WorkshopItem, notes: str) -> None:
    item.notes = notes
    session.add(item)


def workshop_by_code(*, session: Session, code: str) -> Workshop | None:
    return session.exec(select(Workshop).where(Workshop.join_code == code)).first()


def is_join_rate_limited(*, session: Session, address: str) -> bool:
    since = utc_now() - JOIN_WINDOW
    query = select(func.count()).where(
        JoinAttempt.address == address, JoinAttempt.attempted_at > since
    )
    return session.exec(query).one() >= MAX_JOIN_FAILURES_PER_ADDRESS


def note_failed_join(*, session: Session, address: str) -> None:
    session.add(JoinAttempt(address=address))


def start_join(*, session: Session, workshop: Workshop, name: str, address: str) -> str:
    """Someone asks to join; returns the secret their phone keeps (only its hash is stored)."""
    secret = new_token()
    session.add(
        WorkshopJoin(
            workshop_id=workshop.id, name=name, token_hash=token_digest(secret), address=address
        )
    )
    session.flush()
    return secret


def join_for_secret(*, session: Session, secret: str) -> WorkshopJoin | None:
    query = select(WorkshopJoin).where(WorkshopJoin.token_hash == token_digest(secret))
    return session.exec(query).first()


def joins_of(*, session: Session, workshop_id: int) -> Sequence[WorkshopJoin]:
    query = select(WorkshopJoin).where(WorkshopJoin.workshop_id == workshop_id)
    return session.exec(query.order_by(WorkshopJoin.id)).all()


def join_of(*, session: Session, workshop_id: int, join_id: int) -> WorkshopJoin | None:
    query = select(WorkshopJoin).where(
        WorkshopJoin.id == join_id, WorkshopJoin.workshop_id == workshop_id
    )
    return session.exec(query.execution_options(populate_existing=True)).first()


def settle_join(*, session: Session, join: WorkshopJoin, participant_id: int | None) -> None:
    """Confirm the join as a participant, or refuse it (None)."""
    join.participant_id = participant_id
    join.status = JoinStatus.CONFIRMED if participant_id else JoinStatus.REFUSED
    session.add(join)


def confirmed_join_of(
    *, session: Session, workshop_id: int, participant_id: int
) -> WorkshopJoin | None:
    query = select(WorkshopJoin).where(
        WorkshopJoin.workshop_id == workshop_id,
        WorkshopJoin.participant_id == participant_id,
        WorkshopJoin.status == JoinStatus.CONFIRMED,
    )
    return session.exec(query).first()


@dataclass(frozen=True)
class Voter:
    """Who is voting through a link: the participant, and how they got in."""

    participant: Participant
    join: WorkshopJoin | None  # None for an invite link


def voter_for_token(*, session: Session, secret: str) -> Voter | None:
    """The participant behind an invite link or a confirmed join; None for anything else
    (a join still waiting for the consultant, or refused, votes as nobody)."""
    digest = token_digest(secret)
    invited = session.exec(
        select(Participant)
        .join(InviteToken)
        .where(
            InviteToken.token_hash == digest,
            col(InviteToken.revoked_at).is_(None),
            InviteToken.expires_at > utc_now(),
        )
    ).first()
    if invited is not None:
        return Voter(invited, None)
    join = session.exec(
        select(WorkshopJoin).where(
            WorkshopJoin.token_hash == digest, WorkshopJoin.status == JoinStatus.CONFIRMED
        )
    ).first()
    participant = session.get(Participant, join.participant_id) if join else None
    return Voter(participant, join) if join and participant else None


def decisions_of(*, session: Session, assessment_id: int) -> list[Decided]:
    """Agenda items of the assessment's workshops that were decided or carry notes, oldest
    first, so that where a criterion was discussed twice the later one comes last."""
    query = (
        select(WorkshopItem, Workshop.title)
        .join(Workshop, col(Workshop.id) == WorkshopItem.workshop_id)
        .where(
            Workshop.assessment_id == assessment_id,
            (col(WorkshopItem.outcome) != Outcome.NONE) | (col(WorkshopItem.notes) != ""),
        )
        .order_by(col(WorkshopItem.decided_at), col(WorkshopItem.id))
    )
    return [
        Decided(
            item.criterion_id,
            Outcome(item.outcome),
            item.agreed_current,
            item.agreed_target,
            item.rationale,
            item.notes,
            title,
            f"{item.decided_at:%-d %B %Y}" if item.decided_at else "",
        )
        for item, title in session.exec(query).all()
    ]


def ratings_of(*, session: Session, assessment_id: int, criterion_id: str) -> list[Vote]:
    """The individual ratings of one criterion made before the workshop (complete ones)."""
    query = (
        select(Answer.current, Answer.target, Participant.group)
        .join(Participant, col(Participant.id) == Answer.participant_id)
        .where(
            Participant.assessment_id == assessment_id,
            Answer.criterion_id == criterion_id,
            col(Answer.current).isnot(None),
            col(Answer.target).isnot(None),
        )
    )
    return [
        Vote(c, t, g) for c, t, g in session.exec(query).all() if c is not None and t is not None
    ]


def participant_count(*, session: Session, assessment_id: int) -> int:
    query = select(func.count()).where(Participant.assessment_id == assessment_id)
    return session.exec(query).one()


def assessment_of_workshop(*, session: Session, workshop: Workshop) -> Assessment:
    assessment = session.get(Assessment, workshop.assessment_id)
    assert assessment is not None  # a foreign key guarantees it
    return assessment


def attendance_of(*, session: Session, assessment_id: int) -> dict[str, int]:
    """How many people of each group voted in the assessment's workshops (no names)."""
    query = (
        select(Participant.group, func.count(func.distinct(WorkshopVote.participant_id)))
        .join(Participant, col(Participant.id) == WorkshopVote.participant_id)
        .join(WorkshopItem, col(WorkshopItem.id) == WorkshopVote.item_id)
        .join(Workshop, col(Workshop.id) == WorkshopItem.workshop_id)
        .where(Workshop.assessment_id == assessment_id)
        .group_by(col(Participant.group))
    )
    return {group or "No group": count for group, count in session.exec(query).all()}


def discussed_count(*, session: Session, assessment_id: int) -> int:
    """Agenda items that were opened in the assessment's workshops."""
    query = (
        select(func.count())
        .select_from(WorkshopItem)
        .join(Workshop, col(Workshop.id) == WorkshopItem.workshop_id)
        .where(Workshop.assessment_id == assessment_id, WorkshopItem.round > 0)
    )
    return session.exec(query).one()
