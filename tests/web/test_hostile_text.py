"""Control characters through every door: NUL refused naming the field, the rest dropped, and
every export and the report still answer for text stored before input was cleaned."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pptx import Presentation
from sqlmodel import Session, select

from app.db import repository, roadmaps
from app.db.models import (
    Answer,
    ApiToken,
    Assessment,
    AssessmentStatus,
    Organisation,
    Participant,
    RoadmapItem,
)
from app.domain.answering import AnswerChoice
from app.domain.text import checked_text, clean_text, printable
from tests.databases import ON_POSTGRES
from tests.factories import Tenant, csrf_from, sign_in
from tests.web.test_roadmap import _form as editor_form

CRITERION = "cm-cross-channel-ownership"  # in the Channels & Media area
CONTROLS = "Bell\x07 escape\x1b[31m red\x7f\x85next\u2028line\ufffe"


@dataclass(frozen=True)
class Door:
    """A form field (or JSON member) people write text into, and where it ends up."""

    path: str
    data: dict[str, str]
    field: str  # "{item}" stands for the roadmap item's id
    stored: Callable[[Session], list[str]]
    label: str  # how a refusal names the field
    as_json: bool = False
    one_line: bool = True
    editor: bool = False  # a field of the roadmap editor, sent with the whole form
    suffix: str = ""  # what the field also needs to be accepted


def _column(column) -> Callable[[Session], list[str]]:
    return lambda session: list(session.exec(select(column)).all())


EDIT = "/assessments/{assessment}/edit"
EDITED = {"title": "T", "purpose": "", "target_date": ""}
PARTICIPANT = "/assessments/{assessment}/participants"
ROADMAP = "/assessments/{assessment}/roadmap"
DOORS = {
    "organisation name": Door("/organisations", {}, "name", _column(Organisation.name), "Name"),
    "organisation rename": Door(
        "/organisations/{organisation}/rename", {}, "name", _column(Organisation.name), "Name"
    ),
    "assessment title": Door(
        "/organisations/{organisation}/assessments",
        {"framework_id": "reap-blueprint"},
        "title",
        _column(Assessment.title),
        "Title",
    ),
    "assessment purpose": Door(
        "/organisations/{organisation}/assessments",
        {"framework_id": "reap-blueprint", "title": "T"},
        "purpose",
        _column(Assessment.purpose),
        "Purpose",
        one_line=False,
    ),
    "assessment title (edit)": Door(EDIT, EDITED, "title", _column(Assessment.title), "Title"),
    "invitation email": Door(
        EDIT,
        EDITED,
        "invite_text",
        _column(Assessment.invite_text),
        "Invite text",
        one_line=False,
        suffix=" {link}",
    ),
    "reminder email": Door(
        EDIT,
        EDITED,
        "reminder_text",
        _column(Assessment.reminder_text),
        "Reminder text",
        one_line=False,
        suffix=" {link}",
    ),
    "participant name": Door(PARTICIPANT, {}, "name", _column(Participant.name), "Name"),
    "participant group": Door(
        PARTICIPANT, {"name": "P"}, "group", _column(Participant.group), "Group"
    ),
    "participant role": Door(PARTICIPANT, {"name": "P"}, "role", _column(Participant.role), "Role"),
    "participant name (edit)": Door(
        PARTICIPANT + "/{participant}/edit", {}, "name", _column(Participant.name), "Name"
    ),
    "comment (form)": Door(
        "/p/{invite}/areas/channels-media",
        {f"{CRITERION}.current": "2"},
        f"{CRITERION}.comment",
        _column(Answer.comment),
        f"{CRITERION}.comment",
        one_line=False,
    ),
    "comment (JSON)": Door(
        "/p/{invite}/answers",
        {"criterion_id": CRITERION},
        "comment",
        _column(Answer.comment),
        "Comment",
        as_json=True,
        one_line=False,
    ),
    "roadmap title (new)": Door(
        ROADMAP, {"add": "yes"}, "new.title", _column(RoadmapItem.title), "Title", editor=True
    ),
    **{
        f"roadmap {field}": Door(
            ROADMAP,
            {"save": "all"},
            f"item-{{item}}.{field}",
            _column(getattr(RoadmapItem, field)),
            field.replace("_", " ").capitalize(),
            one_line=field in ("title", "owner"),
            editor=True,
        )
        for field in ("title", "owner", "notes", "actions", "outcome")
    },
    "API token name": Door("/account/tokens", {}, "name", _column(ApiToken.name), "Name"),
}


@pytest.fixture
def acme(client: TestClient, session: Session, tenants) -> Tenant:
    """Acme's consultant signed in, its assessment open for answers."""
    own = tenants[0]
    repository.set_status(session=session, assessment=own.assessment, status=AssessmentStatus.OPEN)
    session.commit()
    sign_in(client, own.consultant.email)
    return own


