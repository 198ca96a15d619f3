"""Reading and writing Gapwise's data. Routes and commands go through these functions.

Nothing here commits: the request (app/web/transactions.py) or the CLI command does, once.
Every function that changes what an assessment's pages, charts, exports or report show
calls `mark_changed` in the same transaction, so its data version moves with the change;
a save of an answer moves it by counting the save on its participant instead.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Column, bindparam, case, delete, func, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from app.db.engine import core_connection
from app.db.models import (
    ANSWER_IS_COMPLETE,
    Answer,
    Assessment,
    AssessmentStatus,
    FrameworkSnapshot,
    Organisation,
    Participant,
    table_of,
    utc_now,
)
from app.domain.anonymity import group_of
from app.domain.answering import AnswerChoice
from app.domain.framework import Framework, version_key
from app.domain.loading import FrameworkFileError, Problem, content_hash, load_framework
from app.domain.narrative import Narrative
from app.domain.scoring import Response


def stored_version(
    *, session: Session, framework: Framework, source: str = "<upload>"
) -> FrameworkSnapshot | None:
    """The snapshot already holding this version with this content, or None for a new version.

    A version stored with other content raises FrameworkFileError naming `source`: one
    version number must always mean one text.
    """
    digest = content_hash(framework)
    same_version = session.exec(
        select(FrameworkSnapshot).where(
            FrameworkSnapshot.framework_key == framework.id,
            FrameworkSnapshot.version == framework.version,
        )
    ).all()
    for existing in same_version:
        # Hashes of older snapshots were taken before newer optional fields existed: compare
        # the content as this code reads it, not only the hash stored with it.
        if existing.content_hash == digest or content_hash(framework_of(existing)) == digest:
            return existing
    if same_version:
        message = (
            f"version {framework.version} of '{framework.id}' is already stored with different "
            "content; give the changed file a new version"
        )
        raise FrameworkFileError([Problem(source, "version", message)])
    return None


def store_framework(
    *, session: Session, framework: Framework, source: str = "<upload>"
) -> FrameworkSnapshot:
    """Store the framework as a snapshot unless this version is already stored (see above)."""
    existing = stored_version(session=session, framework=framework, source=source)
    if existing is not None:
        return existing
    snapshot = FrameworkSnapshot(
        framework_key=framework.id,
        version=framework.version,
        content_hash=content_hash(framework),
        title=framework.title,
        content=framework.model_dump_json(),
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def store_questionnaires(*, session: Session, directory: Path) -> list[FrameworkSnapshot]:
    """Load every `*.yaml` in the folder; a broken or clashing file raises FrameworkFileError."""
    paths = sorted(directory.glob("*.yaml"))
    frameworks = [(load_framework(path), str(path)) for path in paths]
    return [store_framework(session=session, framework=f, source=s) for f, s in frameworks]


def _latest_ids(
    session: Session, framework_key: str | None = None, *, offered_only: bool = False
) -> list[int]:
    """The id of each framework's latest snapshot: highest version, then the last one loaded;
    with `offered_only`, among the versions not retired.

    Versions compare as people read them (`version_key`: 1.10 after 1.9), never by load
    order alone, so loading an older file after a newer one cannot make it "latest".
    """
    query = select(FrameworkSnapshot.id, FrameworkSnapshot.framework_key, FrameworkSnapshot.version)
    if framework_key is not None:
        query = query.where(FrameworkSnapshot.framework_key == framework_key)
    if offered_only:
        query = query.where(col(FrameworkSnapshot.retired_at).is_(None))
    best: dict[str, tuple[tuple[tuple[int, int | str], ...], int]] = {}
    for snapshot_id, key, version in session.exec(query):
        rank = (version_key(version), snapshot_id or 0)
        best[key] = max(best.get(key, rank), rank)
    return [snapshot_id for _, snapshot_id in best.values()]


def latest_snapshots(
    *, session: Session, offered_only: bool = False
) -> Sequence[FrameworkSnapshot]:
    """The latest snapshot of each framework (see `_latest_ids`), by title; with
    `offered_only`, frameworks whose every version is retired are left out."""
    ids = _latest_ids(session, offered_only=offered_only)
    query = select(FrameworkSnapshot).where(col(FrameworkSnapshot.id).in_(ids))
    return session.exec(query.order_by(FrameworkSnapshot.title)).all()


def latest_snapshot(
    *, session: Session, framework_key: str, offered_only: bool = False
) -> FrameworkSnapshot | None:
    """The snapshot new assessments of this framework use (see `_latest_ids`)."""
    ids = _latest_ids(session, framework_key, offered_only=offered_only)
    return session.get(FrameworkSnapshot, ids[0]) if ids else None


# Parsed frameworks by content hash. A snapshot never changes, and there are only as many as
# framework versions ever loaded, so nothing needs evicting.
_frameworks: dict[str, Framework] = {}


def framework_of(snapshot: FrameworkSnapshot) -> Framework:
    if snapshot.content_hash not in _frameworks:
        _frameworks[snapshot.content_hash] = Framework.model_validate_json(snapshot.content)
    return _frameworks[snapshot.content_hash]


def organisation_by_slug(*, session: Session, slug: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.slug == slug)).first()


def create_organisation(*, session: Session, slug: str, name: str) -> Organisation:
    organisation = Organisation(slug=slug, name=name)
    session.add(organisation)
    session.flush()
    return organisation


CHANGED = "gapwise_changed_assessments"  # session.info: the ids whose data version moved
TRANSACTION = "gapwise_transaction"  # session.info: a _Transaction, see data_version


class ParticipantRemoved(LookupError):
    """The participant an answer was being saved for has been removed since it was read."""


_ASSESSMENTS, _ANSWERS = table_of(Assessment), table_of(Answer)
_PARTICIPANTS = table_of(Participant)
# Built once with bound parameters, so SQLAlchemy compiles them once.
_NEXT_VERSION = (
    update(_ASSESSMENTS)
    .where(_ASSESSMENTS.c.id == bindparam("assessment_id"))
    .values(data_version=_ASSESSMENTS.c.data_version + 1)
)
# A save counted on its participant.
_COUNT_SAVE = (
    update(_PARTICIPANTS)
    .where(_PARTICIPANTS.c.id == bindparam("participant_id"))
    .values(saves=_PARTICIPANTS.c.saves + 1)
)
# The counter and the saves counted, in one statement, so from one snapshot of the database.
_COUNTER_AND_SAVES = select(
    _ASSESSMENTS.c.data_version,
    select(func.coalesce(func.sum(_PARTICIPANTS.c.saves), 0))
    .where(_PARTICIPANTS.c.assessment_id == _ASSESSMENTS.c.id)
    .scalar_subquery(),
).where(_ASSESSMENTS.c.id == bindparam("assessment_id"))


def note_changed(*, session: Session, assessment_id: int | None) -> None:
    """Note the assessment in the session's info, for what runs once the change is committed
    (app/web/warming.py). A save needs no more: the count of its participant's saves moves
    the version. The version this transaction read before is forgotten (see data_version)."""
    session.info.setdefault(CHANGED, set()).add(assessment_id)
    this = _this_transaction(session)
    this.changed.add(assessment_id)
    this.versions.pop(assessment_id, None)


def mark_changed(*, session: Session, assessment_id: int | None) -> None:
    """Move the assessment's data version on: in SQL, so concurrent writers each count.
    The id is noted in the session's info, for what runs once the change is committed.

    An assessment loaded in the session gets its new version too (the ORM's update does
    that); one that is not is updated by the statement compiled once."""
    note_changed(session=session, assessment_id=assessment_id)
    if assessment_id is None or identity_key(Assessment, assessment_id) in session.identity_map:
        session.execute(
            update(Assessment)
            .where(col(Assessment.id) == assessment_id)
            .values(data_version=col(Assessment.data_version) + 1)
        )
    else:
        core_connection(session).execute(_NEXT_VERSION, {"assessment_id": assessment_id})


def data_version(*, session: Session, assessment: Assessment) -> str:
    """The key of every cache of the assessment's outputs: its counter, which every write
    but a save moves, and the sum of its participants' saves, which every save moves.

    Within one value of the counter the sum only grows (removing a participant moves the
    counter), so no key comes back; both are read in one statement, from one snapshot. Read
    it before the data it stands for: a write committed in between then leaves newer data
    under an older key, never older data under a newer one. It is read once per
    transaction, so one request's pages and charts share their key and their results.

    Two keys no other transaction can meet: when the loaded assessment is older than the
    counter (its settings, which scoring reads, may have changed), and when this transaction
    changed the assessment and has not committed (its outputs would show what may never
    be). The creation time tells apart an assessment that reuses a deleted one's id.
    """
    this = _this_transaction(session)
    if (known := this.versions.get(assessment.id)) is not None:
        return known
    counter, saves = (
        core_connection(session).execute(_COUNTER_AND_SAVES, {"assessment_id": assessment.id}).one()
    )
    key: tuple[object, ...] = (
        assessment.id,
        assessment.created_at.replace(tzinfo=None).isoformat(),
        assessment.framework_snapshot_id,
        counter,
        saves,
    )
    if counter != assessment.data_version or assessment.id in this.changed:
        key += (uuid.uuid4().hex,)
    this.versions[assessment.id] = version = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
    return version


@dataclass
class _Transaction:
    """What the session's current transaction has read and changed, by assessment id."""

    of: SessionTransaction | None
    versions: dict[int | None, str] = field(default_factory=dict)
    changed: set[int | None] = field(default_factory=set)


