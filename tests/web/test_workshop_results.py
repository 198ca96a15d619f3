"""What a workshop's agreement becomes: beside the individual ratings in the results page, the
API, the Excel export, the roadmap draft and the PDF; and caches that follow every decision."""

from __future__ import annotations

import io
import subprocess

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.db.models import Answer
from app.report_data import report_data_of
from app.reports.pdf import render_pdf
from tests.web.conftest import JSON, Room, items, vote
from tests.web.test_results import _scores


@pytest.fixture
def decided(room: Room, phone: TestClient, session: Session) -> dict[str, object]:
    """A workshop that agreed its first item (today 0, target 5: far from the ratings) and
    parked its second, with notes for the roadmap."""
    workshop = room.start(count=2)
    room.control(workshop, "next")
    first, second = items(session, workshop)
    vote(phone, room.invites[0], first.id, 1, 0, 5, **JSON)
    room.control(workshop, "reveal")
    room.post(
        f"/workshops/{workshop}/items/{first.id}/decision",
        {"outcome": "agreed", "current": "0", "target": "5", "rationale": "Nobody owns it yet"},
    )
    room.control(workshop, "next")
    room.control(workshop, "reveal")
    room.post(
        f"/workshops/{workshop}/items/{second.id}/decision",
        {"outcome": "parked", "rationale": "Sales and service disagree"},
    )
    room.post(f"/workshops/{workshop}/items/{second.id}/notes", {"notes": "Map the hand-offs"})
    return {"workshop": workshop, "agreed": first.criterion_id, "parked": second.criterion_id}


def _answers(session: Session) -> list[tuple]:
    session.expire_all()
    query = select(Answer.participant_id, Answer.criterion_id, Answer.current, Answer.target)
    return sorted(session.exec(query).all())


def test_agreed_values_sit_beside_the_individual_ratings_in_the_api(
    room: Room, phone: TestClient, session: Session, decided: dict
) -> None:
    url = f"/api/v1/assessments/{room.assessment.id}/results"
    # the individual results after the workshop equal those computed from the answers alone
    after = room.client.get(url).json()
    answers_after = _answers(session)

    criterion = next(c for c in after["agreement"]["criteria"] if c["id"] == decided["agreed"])
    individual = next(
        c
        for layer in after["results"]["layers"]
        for area in layer["areas"]
        for c in _criteria(area)
        if c["criterion_id"] == decided["agreed"]
    )
    assert after["headline"] == "agreed baseline"
    baseline = criterion["baseline"]
    assert (baseline["current"], baseline["target"]) == (0, 5)
    assert (baseline["current_percent"], baseline["target_percent"]) == (0, 100)
    assert criterion["individual"] == individual["score"]
    assert criterion["difference_current"] == pytest.approx(0 - individual["score"]["current"])
    decisions = {d["criterion_id"]: d for d in after["agreement"]["decisions"]}
    assert decisions[decided["parked"]]["outcome"] == "parked"
    assert decisions[decided["parked"]]["notes"] == "Map the hand-offs"
    overall = after["agreement"]["overall"]
    assert overall["individual"] == after["results"]["overall"]
    assert overall["baseline"]["current"] < overall["individual"]["current"]
    assert overall["difference_current_points"] < 0
    assert overall["agreed_criteria"] == 1
    assert all(a[2] != 0 or a[3] != 5 for a in answers_after if a[1] == decided["agreed"])
    baseline_scores = _scores(after["agreement"])  # every agreed score carries its n
    assert len(baseline_scores) > 100 and all(s["n"] for s in baseline_scores)


def _criteria(area: dict) -> list[dict]:
    return area["criteria"] + [c for sub in area["sub_components"] for c in sub["criteria"]]


def test_results_page_leads_with_the_agreed_baseline_and_says_so(room: Room, decided: dict) -> None:
    page = room.client.get(f"/assessments/{room.assessment.id}/results")
    data = page.context["page"].data

    assert data.headline is data.agreement.baseline
    assert data.headline.overall.current < data.results.overall.current
    assert "use the <strong>agreed baseline</strong>" in page.text
    assert "agreed in the workshop for 1 criterion," in page.text  # one agreed, one parked
    assert "Agreed in the workshop" in page.text and "Nobody owns it yet" in page.text
    assert "Parked: no consensus yet" in page.text
    assert "charts/radar-agreed.svg" in page.text


def test_a_decision_changes_the_data_version_so_no_cache_goes_stale(
    room: Room, decided: dict, session: Session
) -> None:
    chart = f"/assessments/{room.assessment.id}/charts/radar-agreed.svg"
    before = room.client.get(chart).content
    version = room.client.get(f"/api/v1/assessments/{room.assessment.id}/results").json()
    first = items(session, decided["workshop"])[0]

    room.post(
        f"/workshops/{decided['workshop']}/items/{first.id}/decision",
        {"outcome": "agreed", "current": "5", "target": "5", "rationale": "Changed our minds"},
    )

    after = room.client.get(chart).content
    changed = room.client.get(f"/api/v1/assessments/{room.assessment.id}/results").json()
    assert changed["data_version"] != version["data_version"]
    assert after != before
    criterion = next(c for c in changed["agreement"]["criteria"] if c["id"] == decided["agreed"])
    assert criterion["baseline"]["current"] == 5


def test_the_roadmap_draft_takes_the_notes_and_the_parked_item(room: Room, decided: dict) -> None:
    url = f"/assessments/{room.assessment.id}/roadmap"

    room.client.post(f"{url}/draft", data={"csrf_token": room.token})
    page = room.client.get(url)

    items = [row.item for row in page.context["page"].rows]
    assert any(i.title.startswith("Settle where") for i in items)
    assert any("Map the hand-offs" in i.reason for i in items)


def test_excel_export_has_an_agreed_sheet(room: Room, decided: dict) -> None:
    response = room.client.get(f"/assessments/{room.assessment.id}/export/xlsx")

    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Agreed"].iter_rows(values_only=True))

    assert rows[0][:4] == ("Level", "Name", "Baseline current", "Baseline target")
    assert rows[1][0] == "Overall" and rows[1][8] == 1
    assert any(r[0] == "Criterion" and r[2] == 0 and r[3] == 5 for r in rows)


def test_the_report_has_a_workshop_chapter(
    room: Room, decided: dict, session: Session, tmp_path
) -> None:
    data = report_data_of(session=session, assessment=room.assessment, prepared_by="Test")
    (tmp_path / "report.pdf").write_bytes(render_pdf(data))

    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "Workshop" in text and "Baseline workshop" in text
    assert "Criteria agreed" in text and "Parked: no consensus yet" in text
    assert "Nobody owns it yet" in text
    assert "use the baseline agreed in the workshop" in " ".join(text.split())
    assert "Voting: Leadership 1" in text
