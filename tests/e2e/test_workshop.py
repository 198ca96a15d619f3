"""A whole live workshop in Chromium: a presenter and six participants (two on phones, one of
them let in with the join code) go through an agenda of five items with blind votes, reveal,
a revote, agreements, a parked item, and a phone that drops off the network mid-vote.
Afterwards the database holds every vote of both rounds and the agreed values."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.databases import rows
from tests.e2e.conftest import LiveServer, open_demo_assessment, screenshot
from tests.servers import demo_server

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
INVITED = 5  # by invite link; a sixth joins with the code
REVEALED = "svg.plot__svg"


@pytest.fixture
def live_server(tmp_path: Path, demo_template: str) -> Iterator[LiveServer]:
    """A copy of the demo of its own: the workshop agrees a baseline, which changes what the
    demo's results show (the agreed radar in place of the other) for every later test of the
    session's shared server."""
    with demo_server(tmp_path, template=demo_template) as server:
        yield server


@dataclass
class Person:
    name: str
    page: Page


def _invite_links(page: Page, count: int) -> list[tuple[str, str]]:
    """(name, invite path) for the first `count` participants, issued afresh."""
    links = []
    overview = page.url
    for index in range(count):
        page.goto(overview)
        row = page.locator("table.participants tbody tr").nth(index)
        name = row.locator("td").first.inner_text().split("\n")[0]
        row.get_by_role("button", name=re.compile("^New link")).click()
        replace = page.get_by_role("dialog").get_by_role("button", name="Replace the link")
        field = page.locator("input[data-link]").first
        expect(replace.or_(field)).to_be_visible()
        if replace.is_visible():  # the participant had a link already: asked first
            replace.click()
        link = field.input_value()
        links.append((name, re.sub(r"^https?://[^/]+", "", link)))
    return links


def _start_workshop(page: Page, server: LiveServer) -> str:
    """As the consultant: a workshop on the five most disagreed criteria; returns its path."""
    page.get_by_role("link", name="Live workshop").click()
    page.get_by_label("Title").fill("Leadership baseline workshop")
    page.get_by_label("How many criteria").fill("5")
    page.get_by_role("button", name="Start the workshop").click()
    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
    return re.sub(r"^https?://[^/]+", "", page.url)


def _vote(person: Person, current: int, target: int) -> None:
    form = person.page.locator("[data-vote-form]")
    expect(form).to_be_visible()
    form.locator(f'label[for="vote-current-{current}"]').click()
    form.locator(f'label[for="vote-target-{target}"]').click()
    form.get_by_role("button", name=re.compile("my vote")).click()


def _voted(person: Person, current: int, target: int) -> None:
    expect(person.page.locator("[data-vote-status]")).to_contain_text(
        f"Your vote is in: today {current}, target {target}"
    )


def _no_vote_shown(pages: list[Page]) -> None:
    for page in pages:
        html = page.content()
        assert "<circle" not in html and not re.search(r"mean \d", html), page.url


def _fits_a_laptop_and_a_phone(presenter: Page) -> None:
    """On a 1366 x 768 screen the levels stand in one row and the controls are in view; on a
    phone nothing reaches past the screen's width."""
    presenter.set_viewport_size({"width": 1366, "height": 768})
    screenshot(presenter, "workshop-presenter-voting-1366")
    tops = {round(box["y"]) for box in _boxes(presenter.locator(".stage__levels li"))}
    controls = presenter.locator(".presenter__controls").bounding_box()
    assert len(tops) == 1 and controls and controls["y"] + controls["height"] <= 768
    presenter.set_viewport_size(PHONE["viewport"])
    assert presenter.evaluate("document.documentElement.scrollWidth") <= 390
    presenter.set_viewport_size(PROJECTOR["viewport"])


def _boxes(found: Locator) -> list[dict]:
    return [box for box in (found.nth(i).bounding_box() for i in range(found.count())) if box]


def _press(presenter: Page, key: str) -> None:
    presenter.locator("body").press(key)


def test_a_workshop_from_individual_ratings_to_an_agreed_baseline(
    browser: Browser, live_server: LiveServer
) -> None:
    contexts: list[BrowserContext] = []

    def context(**options) -> Page:
        contexts.append(browser.new_context(**options))
        return contexts[-1].new_page()

    try:
        _run_workshop(context, live_server)
    finally:
        for opened in contexts:
            opened.close()