def _send(client: TestClient, session: Session, tenant: Tenant, door: Door, text: str):
    (item,) = roadmaps.roadmap_of(session=session, assessment=tenant.assessment)
    path = door.path.format(
        organisation=tenant.organisation.id,
        assessment=tenant.assessment.id,
        invite=tenant.invite,
        participant=tenant.participant.id,
    )
    token = csrf_from(client.get("/").text)
    form = editor_form(client, tenant.assessment) if door.editor else {}
    body = {**form, **door.data, door.field.format(item=item.id): text + door.suffix}
    if door.as_json:
        return client.post(path, json=body, headers={"X-CSRF-Token": token})
    return client.post(path, data={**body, "csrf_token": token}, follow_redirects=False)


@pytest.mark.parametrize("door", DOORS.values(), ids=DOORS.keys())
def test_nul_is_refused_naming_the_field_and_nothing_changes(
    client: TestClient, session: Session, acme: Tenant, door: Door
) -> None:
    before = door.stored(session)

    response = _send(client, session, acme, door, "half\x00way")

    assert response.status_code == 422, response.text[:300]
    assert f"{door.label}: must not contain NUL characters" in html.unescape(response.text)
    session.expire_all()
    assert door.stored(session) == before


@pytest.mark.parametrize("door", DOORS.values(), ids=DOORS.keys())
def test_other_control_characters_are_dropped_on_the_way_in(
    client: TestClient, session: Session, acme: Tenant, door: Door
) -> None:
    response = _send(client, session, acme, door, f"  {CONTROLS}  ")

    assert response.status_code in (200, 303), response.text[:300]
    session.expire_all()
    expected = (
        "Bell escape[31m red next line" if door.one_line else "Bell escape[31m red\nnext\nline"
    )
    assert any(expected in value for value in door.stored(session)), door.stored(session)


@pytest.mark.parametrize(
    ("path", "field"), [("/login", "email"), ("/organisations/{organisation}/members", "email")]
)
def test_nul_in_an_email_that_is_looked_up_is_refused_not_a_server_error(
    client: TestClient, acme: Tenant, path: str, field: str
) -> None:
    token = csrf_from(client.get("/").text)
    response = client.post(
        path.format(organisation=acme.organisation.id),
        data={field: "consultant@acme.test\x00", "password": "x", "csrf_token": token},
    )

    assert response.status_code == 422
    assert f"{field.capitalize()}: must not contain NUL characters" in response.text