def _this_transaction(session: Session) -> _Transaction:
    session.connection()  # begun if it was not: what follows belongs to this transaction
    transaction = session.get_transaction()
    this = session.info.get(TRANSACTION)
    if this is None or this.of is not transaction:
        this = session.info[TRANSACTION] = _Transaction(transaction)
    return this


def create_assessment(
    *,
    session: Session,
    organisation: Organisation,
    snapshot: FrameworkSnapshot,
    title: str,
    purpose: str = "",
    status: AssessmentStatus = AssessmentStatus.DRAFT,
    target_date: date | None = None,
) -> Assessment:
    assessment = Assessment(
        organisation_id=organisation.id,
        framework_snapshot_id=snapshot.id,
        title=title,
        purpose=purpose,
        status=status,
        target_date=target_date,
    )
    session.add(assessment)
    session.flush()
    return assessment


def update_assessment(
    *,
    session: Session,
    assessment: Assessment,
    title: str,
    purpose: str,
    target_date: date | None,
    invite_text: str,
    reminder_text: str,
    anonymity_threshold: int | None = None,
    include_thin_evidence: bool | None = None,
) -> None:
    assessment.title, assessment.purpose, assessment.target_date = title, purpose, target_date
    assessment.invite_text, assessment.reminder_text = invite_text, reminder_text
    if anonymity_threshold is not None:
        assessment.anonymity_threshold = anonymity_threshold
    if include_thin_evidence is not None:
        assessment.include_thin_evidence = include_thin_evidence
    session.add(assessment)
    mark_changed(session=session, assessment_id=assessment.id)


