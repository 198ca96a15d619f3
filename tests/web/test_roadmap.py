"""Consultants draft the roadmap from the gaps, then edit every initiative in one form."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import roadmaps
from app.db.models import Assessment, RoadmapStatus
from app.db.results import results_of
from app.domain.roadmap import largest_gap_actions
from app.web.errors import ErrorPublic
from tests.factories import make_1_0_assessment, post_form, sign_in


def _items(session: Session, assessment: Assessment):
    session.expire_all()
    return list(roadmaps.roadmap_of(session=session, assessment=assessment))


def _draft(client: TestClient, assessment: Assessment, **fields: str):
    return post_form(
        client, f"/assessments/{assessment.id}/roadmap/draft", fields, follow_redirects=False
    )


def _form(client: TestClient, assessment: Assessment) -> dict[str, str]:
    """Every field of the editor as the page shows it, as a browser would send it back."""
    page = client.get(f"/assessments/{assessment.id}/roadmap").text
    fields = dict(re.findall(r'name="(item-\d+\.\w+|revision)"[^>]*?value="([^"]*)"', page))
    for name, text in re.findall(
        r'name="(item-\d+\.\w+)" rows="\d+"[^>]*>([^<]*)</textarea>', page
    ):
        fields[name] = html.unescape(text)
    for name, chosen in re.findall(
        r'name="(item-\d+\.\w+)">(?:<option[^>]*>[^<]*</option>)*?<option value="([^"]+)" selected',
        page,
    ):
        fields[name] = chosen
    return {k: html.unescape(v) for k, v in fields.items()}


def test_drafting_weighs_importance_and_keeps_it(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    before = client.get(f"/assessments/{demo.id}/roadmap").text
    response = _draft(client, demo, **{"importance.proposition": "5"})

    assert response.status_code == 303
    items = _items(session, demo)
    assert items[0].area_id == "proposition"  # gap 0.9 x 5 outranks data's 3.0
    assert "importance 5" in items[0].reason
    assert [i.horizon for i in items[:3]] == [0, 0, 0]
    session.refresh(demo)
    assert roadmaps.importance_of(demo) == {"proposition": 5.0}
    page = client.get(f"/assessments/{demo.id}/roadmap")
    assert page.status_code == 200 and "0–3 months" in page.text
    # before drafting: one line says the chart is a proposal, not three empty horizons
    assert "Nothing is planned yet: the chart above is what drafting" in before
    assert "0–3 months</h2>" not in before and "Nothing planned in this horizon" not in before


def test_a_drafted_initiative_has_actions_an_outcome_and_foundations_to_build_on(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    data = results_of(session=session, assessment=demo)
    actions = data.framework.improvement_actions()

    _draft(client, demo)

    items = _items(session, demo)
    for item in items:
        area = next(a for a in data.results.areas() if a.area_id == item.area_id)
        assert roadmaps.actions_of(item) == largest_gap_actions(area, actions), item.area_id
        assert item.outcome.startswith(f"{area.title} at {area.score.target:.1f} or above")
    first = items[0]
    assert first.area_id == "data-management" and len(roadmaps.actions_of(first)) == 3
    assert first.depends_on == ""  # a foundation builds on nothing
    layer_of = {a.area_id: a.layer_id for a in data.results.areas()}
    later = next(i for i in items if layer_of[i.area_id] == "execution")
    foundations = {a.title for a in data.results.areas() if a.layer_id == "foundations"}
    assert later.depends_on and set(roadmaps.lines_of(later.depends_on)) <= foundations | {
        a.title for a in data.results.areas() if a.layer_id == "enabling"
    }
    page = client.get(f"/assessments/{demo.id}/roadmap")
    assert html.escape(roadmaps.actions_of(first)[0]) in page.text
    assert 'src="/assessments/' in page.text and "/charts/timeline.svg" in page.text
    assert "Initiatives by horizon, coloured by layer." in page.text  # the framework's word


def test_bad_importance_is_refused_and_nothing_changes(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    for value, message in (("lots", "is not a number"), ("0", "must be above 0 and at most 5")):
        response = _draft(client, demo, **{"importance.culture": value})
        assert response.status_code == 422
        assert "importance.culture: " in response.text and message in response.text
    assert _items(session, demo) == []


def test_saving_keeps_the_edits_of_every_initiative_on_the_page(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    _draft(client, demo)
    first, second = _items(session, demo)[:2]
    form = _form(client, demo)
    form[f"item-{first.id}.title"] = "Single customer view"
    form[f"item-{first.id}.owner"] = "Chief Data Officer"
    form[f"item-{first.id}.actions"] = "  Pick one master customer database\n\n  Retire two \n"
    form[f"item-{second.id}.status"] = "in progress"
    form[f"item-{second.id}.notes"] = "Budget agreed in March"

    saved = post_form(
        client, f"/assessments/{demo.id}/roadmap", {**form, "save": str(first.id)},
        follow_redirects=False,
    )  # fmt: skip

    assert saved.status_code == 303
    assert saved.headers["location"].endswith(f"/roadmap#item-{first.id}")
    first, second = _items(session, demo)[:2]
    assert (first.title, first.owner) == ("Single customer view", "Chief Data Officer")
    assert roadmaps.actions_of(first) == ("Pick one master customer database", "Retire two")
    assert (second.status, second.notes) == (RoadmapStatus.IN_PROGRESS, "Budget agreed in March")
    page = client.get(saved.headers["location"])
    assert "Roadmap saved." in page.text


def test_a_save_over_a_newer_one_is_refused_with_the_edits_kept(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    _draft(client, demo)
    first = _items(session, demo)[0]
    stale = _form(client, demo)
    post_form(client, f"/assessments/{demo.id}/roadmap", {**_form(client, demo), "save": "all"})
    stale[f"item-{first.id}.title"] = "My later edit"

    refused = post_form(client, f"/assessments/{demo.id}/roadmap", {**stale, "save": "all"})

    assert refused.status_code == 409
    assert "Someone saved this roadmap after you opened it" in refused.text
    assert 'value="My later edit"' in refused.text
    assert _items(session, demo)[0].title != "My later edit"


def test_a_refused_edit_names_the_initiative_and_the_field_and_saves_nothing(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    _draft(client, demo)
    first, second = _items(session, demo)[:2]
    form = _form(client, demo)
    form[f"item-{first.id}.owner"] = "Kept on the page"
    form[f"item-{second.id}.title"] = " "
    form[f"item-{second.id}.horizon"] = "7"

    refused = post_form(client, f"/assessments/{demo.id}/roadmap", {**form, "save": "all"})

    assert refused.status_code == 422
    assert f"Initiative 2 (“{second.title}”): Title: give the initiative a title" in html.unescape(
        refused.text
    )
    assert 'value="Kept on the page"' in refused.text
    assert _items(session, demo)[0].owner == ""


def test_up_down_add_and_drop_save_every_edit_with_them(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    _draft(client, demo)
    first, second = _items(session, demo)[:2]
    first_title, second_title = first.title, second.title
    url = f"/assessments/{demo.id}/roadmap"
    form = _form(client, demo)
    form[f"item-{first.id}.notes"] = "Edited before moving"

    moved = post_form(client, url, {**form, "move": f"{second.id}:up"}, follow_redirects=False)
    form = _form(client, demo)
    added = post_form(client, url, {**form, "add": "yes", "new.title": "Board sponsor"})
    form = _form(client, demo)
    asked = post_form(client, url, {**form, "drop": str(first.id)})
    dropped = post_form(client, url, {**form, "drop": str(first.id), "confirmed": "yes"})

    assert moved.status_code == 303 and moved.headers["location"].endswith(f"#item-{second.id}")
    assert added.status_code == 200 and "Added “Board sponsor”" in added.text
    assert asked.status_code == 200 and f"Drop “{first_title}”?" in html.unescape(asked.text)
    assert "Keep it, save my other changes" in asked.text
    assert dropped.status_code == 200 and "Dropped" in dropped.text
    titles = [i.title for i in _items(session, demo)]
    assert first_title not in titles and "Board sponsor" in titles
    assert titles[0] == second_title


def test_drafting_again_over_a_roadmap_asks_first(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    _draft(client, demo)
    first = _items(session, demo)[0]
    form = _form(client, demo)
    form[f"item-{first.id}.title"] = "Edited"
    post_form(client, f"/assessments/{demo.id}/roadmap", {**form, "save": "all"})

    asked = _draft(client, demo)
    assert asked.status_code == 200 and "Draft the roadmap again?" in asked.text
    assert _items(session, demo)[0].title == "Edited"
    again = _draft(client, demo, confirmed="yes")
    assert again.status_code == 303 and _items(session, demo)[0].title != "Edited"


def test_viewer_reads_the_roadmap_but_cannot_change_it(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)

    page = client.get(f"/assessments/{own.assessment.id}/roadmap")
    draft = post_form(client, f"/assessments/{own.assessment.id}/roadmap/draft")

    assert page.status_code == 200 and "Acme plan" in page.text
    assert (
        "Draft" not in page.text
        and "<form" not in page.text.split("<main", 1)[1].split("</main>")[0]
    )
    assert draft.status_code == 403


HOSTILE_EDITS = {  # (field of the first initiative, value, what the refusal says)
    "position past any roadmap": ("position", str(10**30), "Position: must be from 0 to 100000"),
    "negative position": ("position", "-1", "Position: must be from 0 to 100000"),
    "horizon of 9": ("horizon", "9", "Horizon: choose one of the horizons listed"),
    "NUL in the notes": ("notes", "a\x00b", "Notes: must not contain NUL characters"),
    "outcome too long": ("outcome", "o" * 1001, "Outcome: at most 1000 characters"),
}


@pytest.mark.parametrize(("field", "value", "message"), HOSTILE_EDITS.values(), ids=HOSTILE_EDITS)
def test_a_hostile_edit_is_refused_in_the_page_and_in_json_and_saves_nothing(
    client: TestClient, session: Session, demo: Assessment, field: str, value: str, message: str
) -> None:
    _draft(client, demo)
    first = _items(session, demo)[0]
    before = [(i.title, i.position, i.horizon, i.notes, i.outcome) for i in _items(session, demo)]
    form = {**_form(client, demo), f"item-{first.id}.{field}": value, "save": "all"}
    url = f"/assessments/{demo.id}/roadmap"

    page = post_form(client, url, form)
    in_place = post_form(client, url, form, headers={"Accept": "application/json"})

    assert page.status_code == in_place.status_code == 422
    assert message in html.unescape(page.text)
    error = ErrorPublic.model_validate(in_place.json(), strict=True)
    assert error.detail.startswith(f"Initiative 1 (“{first.title}”): {message}")
    after = [(i.title, i.position, i.horizon, i.notes, i.outcome) for i in _items(session, demo)]
    assert after == before


@pytest.mark.parametrize(
    ("title", "horizon", "message"),
    [
        ("Board sponsor", "7", "Horizon: choose one of the horizons listed"),
        ("Board sponsor", "soon", "Horizon: give a whole number"),
        ("Board\x00 sponsor", "0", "Title: must not contain NUL characters"),
    ],
)
def test_a_hostile_new_initiative_is_refused_and_saves_nothing(
    client: TestClient, session: Session, demo: Assessment, title: str, horizon: str, message: str
) -> None:
    _draft(client, demo)
    count = len(_items(session, demo))
    form = {**_form(client, demo), "add": "yes", "new.title": title, "new.horizon": horizon}

    response = post_form(client, f"/assessments/{demo.id}/roadmap", form)

    assert response.status_code == 422
    assert f"New initiative: {message}" in html.unescape(response.text)
    assert len(_items(session, demo)) == count


def test_a_roadmap_with_nothing_to_propose_points_at_no_chart(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    fresh = make_1_0_assessment(session, own)  # nobody answered: no gap, no chart of proposals
    session.commit()
    sign_in(client, own.consultant.email)

    page = client.get(f"/assessments/{fresh.id}/roadmap").text

    assert "chart--timeline" not in page
    assert "Nothing is planned yet. Draft the roadmap below" in page
