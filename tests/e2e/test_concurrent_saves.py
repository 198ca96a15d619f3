"""Fifty participants saving at the same moment through a real uvicorn server.

Each saves 20 criteria twice (the second time with other levels), all at once: every request
must succeed and the database must hold exactly one answer per participant and criterion,
with the last levels sent.
"""

from __future__ import annotations

import httpx2
import pytest

from tests.e2e.conftest import LiveServer
from tests.workshop import (
    criteria_of,
    one_answer_each,
    open_assessment,
    save_answers,
    sign_in,
    stored_answers,
)

pytestmark = pytest.mark.e2e

PARTICIPANTS = 50
CRITERIA = 20


def test_fifty_participants_saving_at_once_leave_one_answer_each(
    live_server: LiveServer,
) -> None:
    with httpx2.Client(base_url=live_server.url, follow_redirects=True, timeout=30) as client:
        sign_in(client, live_server.demo_email, live_server.demo_password)
        assessment, links = open_assessment(client, PARTICIPANTS)
        criteria = criteria_of(client)[:CRITERIA]

    load = save_answers(live_server.url, links, criteria, rounds=2)

    assert not load.failures, load.failures
    assert load.saves == PARTICIPANTS * CRITERIA * 2
    stored = stored_answers(live_server.database_url, assessment)
    assert len(stored) == PARTICIPANTS * CRITERIA
    assert one_answer_each(load, stored)
    assert set(stored.values()) == {(1, 1, 3)}  # the second round's levels
