"""Inviting people in bulk, the links shown once, emails through a real local SMTP server,
reminders at most once a day (also when two are sent at once), and each link's state."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest
from fastapi import Request
from fastapi.responses import RedirectResponse
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.db import accounts, repository
from app.db.invites import new_batch_key
from app.db.models import Assessment, AssessmentStatus, Participant, User
from app.main import create_app
from app.web.invitations import INVITATION, Batch, set_links_cookie, shown_batches
from tests.factories import Tenant, csrf_from, make_admin, post_form, sign_in
from tests.mailbox import Inbox, smtp_server, text_of

TWELVE = "\n".join(
    f"Person {n:02d}, person{n:02d}@acme.test, {('Leadership', 'Front line')[n % 2]}, Role {n}"
    for n in range(1, 13)
)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as inbox:
        yield inbox


def _with_mail(settings: Settings, inbox: Inbox) -> TestClient:
    mail = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": inbox.port, "smtp_starttls": False}
    )
    return TestClient(create_app(mail))


def _flash(html: str) -> list[str]:
    return re.findall(r'class="notice notice--done flash" role="status">([^<]+)<', html)


def _links(html: str) -> list[str]:
    return re.findall(r'value="(http[^"]+/p/[^"]+)" data-link', html)


def _invite(client: TestClient, tenant: Tenant, people: str, **kwargs):
    return post_form(
        client, f"/assessments/{tenant.assessment.id}/invite", {"people": people}, **kwargs
    )


def test_twelve_people_pasted_get_twelve_working_links_on_a_page_and_in_a_csv(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    response = _invite(client, own, TWELVE, follow_redirects=False)
    page = client.get(response.headers["location"])
    download = client.get(f"/assessments/{own.assessment.id}/links/csv")

    assert response.status_code == 303
    links = _links(page.text)
    assert len(links) == 12 and len(set(links)) == 12
    assert _flash(page.text) == [
        "Invited 12 people. Copy the links below and send them yourself (no mail server is set up)."
    ]
    rows = download.text.lstrip("\ufeff").splitlines()
    assert rows[0] == "name,email,group,role,link,emailed" and len(rows) == 13
    assert {row.split(",")[4] for row in rows[1:]} == set(links)
    opened = client.get(links[5].removeprefix("http://127.0.0.1:8000"))
    assert opened.status_code == 200 and "Welcome, Person 06" in opened.text
    assert len(repository.participants_of(session=session, assessment=own.assessment)) == 13


def test_a_list_with_problems_adds_nobody_and_lists_every_problem(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    text = "Ann Lee, ann@acme.test\nBob, not-an-address\n, nameless@acme.test\n"

    response = _invite(client, own, text)

    assert response.status_code == 422
    assert "Nobody was added:" in response.text
    assert "Line 2: Email: &#39;not-an-address&#39; is not an email address" in response.text
    assert "Line 3: Name: give the participant&#39;s name" in response.text
    assert "Ann Lee, ann@acme.test" in response.text  # kept, to fix in place
    assert len(repository.participants_of(session=session, assessment=own.assessment)) == 1


def test_a_csv_file_is_read_like_a_pasted_list_and_an_unreadable_one_is_refused(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    url = f"/assessments/{own.assessment.id}/invite"
    token = csrf_from(client.get(url).text)
    csv_file = "\ufeffName,Email,Group,Role\nAnn Lee,ann@acme.test,Leadership,CEO\n".encode()

    refused = client.post(
        url, data={"csrf_token": token}, files={"file": ("p.csv", b"\xff\xfe\x00A", "text/csv")}
    )
    added = client.post(
        url, data={"csrf_token": token}, files={"file": ("p.csv", csv_file, "text/csv")}
    )

    assert refused.status_code == 422 and "File: not UTF-8 text" in refused.text
    assert added.status_code == 200 and len(_links(added.text)) == 1
    session.expire_all()
    (ann,) = [
        p
        for p in repository.participants_of(session=session, assessment=own.assessment)
        if p.name == "Ann Lee"
    ]
    assert (ann.email, ann.group, ann.role) == ("ann@acme.test", "Leadership", "CEO")


HOSTILE_LISTS = {
    "NUL in a name": (
        "Ann\x00 Lee, ann@acme.test",
        "Line 1: Name: must not contain NUL characters",
    ),
    "NUL in a group (CSV)": (
        "Ann Lee, ann@acme.test, Lead\x00ership",
        "Line 1: Group: must not contain NUL characters",
    ),
    "a field over the csv module's limit": (
        "Ann Lee, ann@acme.test\n" + "x" * 200_000,
        "Line 2: cannot be read as name, email, group, role",
    ),
    "a name far too long": ("n" * 5000, "Line 1: Name: at most 200 characters"),
}


@pytest.mark.parametrize(("people", "problem"), HOSTILE_LISTS.values(), ids=HOSTILE_LISTS.keys())
def test_a_hostile_list_is_a_line_problem_and_adds_nobody(
    client: TestClient, session: Session, tenants, people: str, problem: str
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    pasted = _invite(client, own, people)
    url = f"/assessments/{own.assessment.id}/invite"
    token = csrf_from(client.get(url).text)
    uploaded = client.post(
        url, data={"csrf_token": token}, files={"file": ("p.csv", people.encode(), "text/csv")}
    )

    for response in (pasted, uploaded):
        assert response.status_code == 422
        assert problem in html.unescape(response.text)
    assert len(repository.participants_of(session=session, assessment=own.assessment)) == 1


def test_control_characters_in_a_list_are_dropped_within_its_lines(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    response = _invite(
        client, own, "Ann\x07 Lee\x1b, ANN@acme.test, Lead\x7fers", follow_redirects=False
    )

    assert response.status_code == 303
    session.expire_all()
    ann = repository.participants_of(session=session, assessment=own.assessment)[-1]
    assert (ann.name, ann.email, ann.group) == ("Ann Lee", "ann@acme.test", "Leaders")


def test_invitations_are_emailed_as_text_and_html_with_purpose_and_consultant(
    settings: Settings, engine: Engine, session: Session, tenants, inbox: Inbox
) -> None:
    own = tenants[0]
    assessment = session.get(Assessment, own.assessment.id)
    assessment.purpose = "Agree where we stand & what to fix first."
    own.consultant.name = "Dana Kowalski"
    session.add_all([assessment, own.consultant])
    session.commit()
    with _with_mail(settings, inbox) as client:
        sign_in(client, own.consultant.email)
        page = _invite(client, own, TWELVE + "\nNo Address, , Front line")

    assert len(inbox.messages) == 12
    message = inbox.to("person03@acme.test")[0]
    text, html = text_of(message), text_of(message, "html")
    link = re.search(r"http://127\.0\.0\.1:8000/p/\S+", text).group(0)
    assert message["Subject"] == "Your invitation: Acme baseline (Acme)"
    assert "Hello Person 03," in text and "Agree where we stand & what to fix first." in text
    assert "Dana Kowalski" in text and "where it should be." in text  # no target date set
    assert "It takes about 55 minutes;" in text  # as the questionnaire's first page says
    assert "Agree where we stand &amp; what to fix first." in html and f'href="{link}"' in html
    assert _flash(page.text) == ["Invited 13 people. Emailed 12 of 13; copy the other links below."]
    assert link in _links(page.text)


def test_when_the_mail_server_is_down_the_links_are_still_shown(
    settings: Settings, engine: Engine, tenants
) -> None:
    down = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": 9, "smtp_starttls": False}
    )
    with TestClient(create_app(down)) as client:
        sign_in(client, tenants[0].consultant.email)
        page = _invite(client, tenants[0], "Dana Kowalski, dana@acme.test, Front line")

    assert page.status_code == 200
    assert "Not emailed: the email could not be sent" in page.text
    assert len(_links(page.text)) == 1


def _open(session: Session, tenant: Tenant) -> None:
    repository.set_status(
        session=session, assessment=tenant.assessment, status=AssessmentStatus.OPEN
    )
    session.commit()


def test_reminders_go_to_everyone_not_submitted_at_most_once_a_day(
    settings: Settings, engine: Engine, session: Session, tenants, inbox: Inbox
) -> None:
    own = tenants[0]
    _open(session, own)
    with _with_mail(settings, inbox) as client:
        sign_in(client, own.consultant.email)
        _invite(client, own, TWELVE)
        people = repository.participants_of(session=session, assessment=own.assessment)
        for person in people[:3]:  # the factory's participant and two more have submitted
            repository.set_submitted(session=session, participant=person, submitted=True)
        session.commit()
        invited = len(inbox.messages)

        first = post_form(client, f"/assessments/{own.assessment.id}/reminders")
        again = post_form(client, f"/assessments/{own.assessment.id}/reminders")

    reminders = inbox.messages[invited:]
    assert len(reminders) == 10
    assert all(m["Subject"] == "Reminder: Acme baseline (Acme)" for m in reminders)
    assert _flash(first.text) == ["Reminders ready for 10 people. Emailed all 10."]
    assert "<h1>Reminders sent</h1>" in first.text
    assert _flash(again.text) == [
        "Everyone who has not submitted was reminded less than a day ago."
    ]
    session.expire_all()
    counts = {
        p.name: p.reminders
        for p in repository.participants_of(session=session, assessment=own.assessment)
    }
    assert sorted(counts.values()) == [0] * 3 + [1] * 10
    link = re.search(r"http://127\.0\.0\.1:8000(/p/\S+)", text_of(reminders[0])).group(1)
    with TestClient(create_app(settings)) as client:
        assert client.get(link).status_code == 200


def test_reminders_with_no_mail_server_are_not_called_sent(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    _open(session, own)
    sign_in(client, own.consultant.email)
    _invite(client, own, TWELVE)

    page = post_form(client, f"/assessments/{own.assessment.id}/reminders")

    assert "<h1>Reminders to send</h1>" in page.text and "Reminders sent" not in page.text
    assert _flash(page.text) == [
        "Reminders ready for 13 people. Copy the reminders below and send them yourself"
        " (no mail server is set up)."
    ]


def test_two_reminders_sent_at_once_remind_each_person_once(
    settings: Settings, engine: Engine, session: Session, tenants
) -> None:
    own = tenants[0]
    _open(session, own)
    for n in range(6):
        repository.add_participant(session=session, assessment=own.assessment, name=f"P{n}")
    session.commit()
    clients = [TestClient(create_app(settings)) for _ in range(2)]
    for client in clients:
        client.__enter__()
        sign_in(client, own.consultant.email)
    tokens = [csrf_from(c.get("/").text) for c in clients]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def remind(client: TestClient, token: str) -> None:
        barrier.wait()
        response = client.post(
            f"/assessments/{own.assessment.id}/reminders",
            data={"csrf_token": token},
            follow_redirects=False,
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=remind, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.__exit__(None, None, None)

    session.expire_all()
    people = repository.participants_of(session=session, assessment=own.assessment)
    assert statuses == [303, 303]
    assert [p.reminders for p in people] == [1] * 7


def test_each_participant_shows_the_state_of_their_link(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    _invite(client, own, "Never Opened\nWill Open\nWill Be Revoked")
    people = {
        p.name: p for p in repository.participants_of(session=session, assessment=own.assessment)
    }
    page = client.get(f"/assessments/{own.assessment.id}/links").text
    opened = dict(
        zip(re.findall(r'for="link-\d+">Link for ([^<]+)<', page), _links(page), strict=True)
    )
    client.get(opened["Will Open"].removeprefix("http://127.0.0.1:8000"))
    revoked = people["Will Be Revoked"].id
    url = f"/assessments/{own.assessment.id}/participants/{revoked}/revoke-invite"
    post_form(client, url, {"confirmed": "yes"})

    overview = client.get(f"/assessments/{own.assessment.id}").text

    def row(name: str) -> str:
        return re.search(rf'id="participant-{people[name].id}">(.*?)</tr>', overview, re.S).group(1)

    assert "Active" in row("Never Opened") and "never opened" in row("Never Opened")
    assert "Active" in row("Will Open") and "last used" in row("Will Open")
    assert "Revoked" in row("Will Be Revoked")


def test_a_dead_link_says_whom_to_ask_not_the_home_page(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    own.consultant.name = "Dana Kowalski"
    session.add(own.consultant)
    session.commit()
    sign_in(client, own.consultant.email)
    _invite(client, own, "Ann Lee")
    link = _links(client.get(f"/assessments/{own.assessment.id}/links").text)[0]
    ann = session.exec(select(Participant).where(Participant.name == "Ann Lee")).one()
    accounts.revoke_invites(session=session, participant=ann)
    session.commit()

    dead = client.get(link.removeprefix("http://127.0.0.1:8000"))
    unknown = client.get("/p/" + "x" * 43)

    assert dead.status_code == 404
    assert (
        "Ask Dana Kowalski (consultant@acme.test) for a new link to “Acme baseline”." in dead.text
    )
    assert "Back to the start page" not in dead.text
    assert "Ask the person who sent you the link for a new one." in unknown.text


def test_adding_one_more_person_keeps_the_links_just_issued_on_the_page(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    page = _invite(client, own, "Ann Lee\nBo Chen").text
    invited = _links(page)

    added = post_form(client, f"/assessments/{own.assessment.id}/participants", {"name": "Cy Diaz"})
    shown = _links(added.text)
    csv_text = client.get(f"/assessments/{own.assessment.id}/links/csv").text
    reminded = post_form(client, f"/assessments/{own.assessment.id}/reminders", {})

    assert len(invited) == 2 and len(shown) == 3 and set(invited) < set(shown)  # none lost
    assert shown[0] not in invited  # the newest first
    assert all(link in csv_text for link in shown)
    assert "Reminders" in reminded.text and not set(invited) & set(_links(reminded.text))
    # no mail server: each link comes with the invitation to send, as reminders do
    ann = re.search(r'id="invitation-\d+" rows="11" readonly>([^<]+)<', page)
    assert "An invitation to send Ann Lee, with their link" in page
    assert ann and "Hello Ann Lee," in html.unescape(ann.group(1)) and invited[0] in ann.group(1)


def test_links_shown_to_one_account_are_not_shown_to_the_next_on_that_browser(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    admin = make_admin(session)
    session.commit()
    sign_in(client, own.consultant.email)
    issued = _links(_invite(client, own, "Ann Lee").text)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    sign_in(client, admin.email)  # may manage every assessment, and still sees none of them

    page = client.get(f"/assessments/{own.assessment.id}/links")

    assert len(issued) == 1 and _links(page.text) == []
    assert "No links are shown here now" in page.text


def _with_links_cookie(value: str) -> Request:
    return Request({"type": "http", "headers": [(b"cookie", f"gapwise_links={value}".encode())]})


def test_the_links_kept_never_outgrow_what_a_browser_keeps(settings: Settings) -> None:
    shown_to = (
        Assessment(id=7, title="A", organisation_id=1, framework_snapshot_id=1),
        User(id=3, email="c@example.com"),
    )
    cookie = ""
    for number in range(200):  # a batch each: the newest are kept while there is room
        response = RedirectResponse("/")
        batch = Batch(INVITATION, new_batch_key(), (number, 1000 + number))
        set_links_cookie(_with_links_cookie(cookie), settings, response, shown_to, batch)
        cookie = SimpleCookie(response.headers["set-cookie"])["gapwise_links"].value

    kept = shown_batches(_with_links_cookie(cookie), settings, shown_to)
    assert len(cookie) <= 3800
    assert 20 < len(kept) < 200 and kept[0].participant_ids == (199, 1199)  # the newest first
