"""Framework management through the web: upload, versions, export, diff, retire, upgrade."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from app.db import frameworks, repository
from app.db.models import (
    Answer,
    ArchivedAnswer,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    FrameworkSnapshot,
)
from app.domain.answering import AnswerChoice
from app.domain.loading import content_hash, parse_framework
from app.domain.versions import diff_frameworks
from app.web import guides
from app.web.routes.frameworks import MAX_UPLOAD_BYTES
from tests.conftest import DATA
from tests.factories import Tenant, csrf_from, make_admin, post_form, sign_in
from tests.test_cli import gapwise

LIBRARY_10 = (DATA / "library-1.0.yaml").read_bytes()
LIBRARY_11 = (DATA / "library-1.1.yaml").read_bytes()


def upload(client: TestClient, content: bytes, name: str = "library.yaml"):
    token = csrf_from(client.get("/frameworks").text)
    return client.post(
        "/frameworks/upload",
        data={"csrf_token": token},
        files={"file": (name, content, "application/yaml")},
        follow_redirects=False,
    )


def snapshots(session: Session, key: str = "library-services") -> list[FrameworkSnapshot]:
    session.expire_all()
    query = select(FrameworkSnapshot).where(FrameworkSnapshot.framework_key == key)
    return list(session.exec(query).all())


def test_a_consultant_uploads_a_framework_and_can_assess_with_it(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    sign_in(client, tenants[0].consultant.email)

    response = upload(client, LIBRARY_10)

    (stored,) = snapshots(session)
    assert response.status_code == 303
    assert (
        response.headers["location"]
        == f"/frameworks/library-services/versions/{stored.id}?done=uploaded"
    )
    page = client.get(response.headers["location"])
    assert "Version 1.0 is stored and can be used for new assessments." in page.text
    assert page.context["page"].framework.wording.intent == "Aim"  # type: ignore[attr-defined]
    form = client.get(f"/organisations/{tenants[0].organisation.id}/assessments/new").text
    assert 'value="library-services"' in form and "Choose a framework" in form
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "uploaded framework")).one()
    assert event.detail == "library-services 1.0 (library.yaml)"


def test_an_invalid_upload_lists_every_problem_and_stores_nothing(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    sign_in(client, tenants[0].consultant.email)

    response = upload(client, (DATA / "library-broken.yaml").read_bytes(), "broken.yaml")

    assert response.status_code == 422
    assert response.template.name == "frameworks/upload_refused.html"  # type: ignore[attr-defined]
    problems = response.context["page"].problems  # type: ignore[attr-defined]
    assert [p.line for p in problems] == [4, 10, 14, 19, 21, 26, 28, 29, 31]
    assert "write &#34;No&#34; in quotes" in response.text
    assert 'href="/help/framework-file"' in response.text  # the rules, a click away
    assert snapshots(session, "library-broken") == []
    uploads = select(AuditEvent).where(AuditEvent.action == "uploaded framework")
    assert session.exec(uploads).all() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"x" * (MAX_UPLOAD_BYTES + 1), "larger than 1 MB"),
        (b"id: \xff\xfe\n", "not UTF-8 text"),
        (b"", "the file must hold a mapping"),
        (b"- a list\n", "the file must hold a mapping"),
        (b"a: &x [1]\nb: *x\n", "aliases (*name) are not allowed"),
        (b"a: [\n", "invalid YAML"),
        (b"!!python/object:os.system {}\n", "invalid YAML"),  # safe loading only
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_message(
    client: TestClient, session: Session, tenants, content: bytes, message: str
) -> None:
    sign_in(client, tenants[0].consultant.email)
    before = session.exec(select(func.count()).select_from(FrameworkSnapshot)).one()

    response = upload(client, content)

    assert response.status_code == 422 and message in response.text
    assert session.exec(select(func.count()).select_from(FrameworkSnapshot)).one() == before


def test_the_same_file_twice_is_one_version_and_a_changed_one_needs_a_new_version(
    client: TestClient, session: Session, tenants
) -> None:
    sign_in(client, tenants[0].consultant.email)
    upload(client, LIBRARY_10)

    again = upload(client, LIBRARY_10)
    changed = upload(client, LIBRARY_10.replace(b"three years", b"two years"))

    assert again.status_code == 303 and again.headers["location"].endswith("?done=known")
    assert changed.status_code == 422
    assert (
        "version 1.0 of &#39;library-services&#39; is already stored with different content"
        in changed.text
    )
    assert len(snapshots(session)) == 1


def test_viewers_and_anonymous_callers_cannot_upload(
    client: TestClient, session: Session, tenants
) -> None:
    anonymous = client.post("/frameworks/upload", files={"file": ("a.yaml", LIBRARY_10)})
    sign_in(client, tenants[0].viewer.email)
    viewer = upload(client, LIBRARY_10)

    assert anonymous.status_code in (401, 403)
    assert viewer.status_code == 403
    assert "Upload a framework" not in client.get("/frameworks").text
    assert snapshots(session) == []


def test_a_version_exports_as_yaml_that_loads_to_the_same_content(
    client: TestClient, session: Session, tenants
) -> None:
    sign_in(client, tenants[0].consultant.email)
    upload(client, LIBRARY_10)
    (stored,) = snapshots(session)

    response = client.get(f"/frameworks/library-services/versions/{stored.id}/export.yaml")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert "library-services-1.0.yaml" in response.headers["content-disposition"]
    again = parse_framework(response.text)
    assert content_hash(again) == stored.content_hash
    assert "1: Nothing has been withdrawn in years." in response.text  # levels stay numbers


def test_the_diff_page_lists_what_changed(client: TestClient, session: Session, tenants) -> None:
    sign_in(client, tenants[0].consultant.email)
    upload(client, LIBRARY_10)
    upload(client, LIBRARY_11)
    old, new = sorted(snapshots(session), key=lambda s: s.id or 0)

    response = client.get(f"/frameworks/library-services/diff?from={old.id}&to={new.id}")
    foreign = client.get(f"/frameworks/reap-blueprint/diff?from={old.id}&to={new.id}")

    assert response.status_code == 200
    diff = response.context["page"].diff  # type: ignore[attr-defined]
    assert [p.criterion.id for p in diff.added] == ["partners-councils"]
    assert "<del>once</del> <ins>twice</ins>" in response.text
    assert "answered on “Yes or no” → on “Coverage”" in response.text
    assert foreign.status_code == 404  # versions of another framework


def test_only_an_admin_retires_and_existing_assessments_keep_the_version(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    sign_in(client, own.consultant.email)
    upload(client, LIBRARY_10)
    (stored,) = snapshots(session)
    assessment = repository.create_assessment(
        session=session, organisation=own.organisation, snapshot=stored, title="Library"
    )
    session.commit()
    retire = f"/frameworks/library-services/versions/{stored.id}/retire"
    assert client.get(retire).status_code == 403
    assert post_form(client, retire, follow_redirects=False).status_code == 403
    admin = make_admin(session)
    sign_in(client, admin.email)

    confirm = client.get(retire)
    done = post_form(client, retire, follow_redirects=False)

    assert "The 1 assessment that uses it keep" in confirm.text
    assert done.status_code == 303 and done.headers["location"].endswith("?done=retired")
    session.expire_all()
    assert session.get(FrameworkSnapshot, stored.id).retired_at is not None  # type: ignore[union-attr]
    assert session.get(Assessment, assessment.id).framework_snapshot_id == stored.id  # type: ignore[union-attr]
    sign_in(client, own.consultant.email)
    form = client.get(f"/organisations/{own.organisation.id}/assessments/new").text
    assert "library-services" not in form
    create = post_form(
        client,
        f"/organisations/{own.organisation.id}/assessments",
        {"title": "Late", "framework_id": "library-services"},
    )
    assert create.status_code == 422 and "Framework: choose one of the frameworks" in create.text
    assert client.get(f"/assessments/{assessment.id}/results").status_code == 200


def _library_assessment(session: Session, tenant: Tenant) -> tuple[Assessment, list[int]]:
    """An open assessment on library 1.0 with two participants' answers to every criterion."""
    old = repository.store_framework(
        session=session, framework=parse_framework(LIBRARY_10.decode())
    )
    framework = repository.framework_of(old)
    assessment = repository.create_assessment(
        session=session,
        organisation=tenant.organisation,
        snapshot=old,
        title="Library",
        status=AssessmentStatus.OPEN,
    )
    people = []
    for name in ("Ann", "Ben"):
        participant = repository.add_participant(session=session, assessment=assessment, name=name)
        for criterion in framework.criteria():
            code = framework.levels_of(criterion).codes[1]
            choice = AnswerChoice(criterion.id, code, code, comment=f"{name} on {criterion.id}")
            repository.save_answer(session=session, participant=participant, choice=choice)
        people.append(participant.id or 0)
    session.commit()
    return assessment, people


