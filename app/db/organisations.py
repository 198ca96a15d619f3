"""Organisations as a consultant manages them: renamed, archived, listed with their
assessments' progress, and the assessments imported into them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.db.models import Assessment, Organisation, Participant, utc_now
from app.db.repository import assessments_of, mark_changed


def rename_organisation(*, session: Session, organisation: Organisation, name: str) -> None:
    """The name shows on every assessment's report and exports: their caches move on."""
    organisation.name = name
    session.add(organisation)
    for assessment in assessments_of(session=session, organisation=organisation):
        mark_changed(session=session, assessment_id=assessment.id)


def set_archived(*, session: Session, organisation: Organisation, archived: bool) -> None:
    organisation.archived_at = utc_now() if archived else None
    session.add(organisation)


@dataclass(frozen=True)
class AssessmentSummary:
    """An assessment as the organisations list shows it: status and how far answers are."""

    assessment: Assessment
    participants: int
    submitted: int


def assessment_summaries(
    *, session: Session, organisation_ids: Sequence[int]
) -> dict[int, list[AssessmentSummary]]:
    """Per organisation id, its assessments (oldest first) with participant counts."""
    query = (
        select(
            Assessment,
            func.count(col(Participant.id)),
            func.count(col(Participant.submitted_at)),
        )
        .join(Participant, isouter=True)
        .where(col(Assessment.organisation_id).in_(organisation_ids))
        .group_by(col(Assessment.id))
        .order_by(col(Assessment.id))
    )
    summaries: dict[int, list[AssessmentSummary]] = {}
    for assessment, people, submitted in session.exec(query).all():
        summary = AssessmentSummary(assessment, people, submitted)
        summaries.setdefault(assessment.organisation_id, []).append(summary)
    return summaries


def imported_from(
    *, session: Session, organisation: Organisation, fingerprint: str
) -> Assessment | None:
    """The organisation's assessment imported from a document with this fingerprint, if any."""
    query = select(Assessment).where(
        Assessment.organisation_id == organisation.id,
        Assessment.import_fingerprint == fingerprint,
    )
    return session.exec(query.order_by(col(Assessment.id).desc())).first()
