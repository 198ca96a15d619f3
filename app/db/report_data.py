"""Everything the PDF report needs, gathered from the database into plain data."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session

from app.db import repository, roadmaps
from app.db.models import Assessment
from app.db.results import results_of
from app.db.transfer import export_assessment
from app.domain.roadmap import PlannedItem, build_roadmap
from app.reports.exports import ExportParticipant, answers_csv, answers_xlsx
from app.reports.pdf import ReportData, ReportParticipant


def report_data_of(
    *, session: Session, assessment: Assessment, prepared_by: str, paper: str = "A4"
) -> ReportData:
    data = results_of(session=session, assessment=assessment)
    activity = repository.participant_activity(session=session, assessment=assessment)
    participants = repository.participants_of(session=session, assessment=assessment)
    stored = planned_items(session=session, assessment=assessment)
    items = stored or [
        PlannedItem(i.title, i.area_id, i.horizon, "proposed", "", i.reason, "", i.actions)
        for i in build_roadmap(
            data.results, roadmaps.importance_of(assessment), data.framework.improvement_actions()
        )
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
        results=data.results,
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
    )
