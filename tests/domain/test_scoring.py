"""Scoring, checked by hand on the mini framework (scale 0-3), and by properties."""

from __future__ import annotations

import statistics
from math import isclose

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.answering import AnswerChoice
from app.domain.framework import Framework
from app.domain.loading import load_framework, parse_framework
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


@given(st.lists(st.sampled_from([0, 0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10]), min_size=1, max_size=60))
def test_stats_in_floats_agree_with_exact_statistics(levels: list[float]) -> None:
    """stats_of sums floats for speed; it must agree with the statistics module's exact sums."""
    found = stats_of(levels)
    assert found is not None
    assert found.n == len(levels)
    assert isclose(found.mean, statistics.fmean(levels), abs_tol=1e-12)
    assert found.median == statistics.median(levels)
    assert isclose(found.stdev, statistics.pstdev(levels), abs_tol=1e-12)
    assert (found.minimum, found.maximum) == (min(levels), max(levels))


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
    segments = segment(MINI, [A, B, C], threshold=1)  # k = 1: every group shown

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


# Today's rules, one table each, so that changing a rule fails a test that names it.


def _by_criterion(**currents: tuple[int | None, ...]) -> list[Response]:
    """Participants 1..n; each criterion's tuple holds everyone's current level (target 3),
    None for "don't know"."""
    count = max(len(levels) for levels in currents.values())
    people = []
    for index in range(count):
        answers = {}
        for key, levels in currents.items():
            criterion, level = key.replace("_", "-"), levels[index]
            answers[criterion] = (
                AnswerChoice(criterion, dont_know=True)
                if level is None
                else AnswerChoice(criterion, level, 3)
            )
        people.append(Response(index + 1, "", answers))
    return people


@pytest.mark.parametrize(
    ("levels", "dont_know", "scored"),
    [
        ((None,), 1, 0),
        ((None, None), 2, 0),  # each "don't know" counts, not just whether there was one
        ((None, 2, None, 1), 2, 2),
        ((0, 3), 0, 2),
    ],
)
def test_each_dont_know_is_counted_and_never_scored(
    levels: tuple[int | None, ...], dont_know: int, scored: int
) -> None:
    results = score_assessment(MINI, _by_criterion(data_quality=levels))

    quality = _criterion(results, "data-quality")
    assert quality.dont_know == dont_know
    assert (quality.current.n if quality.current else 0) == scored


@pytest.mark.parametrize(
    ("people", "participants"),
    [
        ([_response(1, "", data_quality=(2, None))], 0),  # today's level only: not counted
        ([_response(1, "", data_quality=(None, 2))], 0),  # target only: not counted
        ([_response(1, "", data_quality="dont know")], 0),  # nothing scored
        ([_response(1, "", data_quality=(2, None), growth_offers=(1, 1))], 1),
        ([_response(1, "", data_quality=(2, 3)), _response(2, "", data_quality=(2, None))], 1),
    ],
)
def test_participants_counts_only_those_with_a_complete_answer(
    people: list[Response], participants: int
) -> None:
    assert score_assessment(MINI, people).participants == participants


@pytest.mark.parametrize(
    ("currents", "flagged"),
    [
        # a fifth of mini's 0-3 range: a standard deviation of 0.6 levels (1.0 on REAP's 0-5)
        ((2,), False),  # one person cannot disagree
        ((1, 2), False),  # standard deviation 0.5
        ((1, 2, 2, 2), False),  # 0.43
        ((0, 2), True),  # 1.0
        ((0, 0, 1, 1, 1, 3), True),  # 1.0, with one outlier
        ((0, 1, 1, 1, 1, 1, 1, 1, 3), True),  # spread 3, standard deviation 0.73
    ],
)
def test_disagreement_is_a_standard_deviation_of_a_fifth_of_the_range_or_more(
    currents: tuple[int, ...], flagged: bool
) -> None:
    results = score_assessment(MINI, _by_criterion(data_quality=currents))

    assert _criterion(results, "data-quality").disagreement is flagged


def test_disagreements_are_listed_widest_deviation_first_then_widest_spread() -> None:
    people = _by_criterion(
        data_one_view=(0, 0, 1, 1, 1, 3),  # standard deviation 1.0, spread 3
        data_quality=(0, 0, 0, 2, 2, 2),  # standard deviation 1.0, spread 2
        growth_offers=(0, 3, 0, 3, 0, 3),  # standard deviation 1.5, spread 3
    )

    flagged = disagreements(score_assessment(MINI, people))

    assert [(c.criterion_id, c.current.stdev, c.current.spread) for c in flagged] == [  # type: ignore[union-attr]
        ("growth-offers", 1.5, 3),
        ("data-one-view", 1.0, 3),
        ("data-quality", 1.0, 2),
    ]


def _framework_of_two_areas(weight_of_b: float) -> Framework:
    """One layer holding area a (weight 1) and area b, one criterion each."""
    data = yaml.safe_load(MINI_FRAMEWORK.read_text())
    data["layers"] = [
        {
            "id": "only",
            "title": "Only",
            "areas": [
                {
                    "id": "a",
                    "title": "A",
                    "intent": "A.",
                    "criteria": [{"id": "a-1", "text": "A."}],
                },
                {
                    "id": "b",
                    "title": "B",
                    "intent": "B.",
                    "weight": weight_of_b,
                    "criteria": [{"id": "b-1", "text": "B."}],
                },
            ],
        }
    ]
    return parse_framework(yaml.safe_dump(data))


