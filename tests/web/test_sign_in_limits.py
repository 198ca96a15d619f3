"""Sign-in limits hold against parallel guesses, and timing does not tell which emails exist.

The races run against a real uvicorn server: guesses sent at the same moment from threads,
each with its own connection and CSRF token, as an attacker would send them.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import NullPool, create_engine, text
from sqlmodel import Session

from app.auth import secrets
from app.db import accounts
from tests.databases import rows
from tests.factories import PASSWORD, csrf_from
from tests.servers import LiveServer, demo_server

PARALLEL = 20


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, demo_template: str) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("limits"), template=demo_template) as server:
        yield server


@pytest.fixture
def server(live: LiveServer) -> LiveServer:
    """The server with no sign-in attempt counted yet, whichever test ran before."""
    engine = create_engine(live.database_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM login_attempt"))
    engine.dispose()
    return live


def _guess_at_once(url: str, emails: list[str]) -> Counter[int]:
    """One wrong password per email, all posted at the same moment; the statuses counted."""
    ready = threading.Barrier(len(emails))

    def guess(email: str) -> int:
        with httpx2.Client(base_url=url, timeout=120) as client:
            token = csrf_from(client.get("/login").text)
            form = {"email": email, "password": "wrong password", "csrf_token": token}
            ready.wait()
            return client.post("/login", data=form).status_code

    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        return Counter(pool.map(guess, emails))


def test_parallel_guesses_at_one_account_check_at_most_the_limit(server: LiveServer) -> None:
    statuses = _guess_at_once(server.url, [server.demo_email] * PARALLEL)

    assert statuses[401] <= accounts.MAX_FAILURES_PER_ACCOUNT, statuses
    assert statuses[401] + statuses[429] == PARALLEL, statuses


def test_parallel_guesses_from_one_address_check_at_most_its_limit(server: LiveServer) -> None:
    emails = [f"guess{n}@example.test" for n in range(accounts.MAX_FAILURES_PER_ADDRESS + 10)]

    statuses = _guess_at_once(server.url, emails)

    assert statuses[401] <= accounts.MAX_FAILURES_PER_ADDRESS, statuses
    assert statuses[401] + statuses[429] == len(emails), statuses
    counted = "SELECT count(*) FROM login_attempt WHERE address = '127.0.0.1'"
    assert rows(server.database_url, counted) == [(statuses[401],)]


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes sign-in checks passwords against, in order."""
    checked: list[str] = []

    def spy(stored_hash: str, password: str) -> bool:
        checked.append(stored_hash)
        return secrets.verify_password(stored_hash, password)

    monkeypatch.setattr(accounts, "verify_password", spy)
    return checked


def _sign_in(client: TestClient, email: str, password: str) -> int:
    token = csrf_from(client.get("/login").text)
    form = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=form, follow_redirects=False).status_code


def test_an_unknown_email_costs_a_password_check_like_a_wrong_password(
    client: TestClient, tenants, verified: list[str]
) -> None:
    unknown = _sign_in(client, "nobody@example.test", "wrong password")
    wrong = _sign_in(client, "consultant@acme.test", "wrong password")

    assert (unknown, wrong) == (401, 401)
    assert verified == [secrets.unknown_user_hash(), tenants[0].consultant.password_hash]
    assert not secrets.needs_rehash(verified[0])  # the same argon2 cost as a real hash


def test_a_deactivated_account_costs_a_password_check_too(
    client: TestClient, session: Session, tenants, verified: list[str]
) -> None:
    tenants[0].viewer.is_active = False
    session.add(tenants[0].viewer)
    session.commit()

    assert _sign_in(client, "viewer@acme.test", PASSWORD) == 401
    assert len(verified) == 1
