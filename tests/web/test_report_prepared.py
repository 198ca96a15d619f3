"""The A4 board report drawn in the background as its page opens, and again for its latest
reader once a change settles: ready for the download, drawn once even when the download comes
mid-render, never stale, and nothing for an empty assessment."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import repository
from app.main import create_app
from app.reports import cache, worker
from app.web import warming
from app.web.warming import Preparer
from tests.factories import Tenant, answer_one, sign_in, wait_for


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


def _cached_reports(settings: Settings, tenant: Tenant) -> list[str]:
    folder = settings.data_dir / "cache" / f"assessment-{tenant.assessment.id}"
    return sorted(p.name for p in folder.glob("report-A4-*.pdf.*")) if folder.exists() else []


def test_opening_the_report_page_draws_the_report_the_download_then_serves(
    warm_client: TestClient, acme: Tenant, settings: Settings, renders: Renders
) -> None:
    answer_one(warm_client, acme, current=2)
    sign_in(warm_client, acme.consultant.email)

    page = warm_client.get(f"/assessments/{acme.assessment.id}/report")
    assert page.status_code == 200
    assert "prepared as this page opens, and again after changes" in page.text
    wait_for(lambda: len(_cached_reports(settings, acme)) == 1)

    pdf = warm_client.get(f"/assessments/{acme.assessment.id}/report.pdf?paper=A4")
    assert pdf.status_code == 200 and pdf.content == b"%PDF-1.7 render 1"
    assert renders.count == 1  # the download drew nothing


def test_a_download_during_the_background_render_waits_for_it_instead_of_drawing_again(
    warm_client: TestClient, acme: Tenant, renders: Renders, monkeypatch
) -> None:
    answer_one(warm_client, acme, current=2)
    sign_in(warm_client, acme.consultant.email)
    guard = CountedLock()
    monkeypatch.setattr(cache, "_rendering_guard", guard)
    renders.go_on.clear()
    warm_client.get(f"/assessments/{acme.assessment.id}/report")
    assert renders.started.wait(20)  # the background render holds the file's lock

    with ThreadPoolExecutor(1) as pool:
        download = pool.submit(warm_client.get, f"/assessments/{acme.assessment.id}/report.pdf")
        wait_for(guard.taken_by_a_request)  # the download has reached the file's lock
        renders.go_on.set()
        pdf = download.result(20)

    assert pdf.content == b"%PDF-1.7 render 1"
    assert renders.count == 1


class CountedLock:
    """The cache's guard, noting which threads took it: a thread takes it before it renders
    a file or waits for one being rendered."""

    def __init__(self) -> None:
        self._lock, self.takers = threading.Lock(), []

    def __enter__(self) -> None:
        self._lock.acquire()
        self.takers.append(threading.current_thread().name)

    def taken_by_a_request(self) -> bool:
        """Taken by a thread serving a request, not by the background ones (gapwise-...)."""
        return any(not name.startswith("gapwise-") for name in self.takers)

    def __exit__(self, *_: object) -> None:
        self._lock.release()


def test_two_readers_each_keep_their_own_report(
    warm_client: TestClient, acme: Tenant, settings: Settings, renders: Renders
) -> None:
    """Each reader's name is on the cover: one reader's report never replaces another's."""
    answer_one(warm_client, acme, current=2)
    viewer = TestClient(warm_client.app)
    sign_in(warm_client, acme.consultant.email)
    sign_in(viewer, acme.viewer.email)
    for reader in (warm_client, viewer, warm_client, viewer):
        assert reader.get(f"/assessments/{acme.assessment.id}/report.pdf").status_code == 200

    assert renders.count == 2


def test_after_a_change_the_download_is_the_new_report_not_the_one_drawn_ahead(
    warm_client: TestClient, acme: Tenant, settings: Settings, renders: Renders
) -> None:
    answer_one(warm_client, acme, current=2)
    sign_in(warm_client, acme.consultant.email)
    warm_client.get(f"/assessments/{acme.assessment.id}/report")
    wait_for(lambda: len(_cached_reports(settings, acme)) == 1)

    answer_one(warm_client, acme, current=3)
    pdf = warm_client.get(f"/assessments/{acme.assessment.id}/report.pdf")

    assert pdf.content == b"%PDF-1.7 render 2"


