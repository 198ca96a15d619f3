"""Sending invite links by email, when a mail server is configured (GAPWISE_SMTP_*)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from app.config import Settings

TIMEOUT_SECONDS = 10


class MailNotSent(Exception):
    """The mail server refused or could not be reached; the message says why, in one line."""


def mail_enabled(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def invite_message(
    *, settings: Settings, to: str, name: str, link: str, assessment: str, organisation: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    # Header values come from form fields: a line break in them must not become a new header.
    message["Subject"] = " ".join(f"Your invitation: {assessment} ({organisation})".split())
    message.set_content(
        f"Hello {name},\n\n"
        f'{organisation} has asked you to take part in "{assessment}".\n'
        "For each statement you give two answers: where the organisation is today, and\n"
        "where it should be by the target date. Your answers are saved as you go,\n"
        "and this link brings you back to where you stopped:\n\n"
        f"{link}\n\n"
        "The link is personal: please do not forward it.\n"
    )
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Deliver one message, or raise MailNotSent."""
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailNotSent(f"the invite email could not be sent: {exc}") from None
