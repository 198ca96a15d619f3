"""The board report as a PDF: HTML and CSS templates rendered by WeasyPrint.

Rendering is sandboxed in two ways. The URL fetcher allows only `data:` URLs and files inside
`static/`, so no text in a report can make the renderer touch the network or the disk. And
`render_pdf_in_worker` runs it in a separate process with a time limit, off the web workers.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from jinja2 import Environment, FileSystemLoader, select_autoescape
from matplotlib.figure import Figure
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.config import PROJECT_ROOT
from app.domain.framework import Framework
from app.domain.levels import number
from app.domain.roadmap import HORIZONS, PlannedItem
from app.domain.scoring import (
    AreaResult,
    PersonColumn,
    Results,
    Segments,
    disagreements,
    top_gaps,
    top_strengths,
)
from app.reports.figures import Figures
from app.reports.method import method_of
from app.reports.prose import prose
from app.reports.registry import charts_in_report

STATIC = (PROJECT_ROOT / "static").resolve()
TEMPLATES = PROJECT_ROOT / "templates" / "report"
PAPER_SIZES = ("A4", "Letter")
TIME_LIMIT_SECONDS = 120
QUOTES_PER_AREA = 3
# Charts go into the PDF as SVG. benchmarks/report.py finds render time the same as PNG within
# run-to-run noise, but the PDF five times smaller (119 vs 611 KiB), less memory, sharp print.
CHART_FORMAT = "svg"
STYLESHEETS = ("palette.css", "report.css")
REPORT_SECTIONS = ("overview", "roadmap")  # where report.html has a place for charts


class ReportFailed(Exception):
    """The report could not be rendered in time, or the renderer failed; the message says which."""


@dataclass(frozen=True)
class ReportParticipant:
    name: str
    group: str
    role: str
    answered: int


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
    results: Results
    segments: Segments
    people: tuple[PersonColumn, ...]  # each participant who scored, named by group
    roadmap: tuple[PlannedItem, ...]
    roadmap_is_draft: bool
    participants: tuple[ReportParticipant, ...]
    comments: dict[str, tuple[tuple[str, str], ...]]  # criterion id -> (group, comment)
    paper: str = "A4"


class SafeUrlFetcher(URLFetcher):
    """Serve `data:` URLs and files under static/; refuse everything else (network, file://).

    WeasyPrint logs a refused URL and leaves the resource out; nothing else is fetched, and
    redirects are off, so user text in a report can never reach the network or the disk.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
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


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True)
    )
    environment.filters["prose"] = prose
    environment.filters["level"] = number
    return environment


MIME = {"svg": "image/svg+xml", "png": "image/png"}


def _data_uri(image: bytes, image_format: str) -> str:
    return f"data:{MIME[image_format]};base64," + base64.b64encode(image).decode()


def report_html(data: ReportData, image_format: str = CHART_FORMAT) -> str:
    """The report as HTML, charts embedded as data URIs."""
    framework = data.framework
    sections = {section: charts_in_report(section, data) for section in REPORT_SECTIONS}
    images = {
        chart.name: _data_uri(chart.draw(data, image_format), image_format)
        for shown in sections.values()
        for chart in shown
    }
    intents = {area.id: area.intent for area in data.framework.areas()}
    quotes_of = {area.area_id: _quotes(area, data.comments) for area in data.results.areas()}
    return (
        _environment()
        .get_template("report.html")
        .render(
            data=data,
            charts=sections,
            images=images,
            intents=intents,
            quotes_of=quotes_of,
            horizons=HORIZONS,
            top_gaps=top_gaps(data.results),
            top_strengths=top_strengths(data.results, 3),
            disagreements=disagreements(data.results)[:5],
            figures=Figures(framework),
            method=method_of(framework),
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


def render_pdf(data: ReportData, image_format: str = CHART_FORMAT) -> bytes:
    html = HTML(
        string=report_html(data, image_format),
        base_url=STATIC.as_uri() + "/",
        url_fetcher=SafeUrlFetcher(),
    )
    pdf: bytes = html.write_pdf()
    return pdf


def render_pdf_in_worker(data: ReportData, time_limit: float = TIME_LIMIT_SECONDS) -> bytes:
    """Render in a process of its own, used for this one report: the one `prepare_worker`
    started ahead (already past its imports), else a fresh one. A render that runs past the
    limit is stopped."""
    pool = _take_worker()
    try:
        future = pool.submit(render_pdf, data)
        try:
            return future.result(timeout=time_limit)
        except FutureTimeout:
            for process in list(pool._processes.values()):
                process.terminate()
            raise ReportFailed(
                f"the report took longer than {time_limit:g} s and was stopped"
            ) from None
        except Exception as exc:  # the worker's own error, re-raised here
            raise ReportFailed(f"the report could not be rendered: {exc}") from None
    finally:
        pool.shutdown(wait=False)  # its process ends once this render is done


# The render process started ahead of the next report (in the web server, not the CLI): a
# fresh process per report, as before, without a report waiting for Python to import
# WeasyPrint and matplotlib and for the first render to load fonts (about 2 s).
_spare: ProcessPoolExecutor | None = None
_spare_lock = threading.Lock()


def prepare_worker() -> None:
    """Start the next report's render process now, unless one is waiting already."""
    global _spare
    with _spare_lock:
        if _spare is None:
            _spare = _new_worker()
            _spare.submit(_warm_up)  # starts the process; it imports and warms up meanwhile


def discard_worker() -> None:
    """Stop the waiting render process, if any (the server is stopping)."""
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    if spare is not None:
        spare.shutdown(wait=False, cancel_futures=True)


def _take_worker() -> ProcessPoolExecutor:
    global _spare
    with _spare_lock:
        spare, _spare = _spare, None
    return spare or _new_worker()


def _new_worker() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


def _warm_up() -> None:
    """In a render process before its report: a first render of each kind loads the fonts."""
    HTML(string="<p>Gapwise</p>").write_pdf()
    figure = Figure(figsize=(1, 1))
    figure.add_subplot().plot([0, 1])
    figure.savefig(io.BytesIO(), format="svg")
