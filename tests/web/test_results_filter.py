"""The results filter (submitted answers only or all; one group of k people or more) through
the page, the area pages, the charts and the API, and the consultant's thin-evidence switch.

The team: three people in each of three groups (tests/web/test_anonymity.py), plus the
tenant's own participant (Leadership). Two of the team have not submitted.
"""

from __future__ import annotations

import html
import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import accounts, repository
from app.db.models import Assessment, Participant
from app.db.results import results_of
from app.domain.evidence import INCLUDE_THIN_PROBLEM
from app.report_data import drafted
from tests.factories import Tenant, post_form, sign_in, upload_export
from tests.web.test_anonymity import AREAS, _team

IN_PROGRESS = ("Person Management 0", "Person Front line 0")


def _submitted_but_two(session: Session, tenant: Tenant) -> Assessment:
    """Everyone of the team submitted but two; the tenant's own participant is in progress."""
    assessment = _team(session, tenant, per_group=3)
    people = session.exec(select(Participant).where(Participant.name.like("Person %"))).all()
    for person in people:
        if person.name not in IN_PROGRESS:
            repository.set_submitted(session=session, participant=person, submitted=True)
    repository.mark_changed(session=session, assessment_id=assessment.id)
    session.commit()
    return assessment


def _api(client: TestClient, tenant: Tenant, assessment: Assessment, query: str = ""):
    headers = {"Authorization": f"Bearer {tenant.token}"}
    return client.get(f"/api/v1/assessments/{assessment.id}/results{query}", headers=headers)


