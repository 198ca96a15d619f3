"""The board report as a PDF: HTML and CSS templates rendered by WeasyPrint.

Rendering is sandboxed in two ways. The URL fetcher allows only `data:` URLs, files inside
`static/` and the report's own charts, so no text in a report can make the renderer touch the
network or the disk. And the routes and the CLI run it in a separate process with a time
limit, off the web workers (app/reports/worker.py).
"""

from __future__ import annotations

import base64
import functools
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse
from xml.etree.ElementTree import SubElement, fromstring, tostring

from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML
from weasyprint.document import DocumentMetadata
from weasyprint.pdf.metadata import NS
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from app.config import PROJECT_ROOT
from app.domain import narrative
from app.domain.agreed import Comparisons, Decided
from app.domain.anonymity import groups_note
from app.domain.branding import Brand
from app.domain.evidence import Counted
from app.domain.framework import Framework
from app.domain.levels import number
from app.domain.narrative import Narrative
from app.domain.roadmap import HORIZONS, PlannedItem
from app.domain.scoring import (
    AreaResult,
    Results,
    Segments,
    disagreements,
    score_assessment,
    top_gaps,
    top_strengths,
)
from app.domain.text import printable
from app.reports.charts import drawn_once, radar_chart
from app.reports.dots import Scale, area_dots
from app.reports.figures import Figures
from app.reports.method import method_of
from app.reports.prose import prose
from app.reports.registry import Chart, charts_in_report, headline
from app.reports.worker import beside, sparing_collector

STATIC = (PROJECT_ROOT / "static").resolve()
TEMPLATES = PROJECT_ROOT / "templates" / "report"
PAPER_SIZES = ("A4", "Letter")
QUOTES_PER_AREA = 3
# Charts go into the PDF as SVG. benchmarks/report.py finds render time the same as PNG within
# run-to-run noise, but the PDF five times smaller (119 vs 611 KiB), less memory, sharp print.
CHART_FORMAT = "svg"
PDF_VARIANT = "pdf/ua-1"  # tagged, so screen readers can read the report
STYLESHEETS = ("palette.css", "report.css")
REPORT_SECTIONS = ("overview", "roadmap")  # where report.html has a place for charts
MIME = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg"}
CHART_URL = "gapwise-chart:"  # + a chart's name: where the HTML asks the fetcher for it


@dataclass(frozen=True)
class ReportParticipant:
    """Who was invited: a name and a role, never their group or their answers."""

    name: str
    role: str


@dataclass(frozen=True)
class GroupTurnout:
    """How many of a group were invited, how many of them scored anything, and how many of
    those the results count (by default only submitted answers count)."""

    group: str
    invited: int
    answered: int
    counted: int


@dataclass(frozen=True)
class WorkshopReport:
    """What the assessment's workshops did, for the report's Workshop chapter."""

    sessions: tuple[tuple[str, str], ...]  # (title, date)
    attendees: tuple[tuple[str, int], ...]  # (group, how many voted)
    discussed: int
    comparisons: Comparisons
    decisions: tuple[Decided, ...]  # the decision in force per criterion
    texts: dict[str, str]  # criterion id -> text


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows; plain data, so it can travel to the worker process."""

    organisation: str
    assessment: str
    purpose: str
    status: str
    target_date: str
    prepared_by: str
    prepared_on: str
    framework: Framework
    results: Results  # the individual ratings
    segments: Segments
    people: tuple[tuple[str, Results], ...]  # heatmap columns: groups of k people or more
    roadmap: tuple[PlannedItem, ...]
    roadmap_is_draft: bool
    participants: tuple[ReportParticipant, ...]
    turnout: tuple[GroupTurnout, ...]
    counted: Counted
    comments: dict[str, tuple[tuple[str, str], ...]]  # criterion id -> (group label or "", text)
    narrative: Narrative = Narrative()
    brand: Brand = Brand()
    paper: str = "A4"
    agreed: Results | None = None  # the agreed baseline: the report's headline once there is one
    workshop: WorkshopReport | None = None
    include_thin: bool = False  # the consultant ranks thin evidence too (marked as such)


class ChartNotDrawn(Exception):
    """One of the report's charts could not be drawn: the message says which and why."""


