"""How scores are written, for pages and reports alike: in levels where every part is answered
on the same levels, otherwise as a percentage of the range (0 % lowest level, 100 % highest).

What is written adds up: a gap is the written target minus the written today (2.0 and 3.5
give +1.5, although the means 2.03 and 3.45 are 1.42 apart), and a share in percent is that of
the written level. Numbers round half away from zero as written in decimal (1.95 gives 2.0, as
in a spreadsheet), not as stored in binary (1.9499…, which Python's own rounding takes down).
Rankings and thresholds keep the unrounded figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.framework import Framework
from app.domain.levels import AnswerLevels, difference_written, number, rounded, written
from app.domain.roadmap import MIN_GAP_POINTS
from app.domain.scoring import DISAGREEMENT_SHARE, Score


@dataclass(frozen=True)
class Figures:
    framework: Framework

    def levels(self, score: Score) -> AnswerLevels | None:
        return self.framework.levels_for_figures(score.levels)

    def _level(self, score: Score, value: float | None) -> str | None:
        levels = self.levels(score)
        return None if levels is None or value is None else written(value, levels.decimals)

    def current(self, score: Score) -> str:
        return self._level(score, score.current) or percent(score.current_percent)

    def target(self, score: Score) -> str:
        return self._level(score, score.target) or percent(score.target_percent)

    def share(self, score: Score, which: str = "current") -> str:
        """`40 %`: where the written level (`which`: "current" or "target") sits in the range,
        so that 2.0 of 0–5 reads 40 %; where levels are mixed, the share itself."""
        levels, value = self.levels(score), getattr(score, which)
        if levels is None or value is None:
            return percent(getattr(score, f"{which}_percent"))
        return percent(100 * levels.fraction(rounded(value, levels.decimals)))

    def gap(self, score: Score) -> str:
        """`+1.2` in levels, or `+20 pts` (percentage points) where levels are mixed: the
        written target minus the written today."""
        levels = self.levels(score)
        if levels is None or score.current is None or score.target is None:
            return f"{score.written_gap(None):+.0f} pts"
        return f"{score.written_gap(levels):+.{levels.decimals}f}"

    def written_gap(self, score: Score, *, in_levels: bool = True) -> float:
        """Score.written_gap in the score's levels where asked, else in percentage points."""
        return score.written_gap(self.levels(score) if in_levels else None)

    def between(self, high: Score, low: Score) -> str:
        """How far apart two views of today are: in levels when both are, else in points."""
        levels = self.levels(high)
        if levels is None or high.levels != low.levels or None in (high.current, low.current):
            return f"{difference_written(high.current_percent, low.current_percent, 0):.0f} pts"
        decimals = levels.decimals
        return f"{difference_written(high.current or 0, low.current or 0, decimals):.{decimals}f}"

    def difference(self, new: Score, old: Score, which: str = "current") -> str:
        """`new - old` with its sign (`which` is "current" or "target"): in levels where both
        are written in the same levels, else in percentage points; 0 where it rounds to 0."""
        levels = self.levels(new)
        a, b = getattr(new, which), getattr(old, which)
        if levels is None or new.levels != old.levels or a is None or b is None:
            points = difference_written(
                getattr(new, f"{which}_percent"), getattr(old, f"{which}_percent"), 0
            )
            return f"{points:+.0f} pts" if points else "0 pts"
        change = difference_written(a, b, levels.decimals)
        return f"{change:+.{levels.decimals}f}" if change else "0"

    def gap_unit(self, score: Score) -> str:
        return "levels" if self.levels(score) else "of the range"

    def span(self, score: Score) -> str:
        """What a figure in levels is out of: `of 5` from 0, else `on 1–5`; empty when mixed."""
        levels = self.levels(score)
        if levels is None:
            return ""
        if levels.minimum == 0:
            return f"of {number(levels.maximum)}"
        return f"on {levels.span()}"

    @property
    def shared(self) -> AnswerLevels | None:
        """The scale, when every criterion is answered on it; None: figures are in percent."""
        shared = self.framework.shared_levels()
        return self.framework.levels_for_figures(shared.key if shared else None)

    @property
    def key(self) -> str:
        """What the levels mean, in one line for readers who never saw the questionnaire:
        `Levels: 0 Not in place · … · 5 Optimised.`, and which level a statement as written
        describes; empty where figures are in percent."""
        shared = self.shared
        if shared is None:
            return ""
        named = " · ".join(  # a level's number and name never split across lines
            f"{number(option.value)}\u00a0{option.label}" for option in shared.options
        )
        described = self.framework.scale.wgll_level if shared.is_scale else None
        if described is None:
            return f"Levels: {named}."
        statement = self.framework.wording.statement
        return f"Levels: {named}; each {statement} as written describes level {described}."

    @property
    def disagreement(self) -> str:
        """The flagging threshold in words: `one level` on 0–5, else a share of the range."""
        if self.shared is None:
            return f"{100 * DISAGREEMENT_SHARE:.0f} % of the criterion's range"
        return levels_phrase(DISAGREEMENT_SHARE * self.shared.range)

    @property
    def min_gap(self) -> str:
        """The roadmap's smallest gap in words: `half a level` on 0–5, else in points."""
        if self.shared is None:
            return f"{MIN_GAP_POINTS:.0f} percentage points"
        return levels_phrase(MIN_GAP_POINTS / 100 * self.shared.range)


def percent(value: float) -> str:
    return f"{written(value, 0)} %"


def levels_phrase(amount: float) -> str:
    """0.5 -> `half a level`, 1 -> `one level`, 0.8 -> `0.8 levels`."""
    near = round(amount, 6)
    if near == 0.5:
        return "half a level"
    if near == 1:
        return "one level"
    return f"{number(near)} levels"
