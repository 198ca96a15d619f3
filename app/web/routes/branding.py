"""Branding: the consultancy's name, accent colour and logo (admins), a client's logo
(consultants), and the logos themselves for pages to show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, HTTPException, Request, UploadFile
from fastapi.responses import Response

from app.db import branding
from app.db.models import Branding, Logo, Organisation
from app.domain.branding import DEFAULT_ACCENT, BrandingRefused, LogoImage, clean_colour, clean_name
from app.domain.policy import Action
from app.reports.logos import MAX_UPLOAD_BYTES, LogoRefused, clean_logo
from app.web.confirm import ask, is_confirmed
from app.web.deps import AuditDep, CurrentUser, FormDep, OrganisationDep, SessionDep, allowed
from app.web.feedback import done
from app.web.organisation_page import logo_removal_confirmation, render_organisation
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()
BRANDING = allowed(Action.BRAND_INSTANCE)
CLIENT_LOGO = allowed(Action.SET_CLIENT_LOGO)


@dataclass(frozen=True)
class BrandingPage:
    branding: Branding
    default_accent: str = DEFAULT_ACCENT
    message: str = ""


def _uploaded(file: UploadFile | None, field: str) -> LogoImage | None:
    """The cleaned logo from a form's file field; None when no file was chosen."""
    if file is None or not file.filename:
        return None
    return clean_logo(file.file.read(MAX_UPLOAD_BYTES + 1), field)


@router.get("/admin/branding", name="show_branding", dependencies=[BRANDING])
def show_branding(request: Request, session: SessionDep) -> Response:
    page = BrandingPage(branding.branding_row(session=session))
    return templates.TemplateResponse(request, "admin/branding.html", {"page": page})


@router.post("/admin/branding", name="save_branding", dependencies=[BRANDING])
def save_branding(
    request: Request,
    session: SessionDep,
    audit: AuditDep,
    consultancy_name: Annotated[str, Form(max_length=1000)] = "",
    accent_colour: Annotated[str, Form(max_length=100)] = "",
    logo: UploadFile | None = None,
    remove_logo: Annotated[bool, Form()] = False,
) -> Response:
    """Name and colour always; the logo when a file is chosen, or removed when asked."""
    try:
        name, colour = clean_name(consultancy_name), clean_colour(accent_colour)
        image = _uploaded(logo, "logo")
    except (BrandingRefused, LogoRefused) as refused:
        row = branding.branding_row(session=session)
        page = BrandingPage(row, message=str(refused))
        return templates.TemplateResponse(
            request, "admin/branding.html", {"page": page}, status_code=422
        )
    branding.save_branding(session=session, consultancy_name=name, accent_colour=colour)
    if image is not None or remove_logo:
        branding.set_consultancy_logo(session=session, image=image)
    audit("changed branding", detail=name or "(no name)")
    return done(
        request, "/admin/branding", "Branding saved: reports and decks drawn from now on carry it."
    )


def _organisation_back(request: Request, organisation: Organisation, message: str) -> Response:
    return done(request, f"/organisations/{organisation.id}#branding", message)


@router.post(
    "/organisations/{organisation_id}/logo", name="upload_client_logo", dependencies=[CLIENT_LOGO]
)
def upload_client_logo(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    audit: AuditDep,
    logo: UploadFile | None = None,
) -> Response:
    try:
        image = _uploaded(logo, "logo")
        if image is None:
            raise LogoRefused("logo: choose a PNG or JPEG file to upload")
    except LogoRefused as refused:
        return render_organisation(request, session, organisation, message=str(refused))
    branding.set_client_logo(session=session, organisation=organisation, image=image)
    audit("changed client logo", organisation_id=organisation.id)
    message = f"Logo saved: {organisation.name}'s pages, reports and decks show it now."
    return _organisation_back(request, organisation, message)


@router.post(
    "/organisations/{organisation_id}/logo/remove",
    name="remove_client_logo",
    dependencies=[CLIENT_LOGO],
)
def remove_client_logo(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    """Asks first (app/web/confirm.py)."""
    if not is_confirmed(form):
        return ask(request, logo_removal_confirmation(organisation), form)
    branding.set_client_logo(session=session, organisation=organisation, image=None)
    audit("removed client logo", organisation_id=organisation.id)
    return _organisation_back(request, organisation, f"Removed {organisation.name}'s logo.")


def _logo_response(request: Request, logo: Logo | None) -> Response:
    """The stored bytes, revalidated by digest; they were re-encoded on upload."""
    if logo is None:
        raise HTTPException(status_code=404, detail="There is no logo here.")
    etag = f'"{logo.digest}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(logo.content, media_type=logo.media_type, headers=headers)


@router.get("/branding/logo", name="consultancy_logo")
def consultancy_logo(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    row = branding.branding_row(session=session)
    return _logo_response(request, branding.logo_by_id(session=session, logo_id=row.logo_id))


@router.get("/organisations/{organisation_id}/logo", name="client_logo")
def client_logo(request: Request, organisation: OrganisationDep, session: SessionDep) -> Response:
    logo = branding.logo_by_id(session=session, logo_id=organisation.logo_id)
    return _logo_response(request, logo)
