"""An assessment's scores, computed from its stored answers (and kept while they are unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.db import repository
from app.db.models import Assessment
from app.domain.framework import Framework
from app.domain.scoring import Results, Segments, score_assessment, segment


@dataclass(frozen=True)
class AssessmentResults:
    framework: Framework
    version: str  # changes with every write that changes what is shown: the cache key
    invited: int
    results: Results
    segments: Segments
    people: tuple[tuple[str, Results], ...]  # heatmap columns: shown groups, never a person


RECENT = 32  # assessments whose latest results stay in memory
_recent: dict[tuple[int, str], AssessmentResults] = {}


def results_of(*, session: Session, assessment: Assessment) -> AssessmentResults:
    """Scores for the assessment as it was loaded; recomputed only when its data version moves."""
    version = repository.data_version(assessment)
    key = (assessment.id or 0, version)
    if key not in _recent:
        framework = repository.framework_of_assessment(session=session, assessment=assessment)
        responses = repository.responses_of(session=session, assessment=assessment)
        segments = segment(framework, responses, assessment.anonymity_threshold)
        _recent[key] = AssessmentResults(
            framework=framework,
            version=version,
            invited=len(responses),
            results=score_assessment(framework, responses),
            segments=segments,
            people=_columns(segments),
        )
        while len(_recent) > RECENT:
            _recent.pop(next(iter(_recent)), None)
    return _recent[key]


def _columns(segments: Segments) -> tuple[tuple[str, Results], ...]:
    """Heatmap columns: each group that may be shown, with how many people it stands for.

    Never one column per person: a column always pools at least the threshold's k people.
    """
    return tuple(
        (f"{label} ({segments.sizes[label]})", results)
        for label, results in segments.groups.items()
    )
