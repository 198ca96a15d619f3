"""A phased roadmap drawn from the gaps; the rules are in docs/methodology.md.

One initiative per area whose gap is worth closing. Priority is gap x importance (a weight the
consultant sets per area, default 1). Gaps are measured as a share of the range the area is
answered on, so a 1-5 scale, a 0-5 scale and an answer set from 0 to 1 are judged alike.
Only a framework that declares its layers sequenced gets the earlier layer first where
priorities compete; otherwise layers say nothing about order. Each initiative lists the
improvement actions of its criteria with the largest gaps, so the first draft already says
what to do.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.framework import Framework
from app.domain.levels import number, written
from app.domain.scoring import AreaResult, CriterionResult, Results, Score

HORIZONS = ("0–3 months", "3–12 months", "12–24 months")
# Both in percentage points of the range: 10 points is half a level on a 0-5 scale.
MIN_GAP_POINTS = 10.0  # a smaller gap is noise in a group's average, not an initiative
PRIORITY_BAND_POINTS = 10.0  # priorities this close compete; a sequenced framework's
# earlier layer then goes first
HORIZON_CAPACITY = (3, 4)  # initiatives started in the first and second horizons; the rest later
MAX_IMPORTANCE = 5.0  # an area's weight is above 0 and at most this; 1 when not set
MAX_POSITION = 100_000  # an initiative's place in its horizon: far past any real roadmap
_TOLERANCE = 1e-9  # float noise: a gap of exactly the minimum counts
ACTIONS_PER_INITIATIVE = 3  # more reads as a list of everything, not a plan


@dataclass(frozen=True)
class Initiative:
    area_id: str
    title: str
    layer_id: str
    layer_title: str
    score: Score
    importance: float
    priority: float  # gap in percentage points x importance
    horizon: int  # index into HORIZONS
    reason: str
    actions: tuple[str, ...] = ()  # improvement actions of the criteria with the largest gaps
    outcome: str = ""  # what success looks like: the target level and the criteria it moves
    depends_on: tuple[str, ...] = ()  # titles of earlier-layer areas it builds on


@dataclass(frozen=True)
class PlannedItem:
    """A roadmap item as the consultant left it (or as drafted), for reports and exports."""

    title: str
    area_id: str
    horizon: int  # index into HORIZONS
    status: str
    owner: str
    reason: str
    notes: str
    actions: tuple[str, ...] = ()
    outcome: str = ""
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Candidate:
    area_id: str
    area_title: str
    layer_index: int
    layer_id: str
    layer_title: str
    score: Score
    importance: float
    actions: tuple[str, ...]
    outcome: str

    @property
    def priority(self) -> float:
        return self.score.gap_points * self.importance


def build_roadmap(
    results: Results,
    importance: Mapping[str, float] | None = None,
    *,
    framework: Framework,
    include_thin: bool = False,
) -> list[Initiative]:
    """Initiatives in the order to start them, each with a horizon, the reason it is there,
    the improvement actions (from the framework) of its criteria with the largest gaps and a
    measurable outcome. Only a framework that declares its layers sequenced
    (`Framework.layers_sequenced`) makes an initiative depend on those of the layers below.
    Thin evidence is left out unless the consultant includes it (`include_thin`); an
    initiative resting on it then says so in its reason."""
    weights = importance or {}
    actions = framework.improvement_actions()
    writer = _Writer(
        framework, framework.layers_sequenced and len(framework.layers) > 1, include_thin
    )
    candidates = [
        _Candidate(
            area.area_id,
            area.title,
            index,
            layer.layer_id,
            layer.title,
            area.score,
            weights.get(area.area_id, 1.0),
            largest_gap_actions(area, actions, include_thin=include_thin),
            writer.outcome(area),
        )
        for index, layer in enumerate(results.layers)
        for area in layer.areas
        if area.score is not None
        and (include_thin or not area.score.thin)  # one person's view is not a finding
        and area.score.gap_points >= MIN_GAP_POINTS - _TOLERANCE
    ]
    ordered = sorted(candidates, key=_sequenced_order if writer.sequenced else _priority_order)
    return [
        Initiative(
            area_id=candidate.area_id,
            title=writer.title(candidate),
            layer_id=candidate.layer_id,
            layer_title=candidate.layer_title,
            score=candidate.score,
            importance=candidate.importance,
            priority=candidate.priority,
            horizon=horizon_at(position),
            reason=writer.reason(candidate, ordered[:position]),
            actions=candidate.actions,
            outcome=candidate.outcome,
            depends_on=dependencies(candidate, ordered) if writer.sequenced else (),
        )
        for position, candidate in enumerate(ordered)
    ]


OUTCOME_CRITERIA = 3  # the criteria an outcome names: the ones with the largest gaps
OUTCOME_TEXT = 80  # characters of each criterion's statement an outcome quotes


def _ranked_gaps(area: AreaResult, include_thin: bool = False) -> list[CriterionResult]:
    """The area's criteria with a gap worth closing (at least the minimum, not thin evidence
    unless included), largest first as shares of each criterion's range, ties in
    questionnaire order."""
    scored = [
        (criterion.score.gap_points, position, criterion)
        for position, criterion in enumerate(area.all_criteria())
        if criterion.score is not None
        and (include_thin or not criterion.thin)
        and criterion.score.gap_points >= MIN_GAP_POINTS - _TOLERANCE
    ]
    return [c for _, _, c in sorted(scored, key=lambda g: (-round(g[0], 9), g[1]))]


def dependencies(candidate: _Candidate, roadmap: list[_Candidate]) -> tuple[str, ...]:
    """The areas of lower layers on the same roadmap, lowest layer first: what this builds on."""
    below = [c for c in roadmap if c.layer_index < candidate.layer_index]
    ordered = sorted(below, key=lambda c: (c.layer_index, roadmap.index(c)))
    return tuple(c.area_title for c in ordered[:ACTIONS_PER_INITIATIVE])


def largest_gap_actions(
    area: AreaResult, actions: Mapping[str, str], *, include_thin: bool = False
) -> tuple[str, ...]:
    """The actions of the area's criteria with the largest gaps (see `_ranked_gaps`); criteria
    without an action are passed over."""
    ranked = _ranked_gaps(area, include_thin)
    helped = [actions[c.criterion_id] for c in ranked if c.criterion_id in actions]
    return tuple(helped[:ACTIONS_PER_INITIATIVE])


def _sequenced_order(candidate: _Candidate) -> tuple[int, int, float, str]:
    band = math.floor(candidate.priority / PRIORITY_BAND_POINTS + _TOLERANCE)
    return (-band, candidate.layer_index, -candidate.priority, candidate.area_id)


def _priority_order(candidate: _Candidate) -> tuple[float, str]:
    return (-round(candidate.priority, 9), candidate.area_id)


def horizon_at(position: int) -> int:
    """First three initiatives start now, the next four within the year, the rest after."""
    first, second = HORIZON_CAPACITY
    if position < first:
        return 0
    return 1 if position < first + second else 2


@dataclass(frozen=True)
class _Writer:
    """Titles and reasons in the framework's own words and measures."""

    framework: Framework
    sequenced: bool
    include_thin: bool = False

    def _levels(self, score: Score, value: float | None) -> str | None:
        """A figure in the score's levels, or None when its parts use different levels."""
        levels = self.framework.levels_for_figures(score.levels)
        return None if levels is None or value is None else written(value, levels.decimals)

    def _gap(self, score: Score, times: float = 1.0) -> tuple[str, str]:
        """The gap as the title's figures give it (written target minus written today), or
        `times` it, and its unit: the numbers in a reason multiply as a reader checks them."""
        levels = self.framework.levels_for_figures(score.levels)
        gap = score.written_gap(levels) * times
        if levels is None or score.current is None or score.target is None:
            return written(gap, 0), "percentage points"
        return written(gap, levels.decimals), "levels"

    def _figure(self, score: Score, value: float | None, percent: float) -> str:
        return self._levels(score, value) or f"{written(percent, 0)} %"

    def title(self, candidate: _Candidate) -> str:
        score = candidate.score
        start = self._figure(score, score.current, score.current_percent)
        end = self._figure(score, score.target, score.target_percent)
        return f"Raise {candidate.area_title} from {start} to {end}"

    def outcome(self, area: AreaResult) -> str:
        """A measurable outcome: the area at its target, and the criteria that must move."""
        if area.score is None:
            return ""
        score = area.score
        moves = "; ".join(
            f"“{textwrap.shorten(c.text, OUTCOME_TEXT, placeholder='…')}” from "
            f"{self._figure(c.score, c.score.current, c.score.current_percent)} to "
            f"{self._figure(c.score, c.score.target, c.score.target_percent)}"
            for c in _ranked_gaps(area, self.include_thin)[:OUTCOME_CRITERIA]
            if c.score is not None
        )
        target = self._figure(score, score.target, score.target_percent)
        today = self._figure(score, score.current, score.current_percent)
        head = f"{area.title} at {target} or above (today {today})"
        return f"{head}, with {moves}." if moves else f"{head}."

    def reason(self, candidate: _Candidate, earlier: list[_Candidate]) -> str:
        score, wording = candidate.score, self.framework.wording
        gap, unit = self._gap(score)
        parts = [f"Gap of {gap} {unit} in the {candidate.layer_title} {wording.layer}"]
        if candidate.importance != 1.0:  # the priority as written; ordering uses the exact one
            priority, _ = self._gap(score, candidate.importance)
            parts.append(f"importance {number(candidate.importance)}, so priority {priority}")
        if self.sequenced:
            parts += self._sequence(candidate, earlier)
        if score.thin:
            people = "1 person" if score.n == 1 else f"{score.n} people"
            parts.append(f"thin evidence: rests on {people}")
        return "; ".join(parts) + "."

    def _sequence(self, candidate: _Candidate, earlier: list[_Candidate]) -> list[str]:
        wording = self.framework.wording
        if candidate.layer_index == 0:
            return [wording.sequence_reason or f"the {wording.layers} build on this one"]
        below = [c.area_title for c in earlier if c.layer_index < candidate.layer_index]
        return ["builds on " + ", ".join(below[:3])] if below else []
