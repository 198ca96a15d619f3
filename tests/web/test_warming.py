"""Results warmed in the background after a change: debounced, never stale, never in the way."""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.db import repository
from app.db import results as stored_results
from app.db.models import Assessment
from app.domain.evidence import EVERYONE
from app.main import create_app
from app.reports import worker
from app.web import warming
from app.web.collector import COLLECTOR_THRESHOLD
from app.web.routes import results as results_routes
from app.web.warming import Warmer
from tests.factories import Tenant, answer_one, sign_in, wait_for


def test_changes_close_together_are_warmed_once() -> None:
    done: list[int] = []
    warmer = Warmer(done.append, quiet=0.2, at_most=5)
    warmer.start()
    for _ in range(5):
        warmer.changed([7])
        time.sleep(0.02)
    warmer.changed([8])
    wait_for(lambda: len(done) >= 2)
    time.sleep(0.4)
    warmer.stop()

    assert sorted(done) == [7, 8]


class _CountedCondition(threading.Condition):
    notified = 0

    def notify(self, n: int = 1) -> None:
        self.notified += 1
        super().notify(n)


def test_only_an_assessment_not_waiting_yet_wakes_the_warmer() -> None:
    """A workshop's saves each note a change: the thread is woken for the first one, not for
    the 200 that follow (each wake was two thread switches on a save)."""
    done: list[int] = []
    warmer = Warmer(done.append, quiet=0.2, at_most=5)
    warmer._wake = wake = _CountedCondition()
    warmer.start()
    for _ in range(200):
        warmer.changed([7])
    warmer.changed([7, 8])
    wait_for(lambda: len(done) >= 2)
    warmer.changed([7])
    wait_for(lambda: len(done) >= 3)
    warmer.stop()

    assert sorted(done) == [7, 7, 8]
    assert wake.notified == 4  # 7, then 8, then 7 again once warmed; and the stop


def test_changes_that_keep_coming_are_still_warmed_every_so_often() -> None:
    done: list[int] = []
    warmer = Warmer(done.append, quiet=0.2, at_most=0.5)
    warmer.start()
    started = time.monotonic()
    while time.monotonic() - started < 1.6:  # a change every 50 ms: never quiet
        warmer.changed([7])
        time.sleep(0.05)
    warmer.stop()

    assert 2 <= len(done) <= 4


def test_an_assessment_is_warmed_no_sooner_than_apart_after_a_warm_that_did_something() -> None:
    warmed: list[float] = []

    def warm(assessment_id: int) -> bool:
        warmed.append(time.monotonic())
        return assessment_id == 1  # the second did nothing: it does not count

    warmer = Warmer(warm, quiet=0.05, at_most=5, apart=1.0)
    warmer.start()
    warmer.changed([2])
    wait_for(lambda: len(warmed) == 1)
    warmer.changed([2])  # did nothing last time: warmed as soon as it is quiet
    wait_for(lambda: len(warmed) == 2)
    warmer.changed([1])
    wait_for(lambda: len(warmed) == 3)
    warmer.changed([1])  # changed again just after: quiet at once, but warmed a while ago
    wait_for(lambda: len(warmed) == 4)
    warmer.stop()

    assert warmed[1] - warmed[0] < 1.0 and warmed[3] - warmed[2] >= 1.0


def test_a_warm_that_fails_is_logged_and_the_next_one_still_runs(caplog) -> None:
    done: list[int] = []

    def warm(assessment_id: int) -> None:
        if assessment_id == 1:
            raise RuntimeError("the database went away")
        done.append(assessment_id)

    warmer = Warmer(warm, quiet=0.01)
    warmer.start()
    warmer.changed([1])
    wait_for(lambda: "warming assessment 1 failed" in caplog.text)
    warmer.changed([2])
    wait_for(lambda: done == [2])
    warmer.stop()


def _mean_shown(client: TestClient, tenant: Tenant) -> float:
    shown = client.get(
        f"/api/v1/assessments/{tenant.assessment.id}/results",
        headers={"Authorization": f"Bearer {tenant.token}"},
    ).json()
    (criterion,) = (
        c
        for layer in shown["results"]["layers"]
        for area in layer["areas"]
        for c in [*area["criteria"], *(c for s in area["sub_components"] for c in s["criteria"])]
        if c["criterion_id"] == "cm-cross-channel-ownership"
    )
    return criterion["current"]["mean"]


