"""The agreed baseline: what a workshop agreed, beside the individual ratings, never over them.

Where the room agreed a criterion's levels, the baseline takes them; elsewhere it keeps the
individual average. The baseline is rolled up with the same weights as the individual scores
(app/domain/scoring.py), and it is what drives the headline and the roadmap once a workshop
has agreed anything. The individual results are left exactly as they were.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from app.domain.framework import Framework
from app.domain.roadmap import Initiative
from app.domain.scoring import (
    AreaResult,
    CriterionResult,
    LayerResult,
    Results,
    Score,
    SubComponentResult,
)

# The same arithmetic as the individual scores.
from app.domain.scoring import _counted as _counted
from app.domain.scoring import _criterion_score as _criterion_score
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


def in_force(decided: Sequence[Decided]) -> list[Decided]:
    """Per criterion, the last decision (oldest first in, so a later workshop wins)."""
    return list({d.criterion_id: d for d in decided if d.outcome is not Outcome.NONE}.values())


def agreed_levels(decided: Sequence[Decided]) -> dict[str, Agreed]:
    """The agreed levels in force: a later "parked" undoes an earlier agreement."""
    return {
        d.criterion_id: Agreed(d.current, d.target)
        for d in in_force(decided)
        if d.outcome is Outcome.AGREED and d.current is not None and d.target is not None
    }


def parked(decided: Sequence[Decided]) -> list[Decided]:
    return [d for d in in_force(decided) if d.outcome is Outcome.PARKED]


def baseline(results: Results, agreed: Mapping[str, Agreed], framework: Framework) -> Results:
    """The results with agreed levels in place of the individual average where there are any.

    Agreed levels are stored as answers are (a code: the value on the scale, the position in
    an answer set) and scored on the criterion's own levels, like every answer."""
    layers = []
    for layer in results.layers:
        areas = tuple(_area(area, agreed, framework) for area in layer.areas)
        every = [c for area in layer.areas for c in area.all_criteria()]
        # Areas weigh in their layer as in the overall index, as in the individual scores.
        score = _weighted(((a.score, a.weight) for a in areas), _shared(every))
        layers.append(LayerResult(layer.layer_id, layer.title, _counted(score, every), areas))
    every_area = [area for layer in layers for area in layer.areas]
    overall = _weighted(((a.score, a.weight) for a in every_area), _shared(results.criteria()))
    return Results(
        participants=results.participants,
        overall=_counted(overall, results.criteria()),
        layers=tuple(layers),
    )


def _shared(criteria: Iterable[CriterionResult]) -> str | None:
    """The key of the levels all these criteria are answered on; None when mixed."""
    keys = {c.levels for c in criteria}
    return keys.pop() if len(keys) == 1 else None


def _criterion(
    criterion: CriterionResult, agreed: Mapping[str, Agreed], framework: Framework
) -> CriterionResult:
    codes = agreed.get(criterion.criterion_id)
    if codes is None:
        return criterion
    levels = framework.answer_levels[criterion.levels]
    current, target = levels.value_of(codes.current), levels.value_of(codes.target)
    if current is None or target is None:  # not a level of this criterion (any more)
        return criterion
    # The agreement rests on the room that discussed the ratings: as many people as rated it.
    n = criterion.score.n if criterion.score and criterion.score.n is not None else 0
    return replace(criterion, score=_criterion_score(current, target, levels, n))


def _area(area: AreaResult, agreed: Mapping[str, Agreed], framework: Framework) -> AreaResult:
    own = tuple(_criterion(c, agreed, framework) for c in area.criteria)
    subs = tuple(
        SubComponentResult(
            sub.sub_component_id,
            sub.title,
            _counted(
                _weighted(((c.score, c.weight) for c in criteria), _shared(criteria)), criteria
            ),
            criteria,
        )
        for sub in area.sub_components
        for criteria in [tuple(_criterion(c, agreed, framework) for c in sub.criteria)]
    )
    every = own + tuple(c for sub in subs for c in sub.criteria)
    score = _counted(_weighted(((c.score, c.weight) for c in every), _shared(every)), every)
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

    def _levels(self) -> tuple[Score, Score] | None:
        """Both scores, when both are written in the same levels."""
        if self.individual is None or self.baseline is None:
            return None
        if self.baseline.levels is None or self.baseline.levels != self.individual.levels:
            return None
        return self.baseline, self.individual

    @property
    def difference_current(self) -> float | None:
        """Agreed baseline minus individual, today, in levels (None where levels are mixed)."""
        both = self._levels()
        return (both[0].current or 0.0) - (both[1].current or 0.0) if both else None

    @property
    def difference_target(self) -> float | None:
        both = self._levels()
        return (both[0].target or 0.0) - (both[1].target or 0.0) if both else None

    @property
    def difference_current_points(self) -> float | None:
        """The same difference in percentage points of the range: defined for any levels."""
        if self.individual is None or self.baseline is None:
            return None
        return self.baseline.current_percent - self.individual.current_percent

    @property
    def difference_target_points(self) -> float | None:
        if self.individual is None or self.baseline is None:
            return None
        return self.baseline.target_percent - self.individual.target_percent


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


def with_workshop(
    initiatives: Sequence[Initiative], decided: Sequence[Decided], results: Results
) -> list[Initiative]:
    """The drafted roadmap with what the workshop said: its notes join their area's
    initiative (or become one), and an area with parked criteria first has to settle them."""
    area_of = {c.criterion_id: area for area in results.areas() for c in area.all_criteria()}
    text_of = {c.criterion_id: c.text for c in results.criteria()}
    notes: dict[str, list[str]] = {}
    for d in decided:
        if d.notes:
            notes.setdefault(area_of[d.criterion_id].area_id, []).append(d.notes)
    unsettled: dict[str, list[str]] = {}
    for d in parked(decided):
        unsettled.setdefault(area_of[d.criterion_id].area_id, []).append(text_of[d.criterion_id])
    planned = [
        replace(i, reason=f"{i.reason} Workshop notes: {' '.join(notes[i.area_id])}")
        if i.area_id in notes
        else i
        for i in initiatives
    ]
    covered = {i.area_id for i in initiatives}
    areas = {area.area_id: (area, layer) for layer in results.layers for area in layer.areas}
    first = [
        _settle(*areas[area_id], texts, notes.get(area_id, []))
        for area_id, texts in unsettled.items()
    ] + [
        _actions(*areas[area_id], texts)
        for area_id, texts in notes.items()
        if area_id not in covered and area_id not in unsettled
    ]
    return first + planned


def _workshop_initiative(
    area: AreaResult, layer: LayerResult, title: str, reason: str
) -> Initiative:
    return Initiative(
        area_id=area.area_id,
        title=title,
        layer_id=layer.layer_id,
        layer_title=layer.title,
        score=area.score or Score(0.0, 0.0, levels=None),  # an area nobody scored yet
        importance=1.0,
        priority=0.0,
        horizon=0,
        reason=reason,
    )


def _settle(area: AreaResult, layer: LayerResult, texts: list[str], notes: list[str]) -> Initiative:
    listed = "; ".join(texts)
    reason = (
        f"The workshop could not agree where {area.title} stands on: {listed}. "
        "Settle this with evidence before committing to an initiative."
    )
    if notes:
        reason += f" Workshop notes: {' '.join(notes)}"
    return _workshop_initiative(area, layer, f"Settle where {area.title} stands", reason)


def _actions(area: AreaResult, layer: LayerResult, notes: list[str]) -> Initiative:
    reason = f"Actions the workshop noted: {' '.join(notes)}"
    return _workshop_initiative(area, layer, f"Workshop actions for {area.title}", reason)
