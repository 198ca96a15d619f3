"""The organisation's page: shown by routes/organisations.py, and shown again with a refused
form (422) by routes/organisations.py and routes/branding.py."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import accounts, repository
from app.db.models import Assessment, Organisation, User
from app.web.templating import templates


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation
    assessments: list[Assessment]
    members: list[User]
    message: str = ""
    saved: str = ""  # what was just saved, for the confirmation


def render_organisation(
    request: Request,
    session: Session,
    organisation: Organisation,
    *,
    message: str = "",
    saved: str = "",
) -> Response:
    """The page; with a message it shows what was wrong with a form (422)."""
    page = OrganisationPage(
        organisation=organisation,
        assessments=list(repository.assessments_of(session=session, organisation=organisation)),
        members=list(accounts.members_of(session=session, organisation=organisation)),
        message=message,
        saved=saved,
    )
    return templates.TemplateResponse(
        request, "organisations/detail.html", {"page": page}, status_code=422 if message else 200
    )
