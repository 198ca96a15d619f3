"""Scores and gaps from participants' answers; the method is written up in docs/methodology.md.

Only complete level answers count: both a current and a target level. "Don't know" is
counted but never scored, and a criterion nobody scored has no score at all (None, never 0).

Criteria may be answered on different levels (the scale, answer sets with values such as
0, 0.25, 0.5, 1). Each criterion's mean is placed in its own range (0 % at its lowest level,
100 % at its highest); areas, layers and the overall index average those percentages. Level
figures are kept only where every part is answered on the same levels.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from app.domain.anonymity import (
    DEFAULT_THRESHOLD,
    OTHER_GROUPS,
    compared,
    group_of,
    shown_groups,
    sizes_of,
)
from app.domain.answering import AnswerChoice
from app.domain.framework import Area, Criterion, Framework, Layer
from app.domain.levels import AnswerLevels, difference_written

# How far answers about today typically sit from their mean (population standard deviation),
# as a share of the criterion's range, before it is worth discussing: one level on a 0-5 scale.
# Not max - min: one outlier in a big group would flag nearly everything (in the demo, 94 of
# 98 criteria span 2 levels or more).
DISAGREEMENT_SHARE = 0.2
# A score resting on fewer people than this is "thin evidence": marked wherever it is shown
# and left out of the top gaps, top strengths and the roadmap draft. Never below 2: one
# person's view is not a finding.
MIN_EVIDENCE = 2
_TOLERANCE = 1e-9  # float noise, so a stdev of exactly the threshold is flagged


@dataclass(frozen=True)
class Response:
    """One participant's answers, with the group they speak for."""

    participant_id: int
    group: str
    answers: Mapping[str, AnswerChoice]
    submitted: bool = False  # submitted their answers (app/domain/evidence.py: what counts)


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
    """Mean, median, range and population standard deviation of the levels given.

    In floats with `math.fsum`, not `statistics.pstdev`: that one sums exact fractions, which
    made it the top line of the results page's profile; the figures agree to about 1e-15,
    far below the one decimal any page shows.
    """
    if not levels:
        return None
    n = len(levels)
    mean = math.fsum(levels) / n
    ordered = sorted(levels)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Stats(
        n=n,
        mean=mean,
        median=float(median),
        minimum=ordered[0],
        maximum=ordered[-1],
        stdev=math.sqrt(math.fsum((level - mean) ** 2 for level in levels) / n),
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
    n: int | None = None  # how many people it rests on; None: not counted (built by hand)

    @property
    def thin(self) -> bool:
        """Resting on fewer people than MIN_EVIDENCE (always when only one)."""
        return self.n is not None and self.n < max(MIN_EVIDENCE, 2)

    @property
    def gap_points(self) -> float:
        """The gap in percentage points of the range: comparable across any levels."""
        return self.target_percent - self.current_percent

    def written_gap(self, levels: AnswerLevels | None) -> float:
        """The gap a reader gets from the written figures: the written target minus the
        written today, in `levels` (with their decimals), else in whole percentage points."""
        if levels is None or self.current is None or self.target is None:
            return difference_written(self.target_percent, self.current_percent, 0)
        return difference_written(self.target, self.current, levels.decimals)


def _criterion_score(current: float, target: float, levels: AnswerLevels, n: int) -> Score:
    return Score(
        current_percent=100 * levels.fraction(current),
        target_percent=100 * levels.fraction(target),
        levels=levels.key,
        current=current,
        target=target,
        gap=target - current,
        n=n,
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
    half_answered: int = 0  # only today or only a target: kept and counted, never scored
    people: frozenset[int] = field(default=frozenset(), repr=False)  # who scored it
    disagreement_on: tuple[str, ...] = ()  # "today", "target" or both: where views spread
    not_applicable: int = 0  # said it does not apply here: neither scored nor don't know
    reasons: tuple[str, ...] = ()  # why, one per not-applicable answer, sorted

    @property
    def mostly_not_applicable(self) -> bool:
        """More than half of those who answered it say it does not apply: for the consultant
        to look at (is it the wrong criterion for this organisation?)."""
        answered = self.n + self.dont_know + self.not_applicable
        return self.not_applicable * 2 > answered

    @property
    def n(self) -> int:
        return len(self.people)

    @property
    def thin(self) -> bool:
        return self.score is not None and self.score.thin


class _Covered:
    """Coverage of a part of the framework: criteria scored out of its criteria."""

    def all_criteria(self) -> Iterator[CriterionResult]:
        raise NotImplementedError

    @property
    def criteria_scored(self) -> int:
        return sum(1 for c in self.all_criteria() if c.score is not None)

    @property
    def criteria_total(self) -> int:
        return sum(1 for _ in self.all_criteria())


@dataclass(frozen=True)
class SubComponentResult(_Covered):
    sub_component_id: str
    title: str
    score: Score | None
    criteria: tuple[CriterionResult, ...]

    def all_criteria(self) -> Iterator[CriterionResult]:
        yield from self.criteria


@dataclass(frozen=True)
class AreaResult(_Covered):
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
class LayerResult(_Covered):
    layer_id: str
    title: str
    score: Score | None
    areas: tuple[AreaResult, ...]

    def all_criteria(self) -> Iterator[CriterionResult]:
        for area in self.areas:
            yield from area.all_criteria()

    @property
    def unscored_areas(self) -> list[str]:
        """Titles of its areas nobody scored: the layer's score leaves them out, and says so."""
        return [area.title for area in self.areas if area.score is None]


@dataclass(frozen=True)
class Results(_Covered):
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

    def all_criteria(self) -> Iterator[CriterionResult]:
        return self.criteria()


@dataclass
class _Values:
    """A criterion's answers sorted out: complete ones' values, who gave them, the rest."""

    currents: list[float] = field(default_factory=list)
    targets: list[float] = field(default_factory=list)
    people: set[int] = field(default_factory=set)
    dont_know: int = 0
    half_answered: int = 0
    reasons: list[str] = field(default_factory=list)  # of not-applicable answers


def _values(responses: Iterable[Response], criterion_id: str, levels: AnswerLevels) -> _Values:
    """The values of complete answers (codes looked up in the levels), and the others counted."""
    values = _Values()
    for response in responses:
        answer = response.answers.get(criterion_id)
        if answer is None:
            continue
        if answer.not_applicable:
            values.reasons.append(answer.reason)
        elif answer.dont_know:
            values.dont_know += 1
        elif answer.current is not None and answer.target is not None:
            current, target = levels.value_of(answer.current), levels.value_of(answer.target)
            if current is not None and target is not None:
                values.currents.append(current)
                values.targets.append(target)
                values.people.add(response.participant_id)
        elif answer.current is not None or answer.target is not None:
            values.half_answered += 1
    return values


def _criterion(
    framework: Framework, criterion: Criterion, responses: Sequence[Response]
) -> CriterionResult:
    levels = framework.levels_of(criterion)
    values = _values(responses, criterion.id, levels)
    current, target = stats_of(values.currents), stats_of(values.targets)
    n = len(values.people)
    spread_on = tuple(
        name
        for name, stats in (("today", current), ("target", target))
        if stats and _spread_wide(stats, levels.range)
    )
    return CriterionResult(
        criterion_id=criterion.id,
        text=criterion.text,
        weight=criterion.weight,
        levels=levels.key,
        level_range=levels.range,
        current=current,
        target=target,
        score=_criterion_score(current.mean, target.mean, levels, n)
        if current and target
        else None,
        dont_know=values.dont_know,
        disagreement=bool(spread_on),
        disagreement_on=spread_on,
        half_answered=values.half_answered,
        people=frozenset(values.people),
        not_applicable=len(values.reasons),
        reasons=tuple(sorted(values.reasons)),
    )


def _spread_wide(stats: Stats, level_range: float) -> bool:
    """Two answers or more, with a standard deviation of DISAGREEMENT_SHARE of the range."""
    return stats.n > 1 and stats.stdev >= DISAGREEMENT_SHARE * level_range - _TOLERANCE


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


def _counted(score: Score | None, criteria: Iterable[CriterionResult]) -> Score | None:
    """The score with its n: the people who scored at least one of these criteria."""
    if score is None:
        return None
    return replace(score, n=len(frozenset().union(*(c.people for c in criteria))))


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
            score=_counted(
                _weighted(((c.score, c.weight) for c in results), _shared(framework, sub.criteria)),
                results,
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
        score=_counted(
            _weighted(
                ((c.score, c.weight) for c in every), _shared(framework, area.all_criteria())
            ),
            every,
        ),
        criteria=own,
        sub_components=subs,
    )


def score_assessment(framework: Framework, responses: Sequence[Response]) -> Results:
    """All scores for these participants: criteria, sub-components, areas, layers, overall."""
    layers = []
    for layer in framework.layers:
        areas = tuple(_area(framework, area, layer, responses) for area in layer.areas)
        # Areas weigh the same (times their weight) in their layer as in the overall index,
        # so the overall is the layers' mean weighted by their areas' weights.
        in_layer = (c for area in layer.areas for c in area.all_criteria())
        score = _weighted(((a.score, a.weight) for a in areas), _shared(framework, in_layer))
        scored = [c for area in areas for c in area.all_criteria()]
        layers.append(LayerResult(layer.id, layer.title, _counted(score, scored), areas))
    every_area = [area for layer in layers for area in layer.areas]
    every = [c for area in every_area for c in area.all_criteria()]
    return Results(
        participants=sum(1 for r in responses if scored_anything(r)),
        overall=_counted(
            _weighted(
                ((a.score, a.weight) for a in every_area),
                _shared(framework, framework.criteria()),
            ),
            every,
        ),
        layers=tuple(layers),
    )


def scored_anything(response: Response) -> bool:
    return any(a.is_scored for a in response.answers.values())


def group_labels(responses: Sequence[Response], threshold: int) -> dict[str, str]:
    """{group: the label it may be shown under} among those who scored; {} unless two labels
    or more can be compared (one label would be the whole, or point to a few people)."""
    scored = [r for r in responses if scored_anything(r)]
    labels = shown_groups(sizes_of(r.group for r in scored), threshold)
    return labels if compared(labels) else {}


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
    """Scores per group as it may be shown (app/domain/anonymity.py): groups smaller than the
    threshold are pooled as "Other groups", or every group is withheld."""

    groups: dict[str, Results] = field(default_factory=dict)  # by label, each of k people or more
    differences: tuple[GroupDifference, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # group -> label; {} when withheld
    sizes: dict[str, int] = field(default_factory=dict)  # label -> people who scored
    threshold: int = DEFAULT_THRESHOLD
    scored_groups: int = 0  # groups with anyone who scored, before pooling

    @property
    def pooled(self) -> bool:
        return OTHER_GROUPS in self.groups

    @property
    def withheld(self) -> bool:
        """Groups exist, but too few people scored in some of them to show any group."""
        return self.scored_groups > 1 and not self.labels


def segment(
    framework: Framework, responses: Sequence[Response], threshold: int = DEFAULT_THRESHOLD
) -> Segments:
    """The same scores per group, as far as the threshold allows, and areas ordered by how far
    groups differ. A comparison needs two labels or more; otherwise no group is shown."""
    scored = [r for r in responses if scored_anything(r)]
    sizes = sizes_of(r.group for r in scored)
    labels = group_labels(scored, threshold)
    if not labels:
        return Segments(threshold=threshold, scored_groups=len(sizes))
    members: dict[str, list[Response]] = {}
    for response in scored:
        members.setdefault(labels[group_of(response.group)], []).append(response)
    groups = {
        label: score_assessment(framework, members[label])
        for label in sorted(members, key=lambda name: (name == OTHER_GROUPS, name))
    }
    return Segments(
        groups=groups,
        differences=_differences(groups),
        labels=labels,
        sizes={label: len(people) for label, people in members.items()},
        threshold=threshold,
        scored_groups=len(sizes),
    )


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


def _scored(results: Results, include_thin: bool) -> list[tuple[CriterionResult, Score]]:
    """Criteria with a score that is a finding: thin evidence is left out of the rankings,
    unless the consultant includes it (it stays marked wherever it is shown)."""
    return [
        (c, c.score)
        for c in results.criteria()
        if c.score is not None and (include_thin or not c.score.thin)
    ]


def top_gaps(
    results: Results, count: int = 5, *, include_thin: bool = False
) -> list[CriterionResult]:
    """The criteria with the widest gap (share of their range) between target and current."""
    ranked = sorted(
        _scored(results, include_thin),
        key=lambda p: (-_even(p[1].gap_points), p[0].criterion_id),
    )
    return [criterion for criterion, _ in ranked[:count]]


def top_strengths(
    results: Results, count: int = 5, *, include_thin: bool = False
) -> list[CriterionResult]:
    """The criteria rated highest today (share of their range), highest first."""
    ranked = sorted(
        _scored(results, include_thin),
        key=lambda p: (-_even(p[1].current_percent), p[0].criterion_id),
    )
    return [criterion for criterion, _ in ranked[:count]]


def disagreements(results: Results) -> list[CriterionResult]:
    """Flagged criteria, the widest spread of views first: what a workshop should discuss."""
    return sorted((c for c in results.criteria() if c.disagreement), key=_widest_first)


def _widest_first(criterion: CriterionResult) -> tuple[float, float, str]:
    """The wider standard deviation of today and target, then the wider max - min, both as
    shares of the criterion's range; then the criterion's id."""
    spread = [s for s in (criterion.current, criterion.target) if s is not None]
    share = 1 / criterion.level_range
    widest = max(s.stdev for s in spread) * share
    span = max(s.spread for s in spread) * share
    return (-_even(widest), -_even(span), criterion.criterion_id)
