"""A JSON import passes the forms' rules, field by field: a refusal names the path and changes
nothing, through the upload and through `gapwise import` alike."""

from __future__ import annotations

import copy
import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from app.db import roadmaps
from app.db.models import Answer, Assessment, Organisation, Participant, RoadmapItem
from app.db.transfer_schema import MAX_DOCUMENT_BYTES
from tests.factories import Tenant, csrf_from, sign_in, upload_export
from tests.test_cli import gapwise
from tests.web.test_roadmap import _form as editor_form

Document = dict[str, Any]
LEVELS = "must be one of 0, 1, 2, 3, 4 or 5"


def _set(path: str, value: Any) -> Callable[[Document], Document]:
    """A copy of the document with the value at a dotted path ('answers.0.current') replaced."""

    def change(document: Document) -> Document:
        changed = copy.deepcopy(document)
        *parents, last = path.split(".")
        place: Any = changed
        for key in parents:
            place = place[int(key)] if isinstance(place, list) else place[key]
        if isinstance(place, list):
            place[int(last)] = value
        else:
            place[last] = value
        return changed

    return change


def _twice(part: str) -> Callable[[Document], Document]:
    return lambda d: {**d, part: d[part] * 2}


def _archived(**changed: Any) -> Callable[[Document], Document]:
    """The document with one answer set aside by an upgrade, with these fields changed."""
    row = {
        "participant": 1,
        "criterion_id": "an-old-criterion",
        "framework_version": "1.0",
        "reason": "removed",
        "current": 1,
        "target": 3,
        "dont_know": False,
        "comment": "",
        "answered_at": None,
        "archived_at": None,
    }
    return lambda d: {**d, "archived_answers": [{**row, **changed}]}


