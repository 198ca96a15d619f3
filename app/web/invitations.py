"""Issuing a batch of links, emailing them, and showing them once: shared by adding one
participant, inviting many, a new link and reminders (app/web/routes/participants.py and
invitations.py).

The emails go out after the request's transaction commits (`after_commit`): the database
is never locked while a mail server answers, and no email carries a link that a failed
commit would leave dead. What was sent is then written into the links cookie the next
page reads.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from email.message import EmailMessage

from fastapi import Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlmodel import Session

from app.config import Settings
from app.db import invites, repository
from app.db.models import Assessment, Participant, User
from app.domain.answering import estimated_minutes
from app.domain.messages import DEFAULT_INVITATION, DEFAULT_REMINDER, compose
from app.mail import mail_enabled, message_to, send_all
from app.web.feedback import flash
from app.web.transactions import after_commit

LINKS_COOKIE = "gapwise_links"
LINKS_SHOWN_SECONDS = 600
MAX_COOKIE_BYTES = 3800  # browsers keep a cookie of up to 4 KB, name and attributes included
INVITATION, REMINDER, NEW_LINK = "invitation", "reminder", "link"
SUBJECTS = {
    INVITATION: "Your invitation: {assessment} ({organisation})",
    NEW_LINK: "Your new link: {assessment} ({organisation})",
    REMINDER: "Reminder: {assessment} ({organisation})",
}


@dataclass(frozen=True)
class Batch:
    """Links just issued: the key they derive from and whose they are."""

    kind: str
    key: str
    participant_ids: tuple[int, ...]
    emailed: tuple[int, ...] = ()
    failure: str = ""  # why some could not be emailed
    issued_at: float = 0.0  # time.time(): each batch is shown for LINKS_SHOWN_SECONDS

    @property
    def shows_reminders(self) -> bool:
        return self.kind == REMINDER


def links_path(assessment: Assessment) -> str:
    return f"/assessments/{assessment.id}/links"


def link_for(request: Request, settings: Settings, secret: str) -> str:
    path = request.app.url_path_for("start_answering", invite_token=secret)
    return settings.base_url_text + str(path)


def issue_batch(
    *,
    session: Session,
    kind: str,
    participants: Sequence[Participant],
    issued_by: User,
) -> tuple[Batch, dict[int, str]]:
    """A link for each participant (a reminder keeps their earlier links working)."""
    key = invites.new_batch_key()
    secrets = {
        p.id or 0: invites.issue(
            session=session,
            participant=p,
            key=key,
            issued_by=issued_by,
            keep_earlier=kind == REMINDER,
        )
        for p in participants
    }
    return Batch(kind, key, tuple(secrets)), secrets


def minutes_to_allow(session: Session, assessment: Assessment) -> int:
    """The time the questionnaire's first page tells participants to allow."""
    return estimated_minutes(
        repository.framework_of_assessment(session=session, assessment=assessment)
    )


def email_values(
    *,
    assessment: Assessment,
    organisation: str,
    consultant: User,
    name: str,
    link: str,
    minutes: int,
) -> dict[str, str]:
    by_date = f" by {assessment.target_date:%-d %B %Y}" if assessment.target_date else ""
    return {
        "name": name,
        "assessment": assessment.title,
        "organisation": organisation,
        "purpose": assessment.purpose,
        "by_target_date": by_date,
        "minutes": str(minutes),
        "consultant": consultant.name or consultant.email,
        "link": link,
    }


def template_of(assessment: Assessment, kind: str) -> str:
    if kind == REMINDER:
        return assessment.reminder_text or DEFAULT_REMINDER
    return assessment.invite_text or DEFAULT_INVITATION


def show_batch(
    request: Request,
    *,
    session: Session,
    settings: Settings,
    assessment: Assessment,
    batch: Batch,
    participants: Sequence[Participant],
    secrets: dict[int, str],
    consultant: User,
    message: str,
) -> RedirectResponse:
    """Redirect to the links page; after the commit, email those with an address (when mail
    is set up), then say what happened in the flash message and the links cookie."""
    response = RedirectResponse(links_path(assessment), status_code=303)
    organisation = repository.organisation_of(session=session, assessment=assessment).name
    addressed = [p for p in participants if p.email] if mail_enabled(settings) else []
    minutes = minutes_to_allow(session, assessment)
    messages = [
        _message(
            request, minutes, settings, assessment, batch.kind, organisation, consultant, p, secrets
        )
        for p in addressed
    ]

    def send_and_say() -> None:
        outcomes = send_all(settings, messages)
        emailed = tuple(p.id or 0 for p, why in zip(addressed, outcomes, strict=True) if not why)
        failure = next((why for why in outcomes if why), "")
        sent = Batch(batch.kind, batch.key, batch.participant_ids, emailed, failure)
        set_links_cookie(request, settings, response, (assessment, consultant), sent)
        flash(request, response, message + _mail_summary(settings, sent, len(participants)))

    after_commit(session, send_and_say)
    return response


