"""The agreed baseline: what a workshop agreed, beside the individual ratings, never over them.

Where the room agreed a criterion's levels, the baseline takes them; elsewhere it keeps the
individual average. The baseline is rolled up with the same weights as the individual scores
(app/domain/scoring.py), and it is what drives the headline and the roadmap once a workshop
has agreed anything. The individual results are left exactly as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from app.domain.scoring import (
    AreaResult,
    CriterionResult,
    LayerResult,
    Results,
    Score,
    SubComponentResult,
)
from app.domain.scoring import _score as _score  # the same arithmetic as the individual scores
from app.domain.scoring import _weighted as _weighted
from app.domain.workshop import Outcome


@dataclass(frozen=True)
class Agreed:
    """The levels a workshop agreed for one criterion."""

    current: int
    target: int


@dataclass(frozen=True)
class Decided:
    """What a workshop recorded about one criterion: agreed or parked, and its notes."""

    criterion_id: str
    outcome: Outcome
    current: int | None
    target: int | None
    rationale: str
    notes: str
    workshop_title: str
    decided_on: str


def _latest(decided: Sequence[Decided]) -> dict[str, Decided]:
    """Per criterion, the last decision (oldest first in, so a later workshop wins)."""
    return {d.criterion_id: d for d in decided if d.outcome is not Outcome.NONE}


def agreed_levels(decided: Sequence[Decided]) -> dict[str, Agreed]:
    """The agreed levels in force: a later "parked" undoes an earlier agreement."""
    return {
        criterion_id: Agreed(d.current, d.target)
        for criterion_id, d in _latest(decided).items()
        if d.outcome is Outcome.AGREED and d.current is not None and d.target is not None
    }


def parked(decided: Sequence[Decided]) -> list[Decided]:
    return [d for d in _latest(decided).values() if d.outcome is Outcome.PARKED]


def baseline(results: Results, agreed: Mapping[str, Agreed], maximum: int) -> Results:
    """The results with agreed levels in place of the individual average where there are any."""
    layers = []
    for layer in results.layers:
        areas = tuple(_area(area, agreed, maximum) for area in layer.areas)
        score = _weighted(((a.score, 1.0) for a in areas), maximum)
        layers.append(LayerResult(layer.layer_id, layer.title, score, areas))
    every_area = [area for layer in layers for area in layer.areas]
    return Results(
        participants=results.participants,
        overall=_weighted(((a.score, a.weight) for a in every_area), maximum),
        layers=tuple(layers),
    )


def _criterion(
    criterion: CriterionResult, agreed: Mapping[str, Agreed], top: int
) -> CriterionResult:
    levels = agreed.get(criterion.criterion_id)
    if levels is None:
        return criterion
    return replace(criterion, score=_score(levels.current, levels.target, top))


def _area(area: AreaResult, agreed: Mapping[str, Agreed], top: int) -> AreaResult:
    own = tuple(_criterion(c, agreed, top) for c in area.criteria)
    subs = tuple(
        SubComponentResult(
            sub.sub_component_id,
            sub.title,
            _weighted(((c.score, c.weight) for c in criteria), top),
            criteria,
        )
        for sub in area.sub_components
        for criteria in [tuple(_criterion(c, agreed, top) for c in sub.criteria)]
    )
    every = own + tuple(c for sub in subs for c in sub.criteria)
    score = _weighted(((c.score, c.weight) for c in every), top)
    return replace(area, score=score, criteria=own, sub_components=subs)


@dataclass(frozen=True)
class Comparison:
    """One line of "agreed against individual": a criterion, an area, a layer or overall."""

    id: str
    title: str
    individual: Score | None
    baseline: Score | None  # agreed where agreed, individual elsewhere
    agreed: int  # criteria with agreed levels in it
    criteria: int

    @property
    def difference_current(self) -> float | None:
        if self.individual is None or self.baseline is None:
            return None
        return self.baseline.current - self.individual.current

    @property
    def difference_target(self) -> float | None:
        if self.individual is None or self.baseline is None:
            return None
        return self.baseline.target - self.individual.target


@dataclass(frozen=True)
class Comparisons:
    overall: Comparison
    layers: tuple[Comparison, ...]
    areas: tuple[Comparison, ...]
    criteria: tuple[Comparison, ...]  # only the agreed ones


def compare(
    individual: Results, agreed_baseline: Results, agreed: Mapping[str, Agreed]
) -> Comparisons:
    """Side by side, at every level; the rows line up because both trees have one shape."""

    def count(criteria: Iterable[CriterionResult]) -> tuple[int, int]:
        ids = [c.criterion_id for c in criteria]
        return sum(1 for i in ids if i in agreed), len(ids)

    areas = tuple(
        Comparison(a.area_id, a.title, a.score, b.score, *count(a.all_criteria()))
        for a, b in zip(individual.areas(), agreed_baseline.areas(), strict=True)
    )
    layers = tuple(
        Comparison(
            a.layer_id,
            a.title,
            a.score,
            b.score,
            *count(c for area in a.areas for c in area.all_criteria()),
        )
        for a, b in zip(individual.layers, agreed_baseline.layers, strict=True)
    )
    criteria = tuple(
        Comparison(a.criterion_id, a.text, a.score, b.score, 1, 1)
        for a, b in zip(individual.criteria(), agreed_baseline.criteria(), strict=True)
        if a.criterion_id in agreed
    )
    overall = Comparison(
        "overall",
        "Overall",
        individual.overall,
        agreed_baseline.overall,
        *count(individual.criteria()),
    )
    return Comparisons(overall, layers, areas, criteria)
