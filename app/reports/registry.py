"""Every chart and every export format, each declared once.

The results page, the PDF report, the routes and the CLI read these two registries: adding a
chart or a format is one `register_*` call here plus its render function. A chart says where
it appears (a section of the results page, a section of the report) and when it has
something to show; a format gives its name (the URL's and `--format`'s), title, media type,
renderer and the page its link is on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from app.domain.agreed import Comparisons
from app.domain.framework import Framework
from app.domain.roadmap import PlannedItem
from app.domain.scoring import Results, Segments
from app.reports import charts, exports, worker
from app.reports.exports import ExportParticipant
from app.reports.workbook import WorkbookData, assessment_workbook

if TYPE_CHECKING:
    from app.reports.pdf import ReportData


class ChartSource(Protocol):
    """What charts are drawn from (the report's data is one)."""

    @property
    def framework(self) -> Framework: ...
    @property
    def results(self) -> Results: ...  # the individual ratings
    @property
    def agreed(self) -> Results | None: ...  # the agreed baseline, once a workshop agreed any
    @property
    def segments(self) -> Segments: ...
    @property
    def people(self) -> Sequence[tuple[str, Results]]: ...  # heatmap columns: shown groups
    @property
    def roadmap(self) -> Sequence[PlannedItem]: ...


class ExportSource(Protocol):
    """What exports are made from; each part is gathered only when a format asks for it."""

    @property
    def title(self) -> str: ...
    @property
    def organisation(self) -> str: ...
    @property
    def prepared_on(self) -> str: ...  # ISO date
    @property
    def framework(self) -> Framework: ...
    @property
    def results(self) -> Results: ...
    @property
    def agreement(self) -> Comparisons | None: ...  # agreed against individual, after a workshop
    @property
    def participants(self) -> Sequence[ExportParticipant]: ...
    @property
    def roadmap(self) -> Sequence[PlannedItem]: ...
    @property
    def document(self) -> dict[str, Any]: ...  # the whole assessment (app/db/transfer.py)
    @property
    def report(self) -> ReportData: ...  # what the board report shows


def _always(_: ChartSource) -> bool:
    return True


@dataclass(frozen=True)
class Chart:
    name: str  # in its URL: /assessments/{id}/charts/{name}.svg
    title: str  # the image's alternative text
    caption: str
    draw: Callable[[ChartSource, str], bytes]  # (data, "svg" or "png") -> image
    page: str = ""  # the results page's section it appears in; "" for none
    report: str = ""  # the PDF report's section it appears in; "" for none
    size: str = ""  # a CSS modifier (chart--radar, chart--wide...) on the page and the PDF
    shown: Callable[[ChartSource], bool] = _always  # whether there is something to draw

    def title_for(self, framework: Framework) -> str:
        return _worded(self.title, framework)

    def caption_for(self, framework: Framework) -> str:
        return _worded(self.caption, framework)


def _worded(text: str, framework: Framework) -> str:
    """A title or caption in the framework's words: {layer}, {layers}, {Layers}."""
    layer, layers = framework.wording.layer, framework.wording.layers
    return text.format(layer=layer, layers=layers, Layers=layers[:1].upper() + layers[1:])


@dataclass(frozen=True)
class ExportFormat:
    name: str  # in its URL and the CLI's --format; also the file's extension
    title: str  # the link's text
    media_type: str
    render: Callable[[ExportSource], bytes]
    what: str = ""  # after the client and the assessment in the file's name ("answers")
    page: str = "assessment"  # where its link is: the assessment's exports, or "report"
    cached: bool = False  # slow to draw: kept per report version (app/report_data.py)


CHARTS: dict[str, Chart] = {}
EXPORTS: dict[str, ExportFormat] = {}


def register_chart(chart: Chart) -> None:
    CHARTS[chart.name] = chart


def register_export(export_format: ExportFormat) -> None:
    EXPORTS[export_format.name] = export_format


def exports_on(page: str) -> list[ExportFormat]:
    return [e for e in EXPORTS.values() if e.page == page]


def charts_on_page(section: str, data: ChartSource) -> list[Chart]:
    return [c for c in CHARTS.values() if c.page == section and c.shown(data)]


def charts_in_report(section: str, data: ChartSource) -> list[Chart]:
    return [c for c in CHARTS.values() if c.report == section and c.shown(data)]


def headline(data: ChartSource) -> Results:
    """What the headline charts show: the agreed baseline once there is one (see
    docs/methodology.md), the individual averages before."""
    return data.results if data.agreed is None else data.agreed


def _timeline(data: ChartSource, image_format: str) -> bytes:
    colours = charts.layer_colours(data.results)
    layer_of = {a.area_id: a.layer_id for a in data.results.areas()}
    items = [(i.title, i.horizon, colours.get(layer_of.get(i.area_id, ""))) for i in data.roadmap]
    used = {layer_of.get(i.area_id, "") for i in data.roadmap}
    legend = [
        (layer.title, colours[layer.layer_id])
        for layer in data.results.layers
        if layer.layer_id in used
    ]
    return charts.roadmap_timeline(items, image_format, legend)


register_chart(
    Chart(
        "radar",
        "Radar chart of every area, today against target",
        "Every area, today (dark) and target (blue). Labels are coloured by {layer}.",
        lambda d, f: charts.radar_chart(d.results, d.framework, f),
        page="overview",
        report="overview",
        size="radar",
        shown=lambda d: d.agreed is None,  # radar-agreed takes its place
    )
)
register_chart(
    Chart(
        "radar-agreed",
        "Radar chart of every area, agreed baseline today against target",
        "Every area on the agreed baseline, today (dark) and target (blue): the levels the "
        "workshop agreed, the individual average elsewhere.",
        lambda d, f: charts.radar_chart(headline(d), d.framework, f),
        page="overview",
        report="overview",
        size="radar",
        shown=lambda d: d.agreed is not None,
    )
)
register_chart(
    Chart(
        "layers",
        "Bar chart of today's level and the target by {layer}",
        "{Layers}: the mean of their areas.",
        lambda d, f: charts.layer_bars(headline(d), d.framework, f),
        page="overview",
        report="overview",
        size="half",
    )
)
register_chart(
    Chart(
        "gaps",
        "Areas ranked by gap",
        "Areas ranked by gap (target − today), coloured by {layer}.",
        lambda d, f: charts.gap_ranking(headline(d), d.framework, f),
        page="overview",
        report="overview",
        size="full",
    )
)
register_chart(
    Chart(
        "groups",
        "Radar chart of today's level by group",
        "Each group's view of today.",
        lambda d, f: charts.group_radar(d.segments, d.framework, f),
        page="groups",
        report="overview",
        size="radar",
        shown=lambda d: len(d.segments.groups) > 1,
    )
)
register_chart(
    Chart(
        "heatmap",
        "Heatmap of today's level by area and group",
        "Today's level by area and group (in brackets, how many people a column stands for; "
        "never fewer than the anonymity threshold). Colour changes across a row show where "
        "groups differ.",
        lambda d, f: charts.heatmap(d.people, d.framework, f),
        page="people",
        size="wide",
        shown=lambda d: len(d.people) > 1,
    )
)
register_chart(
    Chart(
        "timeline",
        "Roadmap timeline",
        "Initiatives by horizon, coloured by {layer}.",
        _timeline,
        page="roadmap",
        report="roadmap",
        shown=lambda d: bool(d.roadmap),
    )
)


def _workbook(source: ExportSource) -> bytes:
    data = WorkbookData(
        organisation=source.organisation,
        title=source.title,
        prepared_on=source.prepared_on,
        framework=source.framework,
        results=source.results,
        participants=source.participants,
        roadmap=source.roadmap,
        agreed=source.agreement,
    )
    return assessment_workbook(data)


def _deck(source: ExportSource) -> bytes:
    """Drawn in a worker process with a time limit, like the PDF."""
    from app.reports.deck import render_deck  # the deck draws this module's charts

    return worker.render_in_worker(render_deck, source.report)


register_export(
    ExportFormat(
        "csv",
        "CSV",
        "text/csv; charset=utf-8",
        lambda s: exports.answers_csv(s.framework, s.participants),
        what="answers",
    )
)
register_export(
    ExportFormat(
        "xlsx",
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _workbook,
    )
)
register_export(
    ExportFormat(
        "json",
        "JSON (to move it to another Gapwise)",
        "application/json",
        lambda s: json.dumps(s.document, indent=2, ensure_ascii=False).encode(),
        what="Gapwise export",
    )
)
register_export(
    ExportFormat(
        "pptx",
        "Slide deck (PowerPoint)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _deck,
        page="report",
        cached=True,
    )
)