# (how the document is spoiled, what the refusal says)
SPOILED: dict[str, tuple[Callable[[Document], Document], str]] = {
    "name is an object": (_set("participants.0.name", {"a": 1}), "participants[0].name: Input"),
    "name is a list": (_set("participants.0.name", ["a"]), "participants[0].name: Input"),
    "name is null": (_set("participants.0.name", None), "participants[0].name: Input"),
    "name too long": (
        _set("participants.0.name", "x" * 10_000),
        "participants[0].name: at most 200 characters",
    ),
    "name empty": (
        _set("participants.0.name", "  "),
        "participants[0].name: give the participant&#39;s name",
    ),
    "name holds NUL": (
        _set("participants.0.name", "a\x00b"),
        "participants[0].name: must not contain NUL characters",
    ),
    "group too long": (
        _set("participants.0.group", "g" * 81),
        "participants[0].group: at most 80 characters",
    ),
    "email not an address": (
        _set("participants.0.email", "Ann Lee"),
        "participants[0].email: &#39;ann lee&#39; is not an email address",
    ),
    "huge participant number": (
        _set("participants.0.number", 10**30),
        "participants[0].number: Input should be less than or equal to 100000",
    ),
    "current is text": (
        _set("answers.0.current", "abc"),
        "answers[0].current: Input should be a valid integer",
    ),
    "current is a string number": (
        _set("answers.0.current", "3"),
        "answers[0].current: Input should be a valid integer",
    ),
    "current off the scale": (_set("answers.0.current", 99), f"answers[0].current: {LEVELS}"),
    "current huge": (_set("answers.0.current", 10**30), f"answers[0].current: {LEVELS}"),
    "target negative": (_set("answers.0.target", -1), f"answers[0].target: {LEVELS}"),
    "comment of a megabyte": (
        _set("answers.0.comment", "c" * 1_000_000),
        "answers[0].comment: at most 4000 characters",
    ),
    "dont_know is a string": (
        _set("answers.0.dont_know", "yes"),
        "answers[0].dont_know: Input should be a valid boolean",
    ),
    "answer to nobody": (
        _set("answers.0.participant", 7),
        "answers[0].participant: no participant has number 7",
    ),
    "answer given twice": (_twice("answers"), "answers[1]: participant 1 answers"),
    "participant numbered twice": (
        _twice("participants"),
        "participants[1].number: 1 is used twice",
    ),
    "horizon 9": (
        _set("roadmap.0.horizon", 9),
        "roadmap[0].horizon: Input should be less than or equal to 2",
    ),
    "horizon -1": (
        _set("roadmap.0.horizon", -1),
        "roadmap[0].horizon: Input should be greater than or equal to 0",
    ),
    "position huge": (
        _set("roadmap.0.position", 10**30),
        "roadmap[0].position: Input should be less than or equal to 100000",
    ),
    "roadmap title blank": (
        _set("roadmap.0.title", " "),
        "roadmap[0].title: give the initiative a title",
    ),
    "roadmap area unknown": (
        _set("roadmap.0.area_id", "no-such-area"),
        "roadmap[0].area_id: &#39;no-such-area&#39; is not an area",
    ),
    "importance NaN": (
        _set("assessment.area_importance", {"retention": float("nan")}),
        "assessment.area_importance.retention: Input should be a finite number",
    ),
    "importance too high": (
        _set("assessment.area_importance", {"retention": 6}),
        "assessment.area_importance.retention: Input should be less than or equal to 5",
    ),
    "importance of no area": (
        _set("assessment.area_importance", {"nowhere": 2}),
        "assessment.area_importance.nowhere: is not an area",
    ),
    "status unknown": (_set("assessment.status", "bogus"), "assessment.status: Input should be"),
    "title too long": (
        _set("assessment.title", "t" * 201),
        "assessment.title: at most 200 characters",
    ),
    "archived level huge": (
        _archived(current=10**30),
        "archived_answers[0].current: Input should be less than or equal to 2147483647",
    ),
    "archived reason unknown": (
        _archived(reason="because"),
        "archived_answers[0].reason: Input should be &#39;removed&#39;",
    ),
    "archived comment holds NUL": (
        _archived(comment="a\x00b"),
        "archived_answers[0].comment: must not contain NUL characters",
    ),
    "archived answer to nobody": (
        _archived(participant=9),
        "archived_answers[0].participant: no participant has number 9",
    ),
    "unknown field": (
        _set("participants.0.nickname", "x"),
        "participants[0].nickname: Extra inputs are not permitted",
    ),
    "not an object": (lambda d: [d], "format: expected a gapwise-assessment document"),
}


@pytest.fixture
def acme(client: TestClient, tenants) -> Tenant:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    return own


@pytest.fixture
def document(client: TestClient, acme: Tenant) -> Document:
    """Acme's assessment as exported: one participant, one answer, one roadmap item."""
    return client.get(f"/assessments/{acme.assessment.id}/export/json").json()


def _row_counts(session: Session) -> list[int]:
    tables = (Organisation, Assessment, Participant, Answer, RoadmapItem)
    return [session.exec(select(func.count()).select_from(t)).one() for t in tables]


@pytest.mark.parametrize(("spoil", "message"), SPOILED.values(), ids=SPOILED.keys())
def test_a_spoiled_upload_is_refused_naming_the_field_and_changes_nothing(
    client: TestClient,
    session: Session,
    acme: Tenant,
    document: Document,
    spoil: Callable[[Document], Document],
    message: str,
) -> None:
    before = _row_counts(session)

    response = upload_export(client, acme, json.dumps(spoil(document)).encode())

    assert response.status_code == 422, response.text[:300]
    assert response.template.name == "exports/import_refused.html"
    assert message in response.text, response.context["page"].message
    assert _row_counts(session) == before


