"""Everything the PDF report needs, gathered from the database into plain data."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from app.db import repository, roadmaps
from app.db.models import Assessment
from app.db.results import results_of
from app.domain.roadmap import build_roadmap
from app.reports.pdf import ReportData, ReportItem, ReportParticipant


def report_data_of(
    *, session: Session, assessment: Assessment, prepared_by: str, paper: str = "A4"
) -> ReportData:
    data = results_of(session=session, assessment=assessment)
    activity = repository.participant_activity(session=session, assessment=assessment)
    participants = repository.participants_of(session=session, assessment=assessment)
    stored = roadmaps.roadmap_of(session=session, assessment=assessment)
    items = [
        ReportItem(i.title, i.area_id, i.horizon, str(i.status), i.owner, i.reason, i.notes)
        for i in stored
    ] or [
        ReportItem(i.title, i.area_id, i.horizon, "proposed", "", i.reason, "")
        for i in build_roadmap(data.results, roadmaps.importance_of(assessment))
    ]
    groups = {p.id: p.group or "Participant" for p in participants}
    comments: dict[str, list[tuple[str, str]]] = {}
    for answer in repository.answers_of(session=session, assessment=assessment):
        if answer.comment:
            comments.setdefault(answer.criterion_id, []).append(
                (groups[answer.participant_id], answer.comment)
            )
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
