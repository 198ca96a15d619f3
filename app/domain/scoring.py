"""Scores and gaps from participants' answers; the method is written up in docs/methodology.md.

Only complete level answers count: both a current and a target level. "Don't know" is
counted but never scored, and a criterion nobody scored has no score at all (None, never 0).

Criteria may be answered on different levels (the scale, answer sets with values such as
0, 0.25, 0.5, 1). Each criterion's mean is placed in its own range (0 % at its lowest level,
100 % at its highest); areas, layers and the overall index average those percentages. Level
figures are kept only where every part is answered on the same levels.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from app.domain.answering import AnswerChoice
from app.domain.framework import Area, Criterion, Framework, Layer
from app.domain.levels import AnswerLevels

# How far answers about today typically sit from their mean (population standard deviation),
# as a share of the criterion's range, before it is worth discussing: one level on a 0-5 scale.
# Not max - min: one outlier in a big group would flag nearly everything (in the demo, 94 of
# 98 criteria span 2 levels or more).
DISAGREEMENT_SHARE = 0.2
_TOLERANCE = 1e-9  # float noise, so a stdev of exactly the threshold is flagged


@dataclass(frozen=True)
class Response:
    """One participant's answers, with the group they speak for."""

    participant_id: int
    group: str
    answers: Mapping[str, AnswerChoice]


@dataclass(frozen=True)
class Stats:
    """Summary of the level values participants gave; population standard deviation."""

    n: int
    mean: float
    median: float
    minimum: float
    maximum: float
    stdev: float

    @property
    def spread(self) -> float:
        return self.maximum - self.minimum


def stats_of(levels: Sequence[float]) -> Stats | None:
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
    """Current and target as a share of the answer range (0 % at the lowest level, 100 % at
    the highest); and in levels, with the gap, when every part uses the same levels."""

    current_percent: float
    target_percent: float
    levels: str | None  # the key of the shared levels (scale or answer set); None when mixed
    current: float | None = None  # in those levels
    target: float | None = None
    gap: float | None = None

    @property
    def gap_points(self) -> float:
        """The gap in percentage points of the range: comparable across any levels."""
        return self.target_percent - self.current_percent


def _criterion_score(current: float, target: float, levels: AnswerLevels) -> Score:
    return Score(
        current_percent=100 * levels.fraction(current),
        target_percent=100 * levels.fraction(target),
        levels=levels.key,
        current=current,
        target=target,
        gap=target - current,
    )


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    text: str
    weight: float
    levels: str  # the key of the levels it is answered on
    level_range: float  # highest minus lowest level value of those levels
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


def _values(
    responses: Iterable[Response], criterion_id: str, levels: AnswerLevels
) -> tuple[list[float], list[float], int]:
    """The values of complete answers (codes looked up in the levels), and the don't-knows."""
    currents, targets, dont_know = [], [], 0
    for response in responses:
        answer = response.answers.get(criterion_id)
        if answer is None:
            continue
        if answer.dont_know:
            dont_know += 1
        elif answer.current is not None and answer.target is not None:
            current, target = levels.value_of(answer.current), levels.value_of(answer.target)
            if current is not None and target is not None:
                currents.append(current)
                targets.append(target)
    return currents, targets, dont_know


def _criterion(
    framework: Framework, criterion: Criterion, responses: Sequence[Response]
) -> CriterionResult:
    levels = framework.levels_of(criterion)
    currents, targets, dont_know = _values(responses, criterion.id, levels)
    current, target = stats_of(currents), stats_of(targets)
    threshold = DISAGREEMENT_SHARE * levels.range - _TOLERANCE
    return CriterionResult(
        criterion_id=criterion.id,
        text=criterion.text,
        weight=criterion.weight,
        levels=levels.key,
        level_range=levels.range,
        current=current,
        target=target,
        score=_criterion_score(current.mean, target.mean, levels) if current and target else None,
        dont_know=dont_know,
        disagreement=bool(current and current.n > 1 and current.stdev >= threshold),
    )


def _weighted(pairs: Iterable[tuple[Score | None, float]], levels: str | None) -> Score | None:
    """Weighted mean of current and of target over the parts that have a score: always as
    percentages, and in levels too when `levels` names the levels all the parts share."""
    scored = [(score, weight) for score, weight in pairs if score is not None]
    if not scored:
        return None
    total = sum(weight for _, weight in scored)

    def mean(value: Callable[[Score], float | None]) -> float:
        return sum((value(score) or 0.0) * weight for score, weight in scored) / total

    percents = mean(lambda s: s.current_percent), mean(lambda s: s.target_percent)
    if levels is None:
        return Score(*percents, levels=None)
    current, target = mean(lambda s: s.current), mean(lambda s: s.target)
    return Score(*percents, levels=levels, current=current, target=target, gap=target - current)


def _shared(framework: Framework, criteria: Iterable[Criterion]) -> str | None:
    shared = framework.shared_levels(criteria)
    return shared.key if shared else None


def _area(
    framework: Framework, area: Area, layer: Layer, responses: Sequence[Response]
) -> AreaResult:
    own = tuple(_criterion(framework, c, responses) for c in area.criteria)
    subs = tuple(
        SubComponentResult(
            sub_component_id=sub.id,
            title=sub.title,
            score=_weighted(
                ((c.score, c.weight) for c in results), _shared(framework, sub.criteria)
            ),
            criteria=results,
        )
        for sub in area.sub_components
        for results in [tuple(_criterion(framework, c, responses) for c in sub.criteria)]
    )
    every = own + tuple(c for sub in subs for c in sub.criteria)
    return AreaResult(
        area_id=area.id,
        title=area.title,
        layer_id=layer.id,
        weight=area.weight,
        score=_weighted(
            ((c.score, c.weight) for c in every), _shared(framework, area.all_criteria())
        ),
        criteria=own,
        sub_components=subs,
    )