def _with_version_11_uploaded(
    client: TestClient, session: Session, tenant: Tenant
) -> tuple[Assessment, FrameworkSnapshot]:
    """The library assessment on 1.0, and 1.1 uploaded by the tenant's consultant."""
    assessment, _ = _library_assessment(session, tenant)
    sign_in(client, tenant.consultant.email)
    upload(client, LIBRARY_11)
    return assessment, max(snapshots(session), key=lambda s: s.id or 0)


def _upgraded(session: Session, assessment: Assessment) -> None:
    """Move the assessment to library 1.1 directly, as the upgrade page does."""
    old = session.get(FrameworkSnapshot, assessment.framework_snapshot_id)
    new = repository.store_framework(
        session=session, framework=parse_framework(LIBRARY_11.decode())
    )
    diff = diff_frameworks(repository.framework_of(old), repository.framework_of(new))  # type: ignore[arg-type]
    frameworks.upgrade_assessment(session=session, assessment=assessment, snapshot=new, diff=diff)


def test_an_upgrade_keeps_unchanged_answers_and_sets_aside_the_rest(
    client: TestClient, session: Session, tenants
) -> None:
    assessment, new = _with_version_11_uploaded(client, session, tenants[0])

    overview = client.get(f"/assessments/{assessment.id}").text
    confirm = client.get(f"/assessments/{assessment.id}/upgrade")
    done = post_form(
        client, f"/assessments/{assessment.id}/upgrade", {"to": str(new.id)}, follow_redirects=False
    )

    assert "Version 1.1 of Public Library Service Review is available." in overview
    assert "4 answers to reworded criteria" in confirm.text  # two people, two criteria
    assert done.status_code == 303
    assert done.headers["location"] == f"/assessments/{assessment.id}?upgraded=14.4.2"
    session.expire_all()
    kept = {a.criterion_id for a in repository.answers_of(session=session, assessment=assessment)}
    assert kept == {
        "stock-weeding", "stock-catalogue", "events-children", "buildings-study",
        "online-help", "online-ebooks", "partners-schools",
    }  # fmt: skip
    archived = session.exec(select(ArchivedAnswer)).all()
    assert sorted({(a.criterion_id, a.reason, a.framework_version) for a in archived}) == [
        ("buildings-access", "levels changed", "1.0"),
        ("events-adults", "reworded", "1.0"),
        ("partners-health", "removed", "1.0"),
    ]
    assert {a.comment for a in archived if a.criterion_id == "partners-health"} == {
        "Ann on partners-health", "Ben on partners-health"
    }  # fmt: skip
    results = client.get(f"/api/v1/assessments/{assessment.id}/results").json()
    assert results["participants"] == 2
    page = client.get(f"/assessments/{assessment.id}?upgraded=14.4.2").text
    assert "Upgraded: 14 answers carried over; 4 set aside" in page


