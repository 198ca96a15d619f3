"""A consultant's working day in Chromium, against a real server and a real local SMTP server:
invite twelve people from a pasted list, remind those who have not submitted, edit two
initiatives of the roadmap at once, and answer every confirmation, with and without
JavaScript. Each test has its own server and data, so none depends on another."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import screenshot, sign_in
from tests.mailbox import Inbox, smtp_server, text_of
from tests.servers import LiveServer, demo_server

pytestmark = pytest.mark.e2e

GROUPS = ("Leadership", "Management", "Front line")
TWELVE = "\n".join(
    f"Colleague {n:02d}, colleague{n:02d}@client.test, {GROUPS[n % 3]}, Role {n}"
    for n in range(1, 13)
)


@dataclass(frozen=True)
class MailedServer:
    server: LiveServer
    inbox: Inbox


@pytest.fixture
def mailed(tmp_path: Path, demo_template: str) -> Iterator[MailedServer]:
    """The demo served with a mail server set up, in a folder of its own."""
    with smtp_server() as inbox:
        mail = {
            "GAPWISE_SMTP_HOST": "127.0.0.1",
            "GAPWISE_SMTP_PORT": str(inbox.port),
            "GAPWISE_SMTP_STARTTLS": "false",
        }
        with demo_server(tmp_path, template=demo_template, **mail) as server:
            yield MailedServer(server, inbox)


def _demo_assessment(page: Page, server: LiveServer) -> None:
    sign_in(page, server)
    page.get_by_role("link", name="Customer capability baseline").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer capability baseline")


def _flash(page: Page):
    return page.locator(".notice--done")


def test_twelve_people_invited_from_a_pasted_list_then_reminded_by_email(
    page: Page, mailed: MailedServer
) -> None:
    server, inbox = mailed.server, mailed.inbox
    _demo_assessment(page, server)
    page.get_by_role("link", name="Invite people").click()
    page.get_by_label("People").fill(TWELVE)
    page.get_by_role("button", name="Invite").click()

    expect(_flash(page)).to_have_text("Invited 12 people. Emailed all 12.")
    links = [field.input_value() for field in page.locator("input[data-link]").all()]
    assert len(links) == 12 and len(set(links)) == 12
    assert all(link.startswith(server.url + "/p/") for link in links)
    assert len(inbox.messages) == 12
    assert {m["To"] for m in inbox.messages} == {
        f"colleague{n:02d}@client.test" for n in range(1, 13)
    }
    assert links[0] in text_of(inbox.to("colleague01@client.test")[0])
    screenshot(page, "links-desktop")

    page.get_by_role("link", name="Back to the participants").click()
    remind = page.get_by_role("button", name=re.compile(r"^Remind 14 who have not submitted"))
    remind.click()

    # The twelve have addresses; the two demo people still answering have none: theirs to copy.
    expect(_flash(page)).to_have_text(
        "Reminders ready for 14 people. Emailed 12 of 14; copy the other reminders below."
    )
    reminders = inbox.messages[12:]
    assert len(reminders) == 12
    assert all(
        m["Subject"] == "Reminder: Customer capability baseline (Northwind Utilities (demo))"
        for m in reminders
    )
    expect(page.get_by_label("Reminder for Hannah Schulz")).to_contain_text("Hello Hannah Schulz,")
    screenshot(page, "reminders-desktop")
    page.get_by_role("link", name="Back to the participants").click()
    row = page.locator("tr", has=page.get_by_role("rowheader", name=re.compile("Colleague 05")))
    expect(row.get_by_text("Active")).to_be_visible()
    expect(row).to_contain_text("never opened")
    expect(row).to_contain_text("1 · last")
    expect(page.get_by_role("button", name=re.compile("^Remind"))).to_be_disabled()
    screenshot(page, "assessment-overview-after-reminders-desktop")


def test_two_initiatives_edited_then_saved_keep_both_edits_and_the_scroll_position(
    page: Page, mailed: MailedServer
) -> None:
    _demo_assessment(page, mailed.server)
    page.get_by_role("link", name="Roadmap").first.click()
    page.get_by_role("button", name="Draft the roadmap").click()
    expect(_flash(page)).to_contain_text("Drafted")
    items = page.locator("[data-item]")
    first, second = items.nth(0), items.nth(1)
    first.get_by_label("Owner").fill("Chief Data Officer")
    second.get_by_label("Notes").fill("Budget agreed at the March board")
    status = page.locator("[data-save-status]")
    expect(status).to_contain_text("Unsaved changes")
    # The timeline above is drawn on first view; once it arrives the browser keeps the edited
    # item in place by scrolling, so the position is taken after it has loaded.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart--timeline img')]"
        ".every(img => img.complete && img.naturalHeight > 0)"
    )
    scrolled = page.evaluate("window.scrollY")

    # Pressed where it is (Playwright's own click would first scroll it into view).
    page.get_by_role("button", name="Save roadmap").evaluate("button => button.click()")

    expect(status).to_have_text("All changes saved")
    assert page.evaluate("window.scrollY") == scrolled
    page.reload()
    expect(page.locator("[data-item]").nth(0).get_by_label("Owner")).to_have_value(
        "Chief Data Officer"
    )
    expect(page.locator("[data-item]").nth(1).get_by_label("Notes")).to_have_value(
        "Budget agreed at the March board"
    )
    screenshot(page, "roadmap-desktop")

    # Up and Down move at once; leaving before saving asks first.
    second_title = page.locator("[data-item]").nth(1).get_by_label("Initiative").input_value()
    page.locator("[data-item]").nth(1).get_by_role("button", name=re.compile("^Up")).click()
    expect(page.locator("[data-item]").nth(0).get_by_label("Initiative")).to_have_value(
        second_title
    )
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Results").first.click()
    assert asked == ["beforeunload"]
    expect(page).to_have_url(re.compile("/roadmap"))


def _walk_dialog(page: Page, button, question: str, confirm: str) -> None:
    """With JavaScript: the dialog asks; Cancel changes nothing; the confirm button acts."""
    button.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(question)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    button.click()
    page.get_by_role("dialog").get_by_role("button", name=confirm).click()


def _walk_page(page: Page, button, question: str, confirm: str) -> None:
    """Without JavaScript: a page asks the same; its button acts."""
    button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(question)
    page.get_by_role("button", name=confirm).click()


@pytest.mark.pages_only(run="postgresql")  # evens the runs out
@pytest.mark.parametrize("javascript", [True, False], ids=["dialog", "page"])
def test_every_confirmation_is_asked_and_then_done(
    browser: Browser, mailed: MailedServer, javascript: bool
) -> None:
    server = mailed.server
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    walk = _walk_dialog if javascript else _walk_page
    _demo_assessment(page, server)
    overview = page.url

    def row(name: str):
        return page.locator("tr", has=page.get_by_role("rowheader", name=re.compile(name)))

    # A participant's link: a new one (replacing one that works), then revoked.
    row("Hannah Schulz").get_by_role("button", name=re.compile("^New link")).click()
    expect(_flash(page)).to_contain_text("Link replaced for Hannah Schulz")  # none was active
    link = page.locator("input[data-link]").first.input_value()
    page.goto(overview)
    walk(page, row("Hannah Schulz").get_by_role("button", name=re.compile("^New link")),
         "Replace Hannah Schulz's link?", "Replace the link")  # fmt: skip
    expect(_flash(page)).to_contain_text("Link replaced for Hannah Schulz")
    link = page.locator("input[data-link]").first.input_value()
    page.goto(overview)

    # The participant submits with criteria unanswered.
    participant = context.new_page()
    participant.goto(link + "/review")
    walk(participant, participant.get_by_role("button", name="Submit my answers"),
         "42 of 106 unanswered — submit anyway?", "Submit anyway")  # fmt: skip
    expect(participant.get_by_text("You submitted your answers")).to_be_visible()
    screenshot(participant, f"review-submitted-{'js' if javascript else 'nojs'}")
    participant.close()  # else the consultant's page stays a throttled background tab: 2 s a click

    page.goto(overview)
    walk(page, row("Hannah Schulz").get_by_role("button", name=re.compile("^Revoke link")),
         "Revoke Hannah Schulz's link?", "Revoke the link")  # fmt: skip
    expect(_flash(page)).to_contain_text("Link revoked for Hannah Schulz")
    walk(page, row("Daniel Kim").get_by_role("button", name=re.compile("^Remove")),
         "Remove Daniel Kim?", "Remove Daniel Kim")  # fmt: skip
    expect(_flash(page)).to_contain_text("Removed Daniel Kim and their answers")
    expect(row("Daniel Kim")).to_have_count(0)
    walk(page, page.get_by_role("button", name="Close the assessment"),
         "Close “Customer capability baseline”?", "Close the assessment")  # fmt: skip
    expect(_flash(page)).to_contain_text("Closed “Customer capability baseline”")

    # The roadmap: drop an initiative, then draft again over the edits.
    page.get_by_role("link", name="Roadmap").first.click()
    page.get_by_role("button", name="Draft the roadmap").click()
    first = page.locator("[data-item]").first.get_by_label("Initiative").input_value()
    walk(page, page.locator("[data-item]").first.get_by_role("button", name=re.compile("^Drop")),
         f"Drop “{first}”?", "Drop the initiative")  # fmt: skip
    expect(_flash(page)).to_contain_text(f"Dropped “{first}”")
    expect(_flash(page)).to_be_in_viewport()  # the page lands at its editor, far below the top
    walk(page, page.get_by_role("button", name="Draft again"),
         "Draft the roadmap again?", "Draft again")  # fmt: skip
    expect(_flash(page)).to_contain_text("Drafted")

    # The organisation (removing a member is asked the same way; tests/web covers it).
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Northwind Utilities (demo)").click()
    walk(page, page.get_by_role("button", name="Archive"),
         "Archive Northwind Utilities (demo)?", "Archive Northwind Utilities (demo)")  # fmt: skip
    expect(_flash(page)).to_contain_text("Archived Northwind Utilities (demo)")
    expect(page.get_by_text("Archived", exact=False).first).to_be_visible()
    context.close()
