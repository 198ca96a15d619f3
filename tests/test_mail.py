"""The email's headers and parts, independent of any mail server."""

from __future__ import annotations

from app.config import Settings
from app.domain.messages import Email
from app.mail import message_to


def test_a_line_break_in_a_title_or_address_cannot_add_a_header(settings: Settings) -> None:
    email = Email("Baseline\r\nBcc: everyone@example.test", "Hello", "<p>Hello</p>")

    message = message_to(settings, "dana@acme.test\r\nBcc: x@example.test", email)

    assert message["Bcc"] is None
    assert message["Subject"] == "Baseline Bcc: everyone@example.test"
    assert message.get_body(("plain",)).get_content() == "Hello\n"
    assert message.get_body(("html",)).get_content().strip() == "<p>Hello</p>"
