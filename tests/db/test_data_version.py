"""The data version that keys every cache of an assessment's outputs moves with every write
that changes what they show, whatever order concurrent writes commit in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from app.config import Settings
from app.db import organisations, repository, roadmaps, workshops
from app.db.engine import make_engine
from app.db.models import (
    Assessment,
    AssessmentStatus,
    Participant,
    RoadmapStatus,
    Workshop,
    WorkshopItem,
)
from app.db.results import AssessmentResults
from app.domain.answering import AnswerChoice
from app.domain.roadmap import Initiative
from app.domain.scoring import Score
from app.domain.workshop import Decision, ItemState, ItemStatus, Outcome
from tests.databases import database_for
from tests.factories import mean_today, results_as_viewed, save_in_own_session

FIRST, SECOND = "ld-customer-strategy", "cm-cross-channel-ownership"


@pytest.fixture
def people(session: Session) -> tuple[Assessment, Participant, Participant]:
    """An assessment with two participants in two groups, each with one answer."""
    snapshot = repository.latest_snapshot(session=session, framework_key="reap-blueprint")
    organisation = repository.create_organisation(session=session, slug="acme", name="Acme")
    assessment = repository.create_assessment(
        session=session, organisation=organisation, snapshot=snapshot, title="Baseline"
    )
    assessment.anonymity_threshold = 1  # each one-person group shown (k is tested elsewhere)
    ann = repository.add_participant(
        session=session, assessment=assessment, name="Ann", group="Leadership"
    )
    bob = repository.add_participant(
        session=session, assessment=assessment, name="Bob", group="Front line"
    )
    for person, criterion in ((ann, FIRST), (bob, SECOND)):
        repository.save_answer(
            session=session, participant=person, choice=AnswerChoice(criterion, 1, 2)
        )
    session.commit()
    return assessment, ann, bob


def test_a_save_stamped_earlier_but_committed_later_still_changes_the_results(
    engine: Engine, people, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ann and Bob press save at once. Ann's save is stamped first, then waits for the write
    lock while Bob's commits; a results page is drawn in between; then Ann's commits."""
    assessment, ann, bob = people
    soon = datetime.now(UTC) + timedelta(minutes=1)  # after every earlier answer
    stamps = iter([soon + timedelta(seconds=2), soon + timedelta(seconds=1)])
    monkeypatch.setattr(repository, "utc_now", lambda: next(stamps))

    save_in_own_session(engine, bob.id, AnswerChoice(SECOND, 3, 4))  # stamped second, commits first
    assert mean_today(results_as_viewed(engine, assessment.id), SECOND) == 3
    save_in_own_session(engine, ann.id, AnswerChoice(FIRST, 4, 5))  # stamped first, commits last

    assert mean_today(results_as_viewed(engine, assessment.id), FIRST) == 4


def test_moving_a_participant_to_another_group_changes_the_results(engine: Engine, people) -> None:
    assessment, _, bob = people
    groups = results_as_viewed(engine, assessment.id).segments.groups
    assert set(groups) == {"Leadership", "Front line"}

    with Session(engine) as session:
        participant = session.get(Participant, bob.id)
        repository.update_participant(
            session=session, participant=participant, name="Bob", email=None, group="Leadership",
            role="",
        )  # fmt: skip
        session.commit()

    moved = results_as_viewed(engine, assessment.id).segments
    assert (moved.groups, moved.scored_groups) == ({}, 1)  # one group: nothing to compare


def test_two_databases_in_one_process_keep_their_results_apart(
    engine: Engine, session: Session, settings: Settings, people, tmp_path: Path
) -> None:
    """A process that opens two databases (the tests, a command) where the same assessment
    reaches the same data version with other answers: each shows its own."""
    assessment_id, ann_id = people[0].id, people[1].id
    session.close()
    engine.dispose()  # idle, so it can be copied
    twin = make_engine(database_for(tmp_path / "twin", template=settings.database_url))
    try:
        save_in_own_session(engine, ann_id, AnswerChoice(FIRST, 4, 5))
        # the same version as in the first database, another answer
        save_in_own_session(twin, ann_id, AnswerChoice(FIRST, 0, 5))

        assert mean_today(results_as_viewed(engine, assessment_id), FIRST) == 4
        assert mean_today(results_as_viewed(twin, assessment_id), FIRST) == 0
    finally:
        twin.dispose()


def _initiative() -> Initiative:
    score = Score(20.0, 60.0, "scale", 1.0, 3.0, 2.0)
    return Initiative(
        "leadership", "Fix the basics", "foundations", "Foundations", score, 1, 40, 0, "Wide gap."
    )


