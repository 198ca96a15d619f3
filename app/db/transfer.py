"""A whole assessment as one JSON document, and back: for moving it to another instance.

Export, import and export again gives the same document: participants are numbered in
order instead of carrying database ids, and times are UTC ISO strings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from app.db import repository, roadmaps
from app.db.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    FrameworkSnapshot,
    Organisation,
    Participant,
    RoadmapItem,
    RoadmapStatus,
    utc_now,
)

FORMAT = "gapwise-assessment"
VERSION = 1


class ImportRefused(ValueError):
    """The document cannot be imported here; the message names what and why."""


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def export_assessment(*, session: Session, assessment: Assessment) -> dict[str, Any]:
    snapshot = session.get(FrameworkSnapshot, assessment.framework_snapshot_id)
    assert snapshot is not None  # a foreign key guarantees it
    organisation = repository.organisation_of(session=session, assessment=assessment)
    participants = list(repository.participants_of(session=session, assessment=assessment))
    number = {p.id: n for n, p in enumerate(participants, start=1)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "framework": {
            "id": snapshot.framework_key,
            "version": snapshot.version,
            "content_hash": snapshot.content_hash,
        },
        "organisation": {"name": organisation.name, "slug": organisation.slug},
        "assessment": {
            "title": assessment.title,
            "purpose": assessment.purpose,
            "status": str(assessment.status),
            "target_date": assessment.target_date.isoformat() if assessment.target_date else None,
            "area_importance": roadmaps.importance_of(assessment),
        },
        "participants": [
            {
                "number": number[p.id],
                "name": p.name,
                "email": p.email,
                "group": p.group,
                "role": p.role,
                "submitted_at": _iso(p.submitted_at),
            }
            for p in participants
        ],
        "answers": [
            {
                "participant": number[a.participant_id],
                "criterion_id": a.criterion_id,
                "current": a.current,
                "target": a.target,
                "dont_know": a.dont_know,
                "comment": a.comment,
                "updated_at": _iso(a.updated_at),
            }
            for a in repository.answers_of(session=session, assessment=assessment)
        ],
        "roadmap": [
            {
                "area_id": i.area_id,
                "title": i.title,
                "owner": i.owner,
                "horizon": i.horizon,
                "status": str(i.status),
                "reason": i.reason,
                "notes": i.notes,
                "actions": list(roadmaps.actions_of(i)),
                "position": i.position,
            }
            for i in roadmaps.roadmap_of(session=session, assessment=assessment)
        ],
    }


def import_assessment(
    *, session: Session, document: dict[str, Any], organisation: Organisation
) -> Assessment:
    """Recreate the assessment in `organisation`; ImportRefused names what does not fit."""
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise ImportRefused(f"format: expected a {FORMAT} document, version {VERSION}")
    try:
        return _import(session, document, organisation)
    except (KeyError, TypeError, ValueError) as problem:
        if isinstance(problem, ImportRefused):
            raise
        raise ImportRefused(f"the document is incomplete or malformed: {problem!r}") from None


def _import(session: Session, document: dict[str, Any], organisation: Organisation) -> Assessment:
    snapshot = _snapshot(session, document["framework"])
    framework = repository.framework_of(snapshot)
    known = framework.criterion_ids()
    head = document["assessment"]
    assessment = repository.create_assessment(
        session=session,
        organisation=organisation,
        snapshot=snapshot,
        title=str(head["title"])[:200],
        purpose=str(head["purpose"]),
        status=AssessmentStatus(head["status"]),
        target_date=date.fromisoformat(head["target_date"]) if head["target_date"] else None,
    )
    roadmaps.set_importance(
        session=session,
        assessment=assessment,
        weights={str(k): float(v) for k, v in head["area_importance"].items()},
    )
    people = {}
    for person in document["participants"]:
        participant = Participant(
            assessment_id=assessment.id,
            name=person["name"],
            email=person["email"],
            group=person["group"],
            role=person["role"],
            submitted_at=_moment(person["submitted_at"]),
        )
        session.add(participant)
        session.flush()
        people[person["number"]] = participant.id
    for answer in document["answers"]:
        if answer["criterion_id"] not in known:
            raise ImportRefused(f"answers: '{answer['criterion_id']}' is not in {framework.id}")
        session.add(
            Answer(
                participant_id=people[answer["participant"]],
                criterion_id=answer["criterion_id"],
                current=answer["current"],
                target=answer["target"],
                dont_know=bool(answer["dont_know"]),
                comment=answer["comment"],
                updated_at=_moment(answer["updated_at"]) or utc_now(),
            )
        )
    for item in document["roadmap"]:
        session.add(
            RoadmapItem(
                assessment_id=assessment.id,
                area_id=item["area_id"],
                title=item["title"],
                owner=item["owner"],
                horizon=int(item["horizon"]),
                status=RoadmapStatus(item["status"]),
                reason=item["reason"],
                notes=item["notes"],
                # Exports made before actions existed have none.
                actions=_actions(item.get("actions", [])),
                position=int(item["position"]),
            )
        )
    session.flush()
    return assessment


def _actions(value: object) -> str:
    try:
        return roadmaps.imported_actions(value)
    except ValueError as problem:
        raise ImportRefused(str(problem)) from None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _snapshot(session: Session, reference: dict[str, str]) -> FrameworkSnapshot:
    snapshot = repository.snapshot_by_hash(
        session=session, framework_key=reference["id"], content_hash=reference["content_hash"]
    )
    if snapshot is None:
        raise ImportRefused(
            f"framework: '{reference['id']}' version {reference['version']} with this exact "
            "content is not loaded here; add its questionnaire file and run gapwise migrate"
        )
    return snapshot