def test_participants_are_asked_to_answer_changed_criteria_again(
    client: TestClient, session: Session, tenants
) -> None:
    from app.db import accounts

    own = tenants[0]
    assessment, (ann, _) = _library_assessment(session, own)
    old = session.get(FrameworkSnapshot, assessment.framework_snapshot_id)
    new = repository.store_framework(
        session=session, framework=parse_framework(LIBRARY_11.decode())
    )
    diff = diff_frameworks(repository.framework_of(old), repository.framework_of(new))  # type: ignore[arg-type]
    frameworks.upgrade_assessment(session=session, assessment=assessment, snapshot=new, diff=diff)
    participant = repository.participants_of(session=session, assessment=assessment)[0]
    invite = accounts.issue_invite(session=session, participant=participant)
    session.commit()

    start = client.get(f"/p/{invite}")
    area = client.get(f"/p/{invite}/areas/events")
    saved = client.post(
        f"/p/{invite}/answers",
        json={"criterion_id": "events-adults", "current": 2, "target": 4},
        headers={"X-CSRF-Token": csrf_from(start.text)},
    )
    after = client.get(f"/p/{invite}")

    assert start.context["page"].revisit.keys() == {"events-adults", "buildings-access"}  # type: ignore[attr-defined]
    assert "Please answer again (2)" in start.text
    assert "changed after you answered it (version 1.0)" in area.text
    assert saved.status_code == 200
    assert after.context["page"].revisit.keys() == {"buildings-access"}  # type: ignore[attr-defined]
    assert ann == participant.id


