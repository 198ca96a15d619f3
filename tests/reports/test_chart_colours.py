"""Colour in charts means one thing: groups never look like layers, also to people with a
colour-vision deficiency.

Distances are CIECAM02-UCS ΔE (colorspacious), measured as seen with normal vision and as
simulated for deuteranomaly, protanomaly and tritanomaly at full severity (colorspacious's
"sRGB1+CVD" space implements Machado, Oliveira & Fernandes, 2009). A ΔE of about 10 or
more is an obvious difference between two patches; lines are thinner than patches, so the
bar is set higher, and groups are told apart by line style as well.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert

from app.domain.branding import contrast
from app.reports.charts import GROUP_COLOURS, GROUP_LINES, LAYER_COLOURS, group_style

VISIONS = [None] + [
    {"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100}
    for kind in ("deuteranomaly", "protanomaly", "tritanomaly")
]
GROUPS_APART = 20.0
FROM_LAYERS = 15.0


def _seen(colour: str, vision: dict | None) -> np.ndarray:
    rgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    if vision is not None:
        rgb = np.clip(cspace_convert(rgb, vision, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def difference(first: str, second: str) -> float:
    """The smallest ΔE between two colours over every way of seeing them."""
    return min(float(np.linalg.norm(_seen(first, v) - _seen(second, v))) for v in VISIONS)


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(GROUP_COLOURS, 2)))
def test_groups_are_apart_from_each_other(first: str, second: str) -> None:
    assert difference(first, second) >= GROUPS_APART


@pytest.mark.parametrize(
    ("group", "layer"), list(itertools.product(GROUP_COLOURS, LAYER_COLOURS)), ids=str
)
def test_no_group_looks_like_a_layer(group: str, layer: str) -> None:
    assert difference(group, layer) >= FROM_LAYERS


@pytest.mark.parametrize("colour", GROUP_COLOURS)
def test_group_lines_stand_out_on_white(colour: str) -> None:
    assert contrast(colour, "#ffffff") >= 3  # WCAG 1.4.11, graphical objects


def test_the_first_eight_groups_each_look_different() -> None:
    styles = [group_style(index) for index in range(8)]
    assert len({(colour, str(line)) for colour, line in styles}) == 8
    assert {str(line) for _, line in styles[: len(GROUP_LINES)]} == {str(s) for s in GROUP_LINES}


def test_the_check_can_fail() -> None:
    """The same check on the palette this replaced: its groups reused the layer colours."""
    old_groups = ("#0b5f8a", "#c0562a", "#1f6f43", "#6b4ea2", "#8a5a00")
    assert min(difference(g, layer) for g in old_groups for layer in LAYER_COLOURS) < 1
