"""Not applicable, with a reason: answering (plain form and autosave), scoring, the drill-down,
the PDF, exports and import, all under one rule set with one message per field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session

from app.db import repository
from app.db.models import AssessmentStatus
from app.domain.answering import REASON_NEEDED, AnswerChoice, AnswerRefused, checked_answer
from app.domain.loading import load_framework
from app.domain.scoring import Response, score_assessment
from tests.conftest import MINI_FRAMEWORK
from tests.factories import Tenant, csrf_from, sign_in
from tests.reports.test_pdf import pdf_text

MINI = load_framework(MINI_FRAMEWORK)
REASON = "We sell only to consumers"


@pytest.mark.parametrize(
    ("choice", "field"),
    [
        (AnswerChoice("data-quality", not_applicable=True), "reason"),
        (AnswerChoice("data-quality", not_applicable=True, reason="   "), "reason"),
        (AnswerChoice("data-quality", not_applicable=True, reason="x" * 201), "reason"),
        (
            AnswerChoice("data-quality", dont_know=True, not_applicable=True, reason="r"),
            "not_applicable",
        ),
    ],
)
def test_not_applicable_needs_a_short_reason_and_excludes_dont_know(
    choice: AnswerChoice, field: str
) -> None:
    with pytest.raises(AnswerRefused) as refused:
        checked_answer(MINI, choice)
    assert refused.value.field == field


def test_not_applicable_clears_the_levels_and_is_complete() -> None:
    stored = checked_answer(
        MINI, AnswerChoice("data-quality", 2, 3, not_applicable=True, reason="  not  here ")
    )
    assert stored == AnswerChoice("data-quality", not_applicable=True, reason="not here")
    assert stored.is_complete


def test_not_applicable_is_counted_apart_and_flagged_when_most_say_so() -> None:
    """The worked example of docs/methodology.md ("Not applicable"): of four people, three say
    data-quality does not apply, one scores it 1 → 2."""
    na = [
        Response(
            pid, "", {"data-quality": AnswerChoice("data-quality", not_applicable=True, reason=r)}
        )
        for pid, r in ((1, "no data team"), (2, "outsourced"), (3, "no data team"))
    ]
    scorer = Response(4, "", {"data-quality": AnswerChoice("data-quality", 1, 2)})

    criterion = next(
        c
        for c in score_assessment(MINI, [*na, scorer]).criteria()
        if c.criterion_id == "data-quality"
    )

    assert (criterion.n, criterion.not_applicable, criterion.dont_know) == (1, 3, 0)
    assert criterion.reasons == ("no data team", "no data team", "outsourced")
    assert criterion.mostly_not_applicable and criterion.thin
    assert criterion.score is not None and criterion.score.current == 1


@pytest.fixture
def acme(session: Session, tenants) -> Tenant:
    own = tenants[0]
    repository.set_status(session=session, assessment=own.assessment, status=AssessmentStatus.OPEN)
    session.commit()
    return own


def _stored(session: Session, tenant: Tenant) -> dict[str, AnswerChoice]:
    session.expire_all()
    return repository.choices_of(session=session, participant=tenant.participant)


def test_the_plain_form_saves_not_applicable_and_refuses_it_without_a_reason(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    area = client.get(f"/p/{acme.invite}/areas/channels-media")
    ids = [c.id for c in area.context["page"].area.all_criteria()]
    form = {"csrf_token": csrf_from(area.text)}
    for criterion_id in ids:
        form |= {f"{criterion_id}.current": "2", f"{criterion_id}.target": "4"}
        form[f"{criterion_id}.comment"] = ""
    form[f"{ids[1]}.not_applicable"] = "yes"

    refused = client.post(f"/p/{acme.invite}/areas/channels-media", data=form)
    form[f"{ids[1]}.reason"] = REASON
    saved = client.post(f"/p/{acme.invite}/areas/channels-media", data=form, follow_redirects=False)

    assert refused.status_code == 422 and f"{ids[1]}.reason: {REASON_NEEDED}" in refused.text
    assert saved.status_code == 303
    assert _stored(session, acme)[ids[1]] == AnswerChoice(
        ids[1], not_applicable=True, reason=REASON
    )
    again = client.get(f"/p/{acme.invite}/areas/channels-media").text
    assert f'name="{ids[1]}.not_applicable" value="yes" checked' in again and REASON in again


def test_autosave_takes_not_applicable_with_the_same_message(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    token = csrf_from(client.get(f"/p/{acme.invite}").text)
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    url = f"/p/{acme.invite}/answers"
    answer = {"criterion_id": "cm-cross-channel-ownership", "not_applicable": True, "reason": ""}

    refused = client.post(url, json=answer, headers=headers)
    saved = client.post(url, json=answer | {"reason": REASON}, headers=headers)

    assert refused.status_code == 422 and refused.json()["detail"] == f"reason: {REASON_NEEDED}"
    assert saved.status_code == 200 and saved.json()["complete"] is True
    assert _stored(session, acme)["cm-cross-channel-ownership"].reason == REASON


def _with_na(session: Session, tenant: Tenant) -> None:
    """The tenant's one scored criterion marked not applicable, and another one scored (an
    assessment with nothing scored has no report)."""
    for choice in (
        AnswerChoice("cm-cross-channel-ownership", not_applicable=True, reason=REASON),
        AnswerChoice("cm-channel-mix-optimisation", 1, 3),
    ):
        repository.save_answer(session=session, participant=tenant.participant, choice=choice)
    session.commit()


def test_results_pdf_and_exports_show_not_applicable_and_import_takes_it_back(
    client: TestClient, session: Session, tenants, tmp_path: Path
) -> None:
    own = tenants[0]
    _with_na(session, own)
    sign_in(client, own.consultant.email)
    base = f"/assessments/{own.assessment.id}"

    area = client.get(f"{base}/results/areas/channels-media").text
    report = client.get(f"{base}/report.pdf")
    assert report.status_code == 200
    pdf = pdf_text(report.content, tmp_path)
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"{base}/export/csv").content.decode("utf-8-sig")))
    )
    book = load_workbook(io.BytesIO(client.get(f"{base}/export/xlsx").content))
    document = client.get(f"{base}/export/json").json()

    assert f"Not applicable, because: “{REASON}”" in area and "mostly not applicable" in area
    assert f"Not applicable: {REASON}" in pdf
    row = next(r for r in rows if r["criterion_id"] == "cm-cross-channel-ownership")
    assert (row["not_applicable"], row["na_reason"]) == ("True", REASON)
    scores = [
        r for r in book["Scores"].iter_rows(values_only=True) if r[2] and REASON in str(r[11])
    ]
    assert len(scores) == 1 and scores[0][10] == 1
    index, answer = next((i, a) for i, a in enumerate(document["answers"]) if a["not_applicable"])
    assert (answer["criterion_id"], answer["na_reason"]) == ("cm-cross-channel-ownership", REASON)

    token = csrf_from(client.get(f"/organisations/{own.organisation.id}").text)

    def upload(doc: dict):
        return client.post(
            f"/organisations/{own.organisation.id}/import",
            data={"csrf_token": token},
            files={"file": ("export.json", json.dumps(doc).encode(), "application/json")},
            follow_redirects=False,
        )

    without_reason = json.loads(json.dumps(document))
    without_reason["answers"][index]["na_reason"] = ""
    refused = upload(without_reason)
    restored = upload(document)

    assert (
        refused.status_code == 422 and f"answers[{index}].reason: {REASON_NEEDED}" in refused.text
    )
    assert restored.status_code == 303
    copy = client.get(restored.headers["location"] + "/export/json").json()
    assert (copy["answers"][index]["not_applicable"], copy["answers"][index]["na_reason"]) == (
        True,
        REASON,
    )
