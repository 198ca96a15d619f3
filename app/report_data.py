"""An assessment's data gathered from the database into the plain data that charts, exports
and the PDF report are drawn from, with the keys their caches are kept under.

It sits above both app/db and app/reports (neither may import the other); the web routes
and the CLI use it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from datetime import date
from functools import cached_property
from typing import Any

from sqlmodel import Session

from app.db import branding, repository, roadmaps, workshops
from app.db.models import Assessment, Organisation, Participant, User
from app.db.results import AssessmentResults, results_of
from app.db.transfer import export_assessment
from app.domain.agreed import Comparisons, in_force
from app.domain.anonymity import sizes_of
from app.domain.evidence import EVERYONE, View
from app.domain.framework import Framework
from app.domain.roadmap import Initiative, PlannedItem
from app.domain.scoring import Results, Segments
from app.reports.exports import ExportParticipant
from app.reports.pdf import GroupTurnout, ReportData, ReportParticipant, WorkshopReport
from app.reports.registry import ExportFormat

PROPOSED = "proposed"  # the status of a roadmap item the gaps propose, not yet drafted


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
            i.outcome,
            roadmaps.lines_of(i.depends_on),
        )
        for i in roadmaps.roadmap_of(session=session, assessment=assessment)
    ]


def roadmap_shown(
    session: Session, assessment: Assessment, data: AssessmentResults
) -> list[PlannedItem]:
    """The roadmap the report, the deck, the charts and the workbook show: the stored one,
    or (none drafted yet) the one the gaps propose, each item with the status "proposed"."""
    stored = planned_items(session=session, assessment=assessment)
    return stored or _proposed(assessment, data)


def _proposed(assessment: Assessment, data: AssessmentResults) -> list[PlannedItem]:
    """The roadmap the gaps (and the workshop's notes) propose, while none has been drafted."""
    return [
        PlannedItem(
            i.title,
            i.area_id,
            i.horizon,
            PROPOSED,
            "",
            i.reason,
            "",
            i.actions,
            i.outcome,
            i.depends_on,
        )
        for i in drafted(assessment, data)
    ]


def drafted(assessment: Assessment, data: AssessmentResults) -> list[Initiative]:
    """The roadmap the headline's gaps propose (the agreed baseline once there is one), by the
    framework's own actions and layer sequencing, with the workshop's notes and parked items."""
    return data.draft_roadmap(roadmaps.importance_of(assessment))


class ChartData:
    """What charts are drawn from on the results page and through the CLI. Each part is
    gathered the first time a chart asks for it: the results page itself needs none of the
    group columns or the roadmap, and the radar needs only the scores."""

    def __init__(self, session: Session, assessment: Assessment, view: View = EVERYONE) -> None:
        self._session, self._assessment = session, assessment
        self._data = results_of(session=session, assessment=assessment, view=view)
        self.version = self._data.version  # the data version: the key of the charts' disk cache
        self.framework = self._data.framework
        self.results = self._data.results
        self.agreed = self._data.agreed_baseline  # the agreed baseline, once there is one

    @property
    def segments(self) -> Segments:
        return self._data.segments

    @property
    def people(self) -> tuple[tuple[str, Results], ...]:
        return self._data.people

    @cached_property
    def roadmap(self) -> tuple[PlannedItem, ...]:
        return tuple(roadmap_shown(self._session, self._assessment, self._data))


def chart_data_of(*, session: Session, assessment: Assessment, view: View = EVERYONE) -> ChartData:
    return ChartData(session, assessment, view)


def prepared_by_of(user: User) -> str:
    """The name a report or deck gives as its author (part of the cached file's version)."""
    return user.name or user.email


def reader_key(prepared_by: str) -> str:
    """A short key of the author's name for a cached file's name: each reader's report is a
    file of its own, so a newer version replaces their older one, never another reader's."""
    return hashlib.sha256(prepared_by.encode()).hexdigest()[:12]


def report_version(*, session: Session, assessment: Assessment, prepared_by: str) -> str:
    """The cache key of the PDF and the deck: the assessment's data version (which the
    narrative moves too), plus what they add to it: names, branding, author and day."""
    organisation = repository.organisation_of(session=session, assessment=assessment)
    key = (
        repository.data_version(session=session, assessment=assessment),
        organisation.name,
        branding.brand_of(session=session, organisation=organisation).version,
        prepared_by,
        date.today(),
    )
    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


def report_data_of(
    *, session: Session, assessment: Assessment, prepared_by: str, paper: str = "A4"
) -> ReportData:
    data = results_of(session=session, assessment=assessment)
    activity = repository.participant_activity(session=session, assessment=assessment)
    participants = repository.participants_of(session=session, assessment=assessment)
    roadmap = roadmap_shown(session, assessment, data)
    comments = repository.comments_by_criterion(
        session=session,
        assessment=assessment,
        labels=data.segments.labels,
        writers=data.counted_participants,
    )
    organisation = repository.organisation_of(session=session, assessment=assessment)
    return ReportData(
        organisation=organisation.name,
        assessment=assessment.title,
        purpose=assessment.purpose,
        status=str(assessment.status),
        target_date=f"{assessment.target_date:%-d %B %Y}" if assessment.target_date else "",
        prepared_by=prepared_by,
        prepared_on=f"{date.today():%-d %B %Y}",
        framework=data.framework,
        results=data.results,
        agreed=data.agreed_baseline,
        segments=data.segments,
        people=data.people,
        roadmap=tuple(roadmap),
        roadmap_is_draft=not roadmap or roadmap[0].status == PROPOSED,  # none drafted yet
        participants=tuple(
            ReportParticipant(p.name, p.role) for p in sorted(participants, key=lambda p: p.name)
        ),
        turnout=_turnout(participants, activity, data.counted_participants),
        counted=data.counted,
        comments={k: tuple(v) for k, v in comments.items()},
        narrative=repository.narrative_of(assessment),
        brand=branding.brand_of(session=session, organisation=organisation),
        paper=paper,
        workshop=_workshop_report(session, assessment, data),
        include_thin=data.include_thin,
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
    )


def _turnout(
    participants: Sequence[Participant],
    activity: dict[int, repository.Activity],
    counted: Collection[int],
) -> tuple[GroupTurnout, ...]:
    """Per group ("No group" included): invited, how many answered at least one criterion,
    and how many of them the results count (`counted`: their participant ids)."""
    invited = sizes_of(p.group for p in participants)
    answering = [p for p in participants if p.id in activity and activity[p.id].answered]
    answered = sizes_of(p.group for p in answering)
    in_results = sizes_of(p.group for p in answering if p.id in counted)
    return tuple(
        GroupTurnout(g, invited[g], answered.get(g, 0), in_results.get(g, 0))
        for g in sorted(invited)
    )


class AssessmentExport:
    """An assessment as exports see it (ExportSource): each part read when first asked for."""

    def __init__(self, session: Session, assessment: Assessment, prepared_by: str) -> None:
        self.session, self.assessment, self.prepared_by = session, assessment, prepared_by
        self.title = assessment.title
        self.prepared_on = date.today().isoformat()

    @cached_property
    def _organisation(self) -> Organisation:
        return repository.organisation_of(session=self.session, assessment=self.assessment)

    @property
    def organisation(self) -> str:
        return self._organisation.name

    @cached_property
    def _data(self) -> AssessmentResults:
        return results_of(session=self.session, assessment=self.assessment)

    @property
    def framework(self) -> Framework:
        return self._data.framework

    @property
    def results(self) -> Results:
        return self._data.results

    @property
    def agreement(self) -> Comparisons | None:
        return self._data.agreement.comparisons if self._data.agreement else None

    @cached_property
    def participants(self) -> list[ExportParticipant]:
        responses = repository.responses_of(session=self.session, assessment=self.assessment)
        answers = {r.participant_id: r.answers for r in responses}
        return [
            ExportParticipant(
                p.name, p.group, p.role, dict(answers[p.id or 0]), p.submitted_at is not None
            )
            for p in repository.participants_of(session=self.session, assessment=self.assessment)
        ]

    @cached_property
    def roadmap(self) -> list[PlannedItem]:
        """What the report and the deck show (roadmap_shown)."""
        return roadmap_shown(self.session, self.assessment, self._data)

    @cached_property
    def document(self) -> dict[str, Any]:
        return export_assessment(session=self.session, assessment=self.assessment)

    @cached_property
    def report(self) -> ReportData:
        return report_data_of(
            session=self.session, assessment=self.assessment, prepared_by=self.prepared_by
        )


def exported(
    *,
    session: Session,
    assessment: Assessment,
    export_format: ExportFormat,
    prepared_by: str = "Gapwise",
) -> bytes:
    """The assessment in the format; `prepared_by` is the author a deck names."""
    return export_format.render(AssessmentExport(session, assessment, prepared_by))
