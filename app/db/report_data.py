"""Everything the PDF report needs, gathered from the database into plain data."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session

from app.db import repository, roadmaps, workshops
from app.db.models import Assessment
from app.db.results import AssessmentResults, results_of
from app.db.transfer import export_assessment
from app.domain.agreed import in_force
from app.domain.roadmap import PlannedItem
from app.reports.exports import ExportParticipant, answers_csv, answers_xlsx
from app.reports.pdf import ReportData, ReportParticipant, WorkshopReport


def report_data_of(
    *, session: Session, assessment: Assessment, prepared_by: str, paper: str = "A4"
) -> ReportData:
    data = results_of(session=session, assessment=assessment)
    activity = repository.participant_activity(session=session, assessment=assessment)
    participants = repository.participants_of(session=session, assessment=assessment)
    stored = planned_items(session=session, assessment=assessment)
    items = stored or [
        PlannedItem(i.title, i.area_id, i.horizon, "proposed", "", i.reason, "", i.actions)
        for i in data.draft_roadmap(roadmaps.importance_of(assessment))
    ]
    comments = repository.comments_by_criterion(session=session, assessment=assessment)
    return ReportData(
        organisation=repository.organisation_of(session=session, assessment=assessment).name,
        assessment=assessment.title,
        purpose=assessment.purpose,
        status=str(assessment.status),
        target_date=f"{assessment.target_date:%-d %B %Y}" if assessment.target_date else "",
        prepared_by=prepared_by,
        prepared_on=f"{date.today():%-d %B %Y}",
        framework=data.framework,
        results=data.headline,
        segments=data.segments,
        roadmap=tuple(items),
        roadmap_is_draft=not stored,
        participants=tuple(
            ReportParticipant(
                p.name, p.group, p.role, activity[p.id].answered if p.id in activity else 0
            )
            for p in participants
        ),
        comments={k: tuple(v) for k, v in comments.items()},
        paper=paper,
        workshop=_workshop_report(session, assessment, data),
    )


def _workshop_report(
    session: Session, assessment: Assessment, data: AssessmentResults
) -> WorkshopReport | None:
    if data.agreement is None:
        return None
    held = workshops.workshops_of(session=session, assessment=assessment)
    attendance = workshops.attendance_of(session=session, assessment_id=assessment.id or 0)
    return WorkshopReport(
        sessions=tuple((w.title, f"{w.created_at:%-d %B %Y}") for w in reversed(held)),
        attendees=tuple(sorted(attendance.items())),
        discussed=workshops.discussed_count(session=session, assessment_id=assessment.id or 0),
        comparisons=data.agreement.comparisons,
        decisions=tuple(in_force(data.agreement.decided)),
        texts={c.criterion_id: c.text for c in data.results.criteria()},
        headline_is_agreed=data.headline is not data.results,
    )


def export_participants(*, session: Session, assessment: Assessment) -> list[ExportParticipant]:
    responses = repository.responses_of(session=session, assessment=assessment)
    answers = {r.participant_id: r.answers for r in responses}
    return [
        ExportParticipant(p.name, p.group, p.role, dict(answers[p.id or 0]))
        for p in repository.participants_of(session=session, assessment=assessment)
    ]


def planned_items(*, session: Session, assessment: Assessment) -> list[PlannedItem]:
    """The stored roadmap as plain values; empty when none has been drafted."""
    return [
        PlannedItem(
            i.title,
            i.area_id,
            i.horizon,
            str(i.status),
            i.owner,
            i.reason,
            i.notes,
            roadmaps.actions_of(i),
        )
        for i in roadmaps.roadmap_of(session=session, assessment=assessment)
    ]


def exported(*, session: Session, assessment: Assessment, export_format: str) -> bytes:
    """The assessment as CSV (answers), XLSX (summary, scores, answers, roadmap) or JSON (all)."""
    if export_format == "json":
        document = export_assessment(session=session, assessment=assessment)
        return json.dumps(document, indent=2, ensure_ascii=False).encode()
    data = results_of(session=session, assessment=assessment)
    people = export_participants(session=session, assessment=assessment)
    if export_format == "csv":
        return answers_csv(data.framework, people)
    return answers_xlsx(
        title=assessment.title,
        framework=data.framework,
        results=data.results,
        participants=people,
        roadmap=planned_items(session=session, assessment=assessment),
        agreed=data.agreement.comparisons if data.agreement else None,
    )
