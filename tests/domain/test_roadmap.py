"""Roadmap rules with the numbers written out."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.framework import Framework
from app.domain.loading import load_framework, parse_framework
from app.domain.roadmap import (
    HORIZONS,
    MIN_GAP_POINTS,
    Initiative,
    build_roadmap,
    horizon_at,
    largest_gap_actions,
)
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


# Today's rules, one table each, so that changing a rule fails a test that names it. Levels
# start at 0 so that each gap is its target, exactly; the framework is REAP-like: 0-5, its
# layers sequenced.


def _gaps(**by_layer: dict[str, float]) -> Results:
    """{layer id: {area id: gap}}, each area from 0 to its gap."""
    return _results(
        {
            layer: [(area, 0.0, gap) for area, gap in areas.items()]
            for layer, areas in by_layer.items()
        }
    )


@pytest.mark.parametrize(
    ("current", "target", "drafted"),
    [
        (1.0, 1.5, True),  # a gap of 0.5 exactly is worth an initiative
        (1.0, 1.25, False),
        (1.0, 1.0, False),
        (2.0, 1.0, False),  # a step back is not an initiative
    ],
)
def test_an_area_gets_an_initiative_from_a_gap_of_half_a_level(
    current: float, target: float, drafted: bool
) -> None:
    roadmap = build_roadmap(_results({"foundations": [("data", current, target)]}), framework=STACK)

    assert bool(roadmap) is drafted


@pytest.mark.parametrize(
    ("foundations_gap", "execution_gap", "order"),
    [
        (2.0, 2.4, ["data", "retention"]),  # both in [2.0, 2.5): the lower layer first
        (2.5, 2.9, ["data", "retention"]),  # both in [2.5, 3.0)
        (2.4, 2.5, ["retention", "data"]),  # neighbouring bands: the higher band first
        (2.4, 2.6, ["retention", "data"]),
        (1.5, 1.9, ["data", "retention"]),
        (1.9, 2.0, ["retention", "data"]),
        (0.6, 3.0, ["retention", "data"]),
    ],
)
def test_priorities_compete_in_bands_half_a_level_wide(
    foundations_gap: float, execution_gap: float, order: list[str]
) -> None:
    results = _gaps(foundations={"data": foundations_gap}, execution={"retention": execution_gap})

    assert [i.area_id for i in build_roadmap(results, framework=STACK)] == order


@pytest.mark.parametrize(
    ("gaps", "order"),
    [
        ({"data": 2.1, "culture": 2.4}, ["culture", "data"]),  # higher priority first
        ({"data": 2.4, "culture": 2.1}, ["data", "culture"]),
        ({"data": 2.2, "culture": 2.2}, ["culture", "data"]),  # a tie: by area id
    ],
)
def test_within_a_band_and_a_layer_the_higher_priority_goes_first(
    gaps: dict[str, float], order: list[str]
) -> None:
    roadmap = build_roadmap(_gaps(foundations=gaps), framework=STACK)

    assert [i.area_id for i in roadmap] == order


def test_an_initiative_holds_its_area_layer_levels_priority_horizon_and_reason() -> None:
    results = _results({"execution": [("retention", 1.0, 3.5)]})

    (initiative,) = build_roadmap(results, importance={"retention": 1.5}, framework=STACK)

    assert initiative == Initiative(
        area_id="retention",
        title="Raise Retention from 1.0 to 3.5",
        layer_id="execution",
        layer_title="Execution",
        score=Score(20.0, 70.0, "scale", 1.0, 3.5, 2.5),
        importance=1.5,
        priority=75.0,  # 50 points of the range x 1.5
        horizon=0,
        reason="Gap of 2.5 levels in the Execution layer; importance 1.5, so priority 3.8.",
        outcome="Retention at 3.5 or above (today 1.0).",
    )


def test_an_initiative_writes_its_figures_as_the_report_does_and_they_add_up() -> None:
    results = _results({"execution": [("retention", 1.95, 3.44)]})  # written 2.0 and 3.4

    (initiative,) = build_roadmap(results, framework=STACK)

    assert initiative.title == "Raise Retention from 2.0 to 3.4"  # not 1.9: half up
    assert initiative.reason.startswith("Gap of 1.4 levels")  # 3.4 − 2.0, not 1.49 → 1.5
    (weighted,) = build_roadmap(results, importance={"retention": 2}, framework=STACK)
    assert "importance 2, so priority 2.8" in weighted.reason  # 1.4 × 2, as a reader checks it


def test_initiatives_take_the_horizons_three_then_four_then_the_rest() -> None:
    results = _gaps(
        foundations={"a": 4.0, "b": 3.5, "c": 3.0},
        enabling={"d": 2.5, "e": 2.0, "f": 1.5, "g": 1.0},
        execution={"h": 0.75, "i": 0.5},
    )

    roadmap = build_roadmap(results, framework=STACK)

    assert [(i.area_id, HORIZONS[i.horizon]) for i in roadmap] == [
        ("a", "0–3 months"),
        ("b", "0–3 months"),
        ("c", "0–3 months"),
        ("d", "3–12 months"),
        ("e", "3–12 months"),
        ("f", "3–12 months"),
        ("g", "3–12 months"),
        ("h", "12–24 months"),
        ("i", "12–24 months"),
    ]


@pytest.mark.parametrize(
    ("results", "area_id", "reason"),
    [
        (
            _gaps(execution={"retention": 3.0}),
            "retention",
            "Gap of 3.0 levels in the Execution layer.",  # nothing below it in the roadmap
        ),
        (
            _gaps(foundations={"data": 2.0}, enabling={"proposition": 2.2, "insight": 2.1}),
            "insight",
            # Proposition comes earlier but in the same layer: not something insight builds on
            "Gap of 2.1 levels in the Enabling layer; builds on Data.",
        ),
        (
            _gaps(
                foundations={"culture": 2.3, "data": 2.2, "leadership": 2.1, "people": 2.0},
                execution={"retention": 2.4},
            ),
            "retention",
            # at most three are named
            "Gap of 2.4 levels in the Execution layer; builds on Culture, Data, Leadership.",
        ),
        (
            _gaps(foundations={"data": 0.5}),
            "data",
            "Gap of 0.5 levels in the Foundations layer; "
            "foundations support or limit every area above them.",
        ),
    ],
)
def test_reason_names_the_lower_layer_initiatives_it_builds_on(
    results: Results, area_id: str, reason: str
) -> None:
    (initiative,) = [i for i in build_roadmap(results, framework=STACK) if i.area_id == area_id]

    assert initiative.reason == reason


GAPS = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e", "f"]),
    st.tuples(st.integers(0, 2), st.floats(0, 5, allow_nan=False)),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(GAPS)
def test_roadmap_order_is_band_then_layer_then_priority(areas: dict) -> None:
    layer_ids = [layer_id for layer_id, _ in LAYERS]
    results = _results(
        {
            layer_id: [(a, 0.0, gap) for a, (layer, gap) in areas.items() if layer == index]
            for index, layer_id in enumerate(layer_ids)
        }
    )

    roadmap = build_roadmap(results, framework=STACK)

    # gaps and priorities in points of the 0-5 range (20 a level); exactly the minimum counts
    minimum = MIN_GAP_POINTS - 1e-9
    assert {i.area_id for i in roadmap} == {a for a, (_, g) in areas.items() if g * 20 >= minimum}
    keys = [
        (-math.floor(i.priority / 10 + 1e-9), layer_ids.index(i.layer_id), -i.priority)
        for i in roadmap
    ]
    assert keys == sorted(keys)
    assert [i.horizon for i in roadmap] == sorted(i.horizon for i in roadmap)


def test_an_outcome_names_the_target_level_and_the_criteria_that_must_move() -> None:
    area = _area_with({"c1": 1.0, "c2": 2.5, "c3": 0.4, "c4": 3.0, "c5": 1.5})
    layer = LayerResult("foundations", "Foundations", None, (area,))

    (initiative,) = build_roadmap(Results(3, None, (layer,)), framework=STACK)

    assert initiative.outcome == (
        "Data at 3.0 or above (today 1.0), with “c4” from 1.0 to 4.0; “c2” from 1.0 to 3.5; "
        "“c5” from 1.0 to 2.5."
    )


@pytest.mark.parametrize(
    ("sequenced", "expected"),
    [
        # a stack: each initiative builds on those of the layers below, lowest first
        (True, {"data": (), "insight": ("Data",), "retention": ("Data", "Insight")}),
        # layers that are not a stack: nothing is assumed
        (False, {"data": (), "insight": (), "retention": ()}),
    ],
)
def test_dependencies_come_only_from_layers_declared_sequenced(
    sequenced: bool, expected: dict[str, tuple[str, ...]]
) -> None:
    roadmap = build_roadmap(COMPETING, framework=_framework(sequenced))

    assert {i.area_id: i.depends_on for i in roadmap} == expected


@pytest.mark.parametrize(("n", "drafted"), [(1, False), (2, True), (None, True)])
def test_an_area_on_thin_evidence_is_left_out_of_the_draft(n: int | None, drafted: bool) -> None:
    score = Score(20.0, 80.0, "scale", 1.0, 4.0, 3.0, n=n)  # a wide gap
    area = AreaResult("data", "Data", "foundations", 1.0, score, (), ())
    results = Results(n or 0, None, (LayerResult("foundations", "Foundations", None, (area,)),))

    assert bool(build_roadmap(results, framework=STACK)) is drafted