class SafeUrlFetcher(URLFetcher):
    """Serve `data:` URLs, files under static/ and the report's own charts (`charts`, by
    name); refuse everything else (network, file://).

    WeasyPrint logs a refused URL and leaves the resource out; nothing else is fetched, and
    redirects are off, so user text in a report can never reach the network or the disk.
    """

    def __init__(
        self,
        charts: Callable[[], Mapping[str, bytes]] | None = None,
        image_format: str = CHART_FORMAT,
    ) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self._charts = charts
        self._chart_type = MIME[image_format]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        name = url.removeprefix(CHART_URL)
        if name != url and self._charts is not None:
            return URLFetcherResponse(url, self._chart(name), {"Content-Type": self._chart_type})
        if url.startswith("data:"):
            response: URLFetcherResponse = super().fetch(url, headers)
            return response
        parsed = urlparse(url)
        if parsed.scheme == "file" and not parsed.netloc:
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(STATIC) and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        raise ValueError(f"the report may not load {url[:80]!r}")

    def _chart(self, name: str) -> bytes:
        """A chart of the report, drawn. WeasyPrint would leave out an image whose fetch
        failed and carry on; a report without one of its charts must not be kept."""
        assert self._charts is not None
        try:
            return self._charts()[name]
        except Exception as exc:
            why = "not drawn" if isinstance(exc, KeyError) else f"{type(exc).__name__}: {exc}"
            raise FatalURLFetchingError(f"the chart {name!r} could not be drawn ({why})") from exc


@functools.cache  # compiling report.html takes 45 ms: once per process, in its warm-up
def report_templates() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True),
        finalize=_printed,
    )
    environment.filters["prose"] = prose
    environment.filters["level"] = number
    environment.filters["narrative_blocks"] = narrative.blocks
    return environment


def _printed(value: object) -> object:
    """Every text the report prints, without control characters stored before input was cleaned."""
    return printable(value) if type(value) is str else value


def _data_uri(image: bytes, image_format: str) -> str:
    return f"data:{MIME[image_format]};base64," + base64.b64encode(image).decode()


SVG = "{http://www.w3.org/2000/svg}"


def _lean(image: bytes, image_format: str) -> bytes:
    """A matplotlib SVG without what draws nothing: its metadata, and the groups that only
    name their content (`<g id="patch_1">`). Two thirds of its elements, each of which the
    renderer would cascade styles into and visit; the picture is the same to the pixel."""
    if image_format != "svg":
        return image
    root = fromstring(image)
    _unwrap(root)
    return tostring(root)


def _unwrap(node: Any) -> None:
    kept = []
    for child in node:
        if child.tag == f"{SVG}metadata":
            continue
        _unwrap(child)
        plain = (
            child.tag == f"{SVG}g"
            and set(child.attrib) <= {"id"}
            and not (child.text or "").strip()
        )
        kept.extend(child if plain else [child])
    node[:] = kept


def report_charts(data: ReportData) -> dict[str, list[Chart]]:
    """The charts each place in the report shows."""
    return {section: charts_in_report(section, data) for section in REPORT_SECTIONS}


def chart_images(data: ReportData, image_format: str = CHART_FORMAT) -> dict[str, bytes]:
    """Every chart the report shows, drawn, by name."""
    with drawn_once():  # the report's pages are white
        return {
            chart.name: _lean(chart.draw(data, image_format), image_format)
            for shown in report_charts(data).values()
            for chart in shown
        }


def prepare_charts(framework: Framework) -> None:
    """Build what the charts of a report on this framework reuse, before it is asked for:
    its radar's figure, which a process keeps (app/reports/charts.py). The render process
    started ahead of a report does this while it waits, for the framework of the report
    before. Building it was 0.2 s of the first radar a process drew, and WeasyPrint waited
    for the charts for most of that."""
    with drawn_once():  # as chart_images draws them
        radar_chart(score_assessment(framework, ()), framework, CHART_FORMAT)


