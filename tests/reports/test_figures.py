"""What the pages, the report and the deck write for a score: figures a reader can add up."""

from __future__ import annotations

import pytest

from app.domain.levels import rounded, written
from app.domain.scoring import Score
from app.reports.figures import Figures, percent
from tests.reports.test_charts import _framework

ZERO_TO_FIVE = Figures(_framework((0, 1, 2, 3, 4, 5)))


def _score(current: float, target: float) -> Score:
    return Score(
        current_percent=current * 20,
        target_percent=target * 20,
        levels="scale",
        current=current,
        target=target,
        gap=target - current,
        n=7,
    )


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1.95, 1, "2.0"),  # 1.9499… in binary, which Python's own rounding takes down
        (2.25, 1, "2.3"),  # half up, not to the even digit
        (0.05, 1, "0.1"),
        (-0.04, 1, "0.0"),  # never -0.0
        (-1.25, 1, "-1.3"),  # half away from zero
        (40.5, 0, "41"),
        (3.0, 1, "3.0"),
        ((0.3 + 0.6) / 2, 1, "0.5"),  # 0.44999999999999996: float noise, not a value below .45
        (100 * (1.9 - 1) / 4, 0, "23"),  # 22.499999999999996: 1.9 on a 1–5 scale, in percent
    ],
)
def test_numbers_round_as_people_round_them(value, decimals, expected) -> None:
    assert written(value, decimals) == expected


def test_a_gap_is_the_written_target_minus_the_written_today() -> None:
    score = _score(2.03, 3.45)  # 1.42 apart, written 2.0 and 3.5

    assert (ZERO_TO_FIVE.current(score), ZERO_TO_FIVE.target(score)) == ("2.0", "3.5")
    assert ZERO_TO_FIVE.gap(score) == "+1.5"
    assert ZERO_TO_FIVE.written_gap(score) == 1.5


def test_a_share_in_percent_is_that_of_the_written_level() -> None:
    score = _score(2.03, 3.45)  # 40.6 % and 69 % of the range; written 2.0 and 3.5 of 5

    assert (ZERO_TO_FIVE.share(score), ZERO_TO_FIVE.share(score, "target")) == ("40 %", "70 %")


def test_differences_between_two_views_add_up_too() -> None:
    agreed, individual = _score(2.46, 3.0), _score(2.54, 3.0)  # written 2.5 and 2.5

    assert ZERO_TO_FIVE.difference(agreed, individual) == "0"
    assert ZERO_TO_FIVE.difference(_score(2.96, 3), _score(2.04, 3)) == "+1.0"  # 3.0 − 2.0
    assert ZERO_TO_FIVE.between(_score(3.05, 4), _score(1.94, 4)) == "1.2"  # 3.1 − 1.9


def test_mixed_levels_are_written_in_whole_points_that_add_up() -> None:
    score = Score(current_percent=40.5, target_percent=69.4, levels=None)  # 41 % and 69 %

    assert ZERO_TO_FIVE.gap(score) == "+28 pts"
    assert percent(40.5) == "41 %"
    assert rounded(69.4, 0) - rounded(40.5, 0) == 28
