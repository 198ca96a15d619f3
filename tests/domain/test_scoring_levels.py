"""Scores on any scale and on answer sets: percentages run from the lowest level (0 %) to the
highest (100 %); criteria on different levels meet in those percentages."""

from __future__ import annotations

from math import isclose

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.answering import AnswerChoice
from app.domain.framework import Framework
from app.domain.loading import load_framework, parse_framework
from app.domain.scoring import Response, disagreements, score_assessment
from tests.conftest import DATA

LIBRARY = load_framework(DATA / "library-1.0.yaml")

# One participant's answers as codes: the level on the 1-5 scale, the position in a set.
# coverage: 0 No (0), 1 some (0.25), 2 half (0.5), 3 most or all (1); yes-no: 0 No, 1 Yes.
LIBRARIAN = {
    "stock-weeding": (3, 5),  # 50 % -> 100 %
    "stock-catalogue": (1, 3),  # coverage 0.25 -> 1: 25 % -> 100 %
    "events-children": (2, 4),  # 25 % -> 75 %
    "events-adults": (1, 3),  # 0 % -> 50 %
    "buildings-access": (0, 1),  # yes-no: 0 % -> 100 %
    "buildings-study": (4, 5),  # 75 % -> 100 %
    "online-help": (3, 4),  # 50 % -> 75 %
    "online-ebooks": (2, 3),  # coverage 0.5 -> 1: 50 % -> 100 %
    "partners-schools": (5, 5),  # 100 % -> 100 %
    "partners-health": (0, 2),  # coverage 0 -> 0.5: 0 % -> 50 %
}


def _response(pid: int, answers: dict[str, tuple[int, int]], group: str = "") -> Response:
    return Response(pid, group, {c: AnswerChoice(c, *pair) for c, pair in answers.items()})


def _one_criterion(levels: str, answer_set: str = "") -> Framework:
    return parse_framework(
        f"id: one\nversion: '1'\ntitle: One\nscale: {{levels: [{levels}]}}\n"
        f"answer_sets: {{cover: {{levels: [{{value: 0, label: n}}, {{value: 0.25, label: s}},"
        f" {{value: 0.5, label: h}}, {{value: 1, label: a}}]}}}}\n"
        "layers: [{id: l, title: L, areas: [{id: a, title: A, intent: x, criteria: "
        f"[{{id: c, text: T{', answer_set: ' + answer_set if answer_set else ''}}}]}}]}}]"
    )


ONE_TO_FIVE = ", ".join(f"{{value: {v}, label: L{v}, description: x}}" for v in range(1, 6))
WITH_A_HOLE = ", ".join(f"{{value: {v}, label: L{v}, description: x}}" for v in (0, 1, 2, 4))


@pytest.mark.parametrize(
    ("levels", "answer", "percent"),
    [
        (ONE_TO_FIVE, 1, 0.0),  # the lowest level is 0 %, not 20 %
        (ONE_TO_FIVE, 3, 50.0),  # the midpoint is 50 %, not 60 %
        (ONE_TO_FIVE, 5, 100.0),
        (WITH_A_HOLE, 2, 50.0),  # 2 of 0..4
        (WITH_A_HOLE, 4, 100.0),
    ],
)
def test_percentages_run_from_the_lowest_level_to_the_highest(
    levels: str, answer: int, percent: float
) -> None:
    results = score_assessment(_one_criterion(levels), [_response(1, {"c": (answer, answer)})])

    assert results.overall is not None
    assert results.overall.current_percent == percent
    assert results.overall.current == answer  # levels kept: one scale throughout


def test_an_uneven_answer_set_scores_its_values_not_its_positions() -> None:
    framework = _one_criterion(ONE_TO_FIVE, answer_set="cover")

    results = score_assessment(
        framework, [_response(1, {"c": (1, 2)}), _response(2, {"c": (2, 3)})]
    )

    score = results.overall
    assert score is not None
    assert (score.current, score.target) == (0.375, 0.75)  # means of 0.25, 0.5 and 0.5, 1
    assert (score.current_percent, score.target_percent, score.levels) == (37.5, 75.0, "cover")


def test_the_library_by_hand_mixed_areas_in_percent_shared_ones_in_levels_too() -> None:
    results = score_assessment(LIBRARY, [_response(1, LIBRARIAN)])

    areas = {a.area_id: a.score for a in results.areas()}
    percents = {k: (s.current_percent, s.target_percent) for k, s in areas.items() if s}
    assert percents == {
        "stock": (37.5, 100.0),  # (50 + 25) / 2, (100 + 100) / 2
        "events": (12.5, 62.5),  # (25 + 0) / 2, (75 + 50) / 2
        "buildings": (37.5, 100.0),  # (0 + 75) / 2
        "online": (50.0, 87.5),
        "partners": (50.0, 75.0),
    }
    assert areas["stock"].levels is None and areas["stock"].current is None  # type: ignore[union-attr]
    assert (areas["events"].current, areas["events"].target) == (1.5, 3.5)  # type: ignore[union-attr]
    overall = results.overall
    assert overall is not None and overall.levels is None
    assert (overall.current_percent, overall.target_percent) == (37.5, 85.0)
    assert overall.gap_points == 47.5


@pytest.mark.parametrize(
    ("levels", "answer_set", "todays", "flagged"),
    [
        (ONE_TO_FIVE, "", (2, 4), True),  # stdev 1.0, threshold 0.8 on a range of 4
        (ONE_TO_FIVE, "", (3, 4), False),  # stdev 0.5
        (ONE_TO_FIVE, "cover", (0, 2), True),  # values 0 and 0.5: stdev 0.25 >= 0.2
        (ONE_TO_FIVE, "cover", (1, 2), False),  # 0.25 and 0.5: stdev 0.125
    ],
)
def test_the_disagreement_threshold_is_a_fifth_of_each_criterions_range(
    levels: str, answer_set: str, todays: tuple[int, int], flagged: bool
) -> None:
    framework = _one_criterion(levels, answer_set)
    people = [_response(i, {"c": (level, level)}) for i, level in enumerate(todays)]

    assert bool(disagreements(score_assessment(framework, people))) is flagged


def test_a_code_the_levels_do_not_have_is_not_scored() -> None:
    framework = _one_criterion(ONE_TO_FIVE, answer_set="cover")

    results = score_assessment(framework, [_response(1, {"c": (7, 3)})])

    assert results.overall is None


CODES = {c.id: LIBRARY.levels_of(c).codes for c in LIBRARY.criteria()}


@st.composite
def library_people(draw: st.DrawFn) -> list[Response]:
    people = []
    for pid in range(draw(st.integers(min_value=0, max_value=6))):
        answers = {}
        for criterion, codes in CODES.items():
            if draw(st.booleans()):
                answers[criterion] = (draw(st.sampled_from(codes)), draw(st.sampled_from(codes)))
        people.append(_response(pid, answers))
    return people


@settings(max_examples=150, deadline=None)
@given(library_people())
def test_mixed_levels_keep_every_percentage_in_range_and_gaps_consistent(people) -> None:
    results = score_assessment(LIBRARY, people)
    scores = [results.overall, *(layer.score for layer in results.layers)]
    scores += [area.score for area in results.areas()]
    scores += [criterion.score for criterion in results.criteria()]

    for score in scores:
        if score is None:
            continue
        assert -1e-9 <= score.current_percent <= 100 + 1e-9
        assert -1e-9 <= score.target_percent <= 100 + 1e-9
        assert isclose(score.gap_points, score.target_percent - score.current_percent)
        if score.levels is not None:
            assert score.gap == score.target - score.current  # type: ignore[operator]