def test_deep_nesting_is_refused_as_not_json(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    response = upload_export(client, acme, b"[" * 100_000)

    assert response.status_code == 422
    assert "file: not JSON (recursion limit exceeded" in response.text


def test_the_unspoiled_document_imports(client: TestClient, acme: Tenant, document) -> None:
    response = upload_export(client, acme, json.dumps(document).encode())

    assert response.status_code == 303, response.text[:300]


def test_archived_answers_import_and_export_again(
    client: TestClient, acme: Tenant, document
) -> None:
    with_archive = _archived(comment="kept as history", answered_at="2026-01-02T03:04:05+00:00")

    response = upload_export(client, acme, json.dumps(with_archive(document)).encode())

    assert response.status_code == 303, response.text[:300]
    again = client.get(response.headers["location"] + "/export/json").json()
    (archived,) = again["archived_answers"]
    assert archived["comment"] == "kept as history"
    assert archived["answered_at"] == "2026-01-02T03:04:05+00:00"


CLI_CASES = {
    "deep nesting": (lambda _: "[" * 100_000, "gapwise: file: not JSON (recursion limit exceeded"),
    "name is an object": (
        lambda d: json.dumps(_set("participants.0.name", {"a": 1})(d)),
        "gapwise: participants[0].name: Input should be a valid string",
    ),
    "current off the scale": (
        lambda d: json.dumps(_set("answers.0.current", 99)(d)),
        f"gapwise: answers[0].current: {LEVELS}, not 99",
    ),
}


def test_gapwise_import_prints_one_line_and_exits_2(
    tmp_path: Path, document: Document, session: Session
) -> None:
    for name, (spoil, message) in CLI_CASES.items():
        path = tmp_path / f"{name}.json"
        path.write_text(spoil(document))

        result = gapwise("import", str(path), data_dir=tmp_path / "cli")

        assert result.returncode == 2, (name, result.stderr)
        assert result.stderr.startswith(message), (name, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_file_past_20_mb_is_refused_alike_by_the_form_and_the_cli(
    client: TestClient, session: Session, acme: Tenant, document: Document, tmp_path: Path
) -> None:
    padded = json.dumps(document).encode() + b" " * MAX_DOCUMENT_BYTES  # valid JSON, too long
    path = tmp_path / "large.json"
    path.write_bytes(padded)
    before = _row_counts(session)
    message = "file: larger than 20 MB; is it a Gapwise JSON export?"

    uploaded = upload_export(client, acme, padded)
    imported = gapwise("import", str(path), data_dir=tmp_path / "cli")

    assert uploaded.status_code == 422 and message in uploaded.text
    assert imported.returncode == 2 and imported.stderr == f"gapwise: {message}\n"
    assert _row_counts(session) == before


SAME_RULES = {
    "participant name": (
        "participants",
        {"name": "x" * 201},
        "name",
        _set("participants.0.name", "x" * 201),
        "participants[0].name",
    ),
    "participant group": (
        "participants",
        {"name": "P", "group": "g" * 81},
        "group",
        _set("participants.0.group", "g" * 81),
        "participants[0].group",
    ),
    "roadmap title": (
        "roadmap",
        {"save": "all", "item-{item}.title": " \t "},
        "title",
        _set("roadmap.0.title", " \t "),
        "roadmap[0].title",
    ),
}


@pytest.mark.parametrize(
    ("path", "form", "field", "spoil", "where"), SAME_RULES.values(), ids=SAME_RULES.keys()
)
def test_the_form_and_the_import_refuse_with_the_same_message(
    client: TestClient,
    session: Session,
    acme: Tenant,
    document: Document,
    path: str,
    form: dict[str, str],
    field: str,
    spoil: Callable[[Document], Document],
    where: str,
) -> None:
    token = csrf_from(client.get("/").text)
    (item,) = roadmaps.roadmap_of(session=session, assessment=acme.assessment)
    sent = {**editor_form(client, acme.assessment), "csrf_token": token}
    sent |= {name.format(item=item.id): value for name, value in form.items()}
    posted = client.post(f"/assessments/{acme.assessment.id}/{path}", data=sent)
    imported = upload_export(client, acme, json.dumps(spoil(document)).encode())

    message = imported.context["page"].message.removeprefix(f"{where}: ")
    assert posted.status_code == imported.status_code == 422
    assert f"{field.capitalize()}: {message}" in html.unescape(posted.text)
