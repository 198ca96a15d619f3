"""The organisation's page: shown by routes/organisations.py, and shown again with a refused
form (422) by routes/organisations.py and routes/branding.py; and the questions it asks first."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import accounts, repository
from app.db.models import Assessment, Organisation, User
from app.web.confirm import Confirmation
from app.web.templating import templates


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation
    assessments: list[Assessment]
    members: list[User]
    archive: Confirmation
    removals: dict[int, Confirmation]  # by member's user id
    remove_logo: Confirmation
    message: str = ""


def render_organisation(
    request: Request, session: Session, organisation: Organisation, message: str = ""
) -> Response:
    """The page; with a message it shows what was wrong with a form (422)."""
    members = list(accounts.members_of(session=session, organisation=organisation))
    page = OrganisationPage(
        organisation=organisation,
        assessments=list(repository.assessments_of(session=session, organisation=organisation)),
        members=members,
        archive=archive_confirmation(organisation),
        removals={m.id or 0: removal_confirmation(organisation, m) for m in members},
        remove_logo=logo_removal_confirmation(organisation),
        message=message,
    )
    return templates.TemplateResponse(
        request, "organisations/detail.html", {"page": page}, status_code=422 if message else 200
    )


def archive_confirmation(organisation: Organisation) -> Confirmation:
    return Confirmation(
        f"Archive {organisation.name}?",
        "It moves to the archived list and its assessments stay as they are: nothing is "
        "deleted, open assessments stay open, and you can restore it at any time.",
        f"Archive {organisation.name}",
        f"/organisations/{organisation.id}",
    )


def removal_confirmation(organisation: Organisation, member: User) -> Confirmation:
    who = member.name or member.email
    return Confirmation(
        f"Remove {who} from {organisation.name}?",
        f"{who} can no longer see {organisation.name}'s assessments, results or reports. "
        "Their account stays; add them again to give access back.",
        f"Remove {who}",
        f"/organisations/{organisation.id}",
    )


def logo_removal_confirmation(organisation: Organisation) -> Confirmation:
    return Confirmation(
        f"Remove {organisation.name}'s logo?",
        "Its pages, reports and decks show the client's name instead; upload the logo again "
        "to bring it back.",
        "Remove the logo",
        f"/organisations/{organisation.id}#branding",
    )