def _run_workshop(context, server: LiveServer) -> None:
    consultant = context(**LAPTOP)
    open_demo_assessment(consultant, server)
    assessment_url = consultant.url
    links = _invite_links(consultant, INVITED)
    consultant.goto(assessment_url)
    workshop = _start_workshop(consultant, server)
    consultant.set_viewport_size(PHONE["viewport"])  # the agenda fits a phone: a card per item
    assert consultant.evaluate("document.documentElement.scrollWidth") <= 390
    consultant.set_viewport_size(LAPTOP["viewport"])
    presenter = consultant.context.new_page()
    presenter.set_viewport_size(PROJECTOR["viewport"])
    presenter.goto(server.url + workshop + "/present")
    code = presenter.locator(".presenter__code").inner_text()

    people = [
        Person(name, context(**(PHONE if i == 0 else LAPTOP))) for i, (name, _) in enumerate(links)
    ]
    for person, (_, link) in zip(people, links, strict=True):
        person.page.goto(server.url + link.replace("/p/", "/vote/"))
    joiner = Person("Sofia Rossi", context(**PHONE))
    joiner.page.goto(server.url + "/join")
    joiner.page.get_by_label("Code").fill(code.lower())
    joiner.page.get_by_label("Your name").fill(joiner.name)
    joiner.page.get_by_role("button", name="Join").click()
    expect(joiner.page.get_by_text("will let you in")).to_be_visible()
    expect(presenter.locator("[data-joins-waiting]")).to_contain_text("1 waiting")
    # the setup page shows the newcomer by itself (it follows the live stream)
    consultant.get_by_label(f"Who is {joiner.name}?").select_option(
        label="Sofia Rossi (Front line)"
    )
    consultant.get_by_role("button", name="Confirm").click()
    expect(joiner.page.locator("[data-phone]")).to_be_visible(timeout=10_000)
    people.append(joiner)
    phones = [people[0], joiner]

    # Item 1: blind vote, one phone drops off the network mid-vote, reveal, revote, agree.
    _press(presenter, "ArrowRight")
    expect(presenter.locator(".stage__where")).to_contain_text("Item 1 of 5")
    criterion = presenter.locator(".stage__text").inner_text()
    for person in people:
        expect(person.page.locator(".phone-stage__text")).to_have_text(criterion)
    first_round = [(1, 3), (2, 4), (3, 4), (1, 2), (4, 5), (2, 3)]
    for person, levels in zip(people[1:], first_round[1:], strict=True):
        _vote(person, *levels)
        _voted(person, *levels)
    expect(presenter.locator("[data-votes]")).to_have_text("5 of 9 voted")
    _no_vote_shown([presenter] + [p.page for p in people])
    screenshot(presenter, "workshop-presenter-voting-1920")
    screenshot(phones[1].page, "workshop-phone-voting-390")
    _fits_a_laptop_and_a_phone(presenter)

    offline = people[0]
    offline.page.context.set_offline(True)
    _vote(offline, *first_round[0])
    expect(offline.page.locator("[data-vote-status]")).to_contain_text("kept on this phone")
    offline.page.context.set_offline(False)
    _voted(offline, *first_round[0])
    expect(presenter.locator("[data-votes]")).to_have_text("6 of 9 voted")

    _press(presenter, "r")
    for person in people:
        expect(person.page.locator(REVEALED)).to_be_visible()
    expect(presenter.locator(".plot--before")).to_contain_text("Before the workshop")
    expect(presenter.locator(".plot--latest svg")).to_have_attribute(
        "aria-label",
        "Today: 2 at 1, 2 at 2, 1 at 3, 1 at 4. Target: 1 at 2, 2 at 3, 2 at 4, 1 at 5.",
    )
    screenshot(presenter, "workshop-presenter-revealed-1920")
    # with the decision form open under them, the controls no longer cover the votes
    assert (
        presenter.locator(".presenter__controls").evaluate("bar => getComputedStyle(bar).position")
        == "static"
    )
    screenshot(phones[0].page, "workshop-phone-revealed-390")

    _press(presenter, "v")
    for person in people:
        expect(person.page.locator("[data-vote-form]")).to_be_visible()
    for person in people:
        _vote(person, 2, 4)
        _voted(person, 2, 4)
    _press(presenter, "r")
    expect(presenter.locator(".plot__title").first).to_contain_text("Round 2")
    _agree(presenter, 2, 4, "Everyone moved to 2 once the complaints data was shown.")
    for person in people:
        expect(person.page.locator("[data-status]")).to_contain_text("Agreed: today 2 · target 4")

    # Item 2: the room cannot agree: parked, with a note for the roadmap.
    _press(presenter, "ArrowRight")
    for person, levels in zip(
        people, [(0, 5), (4, 4), (1, 3), (3, 3), (0, 2), (5, 5)], strict=True
    ):
        _vote(person, *levels)
    expect(presenter.locator("[data-votes]")).to_have_text("6 of 9 voted")
    _press(presenter, "l")
    expect(presenter.locator("[data-status]")).to_contain_text("Voting closed")
    _press(presenter, "r")
    _press(presenter, "a")
    presenter.get_by_label("Rationale").fill("Sales and service see this differently.")
    presenter.get_by_role("button", name="No consensus — park").click()
    expect(presenter.locator("[data-status]")).to_contain_text("parked")
    presenter.get_by_label("Notes").fill("Run a joint sales and service review of hand-offs.")
    presenter.get_by_role("button", name="Save notes").click()
    expect(presenter.locator("[data-message]")).to_have_text("Saved.")
    presenter.context.set_offline(True)  # the network drops: told, and nothing typed is lost
    notes = "A joint review, led by the service director."
    presenter.get_by_label("Notes").fill(notes)
    presenter.get_by_role("button", name="Save notes").click()
    expect(presenter.locator("[data-message]")).to_contain_text("Not saved: no connection")
    _press(presenter, "ArrowRight")  # held back once: the notes would be replaced
    expect(presenter.locator("[data-message]")).to_contain_text("Not moved: this item has text")
    screenshot(presenter, "workshop-presenter-offline-1920", full_page=False)
    _press(presenter, "ArrowRight")  # again: goes, but the network is down
    expect(presenter.locator("[data-message]")).to_contain_text("Not sent: no connection")
    presenter.context.set_offline(False)
    expect(presenter.get_by_label("Notes")).to_have_value(notes)
    presenter.get_by_label("Notes").fill("Run a joint sales and service review of hand-offs.")
    presenter.get_by_role("button", name="Save notes").click()
    expect(presenter.locator("[data-message]")).to_have_text("Saved.")

    # Items 3 to 5: vote, reveal, agree.
    for agreed in ((1, 3), (2, 3), (3, 4)):
        _press(presenter, "ArrowRight")
        for person in people[:4]:
            _vote(person, *agreed)
            _voted(person, *agreed)
        _press(presenter, "r")
        expect(presenter.locator(REVEALED).first).to_be_visible()
        _agree(presenter, *agreed, "Agreed after a short discussion.")
    expect(presenter.locator(".stage__where")).to_contain_text("Item 5 of 5")

    _check_database(server, workshop)
    _check_results_and_report(consultant, server, assessment_url, criterion)