def score_assessment(framework: Framework, responses: Sequence[Response]) -> Results:
    """All scores for these participants: criteria, sub-components, areas, layers, overall."""
    layers = []
    for layer in framework.layers:
        areas = tuple(_area(framework, area, layer, responses) for area in layer.areas)
        in_layer = (c for area in layer.areas for c in area.all_criteria())
        score = _weighted(((a.score, 1.0) for a in areas), _shared(framework, in_layer))
        layers.append(LayerResult(layer.id, layer.title, score, areas))
    every_area = [area for layer in layers for area in layer.areas]
    return Results(
        participants=sum(1 for r in responses if _scored_anything(r)),
        overall=_weighted(
            ((a.score, a.weight) for a in every_area), _shared(framework, framework.criteria())
        ),
        layers=tuple(layers),
    )


def _scored_anything(response: Response) -> bool:
    return any(a.current is not None and a.target is not None for a in response.answers.values())


@dataclass(frozen=True)
class ParticipantAreas:
    """One participant's score in each area, by area id: a column of the heatmap."""

    participant_id: int
    group: str
    areas: dict[str, Score | None]


# A heatmap column: a participant, labelled by group and number (never named), and their
# score by area id.
PersonColumn = tuple[str, dict[str, Score | None]]


def area_scores_by_participant(
    framework: Framework, responses: Sequence[Response]
) -> list[ParticipantAreas]:
    """Each participant's area scores, equal to `score_assessment(framework, [response])`'s
    but in one pass over their answers, without the rest of the tree; those who scored
    nothing are left out, as that gives them no score."""
    areas = [(area, _shared(framework, area.all_criteria())) for area in framework.areas()]
    return [
        ParticipantAreas(
            response.participant_id,
            response.group,
            {area.id: _own_area_score(framework, area, shared, response) for area, shared in areas},
        )
        for response in responses
        if _scored_anything(response)
    ]


def _own_area_score(
    framework: Framework, area: Area, shared: str | None, response: Response
) -> Score | None:
    """One participant's area score: each criterion scored from their one answer."""
    pairs = []
    for criterion in area.all_criteria():
        levels = framework.levels_of(criterion)
        currents, targets, _ = _values((response,), criterion.id, levels)
        # The mean of one value (statistics.fmean) is that value as a float.
        score = (
            _criterion_score(float(currents[0]), float(targets[0]), levels) if currents else None
        )
        pairs.append((score, criterion.weight))
    return _weighted(pairs, shared)


@dataclass(frozen=True)
class GroupDifference:
    """Where two groups see an area most differently (today's level)."""

    area_id: str
    title: str
    highest_group: str
    highest: Score
    lowest_group: str
    lowest: Score

    @property
    def difference(self) -> float:
        """In percentage points of the range, so areas on different levels compare."""
        return self.highest.current_percent - self.lowest.current_percent


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
    by_area: dict[str, list[tuple[float, str, str, Score]]] = {}
    for name, results in groups.items():
        for area in results.areas():
            if area.score is not None:
                view = (area.score.current_percent, name, area.title, area.score)
                by_area.setdefault(area.area_id, []).append(view)
    differences = [
        GroupDifference(area_id, high[2], high[1], high[3], low[1], low[3])
        for area_id, views in by_area.items()
        if len(views) > 1
        for high, low in [(max(views, key=_view_order), min(views, key=_view_order))]
    ]
    return tuple(sorted(differences, key=lambda d: (-_even(d.difference), d.area_id)))


def _even(value: float) -> float:
    """Rounded past float noise, so equal gaps tie (and ties go by id) as they did in levels."""
    return round(value, 9)


def _view_order(view: tuple[float, str, str, Score]) -> tuple[float, str]:
    return _even(view[0]), view[1]


def _scored(results: Results) -> list[tuple[CriterionResult, Score]]:
    return [(c, c.score) for c in results.criteria() if c.score is not None]


def top_gaps(results: Results, count: int = 5) -> list[CriterionResult]:
    """The criteria with the widest gap (share of their range) between target and current."""
    ranked = sorted(_scored(results), key=lambda p: (-_even(p[1].gap_points), p[0].criterion_id))
    return [criterion for criterion, _ in ranked[:count]]


def top_strengths(results: Results, count: int = 5) -> list[CriterionResult]:
    """The criteria rated highest today (share of their range), highest first."""
    ranked = sorted(
        _scored(results), key=lambda p: (-_even(p[1].current_percent), p[0].criterion_id)
    )
    return [criterion for criterion, _ in ranked[:count]]


def disagreements(results: Results) -> list[CriterionResult]:
    """Flagged criteria, the widest spread of views first: what a workshop should discuss."""
    return sorted((c for c in results.criteria() if c.disagreement), key=_widest_first)


def _widest_first(criterion: CriterionResult) -> tuple[float, float, str]:
    """Standard deviation, then max - min, both as shares of the criterion's range."""
    current = criterion.current
    assert current is not None  # only criteria with answers are flagged
    share = 1 / criterion.level_range
    return (-_even(current.stdev * share), -_even(current.spread * share), criterion.criterion_id)