def test_a_whitespace_only_roadmap_title_is_refused(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    response = _send(client, session, acme, DOORS["roadmap title (new)"], " \t\u2028 ")

    assert response.status_code == 422
    assert "New initiative: Title: give it a title" in html.unescape(response.text)
    assert len(roadmaps.roadmap_of(session=session, assessment=acme.assessment)) == 1


@pytest.mark.parametrize("field", ["title", "owner"])
def test_a_whitespace_only_title_or_owner_in_the_editor_is_refused_or_empty(
    client: TestClient, session: Session, acme: Tenant, field: str
) -> None:
    (before,) = roadmaps.roadmap_of(session=session, assessment=acme.assessment)

    response = _send(client, session, acme, DOORS[f"roadmap {field}"], " \t\u2028\x07 ")

    session.expire_all()
    (after,) = roadmaps.roadmap_of(session=session, assessment=acme.assessment)
    if field == "title":
        assert response.status_code == 422
        assert "Title: give the initiative a title" in html.unescape(response.text)
        assert after.title == before.title
    else:
        assert response.status_code == 303 and after.owner == ""


def _store_old_text(session: Session, tenant: Tenant, text: str) -> None:
    """Text as a database written before input was cleaned may hold it."""
    tenant.participant.name = tenant.participant.group = f"Old {text}"
    session.add(tenant.participant)
    repository.save_answer(
        session=session,
        participant=tenant.participant,
        choice=AnswerChoice(CRITERION, 1, 3, comment=f"=1+1 {text}"),
    )
    roadmaps.add_item(session=session, assessment=tenant.assessment, title=f"Old {text}", horizon=1)
    session.commit()


# PostgreSQL could never store NUL, so only SQLite databases can hold it from before.
OLD_TEXT = "\x07bell \x1bescape" + ("" if ON_POSTGRES else " nul\x00")


def test_every_export_answers_for_text_stored_before_cleaning(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    _store_old_text(session, acme, OLD_TEXT)
    base = f"/assessments/{acme.assessment.id}"

    xlsx = client.get(f"{base}/export/xlsx")
    csv_file = client.get(f"{base}/export/csv")
    json_file = client.get(f"{base}/export/json")
    deck = client.get(f"{base}/export/pptx")

    assert [r.status_code for r in (xlsx, csv_file, json_file, deck)] == [200] * 4
    slides = Presentation(io.BytesIO(deck.content)).slides
    shown = " ".join(s.text_frame.text for p in slides for s in p.shapes if s.has_text_frame)
    assert "secret comment of Acme" in shown and "\x07" not in shown
    book = load_workbook(io.BytesIO(xlsx.content))
    header, *answers = book["Answers"].iter_rows(values_only=True)
    comments = [row[header.index("Comment")] for row in answers]
    assert "'=1+1 bell escape" + ("" if ON_POSTGRES else " nul") in comments
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert all(printable(cell) == cell for row in rows for cell in row)
    assert json_file.json()["participants"][0]["name"] == clean_text(printable(f"Old {OLD_TEXT}"))


def test_the_report_and_charts_answer_for_text_stored_before_cleaning(
    client: TestClient, session: Session, acme: Tenant
) -> None:
    _store_old_text(session, acme, OLD_TEXT)
    base = f"/assessments/{acme.assessment.id}"

    for chart in ("radar", "layers", "gaps", "heatmap", "groups"):
        response = client.get(f"{base}/charts/{chart}.svg")
        assert response.status_code == 200 and b"\x07" not in response.content, chart
    report = client.get(f"{base}/report.pdf")

    assert report.status_code == 200 and report.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("text", "one_line", "expected"),
    [
        ("  plain  ", True, "plain"),
        ("a\tb\nc", True, "a b c"),
        ("a\tb\r\nc\rd\x0be\x0cf\u2028g\u2029h\x85i", False, "a\tb\nc\nd\ne\nf\ng\nh\ni"),
        ("a\x01\x08\x0e\x1f\x7f\x80\x9fb", True, "ab"),
        ("lone \ud800 surrogate \ufffe\uffff", True, "lone  surrogate"),
        ("émoji 🙂 and ümlauts", True, "émoji 🙂 and ümlauts"),
    ],
)
def test_the_text_rule(text: str, one_line: bool, expected: str) -> None:
    assert checked_text(text, max_length=100, one_line=one_line) == expected


def test_the_text_rule_counts_length_after_cleaning() -> None:
    assert checked_text(" " * 50 + "x" * 10, max_length=10, one_line=True) == "x" * 10
    with pytest.raises(ValueError, match="at most 10 characters"):
        checked_text("x" * 11, max_length=10, one_line=True)
