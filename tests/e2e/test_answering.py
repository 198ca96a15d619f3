"""The whole answering journey in Chromium, including a network that drops while answering.

A consultant creates an assessment and a participant; the participant answers in two areas,
loses the network (Playwright offline) and the server (aborted requests) along the way,
reloads, finds every answer, and submits; the consultant then sees the progress.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, screenshot, sign_in

pytestmark = pytest.mark.e2e

SAVED = "All changes saved"


def _create_assessment_and_participant(page: Page, server: LiveServer) -> str:
    """As the consultant; returns the participant's invite link."""
    sign_in(page, server)
    page.goto(server.url + "/organisations")
    page.get_by_role("link", name="Northwind Utilities (demo)").click()
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill("Board offsite 2027")
    page.get_by_label("Framework").select_option("reap-blueprint")  # others may be uploaded
    page.get_by_label("Purpose").fill("Where we stand before the offsite.")
    page.get_by_label("Target date").fill("2028-12-31")
    page.get_by_role("button", name="Create assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board offsite 2027")
    page.get_by_role("button", name="Open for answers").click()
    expect(page.get_by_text("Open: participants can answer and submit.")).to_be_visible()
    page.get_by_text("Add one person").click()
    page.get_by_label("Name").fill("Priya Raman")
    page.get_by_label("Group").fill("Leadership")
    page.get_by_label("Role").fill("Chief Customer Officer")
    page.get_by_role("button", name="Add and get the link").click()
    return page.get_by_label("Link for Priya Raman").input_value()


def _choose(page: Page, criterion: str, current: int, target: int) -> None:
    page.locator(f'label[for="c-{criterion}-current-{current}"]').click()
    page.locator(f'label[for="c-{criterion}-target-{target}"]').click()


def _expect_chosen(page: Page, criterion: str, current: int, target: int) -> None:
    expect(page.locator(f"#c-{criterion}-current-{current}")).to_be_checked()
    expect(page.locator(f"#c-{criterion}-target-{target}")).to_be_checked()


def _criteria(page: Page) -> list[str]:
    """The criteria of the area on screen, once it has loaded (a click does not wait for it)."""
    expect(page.locator("fieldset[data-criterion]").first).to_be_attached()
    return page.locator("fieldset[data-criterion]").evaluate_all(
        "sets => sets.map(s => s.dataset.criterion)"
    )


@pytest.mark.pages_only
def test_answers_survive_a_dropped_network_and_a_reload(
    browser: Browser, page: Page, live_server: LiveServer
) -> None:
    link = _create_assessment_and_participant(page, live_server)
    participant = browser.new_context(viewport={"width": 1440, "height": 900})
    answering = participant.new_page()
    status = answering.locator("[data-save-status]")

    answering.goto(link)
    expect(answering.get_by_role("heading", level=1)).to_have_text("Board offsite 2027")
    screenshot(answering, "answering-start-desktop")
    answering.get_by_role("link", name="Start with Leadership & Direction").click()
    first = _criteria(answering)
    _choose(answering, first[0], 1, 3)
    answering.locator(f"#c-{first[1]}-dont-know").check()
    expect(status).to_have_text(SAVED)
    expect(answering.locator("[data-answered]").first).to_have_text("2")

    # Keyboard only: focus a level and move along the scale with the arrow keys.
    answering.locator(f"#c-{first[2]}-current-0").focus()
    answering.keyboard.press("ArrowRight")
    answering.keyboard.press("ArrowRight")
    expect(answering.locator(f"#c-{first[2]}-current-2")).to_be_checked()
    expect(status).to_have_text(SAVED)

    answering.get_by_role("button", name="Save and continue to Culture").click()
    expect(answering.get_by_role("heading", level=1)).to_have_text("Culture")
    second = _criteria(answering)

    participant.set_offline(True)
    _choose(answering, second[0], 2, 4)
    answering.get_by_label("Comment or evidence").first.fill("Said at the town hall, not yet done")
    expect(status).to_contain_text("Not saved — retrying")
    participant.set_offline(False)
    expect(status).to_have_text(SAVED, timeout=20_000)

    # The server unreachable while answering, then a reload: the answer waits in the browser.
    answering.route("**/answers", lambda route: route.abort())
    _choose(answering, second[1], 3, 2)
    expect(answering.locator(f"#c-{second[1]} [data-hint-below]")).to_be_visible()
    expect(status).to_contain_text("Not saved — retrying")
    answering.reload()
    _expect_chosen(answering, second[1], 3, 2)
    answering.unroute("**/answers")
    expect(status).to_have_text(SAVED, timeout=20_000)

    answering.reload()  # now everything comes from the server
    _expect_chosen(answering, second[0], 2, 4)
    _expect_chosen(answering, second[1], 3, 2)
    expect(answering.get_by_label("Comment or evidence").first).to_have_value(
        "Said at the town hall, not yet done"
    )
    expect(answering.locator("[data-answered]").first).to_have_text(
        "4"
    )  # the keyboard one has only a current level
    assert answering.evaluate("localStorage.length") == 0
    screenshot(answering, "answering-area-desktop")
    answering.goto(link + "/areas/leadership-direction")
    _expect_chosen(answering, first[0], 1, 3)
    expect(answering.locator(f"#c-{first[1]}-dont-know")).to_be_checked()

    answering.get_by_role("link", name="Review and submit").first.click()
    expect(answering.get_by_role("heading", name="Not answered yet")).to_be_visible()
    answering.get_by_role("button", name="Submit my answers").click()
    answering.get_by_role("dialog").get_by_role("button", name="Submit anyway").click()
    expect(answering.get_by_role("status").first).to_contain_text("Your answers are submitted")
    expect(answering.get_by_text("You submitted your answers")).to_be_visible()

    page.reload()  # the consultant's invite page; go back to the overview
    page.get_by_role("link", name="Back to the participants").click()
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Priya Raman"))
    expect(row).to_contain_text("4 of 106")
    expect(row).not_to_contain_text("not yet")
    expect(row.get_by_role("button", name="Unlock answers")).to_be_visible()
    screenshot(page, "assessment-overview-desktop")
    participant.close()


