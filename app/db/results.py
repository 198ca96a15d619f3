"""An assessment's scores, computed from its stored answers (and kept while they are unchanged)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from sqlmodel import Session

from app.db import repository, workshops
from app.db.models import Assessment
from app.domain.agreed import (
    Agreed,
    Comparisons,
    Decided,
    agreed_levels,
    baseline,
    compare,
    parked,
    with_workshop,
)
from app.domain.anonymity import DEFAULT_THRESHOLD
from app.domain.evidence import EVERYONE, Counted, View, choosable, counted_in
from app.domain.framework import Framework
from app.domain.recent import Recent
from app.domain.roadmap import Initiative, build_roadmap
from app.domain.scoring import Response, Results, Segments, score_assessment, segment


@dataclass(frozen=True)
class Agreement:
    """What the assessment's workshops decided, and the baseline it makes."""

    decided: tuple[Decided, ...]  # every decided or noted item, oldest first
    agreed: dict[str, Agreed]  # the agreed levels in force, by criterion id
    baseline: Results  # agreed where agreed, individual elsewhere
    comparisons: Comparisons
    parked: tuple[Decided, ...]


@dataclass(frozen=True)
class AssessmentResults:
    """Scores at one data version. The parts only some pages show (groups, the heatmap) are
    computed the first time one is asked for, then kept with the rest."""

    framework: Framework
    version: str  # changes with every write that changes what is shown: the cache key
    invited: int
    results: Results
    responses: list[Response] = field(repr=False, compare=False)
    threshold: int = DEFAULT_THRESHOLD  # the assessment's anonymity threshold k
    agreement: Agreement | None = None  # None until a workshop decides something
    view: View = View()  # whose answers are counted, its default made explicit
    counted: Counted = Counted(0, 0, 0, 0)  # who that is, for the heading
    groups: tuple[str, ...] = ()  # the groups the view may be narrowed to
    include_thin: bool = False  # the consultant ranks and drafts from thin evidence too

    @cached_property
    def counted_participants(self) -> frozenset[int]:
        """The ids of the participants whose answers these results count (their comments are
        the ones quoted; the report's turnout table counts them)."""
        return frozenset(r.participant_id for r in self.responses)

    @cached_property
    def segments(self) -> Segments:
        return segment(self.framework, self.responses, self.threshold)

    @cached_property
    def people(self) -> tuple[tuple[str, Results], ...]:
        """Heatmap columns: each group that may be shown, with how many people it stands
        for. Never one column per person: a column always pools at least k people."""
        segments = self.segments
        return tuple(
            (f"{label} ({segments.sizes[label]})", results)
            for label, results in segments.groups.items()
        )

    @property
    def agreed_baseline(self) -> Results | None:
        """The baseline once a workshop has agreed the levels of any criterion; else None."""
        return self.agreement.baseline if self.agreement and self.agreement.agreed else None

    @property
    def headline(self) -> Results:
        """What drives the headline and the roadmap: the agreed baseline once there is one."""
        agreed = self.agreed_baseline
        return self.results if agreed is None else agreed

    def draft_roadmap(self, importance: Mapping[str, float]) -> list[Initiative]:
        """Initiatives from the headline's gaps, with the workshop's notes and parked items."""
        initiatives = build_roadmap(
            self.headline, importance, framework=self.framework, include_thin=self.include_thin
        )
        if self.agreement is None:
            return initiatives
        return with_workshop(initiatives, self.agreement.decided, self.headline)


RECENT = 32  # assessments' latest results kept in memory, the least recently used forgotten
_recent: Recent[tuple[str, int, str, View], AssessmentResults] = Recent(RECENT)
_computing = threading.Lock()


def results_of(
    *, session: Session, assessment: Assessment, view: View = EVERYONE
) -> AssessmentResults:
    """Scores for the assessment as it was loaded, counting the answers the view counts;
    recomputed only when its data version moves (each view is kept apart). The key names
    the database too: a process that opens several (the tests, a CLI) keeps their results
    apart, where ids and versions may coincide."""
    version = repository.data_version(session=session, assessment=assessment)
    key = (str(session.get_bind().url), assessment.id or 0, version, view)
    kept = _recent.get(key)
    if kept is not None:
        return kept
    with _computing:  # a view and the background warming often ask at once: score once
        kept = _recent.get(key)
        if kept is None:
            kept = _computed(session, assessment, version, view)
            _recent.keep(key, kept)
        return kept


def _computed(
    session: Session, assessment: Assessment, version: str, view: View
) -> AssessmentResults:
    framework = repository.framework_of_assessment(session=session, assessment=assessment)
    everyone = repository.responses_of(session=session, assessment=assessment)
    threshold = assessment.anonymity_threshold
    responses = view.chosen(everyone, threshold)
    results = score_assessment(framework, responses)
    return AssessmentResults(
        framework=framework,
        version=version,
        invited=len(everyone),
        results=results,
        responses=responses,
        threshold=threshold,
        agreement=_agreement(session, assessment, results, framework),
        view=view.resolved(everyone),
        counted=counted_in(everyone, view, threshold),
        groups=choosable(everyone, view, threshold),
        include_thin=assessment.include_thin_evidence,
    )


def _agreement(
    session: Session, assessment: Assessment, results: Results, framework: Framework
) -> Agreement | None:
    decided = workshops.decisions_of(session=session, assessment_id=assessment.id or 0)
    if not decided:
        return None
    agreed = agreed_levels(decided)
    agreed_baseline = baseline(results, agreed, framework)
    return Agreement(
        decided=tuple(decided),
        agreed=agreed,
        baseline=agreed_baseline,
        comparisons=compare(results, agreed_baseline, agreed),
        parked=tuple(parked(decided)),
    )
