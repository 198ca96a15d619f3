"""The PDF report read back with pdftotext, and its renderer kept away from network and disk."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from weasyprint.urls import FatalURLFetchingError

from app.db import repository
from app.db.models import Assessment
from app.domain.answering import AnswerChoice
from app.domain.loading import load_framework
from app.report_data import report_data_of
from app.reports import charts, worker
from app.reports import pdf as report_pdf
from app.reports.pdf import CHART_URL, STATIC, ChartNotDrawn, SafeUrlFetcher, render_pdf
from app.reports.worker import (
    RENDER_COLLECTOR_THRESHOLD,
    ReportFailed,
    discard_worker,
    prepare_worker,
    render_in_worker,
    sparing_collector,
)
from tests.conftest import QUESTIONNAIRES
from tests.factories import Tenant, sign_in, wait_for
from tests.servers import copy_of_demo
from tests.test_cli import gapwise

FRAMEWORK = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text, its line breaks undone (names wrap inside table cells)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    pages = (" ".join(page.split()) for page in result.stdout.decode().split("\f"))
    return [page for page in pages if page]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    return " ".join(pdf_pages(pdf, tmp_path))


def test_the_cli_report_of_the_demo_has_every_area_the_roadmap_and_the_participants(
    tmp_path: Path, demo_template: str
) -> None:
    data = tmp_path / "data"
    copy_of_demo(data, demo_template)
    output = tmp_path / "demo.pdf"

    result = gapwise(
        "report", "1", "-o", str(output), "--prepared-by", "Ann Consultant", data_dir=data
    )

    assert result.returncode == 0, result.stderr
    pages = pdf_pages(output.read_bytes(), tmp_path)
    text = " ".join(pages)
    for area in FRAMEWORK.areas():
        assert area.title in text, area.title
    for heading in ("Executive summary", "Roadmap", "Participants and method"):
        assert heading in text
    # REAP's own words come from its file: the cover, the method's layer order, the reasons
    assert "C U S T O M E R C A PA B I L I T Y" in text  # the cover's letter-spaced kicker
    assert "earlier layers come first (Foundations → Enabling → Execution)" in text
    assert "foundations support or limit every area above them" in text
    assert (
        "9 participants were invited; the results rest on the answers of 7 (7 submitted of 9 "
        "invited; 2 in progress not counted)" in text
    )
    assert "Only submitted answers are counted: answers still in progress are left out" in text
    # per group: invited, answered, counted (the 2 in progress answered but are not counted)
    assert "INVITED ANSWERED COUNTED Front line 3 3 2 Leadership 3 3 3 Management 3 3 2" in text
    assert "Prepared by Ann Consultant" in text
    assert "Raise Leadership & Direction from" in text  # an initiative, drafted from the gaps
    summary = next(page for page in pages if "Strengths to build on" in page)
    assert "Where groups see it differently" in summary  # one page, not a page of three lines
    assert "Levels: 0 Not in place · 1 Ad hoc" in summary  # what "2.0 of 5" means
    assert "2.0 3.5 +1.5" in summary and "of 5 (40 %) of 5 (70 %)" in summary  # they add up
    for area in FRAMEWORK.areas():  # no area's table leaves its last row alone on a page
        *_, before, last = (" ".join(c.text.split()[:4]) for c in area.all_criteria())
        tables = [page for page in pages if "CRITERION" in page and before in page]
        assert len(tables) == 1 and last in tables[0], area.title
    data_management = next(a for a in FRAMEWORK.areas() if a.id == "data-management")
    actions = [" ".join(c.action.split()) for c in data_management.all_criteria() if c.action]
    assert sum(action in text for action in actions) == 3  # its largest gaps' actions
    assert "Page 3 of" in text
    assert "each gap shown is the rounded target minus the" in text  # summary


def test_the_cli_refuses_an_unknown_assessment_or_paper(tmp_path: Path) -> None:
    output = tmp_path / "x.pdf"

    missing = gapwise("report", "42", "-o", str(output), data_dir=tmp_path)
    paper = gapwise("report", "1", "-o", str(output), "--paper", "A3", data_dir=tmp_path)

    assert missing.returncode == 2 and "no assessment with id 42" in missing.stderr
    assert paper.returncode == 2 and "paper: use A4 or Letter, not 'A3'" in paper.stderr
    assert not output.exists()


HOSTILE_PATH = "/hostile-image"


class _Counter(BaseHTTPRequestHandler):
    """Keeps the paths asked for. Only the hostile text's path counts: another process on the
    machine that took the same free port for its own server may poll /healthz here."""

    requested: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the http.server interface)
        type(self).requested.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"fetched")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Counter.requested = []
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.pages_only  # the render, not the data
def test_hostile_text_is_printed_as_text_and_fetches_nothing(
    session: Session, tenants: tuple[Tenant, Tenant], listener: int, tmp_path: Path
) -> None:
    own = tenants[0]
    hostile = (
        f'<img src="http://127.0.0.1:{listener}{HOSTILE_PATH}">'
        "<link rel=attachment href=file:///etc/passwd>"
        "<script>alert(1)</script>"
    )
    own.organisation.name = f"Acme {hostile}"
    session.add(own.organisation)
    repository.save_answer(
        session=session,
        participant=own.participant,
        choice=AnswerChoice("cm-cross-channel-ownership", 1, 4, comment=hostile),
    )
    session.commit()
    data = report_data_of(session=session, assessment=own.assessment, prepared_by=hostile)

    text = pdf_text(render_pdf(data), tmp_path)

    assert HOSTILE_PATH not in _Counter.requested
    assert f'<img src="http://127.0.0.1:{listener}{HOSTILE_PATH}">' in text
    assert "<script>alert(1)</script>" in text
    assert "root:x:0:0" not in text


def test_the_url_fetcher_serves_only_data_and_static_files(listener: int) -> None:
    fetcher = SafeUrlFetcher()

    css = fetcher.fetch((STATIC / "css" / "report.css").as_uri())
    data = fetcher.fetch("data:text/plain;base64,aGk=")

    assert css.content_type == "text/css" and b"@page" in css.read()
    assert data.read() == b"hi"
    for url in (
        f"http://127.0.0.1:{listener}{HOSTILE_PATH}",
        "file:///etc/passwd",
        (STATIC / ".." / "pyproject.toml").as_uri(),
        "file://remote-host/etc/passwd",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError, match="may not load"):
            fetcher.fetch(url)
    assert HOSTILE_PATH not in _Counter.requested


def test_the_url_fetcher_serves_the_reports_own_charts_by_name_only() -> None:
    drawn = {"radar": b"<svg/>"}
    fetcher = SafeUrlFetcher(lambda: drawn)

    chart = fetcher.fetch(CHART_URL + "radar")

    assert chart.content_type == "image/svg+xml" and chart.read() == b"<svg/>"
    with pytest.raises(FatalURLFetchingError, match="'other' could not be drawn"):
        fetcher.fetch(CHART_URL + "other")  # stops the render: no report without a chart
    with pytest.raises(ValueError, match="may not load"):
        SafeUrlFetcher().fetch(CHART_URL + "radar")  # a fetcher given no charts has none


@pytest.mark.pages_only  # the render, not the data
@pytest.mark.parametrize("threads", [1, 2], ids=["charts drawn beside", "charts drawn here"])
def test_every_chart_reaches_the_pdf_whether_drawn_beside_or_here(
    session: Session, tenants, threads: int, monkeypatch, caplog
) -> None:
    data = report_data_of(session=session, assessment=tenants[0].assessment, prepared_by="x")
    monkeypatch.setattr(threading, "active_count", lambda: threads)  # 1: a render process
    caplog.set_level("WARNING", logger="weasyprint")

    assert render_pdf(data).startswith(b"%PDF")

    assert not [r.getMessage() for r in caplog.records]  # WeasyPrint logs an image it missed


@pytest.mark.pages_only  # the render, not the data
@pytest.mark.parametrize("threads", [1, 2], ids=["charts drawn beside", "charts drawn here"])
@pytest.mark.parametrize(
    ("drawn", "why"),
    [(ValueError("matplotlib broke"), "ValueError: matplotlib broke"), ({}, "not drawn")],
    ids=["failed", "missing"],
)
def test_a_chart_that_cannot_be_drawn_stops_the_report(
    session: Session, tenants, threads: int, drawn, why: str, monkeypatch
) -> None:
    """WeasyPrint would leave out an image it could not fetch, and the PDF would be kept."""
    data = report_data_of(session=session, assessment=tenants[0].assessment, prepared_by="x")
    monkeypatch.setattr(threading, "active_count", lambda: threads)

    def chart_images(*_: object) -> dict[str, bytes]:
        if isinstance(drawn, Exception):
            raise drawn
        return drawn

    monkeypatch.setattr(report_pdf, "chart_images", chart_images)

    with pytest.raises(
        ChartNotDrawn, match=re.escape(f"the chart 'radar' could not be drawn ({why})")
    ):
        render_pdf(data)


def test_a_render_past_its_time_limit_is_stopped(session: Session, tenants) -> None:
    data = report_data_of(session=session, assessment=tenants[0].assessment, prepared_by="x")
    prepare_worker()  # still warming up: the request waits in the pipe when time runs out
    process = worker._spare.process

    with pytest.raises(ReportFailed, match="took longer than 0.01 s and was stopped"):
        render_in_worker(render_pdf, data, time_limit=0.01)
    assert process.exitcode == -signal.SIGTERM  # stopped, not left running


def test_the_report_downloads_once_then_comes_from_the_cache(
    client: TestClient, session: Session, settings, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)  # viewers take the report too

    first = client.get(f"/assessments/{own.assessment.id}/report.pdf?paper=Letter")
    cache = settings.data_dir / "cache" / f"assessment-{own.assessment.id}"
    stored = list(cache.glob("report-Letter-*.pdf.*"))
    second = client.get(f"/assessments/{own.assessment.id}/report.pdf?paper=Letter")
    bad = client.get(f"/assessments/{own.assessment.id}/report.pdf?paper=A3")

    assert first.status_code == 200 and first.headers["content-type"] == "application/pdf"
    assert first.content.startswith(b"%PDF") and second.content == first.content
    assert len(stored) == 1
    assert first.headers["content-disposition"] == (
        f'attachment; filename="Acme - Acme baseline - US Letter - {date.today()}.pdf"; '
        f"filename*=UTF-8''Acme%20%E2%80%94%20Acme%20baseline%20%E2%80%94%20US%20Letter"
        f"%20%E2%80%94%20{date.today()}.pdf"
    )
    assert bad.status_code == 422
    assert "Paper: choose one of &#39;A4&#39; or &#39;Letter&#39;" in bad.text
    assert client.get(f"/assessments/{own.assessment.id}/report").status_code == 200
    assert session.exec(select(Assessment)).first() is not None


def test_after_a_report_the_next_render_process_is_told_to_prepare_its_frameworks_charts(
    client: TestClient, tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tenants[0]
    told = []
    monkeypatch.setattr(worker, "prepare_worker", lambda ahead=None: told.append(ahead))
    sign_in(client, own.viewer.email)

    assert client.get(f"/assessments/{own.assessment.id}/report.pdf").status_code == 200

    (ahead,) = told
    assert ahead.func is report_pdf.prepare_charts
    assert ahead.args == (FRAMEWORK,)  # the assessment's: REAP


@pytest.mark.pages_only  # the render, not the data
def test_the_pdf_is_tagged_with_its_title_and_language(
    session: Session, tenants, tmp_path: Path
) -> None:
    data = report_data_of(session=session, assessment=tenants[0].assessment, prepared_by="x")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(data))

    def pdfinfo(*options: str) -> str:
        command = ["pdfinfo", *options, str(path)]
        return subprocess.run(command, capture_output=True, check=True, text=True).stdout

    info = pdfinfo()
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(r"^Title:\s+Acme baseline · Acme$", info, re.MULTILINE)
    assert "<dc:language><rdf:Bag><rdf:li>en-GB</rdf:li>" in pdfinfo("-meta")
    assert 'pdfuaid:part="1"' in pdfinfo("-meta")
    structure = pdfinfo("-struct")
    assert "Document" in structure and "H1" in structure and "Table" in structure
    assert "Figure" in structure


def test_an_empty_assessment_has_no_board_report_but_a_clear_message(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    own = tenants[0]
    snapshot = repository.latest_snapshot(session=session, framework_key="reap-blueprint")
    empty = repository.create_assessment(
        session=session, organisation=own.organisation, snapshot=snapshot, title="Not started"
    )
    session.commit()
    sign_in(client, own.consultant.email)

    response = client.get(f"/assessments/{empty.id}/report.pdf")

    assert response.status_code == 409
    assert "Nothing to report yet: nobody has scored a criterion" in response.text
    assert not response.content.startswith(b"%PDF")


@pytest.mark.pages_only  # the render, not the data
def test_a_report_renders_in_the_process_started_ahead_which_serves_it_alone(
    session: Session, tenants, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = report_data_of(session=session, assessment=tenants[0].assessment, prepared_by="x")
    prepare_worker()  # the real one: the fixtures make the route's a no-op
    spare = worker._spare
    assert spare is not None
    ahead = spare.process  # started before the report was asked for

    document = render_in_worker(render_pdf, data)

    assert document.startswith(b"%PDF") and worker._spare is None
    with monkeypatch.context() as here:  # the charts drawn in this process, not beside
        here.setattr(threading, "active_count", lambda: 2)
        assert pdf_text(document, tmp_path) == pdf_text(render_pdf(data), tmp_path)
    ahead.join(timeout=60)
    assert ahead.exitcode == 0  # one render per process, and it ended on its own
    prepare_worker()
    waiting = worker._spare.process
    discard_worker()
    assert worker._spare is None
    assert not waiting.is_alive()  # a stopping server leaves no render process behind


def _radars_kept(data: object) -> bytes:
    """A render, in the render process: how many radar figures it finds built."""
    return str(len(charts._radars._entries)).encode()


def _fails() -> None:
    raise RuntimeError("work ahead that fails")


@pytest.mark.parametrize(
    ("ahead", "kept"),
    [
        (functools.partial(report_pdf.prepare_charts, FRAMEWORK), b"1"),
        (None, b"0"),
        (_fails, b"0"),  # it only saves time: the render goes on without it
    ],
)
def test_the_process_started_ahead_does_the_work_it_is_told_before_its_render(
    ahead, kept: bytes
) -> None:
    discard_worker()  # one started by another test would not be told
    prepare_worker(ahead=ahead)
    process = worker._spare.process

    assert render_in_worker(_radars_kept, None) == kept
    process.join(timeout=60)
    assert process.exitcode == 0


def test_work_ahead_that_cannot_travel_fails_before_a_process_is_started() -> None:
    discard_worker()
    before = multiprocessing.active_children()

    with pytest.raises(Exception, match="pickle"):
        prepare_worker(ahead=lambda: None)  # a function made here: not picklable

    assert worker._spare is None
    assert multiprocessing.active_children() == before


def test_background_work_can_wait_for_a_render_under_way() -> None:
    prepare_worker()
    process = worker._spare.process
    rendered = threading.Event()
    threading.Thread(  # a second's sleep stands for the render, in a render process
        target=lambda: render_in_worker(time.sleep, 1.0) or rendered.set(), daemon=True
    ).start()
    wait_for(lambda: worker._sent == 1)
    assert not rendered.is_set()

    worker.after_renders(timeout=120)

    assert worker._sent == 0  # it returned when the render ended, not before
    assert rendered.wait(10)
    process.join(timeout=60)  # it ends by itself; the next test counts live processes
    assert process.exitcode == 0


@pytest.mark.pages_only  # the render, not the data
def test_a_render_that_fails_says_why_and_leaves_no_process(session: Session, tenants) -> None:
    data = report_data_of(session=session, assessment=tenants[0].assessment, prepared_by="x")
    data = replace(data, participants=None)  # data the renderer cannot cope with
    prepare_worker()
    process = worker._spare.process

    with pytest.raises(ReportFailed, match="could not be rendered: .*NoneType"):
        render_in_worker(render_pdf, data)
    process.join(timeout=60)
    assert process.exitcode == 0  # it told the renderer's error, then ended by itself


def test_a_report_whose_request_cannot_travel_fails_at_once() -> None:
    started = time.monotonic()

    with pytest.raises(ReportFailed, match="could not be rendered: .*pickle"):
        render_in_worker(render_pdf, lambda: None)  # a function made here: not picklable
    assert time.monotonic() - started < 30  # not the time limit of 120 s
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


@pytest.mark.pages_only  # the render, not the data
def test_a_render_runs_the_cycle_collector_less_often_and_leaves_it_as_it_was(
    session: Session, tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = report_data_of(session=session, assessment=tenants[0].assessment, prepared_by="x")
    before = gc.get_threshold()
    during: list[int] = []
    templates = report_pdf.report_templates
    monkeypatch.setattr(
        report_pdf, "report_templates", lambda: during.append(gc.get_threshold()[0]) or templates()
    )

    assert render_pdf(data).startswith(b"%PDF")

    assert during == [RENDER_COLLECTOR_THRESHOLD] and gc.get_threshold() == before
    with sparing_collector():  # renders overlapping in one process (threads)
        with sparing_collector():
            pass
        assert gc.get_threshold()[0] == RENDER_COLLECTOR_THRESHOLD  # the outer one still runs
    assert gc.get_threshold() == before


def test_the_roadmap_table_shows_owners_only_once_someone_owns_an_initiative(
    session: Session, demo: Assessment
) -> None:
    data = report_data_of(session=session, assessment=demo, prepared_by="x")
    first, *rest = data.roadmap
    owned = replace(data, roadmap=[replace(first, owner="Head of Service"), *rest])

    drafted = report_pdf.report_html(data, charts_at=CHART_URL)
    with_owner = report_pdf.report_html(owned, charts_at=CHART_URL)

    assert data.roadmap_is_draft and "Proposed from the gaps: a starting point" in drafted
    assert "Owner</th>" not in drafted and '<td colspan="4" class="roadmap__actions">' in drafted
    assert "<td>Proposed</td>" in drafted  # a status reads as a word in a sentence would
    assert "Owner</th>" in with_owner and "<td>Head of Service</td>" in with_owner
    assert '<td colspan="5" class="roadmap__actions">' in with_owner


def test_today_and_target_say_alike_what_they_are_out_of(
    session: Session, demo: Assessment
) -> None:
    data = report_data_of(session=session, assessment=demo, prepared_by="x")

    html = report_pdf.report_html(data, charts_at=CHART_URL)

    for label in ("Today", "Target"):  # the cover
        assert re.search(rf'label">{label}</span><strong>[\d.]+</strong><span>of 5</span>', html)
    summary = re.findall(r"<strong>[\d.]+</strong><span>of 5 \(\d+ %\)</span>", html)
    assert len(summary) == 2  # overall today and target on the summary page
