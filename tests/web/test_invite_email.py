"""With GAPWISE_SMTP_* set, an invite link is emailed; tested against a real local SMTP server."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.main import create_app
from tests.factories import Tenant, post_form, sign_in


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: SMTP, session: SmtpSession, envelope: Envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or b""))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def _client_with_mail(settings: Settings, port: int) -> TestClient:
    mail = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    )
    return TestClient(create_app(mail))


def _add_dana(client: TestClient, tenant: Tenant):
    sign_in(client, tenant.consultant.email)
    data = {"name": "Dana Kowalski", "email": "dana@acme.test", "group": "Front line"}
    return post_form(client, f"/assessments/{tenant.assessment.id}/participants", data)


def test_the_invite_link_is_emailed_and_works(
    settings: Settings, engine: Engine, tenants, inbox: tuple[Inbox, int]
) -> None:
    handler, port = inbox
    with _client_with_mail(settings, port) as client:
        page = _add_dana(client, tenants[0])

        (message,) = handler.messages
        body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
        link = re.search(r"http://127\.0\.0\.1:8000(/p/\S+)", body)
        opened = client.get(link.group(1)) if link else None

    assert "Emailed to dana@acme.test." in page.text
    assert message["To"] == "dana@acme.test"
    assert message["Subject"] == "Your invitation: Acme baseline (Acme)"
    assert opened is not None and opened.status_code == 200
    assert "Welcome, Dana Kowalski" in opened.text


def test_when_the_mail_server_is_down_the_link_is_still_shown(
    settings: Settings, engine: Engine, tenants
) -> None:
    with _client_with_mail(settings, _free_port()) as client:  # nothing listens there
        page = _add_dana(client, tenants[0])

    assert page.status_code == 200
    assert "Not emailed: the invite email could not be sent" in page.text
    assert re.search(r'id="invite-link" class="copy-field" readonly value="http', page.text)
