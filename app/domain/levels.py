"""The levels a criterion is answered on: the framework's scale, or one of its answer sets.

An answer is stored as an integer *code*. On the scale the code is the level's value itself
(so answers stored before answer sets existed keep their meaning); in an answer set it is the
answer's position, 0 for the first listed, because answer-set values need not be whole
(0, 0.25, 0.5, 1). Scores always use the value, never the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache

SCALE = "scale"  # the key of the framework's own scale among its sets of levels


@dataclass(frozen=True)
class Option:
    """One level a participant can choose: stored as `code`, scored as `value`."""

    code: int
    value: float
    label: str
    description: str | None


@dataclass(frozen=True)
class AnswerLevels:
    key: str  # SCALE or the answer set's name
    title: str
    options: tuple[Option, ...]  # lowest value first

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(option.code for option in self.options)

    @property
    def values(self) -> tuple[float, ...]:
        return tuple(option.value for option in self.options)

    @property
    def minimum(self) -> float:
        return self.options[0].value

    @property
    def maximum(self) -> float:
        return self.options[-1].value

    @property
    def range(self) -> float:
        return self.maximum - self.minimum

    def value_of(self, code: int) -> float | None:
        return self._value_by_code.get(code)

    @cached_property
    def _value_by_code(self) -> dict[int, float]:
        """Scoring looks a value up for every answer: a dict, not a search of the options."""
        found: dict[int, float] = {}
        for option in self.options:
            found.setdefault(option.code, option.value)
        return found

    def fraction(self, value: float) -> float:
        """Where a value sits between the lowest level (0) and the highest (1)."""
        return (value - self.minimum) / self.range

    @property
    def is_scale(self) -> bool:
        return self.key == SCALE

    @property
    def decimals(self) -> int:
        """Decimals a mean needs to be read: one on whole-numbered levels, two otherwise."""
        return 1 if all(v.is_integer() for v in self.values) else 2

    @property
    def is_even(self) -> bool:
        """True when the values are consecutive whole numbers (0–5), with no holes."""
        steps = {b - a for a, b in zip(self.values, self.values[1:], strict=False)}
        return steps == {1.0} and all(v.is_integer() for v in self.values)

    def span(self) -> str:
        """The values in words: `0–5` when even, else each one: `0, 1, 2 or 4`."""
        if self.is_even:
            return f"{number(self.minimum)}–{number(self.maximum)}"
        values = [number(v) for v in self.values]
        return ", ".join(values[:-1]) + f" or {values[-1]}"


def number(value: float) -> str:
    """A level value as people write it: 3, 0.25 (never 3.0)."""
    return f"{value:g}"


@lru_cache(maxsize=4096)  # pages write the same few means again and again; Decimal is slow
def rounded(value: float, decimals: int) -> float:
    """`value` to `decimals` places, half away from zero on its decimal form to 12 significant
    digits, as a spreadsheet rounds: 1.95 gives 2.0 where Python's own rounding of the binary
    1.9499… gives 1.9, and a mean of 0.3 and 0.6 (0.44999999999999996 in floats) gives 0.5."""
    step = Decimal(1).scaleb(-decimals)
    snapped = Decimal(f"{value:.12g}")  # the noise of float arithmetic is far below 12 digits
    return float(snapped.quantize(step, rounding=ROUND_HALF_UP)) + 0.0  # not -0.0


@lru_cache(maxsize=4096)
def written(value: float, decimals: int) -> str:
    """`value` with `decimals` places, rounded as people round: 1.95 -> `2.0`."""
    return f"{rounded(value, decimals):.{decimals}f}"


def difference_written(value: float, minus: float, decimals: int) -> float:
    """The written `value` minus the written `minus`: what a reader gets by subtracting."""
    return rounded(rounded(value, decimals) - rounded(minus, decimals), decimals)