def add_participant(
    *,
    session: Session,
    assessment: Assessment,
    name: str,
    email: str | None = None,
    group: str = "",
    role: str = "",
) -> Participant:
    participant = Participant(
        assessment_id=assessment.id, name=name, email=email, group=group, role=role
    )
    session.add(participant)
    session.flush()
    mark_changed(session=session, assessment_id=assessment.id)
    return participant


def update_participant(
    *,
    session: Session,
    participant: Participant,
    name: str,
    email: str | None,
    group: str,
    role: str,
) -> None:
    participant.name, participant.email, participant.group, participant.role = (
        name,
        email,
        group,
        role,
    )
    session.add(participant)
    mark_changed(session=session, assessment_id=participant.assessment_id)


def delete_participant(*, session: Session, participant: Participant) -> None:
    """Remove the participant; the database removes their answers and invite links with them."""
    session.execute(delete(Participant).where(col(Participant.id) == participant.id))
    mark_changed(session=session, assessment_id=participant.assessment_id)


def delete_assessment(*, session: Session, assessment: Assessment) -> None:
    """Remove the assessment; the database removes its participants, answers and roadmap."""
    session.execute(delete(Assessment).where(col(Assessment.id) == assessment.id))


_REPLACED = (
    "current",
    "target",
    "dont_know",
    "comment",
    "not_applicable",
    "na_reason",
    "updated_at",
)
_INSERTED = ("participant_id", "criterion_id", *_REPLACED)
# What both upserts below share: the columns, what a second save replaces, the parameters.
_INSERT_INTO = f"INSERT INTO {_ANSWERS.name} ({', '.join(_INSERTED)}) "
_ON_CONFLICT = "ON CONFLICT (participant_id, criterion_id) DO UPDATE SET " + ", ".join(
    f"{name} = excluded.{name}" for name in _REPLACED
)
_ANSWER_PARAMETERS = [bindparam(name, type_=_ANSWERS.c[name].type) for name in _INSERTED]
# Insert or replace one answer: the same SQL on SQLite and PostgreSQL. Written out because
# SQLAlchemy compiles its dialects' upserts again for every execution (they have no cache
# key), which cost a save more than everything else it asks the database.
_ANSWER_UPSERT = text(
    _INSERT_INTO + f"VALUES ({', '.join(f':{name}' for name in _INSERTED)}) " + _ON_CONFLICT
).bindparams(*_ANSWER_PARAMETERS)