def _in_workshop(change: Callable[[Session, Workshop, WorkshopItem], object]):
    """A change to the assessment's workshop as its routes make it: claimed first."""

    def write(session: Session, assessment: Assessment, participant: Participant) -> None:
        workshop = workshops.live_workshop_of(session=session, assessment_id=assessment.id)
        workshops.claim(session=session, workshop_id=workshop.id)
        change(session, workshop, workshops.items_of(session=session, workshop_id=workshop.id)[0])

    return write


def _confirm_a_join(session: Session, workshop: Workshop, participant_id: int) -> None:
    workshops.start_join(session=session, workshop=workshop, name="Ann", address="127.0.0.1")
    join = workshops.joins_of(session=session, workshop_id=workshop.id)[-1]
    workshops.settle_join(session=session, join=join, participant_id=participant_id)


WORKSHOP_WRITES: dict[str, Callable[[Session, Workshop, WorkshopItem], object]] = {
    "open an agenda item": lambda s, w, i: workshops.go_to(session=s, workshop=w, item=i),
    "lock an item": lambda s, w, i: workshops.set_state(
        session=s, item=i, state=ItemState(ItemStatus.LOCKED, 1)
    ),
    "vote": lambda s, w, i: workshops.save_vote(
        session=s, item=i, participant_id=_first_participant(s, w), current=2, target=4
    ),
    "agree an item": lambda s, w, i: workshops.decide(
        session=s, item=i, decision=Decision(Outcome.AGREED, 2, 3, "We said so.")
    ),
    "park an item": lambda s, w, i: workshops.decide(
        session=s, item=i, decision=Decision(Outcome.PARKED)
    ),
    "note actions": lambda s, w, i: workshops.set_notes(session=s, item=i, notes="Hire."),
    "add to the agenda": lambda s, w, i: workshops.add_items(
        session=s, workshop_id=w.id, criterion_ids=["ld-strategy-understood"]
    ),
    "reorder the agenda": lambda s, w, i: workshops.set_order(
        session=s, workshop_id=w.id, item_ids=[i.id]
    ),
    "take an item off": lambda s, w, i: workshops.remove_item(session=s, item=i),
    "join with the code": lambda s, w, i: _confirm_a_join(s, w, _first_participant(s, w)),
    "end the workshop": lambda s, w, i: workshops.end_workshop(session=s, workshop=w),
}


def _first_participant(session: Session, workshop: Workshop) -> int:
    assessment = session.get(Assessment, workshop.assessment_id)
    return repository.participants_of(session=session, assessment=assessment)[0].id


