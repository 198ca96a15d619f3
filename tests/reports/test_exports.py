"""Exports read back: CSV and XLSX rows, neutralised formulas, and a JSON round trip."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, func, select

from app.db import repository, roadmaps
from app.db.engine import make_engine
from app.db.models import Assessment, Participant
from app.db.results import results_of
from app.domain.answering import AnswerChoice
from app.domain.narrative import Narrative
from app.domain.roadmap import build_roadmap
from app.report_data import exported
from app.reports.registry import EXPORTS
from tests.databases import database_for
from tests.domain.test_criterion_help import REAP_1_0_HASH
from tests.factories import (
    Tenant,
    csrf_from,
    make_1_0_assessment,
    reap_1_0,
    sign_in,
    upload_export,
)
from tests.servers import copy_of_demo
from tests.test_cli import gapwise

FORMULA = '=HYPERLINK("http://example.test","click")'


def _with_formula_comment(session: Session, tenant: Tenant) -> None:
    repository.save_answer(
        session=session,
        participant=tenant.participant,
        choice=AnswerChoice("cm-cross-channel-ownership", 1, 3, comment=FORMULA),
    )
    session.commit()


def test_csv_has_a_row_per_participant_and_criterion_and_no_live_formula(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    _with_formula_comment(session, own)
    sign_in(client, own.consultant.email)

    response = client.get(f"/assessments/{own.assessment.id}/export/csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert len(rows) == 106  # one participant x 106 criteria
    answered = next(r for r in rows if r["criterion_id"] == "cm-cross-channel-ownership")
    assert (answered["current"], answered["target"], answered["comment"]) == (
        "1",
        "3",
        "'" + FORMULA,
    )
    assert answered["area"] == "Channels & Media" and answered["group"] == "Leadership"
    assert answered["submitted"] == "False"  # in progress: the results leave it out by default
    assert (
        "filename*=UTF-8''Acme%20%E2%80%94%20Acme%20baseline%20%E2%80%94%20answers"
        in (response.headers["content-disposition"])
    )


def test_xlsx_has_four_sheets_and_neutralised_cells(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    _with_formula_comment(session, own)
    sign_in(client, own.consultant.email)

    response = client.get(f"/assessments/{own.assessment.id}/export/xlsx")

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Scores", "Answers", "Roadmap"]
    answers = list(book["Answers"].iter_rows(values_only=True))
    assert answers[0][3] == "Submitted" and {row[3] for row in answers[1:]} == {False}
    comments = [row[answers[0].index("Comment")] for row in answers[1:]]
    assert "'" + FORMULA in comments
    assert not any(isinstance(c, str) and c.startswith("=") for c in comments)
    overall = next(r for r in book["Summary"].iter_rows(values_only=True) if r[0] == "Overall")
    assert overall[2:] == (1.0, 3.0, 2.0, 20.0, 60.0, 1, "1/106", "yes")  # levels, percent of
    # 0-5, then the evidence: one person, one criterion of 106, so thin
    assert book["Roadmap"].max_row == 2  # the header and the factory's item
    assert book["Roadmap"]["I1"].value == "Actions"  # after Layer and Area, where ids were


@pytest.mark.pages_only  # the workbook's layout
def test_the_workbook_opens_tidy(tmp_path: Path, demo_template: str) -> None:
    """Frozen headers, filters, widths from content, one decimal shown, exact values kept."""
    copy_of_demo(tmp_path, demo_template)
    engine = make_engine(database_for(tmp_path))
    with Session(engine) as session:
        demo = session.exec(select(Assessment)).one()
        content = exported(session=session, assessment=demo, export_format=EXPORTS["xlsx"])
        data = results_of(session=session, assessment=demo)
        initiatives = build_roadmap(data.results, {}, framework=data.framework)
        roadmaps.replace_roadmap(session=session, assessment=demo, initiatives=initiatives)
        with_roadmap = exported(session=session, assessment=demo, export_format=EXPORTS["xlsx"])
    engine.dispose()
    book = load_workbook(io.BytesIO(with_roadmap))
    headers = {"Summary": 7, "Scores": 1, "Answers": 1, "Roadmap": 1}
    for name, row in headers.items():
        sheet = book[name]
        assert sheet.freeze_panes == f"A{row + 1}", name
        assert sheet.auto_filter.ref.startswith(f"A{row}:"), name
        assert sheet.auto_filter.ref.endswith(str(sheet.max_row)), name
        assert all(cell.font.bold for cell in sheet[row] if cell.value), name
    scores = book["Scores"]
    assert [c.value for c in scores[1]][:6] == [
        "Layer",
        "Area",
        "Criterion",
        "Current",
        "Target",
        "Gap",
    ]
    criterion_row = scores[3]
    exact = criterion_row[3].value
    assert criterion_row[3].number_format == "0.0" and exact != round(exact, 1)
    expected = next(
        c.score.current
        for a in data.results.areas()
        for c in a.all_criteria()
        if c.text == criterion_row[2].value
    )
    assert exact == pytest.approx(expected, rel=1e-14)  # exact, to the 15 digits Excel keeps
    widths = {letter: scores.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] == len("Foundations") + 2  # the longest layer name
    assert widths["C"] == 60 + 2 and criterion_row[2].alignment.wrap_text  # long text wraps
    assert widths["D"] == len("Current") + 2
    roadmap = book["Roadmap"]
    assert [c.value for c in roadmap[1]][:4] == ["Initiative", "Layer", "Area", "Horizon"]
    first = [c.value for c in roadmap[2]]
    area_titles = {a.title for a in data.results.areas()}
    assert first[1] in {layer.title for layer in data.results.layers} and first[2] in area_titles
    summary = book["Summary"]
    assert [c.value for c in summary[1]][:2] == ["Organisation", "Northwind Utilities (demo)"]
    rows = list(summary.iter_rows(min_row=8, values_only=True))
    assert len(rows) == 1 + len(data.results.layers) + len(area_titles)
    assert {r[1] for r in rows if r[1]} == area_titles
    # none drafted yet: the roadmap the report and the deck propose, each item marked so
    proposed = list(load_workbook(io.BytesIO(content))["Roadmap"].iter_rows(values_only=True))
    assert len(proposed) == len(initiatives) + 1
    assert {row[4] for row in proposed[1:]} == {"proposed"}
    assert [row[0] for row in proposed[1:]] == [i.title for i in initiatives]


def test_json_export_import_export_round_trips_between_instances(
    tmp_path: Path, demo_template: str
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    copy_of_demo(first, demo_template)
    engine = make_engine(database_for(first))
    with Session(engine) as session:  # give the demo a roadmap and an importance to carry
        demo = session.exec(select(Assessment)).one()
        roadmaps.set_importance(session=session, assessment=demo, weights={"retention": 2.0})
        narrative = Narrative("Where we stand.", "- One\n- Two", "Start with data.")
        repository.set_narrative(session=session, assessment=demo, narrative=narrative)
        data = results_of(session=session, assessment=demo)
        initiatives = build_roadmap(data.results, {"retention": 2}, framework=data.framework)
        roadmaps.replace_roadmap(session=session, assessment=demo, initiatives=initiatives)
        session.commit()
    engine.dispose()
    exported, again = tmp_path / "a.json", tmp_path / "b.json"

    steps = [
        gapwise("export", "1", "--format", "json", "-o", str(exported), data_dir=first),
        gapwise("import", str(exported), data_dir=second),
        gapwise("export", "1", "--format", "json", "-o", str(again), data_dir=second),
    ]

    assert [s.returncode for s in steps] == [0, 0, 0], [s.stderr for s in steps]
    before, after = json.loads(exported.read_text()), json.loads(again.read_text())
    assert after == _closed(before)  # an import comes in closed; everything else is the same
    assert len(before["answers"]) > 800 and len(before["participants"]) == 9
    assert before["roadmap"] and before["assessment"]["area_importance"] == {"retention": 2.0}
    assert before["assessment"]["narrative"]["key_messages"] == "- One\n- Two"
    assert all(len(item["actions"]) == 3 for item in before["roadmap"])
    assert all(item["outcome"] for item in before["roadmap"])  # what success is, carried over
    assert any(item["depends_on"] for item in before["roadmap"])  # REAP's layers are sequenced


def _closed(document: dict) -> dict:
    return {**document, "assessment": {**document["assessment"], "status": "closed"}}


def _signed_in_export(client: TestClient, tenant: Tenant, assessment_id: int) -> dict:
    sign_in(client, tenant.consultant.email)
    return client.get(f"/assessments/{assessment_id}/export/json").json()


def _imported(session: Session, response) -> Assessment | None:
    return session.get(Assessment, int(response.headers["location"].rsplit("/", 1)[1]))


def test_an_upload_restores_the_assessment_and_bad_files_change_nothing(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    document = _signed_in_export(client, own, own.assessment.id)
    wrong_framework = {**document, "framework": {**document["framework"], "content_hash": "0" * 64}}
    unknown_criterion = {
        **document,
        "answers": [{**document["answers"][0], "criterion_id": "no-such-criterion"}],
    }
    too_long = {
        **document,
        "assessment": {**document["assessment"], "narrative": {"narrative": "z" * 6001}},
    }
    bad_level = {**document, "answers": [{**document["answers"][0], "current": 9}]}

    def with_actions(actions: object) -> str:
        return json.dumps({**document, "roadmap": [{**document["roadmap"][0], "actions": actions}]})

    count = session.exec(select(func.count()).select_from(Participant)).one()

    refusals = {
        with_actions(5).encode(): "roadmap[0].actions: Input should be a valid array",
        with_actions(["x" * 4001]).encode(): ("roadmap[0].actions[0]: at most 4000 characters"),
        with_actions(["x" * 2000] * 3).encode(): "roadmap[0].actions: at most 4000",
        b"not json": "file: not JSON",
        b'{"format": "something-else"}': "format: expected a gapwise-assessment document",
        json.dumps(wrong_framework).encode(): "framework: &#39;reap-blueprint&#39; version 2.0",
        json.dumps(unknown_criterion).encode(): (
            "answers[0].criterion_id: &#39;no-such-criterion&#39; is not a criterion of this"
            " questionnaire"
        ),
        json.dumps(bad_level).encode(): (
            "answers[0].current: must be one of 0, 1, 2, 3, 4 or 5, not 9"
        ),
        json.dumps(too_long).encode(): (
            "assessment.narrative.narrative: 6001 characters; use at most 6000"
        ),
    }
    for content, message in refusals.items():
        response = upload_export(client, own, content)
        assert response.status_code == 422 and message in response.text, response.text[:300]
    assert session.exec(select(func.count()).select_from(Participant)).one() == count

    restored = upload_export(client, own, json.dumps(document).encode())

    assert restored.status_code == 303
    new_id = int(restored.headers["location"].rsplit("/", 1)[1])
    copy = client.get(f"/assessments/{new_id}/export/json").json()
    assert copy == _closed(document)


def test_an_export_of_a_version_1_0_assessment_still_imports(
    client: TestClient, session: Session, tenants
) -> None:
    """Exports carry the content hash; version 1.0 must keep the hash it shipped with."""
    own = tenants[0]
    assessment = make_1_0_assessment(session, own)
    ann = repository.add_participant(session=session, assessment=assessment, name="Ann")
    choice = AnswerChoice("ld-current-and-target-view", 2, 4)  # a 1.0 criterion 2.0 dropped
    repository.save_answer(session=session, participant=ann, choice=choice)
    session.commit()

    document = _signed_in_export(client, own, assessment.id)
    restored = upload_export(client, own, json.dumps(document).encode())

    assert document["framework"] == {
        "id": "reap-blueprint",
        "version": "1.0",
        "content_hash": REAP_1_0_HASH,
    }
    assert restored.status_code == 303, restored.text
    copy = _imported(session, restored)
    assert copy is not None and copy.framework_snapshot_id == reap_1_0(session).id


def test_an_export_made_before_roadmap_actions_existed_still_imports(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    document = _signed_in_export(client, own, own.assessment.id)
    for item in document["roadmap"]:
        del item["actions"]

    restored = upload_export(client, own, json.dumps(document).encode())

    assert restored.status_code == 303, restored.text
    copy = _imported(session, restored)
    (item,) = roadmaps.roadmap_of(session=session, assessment=copy)
    assert item.title == "secret comment of Acme plan" and roadmaps.actions_of(item) == ()


def test_an_import_says_what_it_brought_and_a_second_one_asks_replace_or_keep(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    document = json.dumps(_signed_in_export(client, own, own.assessment.id)).encode()

    first = upload_export(client, own, document)
    said = client.get(first.headers["location"]).text
    again = upload_export(client, own, document)
    stash = re.search(r'name="stash" value="([0-9a-f]{32})"', again.text).group(1)
    token = csrf_from(again.text)
    replaced = client.post(
        f"/organisations/{own.organisation.id}/import",
        data={"csrf_token": token, "stash": stash, "choice": "replace"},
        follow_redirects=False,
    )

    assert first.status_code == 303
    assert "Imported “Acme baseline”: 1 participant, 1 answer, 1 roadmap initiative." in said
    assert again.status_code == 200 and "This file was imported before" in again.text
    assert replaced.status_code == 303
    session.expire_all()
    titles = [
        a.title for a in repository.assessments_of(session=session, organisation=own.organisation)
    ]
    assert titles == ["Acme baseline", "Acme baseline"]  # the original, and one import
    assert _imported(session, replaced).status == "closed"
