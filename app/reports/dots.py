"""An area's criteria as a dot/range plot drawn in HTML and CSS: today, target, and the spread.

Each criterion gets a track across the scale: a bar from the lowest to the highest level
given for today, a dot at today's mean and a ring at the target's. Drawn by the report's
own HTML, so its text is the report's text (same font, never under 8 pt), it costs the
renderer next to nothing, and a screen reader reads the numbers beside it in the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.scoring import AreaResult, CriterionResult


@dataclass(frozen=True)
class Dots:
    """Positions as percentages of the track's width."""

    spread_left: float
    spread_width: float
    today: float
    target: float


@dataclass(frozen=True)
class Track:
    """The scale under the dots: where each level's tick sits, in percent."""

    ticks: tuple[tuple[float, str], ...]

    @classmethod
    def of(cls, levels: tuple[int, ...]) -> Track:
        low, high = levels[0], levels[-1]
        return cls(tuple((_percent(v, low, high), str(v)) for v in levels))


def _percent(value: float, low: int, high: int) -> float:
    return round(100 * (value - low) / ((high - low) or 1), 2)


def dots_of(criterion: CriterionResult, levels: tuple[int, ...]) -> Dots | None:
    """Where one criterion's marks go on the track; None when nobody scored it."""
    if criterion.score is None or criterion.current is None:
        return None
    low, high = levels[0], levels[-1]
    left = _percent(criterion.current.minimum, low, high)
    right = _percent(criterion.current.maximum, low, high)
    return Dots(
        spread_left=left,
        spread_width=round(right - left, 2),
        today=_percent(criterion.score.current, low, high),
        target=_percent(criterion.score.target, low, high),
    )


def area_dots(area: AreaResult, levels: tuple[int, ...]) -> dict[str, Dots | None]:
    """Every criterion of the area by id."""
    return {c.criterion_id: dots_of(c, levels) for c in area.all_criteria()}
