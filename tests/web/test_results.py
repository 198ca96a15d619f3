"""Results: the API's score tree checked against an independent calculation, and the pages."""

from __future__ import annotations

import html
import statistics
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import repository
from app.db.models import Answer, Assessment, Participant
from app.domain.answering import AnswerChoice
from app.domain.loading import load_framework
from app.web.routes import results as results_routes
from tests.conftest import QUESTIONNAIRES
from tests.factories import Tenant, make_1_0_assessment, sign_in

FRAMEWORK = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")
CHARTS = ("radar", "layers", "gaps", "heatmap", "groups")


def _by_hand(
    session: Session, assessment: Assessment, submitted_only: bool = False
) -> dict[str, tuple[float, float]]:
    """Area current and target straight from the answer rows, written out without the engine."""
    levels: dict[str, list[tuple[int, int]]] = defaultdict(list)
    query = select(Answer).join(Participant).where(Participant.assessment_id == assessment.id)
    if submitted_only:
        query = query.where(Participant.submitted_at.is_not(None))  # type: ignore[union-attr]
    rows = session.exec(query)
    for row in rows:
        if not row.dont_know and row.current is not None and row.target is not None:
            levels[row.criterion_id].append((row.current, row.target))
    areas = {}
    for area in FRAMEWORK.areas():
        weighted_current = weighted_target = total_weight = 0.0
        for criterion in area.all_criteria():
            pairs = levels[criterion.id]
            if not pairs:
                continue
            weighted_current += criterion.weight * sum(c for c, _ in pairs) / len(pairs)
            weighted_target += criterion.weight * sum(t for _, t in pairs) / len(pairs)
            total_weight += criterion.weight
        areas[area.id] = (weighted_current / total_weight, weighted_target / total_weight)
    return areas


@pytest.mark.parametrize(
    ("query", "submitted_only", "counted", "groups"),
    [
        ("", True, 7, {"Leadership", "Other groups"}),  # the default once anyone submitted
        ("?answers=submitted", True, 7, {"Leadership", "Other groups"}),
        ("?answers=all", False, 9, {"Leadership", "Management", "Front line"}),
    ],
)
def test_every_area_score_of_the_demo_matches_an_independent_calculation(
    client: TestClient,
    session: Session,
    demo: Assessment,
    query: str,
    submitted_only: bool,
    counted: int,
    groups: set[str],
) -> None:
    expected = _by_hand(session, demo, submitted_only)

    response = client.get(f"/api/v1/assessments/{demo.id}/results{query}")

    assert response.status_code == 200, response.text
    body = response.json()
    areas = {a["area_id"]: a for layer in body["results"]["layers"] for a in layer["areas"]}
    assert set(areas) == set(expected) and len(areas) == 14
    for area_id, (current, target) in expected.items():
        score = areas[area_id]["score"]
        assert score["current"] == pytest.approx(current, abs=1e-9), area_id
        assert score["target"] == pytest.approx(target, abs=1e-9), area_id
        assert score["gap"] == pytest.approx(target - current, abs=1e-9), area_id
    overall = statistics.fmean(current for current, _ in expected.values())  # area weights are 1
    assert body["results"]["overall"]["current"] == pytest.approx(overall, abs=1e-9)
    assert (body["participants"], body["invited"]) == (counted, 9)
    assert set(body["segments"]["groups"]) == groups
    assert body["counted"]["answers"] == ("submitted" if submitted_only else "all")


def test_criterion_statistics_in_the_api(client: TestClient, session: Session, tenants) -> None:
    own = tenants[0]
    second = repository.add_participant(session=session, assessment=own.assessment, name="B")
    criterion = "cm-cross-channel-ownership"  # the factory's participant said 1 -> 3
    repository.save_answer(
        session=session, participant=second, choice=AnswerChoice(criterion, 4, 4)
    )
    session.commit()

    body = client.get(
        f"/api/v1/assessments/{own.assessment.id}/results",
        headers={"Authorization": f"Bearer {own.token}"},
    ).json()

    criteria = {
        c["criterion_id"]: c
        for layer in body["results"]["layers"]
        for area in layer["areas"]
        for c in area["criteria"] + [c for s in area["sub_components"] for c in s["criteria"]]
    }
    assert criteria[criterion]["current"] == {
        "n": 2,
        "mean": 2.5,
        "median": 2.5,
        "minimum": 1,
        "maximum": 4,
        "stdev": 1.5,
    }
    assert criteria[criterion]["score"]["gap"] == 1.0  # target 3.5 - current 2.5
    assert criteria[criterion]["disagreement"] is True
    assert body["disagreements"] == [criterion]
    assert criteria["cm-content-production"]["score"] is None  # nobody answered: null, not 0


