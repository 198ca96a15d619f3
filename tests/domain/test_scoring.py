"""Scoring, checked by hand on the mini framework (scale 0-3), and by properties."""

from __future__ import annotations

from math import isclose

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.answering import AnswerChoice
from app.domain.framework import Framework
from app.domain.loading import load_framework
from app.domain.scoring import (
    Response,
    Results,
    Stats,
    disagreements,
    score_assessment,
    segment,
    stats_of,
    top_gaps,
    top_strengths,
)
from tests.conftest import MINI_FRAMEWORK, QUESTIONNAIRES

MINI = load_framework(MINI_FRAMEWORK)


def _response(pid: int, group: str, **levels: tuple[int | None, int | None] | str) -> Response:
    answers = {}
    for key, value in levels.items():
        criterion = key.replace("_", "-")
        answers[criterion] = (
            AnswerChoice(criterion, dont_know=True)
            if value == "dont know"
            else AnswerChoice(criterion, *value)  # type: ignore[misc]
        )
    return Response(pid, group, answers)


# A leader, and two front-line staff; C's answer to data-one-view has no target yet.
A = _response(1, "Leadership", data_one_view=(1, 3), data_quality=(2, 3), growth_offers=(0, 2))
B = _response(2, "Front line", data_one_view=(3, 3), data_quality="dont know", growth_offers=(2, 3))
C = _response(3, "Front line", data_one_view=(2, None), data_quality=(0, 1))


def _area(results: Results, area_id: str):
    return next(a for a in results.areas() if a.area_id == area_id)


def _criterion(results: Results, criterion_id: str):
    return next(c for c in results.criteria() if c.criterion_id == criterion_id)


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([1, 3], Stats(n=2, mean=2.0, median=2.0, minimum=1, maximum=3, stdev=1.0)),
        ([2, 2, 5], Stats(n=3, mean=3.0, median=2.0, minimum=2, maximum=5, stdev=2**0.5)),
        ([4], Stats(n=1, mean=4.0, median=4.0, minimum=4, maximum=4, stdev=0.0)),
        ([], None),
    ],
)
def test_stats_of_levels(levels: list[int], expected: Stats | None) -> None:
    assert stats_of(levels) == expected


def test_criterion_scores_use_complete_answers_and_count_dont_know() -> None:
    results = score_assessment(MINI, [A, B, C])

    one_view = _criterion(results, "data-one-view")
    quality = _criterion(results, "data-quality")
    offers = _criterion(results, "growth-offers")

    assert one_view.current == Stats(2, 2.0, 2.0, 1, 3, 1.0)  # C's half answer is left out
    assert one_view.target == Stats(2, 3.0, 3.0, 3, 3, 0.0)
    assert one_view.score is not None and one_view.score.gap == 1.0
    assert (quality.dont_know, quality.current.mean, quality.target.mean) == (1, 1.0, 2.0)  # type: ignore[union-attr]
    assert offers.score is not None
    assert (offers.score.current, offers.score.target, offers.score.gap) == (1.0, 2.5, 1.5)
    assert [one_view.disagreement, quality.disagreement, offers.disagreement] == [True] * 3


def test_area_layer_and_overall_scores_by_hand() -> None:
    results = score_assessment(MINI, [A, B, C])

    data = _area(results, "data").score
    growth = _area(results, "growth").score
    assert data is not None and growth is not None and results.overall is not None
    # data: one-view (weight 1) current 2, target 3; quality (weight 2) current 1, target 2
    assert isclose(data.current, (2 * 1 + 1 * 2) / 3)  # 4/3
    assert isclose(data.target, (3 * 1 + 2 * 2) / 3)  # 7/3
    assert isclose(data.current_percent, 100 * (4 / 3) / 3)  # 44.4 % of level 3
    # growth: its one sub-component, its one criterion
    assert (growth.current, growth.target) == (1.0, 2.5)
    assert _area(results, "growth").sub_components[0].score == growth
    # layers hold one area each; overall is the mean of the two areas (weights 1)
    assert [layer.score for layer in results.layers] == [data, growth]
    assert isclose(results.overall.current, (4 / 3 + 1) / 2)  # 7/6
    assert isclose(results.overall.target, (7 / 3 + 2.5) / 2)  # 29/12
    assert isclose(results.overall.gap, 1.25)
    assert results.participants == 3


