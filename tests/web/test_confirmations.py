"""Without JavaScript, every irreversible or disruptive action is asked on a page first: the
post changes nothing, and the page's own form (the same fields, confirmed) does it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import accounts, repository
from app.db.models import Assessment, AssessmentStatus, Organisation, Participant
from tests.factories import Tenant, csrf_from, sign_in


def _answer_the_page(client: TestClient, page: str):
    """Press the confirmation page's first button, as a browser without JavaScript does."""
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    assert form, "no confirmation form"
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2))
    )
    fields = {k: html.unescape(v) for k, v in fields.items()}
    return client.post(form.group(1), data=fields, follow_redirects=True)


def _stored(session: Session, model: type, key: int):
    session.expire_all()
    return session.get(model, key)


Case = tuple[str, dict[str, str], str, Callable[[Session, Tenant], bool]]


def _cases(own: Tenant) -> dict[str, Case]:
    a, p, o = own.assessment.id, own.participant.id, own.organisation.id
    return {
        "close the assessment": (
            f"/assessments/{a}/status",
            {"action": "close"},
            "Close “Acme baseline”?",
            lambda s, t: _stored(s, Assessment, a).status == AssessmentStatus.CLOSED,
        ),
        "revoke a link": (
            f"/assessments/{a}/participants/{p}/revoke-invite",
            {},
            "Revoke Acme participant's link?",
            lambda s, t: accounts.participant_for_invite(session=s, secret=t.invite) is None,
        ),
        "replace a link": (
            f"/assessments/{a}/participants/{p}/invite",
            {},
            "Replace Acme participant's link?",
            lambda s, t: accounts.participant_for_invite(session=s, secret=t.invite) is None,
        ),
        "remove a participant": (
            f"/assessments/{a}/participants/{p}/remove",
            {},
            "Remove Acme participant?",
            lambda s, t: _stored(s, Participant, p) is None,
        ),
        "remove a member": (
            f"/organisations/{o}/members/{own.viewer.id}/remove",
            {},
            f"Remove {own.viewer.email} from Acme?",
            lambda s, t: (
                t.viewer not in accounts.members_of(session=s, organisation=t.organisation)
            ),
        ),
        "archive an organisation": (
            f"/organisations/{o}/archive",
            {},
            "Archive Acme?",
            lambda s, t: _stored(s, Organisation, o).archived_at is not None,
        ),
    }


NAMES = [
    "close the assessment",
    "revoke a link",
    "replace a link",
    "remove a participant",
    "remove a member",
    "archive an organisation",
]


@pytest.mark.parametrize("name", NAMES)
def test_the_action_is_asked_on_a_page_and_done_only_when_confirmed(
    client: TestClient, session: Session, tenants, name: str
) -> None:
    own = tenants[0]
    repository.set_status(session=session, assessment=own.assessment, status=AssessmentStatus.OPEN)
    session.commit()
    sign_in(client, own.consultant.email)
    url, fields, question, happened = _cases(own)[name]
    token = csrf_from(client.get(f"/assessments/{own.assessment.id}").text)

    asked = client.post(url, data={**fields, "csrf_token": token})

    assert asked.status_code == 200
    assert question in html.unescape(asked.text)
    assert not happened(session, own), "asking changed something"
    confirmed = _answer_the_page(client, asked.text)
    assert confirmed.status_code == 200
    assert happened(session, own)
    assert 'class="notice notice--done flash" role="status"' in confirmed.text


def test_the_page_asks_the_same_question_as_the_dialog(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    page = html.unescape(client.get(f"/assessments/{own.assessment.id}").text)

    for name in ("revoke a link", "remove a participant"):
        question = _cases(own)[name][2]
        assert f'data-confirm="{question}"' in page, name
