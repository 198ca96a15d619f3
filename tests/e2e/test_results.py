"""A consultant opens the demo's results in Chromium: the radar is drawn and the gaps listed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LiveServer, open_demo_assessment, screenshot

pytestmark = pytest.mark.e2e


def test_demo_results_show_the_radar_and_the_top_gaps(page: Page, live_server: LiveServer) -> None:
    open_demo_assessment(page, live_server)
    page.get_by_role("link", name="Results").click()

    expect(page.get_by_role("heading", name="Results", level=1)).to_be_visible()
    expect(page.get_by_text("7 submitted of 9 invited; 2 in progress not counted")).to_be_visible()
    radar = page.get_by_role("img", name="Radar chart of every area, today against target")
    expect(radar).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert radar.evaluate("img => img.complete && img.naturalWidth > 300")
    gaps = page.locator("section", has=page.get_by_role("heading", name="Widest gaps"))
    expect(gaps.locator("tbody tr")).to_have_count(5)
    screenshot(page, "results-desktop")

    page.get_by_role("link", name="All answers so far").click()  # the toggle, a plain link
    expect(page.get_by_text("7 submitted of 9 invited; 2 in progress also counted")).to_be_visible()
    page.get_by_role("link", name="Submitted answers only").click()
    expect(page.get_by_text("2 in progress not counted")).to_be_visible()

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


@pytest.mark.pages_only
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


# Each labelled figure of a criterion's card on a phone: its label (drawn by CSS, so only the
# cell's scroll width shows it running out) and where its value's text ends.
FIGURE_BOXES = """rows => [...rows[0].querySelectorAll('td.num')].map(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return {label: cell.dataset.label, overflow: cell.scrollWidth - cell.clientWidth,
          value: Math.round(range.getBoundingClientRect().bottom)};
})"""


def _demo_on_a_phone(browser: Browser, live_server: LiveServer, path: str) -> Page:
    """A page of the demo assessment (`path` after its address) on a 390 px phone."""
    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    open_demo_assessment(page, live_server)
    page.goto(page.url + path)
    return page


@pytest.mark.pages_only
def test_an_area_on_a_phone_keeps_each_figure_and_its_label_in_its_own_cell(
    browser: Browser, live_server: LiveServer
) -> None:
    page = _demo_on_a_phone(browser, live_server, "/results/areas/data-management")

    cells = page.locator("table.results-table tbody tr").evaluate_all(FIGURE_BOXES)
    page.context.close()

    assert [c["label"] for c in cells][-3:] == ["Don’t know", "Half answered", "N/A"]
    assert [c for c in cells if c["overflow"] > 0] == []  # "HALF ANSWERED" wraps in its cell
    assert len({c["value"] for c in cells}) == 2, cells  # two lines of figures, each level


@pytest.mark.pages_only
def test_a_chart_wider_than_a_phone_says_it_scrolls(
    browser: Browser, live_server: LiveServer
) -> None:
    page = _demo_on_a_phone(browser, live_server, "/results")

    radar = page.locator("figure.chart").first
    wider = radar.evaluate("figure => figure.scrollWidth > figure.clientWidth")
    hint = radar.locator("figcaption").evaluate(HINT)
    page.set_viewport_size({"width": 560, "height": 900})  # the layers' bars fit, the radar not
    layers = page.locator("figure.chart", has=page.get_by_role("img", name=re.compile("^Bar")))
    expect(layers).to_have_attribute("data-fits", "")  # marked by static/js/charts.js
    fits = layers.evaluate("figure => figure.scrollWidth <= figure.clientWidth")
    hints = radar.locator("figcaption").evaluate(HINT), layers.locator("figcaption").evaluate(HINT)
    page.context.close()

    assert wider and "swipe sideways" in hint
    assert fits and "swipe sideways" in hints[0] and hints[1] == "none"


HINT = "caption => getComputedStyle(caption, '::before').content"
