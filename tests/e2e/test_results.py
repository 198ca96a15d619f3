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
    expect(page.get_by_text("Based on 9 of 9 participants")).to_be_visible()
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


# The smallest text of each chart as Chromium draws it, in CSS pixels: the SVG's smallest
# font size (in its own units, points) times 4/3, times how far the page scales the image.
SMALLEST_CHART_TEXT = """
async (img) => {
  const svg = await (await fetch(img.src)).text();
  const sizes = [...svg.matchAll(/font-size: ([\\d.]+)px/g)].map((m) => parseFloat(m[1]));
  return (Math.min(...sizes) * 4 / 3) * (img.clientWidth / img.naturalWidth);
}
"""


def test_chart_text_reads_like_the_page_at_desktop_width(
    page: Page, live_server: LiveServer
) -> None:
    open_demo_assessment(page, live_server)
    page.get_by_role("link", name="Results").click()
    page.wait_for_load_state("networkidle")
    body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    charts = page.locator("figure.chart img")
    smallest = {
        charts.nth(i).get_attribute("alt"): round(charts.nth(i).evaluate(SMALLEST_CHART_TEXT), 1)
        for i in range(charts.count())
    }
    assert len(smallest) == 5
    assert min(smallest.values()) >= 0.8 * body, f"{smallest} beside {body} px"
