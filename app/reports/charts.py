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
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from app.domain.scoring import AreaResult, Results, Segments
from app.domain.text import printable

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

LAYER_COLOURS = ("#6b4ea2", "#0b7a75", "#c0562a", "#8a5a00", "#1f6f43")
CURRENT = "#1c2430"
TARGET = "#0b5f8a"
INK = "#1c2430"
MUTED = "#5b6675"


def _render(figure: Figure, image_format: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if image_format == "svg" else {}
    figure.savefig(buffer, format=image_format, bbox_inches="tight", metadata=metadata, dpi=150)
    return buffer.getvalue()


def layer_colours(results: Results) -> dict[str, str]:
    return {
        layer.layer_id: LAYER_COLOURS[index % len(LAYER_COLOURS)]
        for index, layer in enumerate(results.layers)
    }


def _literal(text: str) -> str:
    """A label as it will be drawn: stored text may predate the cleaning of input."""
    return printable(text, one_line=True)


def _wrapped(title: str, width: int = 14) -> str:
    return "\n".join(textwrap.wrap(_literal(title), width)) or _literal(title)


def _radar_axes(figure: Figure, titles: list[str], maximum: int) -> tuple[Any, list[float]]:
    """Polar axes with one spoke per title, clockwise from the top, levels 1..maximum."""
    angles = [2 * math.pi * i / max(len(titles), 1) for i in range(len(titles))]
    axes = figure.add_subplot(projection="polar")
    axes.set_theta_offset(math.pi / 2)
    axes.set_theta_direction(-1)
    axes.set_ylim(0, maximum)
    axes.set_yticks(range(1, maximum + 1))
    axes.set_yticklabels([str(v) for v in range(1, maximum + 1)], color=MUTED, fontsize=7)
    axes.set_xticks(angles)
    axes.set_xticklabels([_wrapped(title) for title in titles], fontsize=8.5)
    axes.tick_params(axis="x", pad=14)
    axes.grid(color="#c9d0d8", linewidth=0.6)
    return axes, angles


def _closed(values: list[float]) -> list[float]:
    """A polygon's points with the first repeated at the end."""
    return [*values, values[0]]


def radar_chart(results: Results, maximum: int, image_format: str = "svg") -> bytes:
    """Every area around the circle: current and target, labels coloured by layer."""
    areas = list(results.areas())
    colours = layer_colours(results)
    figure = Figure(figsize=(7.2, 7.2))
    axes, angles = _radar_axes(figure, [a.title for a in areas], maximum)
    for label, colour, value_of in (
        ("Target", TARGET, lambda a: a.score.target),
        ("Current", CURRENT, lambda a: a.score.current),
    ):
        values = [value_of(a) if a.score else math.nan for a in areas]  # a gap, not 0
        axes.plot(_closed(angles), _closed(values), color=colour, linewidth=2, label=label)
        axes.fill(_closed(angles), _closed(values), color=colour, alpha=0.12)
    for tick, area in zip(axes.get_xticklabels(), areas, strict=True):
        tick.set_color(colours[area.layer_id])
        tick.set_fontweight("bold")
    axes.legend(loc="upper right", bbox_to_anchor=(1.18, 1.1), frameon=False)
    _layer_legend(figure, results, colours)
    return _render(figure, image_format)


def _layer_legend(figure: Figure, results: Results, colours: dict[str, str]) -> None:
    for index, layer in enumerate(results.layers):
        figure.text(
            0.02 + 0.3 * index,
            0.01,
            f"■ {_literal(layer.title)}",
            color=colours[layer.layer_id],
            fontsize=9,
            fontweight="bold",
        )


def layer_bars(results: Results, maximum: int, image_format: str = "svg") -> bytes:
    """Current and target per layer, side by side."""
    layers = [layer for layer in results.layers if layer.score is not None]
    figure = Figure(figsize=(6.4, 0.7 + 0.75 * len(layers)))
    axes = figure.add_subplot()
    positions = range(len(layers))
    currents = [layer.score.current for layer in layers if layer.score]
    targets = [layer.score.target for layer in layers if layer.score]
    # The y axis is inverted below, so "- 0.2" puts current above target in each pair.
    axes.barh([p - 0.2 for p in positions], currents, height=0.38, color=CURRENT, label="Current")
    axes.barh([p + 0.2 for p in positions], targets, height=0.38, color=TARGET, label="Target")
    for p, current, target in zip(positions, currents, targets, strict=True):
        axes.text(current + 0.05, p - 0.2, f"{current:.1f}", va="center", fontsize=8)
        axes.text(target + 0.05, p + 0.2, f"{target:.1f}", va="center", fontsize=8)
    axes.set_yticks(list(positions))
    axes.set_yticklabels([_literal(layer.title) for layer in layers])
    axes.invert_yaxis()
    axes.set_xlim(0, maximum)
    axes.legend(loc="lower right", frameon=False, ncols=2, bbox_to_anchor=(1, 1))
    return _render(figure, image_format)


def gap_ranking(results: Results, image_format: str = "svg") -> bytes:
    """Areas by the size of their gap, widest at the top, coloured by layer."""
    areas = sorted(
        (a for a in results.areas() if a.score is not None),
        key=lambda a: (-_gap(a), a.title),
    )
    colours = layer_colours(results)
    figure = Figure(figsize=(6.4, 0.6 + 0.32 * max(len(areas), 1)))
    axes = figure.add_subplot()
    gaps = [_gap(a) for a in areas]
    axes.barh(range(len(areas)), gaps, color=[colours[a.layer_id] for a in areas], height=0.7)
    for index, gap in enumerate(gaps):
        axes.text(gap + 0.03, index, f"{gap:.2f}", va="center", fontsize=8)
    axes.set_yticks(range(len(areas)))
    axes.set_yticklabels([_literal(a.title) for a in areas])
    axes.invert_yaxis()
    axes.set_xlabel("Gap (target − current), in levels")
    axes.set_xlim(0, max([*gaps, 1.0]) * 1.15)
    return _render(figure, image_format)


def _gap(area: AreaResult) -> float:
    return area.score.gap if area.score else 0.0


def heatmap(
    columns: Sequence[tuple[str, Results]], maximum: int, image_format: str = "svg"
) -> bytes:
    """Areas (rows) by participants or groups (columns): today's level, so spread stands out."""
    if not columns:
        return _nothing_to_show("Nobody has scored yet.", image_format)
    areas = list(columns[0][1].areas())
    values = [[_current_of(results, area.area_id) for _, results in columns] for area in areas]
    figure = Figure(figsize=(1.8 + 0.62 * max(len(columns), 1), 0.8 + 0.34 * len(areas)))
    axes = figure.add_subplot()
    masked = [[v if v is not None else math.nan for v in row] for row in values]
    image = axes.imshow(masked, cmap="RdYlGn", vmin=0, vmax=maximum, aspect="auto")
    for row, line in enumerate(values):
        for column, value in enumerate(line):
            text = "–" if value is None else f"{value:.1f}"
            axes.text(column, row, text, ha="center", va="center", fontsize=7.5, color=INK)
    axes.set_yticks(range(len(areas)))
    axes.set_yticklabels([_literal(a.title) for a in areas])
    axes.set_xticks(range(len(columns)))
    axes.set_xticklabels([_literal(name) for name, _ in columns], rotation=45, ha="right")
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    figure.colorbar(image, ax=axes, shrink=0.6, label="Current level")
    return _render(figure, image_format)


def _nothing_to_show(message: str, image_format: str) -> bytes:
    """A small chart that says why it is empty, where an empty image would look broken."""
    figure = Figure(figsize=(4.8, 0.8))
    figure.text(0.5, 0.5, message, ha="center", va="center", color=MUTED, fontsize=10)
    return _render(figure, image_format)


def _current_of(results: Results, area_id: str) -> float | None:
    area = next(a for a in results.areas() if a.area_id == area_id)
    return area.score.current if area.score else None


def group_radar(segments: Segments, maximum: int, image_format: str = "svg") -> bytes:
    """Each group's view of today, one outline per group."""
    groups = list(segments.groups.items())
    if not groups:
        return _nothing_to_show("No participant has a group yet.", image_format)
    areas = list(groups[0][1].areas())
    figure = Figure(figsize=(7.2, 7.2))
    axes, angles = _radar_axes(figure, [a.title for a in areas], maximum)
    palette = ("#0b5f8a", "#c0562a", "#1f6f43", "#6b4ea2", "#8a5a00")
    for index, (name, results) in enumerate(groups):
        values = [a.score.current if a.score else math.nan for a in results.areas()]
        colour = palette[index % len(palette)]
        axes.plot(_closed(angles), _closed(values), color=colour, linewidth=2, label=_literal(name))
    axes.legend(
        loc="upper right", bbox_to_anchor=(1.25, 1.1), frameon=False, title="Today, by group"
    )
    return _render(figure, image_format)


HORIZON_MONTHS = ((0, 3), (3, 12), (12, 24))


def roadmap_timeline(
    items: Sequence[tuple[str, int, str | None]], image_format: str = "svg"
) -> bytes:
    """Initiatives as bars over 24 months: (title, horizon index, layer colour or None)."""
    figure = Figure(figsize=(7.2, 0.7 + 0.34 * max(len(items), 1)))
    axes = figure.add_subplot()
    for row, (_, horizon, colour) in enumerate(items):
        start, end = HORIZON_MONTHS[min(horizon, len(HORIZON_MONTHS) - 1)]
        axes.barh(row, end - start, left=start, height=0.6, color=colour or MUTED)
    axes.set_yticks(range(len(items)))
    axes.set_yticklabels([textwrap.shorten(_literal(t), 60) for t, _, _ in items], fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 24)
    axes.set_xticks([0, 3, 12, 24])
    axes.set_xticklabels(["now", "3 months", "12 months", "24 months"])
    for month in (3, 12):
        axes.axvline(month, color="#c9d0d8", linewidth=0.8, zorder=0)
    return _render(figure, image_format)
