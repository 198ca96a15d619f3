"""Charts on any scale and with any number of layers: one palette, honest axes, legends that fit."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.config import PROJECT_ROOT
from app.domain.answering import AnswerChoice
from app.domain.framework import MAX_LAYERS, Framework
from app.domain.loading import load_framework, parse_framework
from app.domain.scoring import Response, score_assessment, segment
from app.reports import charts
from app.reports.figures import Figures
from app.reports.pdf import prepare_charts
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


def test_the_gap_chart_writes_each_gap_as_the_tables_write_it() -> None:
    framework = _framework((1, 2, 3, 4, 5))
    responses = [  # area 1: today 5/3 (1.7), target 13/3 (4.3), a gap of 2.666... written 2.6
        Response(n, "", {"c-1": AnswerChoice("c-1", now, goal)})
        for n, (now, goal) in enumerate([(1, 4), (2, 4), (2, 5)], start=1)
    ]
    results = score_assessment(framework, responses)
    (area,) = [a for a in results.areas() if a.score is not None]
    assert area.score is not None

    written = Figures(framework).gap(area.score)

    assert written == "+2.6"
    texts = _texts(charts.gap_ranking(results, framework))
    assert written.lstrip("+") in texts
    assert "Layer number 1" in texts  # the key to the colours: only the layers with a bar
    assert "Layer number 2" not in texts


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


def _two_results() -> tuple[Framework, list]:
    """Two assessments of one framework: one scores both criteria, the other only one."""
    framework = _framework((1, 2, 3, 4, 5))
    both = {"c-1": AnswerChoice("c-1", 1, 4), "c-2": AnswerChoice("c-2", 3, 5)}
    one = {"c-1": AnswerChoice("c-1", 5, 5)}
    return framework, [score_assessment(framework, [Response(1, "", a)]) for a in (both, one)]


def _radar_drawn_afresh(results, framework, image_format: str) -> bytes:
    """What radar_chart drew before it kept figures: a new figure, cropped to its tight box."""
    charts._radars.clear()
    return charts._save(charts._radar_for(results, framework).figure, image_format)


@pytest.mark.parametrize("image_format", ["svg", "png"])
def test_a_kept_radar_draws_the_same_bytes_as_a_new_one(image_format: str) -> None:
    framework, (first, second) = _two_results()
    expected = [_radar_drawn_afresh(r, framework, image_format) for r in (first, second)]
    charts._radars.clear()

    drawn = [charts.radar_chart(r, framework, image_format) for r in (first, second, first)]

    assert drawn == [expected[0], expected[1], expected[0]]
    assert expected[0] != expected[1]


def test_radars_drawn_at_once_from_many_threads_each_show_their_own_data() -> None:
    framework, pair = _two_results()
    expected = [charts.radar_chart(r, framework) for r in pair]

    with ThreadPoolExecutor(6) as pool:
        drawn = list(pool.map(lambda i: charts.radar_chart(pair[i % 2], framework), range(24)))

    assert drawn == [expected[i % 2] for i in range(24)]


def _drawing(svg: bytes) -> tuple[list[float], list[str], int]:
    """An SVG's size in points, its texts, and how many of its paths draw something."""
    root = ET.fromstring(svg)
    size = [float(root.get(side, "").removesuffix("pt")) for side in ("width", "height")]
    paths = root.iter("{http://www.w3.org/2000/svg}path")
    return size, _texts(svg), sum(1 for p in paths if p.get("d", "").strip())


def test_a_chart_drawn_once_is_the_size_of_the_tight_one_and_keeps_what_lies_outside() -> None:
    framework = _framework((1, 2, 3, 4, 5), layers=3)
    people = [
        Response(
            n, group, {f"c-{i}": AnswerChoice(f"c-{i}", (n + i) % 5 + 1, 5) for i in (1, 2, 3)}
        )
        for n, group in enumerate(("Board", "Board", "Staff", "Staff"))
    ]
    groups = segment(framework, people, 2)
    tight = charts.group_radar(groups, framework)

    with charts.drawn_once():
        once = charts.group_radar(groups, framework)

    (tight_size, tight_texts, tight_paths), (size, texts, paths) = _drawing(tight), _drawing(once)
    assert size == pytest.approx(tight_size, abs=0.5)  # points
    assert texts == tight_texts and paths == tight_paths  # the key under the radar included
    assert b'viewBox="0 0 ' in tight and b'viewBox="0 0 ' not in once  # cut out of its canvas


def test_timeline_labels_wrap_into_even_lines_and_keep_every_word() -> None:
    titles = (
        "Raise Data Management from 1.2 to 4.2",
        "Raise Proposition from 2.1 to 2.9",
        "Raise Culture from 1.7 to 3.5",
        "An initiative whose title runs on well past what any one line of the chart holds",
    )
    svg = charts.roadmap_timeline([(title, 0, None) for title in titles]).decode()
    lines = [  # each line of a label is a text element of its own
        "".join(t.itertext()).strip()
        for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
    ]

    # no line left with a word or two: a label's lines share its length
    assert {"Raise Data Management", "from 1.2 to 4.2"} <= set(lines)
    assert {"Raise Proposition", "from 2.1 to 2.9"} <= set(lines)
    assert "Raise Culture from 1.7 to 3.5" in lines  # short enough for one line
    assert titles[-1] in " ".join(lines)  # nothing cut
    assert max(len(line) for line in lines) <= 30


