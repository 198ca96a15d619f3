"""The demo tells a story: who finished has submitted, people say different things in
different areas, and the gaps differ enough between areas to rank them."""

from __future__ import annotations

from statistics import mean

from sqlmodel import Session, select

from app.db import repository
from app.db.models import Assessment
from app.db.results import results_of
from app.demo import DEMO_TEAM, create_demo, demo_answers
from app.domain.loading import load_framework
from tests.conftest import QUESTIONNAIRES

FRAMEWORK = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")


def test_comments_differ_by_person_and_area() -> None:
    comments = [a.comment for p in DEMO_TEAM for a in demo_answers(FRAMEWORK, p) if a.comment]
    areas = {
        area.id
        for p in DEMO_TEAM
        for a in demo_answers(FRAMEWORK, p)
        if a.comment
        for area in FRAMEWORK.areas()
        if a.criterion_id in {c.id for c in area.all_criteria()}
    }

    assert len(comments) >= 40
    assert len(set(comments)) == len(comments)  # nobody says the same thing twice
    assert len(areas) == FRAMEWORK.area_count


def test_who_finished_has_submitted_and_two_are_still_answering(session: Session) -> None:
    create_demo(session)
    session.commit()
    assessment = session.exec(select(Assessment)).one()
    activity = repository.participant_activity(session=session, assessment=assessment)
    people = repository.participants_of(session=session, assessment=assessment)

    finished = {p.name for p in people if activity[p.id].answered == FRAMEWORK.criterion_count}
    submitted = {p.name for p in people if p.submitted_at is not None}

    assert finished == submitted and len(submitted) == len(DEMO_TEAM) - 2
    gaps = {
        a.area_id: a.score.gap
        for a in results_of(session=session, assessment=assessment).results.areas()
    }
    assert max(gaps.values()) - min(gaps.values()) >= 2.0
    assert max(gaps, key=gaps.__getitem__) == "data-management"
    assert min(gaps, key=gaps.__getitem__) == "acquisition"
    assert mean(gaps.values()) > 1.0
