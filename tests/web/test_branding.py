"""Branding through the pages: admins set the consultancy's, consultants a client's logo."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session, select

from app.db import branding
from app.db.models import AuditEvent, Logo
from tests.factories import make_admin, post_form, sign_in
from tests.reports.test_logos import PAYLOAD, jpeg_with_exif, png

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def upload(client: TestClient, url: str, raw: bytes, name: str = "logo.png", **fields: str):
    return post_form(
        client, url, dict(fields), files={"logo": (name, raw, "image/png")}, follow_redirects=False
    )


@pytest.fixture
def admin(client: TestClient, session: Session) -> None:
    make_admin(session)
    sign_in(client, "admin@instance.test")


def test_admin_sets_name_colour_and_logo(client: TestClient, session: Session, admin) -> None:
    fields = {"consultancy_name": "  Harbour   Advisory ", "accent_colour": "#C0562A"}
    response = upload(client, "/admin/branding", png() + PAYLOAD, **fields)
    assert response.status_code == 303, response.text
    assert client.get(response.headers["location"]).text.count("Branding saved") == 1
    brand = branding.brand_of(session=session)
    assert (brand.consultancy, brand.accent) == ("Harbour Advisory", "#c0562a")
    assert brand.logo is not None and PAYLOAD not in brand.logo.content
    served = client.get("/branding/logo")
    assert served.headers["content-type"] == "image/png"
    assert served.content == brand.logo.content
    again = client.get("/branding/logo", headers={"If-None-Match": served.headers["etag"]})
    assert again.status_code == 304
    assert session.exec(select(AuditEvent.action)).all()[-1] == "changed branding"


@pytest.mark.parametrize(
    ("fields", "raw", "message"),
    [
        ({"accent_colour": "red"}, b"", "accent_colour: write a colour as # and six hex digits"),
        ({"accent_colour": "#12345g"}, b"", "accent_colour: "),
        ({"consultancy_name": "x" * 121}, b"", "consultancy_name: use at most 120 characters"),
        ({"consultancy_name": "Evil\x07Co"}, b"", "consultancy_name: remove control characters"),
        ({}, SVG, "logo: this is not a PNG or JPEG file"),
        ({}, b"<html><script>alert(1)</script>", "logo: this is not a PNG or JPEG file"),
    ],
)
def test_bad_branding_is_refused_naming_the_field_and_changes_nothing(
    client: TestClient, session: Session, admin, fields: dict, raw: bytes, message: str
) -> None:
    before = branding.brand_of(session=session)
    response = upload(client, "/admin/branding", raw, name="logo.png" if raw else "", **fields)
    assert response.status_code == 422
    assert message in response.text
    session.expire_all()
    assert branding.brand_of(session=session) == before
    assert session.exec(select(Logo)).all() == []


def test_removing_the_logo_deletes_it(client: TestClient, session: Session, admin) -> None:
    upload(client, "/admin/branding", png())
    response = upload(client, "/admin/branding", b"", name="", remove_logo="true")
    assert response.status_code == 303
    assert client.get("/branding/logo").status_code == 404
    assert session.exec(select(Logo)).all() == []


def test_only_admins_change_branding(client: TestClient, tenants) -> None:
    sign_in(client, tenants[0].consultant.email)
    assert client.get("/admin/branding").status_code == 403
    assert upload(client, "/admin/branding", png()).status_code == 403


def test_consultant_uploads_a_client_logo_shown_in_the_header(
    client: TestClient, session: Session, tenants
) -> None:
    acme = tenants[0].organisation
    sign_in(client, tenants[0].consultant.email)
    url = f"/organisations/{acme.id}/logo"
    response = upload(client, url, jpeg_with_exif(), name="acme.jpg")
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    assert "Logo saved" in page.text
    assert 'class="client-brand"' in page.text and f"/organisations/{acme.id}/logo" in page.text
    served = client.get(url)
    assert served.headers["content-type"] == "image/jpeg" and PAYLOAD not in served.content
    assert Image.open(io.BytesIO(served.content)).size == (100, 200)
    results = client.get(f"/assessments/{tenants[0].assessment.id}/results")
    assert f"/organisations/{acme.id}/logo" in results.text
    unconfirmed = post_form(client, f"{url}/remove", follow_redirects=False)
    assert unconfirmed.status_code == 200 and "Remove Acme&#39;s logo?" in unconfirmed.text
    assert client.get(url).status_code == 200  # asked, nothing removed yet
    removed = post_form(client, f"{url}/remove", {"confirmed": "yes"}, follow_redirects=False)
    assert removed.status_code == 303
    assert client.get(url).status_code == 404


def test_a_refused_client_logo_says_why_and_keeps_the_old_one(
    client: TestClient, session: Session, tenants
) -> None:
    acme = tenants[0].organisation
    sign_in(client, tenants[0].consultant.email)
    upload(client, f"/organisations/{acme.id}/logo", png())
    kept = client.get(f"/organisations/{acme.id}/logo").content
    response = upload(client, f"/organisations/{acme.id}/logo", SVG, name="logo.svg")
    assert response.status_code == 422
    assert "logo: this is not a PNG or JPEG file" in response.text
    assert client.get(f"/organisations/{acme.id}/logo").content == kept
    empty = upload(client, f"/organisations/{acme.id}/logo", b"", name="")
    assert empty.status_code == 422 and "logo: choose a PNG or JPEG file" in empty.text


def test_viewers_cannot_change_a_client_logo(client: TestClient, tenants) -> None:
    sign_in(client, tenants[0].viewer.email)
    assert (
        upload(client, f"/organisations/{tenants[0].organisation.id}/logo", png()).status_code
        == 403
    )
