"""A whole assessment as one JSON document, and back: for moving it to another instance.

Export, import and export again gives the same document: participants are numbered in
order instead of carrying database ids, and times are UTC ISO strings.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from app.db import frameworks, repository, roadmaps
from app.db.models import (
    Answer,
    ArchivedAnswer,
    Assessment,
    AssessmentStatus,
    FrameworkSnapshot,
    Organisation,
    Participant,
    RoadmapItem,
    RoadmapStatus,
    utc_now,
)
from app.domain.anonymity import DEFAULT_THRESHOLD, threshold_problem
from app.domain.answering import AnswerChoice, AnswerRefused, checked_answer
from app.domain.framework import Framework
from app.domain.narrative import NarrativeRefused, clean_narrative

FORMAT = "gapwise-assessment"
VERSION = 2  # 2 added archived_answers (answers set aside when a framework was upgraded)
READABLE_VERSIONS = (1, 2)


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
            "anonymity_threshold": assessment.anonymity_threshold,
            "narrative": asdict(repository.narrative_of(assessment)),
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
                "not_applicable": a.not_applicable,
                "na_reason": a.na_reason,
                "updated_at": _iso(a.updated_at),
            }
            for a in repository.answers_of(session=session, assessment=assessment)
        ],
        "archived_answers": [
            {
                "participant": number[a.participant_id],
                "criterion_id": a.criterion_id,
                "framework_version": a.framework_version,
                "reason": a.reason,
                "current": a.current,
                "target": a.target,
                "dont_know": a.dont_know,
                "comment": a.comment,
                "answered_at": _iso(a.answered_at),
                "archived_at": _iso(a.archived_at),
            }
            for a in frameworks.archived_answers_of(session=session, assessment=assessment)
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


def fingerprint(document: dict[str, Any]) -> str:
    """The same document gives the same fingerprint, however its file was laid out."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def import_assessment(
    *, session: Session, document: dict[str, Any], organisation: Organisation
) -> Assessment:
    """Recreate the assessment in `organisation`, closed: nobody has a link to it here, and
    answering starts again only when the consultant reopens it. ImportRefused names what
    does not fit."""
    if document.get("format") != FORMAT or document.get("version") not in READABLE_VERSIONS:
        versions = " or ".join(str(v) for v in READABLE_VERSIONS)
        raise ImportRefused(f"format: expected a {FORMAT} document, version {versions}")
    try:
        return _import(session, document, organisation)
    except (KeyError, TypeError, ValueError) as problem:
        if isinstance(problem, ImportRefused):
            raise
        raise ImportRefused(f"the document is incomplete or malformed: {problem!r}") from None


def _import(session: Session, document: dict[str, Any], organisation: Organisation) -> Assessment:
    snapshot = _snapshot(session, document["framework"])
    framework = repository.framework_of(snapshot)
    head = document["assessment"]
    assessment = repository.create_assessment(
        session=session,
        organisation=organisation,
        snapshot=snapshot,
        title=str(head["title"])[:200],
        purpose=str(head["purpose"]),
        status=_closed(head["status"]),
        target_date=date.fromisoformat(head["target_date"]) if head["target_date"] else None,
    )
    assessment.anonymity_threshold = _threshold(head.get("anonymity_threshold"))
    roadmaps.set_importance(
        session=session,
        assessment=assessment,
        weights={str(k): float(v) for k, v in head["area_importance"].items()},
    )
    try:  # the same rules as the report page's form; exports before narratives have none
        narrative = clean_narrative(
            {k: str(v) for k, v in dict(head.get("narrative") or {}).items()}
        )
    except NarrativeRefused as refused:
        raise ImportRefused(f"assessment.{refused}") from None
    repository.set_narrative(session=session, assessment=assessment, narrative=narrative)
    people: dict[int, int | None] = {}
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
    for index, answer in enumerate(document["answers"]):
        choice = _checked(framework, index, answer)
        session.add(
            Answer(
                participant_id=people[answer["participant"]],
                criterion_id=choice.criterion_id,
                current=choice.current,
                target=choice.target,
                dont_know=choice.dont_know,
                comment=choice.comment,
                not_applicable=choice.not_applicable,
                na_reason=choice.reason,
                updated_at=_moment(answer["updated_at"]) or utc_now(),
            )
        )
    for archived in document.get("archived_answers", []):
        session.add(_archived(archived, people))
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
    assessment.import_fingerprint = fingerprint(document)
    session.add(assessment)
    session.flush()
    return assessment


def _checked(framework: Framework, index: int, answer: dict[str, Any]) -> AnswerChoice:
    """The same rules as the questionnaire's: known criterion, levels it offers, comment size."""
    choice = AnswerChoice(
        criterion_id=str(answer["criterion_id"]),
        current=_level(answer["current"]),
        target=_level(answer["target"]),
        dont_know=bool(answer["dont_know"]),
        comment=str(answer["comment"]),
        # Exports made before "not applicable" existed have neither key.
        not_applicable=answer.get("not_applicable") is True,
        reason=str(answer.get("na_reason") or ""),
    )
    try:
        return checked_answer(framework, choice)
    except AnswerRefused as refused:
        raise ImportRefused(f"answers[{index}].{refused.field}: {refused.message}") from None


def _level(value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError(f"a level must be a whole number or null, not {value!r}")


def _archived(row: dict[str, Any], people: dict[int, int | None]) -> ArchivedAnswer:
    return ArchivedAnswer(
        participant_id=people[row["participant"]],
        criterion_id=str(row["criterion_id"])[:80],
        framework_version=str(row["framework_version"])[:40],
        reason=str(row["reason"])[:20],
        current=_level(row["current"]),
        target=_level(row["target"]),
        dont_know=bool(row["dont_know"]),
        comment=str(row["comment"]),
        answered_at=_moment(row["answered_at"]) or utc_now(),
        archived_at=_moment(row["archived_at"]) or utc_now(),
    )


def _threshold(value: object) -> int:
    """The document's anonymity threshold, checked as the edit form checks it; an older
    document without one gets the default."""
    if value is None:
        return DEFAULT_THRESHOLD
    problem = threshold_problem(value)
    if problem:
        raise ImportRefused(problem)
    return int(str(value))


def _closed(status: str) -> AssessmentStatus:
    AssessmentStatus(status)  # still refused when it is not a status at all
    return AssessmentStatus.CLOSED


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
            "content is not stored here; upload that version on the Frameworks page (or add its "
            "file to questionnaires/ and run gapwise migrate)"
        )
    return snapshot
