"""Storing frameworks as snapshots, and answers as one row per participant and criterion."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.db import invites, repository
from app.db.models import Answer, FrameworkSnapshot
from app.domain.answering import AnswerChoice
from app.domain.loading import FrameworkFileError, load_framework, parse_framework
from tests.conftest import MINI_FRAMEWORK


def test_storing_the_same_framework_twice_keeps_one_snapshot(session: Session) -> None:
    framework = load_framework(MINI_FRAMEWORK)

    first = repository.store_framework(session=session, framework=framework)
    again = repository.store_framework(session=session, framework=framework)

    assert first.id == again.id
    assert repository.framework_of(first) == framework


def test_changed_text_with_a_new_version_makes_a_new_snapshot_and_keeps_the_old(
    session: Session,
) -> None:
    data = yaml.safe_load(MINI_FRAMEWORK.read_text())
    old = repository.store_framework(
        session=session, framework=parse_framework(yaml.safe_dump(data))
    )
    data["layers"][0]["areas"][0]["criteria"][0]["text"] = "Reworded."
    data["version"] = "2"
    new = repository.store_framework(
        session=session, framework=parse_framework(yaml.safe_dump(data))
    )

    assert new.id != old.id
    assert repository.latest_snapshot(session=session, framework_key="mini").id == new.id
    kept = session.get(FrameworkSnapshot, old.id)
    assert next(repository.framework_of(kept).criteria()).text == "One view of each customer."


def test_changed_text_with_the_same_version_is_refused_and_stores_nothing(
    session: Session,
) -> None:
    data = yaml.safe_load(MINI_FRAMEWORK.read_text())
    repository.store_framework(session=session, framework=parse_framework(yaml.safe_dump(data)))
    data["layers"][0]["areas"][0]["criteria"][0]["text"] = "Reworded."

    with pytest.raises(FrameworkFileError) as refused:
        repository.store_framework(
            session=session, framework=parse_framework(yaml.safe_dump(data)), source="mini.yaml"
        )

    assert str(refused.value) == (
        "mini.yaml: version: version 1 of 'mini' is already stored with different content; "
        "give the changed file a new version"
    )
    stored = session.exec(
        select(FrameworkSnapshot).where(FrameworkSnapshot.framework_key == "mini")
    )
    assert len(stored.all()) == 1


def test_a_snapshot_stored_before_newer_optional_fields_is_still_the_same_version(
    session: Session,
) -> None:
    """Older snapshots were hashed without wording, answer sets...: not a changed file."""
    framework = load_framework(MINI_FRAMEWORK)
    content = framework.model_dump_json(exclude={"wording", "answer_sets", "layers_sequenced"})
    session.add(
        FrameworkSnapshot(
            framework_key="mini", version="1", content_hash="0" * 64, title="Mini", content=content
        )
    )
    session.flush()

    again = repository.store_framework(session=session, framework=framework)

    assert again.content_hash == "0" * 64  # the stored one, not a second snapshot


def test_latest_snapshots_lists_each_framework_once(session: Session) -> None:
    repository.store_framework(session=session, framework=load_framework(MINI_FRAMEWORK))

    keys = [s.framework_key for s in repository.latest_snapshots(session=session)]

    assert sorted(keys) == ["mini", "reap-blueprint"]


def _store_mini(session: Session, version: str, text: str = "One view.") -> FrameworkSnapshot:
    data = yaml.safe_load(MINI_FRAMEWORK.read_text())
    data["version"] = version
    data["layers"][0]["areas"][0]["criteria"][0]["text"] = text
    return repository.store_framework(
        session=session, framework=parse_framework(yaml.safe_dump(data))
    )


def test_the_latest_snapshot_is_the_highest_version_not_the_last_loaded(session: Session) -> None:
    newer = _store_mini(session, "1.10")
    _store_mini(session, "1.9")  # an archived version loaded after the newer one
    _store_mini(session, "1.0")

    assert repository.latest_snapshot(session=session, framework_key="mini").id == newer.id
    listed = {s.framework_key: s.id for s in repository.latest_snapshots(session=session)}
    assert listed["mini"] == newer.id


def test_reap_new_assessments_get_version_2_while_1_0_stays_loaded(session: Session) -> None:
    versions = session.exec(
        select(FrameworkSnapshot.version).where(FrameworkSnapshot.framework_key == "reap-blueprint")
    ).all()

    assert sorted(versions) == ["1.0", "2.0"]
    assert (
        repository.latest_snapshot(session=session, framework_key="reap-blueprint").version == "2.0"
    )


def test_of_two_snapshots_stored_with_one_version_the_later_is_latest(session: Session) -> None:
    """Storing new content under a stored version is refused now; databases from before that
    rule may still hold two snapshots of one version, and the later one counts."""
    first = _store_mini(session, "3", "First wording.")
    second = FrameworkSnapshot(
        framework_key="mini",
        version="3",
        content_hash="f" * 64,
        title=first.title,
        content=first.content.replace("First wording.", "Second wording."),
    )
    session.add(second)
    session.flush()

    assert repository.latest_snapshot(session=session, framework_key="mini").id == second.id


def _participant(session: Session):
    snapshot = repository.store_framework(session=session, framework=load_framework(MINI_FRAMEWORK))
    organisation = repository.create_organisation(session=session, slug="acme", name="Acme")
    assessment = repository.create_assessment(
        session=session, organisation=organisation, snapshot=snapshot, title="Baseline"
    )
    return assessment, repository.add_participant(
        session=session, assessment=assessment, name="Ann"
    )


def test_saving_an_answer_again_replaces_it(session: Session) -> None:
    assessment, ann = _participant(session)

    repository.save_answer(
        session=session, participant=ann, choice=AnswerChoice("data-quality", 1, 2)
    )
    repository.save_answer(
        session=session,
        participant=ann,
        choice=AnswerChoice("data-quality", 2, 3, comment="Better"),
    )
    session.commit()

    (answer,) = repository.answers_of(session=session, assessment=assessment)
    assert (answer.current, answer.target, answer.comment) == (2, 3, "Better")


def test_a_saves_statements_see_what_the_session_has_not_written_yet(session: Session) -> None:
    """A save's statements run past the ORM; they still flush its pending changes first, as
    the ORM's own statements do, so they read and lock what the session holds."""
    _, ann = _participant(session)
    link = invites.issue(session=session, participant=ann, key="k", issued_by=None)
    session.add(Answer(participant_id=ann.id, criterion_id="data-quality", current=1, target=2))

    found = invites.find_for_answering(session=session, secret=link)

    assert found is not None and found.participant.complete == {"data-quality"}