def test_an_upgrade_is_refused_when_closed_stale_or_not_allowed(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment, new = _with_version_11_uploaded(client, session, own)
    url = f"/assessments/{assessment.id}/upgrade"

    stale = post_form(client, url, {"to": str(new.id + 1)})
    repository.set_status(session=session, assessment=assessment, status=AssessmentStatus.CLOSED)
    session.commit()
    closed = post_form(client, url, {"to": str(new.id)})
    sign_in(client, own.viewer.email)
    viewer = post_form(client, url, {"to": str(new.id)})

    assert stale.status_code == 409 and "review the changes again" in stale.text
    assert closed.status_code == 409 and "reopen it first" in closed.text
    assert viewer.status_code == 403
    session.expire_all()
    assert session.get(Assessment, assessment.id).framework_snapshot_id != new.id  # type: ignore[union-attr]
    assert session.exec(select(func.count()).select_from(ArchivedAnswer)).one() == 0


def test_two_upgrades_at_once_move_the_assessment_once(engine: Engine, tenants) -> None:
    """Both plan from 1.0; the second to write finds the assessment moved and changes nothing."""
    with Session(engine) as session:
        assessment, _ = _library_assessment(session, tenants[0])
        new = repository.store_framework(
            session=session, framework=parse_framework(LIBRARY_11.decode())
        )
        session.commit()
        assessment_id, new_id = assessment.id, new.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def upgrade() -> None:
        with Session(engine) as session:
            assessment = session.get(Assessment, assessment_id)
            target = session.get(FrameworkSnapshot, new_id)
            old = session.get(FrameworkSnapshot, assessment.framework_snapshot_id)  # type: ignore[union-attr]
            diff = diff_frameworks(repository.framework_of(old), repository.framework_of(target))  # type: ignore[arg-type]
            barrier.wait()
            try:
                frameworks.upgrade_assessment(
                    session=session,
                    assessment=assessment,
                    snapshot=target,
                    diff=diff,  # type: ignore[arg-type]
                )
                session.commit()
                outcomes.append("moved")
            except frameworks.UpgradeConflict:
                session.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=upgrade) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["conflict", "moved"]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ArchivedAnswer)).one() == 6
        assert session.exec(select(func.count()).select_from(Answer)).one() == 2 + 14  # + tenants


