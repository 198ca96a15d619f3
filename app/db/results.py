"""An assessment's scores, computed from its stored answers (and kept while they are unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.db import repository
from app.db.models import Assessment
from app.domain.framework import Framework
from app.domain.scoring import Response, Results, Segments, score_assessment, segment


@dataclass(frozen=True)
class AssessmentResults:
    framework: Framework
    version: str  # changes with every write that changes what is shown: the cache key
    invited: int
    results: Results
    segments: Segments
    people: tuple[tuple[str, Results], ...]  # each participant who scored, labelled by group


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
            segments=segment(framework, responses),
            people=_people(framework, responses),
        )
        while len(_recent) > RECENT:
            _recent.pop(next(iter(_recent)), None)
    return _recent[key]


def _people(framework: Framework, responses: list[Response]) -> tuple[tuple[str, Results], ...]:
    """Participants as heatmap columns: by group, numbered, never named."""
    ordered = sorted(responses, key=lambda r: (r.group or "~", r.participant_id))
    counts: dict[str, int] = {}
    columns = []
    for response in ordered:
        results = score_assessment(framework, [response])
        if results.participants == 0:
            continue
        group = response.group or "Participant"
        counts[group] = counts.get(group, 0) + 1
        columns.append((f"{group} {counts[group]}", results))
    return tuple(columns)
