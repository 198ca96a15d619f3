"""The A4 board report drawn in the background as its page opens: ready for the download,
drawn once even when the download comes mid-render, never stale, and nothing for an empty
assessment."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import repository
from app.db.models import AssessmentStatus
from app.main import create_app
from app.reports import worker
from app.web import warming
from app.web.warming import Preparer
from tests.factories import Tenant, csrf_from, sign_in


class Renders:
    """Stands in for the render process: counts the renders, each optionally held up until
    the test lets it go, and returns a document naming its number."""

    def __init__(self) -> None:
        self.count = 0
        self.started = threading.Event()
        self.go_on = threading.Event()
        self.go_on.set()

    def __call__(self, render, data, time_limit: float = 0) -> bytes:
        self.count += 1
        self.started.set()
        assert self.go_on.wait(20)
        return b"%PDF-1.7 render " + str(self.count).encode()


@pytest.fixture
def renders(monkeypatch) -> Renders:
    fake = Renders()
    monkeypatch.setattr(worker, "render_in_worker", fake)
    return fake


@pytest.fixture
def client(settings: Settings, engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"warm_results": True}))) as client:
        yield client


@pytest.fixture
def acme(session: Session, tenants: tuple[Tenant, Tenant]) -> Tenant:
    own = tenants[0]
    repository.set_status(session=session, assessment=own.assessment, status=AssessmentStatus.OPEN)
    session.commit()
    return own


def _answer(client: TestClient, tenant: Tenant, current: int) -> None:
    participant = TestClient(client.app)
    token = csrf_from(participant.get(f"/p/{tenant.invite}").text)
    saved = participant.post(
        f"/p/{tenant.invite}/answers",
        json={"criterion_id": "cm-cross-channel-ownership", "current": current, "target": 4},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert saved.status_code == 200, saved.text


def _cached_reports(settings: Settings, tenant: Tenant) -> list[str]:
    folder = settings.data_dir / "cache" / f"assessment-{tenant.assessment.id}"
    return sorted(p.name for p in folder.glob("report-A4.pdf.*")) if folder.exists() else []


def _wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_opening_the_report_page_draws_the_report_the_download_then_serves(
    client: TestClient, acme: Tenant, settings: Settings, renders: Renders
) -> None:
    _answer(client, acme, current=2)
    sign_in(client, acme.consultant.email)

    page = client.get(f"/assessments/{acme.assessment.id}/report")
    assert page.status_code == 200
    assert "starts being drawn as this page opens" in page.text
    _wait_for(lambda: len(_cached_reports(settings, acme)) == 1)

    pdf = client.get(f"/assessments/{acme.assessment.id}/report.pdf?paper=A4")
    assert pdf.status_code == 200 and pdf.content == b"%PDF-1.7 render 1"
    assert renders.count == 1  # the download drew nothing


def test_a_download_during_the_background_render_waits_for_it_instead_of_drawing_again(
    client: TestClient, acme: Tenant, renders: Renders
) -> None:
    _answer(client, acme, current=2)
    sign_in(client, acme.consultant.email)
    renders.go_on.clear()
    client.get(f"/assessments/{acme.assessment.id}/report")
    assert renders.started.wait(20)

    threading.Timer(0.3, renders.go_on.set).start()  # the background render ends meanwhile
    pdf = client.get(f"/assessments/{acme.assessment.id}/report.pdf")

    assert pdf.content == b"%PDF-1.7 render 1"
    assert renders.count == 1


def test_after_a_change_the_download_is_the_new_report_not_the_one_drawn_ahead(
    client: TestClient, acme: Tenant, settings: Settings, renders: Renders
) -> None:
    _answer(client, acme, current=2)
    sign_in(client, acme.consultant.email)
    client.get(f"/assessments/{acme.assessment.id}/report")
    _wait_for(lambda: len(_cached_reports(settings, acme)) == 1)

    _answer(client, acme, current=3)
    pdf = client.get(f"/assessments/{acme.assessment.id}/report.pdf")

    assert pdf.content == b"%PDF-1.7 render 2"


def test_an_empty_assessment_has_nothing_drawn_and_nothing_logged(
    client: TestClient,
    acme: Tenant,
    session: Session,
    settings: Settings,
    renders: Renders,
    caplog,
    monkeypatch,
) -> None:
    snapshot = repository.latest_snapshot(session=session, framework_key="reap-blueprint")
    empty = repository.create_assessment(
        session=session, organisation=acme.organisation, snapshot=snapshot, title="Not started"
    )
    session.commit()
    sign_in(client, acme.consultant.email)
    prepared = threading.Event()
    prepare = warming.prepare_report

    def prepare_and_tell(**kwargs) -> None:
        try:
            prepare(**kwargs)
        finally:
            prepared.set()

    monkeypatch.setattr(warming, "prepare_report", prepare_and_tell)
    assert client.get(f"/assessments/{empty.id}/report").status_code == 200
    assert prepared.wait(20)

    assert renders.count == 0
    assert not (settings.data_dir / "cache" / f"assessment-{empty.id}").exists()
    assert "preparing" not in caplog.text
    assert client.get(f"/assessments/{empty.id}/report.pdf").status_code == 409


def test_with_warming_off_nothing_is_drawn_ahead_and_the_page_says_so(
    settings: Settings, engine, acme: Tenant, renders: Renders
) -> None:
    with TestClient(create_app(settings)) as client:  # the tests' settings turn it off
        _answer(client, acme, current=2)
        sign_in(client, acme.consultant.email)
        page = client.get(f"/assessments/{acme.assessment.id}/report")
        time.sleep(0.3)

    assert "takes a few seconds while it is drawn" in page.text
    assert renders.count == 0


def test_a_key_asked_for_again_while_it_waits_is_prepared_once() -> None:
    done: list[str] = []
    busy, release = threading.Event(), threading.Event()

    def prepare(key: str) -> None:
        if key == "first":
            busy.set()
            release.wait(20)
        done.append(key)

    preparer: Preparer[str] = Preparer(prepare)
    preparer.prepare("first")
    assert busy.wait(20)
    for _ in range(3):
        preparer.prepare("report")  # the page reloaded while the first one runs
    release.set()
    _wait_for(lambda: len(done) == 2)
    time.sleep(0.1)
    preparer.stop()

    assert done == ["first", "report"]


def test_a_preparation_that_fails_is_logged_and_the_next_still_runs(caplog) -> None:
    done: list[str] = []

    def prepare(key: str) -> None:
        if key == "broken":
            raise RuntimeError("the database went away")
        done.append(key)

    preparer: Preparer[str] = Preparer(prepare)
    preparer.prepare("broken")
    preparer.prepare("fine")
    _wait_for(lambda: done == ["fine"])
    preparer.stop()

    assert done == ["fine"]
    assert "preparing broken failed" in caplog.text
