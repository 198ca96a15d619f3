"""axe-core audits every page, at desktop and at phone width: no serious or critical violation.

axe-core comes from the axe-playwright-python package (installed with the test tools, never
copied into this repository). A test checks that the walk names every page route, so a new
page cannot be left out; pages reached only by a post (a confirmation, "imported before")
and the confirmation dialog are audited too. Screenshots of each land in test-output/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from fastapi.routing import APIRoute
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app.config import load_settings
from app.main import create_app
from tests.e2e.conftest import LiveServer, demo_server, screenshot
from tests.factories import csrf_from
from tests.servers import environment
from tests.web.test_isolation import flatten

pytestmark = [pytest.mark.e2e, pytest.mark.pages_only]  # 2 min a run: once is enough

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
BLOCKING = ("serious", "critical")
ADMIN, ADMIN_PASSWORD = "admin@audit.test", "an audit admin password"
# GET routes that answer with a file or data, not a page.
NOT_PAGES = {
    "favicon",
    "links_csv",
    "show_chart",
    "download_report",
    "export_assessment",
    "export_framework",
    "check_health",
    "consultancy_logo",  # images
    "client_logo",
    "my_vote",  # a phone's own vote, as JSON
    "vote_events",  # the live streams
    "workshop_events",
}
# axe-core is in every page a walk opens (an init script of its browser context): injected
# before each audit instead, it was sent and parsed 40 times a walk, 80 ms each.
AXE_RUN = "axe.run(document, {resultTypes: ['violations']})"
# The forms as a browser without JavaScript posts them: the server then asks on a page.
AS_WITHOUT_SCRIPT = (
    "document.querySelectorAll('[data-confirm]')"
    ".forEach(form => form.removeAttribute('data-confirm'))"
)


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory, demo_template: str) -> Iterator[LiveServer]:
    """A server of its own (the walk invites people and posts forms), with an admin."""
    data_dir = tmp_path_factory.mktemp("audit")
    with demo_server(data_dir, template=demo_template) as server:
        subprocess.run(
            [sys.executable, "-m", "app.cli", "create-admin", "--email", ADMIN],
            input=ADMIN_PASSWORD + "\n",
            env=environment(data_dir),
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        yield server


def _sign_in(page: Page, server: LiveServer, email: str, password: str) -> None:
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _problems(page: Page) -> list[str]:
    results = page.evaluate(AXE_RUN)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


class Walk:
    """Visits pages, audits each, keeps a screenshot, and remembers the route names seen."""

    def __init__(self, page: Page, width: str) -> None:
        self.page, self.width = page, width
        self.found: dict[str, list[str]] = {}
        self.routes: set[str] = set()

    def audit(self, name: str, route: str = "") -> None:
        self.routes.add(route or name)
        # After a click that navigates, the new document may be committed but not yet parsed
        # (document.documentElement is null, and axe-core fails on it): audit it once it is.
        self.page.wait_for_load_state("domcontentloaded")
        problems = _problems(self.page)
        if problems:
            self.found[name] = problems
        screenshot(self.page, f"audit-{name}-{self.width}")

    def visit(self, route: str, url: str, name: str = "") -> None:
        self.page.goto(url)
        self.audit(name or route, route)


def _context(browser: Browser, width: str) -> BrowserContext:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, is_mobile=width == "phone")
    context.add_init_script(script=AXE_SCRIPT)
    return context


def _href(page: Page, selector: str) -> str:
    """The address of the first link the selector finds on the page."""
    return urljoin(page.url, page.locator(selector).first.get_attribute("href") or "")


def _ids(page: Page, server: LiveServer) -> dict[str, str]:
    page.goto(server.url + "/organisations")
    page.get_by_role("link", name="Customer capability baseline").first.click()
    assessment = page.url.rsplit("/", 1)[1]
    organisation = page.get_by_role("link", name="Northwind Utilities (demo)").get_attribute("href")
    edit = page.get_by_role("link", name="Edit Amira Haddad").get_attribute("href") or ""
    return {
        "a": f"{server.url}/assessments/{assessment}",
        "o": f"{server.url}{organisation}",
        "participant_edit": server.url + edit,
    }


def _consultant_pages(walk: Walk, server: LiveServer) -> str:
    """Every page of the consultant's; returns a participant's link for the next walk."""
    page = walk.page
    for route, path in (
        ("home", "/"),
        ("list_frameworks", "/frameworks"),
        ("show_framework_format", "/help/framework-file"),
    ):
        walk.visit(route, server.url + path)
    walk.visit("show_framework", server.url + "/frameworks/reap-blueprint")
    walk.visit("show_framework_version", _href(page, "a[href*='/versions/']"))
    walk.visit("show_framework_diff", _href(page, "a[href*='/diff?']"))
    page.goto(server.url + "/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()  # audit what Swagger UI draws
    walk.audit("show_api_docs")
    ids = _ids(page, server)
    a, o = ids["a"], ids["o"]
    walk.visit("list_organisations", server.url + "/organisations")
    walk.visit("show_organisation", o)
    walk.visit("show_audit", o + "/audit")
    walk.visit("new_assessment", o + "/assessments/new")
    walk.visit("show_assessment", a)
    walk.visit("edit_assessment", a + "/edit")
    walk.visit("edit_participant", ids["participant_edit"])
    walk.visit("confirm_upgrade", a + "/upgrade")
    walk.visit("show_results", a + "/results")
    walk.visit("show_area_results", a + "/results/areas/data-management")
    walk.visit("show_report", a + "/report")
    walk.visit("show_account", server.url + "/account")
    walk.visit("invite_people", a + "/invite")
    page.get_by_label("People").fill(f"Audit Person {walk.width}, audit-{walk.width}@client.test")
    page.get_by_role("button", name="Invite").click()
    walk.audit("show_links")
    link = page.locator("input[data-link]").first.input_value()
    walk.visit("show_roadmap", a + "/roadmap")
    draft = page.get_by_role("button", name="Draft the roadmap")
    if draft.count():  # the other width's walk may have drafted it already
        draft.click()
    walk.audit("roadmap-drafted", "show_roadmap")
    page.goto(a)
    if page.get_by_role("button", name="Reopen for answers").count():
        page.get_by_role("button", name="Reopen for answers").click()
    page.get_by_role("button", name="Close the assessment").click()
    walk.audit("confirm-dialog", "show_assessment")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    page.evaluate(AS_WITHOUT_SCRIPT)
    page.get_by_role("button", name="Close the assessment").click()
    walk.audit("confirm-page", "show_assessment")
    page.goto(server.url + "/assessments/999999")
    walk.audit("not-found", "show_assessment")
    return link


def _workshop_pages(walk: Walk, server: LiveServer, link: str) -> None:
    """Setup, presenter (before and during a vote), a phone voting, joining with the code;
    then the workshop ends, so the other width's walk can start its own."""
    page = walk.page
    page.goto(server.url + "/organisations")
    page.get_by_role("link", name="Customer capability baseline").first.click()
    walk.visit("new_workshop", page.url + "/workshops/new")
    page.get_by_role("button", name="Start the workshop").click()
    walk.audit("show_workshop")
    workshop = page.url.split("#")[0]
    code = page.locator(".join-code").inner_text()
    walk.visit("present_workshop", workshop + "/present")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".stage__where")).to_contain_text("Item 1 of")
    walk.audit("presenter-voting", "present_workshop")
    walk.visit("show_vote", link.replace("/p/", "/vote/"))
    walk.visit("show_join", server.url + "/join")
    page.get_by_label("Code").fill(code)
    page.get_by_label("Your name").fill(f"Audit Joiner {walk.width}")
    page.get_by_role("button", name="Join").click()
    walk.audit("show_join_status")
    # Ended by requests, with no workshop page open: the setup page reloads itself as people
    # join, and such a reload once cut short the next walk's first navigation.
    page.goto("about:blank")
    token = csrf_from(page.request.get(workshop).text())
    ended = page.request.post(workshop + "/end", form={"csrf_token": token, "confirmed": "yes"})
    assert ended.ok, ended.status