@pytest.mark.pages_only
def test_the_questionnaire_at_phone_width(browser: Browser, live_server: LiveServer) -> None:
    consultant = browser.new_page()
    link = _create_assessment_and_participant(consultant, live_server)
    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    answering = phone.new_page()

    answering.goto(link + "/areas/retention")
    criteria = _criteria(answering)
    _choose(answering, criteria[0], 2, 4)

    expect(answering.locator("[data-save-status]")).to_have_text(SAVED)
    width = answering.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways at 375 px: {width} px wide"
    screenshot(answering, "answering-area-phone")
    phone.close()
    consultant.close()


@pytest.mark.pages_only
def test_not_applicable_by_mouse_and_keyboard_waits_for_a_reason_then_saves(
    browser: Browser, page: Page, live_server: LiveServer
) -> None:
    link = _create_assessment_and_participant(page, live_server)
    participant = browser.new_context(viewport={"width": 1440, "height": 900})
    answering = participant.new_page()
    status = answering.locator("[data-save-status]")
    answering.goto(link)
    answering.get_by_role("link", name="Start with Leadership & Direction").click()
    first = _criteria(answering)
    _choose(answering, first[0], 1, 3)
    expect(status).to_have_text(SAVED)

    answering.locator(f'label[for="c-{first[0]}-na"]').click()  # by mouse
    expect(answering.locator(f"#c-{first[0]}-current-1")).not_to_be_checked()
    expect(answering.locator(f"#c-{first[0]}-reason")).to_be_focused()
    expect(answering.locator(f"#c-{first[0]}").locator("[data-answer-status]")).to_contain_text(
        "why it does not apply"
    )
    expect(status).to_have_text("Not saved yet: a “Not applicable” needs a reason")  # not "saved"
    answering.keyboard.type("We sell only to consumers")
    expect(status).to_have_text(SAVED)
    answering.locator(f"#c-{first[1]}-na").focus()  # by keyboard: Space, then the reason
    answering.keyboard.press("Space")
    expect(answering.locator(f"#c-{first[1]}-reason")).to_be_focused()
    answering.keyboard.type("Outsourced")
    expect(answering.locator("[data-answered]").first).to_have_text("2")  # confirmed by the server
    expect(status).to_have_text(SAVED)
    screenshot(answering, "answering-not-applicable-desktop", full_page=False)

    answering.reload()
    expect(answering.locator(f"#c-{first[0]}-na")).to_be_checked()
    expect(answering.locator(f"#c-{first[0]}-reason")).to_have_value("We sell only to consumers")
    expect(answering.locator(f"#c-{first[1]}-reason")).to_have_value("Outsourced")
    expect(answering.locator("[data-answered]").first).to_have_text("2")
    participant.close()
