"""Roadmap rules with the numbers written out."""

from __future__ import annotations

import pytest

from app.domain.framework import Framework
from app.domain.loading import load_framework, parse_framework
from app.domain.roadmap import HORIZONS, build_roadmap, horizon_at, largest_gap_actions
from app.domain.scoring import (
    AreaResult,
    CriterionResult,
    LayerResult,
    Results,
    Score,
    SubComponentResult,
)
from tests.conftest import DATA

LAYERS = [("foundations", "Foundations"), ("enabling", "Enabling"), ("execution", "Execution")]


def _framework(sequenced: bool) -> Framework:
    """Three layers on a 0-5 scale, in the stack REAP declares (or not)."""
    criterion = "criteria: [{id: c-%s, text: Something.}]"
    areas = {
        "foundations": ["data", "culture"],
        "enabling": ["insight"],
        "execution": ["retention"],
    }
    layers = "\n".join(
        f"  - id: {layer_id}\n    title: {title}\n    areas:\n"
        + "".join(
            f"      - {{id: {a}, title: {a.title()}, intent: x, {criterion % a}}}\n"
            for a in areas[layer_id]
        )
        for layer_id, title in LAYERS
    )
    levels = ", ".join(f"{{value: {v}, label: L{v}, description: x}}" for v in range(6))
    return parse_framework(
        f"id: stack\nversion: '1'\ntitle: Stack\nlayers_sequenced: {str(sequenced).lower()}\n"
        "wording: {sequence_reason: foundations support or limit every area above them}\n"
        f"scale: {{levels: [{levels}]}}\nlayers:\n{layers}"
    )


STACK = _framework(sequenced=True)


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
                score=Score(current * 20, target * 20, "scale", current, target, target - current),
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
    roadmap = build_roadmap(COMPETING, framework=STACK)

    # 2.0, 2.1 and 2.4 all fall in the band [2.0, 2.5): layer order decides; culture's 0.3 is noise
    assert [i.area_id for i in roadmap] == ["data", "insight", "retention"]
    assert [round(i.priority, 9) for i in roadmap] == [40, 42, 48]  # in points of the range
    assert roadmap[0].title == "Raise Data from 1.0 to 3.0"
    assert roadmap[0].reason == (
        "Gap of 2.0 levels in the Foundations layer; "
        "foundations support or limit every area above them."
    )
    assert roadmap[2].reason == "Gap of 2.4 levels in the Execution layer; builds on Data, Insight."


def test_importance_moves_an_area_ahead_of_the_foundations() -> None:
    roadmap = build_roadmap(COMPETING, importance={"retention": 2.0}, framework=STACK)

    # retention: 2.4 x 2 = 4.8, band [4.5, 5.0), ahead of the others' band [2.0, 2.5)
    assert [i.area_id for i in roadmap] == ["retention", "data", "insight"]
    assert roadmap[0].reason == (
        "Gap of 2.4 levels in the Execution layer; importance 2, so priority 4.8."
    )


def test_a_wider_gap_in_a_higher_layer_still_goes_first_when_priorities_do_not_compete() -> None:
    results = _results(
        {"foundations": [("data", 2.0, 2.6)], "execution": [("retention", 1.0, 4.0)]}
    )

    roadmap = build_roadmap(results, framework=STACK)

    assert [i.area_id for i in roadmap] == ["retention", "data"]  # 3.0 vs 0.6


def test_horizons_fill_three_then_four_then_the_rest() -> None:
    assert [horizon_at(position) for position in range(9)] == [0, 0, 0, 1, 1, 1, 1, 2, 2]
    assert HORIZONS[2] == "12–24 months"


def test_the_same_results_give_the_same_roadmap() -> None:
    assert build_roadmap(COMPETING, framework=STACK) == build_roadmap(COMPETING, framework=STACK)
    assert build_roadmap(_results({}), framework=STACK) == []


def test_unsequenced_layers_order_by_priority_alone_and_say_nothing_of_layers() -> None:
    roadmap = build_roadmap(COMPETING, framework=_framework(sequenced=False))

    assert [i.area_id for i in roadmap] == ["retention", "insight", "data"]  # 48, 42, 40 points
    assert [i.reason for i in roadmap] == [
        "Gap of 2.4 levels in the Execution layer.",
        "Gap of 2.1 levels in the Enabling layer.",
        "Gap of 2.0 levels in the Foundations layer.",
    ]


@pytest.mark.parametrize(
    ("gap_points", "included"), [(10.0, True), (0.1 * 100 - 1e-12, True), (9.9, False)]
)
def test_the_minimum_gap_is_a_tenth_of_the_range_whatever_the_scale(
    gap_points: float, included: bool
) -> None:
    area = AreaResult(
        "data", "Data", "foundations", 1.0, Score(20.0, 20.0 + gap_points, None), (), ()
    )
    results = Results(1, None, (LayerResult("foundations", "Foundations", None, (area,)),))

    assert bool(build_roadmap(results, framework=STACK)) is included


def test_a_mixed_area_is_raised_in_percent_and_its_gap_given_in_points() -> None:
    library = load_framework(DATA / "library-1.0.yaml")
    mixed = AreaResult("stock", "Stock", "collections", 1.0, Score(37.5, 100.0, None), (), ())
    layer = LayerResult("collections", "Collections", None, (mixed,))
    results = Results(1, None, (layer,))

    (initiative,) = build_roadmap(results, framework=library)

    assert initiative.title == "Raise Stock from 38 % to 100 %"
    assert initiative.reason == "Gap of 62 percentage points in the Collections service line."


def _criterion(criterion_id: str, gap: float | None) -> CriterionResult:
    score = None if gap is None else Score(20, 20 + gap * 20, "scale", 1.0, 1.0 + gap, gap)
    return CriterionResult(
        criterion_id, criterion_id, 1.0, "scale", 5.0, None, None, score, 0, False
    )


def _area_with(gaps: dict[str, float | None]) -> AreaResult:
    criteria = tuple(_criterion(criterion_id, gap) for criterion_id, gap in gaps.items())
    score = Score(20, 60, "scale", 1.0, 3.0, 2.0)
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
        # a gap under half a level (10 points of 0-5), or no score at all, asks for no action
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

    (initiative,) = build_roadmap(results, framework=_with_actions())

    assert initiative.actions == ("Do 2.", "Do 1.")
    assert build_roadmap(results, framework=STACK)[0].actions == ()  # a framework without any


def _with_actions() -> Framework:
    """One layer, one area, criteria c1 and c2 with the actions of ACTIONS."""
    criteria = ", ".join(f"{{id: c{n}, text: T, action: Do {n}.}}" for n in (1, 2))
    levels = ", ".join(f"{{value: {v}, label: L{v}, description: x}}" for v in range(6))
    return parse_framework(
        f"id: acts\nversion: '1'\ntitle: A\nscale: {{levels: [{levels}]}}\nlayers: [{{id: "
        f"foundations, title: Foundations, areas: [{{id: data, title: Data, intent: x, "
        f"criteria: [{criteria}]}}]}}]"
    )