def test_results_schema_is_documented(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()

    operation = schema["paths"]["/api/v1/assessments/{assessment_id}/results"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert "ResultsPublic" in schema["components"]["schemas"]


@pytest.mark.parametrize("chart", CHARTS)
def test_charts_are_valid_svg_with_every_area_label(
    client: TestClient, demo: Assessment, chart: str
) -> None:
    response = client.get(f"/assessments/{demo.id}/charts/{chart}.svg")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    text = " ".join(" ".join(ET.fromstring(response.content).itertext()).split())
    for area in FRAMEWORK.areas():
        if chart != "layers":
            # radar labels wrap, so compare word by word
            assert all(word in text for word in area.title.split()), (chart, area.title)
    if chart == "layers":
        assert all(layer.title in text for layer in FRAMEWORK.layers)


def test_a_chart_is_drawn_once_per_data_version(
    client: TestClient, session: Session, settings, demo: Assessment, monkeypatch
) -> None:
    url = f"/assessments/{demo.id}/charts/radar.svg"
    first = client.get(url).content
    cache = settings.data_dir / "cache" / f"assessment-{demo.id}"
    (cached_file,) = cache.glob("radar.svg.*")

    with monkeypatch.context() as patched:  # a drawn chart is served without scoring again
        patched.setattr(results_routes, "chart_data_of", lambda **_: pytest.fail("scored"))
        assert client.get(url).content == first
    participant = repository.participants_of(session=session, assessment=demo)[0]
    repository.save_answer(
        session=session, participant=participant, choice=AnswerChoice("ld-customer-strategy", 0, 5)
    )
    session.commit()
    changed = client.get(url).content

    assert changed != first
    assert [p.name for p in cache.glob("radar.svg.*")] != [cached_file.name]
    assert len(list(cache.glob("radar.svg.*"))) == 1  # the old version is removed


def test_results_page_shows_scores_gaps_and_who_it_is_based_on(
    client: TestClient, demo: Assessment
) -> None:
    page = client.get(f"/assessments/{demo.id}/results")

    assert page.status_code == 200
    for text in (
        "Counted: <strong>7 submitted of 9 invited; 2 in progress not counted</strong>",
        "Widest gaps",
        "Strengths to build on",
        "Where views differ",
        "Where groups see it most differently",
        "How the scores are calculated",
        "each gap shown is the rounded target minus the",  # under the headline
    ):
        assert text in page.text
    assert len(page.context["page"].top_gaps) == 5
    assert '"Current"' not in page.text and ">Current<" not in page.text  # "Today", as on the form
    for chart in CHARTS:
        assert f"/assessments/{demo.id}/charts/{chart}.svg" in page.text


def test_area_drill_down_lists_criteria_and_comments_without_a_small_group(
    client: TestClient, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)  # viewers read results too

    page = client.get(f"/assessments/{own.assessment.id}/results/areas/channels-media")

    assert page.status_code == 200
    assert "secret comment of Acme" in page.text
    assert "Leadership</footer>" not in page.text  # one person: below the threshold of 3
    assert own.participant.name not in page.text  # comments never carry the name
    assert "no answers yet" in page.text


def test_area_drill_down_gives_the_consultant_evidence_prompts_and_the_next_step(
    client: TestClient, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    criterion = next(c for c in FRAMEWORK.criteria() if c.id == "cm-cross-channel-ownership")

    page = client.get(f"/assessments/{own.assessment.id}/results/areas/channels-media")

    assert page.status_code == 200
    for text in (*criterion.evidence_prompts, criterion.action or "", "To move up a level"):
        assert html.escape(text) in page.text


def test_a_version_1_0_assessment_shows_its_guidance_as_the_evidence_prompt(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment = make_1_0_assessment(session, own)
    session.commit()
    sign_in(client, own.consultant.email)

    page = client.get(f"/assessments/{assessment.id}/results/areas/leadership-direction")

    assert page.status_code == 200
    assert "Evidence to look for</summary>" in page.text
    assert "To move up a level" not in page.text  # 1.0 has no actions
    assert html.escape("Ask to see the strategy document") in page.text


def test_results_with_no_answers_say_so(client: TestClient, session: Session, tenants) -> None:
    own = tenants[0]
    empty = repository.create_assessment(
        session=session,
        organisation=own.organisation,
        snapshot=repository.latest_snapshot(session=session, framework_key="reap-blueprint"),
        title="Empty",
    )
    session.commit()
    sign_in(client, own.consultant.email)

    page = client.get(f"/assessments/{empty.id}/results")
    api = client.get(f"/api/v1/assessments/{empty.id}/results").json()

    assert page.status_code == 200 and "Nobody has scored a criterion yet" in page.text
    assert api["results"]["overall"] is None and api["participants"] == 0
    assert client.get(f"/assessments/{empty.id}/charts/radar.svg").status_code == 200


def test_unknown_chart_or_area_is_404(client: TestClient, tenants: tuple[Tenant, Tenant]) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)

    assert client.get(f"/assessments/{own.assessment.id}/charts/pie.svg").status_code == 404
    missing = client.get(f"/assessments/{own.assessment.id}/results/areas/nope")
    assert missing.status_code == 404


def _scores(node: object) -> list[dict]:
    """Every score object anywhere in an API answer (whatever its key: score, overall,
    highest, baseline ...): each has a current_percent."""
    if isinstance(node, dict):
        found = [node] if "current_percent" in node else []
        return found + [s for value in node.values() for s in _scores(value)]
    if isinstance(node, list):
        return [s for value in node for s in _scores(value)]
    return []


def test_every_score_in_the_api_carries_its_n_and_areas_their_coverage(
    client: TestClient, session: Session, demo: Assessment
) -> None:
    body = client.get(f"/api/v1/assessments/{demo.id}/results?answers=all").json()

    scores = _scores(body)  # the results, each group's and the group differences
    assert len(scores) > 400 and all(s["n"] and s["n"] >= 1 for s in scores)
    assert len(_scores(body["segments"])) > 300
    assert body["results"]["overall"]["n"] == 9
    rows = session.exec(
        select(Answer).join(Participant).where(Participant.assessment_id == demo.id)
    ).all()
    complete: dict[str, int] = defaultdict(int)
    for row in rows:
        if not row.dont_know and row.current is not None and row.target is not None:
            complete[row.criterion_id] += 1
    layers = body["results"]["layers"]
    for area in (a for layer in layers for a in layer["areas"]):
        criteria = area["criteria"] + [c for s in area["sub_components"] for c in s["criteria"]]
        assert area["criteria_total"] == len(criteria)
        assert area["criteria_scored"] == sum(1 for c in criteria if c["score"])
        for criterion in criteria:
            assert criterion["n"] == complete[criterion["criterion_id"]]
            assert criterion["thin"] is (0 < criterion["n"] < 2)
    total = sum(layer["criteria_total"] for layer in layers)
    assert body["results"]["criteria_total"] == total == 106


def test_a_criterion_one_person_scored_is_marked_thin_and_not_ranked(
    client: TestClient, tenants
) -> None:
    own = tenants[0]  # one participant, one criterion scored
    sign_in(client, own.consultant.email)

    page = client.get(f"/assessments/{own.assessment.id}/results")
    area = client.get(f"/assessments/{own.assessment.id}/results/areas/channels-media")

    assert page.context["page"].top_gaps == [] and page.context["page"].top_strengths == []
    assert "None yet: no criterion rests on enough people." in page.text
    assert "thin evidence" in area.text
    assert "0 submitted of 1 invited; 1 in progress also counted" in page.text