@pytest.mark.parametrize(
    ("answers", "complete"),
    [
        ([], set()),
        ([AnswerChoice("data-quality", 1, None)], set()),  # half an answer
        (
            [
                AnswerChoice("data-quality", 1, 2),
                AnswerChoice("data-one-view", dont_know=True),
                AnswerChoice("growth-offers", not_applicable=True, reason="No offers"),
            ],
            {"data-quality", "data-one-view", "growth-offers"},
        ),
    ],
)
def test_a_links_lookup_brings_the_criteria_its_participant_has_completed(
    session: Session, answers: list[AnswerChoice], complete: set[str]
) -> None:
    assessment, ann = _participant(session)
    bob = repository.add_participant(session=session, assessment=assessment, name="Bob")
    link = invites.issue(session=session, participant=ann, key="k", issued_by=None)
    for choice in answers:
        repository.save_answer(session=session, participant=ann, choice=choice)
    repository.save_answer(  # someone else's answer is not theirs
        session=session, participant=bob, choice=AnswerChoice("data-quality", 1, 2)
    )
    session.commit()

    found = invites.find_for_answering(session=session, secret=link)

    assert found is not None and found.participant.complete == complete


def test_database_refuses_a_second_row_for_the_same_criterion(session: Session) -> None:
    _, ann = _participant(session)
    session.add(Answer(participant_id=ann.id, criterion_id="data-quality"))
    session.add(Answer(participant_id=ann.id, criterion_id="data-quality"))

    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    assert session.exec(select(Answer)).all() == []
