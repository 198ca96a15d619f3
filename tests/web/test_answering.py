"""A participant answers through their invite link: autosave, plain form posts, review, submit."""

from __future__ import annotations

import asyncio
import html
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine, make_url, update
from sqlmodel import Session, select

from app.db import accounts, repository
from app.db.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    SQLITE_SAVES_AT_ONCE,
    core_connection,
    saves_at_once,
)
from app.db.models import (
    Answer,
    AssessmentStatus,
    InviteToken,
    Organisation,
    Participant,
    utc_now,
)
from app.domain.answering import AnswerChoice
from app.domain.loading import load_framework
from tests.conftest import QUESTIONNAIRES
from tests.factories import Tenant, csrf_from, make_1_0_assessment

REAP = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")
CRITERION = "cm-cross-channel-ownership"  # in Channels & Media, answered by the factory


@pytest.fixture
def acme(session: Session, tenants) -> Tenant:
    """Acme's assessment, open for answers."""
    own = tenants[0]
    repository.set_status(session=session, assessment=own.assessment, status=AssessmentStatus.OPEN)
    session.commit()
    return own


def _save(client: TestClient, tenant: Tenant, answer: dict):
    return _post(client, tenant, csrf_from(client.get(f"/p/{tenant.invite}").text), answer)


def _post(client: TestClient, tenant: Tenant, csrf_token: str, answer: dict):
    """An autosave with a CSRF token taken earlier (before the link stopped working)."""
    return client.post(
        f"/p/{tenant.invite}/answers",
        json=answer,
        headers={"X-CSRF-Token": csrf_token, "Accept": "application/json"},
    )


def _stored(session: Session, tenant: Tenant) -> dict[str, AnswerChoice]:
    session.expire_all()
    return repository.choices_of(session=session, participant=tenant.participant)


def test_start_page_explains_the_scale_and_the_time(client: TestClient, acme: Tenant) -> None:
    page = client.get(f"/p/{acme.invite}")

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    for text in (
        "Welcome, Acme participant",
        "106 statements",
        "about 55 minutes",
        "Optimised",
        "Each statement, as written, describes level 4 (Embedded)",
        # the consultant's exports name who answered: the promise says so, not "never"
        "The consultants running the assessment, and the administrators of this service, can",
    ):
        assert text in page.text
    assert "Continue with Leadership &amp; Direction" in page.text  # one answer already given


def test_autosave_stores_one_answer_and_reports_progress(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    answer = {"criterion_id": "ld-customer-strategy", "current": 2, "target": 4, "comment": "Seen"}

    first = _save(client, acme, answer)
    again = _save(client, acme, answer)

    assert first.status_code == 200, first.text
    assert first.json() == again.json()
    assert first.json()["answered"] == 2 and first.json()["total"] == 106
    assert first.json()["areas"]["leadership-direction"] == 1
    assert _stored(session, acme)["ld-customer-strategy"] == AnswerChoice(
        "ld-customer-strategy", 2, 4, comment="Seen"
    )
    assert len(_stored(session, acme)) == 2


def test_dont_know_clears_the_levels(client: TestClient, session: Session, acme: Tenant) -> None:
    response = _save(
        client, acme, {"criterion_id": CRITERION, "current": 3, "target": 4, "dont_know": True}
    )

    assert response.status_code == 200
    assert _stored(session, acme)[CRITERION] == AnswerChoice(CRITERION, dont_know=True)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"criterion_id": CRITERION, "current": 6}, "current: must be one of 0, 1, 2, 3, 4 or 5"),
        ({"criterion_id": CRITERION, "target": -1}, "target: must be one of 0, 1, 2, 3, 4 or 5"),
        ({"criterion_id": "no-such-criterion", "current": 1}, "criterion_id: 'no-such-criterion'"),
        ({"criterion_id": CRITERION, "current": "3"}, "Current: give a whole number"),
        ({"criterion_id": CRITERION, "current": 2.5}, "Current: give a whole number"),
        ({"criterion_id": CRITERION, "comment": "x" * 4001}, "Comment: at most 4000 characters"),
        ({"criterion_id": CRITERION, "extra": 1}, "Extra: this field is not expected here"),
    ],
)
def test_a_refused_answer_names_the_field_and_changes_nothing(
    client: TestClient, session: Session, acme: Tenant, answer: dict, message: str
) -> None:
    response = _save(client, acme, answer)

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert _stored(session, acme)[CRITERION].comment == "secret comment of Acme"


