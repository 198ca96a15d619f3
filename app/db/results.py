"""An assessment's scores, computed from its stored answers (and kept while they are unchanged)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlmodel import Session

from app.db import repository
from app.db.models import Assessment
from app.domain.framework import Framework
from app.domain.scoring import (
    PersonColumn,
    Response,
    Results,
    Segments,
    area_scores_by_participant,
    score_assessment,
    segment,
)


@dataclass(frozen=True)
class AssessmentResults:
    """Scores at one data version. The parts only some pages show (groups, the heatmap) are
    computed the first time one is asked for, then kept with the rest."""

    framework: Framework
    version: str  # changes with every write that changes what is shown: the cache key
    invited: int
    results: Results
    responses: list[Response] = field(repr=False, compare=False)

    @cached_property
    def segments(self) -> Segments:
        return segment(self.framework, self.responses)

    @cached_property
    def people(self) -> tuple[PersonColumn, ...]:
        """Each participant who scored, labelled by group and numbered, never named."""
        return _people(self.framework, self.responses)


RECENT = 32  # assessments whose latest results stay in memory
_recent: dict[tuple[int, str], AssessmentResults] = {}


def results_of(*, session: Session, assessment: Assessment) -> AssessmentResults:
    """Scores for the assessment as it was loaded; recomputed only when its data version moves."""
    version = repository.data_version(assessment)
    key = (assessment.id or 0, version)
    if key not in _recent:
        framework = repository.framework_of_assessment(session=session, assessment=assessment)
        responses = repository.responses_of(session=session, assessment=assessment)
        _recent[key] = AssessmentResults(
            framework=framework,
            version=version,
            invited=len(responses),
            results=score_assessment(framework, responses),
            responses=responses,
        )
        while len(_recent) > RECENT:
            _recent.pop(next(iter(_recent)), None)
    return _recent[key]


def _people(framework: Framework, responses: list[Response]) -> tuple[PersonColumn, ...]:
    ordered = sorted(responses, key=lambda r: (r.group or "~", r.participant_id))
    counts: dict[str, int] = {}
    columns = []
    for person in area_scores_by_participant(framework, ordered):
        group = person.group or "Participant"
        counts[group] = counts.get(group, 0) + 1
        columns.append((f"{group} {counts[group]}", person.areas))
    return tuple(columns)
