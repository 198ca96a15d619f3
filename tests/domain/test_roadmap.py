"""Roadmap rules with the numbers written out."""

from __future__ import annotations

import pytest

from app.domain.roadmap import HORIZONS, build_roadmap, horizon_at, largest_gap_actions
from app.domain.scoring import (
    AreaResult,
    CriterionResult,
    LayerResult,
    Results,
    Score,
    SubComponentResult,
)

LAYERS = [("foundations", "Foundations"), ("enabling", "Enabling"), ("execution", "Execution")]


def _results(areas: dict[str, list[tuple[str, float, float]]]) -> Results:
    """Results holding only area scores: {layer id: [(area id, current, target)]}."""
    layers = []
    for layer_id, title in LAYERS:
        layer_areas = tuple(
            AreaResult(
                area_id=area_id,
                title=area_id.title(),
                layer_id=layer_id,
                weight=1.0,
                score=Score(current, target, target - current, current * 20, target * 20),
                criteria=(),
                sub_components=(),
            )
            for area_id, current, target in areas.get(layer_id, [])
        )
        layers.append(LayerResult(layer_id, title, None, layer_areas))
    return Results(participants=3, overall=None, layers=tuple(layers))


COMPETING = _results(
    {
        "foundations": [("data", 1.0, 3.0), ("culture", 2.0, 2.3)],  # gaps 2.0 and 0.3
        "enabling": [("insight", 1.5, 3.6)],  # gap 2.1
        "execution": [("retention", 2.0, 4.4)],  # gap 2.4
    }
)


def test_close_priorities_start_from_the_foundations() -> None:
    roadmap = build_roadmap(COMPETING)

    # 2.0, 2.1 and 2.4 all fall in the band [2.0, 2.5): layer order decides; culture's 0.3 is noise
    assert [i.area_id for i in roadmap] == ["data", "insight", "retention"]
    assert [round(i.priority, 9) for i in roadmap] == [2.0, 2.1, 2.4]
    assert roadmap[0].title == "Raise Data from 1.0 to 3.0"
    assert roadmap[0].reason == (
        "Gap of 2.0 levels in the Foundations layer; "
        "foundations support or limit every area above them."
    )
    assert roadmap[2].reason == "Gap of 2.4 levels in the Execution layer; builds on Data, Insight."


def test_importance_moves_an_area_ahead_of_the_foundations() -> None:
    roadmap = build_roadmap(COMPETING, importance={"retention": 2.0})

    # retention: 2.4 x 2 = 4.8, band [4.5, 5.0), ahead of the others' band [2.0, 2.5)
    assert [i.area_id for i in roadmap] == ["retention", "data", "insight"]
    assert roadmap[0].reason == (
        "Gap of 2.4 levels in the Execution layer; importance 2, so priority 4.8."
    )


def test_a_wider_gap_in_a_higher_layer_still_goes_first_when_priorities_do_not_compete() -> None:
    results = _results(
        {"foundations": [("data", 2.0, 2.6)], "execution": [("retention", 1.0, 4.0)]}
    )

    assert [i.area_id for i in build_roadmap(results)] == ["retention", "data"]  # 3.0 vs 0.6


def test_horizons_fill_three_then_four_then_the_rest() -> None:
    assert [horizon_at(position) for position in range(9)] == [0, 0, 0, 1, 1, 1, 1, 2, 2]
    assert HORIZONS[2] == "12–24 months"


def test_the_same_results_give_the_same_roadmap() -> None:
    assert build_roadmap(COMPETING) == build_roadmap(COMPETING)
    assert build_roadmap(_results({})) == []


def _criterion(criterion_id: str, gap: float | None) -> CriterionResult:
    score = None if gap is None else Score(1.0, 1.0 + gap, gap, 20, 20 + gap * 20)
    return CriterionResult(criterion_id, criterion_id, 1.0, None, None, score, 0, False)


def _area_with(gaps: dict[str, float | None]) -> AreaResult:
    criteria = tuple(_criterion(criterion_id, gap) for criterion_id, gap in gaps.items())
    score = Score(1.0, 3.0, 2.0, 20, 60)
    sub_component = SubComponentResult("data-sub", "Sub", None, criteria[2:])
    return AreaResult("data", "Data", "foundations", 1.0, score, criteria[:2], (sub_component,))


ACTIONS = {f"c{n}": f"Do {n}." for n in range(1, 7)}


@pytest.mark.parametrize(
    ("gaps", "expected"),
    [
        # largest first, across the area's own criteria and its sub-components; three at most
        ({"c1": 1.0, "c2": 2.5, "c3": 0.5, "c4": 3.0, "c5": 1.5}, ("Do 4.", "Do 2.", "Do 5.")),
        # equal gaps keep the questionnaire's order
        ({"c1": 2.0, "c2": 2.0, "c3": 2.0, "c4": 2.0}, ("Do 1.", "Do 2.", "Do 3.")),
        # a gap under half a level, or no score at all, asks for no action
        ({"c1": 0.4, "c2": None, "c3": 0.5}, ("Do 3.",)),
        # a criterion without an action is passed over, not left as a hole
        ({"c1": 3.0, "unhelped": 2.9, "c3": 1.0}, ("Do 1.", "Do 3.")),
        ({"c1": -1.0, "c2": 0.0}, ()),
    ],
)
def test_an_initiative_lists_the_actions_of_its_largest_gaps(
    gaps: dict[str, float | None], expected: tuple[str, ...]
) -> None:
    assert largest_gap_actions(_area_with(gaps), ACTIONS) == expected


def test_drafted_initiatives_carry_their_area_s_actions() -> None:
    layer = LayerResult("foundations", "Foundations", None, (_area_with({"c1": 1.0, "c2": 2.0}),))
    results = Results(participants=3, overall=None, layers=(layer,))

    (initiative,) = build_roadmap(results, actions=ACTIONS)

    assert initiative.actions == ("Do 2.", "Do 1.")
    assert build_roadmap(results)[0].actions == ()  # a framework without actions
