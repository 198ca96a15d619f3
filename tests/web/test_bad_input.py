"""No request of any shape yields a 500 or a stack trace, and none changes anything."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.db import repository
from app.db.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Organisation,
    Participant,
)
from tests.factories import csrf_from, make_admin, sign_in
from tests.web.test_isolation import id_routes, victim_ids

BODIES = [
    ("application/json", b"{not json"),
    ("application/json", b'{"name": ["a", {"b": null}]}'),
    ("application/x-www-form-urlencoded", b"%ZZ&&=&csrf_token&email"),
    ("multipart/form-data; boundary=xyz", b"--xyz\r\nbroken"),
    ("text/plain", b"\x00\xff\xfe"),
]


@pytest.mark.parametrize(("content_type", "body"), BODIES, ids=[c for c, _ in BODIES])
def test_garbage_to_every_route_is_answered_without_a_server_error(
    client: TestClient, session: Session, tenants, content_type: str, body: bytes
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    token = csrf_from(client.get("/").text)
    ids = {**victim_ids(session, own), "invite_token": own.invite}
    repository.set_status(session=session, assessment=own.assessment, status=AssessmentStatus.OPEN)
    session.commit()
    before = _row_counts(session)

    for method, path, _ in id_routes(client) + [
        ("POST", "/login", set()),
        ("POST", "/organisations", set()),
    ]:
        if method != "POST":
            continue
        response = client.post(
            path.format(**ids),
            content=body,
            headers={"Content-Type": content_type, "X-CSRF-Token": token},
            follow_redirects=False,
        )
        assert response.status_code < 500, f"{path}: {response.status_code} {response.text[:200]}"
        assert "Traceback" not in response.text

    assert _row_counts(session) == before
    (answer,) = repository.answers_of(session=session, assessment=own.assessment)
    assert answer.comment == "secret comment of Acme"


def _row_counts(session: Session) -> list[int]:
    tables = (Organisation, Assessment, Participant, Answer)
    return [session.exec(select(func.count()).select_from(t)).one() for t in tables]


def test_huge_and_odd_paths_are_404_or_422(client: TestClient, tenants) -> None:
    sign_in(client, tenants[0].consultant.email)

    for path in [
        "/organisations/99999999999999999999999",
        f"/organisations/{2**31}",
        f"/assessments/{2**31}/results",
        "/organisations/-1",
        "/p/%00",
        "/" + "a" * 5000,
    ]:
        assert client.get(path).status_code in (404, 422), path


INTEGER_IDS = {
    "organisation_id",
    "assessment_id",
    "participant_id",
    "user_id",
    "token_id",
    "item_id",
}


def test_every_id_too_large_for_the_database_is_refused_on_every_route(
    client: TestClient, session: Session, tenants
) -> None:
    """Ids are INTEGER columns and PostgreSQL refuses 2**31 in a query on one: every route
    refuses such an id itself, whatever the method, before a query could fail on it."""
    own = tenants[0]
    sign_in(client, make_admin(session).email)
    token = csrf_from(client.get("/").text)
    ids = {**victim_ids(session, own), "invite_token": own.invite}
    checked = 0

    for method, path, params in id_routes(client):
        for name in params & INTEGER_IDS:
            url = path.format(**{**ids, name: 2**31})
            response = client.request(
                method, url, headers={"X-CSRF-Token": token}, follow_redirects=False
            )
            # Refused by the id's own rule: a page is absent (404), the API names the id (422).
            # (A looked-up id that is not there says "nothing at this address" instead.)
            expected = 422 if url.startswith("/api/") else 404
            assert response.status_code == expected, f"{method} {url}: {response.status_code}"
            assert "There is no page at this address." in response.text or expected == 422
            checked += 1

    assert checked > 30, checked


def test_audit_is_not_written_by_refused_requests(client: TestClient, session: Session) -> None:
    client.post("/organisations", data={"name": "x"})

    assert session.exec(select(func.count()).select_from(AuditEvent)).one() == 0
