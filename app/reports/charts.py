"""Charts of an assessment's results as SVG or PNG bytes, drawn with matplotlib's object API.

No pyplot: a `Figure` per chart, rendered by its own Agg/SVG canvas, so charts can be drawn
from any thread of the server without touching global figure state.

Every text is drawn literally: matplotlib would read `$...$` as mathtext (and fail on a group
named `$\foo$`), so math parsing is off for every Text by default, and each label people wrote
goes through `_literal`, which also drops control characters an SVG (XML) cannot hold.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import matplotlib
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import Bbox, offset_copy

from app.config import PROJECT_ROOT
from app.domain.framework import Framework
from app.domain.levels import number
from app.domain.recent import Recent
from app.domain.scoring import AreaResult, Results, Score, Segments
from app.domain.text import printable
from app.reports.figures import Figures

matplotlib.use("Agg")
matplotlib.rcParams.update(
    {
        "text.parse_math": False,  # "$" is a dollar sign, never the start of mathtext
        "text.usetex": False,
        "svg.fonttype": "none",  # keep labels as text: readable, searchable, smaller
        "svg.hashsalt": "gapwise",  # the same data gives the same bytes
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)

PALETTE_CSS = PROJECT_ROOT / "static" / "css" / "palette.css"
CURRENT = "#1c2430"
TARGET = "#0b5f8a"
INK = "#1c2430"
MUTED = "#5b6675"
# Groups are told apart by colour and line style, in colours no layer uses: blue, black,
# maroon, navy. tests/reports/test_chart_colours.py checks them against the layer colours
# under simulated colour-vision deficiencies.
GROUP_COLOURS = ("#3a86ff", "#000000", "#790606", "#060679")
GROUP_LINES = ("solid", (0, (5, 2)), (0, (1.5, 1.5)), (0, (6, 2, 1.5, 2)))
RADAR_SIZE = (5.6, 5.6)  # inches: with its labels, the width of a page's text
GROUP_RADAR_SIZE = (4.3, 4.3)  # with its key, fits on one page under the gap ranking


def _palette() -> tuple[str, ...]:
    """The layer colours of static/css/palette.css, so charts and pages always agree."""
    found = re.findall(r"--layer-(\d+):\s*(#[0-9a-fA-F]{6})", PALETTE_CSS.read_text())
    return tuple(colour for _, colour in sorted(found, key=lambda pair: int(pair[0])))


LAYER_COLOURS = _palette()


_dpi: ContextVar[int] = ContextVar("dpi", default=150)
_text_scale: ContextVar[float] = ContextVar("text_scale", default=1.0)
MIN_POINTS = 8.0  # no chart text is printed smaller


@contextmanager
def legible(scale: float) -> Iterator[None]:
    """Draw chart text `scale` times larger inside the block: for screens and slides, where
    a chart is seen from further away than a printed page."""
    token = _text_scale.set(scale)
    try:
        yield
    finally:
        _text_scale.reset(token)


@contextmanager
def resolution(dpi: int) -> Iterator[None]:
    """Draw PNG charts at `dpi` inside the block: the deck's images stay sharp on a projector."""
    token = _dpi.set(dpi)
    try:
        yield
    finally:
        _dpi.reset(token)


def _size_text(figure: Figure) -> None:
    """Every text of the figure at least MIN_POINTS, then scaled for where it is shown.

    Charts are drawn at the size they are printed (the report shows them at their natural
    size), so a font size here is the size on paper. Tick labels are sized through their
    axis, which also sizes any it makes while drawing.
    """
    scale = _text_scale.get()
    ticks: set[int] = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            labels = [t for t in axis.get_ticklabels() if t.get_text()]
            ticks.update(id(t) for t in labels)
            size = min((float(t.get_fontsize()) for t in labels), default=MIN_POINTS)
            axis.set_tick_params(labelsize=max(size, MIN_POINTS) * scale)
    for text in figure.findobj(Text):
        if text.get_text() and id(text) not in ticks:
            text.set_fontsize(max(float(text.get_fontsize()), MIN_POINTS) * scale)