def test_exports_and_the_api_speak_values_labels_and_percent_for_answer_sets(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment, _ = _library_assessment(session, own)  # everyone gave each set's 2nd answer
    sign_in(client, own.consultant.email)

    rows = client.get(f"/assessments/{assessment.id}/export/csv").content.decode("utf-8-sig")
    results = client.get(f"/api/v1/assessments/{assessment.id}/results").json()

    catalogue = next(line for line in rows.splitlines() if ",stock-catalogue," in line)
    assert catalogue.endswith(
        ',0.25,0.25,False,Ann on stock-catalogue,"Yes, for some","Yes, for some",False,'
    )  # ... and not applicable: no, without a reason
    weeding = next(line for line in rows.splitlines() if ",stock-weeding," in line)
    assert ",2,2,False," in weeding and weeding.endswith(",Emerging,Emerging,False,")
    stock = next(
        a
        for layer in results["results"]["layers"]
        for a in layer["areas"]
        if a["area_id"] == "stock"
    )
    assert stock["score"]["levels"] is None and stock["score"]["current"] is None  # mixed
    assert stock["score"]["current_percent"] == 25.0  # (25 % on 1-5 at 2, 25 % at 0.25) / 2
    assert (results["scale_minimum"], results["scale_maximum"]) == (1, 5)
    assert results["disagreement_stdev"] == pytest.approx(0.8)


def test_an_upgraded_assessment_moves_to_another_instance_with_its_history(
    client: TestClient, session: Session, tenants
) -> None:
    own = tenants[0]
    assessment, _ = _library_assessment(session, own)
    old = session.get(FrameworkSnapshot, assessment.framework_snapshot_id)
    new = repository.store_framework(
        session=session, framework=parse_framework(LIBRARY_11.decode())
    )
    diff = diff_frameworks(repository.framework_of(old), repository.framework_of(new))  # type: ignore[arg-type]
    frameworks.upgrade_assessment(session=session, assessment=assessment, snapshot=new, diff=diff)
    session.commit()
    sign_in(client, own.consultant.email)
    document = client.get(f"/assessments/{assessment.id}/export/json").json()
    token = csrf_from(client.get(f"/organisations/{own.organisation.id}").text)

    imported = client.post(
        f"/organisations/{own.organisation.id}/import",
        data={"csrf_token": token},
        files={"file": ("a.json", client.get(f"/assessments/{assessment.id}/export/json").content)},
        follow_redirects=False,
    )

    assert document["version"] == 2 and len(document["archived_answers"]) == 6
    assert imported.status_code == 303, imported.text
    copy_id = imported.headers["location"].rsplit("/", 1)[1]
    document["assessment"]["status"] = "closed"  # an import comes in closed
    assert client.get(f"/assessments/{copy_id}/export/json").json() == document


MINI = (DATA / "mini-framework.yaml").read_text()
HOSTILE_FRAMEWORKS = {  # (the file, what the refusal says, on which line)
    "NUL in the title": (
        MINI.replace("title: Mini framework", 'title: "Mini\\0 framework"'),
        "title: must not contain NUL characters",
        3,
    ),
    "NUL in the version": (
        MINI.replace('version: "1"', 'version: "1\\0"'),
        "version: must not contain NUL characters",
        2,
    ),
    "a title of 5000 characters": (
        MINI.replace("title: Mini framework", "title: " + "t" * 5000),
        "title: at most 4000 characters",
        3,
    ),
    "a level the database cannot hold": (
        MINI.replace("{value: 0, label: None", "{value: -100000000000000000000, label: None"),
        "value: Input should be greater than or equal to -1000",
        8,
    ),
    "an infinite weight": (
        MINI.replace("weight: 2", "weight: .inf"),
        "weight: Input should be a finite number",
        21,
    ),
}


@pytest.mark.parametrize(
    ("content", "message", "line"), HOSTILE_FRAMEWORKS.values(), ids=HOSTILE_FRAMEWORKS.keys()
)
def test_a_hostile_framework_is_refused_at_its_line_in_the_browser_and_the_cli(
    client: TestClient, session: Session, tenants, tmp_path, content: str, message: str, line: int
) -> None:
    sign_in(client, tenants[0].consultant.email)
    (tmp_path / "hostile.yaml").write_text(content)

    response = upload(client, content.encode())
    validated = gapwise("validate", str(tmp_path / "hostile.yaml"), data_dir=tmp_path / "data")

    assert response.status_code == 422
    problems = response.context["page"].problems  # type: ignore[attr-defined]
    assert [p.line for p in problems if message in f"{p.path}: {p.message}"] == [line], problems
    assert snapshots(session, "mini") == []
    assert validated.returncode == 1 and message in validated.stdout + validated.stderr
    assert "Traceback" not in validated.stdout + validated.stderr


def test_control_characters_in_a_framework_are_dropped_like_everywhere_else(
    client: TestClient, session: Session, tenants
) -> None:
    sign_in(client, tenants[0].consultant.email)
    content = MINI.replace("title: Mini framework", 'title: "Mini\\e[31m \\aframework"')

    response = upload(client, content.encode())

    assert response.status_code == 303
    (stored,) = snapshots(session, "mini")
    assert repository.framework_of(stored).title == "Mini[31m framework"


def test_how_to_write_a_framework_file_is_a_page_linked_from_the_frameworks_page(
    client: TestClient,
) -> None:
    frameworks_page = client.get("/frameworks")
    guide = client.get("/help/framework-file")

    assert 'href="/help/framework-file"' in frameworks_page.text
    assert "docs/questionnaire-format.md" not in frameworks_page.text  # no path into the code
    assert guide.status_code == 200
    assert "<h1>How to write a framework file</h1>" in guide.text
    for anchor in ("a-complete-small-example", "rules-the-validator-enforces"):
        assert f'href="#{anchor}"' in guide.text and f'id="{anchor}"' in guide.text
    assert '<pre tabindex="0"><code class="language-yaml">id: library-services' in guide.text


def test_the_guide_shows_html_in_its_text_as_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    document = tmp_path / "format.md"
    document.write_text("# Title\n\n## Part <b>one</b>\n\n<script>alert(1)</script>\n")
    monkeypatch.setattr(guides, "FRAMEWORK_FORMAT", document)
    guides.framework_format.cache_clear()
    try:
        guide = guides.framework_format()
    finally:
        guides.framework_format.cache_clear()

    assert guide.title == "Title"
    assert guide.sections == (("part-boneb", "Part <b>one</b>"),)  # escaped where shown
    assert "<script>" not in guide.body and "&lt;script&gt;" in guide.body
