"""An area's criteria as a dot/range plot: today, target, and the spread of today's answers.

Each criterion's row carries a small track across the scale, drawn at the right of its text
cell: a bar from the lowest to the highest level given for today, a dot at today's mean and
a ring at the target's. Each track is a tiny SVG (a dozen numbers) used as the cell's
background, so the table keeps its columns and the renderer draws a picture instead of
laying out boxes (profiled against main: boxes made the whole report a quarter slower). A
tick marks each level; the scale's two ends are written in the header as the report's own
text; the numbers beside each track are in the table, for anyone who cannot see it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from app.domain.framework import Framework
from app.domain.levels import SCALE, AnswerLevels, number
from app.domain.scoring import AreaResult, CriterionResult

WIDTH, HEIGHT = 300, 34  # tenths of a millimetre: the track is 30 × 3.4 mm
PAD = 15  # the track starts and ends 1.5 mm in, so a dot at either end is whole
SPREAD = "#c9d0d8"
TODAY = "#1c2430"
MAX_TICKS = 11  # a tick per level up to 0-10; on a longer scale only its ends, not a grey comb


DIGIT = 1.795  # mm: a DejaVu Sans digit at 8 pt (all digits are as wide)
TRACK = 27.0  # mm from the lowest level's mark to the highest's


@dataclass(frozen=True)
class Scale:
    """The two ends of the track, written above it in the table's header: one justified
    line exactly as wide as the track plus half of each number, so each sits over its end."""

    low: str
    high: str

    @classmethod
    def of(cls, area: AreaResult, framework: Framework) -> Scale:
        """The levels' ends when the area's criteria are all on the scale; else the range's
        (each track then spans its own criterion's levels)."""
        by_id = framework.criteria_by_id
        shared = framework.shared_levels(by_id[c.criterion_id] for c in area.all_criteria())
        if shared is None or shared.key != SCALE:
            return cls("0 %", "100 %")
        return cls(number(shared.minimum), number(shared.maximum))

    @property
    def width(self) -> float:
        """mm: the track, plus half of each end's number."""
        return round(TRACK + (len(self.low) + len(self.high)) * DIGIT / 2, 2)

    @property
    def margin(self) -> float:
        """mm the line reaches into the header cell's right padding (34 mm in report.css):
        to the track's end, 1.5 mm from the cell's edge, less half the last number. The
        extra 1.4 mm was measured on the rendered page: WeasyPrint sets a float in a table
        cell that much further left than the box model says."""
        return round(34 - 1.5 + 1.4 - len(self.high) * DIGIT / 2, 2)


def _percent(value: float, levels: AnswerLevels) -> float:
    return round(100 * levels.fraction(value), 2) if levels.range else 0.0


def _x(percent: float) -> float:
    return round(PAD + percent * (WIDTH - 2 * PAD) / 100, 1)


def dots_svg(criterion: CriterionResult, levels: AnswerLevels, accent: str) -> str | None:
    """The criterion's track on its own levels, as an SVG data URI; None when nobody scored it."""
    score, current = criterion.score, criterion.current
    if score is None or current is None or score.current is None or score.target is None:
        return None
    left = _x(_percent(current.minimum, levels))
    right = _x(_percent(current.maximum, levels))
    today = _x(_percent(score.current, levels))
    target = _x(_percent(score.target, levels))
    values = levels.values
    marked = values if len(values) <= MAX_TICKS else (values[0], values[-1])
    ticks = "".join(f"M{_x(_percent(v, levels))} 11V23" for v in marked)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}">'
        f'<path d="M{PAD} 17H{WIDTH - PAD}{ticks}" stroke="{SPREAD}" stroke-width="1.8"/>'
        f'<path d="M{left} 17H{right}" stroke="{SPREAD}" stroke-width="20" '
        f'stroke-linecap="round"/>'
        f'<circle cx="{target}" cy="17" r="10.5" fill="#fff" stroke="{accent}" stroke-width="3"/>'
        f'<circle cx="{today}" cy="17" r="12" fill="{TODAY}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def area_dots(area: AreaResult, framework: Framework, accent: str) -> dict[str, str | None]:
    """Every criterion of the area's track, by criterion id."""
    criteria = framework.criteria_by_id
    return {
        c.criterion_id: dots_svg(c, framework.levels_of(criteria[c.criterion_id]), accent)
        for c in area.all_criteria()
    }
