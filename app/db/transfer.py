"""A whole assessment as one JSON document, and back: for moving it to another instance.

Export, import and export again gives the same document: participants are numbered in
order instead of carrying database ids, and times are UTC ISO strings.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import UTC, datetime
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
    utc_now,
)
from app.db.transfer_schema import (
    FORMAT,
    VERSION,
    AnswerPart,
    AssessmentDocument,
    FrameworkReference,
    ImportRefused,
)
from app.domain.answering import AnswerChoice, AnswerRefused, checked_answer
from app.domain.framework import Framework
from app.domain.narrative import NarrativeRefused, clean_narrative
from app.domain.text import printable


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
    document = {
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
            "include_thin_evidence": assessment.include_thin_evidence,
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
                "outcome": i.outcome,
                "depends_on": list(roadmaps.lines_of(i.depends_on)),
                "position": i.position,
            }
            for i in roadmaps.roadmap_of(session=session, assessment=assessment)
        ],
    }
    return _printable(document)


def _printable(value: Any) -> Any:
    """Every string as an import takes it back, also text stored before input was cleaned."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_printable(item) for item in value]
    return value


def fingerprint(document: AssessmentDocument) -> str:
    """The same document gives the same fingerprint, however its file was laid out."""
    return hashlib.sha256(document.model_dump_json().encode()).hexdigest()


def import_assessment(
    *, session: Session, document: AssessmentDocument, organisation: Organisation
) -> Assessment:
    """Recreate the assessment in `organisation`, closed: nobody has a link to it here, and
    answering starts again only when the consultant reopens it. ImportRefused names what
    does not fit.

    Everything is checked before the first row is written, so a refusal changes nothing.
    """
    snapshot = _snapshot(session, document.framework)
    framework = repository.framework_of(snapshot)
    answers = [_checked_answer(framework, index, a) for index, a in enumerate(document.answers)]
    _check_areas(framework, document)
    try:  # the same rules as the report page's form; exports before narratives have none
        narrative = clean_narrative(document.assessment.narrative.model_dump())
    except NarrativeRefused as refused:
        raise ImportRefused(f"assessment.narrative.{refused}") from None
    head = document.assessment
    assessment = repository.create_assessment(
        session=session,
        organisation=organisation,
        snapshot=snapshot,
        title=head.title,
        purpose=head.purpose,
        status=AssessmentStatus.CLOSED,  # whatever it was where it came from
        target_date=head.target_date,
    )
    assessment.anonymity_threshold = head.anonymity_threshold
    assessment.include_thin_evidence = head.include_thin_evidence
    roadmaps.set_importance(session=session, assessment=assessment, weights=head.area_importance)
    repository.set_narrative(session=session, assessment=assessment, narrative=narrative)
    people: dict[int, int | None] = {}
    for person in document.participants:
        details = person.details()  # checked before anything was written
        participant = Participant(
            assessment_id=assessment.id,
            name=details.name,
            email=details.email or None,
            group=details.group,
            role=details.role,
            submitted_at=_utc(person.submitted_at),
        )
        session.add(participant)
        session.flush()
        people[person.number] = participant.id
    for answer, choice in zip(document.answers, answers, strict=True):
        session.add(
            Answer(
                participant_id=people[answer.participant],
                criterion_id=choice.criterion_id,
                current=choice.current,
                target=choice.target,
                dont_know=choice.dont_know,
                comment=choice.comment,
                not_applicable=choice.not_applicable,
                na_reason=choice.reason,
                updated_at=_utc(answer.updated_at) or utc_now(),
            )
        )
    for archived in document.archived_answers:
        fields = archived.model_dump(exclude={"participant", "answered_at", "archived_at"})
        session.add(
            ArchivedAnswer(
                participant_id=people[archived.participant],
                answered_at=_utc(archived.answered_at) or utc_now(),
                archived_at=_utc(archived.archived_at) or utc_now(),
                **fields,
            )
        )
    for item in document.roadmap:
        fields = item.model_dump(exclude={"actions", "depends_on"})
        actions = roadmaps.stored_actions(item.actions)
        depends_on = roadmaps.stored_actions(item.depends_on)
        session.add(
            RoadmapItem(
                assessment_id=assessment.id, actions=actions, depends_on=depends_on, **fields
            )
        )
    assessment.import_fingerprint = fingerprint(document)
    session.add(assessment)
    session.flush()
    return assessment


def _checked_answer(framework: Framework, index: int, answer: AnswerPart) -> AnswerChoice:
    """The answer as a saved one would be: a level on the scale, a criterion of the framework."""
    choice = AnswerChoice(
        answer.criterion_id,
        answer.current,
        answer.target,
        answer.dont_know,
        answer.comment,
        # Exports made before "not applicable" existed have neither field.
        answer.not_applicable,
        answer.na_reason,
    )
    try:
        return checked_answer(framework, choice)
    except AnswerRefused as refused:
        raise ImportRefused(f"answers[{index}].{refused.field}: {refused.message}") from None


def _check_areas(framework: Framework, document: AssessmentDocument) -> None:
    """Importance and roadmap items name areas of the document's framework."""
    areas = {area.id for area in framework.areas()}
    for area_id in document.assessment.area_importance:
        if area_id not in areas:
            raise ImportRefused(
                f"assessment.area_importance.{area_id}: is not an area of {framework.id}"
            )
    for index, item in enumerate(document.roadmap):
        if item.area_id and item.area_id not in areas:
            raise ImportRefused(
                f"roadmap[{index}].area_id: '{item.area_id}' is not an area of {framework.id}"
            )


def _utc(moment: datetime | None) -> datetime | None:
    """A time without a zone is taken as UTC, as the export writes them."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _snapshot(session: Session, reference: FrameworkReference) -> FrameworkSnapshot:
    snapshot = repository.snapshot_by_hash(
        session=session, framework_key=reference.id, content_hash=reference.content_hash
    )
    if snapshot is None:
        raise ImportRefused(
            f"framework: '{reference.id}' version {reference.version} with this exact "
            "content is not stored here; upload that version on the Frameworks page (or add its "
            "file to questionnaires/ and run gapwise migrate)"
        )
    return snapshot