def _pg_type(column: Column[Any]) -> str:
    """The type a value is cast to in a SELECT (PostgreSQL would take an untyped value for
    text): texts without a length, so a value too long is refused by the column, not cut."""
    compiled = column.type.compile(postgresql.dialect())  # type: ignore[no-untyped-call]
    return "TEXT" if compiled.startswith("VARCHAR") else compiled


# PostgreSQL: the save counted on the participant and the upsert in one statement, one round
# trip instead of two. The upsert selects from the count, so the participant's row is
# written first here too; for a participant removed meanwhile nothing is written.
_COUNTED_ANSWER_UPSERT = text(
    f"WITH counted AS (UPDATE {_PARTICIPANTS.name} SET saves = saves + 1 "
    "WHERE id = :participant_id RETURNING id) "
    + _INSERT_INTO
    + "SELECT counted.id, "
    + ", ".join(f"CAST(:{name} AS {_pg_type(_ANSWERS.c[name])})" for name in _INSERTED[1:])
    + " FROM counted "
    + _ON_CONFLICT
).bindparams(*_ANSWER_PARAMETERS)


class Respondent(Protocol):
    """Whose answer is saved: a Participant, or the plain values a save's link read."""

    @property
    def id(self) -> int | None: ...

    @property
    def assessment_id(self) -> int: ...


def save_answer(*, session: Session, participant: Respondent, choice: AnswerChoice) -> None:
    """Insert or replace the participant's answer to one criterion, and count the save on
    the participant, which moves the assessment's data version: one statement on
    PostgreSQL (the autosave runs it without a transaction: it must stay one, see
    engine.one_statement_at_a_time), two on SQLite. The participant's row is written
    first, as removing a participant does, so the two never wait for each other's rows (a
    deadlock on PostgreSQL). ParticipantRemoved if the participant is no longer there."""
    values = {
        "participant_id": participant.id,
        "criterion_id": choice.criterion_id,
        "current": choice.current,
        "target": choice.target,
        "dont_know": choice.dont_know,
        "comment": choice.comment,
        "not_applicable": choice.not_applicable,
        "na_reason": choice.reason,
        "updated_at": utc_now(),
    }
    connection = core_connection(session)
    if connection.dialect.name == "postgresql":
        written = connection.execute(_COUNTED_ANSWER_UPSERT, values).rowcount
    else:  # SQLite cannot write in a WITH clause, nor needs to: it has no round trips
        written = connection.execute(_COUNT_SAVE, {"participant_id": participant.id}).rowcount
        if written:
            connection.execute(_ANSWER_UPSERT, values)
    if not written:
        raise ParticipantRemoved(participant.id)
    note_changed(session=session, assessment_id=participant.assessment_id)


