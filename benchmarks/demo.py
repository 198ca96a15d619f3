"""The demo assessment in a throw-away SQLite database, for the benchmark scripts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import Session, select

from app.config import load_settings
from app.db import repository
from app.db.engine import make_engine
from app.db.migrations import migrate
from app.db.models import Assessment
from app.demo import create_demo


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