def test_an_empty_assessment_has_nothing_drawn_and_nothing_logged(
    warm_client: TestClient,
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
    sign_in(warm_client, acme.consultant.email)
    prepared = threading.Event()
    prepare = warming.prepare_report

    def prepare_and_tell(**kwargs) -> None:
        try:
            prepare(**kwargs)
        finally:
            prepared.set()

    monkeypatch.setattr(warming, "prepare_report", prepare_and_tell)
    assert warm_client.get(f"/assessments/{empty.id}/report").status_code == 200
    assert prepared.wait(20)

    assert renders.count == 0
    assert not (settings.data_dir / "cache" / f"assessment-{empty.id}").exists()
    assert "preparing" not in caplog.text
    assert warm_client.get(f"/assessments/{empty.id}/report.pdf").status_code == 409


def test_with_warming_off_nothing_is_drawn_ahead_and_the_page_says_so(
    settings: Settings, engine, acme: Tenant, renders: Renders
) -> None:
    with TestClient(create_app(settings)) as client:  # the tests' settings turn it off
        assert client.app.state.background is None
        answer_one(client, acme, current=2)
        sign_in(client, acme.consultant.email)
        page = client.get(f"/assessments/{acme.assessment.id}/report")

    assert "takes a few seconds while it is drawn" in page.text
    assert renders.count == 0


class Drawings:
    """Stands in for drawing a report in the preparer: notes each (assessment, reader) drawn,
    and holds the drawing of `held` until `release` is set, so that requests queue behind it."""

    def __init__(self, held: int | None = None) -> None:
        self.held = held
        self.done: list[tuple[int, str]] = []
        self.busy, self.release = threading.Event(), threading.Event()

    def __call__(self, assessment_id: int, reader: str) -> None:
        if assessment_id == self.held:
            self.busy.set()
            assert self.release.wait(20)
        self.done.append((assessment_id, reader))


def _preparer(prepare, **kwargs) -> Preparer:
    preparer = Preparer(prepare, **kwargs)
    preparer.start()
    return preparer


def test_an_assessment_waits_once_for_its_latest_reader() -> None:
    drawn = Drawings(held=1)
    preparer = _preparer(drawn)
    preparer.prepare(1, "Ana")
    assert drawn.busy.wait(20)
    for reader in ("Ben", "Ben", "Cleo"):
        preparer.prepare(2, reader)  # reloads, then another reader, while the first draws
    preparer.prepare(3, "Ana")  # sentinel: drawn after the others
    drawn.release.set()
    wait_for(lambda: (3, "Ana") in drawn.done)
    preparer.stop()

    assert drawn.done == [(1, "Ana"), (2, "Cleo"), (3, "Ana")]


def test_beyond_the_limit_the_oldest_waiting_request_is_dropped() -> None:
    drawn = Drawings(held=0)
    preparer = _preparer(drawn, max_waiting=2)
    preparer.prepare(0, "Ana")
    assert drawn.busy.wait(20)
    for assessment_id in (1, 2, 3):  # someone clicking through assessments
        preparer.prepare(assessment_id, "Ana")
    drawn.release.set()
    wait_for(lambda: (3, "Ana") in drawn.done)
    preparer.stop()

    assert [assessment_id for assessment_id, _ in drawn.done] == [0, 2, 3]


def test_a_preparation_that_fails_is_logged_and_the_next_still_runs(caplog) -> None:
    done: list[int] = []

    def prepare(assessment_id: int, reader: str) -> None:
        if assessment_id == 1:
            raise RuntimeError("the database went away")
        done.append(assessment_id)

    preparer = _preparer(prepare)
    preparer.prepare(1, "ana@example.com")
    preparer.prepare(2, "ana@example.com")
    wait_for(lambda: done == [2])
    preparer.stop()

    assert "preparing the report of assessment 1 failed" in caplog.text
    assert "ana@example.com" not in caplog.text  # nobody's name or address in the log


def test_after_stopping_a_request_is_ignored() -> None:
    preparer = _preparer(lambda *_: pytest.fail("prepared after stop"))
    preparer.stop()
    preparer.prepare(1, "Ana")  # a page served during shutdown: no error, nothing drawn


@pytest.fixture
def quick_redraw(settings: Settings, monkeypatch) -> Iterator[TestClient]:
    """A warm app whose report is drawn again a fifth of a second after a change settles,
    however recently it was drawn (the gap between redraws is tested in test_warming.py:
    here a first change, made before anyone opened the report, could be taken up by the
    redrawer after a page had opened, and start a gap longer than the test waits)."""
    monkeypatch.setattr(warming, "REPORT_QUIET", 0.2)
    monkeypatch.setattr(warming, "REPORT_APART", 0.0)
    with TestClient(create_app(settings.model_copy(update={"warm_results": True}))) as client:
        yield client


def test_after_a_change_settles_the_latest_readers_report_is_drawn_again(
    quick_redraw: TestClient, acme: Tenant, settings: Settings, renders: Renders
) -> None:
    answer_one(quick_redraw, acme, current=2)
    viewer = TestClient(quick_redraw.app)
    sign_in(quick_redraw, acme.consultant.email)
    sign_in(viewer, acme.viewer.email)
    quick_redraw.get(f"/assessments/{acme.assessment.id}/report")
    wait_for(lambda: renders.count == 1)
    viewer.get(f"/assessments/{acme.assessment.id}/report")  # the latest reader
    wait_for(lambda: renders.count == 2)

    answer_one(quick_redraw, acme, current=3)
    wait_for(lambda: renders.count == 3)  # the viewer's, drawn without anyone asking
    pdf = viewer.get(f"/assessments/{acme.assessment.id}/report.pdf?paper=A4")
    assert pdf.content == b"%PDF-1.7 render 3"  # the new answer's report, from the cache
    earlier_reader = quick_redraw.get(f"/assessments/{acme.assessment.id}/report.pdf")
    assert earlier_reader.content == b"%PDF-1.7 render 4"  # drawn now: not the latest reader


def test_again_draws_for_the_latest_reader_and_nothing_for_a_report_nobody_opened() -> None:
    drawn = Drawings()
    preparer = _preparer(drawn)
    done = drawn.done
    preparer.prepare(2, "Ana")
    preparer.prepare(2, "Ben")
    preparer.prepare(3, "Cleo")
    wait_for(lambda: (3, "Cleo") in done)
    for assessment_id in (1, 2, 3):  # changes; nobody opened the report of the first
        preparer.again(assessment_id)
    wait_for(lambda: done.count((3, "Cleo")) == 2)  # the last redraw asked for
    preparer.stop()

    assert all(assessment_id != 1 for assessment_id, _ in done)
    assert done[-2:] == [(2, "Ben"), (3, "Cleo")]


def test_a_reader_is_forgotten_after_a_while_and_beyond_the_limit(monkeypatch) -> None:
    monkeypatch.setattr(warming, "MAX_READERS", 2)
    drawn = Drawings()
    preparer = _preparer(drawn)
    done = drawn.done
    for assessment_id in (1, 2, 3):
        preparer.prepare(assessment_id, "Ana")
    wait_for(lambda: len(done) == 3)
    preparer.again(1)  # the oldest of three, beyond the limit of two
    monkeypatch.setattr(warming, "READER_KEPT", 0.0)
    preparer.again(2)  # opened longer ago than READER_KEPT
    preparer.prepare(4, "Ana")  # sentinel
    wait_for(lambda: (4, "Ana") in done)
    preparer.stop()

    assert done == [(1, "Ana"), (2, "Ana"), (3, "Ana"), (4, "Ana")]


def test_a_page_just_opened_is_drawn_before_a_redraw_after_a_change() -> None:
    drawn = Drawings(held=0)
    preparer = _preparer(drawn)
    preparer.prepare(1, "Ana")
    wait_for(lambda: (1, "Ana") in drawn.done)
    preparer.prepare(0, "Ben")
    assert drawn.busy.wait(20)
    preparer.again(1)  # a change to the first, then someone opens another report
    preparer.prepare(2, "Cleo")
    drawn.release.set()
    wait_for(lambda: len(drawn.done) == 4)
    preparer.stop()

    assert drawn.done == [(1, "Ana"), (0, "Ben"), (2, "Cleo"), (1, "Ana")]
