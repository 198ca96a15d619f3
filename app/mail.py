"""Sending invitation and reminder emails, when a mail server is configured (GAPWISE_SMTP_*)."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from app.config import Settings
from app.domain.messages import Email

TIMEOUT_SECONDS = 10


class MailNotSent(Exception):
    """The mail server refused or could not be reached; the message says why, in one line."""


def mail_enabled(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def message_to(settings: Settings, to: str, email: Email) -> EmailMessage:
    """A text and HTML message; header values never carry a line break (a new header)."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = " ".join(to.split())
    message["Subject"] = " ".join(email.subject.split())
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


def send_all(settings: Settings, messages: Sequence[EmailMessage]) -> list[str]:
    """Deliver the messages over one connection; for each, "" or why it was not sent."""
    if not messages:
        return []
    outcomes: list[str] = []
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            for message in messages:
                try:
                    smtp.send_message(message)
                    outcomes.append("")
                except smtplib.SMTPRecipientsRefused as exc:
                    outcomes.append(f"the mail server refused the address ({_first(exc)})")
    except (OSError, smtplib.SMTPException) as exc:
        reason = f"the email could not be sent: {exc}"
        outcomes.extend([reason] * (len(messages) - len(outcomes)))
    return outcomes


def _first(exc: smtplib.SMTPRecipientsRefused) -> str:
    for code, text in exc.recipients.values():
        return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return "refused"
