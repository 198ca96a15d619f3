"""A phased transformation roadmap drawn from the gaps; the rules are in docs/methodology.md.

One initiative per area whose gap is worth closing. Priority is gap x importance (a weight the
consultant sets per area, default 1). Initiatives whose priorities are close compete, and then
the lower layer goes first: foundations support or limit everything built on them. Each
initiative lists the improvement actions of its criteria with the largest gaps, so the first
draft already says what to do.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.scoring import AreaResult, Results

HORIZONS = ("0–3 months", "3–12 months", "12–24 months")
MIN_GAP = 0.5  # levels; a smaller gap is noise in a group's average, not an initiative
PRIORITY_BAND = 0.5  # priorities this close compete; the lower layer then goes first
HORIZON_CAPACITY = (3, 4)  # initiatives started in the first and second horizons; the rest later
ACTIONS_PER_INITIATIVE = 3  # more reads as a list of everything, not a plan


@dataclass(frozen=True)
class Initiative:
    area_id: str
    title: str
    layer_id: str
    layer_title: str
    current: float
    target: float
    gap: float
    importance: float
    priority: float
    horizon: int  # index into HORIZONS
    reason: str
    actions: tuple[str, ...] = ()  # improvement actions of the criteria with the largest gaps


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


@dataclass(frozen=True)
class _Candidate:
    area_id: str
    area_title: str
    layer_index: int
    layer_id: str
    layer_title: str
    current: float
    target: float
    importance: float
    actions: tuple[str, ...]

    @property
    def gap(self) -> float:
        return self.target - self.current

    @property
    def priority(self) -> float:
        return self.gap * self.importance


def build_roadmap(
    results: Results,
    importance: Mapping[str, float] | None = None,
    actions: Mapping[str, str] | None = None,
) -> list[Initiative]:
    """Initiatives in the order to start them, each with a horizon and the reason it is there.

    `actions` maps criterion ids to improvement actions (`Framework.improvement_actions()`).
    """
    weights = importance or {}
    candidates = [
        _Candidate(
            area.area_id,
            area.title,
            index,
            layer.layer_id,
            layer.title,
            area.score.current,
            area.score.target,
            weights.get(area.area_id, 1.0),
            largest_gap_actions(area, actions or {}),
        )
        for index, layer in enumerate(results.layers)
        for area in layer.areas
        if area.score is not None and area.score.gap >= MIN_GAP
    ]
    ordered = sorted(candidates, key=_start_order)
    return [
        _initiative(candidate, position, ordered[:position])
        for position, candidate in enumerate(ordered)
    ]


def largest_gap_actions(area: AreaResult, actions: Mapping[str, str]) -> tuple[str, ...]:
    """The actions of the area's criteria with the largest gaps (at least MIN_GAP), largest
    first, ties in questionnaire order; criteria without an action are passed over."""
    gaps = [
        (criterion.score.gap, position, actions[criterion.criterion_id])
        for position, criterion in enumerate(area.all_criteria())
        if criterion.score is not None
        and criterion.score.gap >= MIN_GAP
        and criterion.criterion_id in actions
    ]
    ranked = sorted(gaps, key=lambda gap: (-gap[0], gap[1]))
    return tuple(action for _, _, action in ranked[:ACTIONS_PER_INITIATIVE])


def _start_order(candidate: _Candidate) -> tuple[int, int, float, str]:
    band = math.floor(candidate.priority / PRIORITY_BAND)
    return (-band, candidate.layer_index, -candidate.priority, candidate.area_id)


def horizon_at(position: int) -> int:
    """First three initiatives start now, the next four within the year, the rest after."""
    first, second = HORIZON_CAPACITY
    if position < first:
        return 0
    return 1 if position < first + second else 2


def _initiative(candidate: _Candidate, position: int, earlier: list[_Candidate]) -> Initiative:
    return Initiative(
        area_id=candidate.area_id,
        title=f"Raise {candidate.area_title} "
        f"from {candidate.current:.1f} to {candidate.target:.1f}",
        layer_id=candidate.layer_id,
        layer_title=candidate.layer_title,
        current=candidate.current,
        target=candidate.target,
        gap=candidate.gap,
        importance=candidate.importance,
        priority=candidate.priority,
        horizon=horizon_at(position),
        reason=_reason(candidate, earlier),
        actions=candidate.actions,
    )


def _reason(candidate: _Candidate, earlier: list[_Candidate]) -> str:
    parts = [f"Gap of {candidate.gap:.1f} levels in the {candidate.layer_title} layer"]
    if candidate.importance != 1.0:
        parts.append(f"importance {candidate.importance:g}, so priority {candidate.priority:.1f}")
    below = [c.area_title for c in earlier if c.layer_index < candidate.layer_index]
    if candidate.layer_index == 0:
        parts.append("foundations support or limit every area above them")
    elif below:
        parts.append("builds on " + ", ".join(below[:3]))
    return "; ".join(parts) + "."
