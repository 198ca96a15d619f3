"""The anonymity threshold k through every door: pages, charts, the API, the PDF, the form.

The issue's team: one person per group, promised that results are shown by group only. With
k = 3 no group breakdown and no group-tagged comment may appear anywhere; with three people
per group they all do.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.db import repository
from app.db.models import Assessment
from app.domain.anonymity import THRESHOLD_PROBLEM
from app.domain.answering import AnswerChoice
from app.domain.loading import load_framework
from tests.conftest import QUESTIONNAIRES
from tests.factories import Tenant, post_form, sign_in, upload_export
from tests.reports.test_pdf import pdf_text

FRAMEWORK = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")
GROUPS = ("Leadership", "Management", "Front line")
AREAS = list(FRAMEWORK.areas())[:3]


def _team(session: Session, tenant: Tenant, per_group: int) -> Assessment:
    """`per_group` people in each group, each scoring three areas and leaving a comment."""
    assessment = tenant.assessment
    for offset, group in enumerate(GROUPS):
        for number in range(per_group):
            person = repository.add_participant(
                session=session, assessment=assessment, name=f"Person {group} {number}", group=group
            )
            for area in AREAS:
                for criterion in area.all_criteria():
                    level = (offset + number) % 4
                    choice = AnswerChoice(criterion.id, level, 4, comment="")
                    repository.save_answer(session=session, participant=person, choice=choice)
            first = AREAS[0].criteria[0] if AREAS[0].criteria else next(AREAS[0].all_criteria())
            remark = AnswerChoice(first.id, 1, 4, comment=f"remark from {group}")
            repository.save_answer(session=session, participant=person, choice=remark)
    repository.mark_changed(session=session, assessment_id=assessment.id)
    session.commit()
    return assessment


def _everything_a_viewer_sees(client: TestClient, assessment: Assessment, tmp_path: Path) -> str:
    pages = [client.get(f"/assessments/{assessment.id}/results")]
    pages += [
        client.get(f"/assessments/{assessment.id}/results/areas/{area.id}")
        for area in FRAMEWORK.areas()
    ]
    pages.append(client.get(f"/api/v1/assessments/{assessment.id}/results"))
    report = client.get(f"/assessments/{assessment.id}/report.pdf")
    assert all(page.status_code == 200 for page in [*pages, report])
    return "\n".join(page.text for page in pages) + pdf_text(report.content, tmp_path)


def test_one_person_per_group_shows_no_group_and_no_group_tagged_comment(
    client: TestClient, session: Session, tenants, tmp_path: Path
) -> None:
    own = tenants[0]
    assessment = _team(session, own, per_group=1)
    sign_in(client, own.viewer.email)

    seen = _everything_a_viewer_sees(client, assessment, tmp_path)

    assert "remark from Leadership" in seen  # comments are shown ...
    for group in GROUPS:  # ... but never tagged with a group, nor compared by group
        assert f"{group}</footer>" not in seen and f"— {group}" not in seen
        assert f'"{group}"' not in seen  # no group in the API's segments
        assert f"{group} (" not in seen  # no heatmap column
    for heading in ("Where groups see it most differently", "Where groups see it differently"):
        assert heading not in seen
    assert "no group is shown" in seen
    # the group filter says why, as the Groups section does, not "each needs at least 3"
    assert "no group can be shown on its own. Groups are shown only where at least 3" in seen
    assert "showing the others would give their answers away" in seen
    assert "Person Leadership 0 (" not in seen  # no name next to group-level data in the PDF
    for chart in ("heatmap", "groups"):  # asked for all the same: drawn without any group
        svg = client.get(f"/assessments/{assessment.id}/charts/{chart}.svg")
        assert svg.status_code == 200 and "Leadership" not in svg.text


def test_three_people_per_group_show_groups_comments_and_the_heatmap(
    client: TestClient, session: Session, tenants, tmp_path: Path
) -> None:
    own = tenants[0]
    assessment = _team(session, own, per_group=3)
    sign_in(client, own.viewer.email)

    seen = _everything_a_viewer_sees(client, assessment, tmp_path)

    for group in GROUPS:
        assert f"{group}</footer>" in seen and f"— {group}" in seen
        assert f'"{group}"' in seen
    assert "Where groups see it most differently" in seen
    assert "Where groups see it differently" in seen
    heatmap = client.get(f"/assessments/{assessment.id}/charts/heatmap.svg").text
    assert "Leadership (4)" in heatmap and "Person" not in heatmap  # 3 + the tenant's own


def test_a_group_below_k_is_pooled_and_a_participant_without_group_counts(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment = _team(session, own, per_group=3)
    for name, group in (("Solo", "Sales"), ("Nobody A", ""), ("Nobody B", "")):
        person = repository.add_participant(
            session=session, assessment=assessment, name=name, group=group
        )
        choice = AnswerChoice(AREAS[0].criteria[0].id, 2, 3, comment=f"remark from {name}")
        repository.save_answer(session=session, participant=person, choice=choice)
    repository.mark_changed(session=session, assessment_id=assessment.id)
    session.commit()
    sign_in(client, own.viewer.email)

    body = client.get(f"/api/v1/assessments/{assessment.id}/results").json()

    segments = body["segments"]
    sizes = {"Front line": 3, "Leadership": 4, "Management": 3, "Other groups": 3}
    assert segments["sizes"] == sizes
    assert (segments["threshold"], segments["pooled"], segments["withheld"]) == (3, True, False)
    area = client.get(f"/assessments/{assessment.id}/results/areas/{AREAS[0].id}").text
    assert "Sales" not in area and "No group" not in area
    assert area.count("Other groups</footer>") == 3


def test_viewers_cannot_export_raw_answers_with_names(client: TestClient, tenants) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)

    refused = client.get(f"/assessments/{own.assessment.id}/export/csv")
    page = client.get(f"/assessments/{own.assessment.id}/results")

    assert refused.status_code == 403 and own.participant.name not in refused.text
    assert "/export/csv" not in page.text


@pytest.mark.parametrize(("value", "saved"), [("5", 5), ("1", None), ("2.5", None), ("x", None)])
def test_the_consultant_sets_k_on_the_edit_form(
    client: TestClient, session: Session, tenants, value: str, saved: int | None
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    url = f"/assessments/{own.assessment.id}/edit"

    response = post_form(
        client, url, {"title": "Baseline", "anonymity_threshold": value}, follow_redirects=False
    )

    session.refresh(own.assessment)
    if saved is None:
        assert response.status_code == 422
        assert THRESHOLD_PROBLEM[:40] in response.text
        assert own.assessment.anonymity_threshold == 3  # nothing changed
    else:
        assert response.status_code == 303
        assert own.assessment.anonymity_threshold == saved
        start = client.get(f"/p/{own.invite}")
        assert "at least 5 people in the group have answered" in start.text


@pytest.mark.parametrize("value", [1, 26, "5", True])
def test_an_import_refuses_the_threshold_the_edit_form_refuses_with_its_words(
    client: TestClient, session: Session, tenants, value: object
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    document = client.get(f"/assessments/{own.assessment.id}/export/json").json()
    document["assessment"]["anonymity_threshold"] = value
    before = session.exec(select(func.count()).select_from(Assessment)).one()

    response = upload_export(client, own, json.dumps(document).encode())

    assert response.status_code == 422
    assert "assessment.anonymity_threshold" in response.text
    assert THRESHOLD_PROBLEM[:40] in response.text
    assert session.exec(select(func.count()).select_from(Assessment)).one() == before
