"""Scores and gaps from participants' answers; the method is written up in docs/methodology.md.

Only complete level answers count: both a current and a target level. "Don't know" is
counted but never scored, and a criterion nobody scored has no score at all (None, never 0).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from app.domain.answering import AnswerChoice
from app.domain.framework import Area, Criterion, Framework, Layer

# How far, in levels, answers about today typically sit from their mean (population standard
# deviation) before a criterion is worth discussing. Not max - min: one outlier in a big group
# would flag nearly everything (in the demo, 94 of 98 criteria span 2 levels or more).
DISAGREEMENT_STDEV = 1.0


@dataclass(frozen=True)
class Response:
    """One participant's answers, with the group they speak for."""

    participant_id: int
    group: str
    answers: Mapping[str, AnswerChoice]


@dataclass(frozen=True)
class Stats:
    """Summary of the levels participants gave; population standard deviation."""

    n: int
    mean: float
    median: float
    minimum: int
    maximum: int
    stdev: float

    @property
    def spread(self) -> int:
        return self.maximum - self.minimum


def stats_of(levels: Sequence[int]) -> Stats | None:
    if not levels:
        return None
    return Stats(
        n=len(levels),
        mean=statistics.fmean(levels),
        median=float(statistics.median(levels)),
        minimum=min(levels),
        maximum=max(levels),
        stdev=statistics.pstdev(levels),
    )


@dataclass(frozen=True)
class Score:
    """Current and target on the framework's scale, the gap, and both as % of its maximum."""

    current: float
    target: float
    gap: float
    current_percent: float
    target_percent: float


def _score(current: float, target: float, maximum: int) -> Score:
    return Score(
        current=current,
        target=target,
        gap=target - current,
        current_percent=100 * current / maximum,
        target_percent=100 * target / maximum,
    )


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    text: str
    weight: float
    current: Stats | None
    target: Stats | None
    score: Score | None
    dont_know: int
    disagreement: bool


@dataclass(frozen=True)
class SubComponentResult:
    sub_component_id: str
    title: str
    score: Score | None
    criteria: tuple[CriterionResult, ...]


@dataclass(frozen=True)
class AreaResult:
    area_id: str
    title: str
    layer_id: str
    weight: float
    score: Score | None
    criteria: tuple[CriterionResult, ...]  # the area's own, outside any sub-component
    sub_components: tuple[SubComponentResult, ...]

    def all_criteria(self) -> Iterator[CriterionResult]:
        yield from self.criteria
        for sub_component in self.sub_components:
            yield from sub_component.criteria


@dataclass(frozen=True)
class LayerResult:
    layer_id: str
    title: str
    score: Score | None
    areas: tuple[AreaResult, ...]


@dataclass(frozen=True)
class Results:
    """Every score of an assessment, for all participants or for one group of them."""

    participants: int  # who gave at least one scored answer
    overall: Score | None
    layers: tuple[LayerResult, ...]

    def areas(self) -> Iterator[AreaResult]:
        for layer in self.layers:
            yield from layer.areas

    def criteria(self) -> Iterator[CriterionResult]:
        for area in self.areas():
            yield from area.all_criteria()


def _levels(responses: Iterable[Response], criterion_id: str) -> tuple[list[int], list[int], int]:
    currents, targets, dont_know = [], [], 0
    for response in responses:
        answer = response.answers.get(criterion_id)
        if answer is None:
            continue
        if answer.dont_know:
            dont_know += 1
        elif answer.current is not None and answer.target is not None:
            currents.append(answer.current)
            targets.append(answer.target)
    return currents, targets, dont_know


def _criterion(criterion: Criterion, responses: Sequence[Response], top: int) -> CriterionResult:
    currents, targets, dont_know = _levels(responses, criterion.id)
    current, target = stats_of(currents), stats_of(targets)
    return CriterionResult(
        criterion_id=criterion.id,
        text=criterion.text,
        weight=criterion.weight,
        current=current,
        target=target,
        score=_score(current.mean, target.mean, top) if current and target else None,
        dont_know=dont_know,
        disagreement=bool(current and current.n > 1 and current.stdev >= DISAGREEMENT_STDEV),
    )


def _weighted(pairs: Iterable[tuple[Score | None, float]], top: int) -> Score | None:
    """Weighted mean of current and of target over the parts that have a score."""
    scored = [(score, weight) for score, weight in pairs if score is not None]
    if not scored:
        return None
    total = sum(weight for _, weight in scored)
    current = sum(score.current * weight for score, weight in scored) / total
    target = sum(score.target * weight for score, weight in scored) / total
    return _score(current, target, top)


