"""Organisations: the tenants. Their members, assessments and audit log."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import Response

from app.db import accounts, repository
from app.db import organisations as organisation_store
from app.db.models import AuditEvent, Organisation, User
from app.db.organisations import AssessmentSummary, assessment_summaries
from app.domain.policy import Action
from app.domain.text import Email, OptionalName
from app.web.confirm import ask, is_confirmed
from app.web.deps import (
    AuditDep,
    CurrentUser,
    DbId,
    FormDep,
    OrganisationDep,
    SessionDep,
    allowed,
)
from app.web.feedback import done
from app.web.organisation_page import (
    archive_confirmation,
    removal_confirmation,
    render_organisation,
)
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()


@dataclass(frozen=True)
class OrganisationsPage:
    organisations: list[Organisation]
    assessments: dict[int, list[AssessmentSummary]]  # by organisation id
    message: str = ""

    @property
    def active(self) -> list[Organisation]:
        return [o for o in self.organisations if o.archived_at is None]

    @property
    def archived(self) -> list[Organisation]:
        return [o for o in self.organisations if o.archived_at is not None]


@dataclass(frozen=True)
class AuditPage:
    organisation: Organisation
    events: list[AuditEvent]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "organisation"


def _render_organisations(
    request: Request, session: SessionDep, user: User, message: str = "", status: int = 200
) -> Response:
    organisations = list(accounts.organisations_for(session=session, user=user))
    summaries = assessment_summaries(
        session=session, organisation_ids=[o.id or 0 for o in organisations]
    )
    page = OrganisationsPage(organisations, summaries, message)
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
    name: Annotated[OptionalName, Form()] = "",
) -> Response:
    if not name:
        message = "Name: give the organisation a name (up to 200 characters)."
        return _render_organisations(request, session, user, message, status=422)
    slug = _slug(name)
    if repository.organisation_by_slug(session=session, slug=slug):
        slug = f"{slug}-{secrets.token_hex(3)}"
    organisation = repository.create_organisation(session=session, slug=slug, name=name)
    accounts.add_membership(session=session, user=user, organisation=organisation)
    audit("created organisation", organisation_id=organisation.id, detail=name)
    return done(request, f"/organisations/{organisation.id}", f"Created {name}.")


@router.get("/organisations/{organisation_id}", name="show_organisation")
def show_organisation(
    request: Request, organisation: OrganisationDep, session: SessionDep
) -> Response:
    return render_organisation(request, session, organisation)


MEMBERS = allowed(Action.MANAGE_MEMBERS)


@router.post("/organisations/{organisation_id}/members", name="add_member", dependencies=[MEMBERS])
def add_member(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    audit: AuditDep,
    email: Annotated[Email, Form()] = "",
) -> Response:
    member = accounts.user_by_email(session=session, email=email)
    if member is None:
        message = (
            f"Email: no account uses '{email}'. Create the account first (gapwise create-user)."
        )
        return render_organisation(request, session, organisation, message)
    accounts.add_membership(session=session, user=member, organisation=organisation)
    audit("added member", organisation_id=organisation.id, detail=member.email)
    message = f"Added {member.name or member.email}: they can see {organisation.name} now."
    return done(request, f"/organisations/{organisation.id}", message)


@router.post(
    "/organisations/{organisation_id}/members/{user_id}/remove",
    name="remove_member",
    dependencies=[MEMBERS],
)
def remove_member(
    request: Request,
    organisation: OrganisationDep,
    user_id: DbId,
    session: SessionDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    member = session.get(User, user_id)
    members = accounts.members_of(session=session, organisation=organisation)
    if member is None or member not in members:
        raise HTTPException(status_code=404, detail="That person is not a member here.")
    if not is_confirmed(form):
        return ask(request, removal_confirmation(organisation, member), form)
    accounts.remove_membership(session=session, user_id=user_id, organisation=organisation)
    audit("removed member", organisation_id=organisation.id, detail=member.email)
    message = f"Removed {member.name or member.email} from {organisation.name}."
    return done(request, f"/organisations/{organisation.id}", message)


ORGANISE = allowed(Action.MANAGE_ORGANISATIONS)


@router.post(
    "/organisations/{organisation_id}/rename", name="rename_organisation", dependencies=[ORGANISE]
)
def rename_organisation(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    audit: AuditDep,
    name: Annotated[OptionalName, Form()] = "",
) -> Response:
    """A new name (its address stays): shown on every page, report and export from now on."""
    name, before = " ".join(name.split()), organisation.name  # the form's rule, then one space
    if not name:
        message = "Name: give the organisation a name (up to 200 characters)."
        return render_organisation(request, session, organisation, message)
    organisation_store.rename_organisation(session=session, organisation=organisation, name=name)
    audit("renamed organisation", organisation_id=organisation.id, detail=f"{before} → {name}")
    return done(request, f"/organisations/{organisation.id}", f"Renamed {before} to {name}.")


@router.post(
    "/organisations/{organisation_id}/archive", name="archive_organisation", dependencies=[ORGANISE]
)
def archive_organisation(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    """Archive (asked first) or, with restore=yes, bring back from the archive."""
    restore = form.get("restore") == "yes"
    if not restore and not is_confirmed(form):
        return ask(request, archive_confirmation(organisation), form)
    organisation_store.set_archived(
        session=session, organisation=organisation, archived=not restore
    )
    audit(
        "restored organisation" if restore else "archived organisation",
        organisation_id=organisation.id,
        detail=organisation.name,
    )
    if restore:
        return done(request, f"/organisations/{organisation.id}", f"Restored {organisation.name}.")
    return done(
        request, "/organisations", f"Archived {organisation.name}; it is listed under Archived."
    )


@router.get(
    "/organisations/{organisation_id}/audit",
    name="show_audit",
    dependencies=[allowed(Action.READ_AUDIT_LOG)],
)
def show_audit(request: Request, organisation: OrganisationDep, session: SessionDep) -> Response:
    events = accounts.audit_events(session=session, organisation_id=organisation.id)
    page = AuditPage(organisation=organisation, events=list(events))
    return templates.TemplateResponse(request, "organisations/audit.html", {"page": page})