def _agree(presenter: Page, current: int, target: int, rationale: str) -> None:
    decision = presenter.locator("[data-decision]")
    if decision.is_hidden():
        _press(presenter, "a")
    decision.locator('[name="current"]').select_option(str(current))
    decision.locator('[name="target"]').select_option(str(target))
    presenter.get_by_label("Rationale").fill(rationale)
    presenter.get_by_role("button", name="Record agreement").click()
    expect(presenter.locator("[data-status]")).to_contain_text(
        f"Agreed: today {current} · target {target}"
    )


def _check_database(server: LiveServer, workshop: str) -> None:
    workshop_id = int(workshop.rsplit("/", 1)[1])
    items = rows(
        server.database_url,
        "SELECT id, outcome, agreed_current, agreed_target, round, notes FROM workshop_item "
        "WHERE workshop_id = :w ORDER BY position",
        w=workshop_id,
    )
    votes = rows(
        server.database_url,
        "SELECT v.item_id, v.round, COUNT(*) FROM workshop_vote v JOIN workshop_item i "
        "ON i.id = v.item_id WHERE i.workshop_id = :w "
        "GROUP BY v.item_id, v.round ORDER BY v.item_id, v.round",
        w=workshop_id,
    )
    ids = [item[0] for item in items]
    assert [(o, c, t, r) for _, o, c, t, r, _ in items] == [
        ("agreed", 2, 4, 2),
        ("parked", None, None, 1),
        ("agreed", 1, 3, 1),
        ("agreed", 2, 3, 1),
        ("agreed", 3, 4, 1),
    ]
    assert items[1][5].startswith("Run a joint sales")
    assert votes == [
        (ids[0], 1, 6),
        (ids[0], 2, 6),
        (ids[1], 1, 6),
        (ids[2], 1, 4),
        (ids[3], 1, 4),
        (ids[4], 1, 4),
    ]


def _check_results_and_report(page: Page, server: LiveServer, assessment_url: str, first: str):
    """The results API and the PDF show the agreed values beside the individual ones."""
    assessment = assessment_url.rstrip("/").rsplit("/", 1)[1]
    results = page.request.get(f"{server.url}/api/v1/assessments/{assessment}/results").json()
    agreement = results["agreement"]
    assert results["headline"] == "agreed baseline"
    assert agreement["overall"]["agreed_criteria"] == 4
    agreed = {c["title"]: c for c in agreement["criteria"]}
    assert (agreed[first]["baseline"]["current"], agreed[first]["baseline"]["target"]) == (2, 4)
    assert agreed[first]["individual"]["current"] is not None
    outcomes = sorted(d["outcome"] for d in agreement["decisions"])
    assert outcomes == ["agreed"] * 4 + ["parked"]

    page.goto(f"{server.url}/assessments/{assessment}/results")
    expect(page.get_by_role("heading", name="Agreed in the workshop")).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, "workshop-results-agreed-desktop")

    pdf = page.request.get(f"{server.url}/assessments/{assessment}/report.pdf", timeout=150_000)
    assert pdf.status == 200
    path = Path(server.data_dir) / "workshop-report.pdf"
    path.write_bytes(pdf.body())
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Leadership baseline workshop" in text
    assert "Criteria agreed" in text and "Parked: no consensus yet" in text
    assert "Everyone moved to 2 once the complaints data was shown." in text
    assert "Run a joint sales and service review of hand-offs." in text
