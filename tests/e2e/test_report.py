"""A consultant downloads the demo's board report in Chromium and sees progress, then a PDF."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, open_demo_assessment

pytestmark = pytest.mark.e2e


def test_the_report_page_shows_progress_and_delivers_the_pdf(
    page: Page, live_server: LiveServer
) -> None:
    open_demo_assessment(page, live_server)
    page.get_by_role("link", name="Board report and deck").click()
    page.wait_for_load_state()  # its script has run: a click before that downloads plainly

    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("link", name="Download PDF (A4)").click()
        expect(page.get_by_role("status")).to_contain_text("Preparing the report")

    name = download.value.suggested_filename
    assert name == f"Northwind Utilities (demo) — Customer capability baseline — {date.today()}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    expect(page.get_by_role("status")).to_contain_text("Ready (")


def test_a_download_waits_for_a_narrative_typed_but_not_saved(
    page: Page, live_server: LiveServer
) -> None:
    open_demo_assessment(page, live_server)
    page.get_by_role("link", name="Board report and deck").click()
    page.wait_for_load_state()
    page.get_by_label("Key messages").fill("- Foundations hold the rest back.")  # not saved

    page.get_by_role("link", name="Download PDF (A4)").click()

    status = page.locator("[data-report-status]")
    expect(status).to_contain_text("Your narrative has unsaved changes")
    expect(status).to_be_in_viewport()  # focus moved to Save once, and took the page past it
