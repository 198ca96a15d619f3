"""Consultants draft the roadmap from the gaps, then edit, add and drop initiatives."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import roadmaps
from app.db.models import Assessment, RoadmapStatus
from app.db.results import results_of
from app.domain.roadmap import largest_gap_actions
from tests.factories import post_form, sign_in


def _items(session: Session, assessment: Assessment):
    session.expire_all()
    return list(roadmaps.roadmap_of(session=session, assessment=assessment))


def test_drafting_puts_foundations_first_and_keeps_importance(
    client: TestClient, session: Session, demo: Assessment
) -> None:

    response = post_form(
        client,
        f"/assessments/{demo.id}/roadmap/draft",
        {"importance.retention": "3"},
        follow_redirects=False,
    )

    assert response.status_code == 303
    items = _items(session, demo)
    assert items[0].area_id == "retention"  # gap 1.4 x 3 outranks every other area
    assert "importance 3" in items[0].reason
    assert [i.horizon for i in items[:3]] == [0, 0, 0]
    session.refresh(demo)
    assert roadmaps.importance_of(demo) == {"retention": 3.0}
    page = client.get(f"/assessments/{demo.id}/roadmap")
    assert page.status_code == 200 and "0–3 months" in page.text


def test_a_drafted_initiative_lists_the_actions_of_its_largest_gaps(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    data = results_of(session=session, assessment=demo)
    actions = data.framework.improvement_actions()

    post_form(client, f"/assessments/{demo.id}/roadmap/draft")

    items = _items(session, demo)
    for item in items:
        area = next(a for a in data.results.areas() if a.area_id == item.area_id)
        assert roadmaps.actions_of(item) == largest_gap_actions(area, actions), item.area_id
    first = roadmaps.actions_of(items[0])
    assert items[0].area_id == "data-management" and len(first) == 3  # the demo's weakest area
    page = client.get(f"/assessments/{demo.id}/roadmap")
    assert html.escape(first[0]) in page.text


def test_bad_importance_is_refused_and_nothing_changes(
    client: TestClient, session: Session, demo: Assessment
) -> None:

    for value, message in (("lots", "is not a number"), ("0", "must be above 0 and at most 5")):
        response = post_form(
            client, f"/assessments/{demo.id}/roadmap/draft", {"importance.culture": value}
        )
        assert response.status_code == 422
        assert "importance.culture: " in response.text and message in response.text
    assert _items(session, demo) == []


def test_consultant_edits_adds_and_drops_initiatives(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    post_form(client, f"/assessments/{demo.id}/roadmap/draft")
    first = _items(session, demo)[0]

    edited = post_form(
        client,
        f"/assessments/{demo.id}/roadmap/items/{first.id}",
        {
            "title": "Single customer view",
            "owner": "CDO",
            "horizon": "1",
            "status": "in progress",
            "notes": "Budget agreed",
            "actions": "  Pick one master customer database\n\n  Retire the other two  \n",
        },
        follow_redirects=False,
    )
    added = post_form(
        client, f"/assessments/{demo.id}/roadmap/items", {"title": "Board sponsor", "horizon": "0"}
    )
    dropped = post_form(
        client, f"/assessments/{demo.id}/roadmap/items/{_items(session, demo)[-1].id}/delete"
    )
    refused = post_form(
        client,
        f"/assessments/{demo.id}/roadmap/items/{first.id}",
        {"title": "x", "status": "someday", "horizon": "7"},
    )

    assert edited.status_code == 303 and added.status_code == 200 and dropped.status_code == 200
    session.refresh(first)
    assert (first.title, first.owner, first.horizon, first.status, first.notes) == (
        "Single customer view",
        "CDO",
        1,
        RoadmapStatus.IN_PROGRESS,
        "Budget agreed",
    )
    assert roadmaps.actions_of(first) == (
        "Pick one master customer database",
        "Retire the other two",
    )
    assert refused.status_code == 422
    assert "status:" in refused.text and "horizon:" in refused.text
    assert "Board sponsor" in [i.title for i in _items(session, demo)]


def test_viewer_reads_the_roadmap_but_cannot_change_it(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)

    page = client.get(f"/assessments/{own.assessment.id}/roadmap")
    draft = post_form(client, f"/assessments/{own.assessment.id}/roadmap/draft")

    assert page.status_code == 200 and "Acme plan" in page.text
    assert "Draft" not in page.text
    assert draft.status_code == 403