def answers_of(*, session: Session, assessment: Assessment) -> Sequence[Answer]:
    query = (
        select(Answer)
        .join(Participant)
        .where(Participant.assessment_id == assessment.id)
        .order_by(Answer.participant_id, Answer.criterion_id)
    )
    return session.exec(query).all()


def participants_of(*, session: Session, assessment: Assessment) -> Sequence[Participant]:
    query = select(Participant).where(Participant.assessment_id == assessment.id)
    return session.exec(query.order_by(Participant.id)).all()


def participants_page(
    *, session: Session, assessment: Assessment, offset: int, limit: int
) -> Sequence[Participant]:
    """One page of the assessment's participants, in the order they were added."""
    query = select(Participant).where(Participant.assessment_id == assessment.id)
    return session.exec(query.order_by(Participant.id).offset(offset).limit(limit)).all()


def participant_count(*, session: Session, assessment: Assessment) -> int:
    query = select(func.count()).where(Participant.assessment_id == assessment.id)
    return session.exec(query).one()


def groups_of(*, session: Session, assessment: Assessment) -> list[str]:
    """The groups the assessment's participants speak for, sorted; none for no group."""
    query = (
        select(Participant.group)
        .where(Participant.assessment_id == assessment.id, Participant.group != "")
        .distinct()
    )
    return sorted(session.exec(query).all())


def assessments_of(*, session: Session, organisation: Organisation) -> Sequence[Assessment]:
    query = select(Assessment).where(Assessment.organisation_id == organisation.id)
    return session.exec(query.order_by(Assessment.id)).all()


def organisation_of(*, session: Session, assessment: Assessment) -> Organisation:
    organisation = session.get(Organisation, assessment.organisation_id)
    assert organisation is not None  # a foreign key guarantees it
    return organisation


def assessment_of(*, session: Session, participant: Participant) -> Assessment:
    assessment = session.get(Assessment, participant.assessment_id)
    assert assessment is not None  # a foreign key guarantees it
    return assessment


def framework_of_assessment(*, session: Session, assessment: Assessment) -> Framework:
    """Reads the snapshot's text (large) only when this process has not parsed it yet."""
    snapshot_id = assessment.framework_snapshot_id
    digest = session.exec(
        select(FrameworkSnapshot.content_hash).where(FrameworkSnapshot.id == snapshot_id)
    ).one()
    return framework_of_snapshot(session=session, snapshot_id=snapshot_id, content_hash=digest)


def framework_of_snapshot(*, session: Session, snapshot_id: int, content_hash: str) -> Framework:
    """The framework of a snapshot whose hash is known: parsed once per process."""
    if content_hash in _frameworks:
        return _frameworks[content_hash]
    snapshot = session.get(FrameworkSnapshot, snapshot_id)
    assert snapshot is not None  # a foreign key guarantees it
    return framework_of(snapshot)


@dataclass(frozen=True)
class Activity:
    answered: int  # complete answers: both levels, or don't know
    last_active_at: datetime | None


def participant_activity(
    *, session: Session, assessment: Assessment, participant_ids: Collection[int] | None = None
) -> dict[int, Activity]:
    """Per participant id (all, or those of `participant_ids`): how many criteria they have
    answered, and when they last saved."""
    query = (
        select(
            Answer.participant_id,
            func.count(case((ANSWER_IS_COMPLETE, 1))),
            func.max(Answer.updated_at),
        )
        .join(Participant)
        .where(Participant.assessment_id == assessment.id)
        .group_by(col(Answer.participant_id))
    )
    if participant_ids is not None:
        query = query.where(col(Answer.participant_id).in_(participant_ids))
    return {pid: Activity(n, last) for pid, n, last in session.exec(query).all()}


