"""Signing in and out, sessions, rate limits, CSRF, API tokens, invite links and the audit log."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from starlette.routing import Route

from app.db import accounts
from app.db.models import AuditEvent, LoginAttempt, User
from app.web.csrf import REFUSED
from app.web.deps import SESSION_COOKIE
from tests.factories import PASSWORD, csrf_from, make_admin, post_form, sign_in
from tests.web.test_isolation import flatten


def test_sign_in_sets_a_safe_session_cookie_and_opens_the_organisations(
    client: TestClient, tenants
) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": "Consultant@Acme.test", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/organisations"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert "Acme" in client.get("/organisations").text


def test_each_sign_in_gets_a_new_session_id(client: TestClient, tenants) -> None:
    sign_in(client, "consultant@acme.test")
    first = client.cookies[SESSION_COOKIE]
    sign_in(client, "consultant@acme.test")

    assert client.cookies[SESSION_COOKIE] != first


def test_wrong_password_is_refused_and_counted(
    client: TestClient, session: Session, tenants
) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login", data={"email": "consultant@acme.test", "password": "nope", "csrf_token": token}
    )

    assert response.status_code == 401
    assert "do not match an account" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert len(session.exec(select(LoginAttempt)).all()) == 1


def test_sign_in_is_rate_limited_per_account(client: TestClient, tenants) -> None:
    token = csrf_from(client.get("/login").text)
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        client.post(
            "/login", data={"email": "consultant@acme.test", "password": "x", "csrf_token": token}
        )

    right = client.post(
        "/login", data={"email": "consultant@acme.test", "password": PASSWORD, "csrf_token": token}
    )

    assert right.status_code == 429
    assert "Too many failed attempts" in right.text
    sign_in(client, "consultant@globex.test")  # another account is not locked


def test_sign_in_is_rate_limited_per_address(client: TestClient, tenants) -> None:
    token = csrf_from(client.get("/login").text)
    for n in range(accounts.MAX_FAILURES_PER_ADDRESS):
        client.post(
            "/login", data={"email": f"guess{n}@x.test", "password": "x", "csrf_token": token}
        )

    response = client.post(
        "/login", data={"email": "consultant@acme.test", "password": PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 429


def test_sign_out_revokes_the_session_on_the_server(client: TestClient, tenants) -> None:
    sign_in(client, "consultant@acme.test")
    stolen = client.cookies[SESSION_COOKIE]

    assert post_form(client, "/logout", follow_redirects=False).status_code == 303
    client.cookies.set(SESSION_COOKIE, stolen)

    assert client.get("/organisations").status_code == 401


def test_admin_can_sign_a_user_out_everywhere(
    client: TestClient, session: Session, settings, tenants
) -> None:
    admin = make_admin(session)
    victim_client = TestClient(client.app)
    sign_in(victim_client, "consultant@acme.test")
    sign_in(client, admin.email)

    response = post_form(client, f"/admin/users/{tenants[0].consultant.id}/revoke-sessions")

    assert response.status_code == 200
    assert victim_client.get("/organisations").status_code == 401


def test_password_is_argon2id_at_owasp_strength_and_rehashed_when_weaker(
    production_password_hashing: None, client: TestClient, session: Session, tenants
) -> None:
    # production_password_hashing comes first, so the tenants' passwords are hashed with it
    user = session.get(User, tenants[0].consultant.id)
    assert user.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in user.password_hash
    user.password_hash = PasswordHasher(memory_cost=8192, time_cost=1).hash(PASSWORD)
    session.add(user)
    session.commit()

    sign_in(client, user.email)

    session.refresh(user)
    assert "m=19456,t=2,p=1" in user.password_hash


def test_next_cannot_send_the_user_to_another_site(client: TestClient, tenants) -> None:
    token = csrf_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "email": "consultant@acme.test",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": token,
        },
        follow_redirects=False,
    )

    assert response.headers["location"] == "/organisations"


def test_cookie_is_secure_under_https(settings, tenants) -> None:
    from pydantic import AnyHttpUrl

    from app.main import create_app

    settings = settings.model_copy(update={"base_url": AnyHttpUrl("https://gapwise.example")})
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        token = csrf_from(client.get("/login").text)
        response = client.post(
            "/login",
            data={"email": "consultant@acme.test", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )

    assert "Secure" in response.headers["set-cookie"]


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(
    client: TestClient, session: Session, tenants
) -> None:
    sign_in(client, "consultant@acme.test")

    missing = client.post("/organisations", data={"name": "Sneaky"})
    forged = client.post("/organisations", data={"name": "Sneaky", "csrf_token": "forged.value"})
    json_call = client.post("/logout", json={})

    assert (missing.status_code, forged.status_code, json_call.status_code) == (403, 403, 403)
    assert "did not come from this site" in missing.text
    assert "Sneaky" not in client.get("/organisations").text


def test_every_route_that_changes_anything_asks_for_the_csrf_token_first(
    client: TestClient, tenants
) -> None:
    """Whatever its router: signed in, with no token, every unsafe request is refused before
    anything else is looked at (the ids here belong to the signed-in consultant)."""
    sign_in(client, "consultant@acme.test")
    unsafe = [
        (method, re.sub(r"{\w+(:\w+)?}", "1", route.path))
        for route in flatten(client.app.routes)
        if isinstance(route, Route)  # FastAPI's routes, and plain ones
        for method in sorted(route.methods - {"GET", "HEAD", "OPTIONS"})
    ]
    assert len(unsafe) > 40  # every router's routes are there

    answered = {(m, path): client.request(m, path, data={}) for m, path in unsafe}

    assert {key: r.status_code for key, r in answered.items() if r.status_code != 403} == {}
    assert [key for key, r in answered.items() if REFUSED not in r.text] == []


def test_csrf_header_is_accepted_for_json_calls(client: TestClient, tenants) -> None:
    sign_in(client, "consultant@acme.test")
    token = csrf_from(client.get("/organisations").text)

    response = client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)

    assert response.status_code == 303


def test_api_token_works_until_revoked_in_the_ui(client: TestClient, tenants) -> None:
    sign_in(client, "consultant@acme.test")
    page = post_form(client, "/account/tokens", {"name": "reporting script"})
    secret = page.context["page"].new_secret
    headers = {"Authorization": f"Bearer {secret}"}

    assert secret.startswith("gw_") and secret in page.text
    assert client.get("/api/v1/frameworks", headers=headers).status_code == 200
    assert secret not in client.get("/account").text  # shown once

    (token,) = [t for t in page.context["page"].tokens if t.name == "reporting script"]
    post_form(client, f"/account/tokens/{token.id}/revoke")
    refused = client.get("/api/v1/frameworks", headers=headers)

    assert refused.status_code == 401
    assert refused.json() == {"detail": "The API token is not valid or was revoked.", "errors": []}


def test_api_without_credentials_is_401_json(client: TestClient) -> None:
    response = client.get("/api/v1/frameworks")

    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in to continue.", "errors": []}


def test_invite_link_opens_one_questionnaire_until_replaced(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    opened = client.get(f"/p/{own.invite}")

    assert opened.status_code == 200
    assert own.participant.name in opened.text
    assert opened.headers["cache-control"] == "no-store"
    assert client.get(f"/organisations/{own.organisation.id}").status_code == 401

    new_secret = accounts.issue_invite(session=session, participant=own.participant)
    session.commit()

    assert client.get(f"/p/{own.invite}").status_code == 404
    assert client.get(f"/p/{new_secret}").status_code == 200


def test_invite_secret_has_at_least_128_bits_and_is_stored_hashed(
    session: Session, tenants
) -> None:
    from app.db.models import InviteToken

    stored = session.exec(select(InviteToken)).all()

    assert len(tenants[0].invite) >= 43  # 32 random bytes, base64url
    assert all(tenants[0].invite not in (t.token_hash) for t in stored)


def test_audit_log_records_sign_ins_and_changes_for_the_organisations_consultants(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    post_form(
        client, f"/organisations/{own.organisation.id}/members", {"email": "viewer@globex.test"}
    )

    page = client.get(f"/organisations/{own.organisation.id}/audit")
    actions = [e.action for e in session.exec(select(AuditEvent)).all()]

    assert "signed in" in actions and "added member" in actions
    assert page.status_code == 200
    assert "viewer@globex.test" in page.text


def test_bad_form_input_names_the_field_and_changes_nothing(client: TestClient, tenants) -> None:
    sign_in(client, "consultant@acme.test")

    empty = post_form(client, "/organisations", {"name": "   "})
    too_long = post_form(client, "/organisations", {"name": "x" * 500})
    bad_id = client.get("/organisations/not-a-number")

    assert empty.status_code == 422 and "Name:" in empty.text
    assert too_long.status_code == 422 and "name" in too_long.text.lower()
    assert bad_id.status_code == 404 and "There is no page at this address." in bad_id.text
    assert "Traceback" not in too_long.text + bad_id.text


def test_consultant_revokes_an_invite_and_returns_to_the_overview(
    client: TestClient, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    response = post_form(
        client,
        f"/assessments/{own.assessment.id}/participants/{own.participant.id}/revoke-invite",
        {"confirmed": "yes"},
        follow_redirects=False,
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/assessments/{own.assessment.id}"
    assert client.get(f"/p/{own.invite}").status_code == 404