@pytest.mark.parametrize("status", [AssessmentStatus.DRAFT, AssessmentStatus.CLOSED])
def test_answers_cannot_change_unless_the_assessment_is_open(
    client: TestClient, session: Session, acme: Tenant, status: AssessmentStatus
) -> None:
    repository.set_status(session=session, assessment=acme.assessment, status=status)
    session.commit()

    response = _save(client, acme, {"criterion_id": CRITERION, "current": 5, "target": 5})
    area = client.get(f"/p/{acme.invite}/areas/channels-media")

    assert response.status_code == 409
    assert ("not opened yet" if status == "draft" else "closed") in response.json()["detail"]
    assert _stored(session, acme)[CRITERION].current == 1
    assert area.status_code == 200 and "disabled" in area.text
    assert "Save and continue" not in area.text and 'type="submit"' not in area.text


LINK_ENDINGS = {
    "revoked": lambda session, tenant: accounts.revoke_invites(
        session=session, participant=tenant.participant
    ),
    "expired": lambda session, tenant: session.exec(
        update(InviteToken).values(expires_at=utc_now() - timedelta(minutes=1))
    ),
}


@pytest.mark.parametrize("ending", LINK_ENDINGS)
def test_a_revoked_or_expired_link_answers_404_and_saves_nothing(
    client: TestClient, session: Session, acme: Tenant, ending: str
) -> None:
    token = csrf_from(client.get(f"/p/{acme.invite}").text)
    LINK_ENDINGS[ending](session, acme)
    session.commit()

    response = _post(client, acme, token, {"criterion_id": CRITERION, "current": 5})

    assert response.status_code == 404
    assert "This link does not open a questionnaire any more" in response.json()["detail"]
    assert _stored(session, acme)[CRITERION].current == 1


def _autosave_one(client: TestClient, tenant: Tenant) -> tuple[Response, str]:
    response = _save(client, tenant, {"criterion_id": CRITERION, "current": 5})
    return response, response.json()["detail"]


def _post_the_area_form(client: TestClient, tenant: Tenant) -> tuple[Response, str]:
    area = client.get(f"/p/{tenant.invite}/areas/channels-media")
    form = {"csrf_token": csrf_from(area.text)}
    for criterion in area.context["page"].area.all_criteria():
        form |= {f"{criterion.id}.current": "2", f"{criterion.id}.target": "4"}
        form[f"{criterion.id}.comment"] = ""
    response = client.post(f"/p/{tenant.invite}/areas/channels-media", data=form)
    return response, html.unescape(response.text)


SAVE_DOORS = {"autosave": _autosave_one, "area form": _post_the_area_form}


@pytest.mark.parametrize("door", SAVE_DOORS.values(), ids=SAVE_DOORS.keys())
def test_a_participant_removed_after_their_link_was_checked_saves_nothing(
    client: TestClient, engine: Engine, acme: Tenant, monkeypatch: pytest.MonkeyPatch, door
) -> None:
    """The consultant removes someone while their save is under way, between the link's
    check and the write: the save is refused as a dead link's, through either door and on
    either database."""
    save = repository.save_answer

    def removed_then_saved(**kwargs) -> None:
        with Session(engine) as other:
            gone = other.get(Participant, acme.participant.id)
            repository.delete_participant(session=other, participant=gone)
            other.commit()
        save(**kwargs)

    monkeypatch.setattr(repository, "save_answer", removed_then_saved)
    response, shown = door(client, acme)

    assert response.status_code == 404
    assert "This link does not open a questionnaire any more" in shown
    with Session(engine) as session:
        theirs = select(Answer).where(Answer.participant_id == acme.participant.id)
        assert session.exec(theirs).all() == []  # the factory's answer went with them


