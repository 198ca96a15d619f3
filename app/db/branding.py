"""The instance's branding and the organisations' logos: stored with the data, never on disk."""

from __future__ import annotations

from sqlmodel import Session

from app.db.models import Branding, Logo, Organisation, utc_now
from app.domain.branding import DEFAULT_ACCENT, Brand, LogoImage

BRANDING_ID = 1  # the one row, created by the migration


def branding_row(*, session: Session) -> Branding:
    branding = session.get(Branding, BRANDING_ID)
    if branding is None:  # a database whose row was deleted by hand
        branding = Branding(id=BRANDING_ID)
        session.add(branding)
        session.flush()
    return branding


def logo_by_id(*, session: Session, logo_id: int | None) -> Logo | None:
    return session.get(Logo, logo_id) if logo_id is not None else None


def _image(logo: Logo | None) -> LogoImage | None:
    if logo is None:
        return None
    return LogoImage(logo.media_type, logo.width, logo.height, logo.content)


def brand_of(*, session: Session, organisation: Organisation | None = None) -> Brand:
    """The brand a deliverable for `organisation` carries: the consultancy's and the client's."""
    branding = branding_row(session=session)
    client = organisation.logo_id if organisation else None
    return Brand(
        consultancy=branding.consultancy_name,
        accent=branding.accent_colour or DEFAULT_ACCENT,
        logo=_image(logo_by_id(session=session, logo_id=branding.logo_id)),
        client_logo=_image(logo_by_id(session=session, logo_id=client)),
    )


def _replace_logo(session: Session, old_id: int | None, image: LogoImage | None) -> int | None:
    """Store the new logo (if any), delete the old one, and return the new id."""
    new_id = None
    if image is not None:
        logo = Logo(
            media_type=image.media_type,
            width=image.width,
            height=image.height,
            digest=image.digest,
            content=image.content,
        )
        session.add(logo)
        session.flush()
        new_id = logo.id
    old = logo_by_id(session=session, logo_id=old_id)
    if old is not None:
        session.delete(old)
    return new_id


def save_branding(*, session: Session, consultancy_name: str, accent_colour: str) -> Branding:
    """Set the consultancy's name and accent colour (already cleaned)."""
    branding = branding_row(session=session)
    branding.consultancy_name = consultancy_name
    branding.accent_colour = accent_colour
    branding.updated_at = utc_now()
    session.add(branding)
    return branding


def set_consultancy_logo(*, session: Session, image: LogoImage | None) -> None:
    """Replace (or, with None, remove) the consultancy's logo."""
    branding = branding_row(session=session)
    old_id, branding.logo_id = branding.logo_id, None
    session.add(branding)
    session.flush()  # unlink before the old logo is deleted
    branding.logo_id = _replace_logo(session, old_id, image)
    branding.updated_at = utc_now()
    session.add(branding)


def set_client_logo(
    *, session: Session, organisation: Organisation, image: LogoImage | None
) -> None:
    """Replace (or, with None, remove) an organisation's logo."""
    old_id, organisation.logo_id = organisation.logo_id, None
    session.add(organisation)
    session.flush()
    organisation.logo_id = _replace_logo(session, old_id, image)
    session.add(organisation)
