"""A consultant opens the demo's results in Chromium: the radar is drawn and the gaps listed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, open_demo_assessment, screenshot

pytestmark = pytest.mark.e2e


def test_demo_results_show_the_radar_and_the_top_gaps(page: Page, live_server: LiveServer) -> None:
    open_demo_assessment(page, live_server)
    page.get_by_role("link", name="Results").click()

    expect(page.get_by_role("heading", name="Results", level=1)).to_be_visible()
    expect(page.get_by_text("7 submitted of 9 invited; 2 in progress also counted")).to_be_visible()
    radar = page.get_by_role("img", name="Radar chart of every area, current against target")
    expect(radar).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert radar.evaluate("img => img.complete && img.naturalWidth > 300")
    gaps = page.locator("section", has=page.get_by_role("heading", name="Top gaps"))
    expect(gaps.locator("tbody tr")).to_have_count(5)
    screenshot(page, "results-desktop")

    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", name="Retention", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Understanding Defection")).to_be_visible()
    screenshot(page, "results-area-desktop")