def test_a_save_after_submitting_is_refused_with_the_day_and_notes_the_link_used(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    """What a save reads as plain values (the participant, the link's times) still decides:
    submitted answers are locked, and a link's first use is noted."""
    token = csrf_from(client.get(f"/p/{acme.invite}").text)
    repository.set_submitted(session=session, participant=acme.participant, submitted=True)
    session.exec(update(InviteToken).values(last_used_at=None))
    session.commit()

    response = _post(client, acme, token, {"criterion_id": CRITERION, "current": 5})

    assert response.status_code == 409
    submitted = acme.participant.submitted_at
    assert f"You submitted your answers on {submitted:%-d %B %Y}" in response.json()["detail"]
    assert _stored(session, acme)[CRITERION].current == 1
    own_link = select(InviteToken.last_used_at).where(
        InviteToken.participant_id == acme.participant.id
    )
    assert session.exec(own_link).one() is not None


def test_autosave_without_the_csrf_header_is_refused(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    client.get(f"/p/{acme.invite}")

    response = client.post(f"/p/{acme.invite}/answers", json={"criterion_id": CRITERION})

    assert response.status_code == 403
    assert _stored(session, acme)[CRITERION].current == 1


NOT_JSON = "Request: send it as JSON, with Content-Type: application/json."
AS_TEXT = json.dumps({"criterion_id": CRITERION, "current": 2, "target": 3}).encode()


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("application/json", b'{"criterion_id": ', "Request: this is not valid JSON."),
        ("application/json", b"[1, 2]", "Request: "),
        ("application/json", b'{"current": 2}', "Criterion id: this is required."),
        ("text/plain", AS_TEXT, NOT_JSON),  # an answer, but not said to be JSON
    ],
)
def test_a_body_that_is_not_an_answer_is_refused_in_words(
    client: TestClient,
    session: Session,
    acme: Tenant,
    content_type: str,
    body: bytes,
    message: str,
) -> None:
    response = client.post(
        f"/p/{acme.invite}/answers",
        content=body,
        headers={
            "X-CSRF-Token": csrf_from(client.get(f"/p/{acme.invite}").text),
            "Content-Type": content_type,
            "Accept": "application/json",
        },
    )

    assert response.status_code == 422
    assert response.json()["detail"].startswith(message)
    assert _stored(session, acme)[CRITERION].current == 1


