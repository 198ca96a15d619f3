"""A consultant signs in with the demo credentials, finds the demo client, and signs out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.pages_only]


def test_sign_in_see_the_demo_client_and_sign_out(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/organisations")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_label("Email").fill(live_server.demo_email)
    page.get_by_label("Password").fill(live_server.demo_password)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + "/organisations")
    page.get_by_role("link", name="Northwind Utilities (demo)").click()
    page.get_by_role("link", name="Customer capability baseline").click()
    expect(page.get_by_role("cell", name="Amira Haddad")).to_be_visible()
    screenshot(page, "assessment-desktop")

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(live_server.url + "/organisations")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_wrong_password_shows_a_message(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/login")

    page.get_by_label("Email").fill(live_server.demo_email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