REAP = load_framework(PROJECT_ROOT / "questionnaires" / "reap-blueprint.yaml")


def _groups_of(framework: Framework) -> list[Response]:
    """Three groups of three people who answered every criterion, differently."""
    criteria = [c.id for area in framework.areas() for c in area.all_criteria()]
    return [
        Response(
            n,
            group,
            {
                c: AnswerChoice(c, (n + i) % 5, min((n + i) % 5 + 2, 5))
                for i, c in enumerate(criteria)
            },
        )
        for n, group in enumerate(["Front line", "Leadership", "Management"] * 3)
    ]


def test_a_radar_prepared_for_a_framework_is_the_one_its_report_then_draws_to_the_byte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results = score_assessment(REAP, _groups_of(REAP))
    charts._radars.clear()
    with charts.drawn_once():  # as the report draws its charts
        expected = charts.radar_chart(results, REAP)
    charts._radars.clear()

    prepare_charts(REAP)  # with no answers: it only knows the framework
    monkeypatch.setattr(charts, "_new_radar", lambda *_: pytest.fail("a radar built again"))
    monkeypatch.setattr(charts, "_svg_tight_box", lambda _: pytest.fail("measured again"))
    with charts.drawn_once():
        drawn = charts.radar_chart(results, REAP)

    assert drawn == expected


def _radar_figures(framework: Framework):
    people = _groups_of(framework)
    charts._radars.clear()
    yield "radar", charts._radar_for(score_assessment(framework, people), framework).figure
    yield "groups", charts._group_radar_figure(segment(framework, people, 3), framework)


@pytest.mark.pages_only  # how a chart looks: the same on either database
@pytest.mark.parametrize(
    "framework",
    [REAP, _framework((0, 1, 2, 3, 4, 5), layers=3), _framework((0, 1, 2, 3, 4, 5), layers=1)],
    ids=["REAP: a spoke points down", "three areas: none does", "one area"],
)
@pytest.mark.parametrize("scale", [1.0, charts.MIN_POINTS / 8.5, 1.45, 1.5])
def test_radar_names_stay_outside_the_circle_clear_of_each_other_the_rings_and_the_key(
    framework: Framework, scale: float
) -> None:
    with charts.legible(scale):
        figures = list(_radar_figures(framework))

    for chart, figure in figures:
        figure.draw_without_rendering()
        axes = figure.axes[0]
        (cx, cy), (_, top) = axes.transData.transform([(0, 0), (0, 1)])
        radius = top - cy
        gap = figure.dpi / 72  # a point between any two texts: half of it around each
        texts = [(t.get_text(), t.get_window_extent().padded(gap / 2)) for t in axes.texts]
        names = [box for text, box in texts if not text.isdigit()]
        rings = [box for text, box in texts if text.isdigit()]
        assert (len(names), len(rings)) == (len(list(framework.areas())), 5), chart
        for box in names:  # the point of each name nearest the centre lies outside the circle
            dx, dy = max(box.x0 - cx, 0, cx - box.x1), max(box.y0 - cy, 0, cy - box.y1)
            assert (dx * dx + dy * dy) ** 0.5 > radius, chart
        for i, box in enumerate(names):
            assert not [other for other in names[i + 1 :] + rings if box.overlaps(other)], chart
        key = axes.get_legend().get_window_extent()
        assert key.y1 < min([cy - radius, *(box.y0 for _, box in texts)]), chart  # under all


def test_a_longer_gap_bar_never_carries_a_smaller_number() -> None:
    framework = _framework((0, 1, 2, 3, 4, 5))
    today_1 = [2] * 48 + [3] * 2  # area 1: 2.04 → 3.50, written 2.0 → 3.5: +1.5 (1.46)
    goal_1 = [3] * 25 + [4] * 25
    today_2 = [2] * 47 + [3] * 3  # area 2: 2.06 → 3.54, written 2.1 → 3.5: +1.4 (1.48)
    goal_2 = [3] * 23 + [4] * 27
    responses = [
        Response(n, "", {
            "c-1": AnswerChoice("c-1", today_1[n], goal_1[n]),
            "c-2": AnswerChoice("c-2", today_2[n], goal_2[n]),
        })
        for n in range(50)
    ]  # fmt: skip

    texts = _texts(charts.gap_ranking(score_assessment(framework, responses), framework))

    assert texts.index("Area 1") < texts.index("Area 2")  # 1.5 above 1.4, though 1.46 < 1.48
    assert "1.5" in texts and "1.4" in texts
