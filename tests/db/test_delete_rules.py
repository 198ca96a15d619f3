"""What a delete takes with it, applied by the database itself (SQLite and PostgreSQL), and a
migration to those rules that keeps every row it finds."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.db import accounts, repository, workshops
from app.db.engine import make_engine
from app.db.migrations import migrate
from app.db.models import (
    Answer,
    Assessment,
    AuditEvent,
    FrameworkSnapshot,
    InviteToken,
    Participant,
    RoadmapItem,
    Workshop,
    WorkshopItem,
    WorkshopJoin,
    WorkshopVote,
)
from app.domain.workshop import Decision, Outcome
from tests.databases import database_for
from tests.factories import Tenant

BEFORE_THE_RULES = "1daeb593fa28"


def _count(session: Session, model: type, **where: object) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.exec(query).one()


def test_removing_a_participant_removes_their_answers_and_links_only(
    session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    own, other = tenants
    gone, kept = own.participant.id, other.participant.id
    colleague = repository.add_participant(session=session, assessment=own.assessment, name="B")
    accounts.issue_invite(session=session, participant=colleague)
    session.commit()

    repository.delete_participant(session=session, participant=own.participant)
    session.commit()

    assert _count(session, Participant, assessment_id=own.assessment.id) == 1
    assert _count(session, Answer, participant_id=gone) == 0
    assert _count(session, InviteToken, participant_id=gone) == 0
    assert accounts.participant_for_invite(session=session, secret=own.invite) is None
    assert _count(session, InviteToken, participant_id=colleague.id) == 1
    assert _count(session, Answer, participant_id=kept) == 1


def test_removing_an_assessment_removes_everything_in_it_but_keeps_the_audit_log(
    session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    own, other = tenants
    ids = (own.organisation.id, own.assessment.id, own.participant.id, other.assessment.id)
    organisation_id, assessment_id, participant_id, other_assessment_id = ids
    accounts.record(session=session, action="created assessment", organisation_id=organisation_id)
    session.commit()

    repository.delete_assessment(session=session, assessment=own.assessment)
    session.commit()

    assert session.get(Assessment, assessment_id) is None
    for model in (Participant, RoadmapItem):
        assert _count(session, model, assessment_id=assessment_id) == 0
    assert _count(session, Answer, participant_id=participant_id) == 0
    assert _count(session, InviteToken, participant_id=participant_id) == 0
    assert _count(session, AuditEvent, organisation_id=organisation_id) == 1
    assert _count(session, Participant, assessment_id=other_assessment_id) == 1


def _workshop_with_a_vote(session: Session, own: Tenant) -> tuple[int, int]:
    """A workshop on the tenant's assessment: one agreed item, the participant's vote on it,
    and their confirmed join; returns the workshop's and the item's ids."""
    framework = repository.framework_of_assessment(session=session, assessment=own.assessment)
    workshop = workshops.create_workshop(
        session=session,
        assessment=own.assessment,
        title="Baseline",
        criterion_ids=[next(framework.criteria()).id],
    )
    item = workshops.items_of(session=session, workshop_id=workshop.id)[0]
    workshops.go_to(session=session, workshop=workshop, item=item)
    workshops.save_vote(
        session=session, item=item, participant_id=own.participant.id, current=2, target=4
    )
    workshops.decide(session=session, item=item, decision=Decision(Outcome.AGREED, 2, 4))
    workshops.start_join(session=session, workshop=workshop, name="Ann", address="")
    join = workshops.joins_of(session=session, workshop_id=workshop.id)[0]
    workshops.settle_join(session=session, join=join, participant_id=own.participant.id)
    accounts.record(session=session, action="workshop started", organisation_id=own.organisation.id)
    session.commit()
    return workshop.id, item.id


def test_removing_a_participant_removes_their_votes_and_join_not_what_was_agreed(
    session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    own = tenants[0]
    workshop_id, item_id = _workshop_with_a_vote(session, own)

    repository.delete_participant(session=session, participant=own.participant)
    session.commit()

    assert _count(session, WorkshopVote, item_id=item_id) == 0
    assert _count(session, WorkshopJoin, workshop_id=workshop_id) == 0
    agreed = session.get(WorkshopItem, item_id)
    assert (agreed.agreed_current, agreed.agreed_target) == (2, 4)


def test_removing_an_assessment_removes_its_workshops_but_keeps_their_audit_lines(
    session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    own = tenants[0]
    workshop_id, item_id = _workshop_with_a_vote(session, own)

    repository.delete_assessment(session=session, assessment=own.assessment)
    session.commit()

    assert session.get(Workshop, workshop_id) is None
    assert _count(session, WorkshopItem, workshop_id=workshop_id) == 0
    assert _count(session, WorkshopVote, item_id=item_id) == 0
    assert _count(session, WorkshopJoin, workshop_id=workshop_id) == 0
    assert _count(session, AuditEvent, action="workshop started") == 1


def test_an_audit_line_outlives_the_user_it_names(
    session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    viewer_id, email = tenants[0].viewer.id, tenants[0].viewer.email
    accounts.record(session=session, action="signed in", actor=tenants[0].viewer)
    session.commit()

    session.execute(text("DELETE FROM user_account WHERE id = :id"), {"id": viewer_id})
    session.commit()

    event = session.exec(select(AuditEvent).where(AuditEvent.action == "signed in")).one()
    assert (event.actor_user_id, event.actor) == (None, email)


def test_a_framework_snapshot_in_use_cannot_be_deleted(
    session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    snapshot_id = tenants[0].assessment.framework_snapshot_id

    with pytest.raises(IntegrityError):
        session.execute(text("DELETE FROM framework_snapshot WHERE id = :id"), {"id": snapshot_id})
        session.commit()
    session.rollback()
    assert session.get(FrameworkSnapshot, snapshot_id) is not None


def test_the_redundant_indexes_are_gone(engine: Engine) -> None:
    indexes = {
        index["name"]
        for table in ("answer", "membership", "framework_snapshot")
        for index in inspect(engine).get_indexes(table)
    }

    assert not indexes & {
        "ix_answer_participant_id",
        "ix_membership_user_id",
        "ix_framework_snapshot_framework_key",
    }


def test_migrating_a_database_with_data_keeps_every_row_and_then_cascades(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    engine = make_engine(database_for(tmp_path / "empty"))  # not the migrated template's copy
    migrate(engine, BEFORE_THE_RULES)
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO organisation (id, slug, name, created_at) VALUES (1, 'a', 'A', :now)",
            "INSERT INTO framework_snapshot (id, framework_key, version, content_hash, title,"
            " content, loaded_at) VALUES (1, 'f', '1', 'h', 'F', '{}', :now)",
            "INSERT INTO assessment (id, organisation_id, framework_snapshot_id, title, purpose,"
            " status, area_importance, created_at) VALUES (1, 1, 1, 'T', '', 'open', '{}', :now)",
            'INSERT INTO participant (id, assessment_id, name, "group", role, created_at)'
            " VALUES (1, 1, 'Ann', '', '', :now)",
            "INSERT INTO answer (participant_id, criterion_id, dont_know, comment, updated_at)"
            " VALUES (1, 'c1', false, '', :now), (1, 'c2', false, '', :now)",
            "INSERT INTO invite_token (token_hash, participant_id, created_at, expires_at)"
            " VALUES ('x', 1, :now, :now)",
        ):
            connection.execute(text(statement), {"now": "2026-11-30 10:00:00"})

    migrate(engine)

    with Session(engine) as session:
        assert (_count(session, Answer), _count(session, InviteToken)) == (2, 1)
        assert session.get(Assessment, 1).data_version == 0
        repository.delete_participant(session=session, participant=session.get(Participant, 1))
        session.commit()
        assert (_count(session, Answer), _count(session, InviteToken)) == (0, 0)
    engine.dispose()
