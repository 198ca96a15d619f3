"""Roadmap rules with the numbers written out."""

from __future__ import annotations

from app.domain.roadmap import HORIZONS, build_roadmap, horizon_at
from app.domain.scoring import AreaResult, LayerResult, Results, Score

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
