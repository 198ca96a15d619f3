"""Framework versions: listing, retiring, and moving an assessment to a newer version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from app.db import repository
from app.db.models import (
    Answer,
    ArchivedAnswer,
    Assessment,
    FrameworkSnapshot,
    Participant,
    utc_now,
)
from app.domain.framework import Framework, version_key
from app.domain.versions import FrameworkDiff


def snapshots_of(*, session: Session, framework_key: str) -> list[FrameworkSnapshot]:
    """Every stored version of a framework, the latest first (`version_key`, then load order)."""
    query = select(FrameworkSnapshot).where(FrameworkSnapshot.framework_key == framework_key)
    return sorted(
        session.exec(query).all(),
        key=lambda s: (version_key(s.version), s.id or 0),
        reverse=True,
    )


def snapshot_of(
    *, session: Session, framework_key: str, snapshot_id: int
) -> FrameworkSnapshot | None:
    snapshot = session.get(FrameworkSnapshot, snapshot_id)
    if snapshot is None or snapshot.framework_key != framework_key:
        return None
    return snapshot


def assessment_counts(*, session: Session, framework_key: str) -> dict[int, int]:
    """How many assessments use each version (snapshot id) of the framework."""
    query = (
        select(Assessment.framework_snapshot_id, func.count())
        .join(FrameworkSnapshot)
        .where(FrameworkSnapshot.framework_key == framework_key)
        .group_by(col(Assessment.framework_snapshot_id))
    )
    return dict(session.exec(query).all())


def retire(*, session: Session, snapshot: FrameworkSnapshot) -> None:
    """Stop offering the version for new assessments and upgrades; its assessments keep it."""
    snapshot.retired_at = utc_now()
    session.add(snapshot)


def upgrade_target(*, session: Session, assessment: Assessment) -> FrameworkSnapshot | None:
    """The latest version offered, when it is later than the one the assessment uses."""
    current = session.get(FrameworkSnapshot, assessment.framework_snapshot_id)
    assert current is not None  # a foreign key guarantees it
    latest = repository.latest_snapshot(
        session=session, framework_key=current.framework_key, offered_only=True
    )
    if latest is None or latest.id == current.id:
        return None
    later = (version_key(latest.version), latest.id or 0) > (
        version_key(current.version),
        current.id or 0,
    )
    return latest if later else None


@dataclass(frozen=True)
class UpgradeOutcome:
    kept: int  # answers that carried over
    to_revisit: int  # answers set aside: their criterion was reworded or its levels changed
    removed: int  # answers set aside: their criterion is gone


def _archive_reason(diff: FrameworkDiff, criterion_id: str) -> str | None:
    if criterion_id in diff.removed_ids:
        return "removed"
    if any(c.new.criterion.id == criterion_id for c in diff.reworded):
        return "reworded"
    return "levels changed" if criterion_id in diff.to_revisit else None


class UpgradeConflict(Exception):
    """The assessment moved to another version while this upgrade was being made."""


def upgrade_assessment(
    *, session: Session, assessment: Assessment, snapshot: FrameworkSnapshot, diff: FrameworkDiff
) -> UpgradeOutcome:
    """Point the assessment at `snapshot`; answers that no longer fit move to the archive.

    The move is a compare-and-set on the version the diff was made from, before any answer
    is touched: of two upgrades at once, the second changes nothing and raises UpgradeConflict.
    """
    moved = session.exec(  # type: ignore[call-overload]
        update(Assessment)
        .where(col(Assessment.id) == assessment.id)
        .where(col(Assessment.framework_snapshot_id) == assessment.framework_snapshot_id)
        .values(framework_snapshot_id=snapshot.id)
    )
    if moved.rowcount != 1:
        raise UpgradeConflict("the assessment was upgraded by someone else just now")
    repository.mark_changed(session=session, assessment_id=assessment.id)
    session.refresh(assessment)
    counts = {"kept": 0, "to_revisit": 0, "removed": 0}
    for answer in repository.answers_of(session=session, assessment=assessment):
        reason = _archive_reason(diff, answer.criterion_id)
        if reason is None:
            counts["kept"] += 1
            continue
        counts["removed" if reason == "removed" else "to_revisit"] += 1
        session.add(_archived(answer, diff.old_version, reason))
        session.delete(answer)
    session.flush()
    return UpgradeOutcome(**counts)


def _archived(answer: Answer, version: str, reason: str) -> ArchivedAnswer:
    return ArchivedAnswer(
        participant_id=answer.participant_id,
        criterion_id=answer.criterion_id,
        framework_version=version,
        reason=reason,
        current=answer.current,
        target=answer.target,
        dont_know=answer.dont_know,
        comment=answer.comment,
        answered_at=answer.updated_at,
    )


def archived_answers_of(*, session: Session, assessment: Assessment) -> Sequence[ArchivedAnswer]:
    query = (
        select(ArchivedAnswer)
        .join(Participant)
        .where(Participant.assessment_id == assessment.id)
        .order_by(ArchivedAnswer.participant_id, col(ArchivedAnswer.id))
    )
    return session.exec(query).all()


def to_revisit(
    *, session: Session, participant: Participant, framework: Framework, answered: set[str]
) -> list[ArchivedAnswer]:
    """The participant's set-aside answers to criteria still in the framework that they have
    not answered again yet (`answered`: ids with a complete answer now); newest first."""
    query = (
        select(ArchivedAnswer)
        .where(ArchivedAnswer.participant_id == participant.id)
        .where(ArchivedAnswer.reason != "removed")
        .order_by(col(ArchivedAnswer.id).desc())
    )
    known = framework.criterion_ids()
    found: dict[str, ArchivedAnswer] = {}
    for archived in session.exec(query).all():
        if archived.criterion_id in known and archived.criterion_id not in answered:
            found.setdefault(archived.criterion_id, archived)
    return list(found.values())