def test_an_answer_sent_as_a_form_is_refused_in_words(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    """The CSRF token in the form itself (read from the body before the JSON is), not in the
    header: refused as not JSON, never a server error."""
    token = csrf_from(client.get(f"/p/{acme.invite}").text)

    response = client.post(
        f"/p/{acme.invite}/answers",
        data={"csrf_token": token, "criterion_id": CRITERION, "current": "2"},
        headers={"Accept": "application/json"},
    )

    assert (response.status_code, response.json()["detail"]) == (422, NOT_JSON)
    assert _stored(session, acme)[CRITERION].current == 1


def test_the_plain_form_saves_an_area_and_goes_to_the_next(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    """Without JavaScript: one post per area, then on to the next area."""
    area = client.get(f"/p/{acme.invite}/areas/channels-media")
    ids = [c.id for c in area.context["page"].area.all_criteria()]
    form = {"csrf_token": csrf_from(area.text)}
    for criterion_id in ids:
        form |= {f"{criterion_id}.current": "2", f"{criterion_id}.target": "4"}
        form[f"{criterion_id}.comment"] = ""
    form[f"{ids[1]}.dont_know"] = "yes"
    form[f"{ids[2]}.comment"] = "  We have a plan  "

    response = client.post(
        f"/p/{acme.invite}/areas/channels-media", data=form, follow_redirects=False
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/p/{acme.invite}/areas/experience-management"
    stored = _stored(session, acme)
    assert stored[ids[0]] == AnswerChoice(ids[0], 2, 4)
    assert stored[ids[1]] == AnswerChoice(ids[1], dont_know=True)
    assert stored[ids[2]].comment == "We have a plan"
    assert len(stored) == len(ids)


def test_a_tampered_form_saves_nothing_and_keeps_what_was_chosen(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    area = client.get(f"/p/{acme.invite}/areas/channels-media")
    ids = [c.id for c in area.context["page"].area.all_criteria()]
    form = {"csrf_token": csrf_from(area.text)}
    for criterion_id in ids:
        form |= {f"{criterion_id}.current": "3", f"{criterion_id}.comment": ""}
    form[f"{ids[-1]}.target"] = "9"

    response = client.post(f"/p/{acme.invite}/areas/channels-media", data=form)

    assert response.status_code == 422
    assert f"{ids[-1]}.target: must be one of 0, 1, 2, 3, 4 or 5, not 9" in response.text
    assert _stored(session, acme)[CRITERION].current == 1
    assert f'id="c-{ids[0]}-current-3" name="{ids[0]}.current" value="3" checked' in response.text


def test_an_unknown_area_is_404(client: TestClient, acme: Tenant) -> None:
    response = client.get(f"/p/{acme.invite}/areas/no-such-area")

    assert response.status_code == 404
    assert "This questionnaire has no area &#39;no-such-area&#39;" in response.text


def test_review_lists_what_is_unanswered_and_submit_locks(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    review = client.get(f"/p/{acme.invite}/review")
    token = csrf_from(review.text)

    asked = client.post(f"/p/{acme.invite}/submit", data={"csrf_token": token})
    after_asking = _save(client, acme, {"criterion_id": CRITERION, "current": 4, "target": 5})
    submitted = client.post(
        f"/p/{acme.invite}/submit",
        data={"csrf_token": token, "confirmed": "yes"},
        follow_redirects=False,
    )
    after = _save(client, acme, {"criterion_id": CRITERION, "current": 5, "target": 5})
    reviewed_after = client.get(f"/p/{acme.invite}/review").text

    assert review.status_code == 200
    assert "You can still submit" in review.text and 'href="#submit-title"' in review.text
    assert "You can still submit" not in reviewed_after  # it is submitted
    assert 'href="#submit-title"' not in reviewed_after
    assert sum(len(v) for v in review.context["page"].unanswered.values()) == 105
    assert 'data-confirm="105 of 106 unanswered — submit anyway?"' in review.text
    assert asked.status_code == 200 and "105 of 106 unanswered — submit anyway?" in asked.text
    assert after_asking.status_code == 200  # asking locked nothing
    assert submitted.status_code == 303
    assert after.status_code == 409 and "You submitted your answers" in after.json()["detail"]
    session.refresh(acme.participant)
    assert acme.participant.submitted_at is not None


def test_the_target_below_current_hint_shows_for_a_stored_answer(
    client: TestClient, acme: Tenant
) -> None:
    _save(client, acme, {"criterion_id": CRITERION, "current": 4, "target": 2})

    area = client.get(f"/p/{acme.invite}/areas/channels-media")

    assert area.text.count("data-hint-below>") == 1  # shown once; the others carry `hidden`


def test_each_criterion_shows_its_hint_level_reminder_conditions_and_anchors(
    client: TestClient, acme: Tenant
) -> None:
    """Without JavaScript every level is described as text; anchors.js only folds the list."""
    strategy = next(c for c in REAP.criteria() if c.id == "ld-customer-strategy")
    anchors = strategy.anchors or {}

    page = client.get(f"/p/{acme.invite}/areas/leadership-direction")
    block = page.text.split('id="c-ld-customer-strategy"')[1].split('id="c-ld-strategy-')[0]

    assert page.status_code == 200
    assert "js/anchors.js" in page.text
    for text in (strategy.hint, *(strategy.quality or ()), anchors[1], anchors[3], anchors[5]):
        assert html.escape(text or "") in block
    assert "As written, this statement is level 4 · Embedded, when all of these hold:" in block
    assert "The statement as written, with all of its conditions met." in block
    assert block.count("(the scale in general)") == 2  # levels 0 and 2
    assert '<details class="level-help__all" data-anchor-list open>' in block


def test_a_version_1_0_assessment_keeps_its_questions_and_guidance(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    assessment = make_1_0_assessment(session, acme)
    repository.set_status(session=session, assessment=assessment, status=AssessmentStatus.OPEN)
    ann = repository.add_participant(session=session, assessment=assessment, name="Ann")
    invite = accounts.issue_invite(session=session, participant=ann)
    session.commit()

    page = client.get(f"/p/{invite}/areas/leadership-direction")

    assert page.status_code == 200
    assert "ld-current-and-target-view" in page.text  # dropped in 2.0, still asked in 1.0
    assert "Ask to see the strategy document" in page.text  # 1.0's guidance, as before
    assert "As written, this statement is level 4 · Embedded." in page.text
    assert 'class="level-help__hint"' not in page.text


def _on_the_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # a worker thread
        return False
    return True


ANSWER = {"criterion_id": CRITERION, "current": 2, "target": 4}


@dataclass(frozen=True)
class _Saving:
    """How a save ran, noted as it wrote: where, and on which driver connection, then in
    autocommit or not (PostgreSQL's; None on SQLite, whose driver does not say)."""

    on_the_event_loop: bool
    driver: Any
    autocommit: bool | None


def _noting_saves(monkeypatch: pytest.MonkeyPatch) -> list[_Saving]:
    """Every save from now on, noted just before it writes."""
    noted: list[_Saving] = []
    save_answer = repository.save_answer

    def noting(**kwargs) -> None:
        driver = core_connection(kwargs["session"]).connection.driver_connection
        autocommit = getattr(driver, "autocommit", None)
        noted.append(_Saving(_on_the_event_loop(), driver, autocommit))
        save_answer(**kwargs)

    monkeypatch.setattr(repository, "save_answer", noting)
    return noted


def test_a_save_runs_on_the_event_loop_on_sqlite_and_in_a_thread_on_postgresql(
    client: TestClient, acme: Tenant, monkeypatch
) -> None:
    """On SQLite the hand-over to a thread and back cost a third of a save. Its connection
    waits for SQLite's lock again afterwards, as every other write does."""
    saves = _noting_saves(monkeypatch)

    assert _save(client, acme, ANSWER).status_code == 200
    on_sqlite = client.app.state.engine.dialect.name == "sqlite"
    assert [s.on_the_event_loop for s in saves] == [on_sqlite]
    if on_sqlite:
        busy_timeout = saves[0].driver.execute("PRAGMA busy_timeout").fetchone()[0]
        assert busy_timeout == SQLITE_BUSY_TIMEOUT_MS


@pytest.mark.postgresql_only
def test_a_save_on_postgresql_is_its_one_statement_without_a_transaction_around_it(
    client: TestClient, session: Session, acme: Tenant, monkeypatch
) -> None:
    """No BEGIN and COMMIT round trips: the save's one write commits on its own. Its
    connection goes back to the pool in transactions, so no later unit of work commits
    statement by statement."""
    saves = _noting_saves(monkeypatch)

    assert _save(client, acme, ANSWER).status_code == 200
    [saving] = saves
    assert saving.autocommit
    assert not saving.driver.autocommit  # back in the pool as every other connection is
    stored = _stored(session, acme)[CRITERION]
    assert (stored.current, stored.target) == (2, 4)  # committed


@pytest.mark.sqlite_only
def test_saves_while_another_writer_holds_the_database_wait_in_threads_and_all_land(
    client: TestClient, session: Session, acme: Tenant, monkeypatch
) -> None:
    """A save that would wait for the writers' lock does not wait on the event loop: it waits
    in a thread, two at a time (the others wait on the loop, holding nothing)."""
    running = most = 0
    counting = threading.Lock()
    save_answer = repository.save_answer

    def counted(**kwargs) -> None:
        nonlocal running, most
        if _on_the_event_loop():  # tried there first; gives way to the writer
            save_answer(**kwargs)
            return
        with counting:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.2)  # while the others arrive
            save_answer(**kwargs)
        finally:
            with counting:
                running -= 1

    monkeypatch.setattr(repository, "save_answer", counted)
    token = csrf_from(client.get(f"/p/{acme.invite}").text)
    criteria = [c.id for c in REAP.criteria()][:8]

    def save(criterion: str) -> int:
        answer = {"criterion_id": criterion, "current": 2, "target": 4}
        return _post(client, acme, token, answer).status_code

    engine = client.app.state.engine
    with Session(engine) as writer, ThreadPoolExecutor(len(criteria)) as pool:
        same_name = update(Organisation).values(name=Organisation.name)
        writer.execute(same_name.where(Organisation.id == acme.organisation.id))
        saved = pool.map(save, criteria)
        time.sleep(0.3)
        writer.commit()
        assert list(saved) == [200] * len(criteria)

    assert most == saves_at_once(engine) == SQLITE_SAVES_AT_ONCE  # they waited together
    stored = _stored(session, acme)
    assert all((stored[c].current, stored[c].target) == (2, 4) for c in criteria)


@contextmanager
def _another_process_writing(settings, engine: Engine, acme: Tenant) -> Iterator[None]:
    """Another process holds what a save must write: SQLite's write lock (a CLI import, a
    backup), or on PostgreSQL the participant's row (their removal, say)."""
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(make_url(settings.sqlalchemy_url).database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("COMMIT")
        other.close()
        return
    with Session(engine) as other:
        other.exec(
            select(Participant).where(Participant.id == acme.participant.id).with_for_update()
        )
        yield
        other.commit()


def test_a_save_waiting_for_another_process_leaves_the_server_free_and_then_lands(
    client: TestClient, session: Session, engine: Engine, settings, acme: Tenant
) -> None:
    """While the save waits (in a thread; on SQLite once it gave way on the event loop),
    other requests are answered; then it lands."""
    token = csrf_from(client.get(f"/p/{acme.invite}").text)
    with ThreadPoolExecutor(2) as pool:
        with _another_process_writing(settings, engine, acme):
            saving = pool.submit(_post, client, acme, token, ANSWER)
            time.sleep(0.3)
            checking = pool.submit(client.get, "/healthz")
            assert checking.result(timeout=1).status_code == 200  # TimeoutError: server stuck
            assert not saving.done()
        assert saving.result(timeout=30).status_code == 200

    stored = _stored(session, acme)[CRITERION]
    assert (stored.current, stored.target) == (2, 4)
    assert _save(client, acme, {**ANSWER, "current": 3}).status_code == 200
