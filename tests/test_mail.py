"""The invite email's text, independent of any mail server."""

from __future__ import annotations

from app.config import Settings
from app.mail import invite_message


def test_a_line_break_in_a_title_cannot_add_a_header(settings: Settings) -> None:
    message = invite_message(
        settings=settings,
        to="dana@acme.test",
        name="Dana",
        link="http://127.0.0.1:8000/p/abc",
        assessment="Baseline\r\nBcc: everyone@example.test",
        organisation="Acme",
    )

    assert message["Bcc"] is None
    assert message["Subject"] == "Your invitation: Baseline Bcc: everyone@example.test (Acme)"
    assert "http://127.0.0.1:8000/p/abc" in message.get_content()
