"""The API reference in a real Chromium: Swagger UI draws the API under the site's CSP, a
signed-in user can try a call, and nothing is fetched from beyond this machine."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.pages_only(run="postgresql")]  # evens the runs out

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def test_the_api_reference_works_under_the_csp_and_stays_on_this_machine(
    live_server: LiveServer, page: Page
) -> None:
    hosts: set[str] = set()
    console: list[str] = []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)
    sign_in(page, live_server)

    page.goto(live_server.url + "/docs")
    operation = page.locator("#operations-frameworks-api_list_frameworks_api_v1_frameworks_get")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody td.response-col_status").first

    expect(status).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("reap-blueprint")
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    screenshot(page, "api-reference")
    assert page.evaluate("window.__violations") == []
    assert not [line for line in console if "Content Security Policy" in line], console
    assert hosts == {"127.0.0.1"}, hosts
