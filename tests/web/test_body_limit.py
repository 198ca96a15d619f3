"""A request body past its limit is refused with 413 as it arrives, in words, through every
door that reads one (a JSON save, a form, an upload), and changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope, Send

from app.db import repository
from app.db.models import Assessment, FrameworkSnapshot
from app.db.transfer_schema import MAX_DOCUMENT_BYTES
from app.domain.text import MAX_LONG_TEXT
from app.reports.logos import MAX_UPLOAD_BYTES as MAX_LOGO_BYTES
from app.web import limits
from app.web.routes.answering import MAX_SAVE_BYTES
from app.web.routes.frameworks import MAX_UPLOAD_BYTES as MAX_FRAMEWORK_BYTES
from app.web.routes.invitations import MAX_UPLOAD_BYTES as MAX_PEOPLE_BYTES
from tests.factories import Tenant, csrf_from, sign_in
from tests.web.test_frameworks import upload
from tests.web.test_narrative import save as save_narrative

TOO_LARGE_FOR_A_FORM = "Request body: at most 4 MiB is allowed here; nothing was saved."
TOO_LARGE_FOR_A_SAVE = "Request body: at most 256 KiB is allowed here; nothing was saved."
PAST_A_FORM = limits.MAX_BODY_BYTES + 1024
PAST_A_SAVE = MAX_SAVE_BYTES + 1024


def _autosave(
    client: TestClient,
    tenant: Tenant,
    content: bytes | Iterator[bytes],
    content_type: str = "application/json",
):
    token = csrf_from(client.get(f"/p/{tenant.invite}").text)
    headers = {"X-CSRF-Token": token, "Accept": "application/json", "Content-Type": content_type}
    return client.post(f"/p/{tenant.invite}/answers", content=content, headers=headers)


def _answer_with_a_comment_of(size: int) -> bytes:
    comment = "x" * size
    return b'{"criterion_id": "cm-cross-channel-ownership", "current": 1, "target": 2, ' + (
        f'"comment": "{comment}"}}'.encode()
    )


def _stored(session: Session, tenant: Tenant) -> dict:
    session.expire_all()
    return repository.choices_of(session=session, participant=tenant.participant)


@pytest.mark.parametrize(
    ("sent", "content_type"),
    [
        ("with its length", "application/json"),
        ("in chunks without its length", "application/json"),
        ("with its length", "multipart/form-data; boundary=x"),  # an upload's limit: no
    ],
)
def test_a_save_past_its_own_limit_is_refused_in_json_and_saves_nothing(
    client: TestClient, session: Session, acme: Tenant, sent: str, content_type: str
) -> None:
    before = _stored(session, acme)
    body = _answer_with_a_comment_of(PAST_A_SAVE)
    chunks = (body[start : start + 16384] for start in range(0, len(body), 16384))
    response = _autosave(client, acme, body if sent == "with its length" else chunks, content_type)

    assert ("content-length" in response.request.headers) == (sent == "with its length")
    assert response.status_code == 413
    assert response.json() == {"detail": TOO_LARGE_FOR_A_SAVE, "errors": []}
    assert _stored(session, acme) == before


def test_a_comment_past_its_length_within_the_body_limit_is_refused_naming_the_field(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    response = _autosave(client, acme, _answer_with_a_comment_of(MAX_LONG_TEXT + 1000))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "comment"


def test_a_json_save_within_the_limit_still_saves(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    response = _autosave(client, acme, _answer_with_a_comment_of(100))

    assert response.status_code == 200, response.text
    assert _stored(session, acme)["cm-cross-channel-ownership"].comment == "x" * 100


def test_a_form_past_the_limit_is_refused_with_a_page_and_changes_nothing(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    sign_in(client, acme.consultant.email)
    response = save_narrative(client, acme.assessment.id, narrative="x" * PAST_A_FORM)

    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]
    assert "Too large" in response.text and TOO_LARGE_FOR_A_FORM in response.text
    session.expire_all()
    assert session.get(Assessment, acme.assessment.id).narrative == ""


def test_an_upload_past_the_limit_is_refused_and_stores_nothing(
    client: TestClient, acme: Tenant, session: Session
) -> None:
    sign_in(client, acme.consultant.email)
    before = session.exec(select(func.count()).select_from(FrameworkSnapshot)).one()
    response = upload(client, b"x" * (limits.MAX_UPLOAD_BODY_BYTES + 1))

    assert response.status_code == 413
    assert "Request body: at most 21 MiB is allowed here; nothing was saved." in response.text
    assert session.exec(select(func.count()).select_from(FrameworkSnapshot)).one() == before


def test_every_upload_that_a_route_refuses_itself_gets_past_the_body_limit() -> None:
    """An upload just over a route's own limit is refused by the route, which names the
    field and what it accepts, not by the body limit."""
    form_and_parts = 64 * 1024
    largest = max(MAX_DOCUMENT_BYTES, MAX_FRAMEWORK_BYTES, MAX_PEOPLE_BYTES, MAX_LOGO_BYTES)
    assert largest + 1 + form_and_parts <= limits.MAX_UPLOAD_BODY_BYTES


def _run(
    middleware: limits.BodyLimitMiddleware, scope: Scope, receive: Receive, send: Send
) -> None:
    with ThreadPoolExecutor(1) as own_thread:
        # A loop of its own: Playwright's may be running in this thread (the end-to-end tests).
        own_thread.submit(asyncio.run, middleware(scope, receive, send)).result()


def test_a_declared_length_past_the_limit_is_refused_before_any_of_the_body_is_read() -> None:
    read: list[Message] = []

    async def receive() -> Message:
        read.append({"type": "http.request"})
        return {"type": "http.request", "body": b"", "more_body": False}

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()

    declared = str(limits.MAX_BODY_BYTES + 1).encode()
    scope = {"type": "http", "headers": [(b"content-length", declared)]}
    with pytest.raises(HTTPException) as refused:
        _run(limits.BodyLimitMiddleware(route), scope, receive, _nowhere)

    assert refused.value.status_code == 413
    assert read == []


async def _nowhere(message: Message) -> None:
    raise AssertionError("nothing is sent before the refusal")


def test_once_the_response_has_started_nothing_is_refused() -> None:
    """A stream (the live workshop's events) listens for the client leaving by reading the
    body; a body past the limit then cannot be refused, and must not break the stream."""
    chunk = {"type": "http.request", "body": b"x" * limits.MAX_BODY_BYTES, "more_body": True}
    sent: list[Message] = []

    async def receive() -> Message:
        return chunk

    async def stream(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(3):
            await receive()
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def keep(message: Message) -> None:
        sent.append(message)

    _run(limits.BodyLimitMiddleware(stream), {"type": "http", "headers": []}, receive, keep)

    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