WRITES: dict[str, Callable[[Session, Assessment, Participant], object]] = {
    "save an answer": lambda s, a, p: repository.save_answer(
        session=s, participant=p, choice=AnswerChoice(FIRST, 3, 3)
    ),
    "add a participant": lambda s, a, p: repository.add_participant(
        session=s, assessment=a, name="Cleo"
    ),
    "edit a participant": lambda s, a, p: repository.update_participant(
        session=s, participant=p, name="Ann B.", email=None, group="Leadership", role=""
    ),
    "remove a participant": lambda s, a, p: repository.delete_participant(session=s, participant=p),
    "submit": lambda s, a, p: repository.set_submitted(session=s, participant=p, submitted=True),
    "unlock": lambda s, a, p: repository.set_submitted(session=s, participant=p, submitted=False),
    "open": lambda s, a, p: repository.set_status(
        session=s, assessment=a, status=AssessmentStatus.OPEN
    ),
    "set importance": lambda s, a, p: roadmaps.set_importance(
        session=s, assessment=a, weights={"leadership": 2.0}
    ),
    "draft the roadmap": lambda s, a, p: roadmaps.replace_roadmap(
        session=s, assessment=a, initiatives=[_initiative()]
    ),
    "add a roadmap item": lambda s, a, p: roadmaps.add_item(
        session=s, assessment=a, title="More", horizon=1
    ),
    "edit a roadmap item": lambda s, a, p: roadmaps.update_item(
        session=s,
        item=roadmaps.roadmap_of(session=s, assessment=a)[0],
        title="Renamed",
        owner="Ann",
        horizon=2,
        status=RoadmapStatus.DONE,
        notes="",
        actions=["Write it down"],
    ),
    "drop a roadmap item": lambda s, a, p: roadmaps.delete_item(
        session=s, item=roadmaps.roadmap_of(session=s, assessment=a)[0]
    ),
    "save the whole roadmap": lambda s, a, p: roadmaps.save_roadmap(
        session=s,
        assessment=a,
        edits=[
            roadmaps.ItemEdit(
                roadmaps.roadmap_of(session=s, assessment=a)[0].id or 0,
                "Renamed",
                "Ann",
                1,
                RoadmapStatus.PLANNED,
                ("Act",),
                "Data at 3.0",
                ("Leadership",),
                "",
                0,
            )
        ],
    ),
    "edit the assessment": lambda s, a, p: repository.update_assessment(
        session=s,
        assessment=a,
        title="Renamed",
        purpose="New purpose",
        target_date=None,
        invite_text="",
        reminder_text="",
    ),
    "rename the organisation": lambda s, a, p: organisations.rename_organisation(
        session=s, organisation=repository.organisation_of(session=s, assessment=a), name="Acme Ltd"
    ),
    "start a workshop": lambda s, a, p: workshops.create_workshop(
        session=s, assessment=a, title="Second", criterion_ids=[SECOND]
    ),
    **{name: _in_workshop(change) for name, change in WORKSHOP_WRITES.items()},
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_moves_the_data_version(engine: Engine, people, write) -> None:
    assessment, ann, _ = people
    with Session(engine) as session:
        own = session.get(Assessment, assessment.id)
        roadmaps.add_item(session=session, assessment=own, title="First", horizon=0)
        workshops.create_workshop(
            session=session, assessment=own, title="Baseline", criterion_ids=[FIRST, SECOND]
        )
        session.commit()
    with Session(engine) as session:
        before = repository.data_version(
            session=session, assessment=session.get(Assessment, assessment.id)
        )
        write(session, session.get(Assessment, assessment.id), session.get(Participant, ann.id))
        session.commit()
    with Session(engine) as session:
        loaded = session.get(Assessment, assessment.id)
        assert repository.data_version(session=session, assessment=loaded) != before


def _heatmap_current(results: AssessmentResults) -> dict[str, float | None]:
    """Each heatmap column's score today in the first answer's area, by column label."""
    area = "leadership-direction"
    scores = {  # "Leadership (3)": the group, and how many people it stands for
        label.rsplit(" (", 1)[0]: next(a.score for a in group.areas() if a.area_id == area)
        for label, group in results.people
    }
    return {label: score.current if score else None for label, score in scores.items()}


@pytest.mark.parametrize("first_asked", ["segments", "people", "neither"])
def test_parts_computed_later_match_the_results_they_belong_to(
    engine: Engine, people, first_asked: str
) -> None:
    """A request holds results at one version; a save commits; only then does that request
    ask for the groups or the heatmap. They show what its results show, and the next view
    shows the save everywhere."""
    assessment, ann, _ = people
    held = results_as_viewed(engine, assessment.id)
    if first_asked != "neither":
        getattr(held, first_asked)

    save_in_own_session(engine, ann.id, AnswerChoice(FIRST, 4, 5))

    assert mean_today(held, FIRST) == 1
    assert held.segments.groups["Leadership"].overall.current == 1
    assert _heatmap_current(held)["Leadership"] == 1
    after = results_as_viewed(engine, assessment.id)
    assert after is not held
    assert mean_today(after, FIRST) == 4
    assert after.segments.groups["Leadership"].overall.current == 4
    assert _heatmap_current(after)["Leadership"] == 4


def _version_seen(engine: Engine, assessment_id: int) -> str:
    with Session(engine) as session:
        loaded = session.get(Assessment, assessment_id)
        return repository.data_version(session=session, assessment=loaded)


def test_a_save_moves_the_version_without_writing_the_assessment(engine: Engine, people) -> None:
    """A save moves the version by counting on its participant: seen in its own transaction
    (a page drawn after it in the same request) and by the next session, and no statement
    of it writes the assessment's row, for which every save of a workshop would queue."""
    assessment, ann, _ = people
    before = _version_seen(engine, assessment.id)
    statements: list[str] = []
    with Session(engine) as session:
        loaded = session.get(Assessment, assessment.id)
        with _recorded(engine, statements):
            repository.save_answer(
                session=session, participant=ann, choice=AnswerChoice(FIRST, 2, 3)
            )
        assert repository.data_version(session=session, assessment=loaded) != before
        session.commit()
    assert _version_seen(engine, assessment.id) != before
    assert _written_tables(statements) == {"participant", "answer"}  # not "assessment"


def _written_tables(statements: list[str]) -> set[str]:
    """The tables that statements write, in a WITH clause too (PostgreSQL's save)."""
    written = r"(?:INSERT INTO|(?<!DO )UPDATE|DELETE FROM)\s+(\w+)"
    return {table.lower() for s in statements for table in re.findall(written, s, re.I)}


@contextmanager
def _recorded(engine: Engine, statements: list[str]) -> Iterator[None]:
    def record(_connection, _cursor, statement: str, *_) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_no_version_comes_back(engine: Engine, people) -> None:
    """Saves raise the sum of saves counted; removing a participant lowers it, and moves the
    counter, so no version seen before is seen again: no cache can hand back old outputs."""
    assessment, ann, bob = people
    seen = [_version_seen(engine, assessment.id)]
    for participant_id, choice in (
        (ann.id, AnswerChoice(FIRST, 2, 3)),
        (ann.id, AnswerChoice(FIRST, 2, 3)),  # the same answer again: a save all the same
        (bob.id, AnswerChoice(FIRST, 1, 1)),
    ):
        save_in_own_session(engine, participant_id, choice)
        seen.append(_version_seen(engine, assessment.id))
    with Session(engine) as session:  # two answers fewer: the sum drops below an earlier one
        repository.delete_participant(session=session, participant=session.get(Participant, bob.id))
        session.commit()
    seen.append(_version_seen(engine, assessment.id))
    for _ in range(3):  # the sum climbs back through the values it had
        save_in_own_session(engine, ann.id, AnswerChoice(SECOND, 4, 4))
        seen.append(_version_seen(engine, assessment.id))
    assert len(set(seen)) == len(seen)


def test_a_removal_after_the_assessment_was_loaded_brings_back_no_key(
    engine: Engine, people
) -> None:
    """Ann and Bob have saved once each. A page loads the assessment; Bob is removed (one
    save fewer); only then does the page read the version. The counter it loaded and the
    saves counted now would be a key seen before, with Bob's answers in it."""
    assessment, ann, bob = people
    seen = [_version_seen(engine, assessment.id)]
    save_in_own_session(engine, ann.id, AnswerChoice(FIRST, 2, 3))
    seen.append(_version_seen(engine, assessment.id))
    with Session(engine) as page:
        loaded = page.get(Assessment, assessment.id)
        assert loaded is not None
        with Session(engine) as other:
            repository.delete_participant(session=other, participant=other.get(Participant, bob.id))
            other.commit()
        assert repository.data_version(session=page, assessment=loaded) not in seen


def test_one_transaction_reads_one_version(engine: Engine, people) -> None:
    """A request's pages and charts share one key, whatever commits meanwhile: its results
    are computed once, not again for each chart. The next transaction sees the save."""
    assessment, ann, _ = people
    with Session(engine) as page:
        loaded = page.get(Assessment, assessment.id)
        first = repository.data_version(session=page, assessment=loaded)
        save_in_own_session(engine, ann.id, AnswerChoice(FIRST, 4, 5))
        assert repository.data_version(session=page, assessment=loaded) == first
        page.commit()
        assert repository.data_version(session=page, assessment=loaded) != first


def test_a_change_not_yet_committed_has_a_key_of_its_own(engine: Engine, people) -> None:
    """Outputs drawn in a transaction after its own change show what may never be committed
    (or what another save, committed first, would share a key with): their key is nobody
    else's, not even the one the same data has once committed."""
    assessment, ann, _ = people
    with Session(engine) as request:
        loaded = request.get(Assessment, assessment.id)
        repository.save_answer(session=request, participant=ann, choice=AnswerChoice(FIRST, 4, 5))
        uncommitted = repository.data_version(session=request, assessment=loaded)
        request.commit()
    assert _version_seen(engine, assessment.id) != uncommitted


def test_a_save_for_a_removed_participant_writes_nothing(engine: Engine, people) -> None:
    """On either database (PostgreSQL's save is one statement, SQLite's two)."""
    assessment, ann, _ = people
    before = _version_seen(engine, assessment.id)
    with Session(engine) as other:
        repository.delete_participant(session=other, participant=other.get(Participant, ann.id))
        other.commit()
    after_removal = _version_seen(engine, assessment.id)
    with Session(engine) as session, pytest.raises(repository.ParticipantRemoved):
        repository.save_answer(session=session, participant=ann, choice=AnswerChoice(FIRST, 4, 5))
    assert _version_seen(engine, assessment.id) == after_removal != before
    with Session(engine) as session:
        assert repository.choices_of(session=session, participant=ann) == {}


def test_a_change_moves_the_counter_in_the_database_and_in_the_session(
    engine: Engine, people
) -> None:
    """A change in a session that loaded the assessment moves the counter on its object too,
    as a page drawn after the change in the same request would read it."""
    assessment, _, _ = people
    stored = assessment.data_version
    with Session(engine, expire_on_commit=False) as session:
        loaded = session.get(Assessment, assessment.id)
        assert loaded is not None
        repository.mark_changed(session=session, assessment_id=assessment.id)
        assert loaded.data_version == stored + 1
        session.commit()
    with Session(engine) as session:
        assert session.get(Assessment, assessment.id).data_version == stored + 1


def test_marking_an_assessment_without_an_id_changes_nothing(session: Session) -> None:
    """An id not yet given moves no row and raises nothing."""
    repository.mark_changed(session=session, assessment_id=None)
    assert None in session.info[repository.CHANGED]