# An answer's columns in AnswerChoice's order. Choices are read as plain rows, not ORM objects:
# every save reads all of a participant's answers, every results view all of an assessment's.
_CHOICE_COLUMNS = (
    Answer.criterion_id,
    Answer.current,
    Answer.target,
    Answer.dont_know,
    Answer.comment,
    Answer.not_applicable,
    Answer.na_reason,
)


def choices_of(*, session: Session, participant: Participant) -> dict[str, AnswerChoice]:
    """The participant's answers by criterion id."""
    query = select(*_CHOICE_COLUMNS).where(Answer.participant_id == participant.id)
    return {row[0]: AnswerChoice(*row) for row in session.exec(query).all()}


def set_status(*, session: Session, assessment: Assessment, status: AssessmentStatus) -> None:
    assessment.status = status
    session.add(assessment)
    mark_changed(session=session, assessment_id=assessment.id)


def set_narrative(*, session: Session, assessment: Assessment, narrative: Narrative) -> None:
    """Store the consultant's texts (already cleaned) with the assessment."""
    assessment.narrative = narrative.narrative
    assessment.key_messages = narrative.key_messages
    assessment.recommendations = narrative.recommendations
    session.add(assessment)
    mark_changed(session=session, assessment_id=assessment.id)


def narrative_of(assessment: Assessment) -> Narrative:
    return Narrative(assessment.narrative, assessment.key_messages, assessment.recommendations)


def set_submitted(*, session: Session, participant: Participant, submitted: bool) -> None:
    """Submitting locks a participant's answers; a consultant can unlock them again."""
    participant.submitted_at = utc_now() if submitted else None
    session.add(participant)
    mark_changed(session=session, assessment_id=participant.assessment_id)


def responses_of(*, session: Session, assessment: Assessment) -> list[Response]:
    """Every participant's answers, in the form the scoring engine takes."""
    query = (
        select(Answer.participant_id, *_CHOICE_COLUMNS)
        .join(Participant)
        .where(Participant.assessment_id == assessment.id)
        .order_by(Answer.participant_id, Answer.criterion_id)
    )
    answers: dict[int, dict[str, AnswerChoice]] = {}
    for participant_id, *choice in session.exec(query).all():
        answers.setdefault(participant_id, {})[choice[0]] = AnswerChoice(*choice)
    return [
        Response(p.id or 0, p.group, answers.get(p.id or 0, {}), p.submitted_at is not None)
        for p in participants_of(session=session, assessment=assessment)
    ]


def snapshot_by_hash(
    *, session: Session, framework_key: str, content_hash: str
) -> FrameworkSnapshot | None:
    query = select(FrameworkSnapshot).where(
        FrameworkSnapshot.framework_key == framework_key,
        FrameworkSnapshot.content_hash == content_hash,
    )
    return session.exec(query).first()


def comments_by_criterion(
    *,
    session: Session,
    assessment: Assessment,
    labels: Mapping[str, str],
    writers: Collection[int] | None = None,
) -> dict[str, list[tuple[str, str]]]:
    """Each criterion's comments as (the label of the writer's group, text), never a name.

    `labels` maps groups to the labels they may be shown under (Segments.labels); a comment
    whose group may not be shown (below the anonymity threshold) gets an empty label.
    `writers`: the participants whose answers the view counts (None: everyone's).
    """
    groups = {
        p.id: labels.get(group_of(p.group), "")
        for p in participants_of(session=session, assessment=assessment)
    }
    query = (  # plain rows of the answers with a comment, not every answer as an object
        select(Answer.participant_id, Answer.criterion_id, Answer.comment)
        .join(Participant)
        .where(Participant.assessment_id == assessment.id, Answer.comment != "")
        .order_by(Answer.participant_id, Answer.criterion_id)
    )
    comments: dict[str, list[tuple[str, str]]] = {}
    for participant_id, criterion_id, comment in session.exec(query):
        if writers is None or participant_id in writers:
            comments.setdefault(criterion_id, []).append((groups[participant_id], comment))
    return comments
