"""Level anchors while answering, in Chromium: at desktop and phone width, with and without
JavaScript. The participant sees what the level they point at, focus or choose means for this
statement; the screenshots are kept in test-output/ for people to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from app.domain.loading import load_framework
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_answering import _create_assessment_and_participant

pytestmark = [pytest.mark.e2e, pytest.mark.pages_only(run="postgresql")]  # evens the runs out

FIRST = next(load_framework(QUESTIONNAIRES / "reap-blueprint.yaml").criteria())
ANCHORS = FIRST.anchors or {}


def _first_area(browser: Browser, link: str, **context: object) -> Page:
    page = browser.new_context(**context).new_page()
    page.goto(link)
    page.get_by_role("link", name="Start with Leadership & Direction").click()
    return page


def test_desktop_shows_the_anchor_of_the_level_pointed_at_then_the_one_chosen(
    browser: Browser, page: Page, live_server: LiveServer
) -> None:
    link = _create_assessment_and_participant(page, live_server)
    answering = _first_area(browser, link, viewport={"width": 1280, "height": 900})
    criterion = answering.locator(f"#c-{FIRST.id}")
    today, target = (criterion.locator(f'[data-anchor-line="{f}"]') for f in ("current", "target"))

    expect(criterion).to_contain_text(FIRST.hint or "")
    expect(criterion).to_contain_text("As written, this statement is level 4 · Embedded")
    expect(criterion.locator("[data-anchor-list]")).not_to_have_attribute("open", "")
    expect(criterion.locator("[data-anchor-prompt]")).to_be_visible()
    expect(today).to_be_hidden()
    expect(criterion.locator(".level-help__quality li")).to_have_count(len(FIRST.quality or ()))

    criterion.locator(f'label[for="c-{FIRST.id}-current-3"]').hover()
    expect(today).to_have_text(f"Today 3 · Defined: {ANCHORS[3]}")
    criterion.locator(f'label[for="c-{FIRST.id}-current-1"]').click()
    criterion.locator(f'label[for="c-{FIRST.id}-target-4"]').click()
    answering.mouse.move(0, 0)
    expect(today).to_have_text(f"Today 1 · Ad hoc: {ANCHORS[1]}")
    expect(criterion.locator("[data-anchor-prompt]")).to_be_hidden()
    expect(target).to_contain_text("Target 4 · Embedded: The statement as written")
    criterion.locator(f"#c-{FIRST.id}-target-4").focus()
    answering.keyboard.press("ArrowRight")
    expect(target).to_have_text(f"Target 5 · Optimised: {ANCHORS[5]}")
    screenshot(answering, "answering-anchors-desktop")


def test_a_tap_on_a_phone_shows_what_the_level_means(
    browser: Browser, page: Page, live_server: LiveServer
) -> None:
    link = _create_assessment_and_participant(page, live_server)
    phone = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
    answering = _first_area(browser, link, **phone)
    criterion = answering.locator(f"#c-{FIRST.id}")

    criterion.locator(f'label[for="c-{FIRST.id}-current-3"]').tap()
    criterion.locator(f'label[for="c-{FIRST.id}-target-5"]').tap()

    expect(criterion.locator('[data-anchor-line="current"]')).to_have_text(
        f"Today 3 · Defined: {ANCHORS[3]}"
    )
    expect(criterion.locator('[data-anchor-line="target"]')).to_have_text(
        f"Target 5 · Optimised: {ANCHORS[5]}"
    )
    expect(criterion.locator('[data-anchor-line="target"]')).not_to_have_class("is-preview")
    criterion.evaluate("fieldset => fieldset.scrollIntoView({block: 'start'})")
    screenshot(answering, "answering-anchors-phone", full_page=False)

    dont_know = criterion.get_by_label("Don’t know")
    dont_know.evaluate("box => box.scrollIntoView({block: 'center'})")  # clear of the save bar
    dont_know.tap()  # clears both levels, so both lines go
    expect(criterion.locator("[data-anchor-prompt]")).to_be_visible()
    expect(criterion.locator('[data-anchor-line="current"]')).to_be_hidden()


def test_without_javascript_every_level_is_described_as_text(
    browser: Browser, page: Page, live_server: LiveServer
) -> None:
    link = _create_assessment_and_participant(page, live_server)
    answering = _first_area(
        browser, link, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    criterion = answering.locator(f"#c-{FIRST.id}")

    for level in (1, 3, 5):
        expect(criterion.get_by_text(ANCHORS[level])).to_be_visible()
    expect(criterion.locator("[data-anchor-live]")).to_be_hidden()
    screenshot(answering, "answering-anchors-no-js-phone")
