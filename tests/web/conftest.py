"""Fixtures for the web tests: the demo's consultant and participants and a phone (the
workshop's tests), an open assessment, and a server that warms in the background."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.db import accounts, repository
from app.db.models import Assessment, AssessmentStatus, WorkshopItem
from app.main import create_app
from tests.factories import Tenant, csrf_from

JSON = {"Accept": "application/json"}


@dataclass
class Room:
    """The demo assessment's consultant (signed in on `client`) and its nine participants."""

    client: TestClient
    assessment: Assessment
    invites: list[str]
    token: str  # the consultant's CSRF token

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(
            url, data=data or {}, headers={"X-CSRF-Token": self.token, **JSON}, **kwargs
        )

    def start(self, count: int = 3, **form: str) -> int:
        data = {"title": "Baseline workshop", "agenda": "disagreed", "count": str(count), **form}
        response = self.client.post(
            f"/assessments/{self.assessment.id}/workshops",
            data={**data, "csrf_token": self.token},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return int(response.headers["location"].rsplit("/", 1)[1])

    def control(self, workshop: int, action: str, **extra: str):
        return self.post(f"/workshops/{workshop}/control", {"action": action, **extra})


@pytest.fixture
def room(client: TestClient, session: Session, demo: Assessment) -> Room:
    people = repository.participants_of(session=session, assessment=demo)
    invites = [accounts.issue_invite(session=session, participant=p) for p in people]
    session.commit()
    return Room(client, demo, invites, csrf_from(client.get("/").text))


@pytest.fixture
def phone(settings, engine):
    """Another browser: a participant's phone, with its own cookies."""
    with TestClient(create_app(settings)) as client:
        yield client


def vote(phone: TestClient, invite: str, item: int, round_: int, current, target, **kwargs):
    token = csrf_from(phone.get(f"/vote/{invite}").text)
    data = {"item": item, "round": round_, "current": current, "target": target}
    return phone.post(
        f"/vote/{invite}",
        data=data,
        headers={"X-CSRF-Token": token, **kwargs},
        follow_redirects=False,
    )


def items(session: Session, workshop: int) -> list[WorkshopItem]:
    session.expire_all()
    query = select(WorkshopItem).where(WorkshopItem.workshop_id == workshop)
    return list(session.exec(query.order_by(WorkshopItem.position)).all())


@pytest.fixture
def warm_client(settings: Settings, engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"warm_results": True}))) as client:
        yield client


@pytest.fixture
def acme(session: Session, tenants: tuple[Tenant, Tenant]) -> Tenant:
    own = tenants[0]
    repository.set_status(session=session, assessment=own.assessment, status=AssessmentStatus.OPEN)
    session.commit()
    return own