def _message(
    request: Request,
    minutes: int,
    settings: Settings,
    assessment: Assessment,
    kind: str,
    organisation: str,
    consultant: User,
    participant: Participant,
    secrets: dict[int, str],
) -> EmailMessage:
    values = email_values(
        assessment=assessment,
        organisation=organisation,
        consultant=consultant,
        name=participant.name,
        link=link_for(request, settings, secrets[participant.id or 0]),
        minutes=minutes,
    )
    email = compose(template_of(assessment, kind), SUBJECTS[kind], values)
    return message_to(settings, participant.email or "", email)


def _mail_summary(settings: Settings, batch: Batch, total: int) -> str:
    """What was emailed, and what is left to copy: links, or reminders (a text with a link)."""
    what = "reminder" if batch.kind == REMINDER else "link"
    if not mail_enabled(settings):
        them = f"the {what} below and send it" if total == 1 else f"the {what}s below and send them"
        return f" Copy {them} yourself (no mail server is set up)."
    emailed = len(batch.emailed)
    if emailed == total:
        return f" Emailed {f'the {what}' if total == 1 else f'all {total}'}."
    text = f" Emailed {emailed} of {total}; copy the other {what}s below."
    return text + (f" Not emailed: {batch.failure}." if batch.failure else "")


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="gapwise-links")


def set_links_cookie(
    request: Request,
    settings: Settings,
    response: RedirectResponse,
    shown_to: tuple[Assessment, User],
    batch: Batch,
) -> None:
    """Show `batch` as well as the links this browser was shown in the last ten minutes,
    newest first: a consultant who adds one more person keeps the dozen links issued just
    before. Reminders and links are not mixed: a batch of the other kind starts afresh.
    `shown_to`: the assessment and the account that issued them, the only one to see them."""
    assessment, reader = shown_to
    earlier = [
        b
        for b in shown_batches(request, settings, shown_to)
        if b.shows_reminders == batch.shows_reminders
    ]
    batches = [replace(batch, issued_at=time.time()), *earlier]
    while True:  # the oldest go first when the cookie would pass what browsers keep
        kept = [asdict(b) for b in batches]
        shown = {"assessment": assessment.id, "reader": reader.id, "batches": kept}
        value = _serializer(settings).dumps(shown)
        if len(value) <= MAX_COOKIE_BYTES or len(batches) == 1:
            break
        batches.pop()
    response.set_cookie(
        LINKS_COOKIE,
        value,
        max_age=LINKS_SHOWN_SECONDS,
        path=f"/assessments/{assessment.id}",  # every door that issues links reads it too
        httponly=True,
        samesite="strict",
        secure=settings.base_url.scheme == "https",
    )


def shown_batches(
    request: Request, settings: Settings, shown_to: tuple[Assessment, User]
) -> list[Batch]:
    """The batches whose links this browser may still see (each for ten minutes after it
    was issued), newest first."""
    try:
        shown = _serializer(settings).loads(
            request.cookies.get(LINKS_COOKIE, ""), max_age=LINKS_SHOWN_SECONDS
        )
    except BadData:
        return []
    assessment, reader = shown_to  # another account signed in on this browser sees none
    if not isinstance(shown, dict) or (shown.get("assessment"), shown.get("reader")) != (
        assessment.id,
        reader.id,
    ):
        return []
    now = time.time()
    batches = [
        Batch(
            str(b["kind"]),
            str(b["key"]),
            tuple(int(i) for i in b["participant_ids"]),
            tuple(int(i) for i in b["emailed"]),
            str(b["failure"]),
            float(b["issued_at"]),
        )
        for b in shown.get("batches", [])
    ]
    return [b for b in batches if now - b.issued_at < LINKS_SHOWN_SECONDS]
