"""Organisations: the tenants. Their members, assessments and audit log."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.db import accounts, repository
from app.db.models import Assessment, AuditEvent, Organisation, User
from app.domain.policy import Action
from app.web.deps import AuditDep, CurrentUser, DbId, OrganisationDep, SessionDep, allowed
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()


@dataclass(frozen=True)
class OrganisationsPage:
    organisations: list[Organisation]
    message: str = ""


@dataclass(frozen=True)
class OrganisationPage:
    organisation: Organisation
    assessments: list[Assessment]
    members: list[User]
    message: str = ""


@dataclass(frozen=True)
class AuditPage:
    organisation: Organisation
    events: list[AuditEvent]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "organisation"


def _render_organisations(
    request: Request, session: SessionDep, user: User, message: str = "", status: int = 200
) -> Response:
    page = OrganisationsPage(
        organisations=list(accounts.organisations_for(session=session, user=user)),
        message=message,
    )
    return templates.TemplateResponse(
        request, "organisations/index.html", {"page": page}, status_code=status
    )


@router.get("/organisations", name="list_organisations")
def list_organisations(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _render_organisations(request, session, user)


@router.post(
    "/organisations",
    name="create_organisation",
    dependencies=[allowed(Action.CREATE_ORGANISATIONS)],
)
def create_organisation(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    audit: AuditDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    name = name.strip()
    if not name:
        message = "Name: give the organisation a name (up to 200 characters)."
        return _render_organisations(request, session, user, message, status=422)
    slug = _slug(name)
    if repository.organisation_by_slug(session=session, slug=slug):
        slug = f"{slug}-{secrets.token_hex(3)}"
    organisation = repository.create_organisation(session=session, slug=slug, name=name)
    accounts.add_membership(session=session, user=user, organisation=organisation)
    audit("created organisation", organisation_id=organisation.id, detail=name)
    return RedirectResponse(f"/organisations/{organisation.id}", status_code=303)


def _organisation_page(
    session: SessionDep, organisation: Organisation, message: str = ""
) -> OrganisationPage:
    return OrganisationPage(
        organisation=organisation,
        assessments=list(repository.assessments_of(session=session, organisation=organisation)),
        members=list(accounts.members_of(session=session, organisation=organisation)),
        message=message,
    )


@router.get("/organisations/{organisation_id}", name="show_organisation")
def show_organisation(
    request: Request, organisation: OrganisationDep, session: SessionDep
) -> Response:
    page = _organisation_page(session, organisation)
    return templates.TemplateResponse(request, "organisations/detail.html", {"page": page})


MEMBERS = allowed(Action.MANAGE_MEMBERS)


@router.post("/organisations/{organisation_id}/members", name="add_member", dependencies=[MEMBERS])
def add_member(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    audit: AuditDep,
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    member = accounts.user_by_email(session=session, email=email)
    if member is None:
        message = (
            f"Email: no account uses '{email}'. Create the account first (gapwise create-user)."
        )
        page = _organisation_page(session, organisation, message)
        return templates.TemplateResponse(
            request, "organisations/detail.html", {"page": page}, status_code=422
        )
    accounts.add_membership(session=session, user=member, organisation=organisation)
    audit("added member", organisation_id=organisation.id, detail=member.email)
    return RedirectResponse(f"/organisations/{organisation.id}", status_code=303)


@router.post(
    "/organisations/{organisation_id}/members/{user_id}/remove",
    name="remove_member",
    dependencies=[MEMBERS],
)
def remove_member(
    organisation: OrganisationDep,
    user_id: DbId,
    session: SessionDep,
    audit: AuditDep,
) -> Response:
    member = session.get(User, user_id)
    if member is None or not accounts.remove_membership(
        session=session, user_id=user_id, organisation=organisation
    ):
        raise HTTPException(status_code=404, detail="That person is not a member here.")
    audit(
        "removed member",
        organisation_id=organisation.id,
        detail=member.email,
    )
    return RedirectResponse(f"/organisations/{organisation.id}", status_code=303)


@router.get(
    "/organisations/{organisation_id}/audit",
    name="show_audit",
    dependencies=[allowed(Action.READ_AUDIT_LOG)],
)
def show_audit(request: Request, organisation: OrganisationDep, session: SessionDep) -> Response:
    events = accounts.audit_events(session=session, organisation_id=organisation.id)
    page = AuditPage(organisation=organisation, events=list(events))
    return templates.TemplateResponse(request, "organisations/audit.html", {"page": page})
