"""The schema belongs to Alembic, and it matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from app.db.engine import SQLITE_BUSY_TIMEOUT_MS
from app.db.migrations import migrate
from tests.databases import ON_POSTGRES


def test_migrations_and_models_agree(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True})
        differences = compare_metadata(context, SQLModel.metadata)

    assert differences == []


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    migrate(engine)

    with engine.connect() as connection:
        version = (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        )
    assert len(version) == 1


@pytest.mark.sqlite_only
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine: Engine) -> None:
    with engine.connect() as connection:
        mode = connection.execute(text("PRAGMA journal_mode")).scalar()
        timeout = connection.execute(text("PRAGMA busy_timeout")).scalar()
        foreign_keys = connection.execute(text("PRAGMA foreign_keys")).scalar()

    assert (mode, timeout, foreign_keys) == ("wal", SQLITE_BUSY_TIMEOUT_MS, 1)


def test_the_suite_runs_on_the_database_it_announces(engine: Engine) -> None:
    assert engine.dialect.name == ("postgresql" if ON_POSTGRES else "sqlite")
