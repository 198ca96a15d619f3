"""A vote and a lock of the same item sent at the same moment: whichever claims the workshop
first, no vote ends up stored on an item that was locked before it arrived.

Each test holds one request still in the middle of its transaction (after its claim, before
its commit) and sends the other meanwhile: the second must wait for the first, then see what
it did.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import workshops
from app.db.models import WorkshopVote
from app.domain.workshop import ItemStatus
from app.web.routes import workshop_vote
from tests.web.conftest import JSON, Room, items, vote

WAIT = 20  # seconds: a loaded machine is slow, a deadlock never ends


class Pause:
    """Holds a request at one point of its transaction until the test lets it go."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()

    def wrap(self, original: Callable[..., Any], when: Callable[..., bool]) -> Callable[..., Any]:
        def paused(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            if when(*args, **kwargs) and not self.reached.is_set():
                self.reached.set()
                assert self.released.wait(WAIT), "the test never let the request go"
            return result

        return paused


def second_claim(first: Pause, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set when a request claims the workshop while the first one is held: from there on
    that request must wait for the first one's transaction to end."""
    claimed, claim = threading.Event(), workshops.claim

    def noting(**kwargs: Any) -> int:
        if first.reached.is_set():
            claimed.set()
        return claim(**kwargs)

    monkeypatch.setattr(workshops, "claim", noting)
    return claimed


def _votes(session: Session, item_id: int) -> list[WorkshopVote]:
    session.expire_all()
    return list(session.exec(select(WorkshopVote).where(WorkshopVote.item_id == item_id)).all())


@pytest.fixture
def open_item(room: Room, session: Session) -> tuple[int, int]:
    """A live workshop whose first item is open for votes: (workshop id, item id)."""
    workshop = room.start()
    assert room.control(workshop, "next").status_code == 200
    return workshop, items(session, workshop)[0].id


def test_a_vote_sent_while_the_lock_is_being_written_is_refused(
    room: Room, phone: TestClient, session: Session, open_item, monkeypatch
) -> None:
    workshop, item_id = open_item
    lock = Pause()
    locking = lock.wrap(workshops.set_state, lambda **kw: kw["state"].status == ItemStatus.LOCKED)
    monkeypatch.setattr(workshops, "set_state", locking)
    voted = second_claim(lock, monkeypatch)
    with ThreadPoolExecutor(2) as pool:
        locked = pool.submit(room.control, workshop, "lock")
        assert lock.reached.wait(WAIT)
        sent = pool.submit(vote, phone, room.invites[0], item_id, 1, 2, 3, **JSON)
        assert voted.wait(WAIT)
        time.sleep(0.5)
        assert not sent.done()  # the vote waits for the lock's transaction to end
        lock.released.set()
        assert locked.result(WAIT).status_code == 200
        refused = sent.result(WAIT)

    assert refused.status_code == 409, refused.text
    assert "closed" in refused.json()["detail"]
    assert _votes(session, item_id) == []
    assert items(session, workshop)[0].status == ItemStatus.LOCKED


def test_a_lock_sent_while_a_vote_is_being_written_waits_for_it(
    room: Room, phone: TestClient, session: Session, open_item, monkeypatch
) -> None:
    workshop, item_id = open_item
    ballot = Pause()
    checking = ballot.wrap(workshop_vote.check_vote, lambda *args, **kwargs: True)
    monkeypatch.setattr(workshop_vote, "check_vote", checking)
    locking = second_claim(ballot, monkeypatch)
    with ThreadPoolExecutor(2) as pool:
        sent = pool.submit(vote, phone, room.invites[0], item_id, 1, 2, 3, **JSON)
        assert ballot.reached.wait(WAIT)
        locked = pool.submit(room.control, workshop, "lock")
        assert locking.wait(WAIT)
        time.sleep(0.5)
        assert not locked.done()  # the lock waits for the vote's transaction to end
        ballot.released.set()
        assert sent.result(WAIT).status_code == 200
        assert locked.result(WAIT).status_code == 200

    # The vote was in before the lock: it counts, and the item is locked after it.
    assert [(v.round, v.current, v.target) for v in _votes(session, item_id)] == [(1, 2, 3)]
    assert items(session, workshop)[0].status == ItemStatus.LOCKED