def _of_criteria(criteria: Iterable[CriterionResult], top: int) -> Score | None:
    return _weighted(((c.score, c.weight) for c in criteria), top)


def _area(area: Area, layer: Layer, responses: Sequence[Response], top: int) -> AreaResult:
    own = tuple(_criterion(c, responses, top) for c in area.criteria)
    subs = tuple(
        SubComponentResult(
            sub_component_id=sub.id,
            title=sub.title,
            score=_of_criteria(results, top),
            criteria=results,
        )
        for sub in area.sub_components
        for results in [tuple(_criterion(c, responses, top) for c in sub.criteria)]
    )
    every = own + tuple(c for sub in subs for c in sub.criteria)
    return AreaResult(
        area_id=area.id,
        title=area.title,
        layer_id=layer.id,
        weight=area.weight,
        score=_of_criteria(every, top),
        criteria=own,
        sub_components=subs,
    )


def score_assessment(framework: Framework, responses: Sequence[Response]) -> Results:
    """All scores for these participants: criteria, sub-components, areas, layers, overall."""
    top = framework.scale.maximum
    layers = []
    for layer in framework.layers:
        areas = tuple(_area(area, layer, responses, top) for area in layer.areas)
        score = _weighted(((a.score, 1.0) for a in areas), top)
        layers.append(LayerResult(layer.id, layer.title, score, areas))
    every_area = [area for layer in layers for area in layer.areas]
    return Results(
        participants=sum(1 for r in responses if _scored_anything(r)),
        overall=_weighted(((a.score, a.weight) for a in every_area), top),
        layers=tuple(layers),
    )


def _scored_anything(response: Response) -> bool:
    return any(a.current is not None and a.target is not None for a in response.answers.values())


@dataclass(frozen=True)
class GroupDifference:
    """Where two groups see an area most differently (today's level)."""

    area_id: str
    title: str
    highest_group: str
    highest: float
    lowest_group: str
    lowest: float

    @property
    def difference(self) -> float:
        return self.highest - self.lowest


@dataclass(frozen=True)
class Segments:
    groups: dict[str, Results] = field(default_factory=dict)
    differences: tuple[GroupDifference, ...] = ()


def segment(framework: Framework, responses: Sequence[Response]) -> Segments:
    """The same scores per participant group, and areas ordered by how far groups differ."""
    names = sorted({r.group for r in responses if r.group})
    groups = {
        name: score_assessment(framework, [r for r in responses if r.group == name])
        for name in names
    }
    return Segments(groups=groups, differences=_differences(groups))


def _differences(groups: Mapping[str, Results]) -> tuple[GroupDifference, ...]:
    by_area: dict[str, list[tuple[float, str, str]]] = {}
    for name, results in groups.items():
        for area in results.areas():
            if area.score is not None:
                by_area.setdefault(area.area_id, []).append((area.score.current, name, area.title))
    differences = [
        GroupDifference(area_id, high[2], high[1], high[0], low[1], low[0])
        for area_id, views in by_area.items()
        if len(views) > 1
        for high, low in [(max(views), min(views))]
    ]
    return tuple(sorted(differences, key=lambda d: (-d.difference, d.area_id)))


def _scored(results: Results) -> list[tuple[CriterionResult, Score]]:
    return [(c, c.score) for c in results.criteria() if c.score is not None]


def top_gaps(results: Results, count: int = 5) -> list[CriterionResult]:
    """The criteria with the widest gap between target and current, widest first."""
    ranked = sorted(_scored(results), key=lambda pair: (-pair[1].gap, pair[0].criterion_id))
    return [criterion for criterion, _ in ranked[:count]]


def top_strengths(results: Results, count: int = 5) -> list[CriterionResult]:
    """The criteria rated highest today, highest first."""
    ranked = sorted(_scored(results), key=lambda pair: (-pair[1].current, pair[0].criterion_id))
    return [criterion for criterion, _ in ranked[:count]]


def disagreements(results: Results) -> list[CriterionResult]:
    """Flagged criteria, the widest spread of views first: what a workshop should discuss."""
    return sorted((c for c in results.criteria() if c.disagreement), key=_widest_first)


def _widest_first(criterion: CriterionResult) -> tuple[float, int, str]:
    current = criterion.current
    assert current is not None  # only criteria with answers are flagged
    return (-current.stdev, -current.spread, criterion.criterion_id)