def _participant_pages(walk: Walk, link: str) -> None:
    walk.visit("start_answering", link)
    walk.visit("answer_area", link + "/areas/leadership-direction")
    walk.visit("review_answers", link + "/review")
    walk.visit("start_answering", link[: -len(link.rsplit("/", 1)[1])] + "x" * 43, "link-not-valid")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_passes_axe_core_without_serious_violations(
    browser: Browser, audited: LiveServer, width: str, tmp_path: Path
) -> None:
    context = _context(browser, width)
    walk = Walk(context.new_page(), width)
    walk.visit("show_login", audited.url + "/login")
    _sign_in(walk.page, audited, audited.demo_email, audited.demo_password)
    link = _consultant_pages(walk, audited)
    _workshop_pages(walk, audited, link)
    _participant_pages(walk, link)
    admin = _context(browser, width)
    admin_walk = Walk(admin.new_page(), width)
    _sign_in(admin_walk.page, audited, ADMIN, ADMIN_PASSWORD)
    admin_walk.visit("show_admin", audited.url + "/admin")
    admin_walk.visit("show_branding", audited.url + "/admin/branding")
    admin_walk.page.goto(audited.url + "/frameworks/reap-blueprint")
    retire = _href(admin_walk.page, "a[href$='/retire']")
    admin_walk.visit("confirm_retire_framework_version", retire)
    context.close()
    admin.close()

    pages = _page_routes(tmp_path)
    audited_routes = walk.routes | admin_walk.routes
    assert pages <= audited_routes, f"not audited: {pages - audited_routes}"
    found = {**walk.found, **admin_walk.found}
    assert not found, json.dumps(found, indent=2)


def _page_routes(data_dir: Path) -> set[str]:
    app = create_app(load_settings(data_dir=data_dir))
    return {
        route.name
        for route in flatten(app.routes)
        if isinstance(route, APIRoute)
        and "GET" in route.methods
        and not route.path.startswith("/api/")
        and route.name not in NOT_PAGES
    }


FOCUS_HIDDEN = """() => {
  const focused = document.activeElement;
  const bar = document.querySelector('.answers__footer');
  if (!focused || focused === document.body || !bar || bar.contains(focused)) return null;
  const shown = focused.matches('.levels__input') ? focused.nextElementSibling : focused;
  const box = shown.getBoundingClientRect(), edge = bar.getBoundingClientRect().top;
  const name = focused.outerHTML.slice(0, 90);
  return box.bottom > edge ? `${name} ends at ${box.bottom}, the bar starts at ${edge}` : null;
}"""


def test_tabbing_through_an_area_never_hides_the_focus_under_the_save_bar(
    browser: Browser, audited: LiveServer
) -> None:
    """WCAG 2.2's 2.4.11: the sticky save bar must not cover the control being used."""
    context = _context(browser, "desktop")
    page = context.new_page()
    _sign_in(page, audited, audited.demo_email, audited.demo_password)
    page.goto(_ids(page, audited)["a"] + "/invite")
    page.get_by_label("People").fill("Focus Tester")
    page.get_by_role("button", name="Invite").click()
    link = page.locator("input[data-link]").first.input_value()
    page.goto(link + "/areas/data-management")

    hidden = []
    for _ in range(80):
        page.keyboard.press("Tab")
        problem = page.evaluate(FOCUS_HIDDEN)
        if problem:
            hidden.append(problem)
    context.close()

    assert hidden == []