@pytest.mark.parametrize(
    ("weight_of_b", "overall_current", "overall_target"),
    [
        (1.0, 1.5, 2.5),  # (1 + 2) / 2 and (3 + 2) / 2
        (3.0, 1.75, 2.25),  # (1·1 + 2·3) / 4 = 7/4 and (3·1 + 2·3) / 4 = 9/4
        (0.5, 4 / 3, 8 / 3),  # (1·1 + 2·0.5) / 1.5 and (3·1 + 2·0.5) / 1.5
    ],
)
def test_layers_and_the_overall_both_weigh_areas_by_their_weight(
    weight_of_b: float, overall_current: float, overall_target: float
) -> None:
    framework = _framework_of_two_areas(weight_of_b)
    answers = {"a-1": AnswerChoice("a-1", 1, 3), "b-1": AnswerChoice("b-1", 2, 2)}

    results = score_assessment(framework, [Response(1, "", answers)])

    assert results.overall is not None and results.layers[0].score is not None
    assert isclose(results.overall.current, overall_current)
    assert isclose(results.overall.target, overall_target)
    assert isclose(results.overall.gap, overall_target - overall_current)
    layer = results.layers[0].score
    assert (layer.current, layer.target) == (results.overall.current, results.overall.target)


def test_results_carry_the_framework_ids_and_titles_at_every_level() -> None:
    results = score_assessment(MINI, [A])

    assert [
        (
            layer.layer_id,
            layer.title,
            [
                (
                    area.area_id,
                    area.title,
                    area.layer_id,
                    [(c.criterion_id, c.text) for c in area.criteria],
                    [(s.sub_component_id, s.title) for s in area.sub_components],
                )
                for area in layer.areas
            ],
        )
        for layer in results.layers
    ] == [
        (
            "base",
            "Base",
            [
                (
                    "data",
                    "Data",
                    "base",
                    [
                        ("data-one-view", "One view of each customer."),
                        ("data-quality", "Data quality is measured."),
                    ],
                    [],
                )
            ],
        ),
        ("top", "Top", [("growth", "Growth", "top", [], [("growth-cross-sell", "Cross-sell")])]),
    ]


def test_group_differences_leave_out_an_area_only_one_group_scored() -> None:
    leader = _response(1, "Leadership", data_quality=(3, 3), growth_offers=(1, 2))
    front_line = _response(2, "Front line", data_quality=(1, 3))  # growth not scored

    (difference,) = segment(MINI, [leader, front_line], threshold=1).differences

    assert (difference.area_id, difference.title) == ("data", "Data")
    assert (difference.highest_group, difference.highest.current) == ("Leadership", 3.0)
    assert (difference.lowest_group, difference.lowest.current) == ("Front line", 1.0)
    assert difference.difference == 100 * 2 / 3  # two levels of mini's 0-3, in points


def test_top_gaps_and_strengths_list_five_unless_asked(shipped: Framework) -> None:
    everyone = [
        Response(pid, "", {c.id: AnswerChoice(c.id, 1, 4) for c in shipped.criteria()})
        for pid in (1, 2)  # two people: one person's answers are thin evidence
    ]
    results = score_assessment(shipped, everyone)

    assert (len(top_gaps(results)), len(top_strengths(results))) == (5, 5)
    assert (len(top_gaps(results, 7)), len(top_strengths(results, 7))) == (7, 7)


def test_every_score_carries_how_many_people_it_rests_on_and_thin_evidence_is_not_ranked() -> None:
    """A and B score data-one-view and growth-offers; only A scores data-quality (B does not
    know, C gives no target): so data-quality rests on one person and is thin."""
    results = score_assessment(MINI, [A, B, C])

    counts = {c.criterion_id: (c.n, c.thin) for c in results.criteria() if c.score}
    assert counts == {
        "data-one-view": (2, False),
        "data-quality": (2, False),  # A (2, 3) and C (0, 1)
        "growth-offers": (2, False),
    }
    assert _criterion(results, "data-one-view").half_answered == 1  # C's today-only answer
    assert _area(results, "data").score.n == 3  # type: ignore[union-attr]
    assert results.overall.n == 3  # type: ignore[union-attr]
    assert (_area(results, "data").criteria_scored, _area(results, "data").criteria_total) == (2, 2)

    alone = score_assessment(MINI, [A])

    assert all(c.thin for c in alone.criteria() if c.score)
    assert (top_gaps(alone), top_strengths(alone)) == ([], [])


def test_spread_on_the_target_is_flagged_too_and_says_where() -> None:
    """Agreeing on today (1 and 1) but not on the target (1 and 3): stdev 1 of a 0-3 range."""
    one = _response(1, "", data_quality=(1, 1), growth_offers=(0, 3))
    two = _response(2, "", data_quality=(1, 3), growth_offers=(3, 3))

    flagged = disagreements(score_assessment(MINI, [one, two]))

    assert [(c.criterion_id, c.disagreement_on) for c in flagged] == [
        ("growth-offers", ("today",)),  # stdev 1.5: the widest first
        ("data-quality", ("target",)),
    ]