_drawn_once: ContextVar[bool] = ContextVar("drawn_once", default=False)


@contextmanager
def drawn_once() -> Iterator[None]:
    """Inside the block, an SVG chart is drawn once and cut to its content by its viewBox.

    matplotlib's bbox_inches="tight" draws a figure twice, the first time only to measure
    it: 40 % of a report's chart time. Cut by the viewBox, the picture is the same, but what
    lies outside the cut is still in the file, so the figure's background is left out: for
    charts shown on white (the PDF).
    """
    token = _drawn_once.set(True)
    try:
        yield
    finally:
        _drawn_once.reset(token)


def _render(figure: Figure, image_format: str) -> bytes:
    _size_text(figure)
    return _drawn(figure, image_format)


def _drawn(figure: Figure, image_format: str) -> bytes:
    """The figure's bytes, its text already sized."""
    if image_format == "svg" and _drawn_once.get():
        return _svg_drawn_once(figure)
    return _save(figure, image_format)


def _save(figure: Figure, image_format: str, box: Bbox | None = None) -> bytes:
    """The figure's bytes, cropped to `box` (inches) or else to its tight box."""
    buffer = io.BytesIO()
    metadata = {"Date": None} if image_format == "svg" else {}
    figure.savefig(
        buffer, format=image_format, bbox_inches=box or "tight", metadata=metadata, dpi=_dpi.get()
    )
    return buffer.getvalue()


MARGIN = 2.0  # inches of canvas around a figure drawn once, for what lies outside it


def _svg_drawn_once(figure: Figure) -> bytes:
    """The figure as SVG on a canvas MARGIN larger on every side (what lies outside the
    figure, such as the key under a radar, would be clipped off), its viewBox the box
    "tight" would have cut, measured as it is drawn (points from the top left; the box is
    in inches from the bottom left)."""
    width, height = figure.get_size_inches()
    for axes in figure.axes:  # the same place on the page, on the larger canvas
        x0, y0, w, h = axes.get_position().bounds
        axes.set_position(
            (
                (x0 * width + MARGIN) / (width + 2 * MARGIN),
                (y0 * height + MARGIN) / (height + 2 * MARGIN),
                w * width / (width + 2 * MARGIN),
                h * height / (height + 2 * MARGIN),
            )
        )
    figure.set_size_inches(width + 2 * MARGIN, height + 2 * MARGIN)
    boxes: list[Any] = []
    listening = figure.canvas.mpl_connect(
        "draw_event", lambda event: boxes.append(figure.get_tightbbox(event.renderer))
    )
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="svg", metadata={"Date": None}, facecolor="none")
    finally:
        figure.canvas.mpl_disconnect(listening)
    box = boxes[-1].padded(matplotlib.rcParams["savefig.pad_inches"])
    cut = (box.x0 * 72, (height + 2 * MARGIN - box.y1) * 72, box.width * 72, box.height * 72)
    view = 'width="{2:f}pt" height="{3:f}pt" viewBox="{0:f} {1:f} {2:f} {3:f}"'.format(*cut)
    size = re.compile(rb'width="[\d.]+pt" height="[\d.]+pt" viewBox="[\d. ]+"')
    return size.sub(view.encode(), buffer.getvalue(), count=1)


def _svg_tight_box(figure: Figure) -> Bbox:
    """The box `bbox_inches="tight"` crops an SVG to: measured with the SVG renderer at its
    72 dpi, padded as savefig pads it."""
    width, height = figure.get_size_inches()
    dpi = figure.dpi
    figure.set_dpi(72)
    try:
        renderer = RendererSVG(width * 72, height * 72, io.StringIO(), image_dpi=72)
        box = figure.get_tightbbox(renderer)
    finally:
        figure.set_dpi(dpi)
    return box.padded(matplotlib.rcParams["savefig.pad_inches"])


def layer_colours(results: Results) -> dict[str, str]:
    return {
        layer.layer_id: LAYER_COLOURS[index % len(LAYER_COLOURS)]
        for index, layer in enumerate(results.layers)
    }


