"""Test data: two tenants with their people, assessments and participants."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.db import accounts, repository, roadmaps
from app.db.models import Assessment, FrameworkSnapshot, Organisation, Participant, Role, User
from app.db.results import AssessmentResults, results_of
from app.domain.answering import AnswerChoice

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Tenant:
    organisation: Organisation
    consultant: User
    viewer: User
    assessment: Assessment
    participant: Participant
    token: str  # the consultant's API token
    invite: str  # the participant's invite link secret


def make_tenant(session: Session, name: str) -> Tenant:
    key = name.lower()
    snapshot = repository.latest_snapshot(session=session, framework_key="reap-blueprint")
    assert snapshot is not None
    organisation = repository.create_organisation(session=session, slug=key, name=name)
    consultant = accounts.create_user(
        session=session, email=f"consultant@{key}.test", password=PASSWORD, role=Role.CONSULTANT
    )
    viewer = accounts.create_user(
        session=session, email=f"viewer@{key}.test", password=PASSWORD, role=Role.VIEWER
    )
    for user in (consultant, viewer):
        accounts.add_membership(session=session, user=user, organisation=organisation)
    assessment = repository.create_assessment(
        session=session, organisation=organisation, snapshot=snapshot, title=f"{name} baseline"
    )
    participant = repository.add_participant(
        session=session, assessment=assessment, name=f"{name} participant", group="Leadership"
    )
    choice = AnswerChoice("cm-cross-channel-ownership", 1, 3, comment=f"secret comment of {name}")
    repository.save_answer(session=session, participant=participant, choice=choice)
    roadmaps.add_item(
        session=session, assessment=assessment, title=f"secret comment of {name} plan", horizon=0
    )
    _, token = accounts.create_api_token(session=session, user=consultant, name="tests")
    invite = accounts.issue_invite(session=session, participant=participant)
    session.commit()
    return Tenant(organisation, consultant, viewer, assessment, participant, token, invite)


def reap_1_0(session: Session) -> FrameworkSnapshot:
    """The snapshot of REAP version 1.0, which earlier assessments were answered against."""
    query = select(FrameworkSnapshot).where(
        FrameworkSnapshot.framework_key == "reap-blueprint", FrameworkSnapshot.version == "1.0"
    )
    return session.exec(query).one()


def make_1_0_assessment(session: Session, tenant: Tenant) -> Assessment:
    """An assessment of `tenant`'s organisation on version 1.0."""
    return repository.create_assessment(
        session=session, organisation=tenant.organisation, snapshot=reap_1_0(session), title="2024"
    )


def make_admin(session: Session) -> User:
    admin = accounts.create_user(
        session=session, email="admin@instance.test", password=PASSWORD, role=Role.ADMIN
    )
    session.commit()
    return admin


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def post_form(client: TestClient, url: str, data: dict | None = None, **kwargs):
    """Post like the browser does: with the CSRF token of a page just loaded."""
    token = csrf_from(client.get("/").text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


def upload_export(client: TestClient, tenant: Tenant, content: bytes):
    """Upload a JSON export to the tenant's organisation, as the import form does."""
    token = csrf_from(client.get(f"/organisations/{tenant.organisation.id}").text)
    return client.post(
        f"/organisations/{tenant.organisation.id}/import",
        data={"csrf_token": token},
        files={"file": ("export.json", content, "application/json")},
        follow_redirects=False,
    )


def answer_one(client: TestClient, tenant: Tenant, current: int) -> None:
    """The tenant's participant, in a browser of their own on `client`'s app, sets today's
    level of one criterion (target 4): a change to the assessment."""
    participant = TestClient(client.app)
    token = csrf_from(participant.get(f"/p/{tenant.invite}").text)
    answer = {"criterion_id": "cm-cross-channel-ownership", "current": current, "target": 4}
    saved = participant.post(
        f"/p/{tenant.invite}/answers",
        json=answer,
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert saved.status_code == 200, saved.text


def save_in_own_session(engine: Engine, participant_id: int, choice: AnswerChoice) -> None:
    """A participant's save, committed in a session of its own, as a request makes it."""
    with Session(engine) as session:
        participant = session.get(Participant, participant_id)
        repository.save_answer(session=session, participant=participant, choice=choice)
        session.commit()


def results_as_viewed(engine: Engine, assessment_id: int) -> AssessmentResults:
    """What a request for the results page gets: a new session, the assessment, its results."""
    with Session(engine) as session:
        assessment = session.get(Assessment, assessment_id)
        return results_of(session=session, assessment=assessment)


def mean_today(results: AssessmentResults, criterion_id: str) -> float:
    """The criterion's mean level today in those results."""
    scored = {c.criterion_id: c for a in results.results.areas() for c in a.all_criteria()}
    return scored[criterion_id].current.mean


def wait_for(condition: Callable[[], object], seconds: float = 20.0) -> None:
    """Until `condition()` holds (something a background thread does), at most `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