def test_nothing_answered_is_reported_as_no_score_never_zero() -> None:
    only_growth = _response(1, "", growth_offers=(1, 2))
    nobody_sure = _response(2, "", data_one_view="dont know")

    results = score_assessment(MINI, [only_growth, nobody_sure])

    assert _area(results, "data").score is None
    assert _criterion(results, "data-one-view").score is None
    assert _criterion(results, "data-one-view").dont_know == 1
    assert results.layers[0].score is None
    assert results.overall == _area(results, "growth").score  # the only area with a score
    assert results.participants == 1
    assert score_assessment(MINI, []).overall is None


def test_groups_are_scored_separately_and_ranked_by_difference() -> None:
    segments = segment(MINI, [A, B, C])

    leaders, front_line = segments.groups["Leadership"], segments.groups["Front line"]
    assert isclose(_area(leaders, "data").score.current, (1 + 2 * 2) / 3)  # type: ignore[union-attr]
    assert isclose(_area(front_line, "data").score.current, (3 + 0 * 2) / 3)  # type: ignore[union-attr]
    assert [(d.area_id, d.highest_group, d.lowest_group) for d in segments.differences] == [
        ("growth", "Front line", "Leadership"),  # 2 against 0
        ("data", "Leadership", "Front line"),  # 5/3 against 1
    ]
    assert isclose(segments.differences[0].difference, 100 * 2 / 3)  # 2 levels of 0-3, in points


def test_rankings_of_gaps_strengths_and_disagreements() -> None:
    results = score_assessment(MINI, [A, B, C])

    assert [c.criterion_id for c in top_gaps(results, 2)] == ["growth-offers", "data-one-view"]
    assert [c.criterion_id for c in top_strengths(results, 1)] == ["data-one-view"]
    assert [c.criterion_id for c in disagreements(results)] == [
        "data-one-view",  # stdev 1 and spread 2 for all three: ties broken by id
        "data-quality",
        "growth-offers",
    ]


# Properties, on the mini framework: any answers at all.
LEVEL = st.integers(min_value=0, max_value=3)
CHOICE = st.one_of(
    st.tuples(LEVEL, LEVEL).map(lambda pair: ("levels", pair)),
    st.just(("dont know", None)),
    st.tuples(LEVEL, st.none()).map(lambda pair: ("levels", pair)),
)
CRITERIA = ["data-one-view", "data-quality", "growth-offers"]


@st.composite
def responses(draw: st.DrawFn) -> list[Response]:
    people = []
    for pid in range(draw(st.integers(min_value=0, max_value=8))):
        answers = {}
        for criterion in CRITERIA:
            kind, pair = draw(st.one_of(st.none(), CHOICE)) or ("skip", None)
            if kind == "dont know":
                answers[criterion] = AnswerChoice(criterion, dont_know=True)
            elif kind == "levels":
                answers[criterion] = AnswerChoice(criterion, *pair)
        people.append(Response(pid, draw(st.sampled_from(["Leadership", "Front line"])), answers))
    return people


def _every_score(results: Results):
    yield results.overall
    for layer in results.layers:
        yield layer.score
        for area in layer.areas:
            yield area.score
            for sub in area.sub_components:
                yield sub.score
            for criterion in area.all_criteria():
                yield criterion.score


@settings(max_examples=200, deadline=None)
@given(responses())
def test_every_score_stays_on_the_scale(people: list[Response]) -> None:
    for score in _every_score(score_assessment(MINI, people)):
        if score is not None:
            assert 0 <= score.current <= 3 and 0 <= score.target <= 3
            assert 0 <= score.current_percent <= 100 and 0 <= score.target_percent <= 100


@settings(max_examples=200, deadline=None)
@given(responses(), st.randoms(use_true_random=False))
def test_participant_order_does_not_matter(people: list[Response], random) -> None:
    shuffled = list(people)
    random.shuffle(shuffled)

    assert score_assessment(MINI, shuffled) == score_assessment(MINI, people)


@settings(max_examples=200, deadline=None)
@given(responses())
def test_gap_is_target_minus_current_at_every_level(people: list[Response]) -> None:
    for score in _every_score(score_assessment(MINI, people)):
        if score is not None:
            assert score.gap == score.target - score.current


def test_shipped_framework_scores_100_percent_when_everyone_answers_the_top(
    shipped: Framework,
) -> None:
    top = shipped.scale.maximum
    everyone = Response(1, "", {c.id: AnswerChoice(c.id, top, top) for c in shipped.criteria()})

    results = score_assessment(shipped, [everyone])

    assert results.overall is not None
    assert results.overall.current_percent == 100.0 and results.overall.gap == 0.0


@pytest.fixture(scope="module")
def shipped() -> Framework:
    return load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")
