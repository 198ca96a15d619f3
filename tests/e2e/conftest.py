"""End-to-end fixtures: a real uvicorn server on a free loopback port, and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from app.config import PROJECT_ROOT
from tests.servers import LiveServer, demo_server

CHROMIUM = os.environ.get("GAPWISE_CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(os.environ.get("GAPWISE_TEST_OUTPUT", PROJECT_ROOT / "test-output"))
# Pages here may draw a chart or a PDF on first view while both database legs run at once on a
# small machine: wait for what a user would wait for, not Playwright's default 5 s.
expect.set_options(timeout=20_000)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo served from a fresh data folder, as a newcomer would see it."""
    with demo_server(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run scripts/test, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# Read once, as the suite starts: every test runs without GAPWISE_* in its environment.
SCREENSHOTS = os.environ.get("GAPWISE_TEST_SCREENSHOTS", "1") != "0"


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    """Keep a screenshot (by default of the whole page) in the test output folder for people to
    look at; none where nobody will (GAPWISE_TEST_SCREENSHOTS=0: CI, see docs/testing.md).
    They assert nothing; a run takes about 130 (13 s of the accessibility audit's 69)."""
    if not SCREENSHOTS:
        return
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=full_page)


def sign_in(page: Page, server: LiveServer) -> None:
    """Sign in as the demo consultant through the sign-in form."""
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(server.demo_email)
    page.get_by_label("Password").fill(server.demo_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def open_demo_assessment(page: Page, server: LiveServer) -> None:
    """Signed in, on the demo assessment's page, reached by its links."""
    sign_in(page, server)
    page.get_by_role("link", name="Northwind Utilities (demo)").click()
    page.get_by_role("link", name="Customer capability baseline").click()
