"""A browser request from another site changes nothing, even with a valid CSRF token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import repository
from app.db.models import AssessmentStatus, Organisation
from app.web.csrf import FOREIGN
from tests.factories import Tenant, csrf_from, sign_in

OWN = "http://127.0.0.1:8000"  # the settings' default GAPWISE_BASE_URL
FOREIGN_HEADERS = {
    "another origin": {"Origin": "https://evil.example"},
    "another port": {"Origin": "http://127.0.0.1:8001"},
    "another scheme": {"Origin": "https://127.0.0.1:8000"},
    "a null origin": {"Origin": "null"},
    "cross-site fetch": {"Sec-Fetch-Site": "cross-site"},
    "same-site fetch": {"Sec-Fetch-Site": "same-site"},
    "own origin but cross-site fetch": {"Origin": OWN, "Sec-Fetch-Site": "cross-site"},
}
OWN_HEADERS = {
    "own origin": {"Origin": OWN, "Sec-Fetch-Site": "same-origin"},
    "own origin in capitals": {"Origin": OWN.upper()},
    "no origin (a script, curl)": {},
    "typed or bookmarked": {"Sec-Fetch-Site": "none"},
    # a form on a page served with Referrer-Policy: no-referrer (invite and workshop pages)
    "own form under no-referrer": {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
}


def _create_organisation(client: TestClient, headers: dict[str, str]):
    token = csrf_from(client.get("/organisations").text)
    return client.post(
        "/organisations",
        data={"name": "Made here", "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )


def _names(session: Session) -> list[str]:
    session.expire_all()
    return list(session.exec(select(Organisation.name)).all())


@pytest.mark.parametrize("headers", FOREIGN_HEADERS.values(), ids=FOREIGN_HEADERS.keys())
def test_a_form_posted_from_another_site_is_refused_despite_a_valid_token(
    client: TestClient, session: Session, tenants, headers: dict[str, str]
) -> None:
    sign_in(client, tenants[0].consultant.email)

    response = _create_organisation(client, headers)

    assert response.status_code == 403
    assert FOREIGN in response.text
    assert "Made here" not in _names(session)


@pytest.mark.parametrize("headers", OWN_HEADERS.values(), ids=OWN_HEADERS.keys())
def test_a_form_posted_from_gapwise_itself_goes_through(
    client: TestClient, session: Session, tenants, headers: dict[str, str]
) -> None:
    sign_in(client, tenants[0].consultant.email)

    response = _create_organisation(client, headers)

    assert response.status_code == 303, response.text[:300]
    assert "Made here" in _names(session)


def test_sign_in_from_another_site_is_refused(client: TestClient, tenants) -> None:
    token = csrf_from(client.get("/login").text)
    form = {"email": tenants[0].consultant.email, "password": "x", "csrf_token": token}

    response = client.post("/login", data=form, headers={"Origin": "https://evil.example"})

    assert response.status_code == 403


def test_an_autosave_from_another_site_is_refused(
    client: TestClient, session: Session, tenants
) -> None:
    own: Tenant = tenants[0]
    repository.set_status(session=session, assessment=own.assessment, status=AssessmentStatus.OPEN)
    session.commit()
    token = csrf_from(client.get(f"/p/{own.invite}").text)
    answer = {"criterion_id": "cm-cross-channel-ownership", "current": 4}

    response = client.post(
        f"/p/{own.invite}/answers",
        json=answer,
        headers={
            "X-CSRF-Token": token,
            "Origin": "https://evil.example",
            "Accept": "application/json",
        },
    )

    assert response.status_code == 403
    assert response.json()["detail"] == FOREIGN
    choices = repository.choices_of(session=session, participant=own.participant)
    assert choices["cm-cross-channel-ownership"].current == 1
