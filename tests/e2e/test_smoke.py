"""A person opens Gapwise in Chromium, reads the start page and browses the framework."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.pages_only(run="postgresql")]  # evens the runs out


def test_home_page_explains_gapwise_and_leads_to_the_framework(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/")

    expect(page).to_have_title(re.compile("Gapwise"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("where it aims to be")
    expect(page.get_by_role("link", name="REAP Customer-Centric Blueprint")).to_be_visible()
    screenshot(page, "home-desktop")

    page.get_by_role("link", name="REAP Customer-Centric Blueprint").click()

    expect(page).to_have_url(live_server.url + "/frameworks/reap-blueprint")


def test_framework_page_lists_all_fourteen_areas_with_criteria(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url + "/frameworks/reap-blueprint")

    layers = page.locator("section.layer")
    expect(layers).to_have_count(3)
    expect(layers.locator("h2")).to_contain_text(["Foundations", "Enabling", "Execution"])
    areas = page.locator("article.area")
    expect(areas).to_have_count(14)
    for index in range(14):
        expect(areas.nth(index).locator("li.criterion").first).to_be_visible()
    expect(page.get_by_role("heading", name="Managing High Value Customers")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Embedded")).to_be_visible()
    screenshot(page, "framework-desktop")


def test_area_links_in_the_contents_jump_to_the_area(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/frameworks/reap-blueprint")

    page.get_by_role("navigation", name="Areas").get_by_role("link", name="Penetration").click()

    expect(page).to_have_url(re.compile("#area-penetration$"))
    expect(page.locator("#area-penetration")).to_be_in_viewport()


def test_framework_page_is_readable_on_a_phone(browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/frameworks/reap-blueprint")

    width = page.evaluate("document.documentElement.scrollWidth")

    assert width <= 375, "the page scrolls sideways on a phone"
    screenshot(page, "framework-phone")
    context.close()


def test_a_long_name_without_spaces_wraps_instead_of_widening_the_page(
    browser: Browser, live_server: LiveServer
) -> None:
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    sign_in(page, live_server)
    page.goto(live_server.url + "/organisations")
    page.get_by_label("Name").fill("Wide" + "W" * 150)
    page.get_by_role("button", name="Create").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("WideWWW")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()