def _literal(text: str) -> str:
    """A label as it will be drawn: stored text may predate the cleaning of input."""
    return printable(text, one_line=True)


@dataclass(frozen=True)
class Axis:
    """Where a chart's value axis has ticks, as shares of the range (0 lowest, 1 highest).

    In levels when every criterion shares them, with a tick on each level there is (none on
    a hole such as 3 in 0, 1, 2, 4); otherwise in percent of the range.
    """

    ticks: tuple[tuple[float, str], ...]
    title: str  # what a value is: "level" or "% of the range"
    figures: Figures

    @classmethod
    def of(cls, framework: Framework) -> Axis:
        figures = Figures(framework)
        shared = figures.shared
        if shared is None:
            ticks = tuple((share / 4, f"{25 * share} %") for share in range(5))
            return cls(ticks, "% of the range", figures)
        ticks = tuple((shared.fraction(v), number(v)) for v in shared.values)
        return cls(ticks, "level", figures)


def _wrapped(title: str, width: int = 14) -> str:
    """Lines of at most `width` characters, as few as at `width` and as even as they can be:
    "Raise Data Management / from 1.2 to 4.2", not "Raise Data Management from 1.2 / to 4.2"."""
    text = _literal(title)
    lines = textwrap.wrap(text, width)
    for narrower in range(max(-(-len(text) // max(len(lines), 1)), 1), width):
        even = textwrap.wrap(text, narrower, break_long_words=False)
        if len(even) <= len(lines) and all(len(line) <= width for line in even):
            return "\n".join(even)
    return "\n".join(lines) or text


SPOKE_GAP = 5.0  # points between the circle and an area's name
RING_GAP = 2.0  # points between a ring and its number
KEY_GAP = 6.0  # points between whatever reaches lowest and the key under a radar


def _radar_axes(
    figure: Figure, titles: list[str], axis: Axis
) -> tuple[Any, list[float], list[Text]]:
    """Polar axes with one spoke per title, clockwise from the top, a numbered ring per tick,
    and each title written at its spoke."""
    angles = [2 * math.pi * i / max(len(titles), 1) for i in range(len(titles))]
    axes = figure.add_subplot(projection="polar")
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, 1)
    rings = [(share, label) for share, label in axis.ticks if share > 0]
    axes.set_yticks([share for share, _ in rings])
    axes.set_yticklabels([])
    axes.set_xticks(angles)
    axes.set_xticklabels([])
    axes.grid(color="#c9d0d8", linewidth=0.6)
    between = _between_names(len(titles))
    halo = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    for share, label in rings:  # above the lines that cross them, on a halo that keeps them legible
        _outside(
            figure,
            axes,
            between,
            share,
            label,
            RING_GAP,
            fontsize=7,
            color=MUTED,
            bbox=halo,
            zorder=5,
        )
    names = [
        _outside(figure, axes, angle, 1, _wrapped(title), SPOKE_GAP, fontsize=8.5)
        for angle, title in zip(angles, titles, strict=True)
    ]
    return axes, angles, names


def _between_names(spokes: int) -> float:
    """The angle at which the rings are numbered: halfway between two spokes, as near the
    right as may be, where the names on either side stand on their middles, clear of the
    numbers (at the top, the first name's foot touched the outer ring's)."""
    step = 2 * math.pi / max(spokes, 1)
    return (round(math.pi / 2 / step - 0.5) + 0.5) * step


def _outside(
    figure: Figure, axes: Any, angle: float, radius: float, text: str, gap: float, **style: Any
) -> Text:
    """A text `gap` points outside a point of the radar, aligned away from the centre (from
    its left end on the right half, from its foot on the top half), so however long it is it
    never reaches back across the point: matplotlib centres tick labels on their point, and
    long area names on the sides crossed the circle."""
    across, up = math.sin(angle), math.cos(angle)  # clockwise from the top
    at = offset_copy(axes.transData, fig=figure, x=gap * across, y=gap * up, units="points")
    placed: Text = axes.text(
        angle,
        radius,
        text,
        transform=at,
        horizontalalignment=_away(across, "left", "right", near=0.2),
        verticalalignment=_away(up, "bottom", "top", near=0.4),
        **style,
    )
    return placed


def _away(share: float, positive: str, negative: str, near: float) -> str:
    """A text's alignment along one direction: away from the centre, centred near the axis."""
    if abs(share) < near:
        return "center"
    return positive if share > 0 else negative


def _key_below(axes: Any, key: Any) -> None:
    """Put the key under a radar just below whatever reaches lowest, the circle, a name or a
    ring's number, measured once the text is sized: how far names reach depends on their
    lines, the text scale, and whether a spoke points down."""
    axes.apply_aspect()  # the circle where drawing will put it (polar axes are made square)
    lowest = min([axes.bbox.y0, *(text.get_window_extent().y0 for text in axes.texts)])
    gap = KEY_GAP * axes.figure.dpi / 72
    _, top = axes.transAxes.inverted().transform((0, lowest - gap))
    key.set_bbox_to_anchor((0.5, top), transform=axes.transAxes)


def _closed(values: list[float]) -> list[float]:
    """A polygon's points with the first repeated at the end."""
    return [*values, values[0]]


def _share(score: Score | None, which: str) -> float:
    """Current or target as a share of the range; NaN (a gap in the line, not 0) if unscored."""
    if score is None:
        return math.nan
    return (score.current_percent if which == "current" else score.target_percent) / 100


# The groups of a radar's SVG that change with the data: radar-{current,target}-{line,fill}.
_RADAR_LINE = re.compile(rb'<g id="(radar-[a-z]+-(?:line|fill))">.*?</g>', re.DOTALL)


@dataclass(frozen=True)
class _Radar:
    """A radar's figure with all but its two lines, for one framework's areas and one text
    scale: building the polar axes, their ticks and the key is about a third of a radar's
    time, and the same radar is redrawn after every change to an assessment."""

    figure: Figure
    angles: list[float]
    lines: tuple[tuple[str, Any, Any], ...]  # ("current" or "target", its line, its fill)
    lock: threading.Lock  # one drawing at a time: a figure is not shared between threads
    svg_box: list[Bbox] = field(default_factory=list)  # its tight box, once measured
    svg_drawn: dict[int, bytes] = field(default_factory=dict)  # its first whole SVG, per dpi

    def save(self, image_format: str) -> bytes:
        """Saved as `_save` would, measuring the tight box of an SVG only once: only the
        lines change, and they stay inside the axes (measuring is a whole second drawing).

        After the first SVG only the lines are drawn, and their groups (`_RADAR_LINE`) are put
        in place of those of the SVG drawn first: laying out and writing every label, ring
        and key again took most of a radar's time. The bytes are those of a whole drawing
        (tests/reports/test_charts.py compares them)."""
        if image_format != "svg":
            return _save(self.figure, image_format)
        if not self.svg_box:
            self.svg_box.append(_svg_tight_box(self.figure))
        whole = self.svg_drawn.get(_dpi.get())
        if whole is None:
            whole = self.svg_drawn[_dpi.get()] = _save(self.figure, "svg", box=self.svg_box[0])
            return whole
        drawn = {m[1]: m[0] for m in _RADAR_LINE.finditer(self._lines_alone())}
        return _RADAR_LINE.sub(lambda m: drawn[m[1]], whole)

    def _lines_alone(self) -> bytes:
        """The SVG with only the lines drawn: everything else is hidden for this one save."""
        axes = self.figure.axes[0]
        lines = {artist for _, line, fill in self.lines for artist in (line, fill)}
        shown = [self.figure.patch, *(a for a in axes.get_children() if a not in lines)]
        shown = [artist for artist in shown if artist.get_visible()]
        for artist in shown:
            artist.set_visible(False)
        try:
            return _save(self.figure, "svg", box=self.svg_box[0])
        finally:
            for artist in shown:
                artist.set_visible(True)


RADARS_KEPT = 16
_radars: Recent[tuple[object, ...], _Radar] = Recent(RADARS_KEPT)
_radars_lock = threading.Lock()  # one radar figure built at a time: each is built once


def radar_chart(results: Results, framework: Framework, image_format: str = "svg") -> bytes:
    """Every area around the circle: current and target, labels coloured by layer."""
    areas = list(results.areas())
    radar = _radar_for(results, framework)
    with radar.lock:
        angles = _closed(radar.angles)
        for which, line, fill in radar.lines:
            values = _closed([_share(a.score, which) for a in areas])
            line.set_data(angles, values)
            fill.set_xy(list(zip(angles, values, strict=True)))
        return radar.save(image_format)


def _radar_for(results: Results, framework: Framework) -> _Radar:
    """The radar figure for these areas, layers, value axis and text scale (kept, LRU)."""
    axis = Axis.of(framework)
    key = (
        tuple((a.area_id, a.title, a.layer_id) for a in results.areas()),
        tuple((layer.layer_id, layer.title) for layer in results.layers),
        axis.ticks,
        _text_scale.get(),
    )
    radar = _radars.get(key)
    if radar is None:
        with _radars_lock:
            radar = _radars.get(key)
            if radar is None:
                radar = _new_radar(results, axis)
                _radars.keep(key, radar)
    return radar


def _new_radar(results: Results, axis: Axis) -> _Radar:
    areas = list(results.areas())
    colours = layer_colours(results)
    figure = Figure(figsize=RADAR_SIZE)
    axes, angles, names = _radar_axes(figure, [a.title for a in areas], axis)
    lines = []
    for label, colour, which in (("Target", TARGET, "target"), ("Today", CURRENT, "current")):
        values = _closed([_share(a.score, which) for a in areas])
        (line,) = axes.plot(_closed(angles), values, color=colour, linewidth=2, label=label)
        (fill,) = axes.fill(_closed(angles), values, color=colour, alpha=0.12)
        line.set_gid(f"radar-{which}-line")  # so each can be found in the SVG (_RADAR_LINE)
        fill.set_gid(f"radar-{which}-fill")
        lines.append((which, line, fill))
    for name, area in zip(names, areas, strict=True):
        name.set_color(colours[area.layer_id])
        name.set_fontweight("bold")
    key = _key_under(axes, results, colours)
    _size_text(figure)
    _key_below(axes, key)
    return _Radar(figure, angles, tuple(lines), threading.Lock())


def _key_under(axes: Any, results: Results, colours: dict[str, str]) -> Any:
    """One key under the radar (placed by `_key_below`): the two lines, then the layers,
    wrapping to as many rows as it needs."""
    handles = [
        Line2D([], [], color=CURRENT, linewidth=2, label="Today"),
        Line2D([], [], color=TARGET, linewidth=2, label="Target"),
        *(
            Patch(color=colours[layer.layer_id], label=_wrapped(layer.title, 26))
            for layer in results.layers
        ),
    ]
    return axes.legend(
        handles=handles,
        loc="upper center",
        ncols=min(len(handles), 5),
        frameon=False,
        handlelength=1.5,
        columnspacing=1.2,
    )


def _value_axis(axes: Any, axis: Axis) -> None:
    axes.set_xlim(0, 1.08)
    axes.set_xticks([share for share, _ in axis.ticks])
    axes.set_xticklabels([label for _, label in axis.ticks])


def layer_bars(results: Results, framework: Framework, image_format: str = "svg") -> bytes:
    """Current and target per layer, side by side."""
    axis = Axis.of(framework)
    layers = [layer for layer in results.layers if layer.score is not None]
    figure = Figure(figsize=(4.2, 0.7 + 0.6 * len(layers)))
    axes = figure.add_subplot()
    positions = range(len(layers))
    # The y axis is inverted below, so "- 0.2" puts current above target in each pair.
    bars = ((-0.2, CURRENT, "Today", "current"), (0.2, TARGET, "Target", "target"))
    for offset, colour, label, which in bars:
        shares = [_share(layer.score, which) for layer in layers]
        axes.barh([p + offset for p in positions], shares, height=0.38, color=colour, label=label)
        for p, share, layer in zip(positions, shares, layers, strict=True):
            assert layer.score is not None
            text = getattr(axis.figures, which)(layer.score)
            axes.text(share + 0.01, p + offset, text, va="center", fontsize=8)
    axes.set_yticks(list(positions))
    axes.set_yticklabels([_literal(layer.title) for layer in layers])
    axes.invert_yaxis()
    _value_axis(axes, axis)
    axes.legend(loc="lower right", frameon=False, ncols=2, bbox_to_anchor=(1, 1))
    return _render(figure, image_format)


def gap_ranking(results: Results, framework: Framework, image_format: str = "svg") -> bytes:
    """Areas by the size of their gap, widest at the top, coloured by layer: in levels when
    every criterion shares them, else in percentage points of the range. Bars and labels are
    the written gaps (written target minus written today, as the tables give them), so a
    longer bar never carries a smaller number; the unrounded gap orders equal ones."""
    figures = Figures(framework)
    shared = figures.shared
    in_levels = shared is not None
    scored = [(a, a.score) for a in results.areas() if a.score is not None]
    written = {a.area_id: figures.written_gap(s, in_levels=in_levels) for a, s in scored}
    areas = sorted(
        (a for a, _ in scored),
        key=lambda a: (-written[a.area_id], -_gap(a, in_levels), a.title),
    )
    colours = layer_colours(results)
    figure = Figure(figsize=(5.6, 0.6 + 0.3 * max(len(areas), 1)))
    axes = figure.add_subplot()
    gaps = [written[a.area_id] for a in areas]
    axes.barh(range(len(areas)), gaps, color=[colours[a.layer_id] for a in areas], height=0.7)
    decimals = shared.decimals if shared else 0  # as the tables write them
    for index, gap in enumerate(gaps):
        axes.text(gap + max(gaps) * 0.01, index, f"{gap:.{decimals}f}", va="center", fontsize=8)
    axes.set_yticks(range(len(areas)))
    axes.set_yticklabels([_literal(a.title) for a in areas])
    axes.invert_yaxis()
    unit = "levels" if in_levels else "percentage points of the range"
    axes.set_xlabel(f"Gap (target − today), in {unit}")
    shown = {a.layer_id for a in areas}  # the colours' key, as the caption promises
    key = [
        Patch(color=colours[layer.layer_id], label=layer.title)
        for layer in results.layers
        if layer.layer_id in shown
    ]
    axes.legend(
        handles=key, loc="lower right", bbox_to_anchor=(1, 1), ncols=min(len(key), 4),
        frameon=False, fontsize=8,
    )  # fmt: skip
    axes.set_xlim(0, max([*gaps, 1.0 if in_levels else 10.0]) * 1.15)
    return _render(figure, image_format)


def _gap(area: AreaResult, in_levels: bool) -> float:
    if area.score is None:
        return 0.0
    if in_levels and area.score.gap is not None:
        return area.score.gap
    return area.score.gap_points


def heatmap(
    columns: Sequence[tuple[str, Results]], framework: Framework, image_format: str = "svg"
) -> bytes:
    """Areas (rows) by groups (columns): today's level, so spread stands out. With no group
    that may be shown, a note saying so instead of an empty grid."""
    if not columns:
        return _nothing_to_show(WITHHELD, image_format)
    axis = Axis.of(framework)
    areas = list(columns[0][1].areas())
    scores = [[_area_score(results, area.area_id) for _, results in columns] for area in areas]
    # Few columns now (groups, not people): a minimum width keeps the text at page size.
    figure = Figure(figsize=(max(7.0, 2.8 + 0.9 * len(columns)), 0.8 + 0.34 * len(areas)))
    axes = figure.add_subplot()
    masked = [[_share(score, "current") for score in row] for row in scores]
    image = axes.imshow(masked, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    for row, line in enumerate(scores):
        for column, score in enumerate(line):
            text = "–" if score is None else axis.figures.current(score).replace(" %", "%")
            axes.text(column, row, text, ha="center", va="center", fontsize=7.5, color=INK)
    axes.set_yticks(range(len(areas)))
    axes.set_yticklabels([_literal(a.title) for a in areas])
    axes.set_xticks(range(len(columns)))
    axes.set_xticklabels([_literal(name) for name, _ in columns], rotation=45, ha="right")
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    bar = figure.colorbar(image, ax=axes, shrink=0.6, label=f"Today, {axis.title}")
    bar.set_ticks([share for share, _ in axis.ticks], labels=[label for _, label in axis.ticks])
    return _render(figure, image_format)


WITHHELD = "No group has enough people who answered to be shown."


def _nothing_to_show(message: str, image_format: str) -> bytes:
    """A small chart that says why it is empty, where an empty image would look broken."""
    figure = Figure(figsize=(4.8, 0.8))
    figure.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, fontsize=10)
    return _render(figure, image_format)


def _area_score(results: Results, area_id: str) -> Score | None:
    return next(a for a in results.areas() if a.area_id == area_id).score


def group_style(index: int) -> tuple[str, Any]:
    """The colour and line style of the index-th group; past four, styles repeat with new pairs."""
    colour = GROUP_COLOURS[index % len(GROUP_COLOURS)]
    return colour, GROUP_LINES[(index + index // len(GROUP_COLOURS)) % len(GROUP_LINES)]


def group_radar(segments: Segments, framework: Framework, image_format: str = "svg") -> bytes:
    """Each group's view of today, one outline per group; a note when none may be shown."""
    if not segments.groups:
        return _nothing_to_show(WITHHELD, image_format)
    return _drawn(_group_radar_figure(segments, framework), image_format)


def _group_radar_figure(segments: Segments, framework: Framework) -> Figure:
    """The group radar's figure, its text sized and its key placed (groups to show needed)."""
    groups = list(segments.groups.items())
    areas = list(groups[0][1].areas())
    figure = Figure(figsize=GROUP_RADAR_SIZE)
    axes, angles, _ = _radar_axes(figure, [a.title for a in areas], Axis.of(framework))
    for index, (name, results) in enumerate(groups):
        values = [_share(a.score, "current") for a in results.areas()]
        colour, style = group_style(index)
        axes.plot(_closed(angles), _closed(values), color=colour, linestyle=style, linewidth=2,
                  label=_literal(name))  # fmt: skip
    key = axes.legend(
        loc="upper center",
        ncols=min(len(groups), 4),
        frameon=False,
        title="Today, by group",
        handlelength=3,
    )
    _size_text(figure)
    _key_below(axes, key)
    return figure


HORIZON_MONTHS = ((0, 3), (3, 12), (12, 24))


def roadmap_timeline(
    items: Sequence[tuple[str, int, str | None]],
    image_format: str = "svg",
    legend: Sequence[tuple[str, str]] = (),
) -> bytes:
    """Initiatives as bars over 24 months: (title, horizon index, layer colour or None), with
    a legend of (layer title, colour). Titles wrap onto as many lines as they need instead of
    being cut short."""
    labels = [_wrapped(title, 30) for title, _, _ in items]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure = Figure(figsize=(5.0, 0.6 + 0.2 * max(lines, 1) + 0.1 * len(items)))
    axes = figure.add_subplot()
    for row, (_, horizon, colour) in enumerate(items):
        start, end = HORIZON_MONTHS[min(horizon, len(HORIZON_MONTHS) - 1)]
        axes.barh(row, end - start, left=start, height=0.6, color=colour or MUTED)
    axes.set_yticks(range(len(items)))
    axes.set_yticklabels(labels, fontsize=8, linespacing=1.1)
    axes.invert_yaxis()
    axes.set_xlim(0, 24)
    axes.set_xticks([0, 3, 12, 24])
    axes.set_xticklabels(["now", "3", "12", "24"])
    axes.set_xlabel("Months from now")
    for month in (3, 12):
        axes.axvline(month, color="#c9d0d8", linewidth=0.8, zorder=0)
    if legend:
        handles = [Patch(color=colour, label=title) for title, colour in legend]
        axes.legend(
            handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0),
            ncols=min(len(handles), 3),
            frameon=False, fontsize=8,
        )  # fmt: skip
    return _render(figure, image_format)
