"""Charts on any scale and with any number of layers: one palette, honest axes, legends that fit."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from app.config import PROJECT_ROOT
from app.domain.answering import AnswerChoice
from app.domain.framework import MAX_LAYERS, Framework
from app.domain.loading import load_framework, parse_framework
from app.domain.scoring import Response, score_assessment
from app.reports import charts
from tests.conftest import DATA

LIBRARY = load_framework(DATA / "library-1.0.yaml")
CSS = PROJECT_ROOT / "static" / "css"


def _framework(values: tuple[int, ...], layers: int = 2) -> Framework:
    levels = ", ".join(f"{{value: {v}, label: L{v}, description: x}}" for v in values)
    layer_text = "".join(
        f"  - {{id: layer-{i}, title: Layer number {i}, areas: [{{id: area-{i}, title: Area {i},"
        f" intent: x, criteria: [{{id: c-{i}, text: T}}]}}]}}\n"
        for i in range(1, layers + 1)
    )
    return parse_framework(
        f"id: f\nversion: '1'\ntitle: F\nscale: {{levels: [{levels}]}}\nlayers:\n{layer_text}"
    )


def test_one_palette_of_eight_colours_for_pages_reports_and_charts() -> None:
    palette = (CSS / "palette.css").read_text()

    assert len(charts.LAYER_COLOURS) == MAX_LAYERS == len(set(charts.LAYER_COLOURS))
    for index, colour in enumerate(charts.LAYER_COLOURS, start=1):
        assert f"--layer-{index}: {colour};" in palette
        assert f".layer-tone--{index} {{ --tone: var(--layer-{index}); }}" in palette
    for sheet in ("app.css", "report.css"):  # no rule about layers keeps its own copy
        rules = [line for line in (CSS / sheet).read_text().lower().splitlines() if "layer" in line]
        assert rules, sheet
        assert not [r for r in rules for c in charts.LAYER_COLOURS if c in r], sheet


@pytest.mark.parametrize(
    ("values", "ticks"),
    [
        (
            (0, 1, 2, 3, 4, 5),
            [(0.0, "0"), (0.2, "1"), (0.4, "2"), (0.6, "3"), (0.8, "4"), (1, "5")],
        ),
        ((1, 2, 3, 4, 5), [(0.0, "1"), (0.25, "2"), (0.5, "3"), (0.75, "4"), (1.0, "5")]),
        ((0, 1, 2, 4), [(0.0, "0"), (0.25, "1"), (0.5, "2"), (1.0, "4")]),  # no tick at 3
    ],
)
def test_the_value_axis_has_a_tick_on_each_level_there_is(values, ticks) -> None:
    axis = charts.Axis.of(_framework(values))

    assert [(round(share, 9), label) for share, label in axis.ticks] == ticks
    assert axis.title == "level"


def test_mixed_levels_are_charted_in_percent_of_the_range() -> None:
    axis = charts.Axis.of(LIBRARY)

    assert [label for _, label in axis.ticks] == ["0 %", "25 %", "50 %", "75 %", "100 %"]


def _texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_a_scale_with_a_hole_draws_no_ring_at_the_missing_level() -> None:
    framework = _framework((0, 1, 2, 4))
    answers = {"c-1": AnswerChoice("c-1", 1, 4), "c-2": AnswerChoice("c-2", 2, 4)}
    results = score_assessment(framework, [Response(1, "", answers)])

    labels = _texts(charts.radar_chart(results, framework))

    assert {"1", "2", "4"} <= set(labels) and "3" not in labels


def test_eight_layers_get_eight_colours_and_a_legend_naming_each() -> None:
    framework = _framework((1, 2, 3, 4, 5), layers=MAX_LAYERS)
    answers = {f"c-{i}": AnswerChoice(f"c-{i}", 2, 4) for i in range(1, MAX_LAYERS + 1)}
    results = score_assessment(framework, [Response(1, "", answers)])

    svg = charts.radar_chart(results, framework)

    labels = _texts(svg)
    for i in range(1, MAX_LAYERS + 1):
        assert f"Layer number {i}" in labels
    fills = set(re.findall(rb"fill: ?(#[0-9a-f]{6})", svg))
    assert {c.encode() for c in charts.LAYER_COLOURS} <= fills