def test_submitted_answers_only_by_default_once_anyone_submitted_with_a_toggle(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment = _submitted_but_two(session, own)
    sign_in(client, own.consultant.email)
    url = f"/assessments/{assessment.id}/results"

    default, everything = client.get(url), client.get(url + "?answers=all")

    assert "7 submitted of 10 invited; 3 in progress not counted" in default.text
    assert "7 submitted of 10 invited; 3 in progress also counted" in everything.text
    assert 'href="' + url + '?answers=all">All answers so far' in default.text
    assert 'aria-current="page">Submitted answers only' in default.text
    assert 'aria-current="page">All answers so far' in everything.text
    assert "Only submitted answers are counted" in default.text
    # the charts and the area pages on each page carry its filter
    assert "/charts/radar.svg?answers=all" in everything.text
    assert f"/results/areas/{AREAS[0].id}?answers=all" in everything.text
    assert '/charts/radar.svg"' in default.text
    api = _api(client, own, assessment).json()
    assert api["counted"]["heading"] == "7 submitted of 10 invited; 3 in progress not counted"
    assert (api["counted"]["answers"], api["participants"], api["invited"]) == ("submitted", 7, 10)
    assert _api(client, own, assessment, "?answers=all").json()["participants"] == 10


def test_a_viewer_sees_the_default_only_never_answers_in_progress_beside_the_submitted(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment = _submitted_but_two(session, own)
    viewer_token = _viewer_token(session, own)
    sign_in(client, own.viewer.email)
    url = f"/assessments/{assessment.id}/results"

    page = client.get(url)
    refused = [
        client.get(url + "?answers=all"),
        client.get(url + f"/areas/{AREAS[0].id}?answers=all"),
        client.get(f"/assessments/{assessment.id}/charts/radar.svg?answers=all"),
        client.get(
            f"/api/v1/assessments/{assessment.id}/results?answers=all",
            headers={"Authorization": f"Bearer {viewer_token}"},
        ),
    ]

    assert "7 submitted of 10 invited; 3 in progress not counted" in page.text
    assert "All answers so far" not in page.text and "?answers=all" not in page.text
    for response in refused:  # the same words from the pages, the chart and the API
        assert response.status_code == 403
        assert "answers: only consultants see results that count answers still in progress" in (
            html.unescape(response.text)
        )
    assert client.get(url + "?answers=submitted").status_code == 200


def _viewer_token(session: Session, tenant: Tenant) -> str:
    _, token = accounts.create_api_token(session=session, user=tenant.viewer, name="viewer")
    session.commit()
    return token


def test_before_anyone_submits_every_answer_is_counted(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment = _team(session, own, per_group=1)
    sign_in(client, own.viewer.email)

    page = client.get(f"/assessments/{assessment.id}/results")

    assert "0 submitted of 4 invited; 4 in progress also counted" in page.text
    assert "Every answer given so far is counted" in page.text


def test_filtered_and_unfiltered_views_never_serve_each_others_numbers(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment = _submitted_but_two(session, own)
    sign_in(client, own.consultant.email)
    heatmap = f"/assessments/{assessment.id}/charts/heatmap.svg"

    seen = []
    for _ in range(2):  # each view twice, alternating: the second round comes from the caches
        for query in ("", "?answers=all", "?group=Leadership", "?answers=all&group=Management"):
            api = _api(client, own, assessment, query).json()
            chart = client.get(heatmap + query).text
            seen.append((query, api["results"]["overall"]["current"], api["participants"], chart))

    first, second = seen[:4], seen[4:]
    assert [s[:3] for s in first] == [s[:3] for s in second]
    assert [s[3] for s in first] == [s[3] for s in second]
    assert len({s[1] for s in first}) == 4  # four views, four different overall scores
    assert [s[2] for s in first] == [7, 10, 3, 3]
    assert "Leadership (3)" in first[0][3] and "Other groups (4)" in first[0][3]
    assert "Management (3)" in first[1][3] and "Leadership (4)" in first[1][3]
    assert "Management (" not in first[0][3]  # two of its people submitted: pooled


def test_a_group_below_k_is_not_offered_and_a_crafted_address_gets_a_message(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment = _submitted_but_two(session, own)
    sign_in(client, own.consultant.email)
    url = f"/assessments/{assessment.id}/results"

    page = client.get(url).text
    offered = client.get(url + "?answers=all").text
    refused = [
        client.get(url + "?group=Management"),  # two of its people submitted
        client.get(url + f"/areas/{AREAS[0].id}?group=Management"),
        client.get(f"/assessments/{assessment.id}/charts/groups.svg?group=Management"),
        client.get(url + "?group=Sales"),  # no such group: the same words
        _api(client, own, assessment, "?group=Management"),
    ]

    assert "?group=Leadership" in page and "?group=Other+groups" in page
    assert "?group=Management" not in page
    assert "?answers=all&amp;group=Management" in offered
    for response in refused:  # as absent as a group that does not exist
        assert response.status_code == 404
        text = html.unescape(response.text)
        assert "no group “" in text and "at least 3 of its people scored" in text
        assert "remark from Management" not in text and "Person" not in text
    assert "“Leadership”, “Other groups”" in html.unescape(refused[0].text)
    assert (
        _api(client, own, assessment, "?group=Management")
        .json()["detail"]
        .startswith("group: no group “Management”")
    )


def test_one_group_at_a_time_counts_its_people_only(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment = _submitted_but_two(session, own)
    sign_in(client, own.consultant.email)
    url = f"/assessments/{assessment.id}/results"

    page = client.get(url + "?answers=all&group=Management").text
    area = client.get(url + f"/areas/{AREAS[0].id}?answers=all&group=Management").text
    body = _api(client, own, assessment, "?answers=all&group=Management").json()

    assert "Management: 2 submitted of 3 invited; 1 in progress also counted" in page
    assert "Group comparisons appear when" not in page  # three groups answered
    assert "Only the answers of “Management” are counted here" in page
    assert f'href="{url}?answers=all#groups-title">everyone' in page
    assert (body["participants"], body["counted"]["group"]) == (3, "Management")
    assert "remark from Management" in area and "remark from Leadership" not in area
    assert "?answers=all&amp;group=Management#areas-title" in area


@pytest.mark.parametrize("value", ["some", "ALL", "1"])
def test_an_unknown_answers_filter_gets_the_same_message_everywhere(
    client: TestClient, tenants, value: str
) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)
    base = f"/assessments/{own.assessment.id}"

    responses = [
        client.get(f"{base}/results?answers={value}"),
        client.get(f"{base}/charts/radar.svg?answers={value}"),
        _api(client, own, own.assessment, f"?answers={value}"),
    ]

    for response in responses:  # the same words from the page, the chart and the API
        assert response.status_code == 422
        assert "Answers: choose one of 'submitted' or 'all'." in html.unescape(response.text)


def _first_area_page(client: TestClient, session: Session, tenants, per_group: int) -> str:
    """The first area's results page of a team of `per_group` people per group, as a viewer."""
    own = tenants[0]
    assessment = _team(session, own, per_group=per_group)
    sign_in(client, own.viewer.email)
    return client.get(f"/assessments/{assessment.id}/results/areas/{AREAS[0].id}").text


def test_the_drill_down_plots_who_answered_what_by_group_where_k_allows(
    client: TestClient, session: Session, tenants
) -> None:
    area = _first_area_page(client, session, tenants, per_group=3)

    assert area.count('class="plot plot--spread"') == len(list(AREAS[0].all_criteria()))
    assert "Who answered what · 9 people" in area
    for group in ("Front line", "Leadership", "Management"):
        assert f'aria-hidden="true"></span>{group}</li>' in area  # the dots' legend
    assert 'class="dot g1"' in area and 'class="dot g3"' in area
    assert 'aria-label="Today: ' in area and "Target: " in area  # the counts per level


def test_the_drill_down_plot_pools_everyone_when_groups_are_too_small(
    client: TestClient, session: Session, tenants
) -> None:
    area = _first_area_page(client, session, tenants, per_group=1)

    assert "Who answered what · 3 people" in area
    assert "plot-legend" not in area and 'class="dot g' not in area
    assert "no group is shown. Groups are shown only where at least 3 of their people" in area


@pytest.mark.parametrize(("value", "saved"), [("yes", True), ("", False), ("maybe", None)])
def test_the_consultant_includes_thin_evidence_on_the_edit_form(
    client: TestClient, session: Session, tenants, value: str, saved: bool | None
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    url = f"/assessments/{own.assessment.id}/edit"

    response = post_form(
        client, url, {"title": "Baseline", "include_thin_evidence": value}, follow_redirects=False
    )

    session.refresh(own.assessment)
    if saved is None:
        assert response.status_code == 422
        assert INCLUDE_THIN_PROBLEM in html.unescape(response.text)
        assert own.assessment.include_thin_evidence is False
    else:
        assert response.status_code == 303
        assert own.assessment.include_thin_evidence is saved


@pytest.mark.parametrize("value", ["maybe", 1, None])
def test_an_import_refuses_the_thin_switch_the_edit_form_refuses_with_its_words(
    client: TestClient, tenants, value: object
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    document = client.get(f"/assessments/{own.assessment.id}/export/json").json()
    assert document["assessment"]["include_thin_evidence"] is False
    document["assessment"]["include_thin_evidence"] = value

    response = upload_export(client, own, json.dumps(document).encode())

    assert response.status_code == 422
    assert "assessment.include_thin_evidence" in response.text
    assert INCLUDE_THIN_PROBLEM in html.unescape(response.text)


def test_included_thin_evidence_is_ranked_drafted_and_still_marked(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]  # one participant: every score rests on one person
    sign_in(client, own.viewer.email)
    url = f"/assessments/{own.assessment.id}/results"
    left_out = client.get(url).text
    assert "None yet: no criterion rests on enough people." in left_out
    assert drafted(own.assessment, results_of(session=session, assessment=own.assessment)) == []

    repository.update_assessment(
        session=session,
        assessment=own.assessment,
        title=own.assessment.title,
        purpose="",
        target_date=None,
        invite_text="",
        reminder_text="",
        include_thin_evidence=True,
    )
    session.commit()
    included = client.get(url).text
    draft = drafted(own.assessment, results_of(session=session, assessment=own.assessment))
    body = _api(client, own, own.assessment).json()

    gaps = included.split('id="gaps-title"')[1].split("</section>")[0]
    assert "thin evidence</span>" in gaps and "None yet" not in gaps
    assert "are ranked too, as the consultant chose, and marked" in included
    assert draft and all("thin evidence: rests on 1 person" in i.reason for i in draft)
    assert body["include_thin_evidence"] is True
