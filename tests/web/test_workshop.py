"""A live workshop through its routes: agenda, blind votes, reveal, revote, agree, park, joins,
and every refusal (double vote, vote after lock, item not open, guessed or reused join code,
a participant of another assessment)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.db import repository
from app.db.models import (
    AuditEvent,
    JoinAttempt,
    Participant,
    Workshop,
    WorkshopVote,
)
from app.web.workshop_stage import PHONE, PRESENTER, builder
from tests.factories import Tenant, csrf_from, sign_in
from tests.web.conftest import JSON, Room, items, vote


def stored_votes(session: Session, item: int) -> list[tuple[int, int, int, int]]:
    query = select(
        WorkshopVote.participant_id, WorkshopVote.round, WorkshopVote.current, WorkshopVote.target
    ).where(WorkshopVote.item_id == item)
    return sorted(session.exec(query).all())


def test_default_agenda_is_the_most_disagreed_criteria_widest_first(
    room: Room, session: Session
) -> None:
    page = room.client.get(f"/assessments/{room.assessment.id}/workshops/new")
    suggested = page.context["page"].suggested

    workshop = room.start(count=5)

    agenda = [i.criterion_id for i in items(session, workshop)]
    assert agenda == [c.criterion_id for c in suggested[:5]]
    spreads = [c.current.stdev for c in suggested[:5]]
    assert spreads == sorted(spreads, reverse=True) and spreads[0] >= 1.0


def test_agenda_by_area_by_hand_and_reordered(room: Room, session: Session) -> None:
    first = room.start(agenda="areas", area="channels-media")
    in_area = [i.criterion_id for i in items(session, first)]
    room.post(f"/workshops/{first}/end", {"confirmed": "yes"})
    picked = room.start(agenda="criteria", criterion=[in_area[2], in_area[1]])
    before = [i.id for i in items(session, picked)]

    room.post(f"/workshops/{picked}/agenda", {"action": "down", "item": before[0]})

    assert in_area and all(c.startswith("cm-") for c in in_area)
    assert [i.id for i in items(session, picked)] == [before[1], before[0]]


def test_the_assessment_page_leads_to_the_workshop_running_now(room: Room) -> None:
    before = room.client.get(f"/assessments/{room.assessment.id}").text
    workshop = room.start()
    during = room.client.get(f"/assessments/{room.assessment.id}").text

    assert f'href="/assessments/{room.assessment.id}/workshops/new">Live workshop<' in before
    assert f'href="/workshops/{workshop}">Live workshop (running)<' in during


def test_ending_a_workshop_is_asked_first_then_lands_on_its_notice(room: Room) -> None:
    workshop = room.start()

    asked = room.client.post(f"/workshops/{workshop}/end", data={"csrf_token": room.token})
    still = room.client.get(f"/workshops/{workshop}").text
    ended = room.client.post(
        f"/workshops/{workshop}/end",
        data={"csrf_token": room.token, "confirmed": "yes"},
        follow_redirects=False,
    )
    page = room.client.get(ended.headers["location"])

    # without JavaScript the question comes on a page of its own, and nothing has ended yet
    assert asked.status_code == 200 and "End the workshop?" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    assert "The workshop has ended" not in still and "End the workshop" in still

    assert ended.headers["location"] == f"/workshops/{workshop}?done=ended"  # no #agenda
    assert "The workshop has ended: its join code no longer lets anyone in." in page.text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": ""}, "title: give the workshop a title"),
        ({"agenda": "criteria", "criterion": "no-such-criterion"}, "criteria: 'no-such-criterion'"),
        ({"agenda": "criteria"}, "criteria: choose at least one"),
        ({"count": "0"}, "count: give a number from 1 to 60"),
        ({"count": "many"}, "count: give a number"),
        ({"agenda": "areas", "area": "nowhere"}, "area: 'nowhere' is not an area"),
        ({"agenda": "everything"}, "agenda: choose"),
    ],
)
def test_bad_agenda_is_refused_naming_the_field(
    room: Room, session: Session, form, message
) -> None:
    data = {"title": "W", "agenda": "disagreed", "count": "3", **form, "csrf_token": room.token}

    response = room.client.post(f"/assessments/{room.assessment.id}/workshops", data=data)

    assert response.status_code == 422
    assert message in response.context["page"].message
    assert session.exec(select(func.count()).select_from(Workshop)).one() == 0


def test_one_live_workshop_per_assessment(room: Room) -> None:
    room.start()
    data = {"title": "Again", "agenda": "disagreed", "count": "3", "csrf_token": room.token}

    response = room.client.post(f"/assessments/{room.assessment.id}/workshops", data=data)

    assert response.status_code == 422
    assert "already running" in response.context["page"].message


def _payloads(room: Room, workshop: int) -> dict[str, str]:
    engine = room.client.app.state.engine
    return {audience: builder(engine, audience)(workshop) for audience in (PRESENTER, PHONE)}


def test_the_presenter_before_the_first_item_names_the_workshop_once(room: Room) -> None:
    workshop = room.start()

    page = room.client.get(f"/workshops/{workshop}/present").text

    assert '<span class="stage__where">Ready to start</span>' in page
    assert page.count(">Baseline workshop<") == 1  # the title, large, not again in the bar


def test_no_vote_is_visible_anywhere_before_the_reveal(
    room: Room, phone: TestClient, session: Session
) -> None:
    workshop = room.start()
    room.control(workshop, "next")
    item = items(session, workshop)[0]
    for invite, levels in zip(room.invites[:4], [(0, 5), (1, 4), (5, 5), (2, 3)], strict=True):
        assert vote(phone, invite, item.id, 1, *levels, **JSON).status_code == 200

    seen_before = {
        "presenter page": room.client.get(f"/workshops/{workshop}/present").text,
        "another phone": phone.get(f"/vote/{room.invites[5]}").text,
        "a voter's phone": phone.get(f"/vote/{room.invites[0]}").text,
        **_payloads(room, workshop),
    }
    room.control(workshop, "reveal")
    revealed = _payloads(room, workshop)

    for where, text in seen_before.items():
        assert "<circle" not in text and not re.search(r"mean \d", text), where
        assert "Today: 1 at 0" not in text, where
    assert "4 of 9 voted" in seen_before["presenter page"]
    assert "Your vote is in: today 0, target 5" in seen_before["a voter's phone"]
    for where, text in revealed.items():
        assert "Today: 1 at 0, 1 at 1, 1 at 2, 1 at 5." in text, where
        assert text.count("<circle") >= 8, where
        assert not any(p.name in text for p in _people(session, room)), where


def _people(session: Session, room: Room) -> list[Participant]:
    return list(repository.participants_of(session=session, assessment=room.assessment))


def test_a_changed_or_repeated_vote_is_one_vote_holding_the_last(
    room: Room, phone: TestClient, session: Session
) -> None:
    workshop = room.start()
    room.control(workshop, "next")
    item = items(session, workshop)[0]

    vote(phone, room.invites[0], item.id, 1, 1, 2, **JSON)
    vote(phone, room.invites[0], item.id, 1, 3, 4, **JSON)
    with ThreadPoolExecutor(8) as pool:  # a double tap, many times over, at once
        codes = list(
            pool.map(
                lambda _: vote(phone, room.invites[1], item.id, 1, 2, 2, **JSON).status_code,
                range(8),
            )
        )

    assert codes == [200] * 8
    people = _people(session, room)  # in the order their invites were made
    assert stored_votes(session, item.id) == [(people[0].id, 1, 3, 4), (people[1].id, 1, 2, 2)]


def test_a_vote_after_lock_or_for_an_item_not_open_is_refused(
    room: Room, phone: TestClient, session: Session
) -> None:
    workshop = room.start()
    room.control(workshop, "next")
    first, second, _ = items(session, workshop)
    vote(phone, room.invites[0], first.id, 1, 1, 2, **JSON)
    room.control(workshop, "lock")

    after_lock = vote(phone, room.invites[0], first.id, 1, 5, 5, **JSON)
    waiting_item = vote(phone, room.invites[1], second.id, 0, 1, 2, **JSON)
    wrong_round = vote(phone, room.invites[1], first.id, 2, 1, 2, **JSON)
    no_item = vote(phone, room.invites[1], 999999, 1, 1, 2, **JSON)
    bad_level = vote(phone, room.invites[1], first.id, 1, 9, 2, **JSON)

    assert after_lock.status_code == 409 and "closed" in after_lock.json()["detail"]
    assert waiting_item.status_code == 409 and "not open" in waiting_item.json()["detail"]
    assert wrong_round.status_code == 409
    assert no_item.status_code == 409
    assert bad_level.status_code in (409, 422)
    assert [(v[2], v[3]) for v in stored_votes(session, first.id)] == [(1, 2)]
    assert stored_votes(session, second.id) == []


def test_bad_levels_are_refused_naming_the_field(
    room: Room, phone: TestClient, session: Session
) -> None:
    workshop = room.start()
    room.control(workshop, "next")
    item = items(session, workshop)[0]

    missing = vote(phone, room.invites[0], item.id, 1, "", 2, **JSON)
    outside = vote(phone, room.invites[0], item.id, 1, 1, 9, **JSON)
    text = vote(phone, room.invites[0], item.id, 1, "two", 2, **JSON)

    assert missing.status_code == 422 and missing.json()["detail"].startswith("current:")
    assert outside.status_code == 422 and outside.json()["detail"].startswith("target:")
    assert text.status_code == 422 and "current" in text.json()["detail"]
    assert stored_votes(session, item.id) == []


def test_revote_keeps_both_rounds_then_agree_and_park_are_audited(
    room: Room, phone: TestClient, session: Session
) -> None:
    workshop = room.start()
    room.control(workshop, "next")
    first = items(session, workshop)[0]
    vote(phone, room.invites[0], first.id, 1, 1, 3, **JSON)
    vote(phone, room.invites[1], first.id, 1, 4, 5, **JSON)
    room.control(workshop, "reveal")
    room.control(workshop, "revote")
    vote(phone, room.invites[0], first.id, 2, 2, 4, **JSON)
    vote(phone, room.invites[1], first.id, 2, 2, 4, **JSON)
    room.control(workshop, "reveal")
    decision = f"/workshops/{workshop}/items/{first.id}/decision"
    agreed = room.post(
        decision, {"outcome": "agreed", "current": "2", "target": "4", "rationale": "We all saw it"}
    )
    changed = room.post(
        decision, {"outcome": "agreed", "current": "2", "target": "3", "rationale": "Target later"}
    )
    room.post(f"/workshops/{workshop}/items/{first.id}/notes", {"notes": "Name an owner"})
    room.control(workshop, "next")
    second = items(session, workshop)[1]
    room.control(workshop, "reveal")
    parked = room.post(
        f"/workshops/{workshop}/items/{second.id}/decision",
        {"outcome": "parked", "rationale": "Split"},
    )

    assert (agreed.status_code, changed.status_code, parked.status_code) == (200, 200, 200)
    assert sorted((v[1], v[2], v[3]) for v in stored_votes(session, first.id)) == [
        (1, 1, 3),
        (1, 4, 5),
        (2, 2, 4),
        (2, 2, 4),
    ]
    first, second, _ = items(session, workshop)
    assert (first.outcome, first.agreed_current, first.agreed_target) == ("agreed", 2, 3)
    assert (first.rationale, first.notes, first.round) == ("Target later", "Name an owner", 2)
    assert (second.outcome, second.agreed_current, second.rationale) == ("parked", None, "Split")
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]
    for expected in (
        "workshop started",
        "workshop item opened",
        "workshop item revealed",
        "workshop item started another round of",
        "workshop item agreed",
        "workshop decision changed",
        "workshop notes changed",
        "workshop item parked",
    ):
        assert expected in actions


def test_agree_before_reveal_and_controls_out_of_order_are_refused(
    room: Room, session: Session
) -> None:
    workshop = room.start()
    assert room.control(workshop, "lock").status_code == 409  # nothing on screen yet
    assert room.control(workshop, "previous").status_code == 409
    room.control(workshop, "next")
    item = items(session, workshop)[0]

    early = room.post(
        f"/workshops/{workshop}/items/{item.id}/decision",
        {"outcome": "agreed", "current": "1", "target": "2"},
    )
    revote = room.control(workshop, "revote")
    unknown = room.control(workshop, "explode")

    assert early.status_code == 409 and "reveal" in early.json()["detail"]
    assert revote.status_code == 409 and unknown.status_code == 422
    assert items(session, workshop)[0].outcome == ""


def test_plain_form_vote_without_javascript(
    room: Room, phone: TestClient, session: Session
) -> None:
    workshop = room.start()
    room.control(workshop, "next")
    item = items(session, workshop)[0]

    sent = vote(phone, room.invites[2], item.id, 1, 3, 4)
    page = phone.get(sent.headers["location"])
    refused = vote(phone, room.invites[2], item.id, 1, 3, 9)

    assert sent.status_code == 303
    assert "Your vote is in: today 3, target 4" in page.text
    assert refused.status_code == 422 and "target: must be one of" in refused.text


def _join(phone: TestClient, code: str, name: str = "Sofia Rossi"):
    token = csrf_from(phone.get("/join").text)
    return phone.post(
        "/join", data={"code": code, "name": name, "csrf_token": token}, follow_redirects=False
    )


def _code(session: Session, workshop: int) -> str:
    session.expire_all()
    return session.get(Workshop, workshop).join_code


def _join_id(room: Room, workshop: int, name: str) -> int:
    page = room.client.get(f"/workshops/{workshop}").context["page"]
    return next(j.id for j in page.joins if j.name == name)


def test_join_with_the_code_then_the_consultant_says_who_it_is(
    room: Room, phone: TestClient, session: Session
) -> None:
    workshop = room.start()
    room.control(workshop, "next")
    code = _code(session, workshop)

    joined = _join(phone, f"{code[:3].lower()}-{code[3:]}")
    waiting = phone.get(joined.headers["location"], follow_redirects=False)
    secret = joined.headers["location"].rsplit("/", 1)[1]
    early_vote = phone.get(f"/vote/{secret}")
    sofia = next(p for p in _people(session, room) if p.name == "Sofia Rossi")
    room.post(
        f"/workshops/{workshop}/joins/{_join_id(room, workshop, 'Sofia Rossi')}",
        {"participant": sofia.id},
    )
    let_in = phone.get(f"/join/{secret}", follow_redirects=False)
    item = items(session, workshop)[0]
    voted = vote(phone, secret, item.id, 1, 2, 3, **JSON)

    assert joined.status_code == 303 and waiting.status_code == 200
    assert "will let you in" in waiting.text
    assert early_vote.status_code == 404  # not confirmed: votes as nobody
    assert let_in.status_code == 303 and let_in.headers["location"] == f"/vote/{secret}"
    assert voted.status_code == 200
    assert stored_votes(session, item.id) == [(sofia.id, 1, 2, 3)]


def test_a_guessed_code_is_refused_and_guessing_is_slowed(
    room: Room, phone: TestClient, session: Session
) -> None:
    room.start()

    first = _join(phone, "ABCDEF")
    for _ in range(9):
        _join(phone, "ABCDEG")
    blocked = _join(phone, _code(session, 1))

    assert first.status_code == 422 and "Code: no workshop is running" in first.text
    assert blocked.status_code == 429 and "Too many wrong codes" in blocked.text
    assert session.exec(select(func.count()).select_from(JoinAttempt)).one() == 10


def test_a_code_or_join_of_an_ended_workshop_lets_nobody_in(
    room: Room, phone: TestClient, session: Session
) -> None:
    workshop = room.start()
    code = _code(session, workshop)
    secret = _join(phone, code).headers["location"].rsplit("/", 1)[1]
    sofia = next(p for p in _people(session, room) if p.name == "Sofia Rossi")
    room.post(
        f"/workshops/{workshop}/joins/{_join_id(room, workshop, 'Sofia Rossi')}",
        {"participant": sofia.id},
    )
    room.post(f"/workshops/{workshop}/end", {"confirmed": "yes"})
    later = room.start()
    room.control(later, "next")

    reused_code = _join(phone, code, "Someone else")
    old_join = phone.get(f"/vote/{secret}")
    old_join_vote = vote(phone, secret, items(session, later)[0].id, 1, 1, 1, **JSON)

    assert reused_code.status_code == 422
    assert "No workshop is running" in old_join.text
    assert old_join_vote.status_code == 409
    assert stored_votes(session, items(session, later)[0].id) == []


def test_a_participant_of_another_assessment_is_refused(
    room: Room, phone: TestClient, session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    outsider = tenants[0]
    workshop = room.start()
    room.control(workshop, "next")
    item = items(session, workshop)[0]
    secret = (
        _join(phone, _code(session, workshop), outsider.participant.name)
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    join_id = _join_id(room, workshop, outsider.participant.name)

    confirm_outsider = room.post(
        f"/workshops/{workshop}/joins/{join_id}", {"participant": outsider.participant.id}
    )
    outsider_vote = vote(phone, outsider.invite, item.id, 1, 1, 1, **JSON)

    assert confirm_outsider.status_code == 422
    assert "participant: choose one of this assessment's participants" in confirm_outsider.text
    assert phone.get(f"/vote/{secret}").status_code == 404
    assert outsider_vote.status_code == 409  # their assessment has no workshop running
    assert stored_votes(session, item.id) == []


def test_one_participant_cannot_be_let_in_on_two_phones(
    room: Room, phone: TestClient, session: Session
) -> None:
    workshop = room.start()
    code = _code(session, workshop)
    _join(phone, code, "Phone one")
    _join(phone, code, "Phone two")
    sofia = next(p for p in _people(session, room) if p.name == "Sofia Rossi")

    first = room.post(
        f"/workshops/{workshop}/joins/{_join_id(room, workshop, 'Phone one')}",
        {"participant": sofia.id},
    )
    second = room.post(
        f"/workshops/{workshop}/joins/{_join_id(room, workshop, 'Phone two')}",
        {"participant": sofia.id},
    )

    assert first.status_code == 200 and second.status_code == 409


def test_viewers_cannot_run_a_workshop(client: TestClient, tenants: tuple[Tenant, Tenant]) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)

    response = client.get(f"/assessments/{own.assessment.id}/workshops/new")

    assert response.status_code == 403


def test_the_presenter_and_phone_pages_carry_no_inline_script(
    room: Room, phone: TestClient
) -> None:
    workshop = room.start()
    room.control(workshop, "next")

    pages = [
        room.client.get(f"/workshops/{workshop}/present").text,
        room.client.get(f"/workshops/{workshop}").text,
        phone.get(f"/vote/{room.invites[0]}").text,
        phone.get("/join").text,
    ]

    for html in pages:
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