def report_html(
    data: ReportData, image_format: str = CHART_FORMAT, *, charts_at: str | None = None
) -> str:
    """The report as HTML, its charts embedded as data URIs, or named after `charts_at` (a
    URL the fetcher serves them from, drawn elsewhere)."""
    framework = data.framework
    sections = report_charts(data)
    if charts_at is None:
        chart_urls = {
            name: _data_uri(image, image_format)
            for name, image in chart_images(data, image_format).items()
        }
    else:
        chart_urls = {c.name: charts_at + c.name for shown in sections.values() for c in shown}
    intents = {area.id: area.intent for area in data.framework.areas()}
    shown = headline(data)  # the agreed baseline once there is one
    areas = list(data.results.areas())
    quotes_of = {area.area_id: _quotes(area, data.comments) for area in shown.areas()}
    logos = {
        name: _data_uri(logo.content, logo.media_type.split("/")[1])
        for name, logo in (("consultancy", data.brand.logo), ("client", data.brand.client_logo))
        if logo is not None
    }
    return (
        report_templates()
        .get_template("report.html")
        .render(
            data=data,
            shown=shown,
            charts=sections,
            images=chart_urls,
            intents=intents,
            quotes_of=quotes_of,
            horizons=HORIZONS,
            top_gaps=top_gaps(shown, include_thin=data.include_thin),
            top_strengths=top_strengths(shown, 3, include_thin=data.include_thin),
            disagreements=disagreements(data.results)[:5],
            anonymity=groups_note(
                data.segments.threshold,
                pooled=data.segments.pooled,
                withheld=data.segments.withheld,
            ),
            dots={a.area_id: area_dots(a, framework, data.brand.accent) for a in areas},
            scales={a.area_id: Scale.of(a, framework) for a in areas},
            logos=logos,
            figures=Figures(framework),
            method=method_of(
                framework, answers=data.counted.answers, include_thin=data.include_thin
            ),
            wording=framework.wording,
            stylesheets=[(STATIC / "css" / name).as_uri() for name in STYLESHEETS],
        )
    )


def _quotes(
    area: AreaResult, comments: dict[str, tuple[tuple[str, str], ...]]
) -> list[tuple[str, str]]:
    """A few comments on the area's criteria, each text once."""
    chosen: dict[str, tuple[str, str]] = {}
    for criterion in area.all_criteria():
        for group, text in comments.get(criterion.criterion_id, ()):
            chosen.setdefault(text.strip(), (group, text.strip()))
    return list(chosen.values())[:QUOTES_PER_AREA]


class _Metadata(DocumentMetadata):
    """WeasyPrint's metadata, plus the language in the XMP packet (dc:language).

    The catalog's /Lang already carries the language for screen readers; XMP is where
    `pdfinfo -meta` and document managers look for it.
    """

    def generate_rdf_metadata(self, *args: Any) -> bytes:
        rdf = fromstring(super().generate_rdf_metadata(*args))
        if self.lang:
            description = SubElement(rdf, f"{{{NS['rdf']}}}Description")
            description.set(f"{{{NS['rdf']}}}about", "")
            bag = SubElement(
                SubElement(description, f"{{{NS['dc']}}}language"), f"{{{NS['rdf']}}}Bag"
            )
            SubElement(bag, f"{{{NS['rdf']}}}li").text = self.lang
        return tostring(rdf, encoding="utf-8")


def render_pdf(data: ReportData, image_format: str = CHART_FORMAT) -> bytes:
    """A tagged PDF (PDF/UA-1): structure, reading order, alt texts, title and language.

    The charts (about a tenth of the render) are drawn beside the rest, in a forked copy of the
    render process, while WeasyPrint reads the HTML and cascades its styles: it fetches them
    only as it builds its boxes (see docs/performance.md). A chart that cannot be drawn stops
    the render (ChartNotDrawn): no report rather than one without it.
    """
    with sparing_collector(), beside(functools.partial(chart_images, data, image_format)) as drawn:
        html = HTML(
            string=report_html(data, image_format, charts_at=CHART_URL),
            base_url=STATIC.as_uri() + "/",
            url_fetcher=SafeUrlFetcher(drawn, image_format),
        )
        try:
            document = html.render(pdf_variant=PDF_VARIANT)
        except FatalURLFetchingError as fatal:  # a BaseException, so WeasyPrint stops
            raise ChartNotDrawn(str(fatal)) from fatal.__cause__
        document.metadata = _Metadata(**vars(document.metadata))
        pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
