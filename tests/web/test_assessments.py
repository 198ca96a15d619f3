"""Consultants create assessments, move them through draft, open and closed, and add people."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import accounts, repository
from app.db.models import Assessment, AssessmentStatus, Participant
from app.domain.answering import AnswerChoice
from tests.factories import Tenant, post_form, sign_in


def _create(client: TestClient, tenant: Tenant, **fields: str):
    data = {"title": "2027 baseline", "framework_id": "reap-blueprint", **fields}
    return post_form(
        client,
        f"/organisations/{tenant.organisation.id}/assessments",
        data,
        follow_redirects=False,
    )


def test_consultant_creates_a_draft_assessment(client: TestClient, session: Session, tenants):
    own = tenants[0]
    sign_in(client, own.consultant.email)

    form = client.get(f"/organisations/{own.organisation.id}/assessments/new")
    response = _create(client, own, purpose="Where do we stand?", target_date="2028-06-30")

    assert form.status_code == 200 and 'name="target_date"' in form.text
    assert response.status_code == 303, response.text
    created = session.get(Assessment, int(response.headers["location"].rsplit("/", 1)[1]))
    assert created is not None
    assert (created.title, created.purpose, created.status, created.target_date) == (
        "2027 baseline",
        "Where do we stand?",
        AssessmentStatus.DRAFT,
        date(2028, 6, 30),
    )
    assert created.organisation_id == own.organisation.id
    events = accounts.audit_events(session=session, organisation_id=own.organisation.id)
    assert events[0].action == "created assessment"


def test_a_target_date_in_the_past_is_accepted_and_said(client: TestClient, tenants) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    future = _create(client, own, target_date="2999-06-30").headers["location"]
    past = _create(client, own, target_date="2001-01-01").headers["location"]

    assert "is in the past" not in client.get(future).text
    assert "The target date, 1 January 2001, is in the past" in client.get(past).text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "Title: give the assessment a title"),
        ({"framework_id": "no-such-framework"}, "Framework: choose one of the frameworks"),
        ({"target_date": "30/06/2028"}, "Target date: use the form YYYY-MM-DD"),
        ({"title": "x" * 201}, "Title: at most 200 characters"),
    ],
)
def test_a_refused_assessment_says_which_field_and_keeps_the_input(
    client: TestClient, session: Session, tenants, fields: dict[str, str], message: str
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    response = _create(client, own, purpose="Kept purpose", **fields)

    assert response.status_code == 422
    assert message in response.text
    if "title" not in fields or fields["title"].strip() == "":
        assert "Kept purpose" in response.text
    assert len(repository.assessments_of(session=session, organisation=own.organisation)) == 1


def test_viewer_cannot_create_an_assessment(client: TestClient, session: Session, tenants):
    own = tenants[0]
    sign_in(client, own.viewer.email)

    assert _create(client, own).status_code == 403
    assert len(repository.assessments_of(session=session, organisation=own.organisation)) == 1


def _status(client: TestClient, assessment: Assessment, action: str, **more: str):
    return post_form(
        client,
        f"/assessments/{assessment.id}/status",
        {"action": action, **more},
        follow_redirects=False,
    )


def test_status_goes_draft_open_closed_and_back_to_open(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    seen = []

    for action in ("open", "close", "reopen"):
        assert _status(client, own.assessment, action, confirmed="yes").status_code == 303
        session.refresh(own.assessment)
        seen.append(own.assessment.status)

    assert seen == [AssessmentStatus.OPEN, AssessmentStatus.CLOSED, AssessmentStatus.OPEN]


def test_a_status_change_that_does_not_fit_is_refused(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    wrong_order = _status(client, own.assessment, "close")
    unknown = _status(client, own.assessment, "delete")

    assert wrong_order.status_code == 409
    assert "This assessment is draft; it cannot close from there." in wrong_order.text
    assert unknown.status_code == 422 and "Action: must be open, close or reopen." in unknown.text
    session.refresh(own.assessment)
    assert own.assessment.status == AssessmentStatus.DRAFT


def _add(client: TestClient, tenant: Tenant, **fields: str):
    data = {"name": "Dana Kowalski", "group": "Front line", "role": "Team leader", **fields}
    return post_form(client, f"/assessments/{tenant.assessment.id}/participants", data)


def test_adding_a_participant_shows_their_invite_link_once(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    response = _add(client, own, email="dana@acme.test")

    assert response.status_code == 200, response.text
    assert "Added Dana Kowalski: a new link is below." in response.text
    link = re.search(r'readonly value="([^"]+)" data-link', response.text)
    assert link and link.group(1).startswith("http://127.0.0.1:8000/p/")
    dana = session.exec(select(Participant).where(Participant.name == "Dana Kowalski")).one()
    assert (dana.email, dana.group, dana.role) == ("dana@acme.test", "Front line", "Team leader")
    assert (
        accounts.participant_for_invite(session=session, secret=link.group(1).rsplit("/", 1)[1])
        == dana
    )
    assert "Emailed" not in response.text  # no mail server is configured


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Name: give the participant&#39;s name"),
        ({"email": "dana at acme"}, "Email: &#39;dana at acme&#39; is not an email address"),
    ],
)
def test_a_refused_participant_is_not_added(
    client: TestClient, session: Session, tenants, fields: dict[str, str], message: str
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    response = _add(client, own, **fields)

    assert response.status_code == 422
    assert message in response.text
    assert 'value="Team leader"' in response.text  # what was typed is still in the form
    assert len(repository.participants_of(session=session, assessment=own.assessment)) == 1


def test_overview_shows_progress_submission_and_last_activity(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    repository.set_submitted(session=session, participant=own.participant, submitted=True)
    session.commit()
    sign_in(client, own.consultant.email)

    page = client.get(f"/assessments/{own.assessment.id}")

    assert page.status_code == 200
    row = page.context["page"].participants[0]
    assert row.activity.answered == 1 and row.activity.last_active_at is not None
    assert "1 of 106" in page.text
    assert "Unlock answers" in page.text


def test_consultant_unlocks_submitted_answers(client: TestClient, session: Session, tenants):
    own = tenants[0]
    repository.set_submitted(session=session, participant=own.participant, submitted=True)
    session.commit()
    sign_in(client, own.consultant.email)

    url = f"/assessments/{own.assessment.id}/participants/{own.participant.id}/unlock"
    response = post_form(client, url, follow_redirects=False)

    assert response.status_code == 303
    session.refresh(own.participant)
    assert own.participant.submitted_at is None


def test_reloading_the_links_page_adds_no_one_and_the_links_are_not_kept_for_others(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    added = _add(client, own)
    reloaded = client.get(added.url)
    client.cookies.delete("gapwise_links")  # another browser, or ten minutes later
    other = client.get(f"/assessments/{own.assessment.id}/links")

    assert added.history[0].status_code == 303  # post, redirect, get
    shown = [row.link for row in reloaded.context["page"].rows]
    assert shown == [row.link for row in added.context["page"].rows] and shown[0] != ""
    assert len(repository.participants_of(session=session, assessment=own.assessment)) == 2
    assert other.context["page"].rows == []
    assert "No links are shown here now" in other.text


def test_a_participant_s_details_are_edited_with_the_same_rules(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    url = f"/assessments/{own.assessment.id}/participants/{own.participant.id}/edit"

    form = client.get(url)
    refused = post_form(client, url, {"name": "Ann", "email": "ann at acme"})
    saved = post_form(
        client, url, {"name": " Ann  Lee ", "email": "Ann@Acme.test", "group": "Board"}
    )

    assert form.status_code == 200 and 'value="Acme participant"' in form.text
    assert refused.status_code == 422
    assert "Email: &#39;ann at acme&#39; is not an email address" in refused.text
    assert saved.status_code == 200 and "Saved the details of Ann Lee." in saved.text
    session.refresh(own.participant)
    assert (own.participant.name, own.participant.email, own.participant.group) == (
        "Ann Lee",
        "ann@acme.test",
        "Board",
    )


def test_the_assessment_and_its_email_texts_are_edited(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    url = f"/assessments/{own.assessment.id}/edit"
    page = client.get(url)
    fields = {
        "title": "Acme 2027",
        "purpose": "Where we stand",
        "target_date": "2028-06-30",
        "invite_text": "Dear {name}, please answer: {link}",
        "reminder_text": "",
    }

    refused = post_form(client, url, {**fields, "invite_text": "Dear {nmae}: {link}"})
    saved = post_form(client, url, fields)

    assert page.status_code == 200 and "{by_target_date}" in page.text
    assert (
        refused.status_code == 422
        and "Invitation email: {nmae} is not a placeholder" in refused.text
    )
    assert saved.status_code == 200 and "Saved the changes to “Acme 2027”." in saved.text
    session.refresh(own.assessment)
    assert (own.assessment.title, own.assessment.target_date) == ("Acme 2027", date(2028, 6, 30))
    assert own.assessment.invite_text == "Dear {name}, please answer: {link}"
    assert own.assessment.reminder_text == ""  # empty: the standard text


def _crowd(session: Session, tenant: Tenant, count: int) -> list[Participant]:
    """`count` more participants in the tenant's assessment, each in a group, every third
    with an answer."""
    added = []
    for number in range(count):
        person = repository.add_participant(
            session=session,
            assessment=tenant.assessment,
            name=f"Person {number:03d}",
            group=("Leadership", "Front line")[number % 2],
        )
        if number % 3 == 0:
            choice = AnswerChoice("ld-customer-strategy", 2, 4)
            repository.save_answer(session=session, participant=person, choice=choice)
        added.append(person)
    session.commit()
    return added


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr id="participant-(\d+)">', html)


def test_the_overview_shows_participants_a_page_at_a_time_with_counts(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    crowd = _crowd(session, own, 249)  # with the tenant's own: 250, on three pages
    sign_in(client, own.consultant.email)
    path = f"/assessments/{own.assessment.id}"

    first, second, third = (client.get(f"{path}?page={n}") for n in (1, 2, 3))

    assert 'Participants <span class="meta">250 in Front line, Leadership' in first.text
    assert "Showing 1–100 of 250 · page 1 of 3" in first.text
    assert "Showing 201–250 of 250 · page 3 of 3" in third.text
    pages = [_rows(page.text) for page in (first, second, third)]
    assert [len(rows) for rows in pages] == [100, 100, 50]
    everyone = [str(own.participant.id)] + [str(p.id) for p in crowd]
    assert sum(pages, []) == everyone  # each once, in the order they were added
    assert 'href="?page=2#participants" rel="next"' in first.text
    assert 'rel="prev"' not in first.text and 'rel="next"' not in third.text
    row = next(r for r in second.context["page"].participants if r.participant.id == crowd[102].id)
    assert row.activity.answered == 1  # activity and links of the page's own people
    assert row.link is None and "None yet" in second.text
    assert second.context["page"].waiting == 250


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("", 1), ("0", 1), ("x", 1), ("-2", 1), ("9999999999", 1), ("7", 2), ("2", 2)],
)
def test_a_page_number_out_of_range_shows_the_nearest_page(
    client: TestClient, session: Session, tenants, asked: str, shown: int
) -> None:
    own = tenants[0]
    _crowd(session, own, 149)
    sign_in(client, own.consultant.email)

    page = client.get(f"/assessments/{own.assessment.id}", params={"page": asked})

    assert page.status_code == 200
    assert page.context["page"].pager.number == shown


def test_a_small_assessment_has_no_pager(client: TestClient, tenants) -> None:
    sign_in(client, tenants[0].consultant.email)

    page = client.get(f"/assessments/{tenants[0].assessment.id}")

    assert "Pages of participants" not in page.text and len(_rows(page.text)) == 1