def test_after_a_save_the_results_and_charts_are_ready_before_anyone_looks(
    warm_client: TestClient, acme: Tenant, settings: Settings, session: Session, monkeypatch
) -> None:
    sign_in(warm_client, acme.consultant.email)
    warmed = threading.Event()
    prepare = results_routes.prepare_results

    def prepare_and_tell(**kwargs) -> None:
        prepare(**kwargs)
        warmed.set()

    monkeypatch.setattr(warming, "prepare_results", prepare_and_tell)
    answer_one(warm_client, acme, current=2)
    assert warmed.wait(20)
    session.refresh(acme.assessment)
    version = repository.data_version(session=session, assessment=acme.assessment)
    cache = settings.data_dir / "cache" / f"assessment-{acme.assessment.id}"
    assert (cache / f"radar.svg.{version}").exists()
    kept = (str(session.get_bind().url), acme.assessment.id, version, EVERYONE)
    assert kept in stored_results._recent  # the default view

    # Nothing is scored or drawn on the view: it is all there.
    monkeypatch.setattr(stored_results, "score_assessment", lambda *a: pytest.fail("scored"))
    monkeypatch.setattr(results_routes, "_for_screen", lambda *a: pytest.fail("drawn"))
    assert warm_client.get(f"/assessments/{acme.assessment.id}/results").status_code == 200
    assert warm_client.get(f"/assessments/{acme.assessment.id}/charts/radar.svg").status_code == 200
    assert _mean_shown(warm_client, acme) == 2


def test_the_results_wait_while_the_worker_renders_a_report(
    warm_client: TestClient, acme: Tenant, monkeypatch
) -> None:
    """The render someone waits for keeps the second core for its charts."""
    warmed = threading.Event()
    monkeypatch.setattr(warming, "prepare_results", lambda **_: warmed.set())

    with worker.sent_to_render():
        answer_one(warm_client, acme, current=2)
        assert not warmed.wait(warming.QUIET + 1.0)  # due, but a render is under way
    assert warmed.wait(20)


def test_a_change_while_warming_is_shown_on_the_next_view(
    warm_client: TestClient, acme: Tenant, monkeypatch
) -> None:
    """The warmer computes one version while a newer one commits: the view shows the newer."""
    inside, release = threading.Event(), threading.Event()
    prepare = results_routes.prepare_results

    def slow_prepare(**kwargs) -> None:
        prepare(**kwargs)
        inside.set()
        release.wait(20)

    monkeypatch.setattr(warming, "prepare_results", slow_prepare)
    answer_one(warm_client, acme, current=1)
    assert inside.wait(20)  # warmed the first change, and is still busy
    answer_one(warm_client, acme, current=3)
    try:
        assert _mean_shown(warm_client, acme) == 3
    finally:
        release.set()


def test_warming_can_be_turned_off(settings: Settings, engine, acme: Tenant, monkeypatch) -> None:
    monkeypatch.setattr(warming, "prepare_results", lambda **_: pytest.fail("warmed while off"))
    with TestClient(create_app(settings)) as client:  # the tests' settings turn it off
        assert client.app.state.background is None
        answer_one(client, acme, current=2)
        time.sleep(0.3)


def test_a_view_and_the_warming_asking_at_once_score_once(
    engine, acme: Tenant, monkeypatch
) -> None:
    scored: list[int] = []
    score = stored_results.score_assessment

    def slow_score(*args):
        scored.append(1)
        time.sleep(0.2)
        return score(*args)

    monkeypatch.setattr(stored_results, "score_assessment", slow_score)
    start = threading.Barrier(4)
    assessment_id = acme.assessment.id  # read here: the fixture's session is not for threads

    def ask() -> str:
        with Session(engine) as session:
            assessment = session.get(Assessment, assessment_id)
            start.wait(timeout=30)
            return stored_results.results_of(session=session, assessment=assessment).version

    with ThreadPoolExecutor(4) as pool:
        versions = set(pool.map(lambda _: ask(), range(4)))

    assert len(versions) == 1
    assert len(scored) == 1


def test_a_serving_app_runs_the_cycle_collector_less_often(settings: Settings, engine) -> None:
    """Full collections walked the whole heap during first views after a change (see
    app/web/collector.py); a started app raises the threshold for its process."""
    before = gc.get_threshold()
    gc.set_threshold(700, *before[1:])  # Python's default, whatever ran before
    try:
        with TestClient(create_app(settings)):
            assert gc.get_threshold()[0] == COLLECTOR_THRESHOLD
    finally:
        gc.set_threshold(*before)
