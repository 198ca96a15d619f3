"""The demo assessment in a throw-away SQLite database, for the benchmark scripts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sqlmodel import Session, select

from app.config import load_settings
from app.db import repository
from app.db.engine import make_engine
from app.db.migrations import migrate
from app.db.models import Assessment
from app.demo import DEMO_TEAM, create_demo, demo_answers


@contextmanager
def demo_assessment(folder: Path) -> Iterator[tuple[Session, Assessment]]:
    """A migrated database in `folder` holding the demo; yields a session and its assessment."""
    settings = load_settings(data_dir=folder)
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    try:
        with Session(engine) as session:
            repository.store_questionnaires(session=session, directory=settings.questionnaires_dir)
            create_demo(session)
            session.commit()
            yield session, session.exec(select(Assessment)).one()
    finally:
        engine.dispose()


def answer_everything(session: Session, assessment: Assessment) -> None:
    """Every participant answers every criterion as one of the demo's people would (the
    first as the first of the demo team, and so on round), for the results to vary."""
    framework = repository.framework_of_assessment(session=session, assessment=assessment)
    people = repository.participants_of(session=session, assessment=assessment)
    for index, participant in enumerate(people):
        taste = replace(DEMO_TEAM[index % len(DEMO_TEAM)], progress=1.0)
        for answer in demo_answers(framework, taste):
            repository.save_answer(session=session, participant=participant, choice=answer)
