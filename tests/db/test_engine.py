"""SQLite writers take the lock up front and hold it only until they commit; readers hold
nothing. The connection pool matches the threads that serve requests."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.config import Settings
from app.db import engine as engine_module
from app.db.engine import (
    POSTGRESQL_EXTRA_CONNECTIONS,
    SQLITE_BUSY_TIMEOUT_MS,
    WouldWait,
    make_engine,
    without_waiting,
)
from app.db.models import Organisation
from tests.databases import ON_POSTGRES


def _another_writer(engine: Engine, slug: str | None = None) -> bool:
    """Whether another connection can take the write lock now (and add `slug` if given)."""
    other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        if slug:
            other.execute(
                "INSERT INTO organisation (name, slug, created_at) VALUES (?, ?, datetime())",
                (slug, slug),
            )
        other.execute("COMMIT")
        return True
    except sqlite3.OperationalError as refused:
        assert "database is locked" in str(refused)
        return False
    finally:
        other.close()


@pytest.mark.sqlite_only
def test_a_write_takes_the_lock_up_front_and_holds_it_until_commit(engine: Engine) -> None:
    with Session(engine) as session:
        statements: list[str] = []
        session.connection().connection.driver_connection.set_trace_callback(statements.append)
        session.exec(select(Organisation)).all()
        session.add(Organisation(name="Acme", slug="acme"))
        session.flush()

        assert not _another_writer(engine)
        session.commit()
        assert _another_writer(engine)
    assert [s.split()[0] for s in statements] == ["SELECT", "BEGIN", "INSERT", "COMMIT"]
    assert statements[1] == "BEGIN IMMEDIATE"


@pytest.mark.sqlite_only
def test_a_session_that_read_can_write_after_another_writer_committed(engine: Engine) -> None:
    with Session(engine) as session:
        assert session.exec(select(Organisation)).all() == []
        assert _another_writer(engine, slug="globex")  # reading took no lock

        session.add(Organisation(name="Acme", slug="acme"))
        session.commit()  # a stale read transaction here would be refused at once

        assert sorted(o.slug for o in session.exec(select(Organisation))) == ["acme", "globex"]


def _can_write_without_waiting(engine: Engine) -> bool:
    try:
        with without_waiting(), engine.begin() as connection:
            connection.execute(update(Organisation).values(name=Organisation.name))
    except WouldWait:
        return False
    return True


@pytest.mark.sqlite_only
def test_a_writer_that_must_not_wait_gives_way_to_one_that_holds_the_lock(engine: Engine) -> None:
    with Session(engine) as writer:
        writer.add(Organisation(name="Acme", slug="acme"))
        writer.flush()  # holds the writers' lock until its commit

        started = time.monotonic()
        assert not _can_write_without_waiting(engine)
        assert time.monotonic() - started < 0.2  # at once, not after a wait
        writer.commit()
    assert _can_write_without_waiting(engine)


@pytest.mark.sqlite_only
def test_a_connection_dropped_while_writing_without_waiting_frees_the_lock_and_the_timeout(
    engine: Engine,
) -> None:
    """A connection found broken mid-write is discarded: what it held is freed all the same."""
    with without_waiting(), engine.connect() as connection:
        connection.execute(update(Organisation).values(name=Organisation.name))
        connection.invalidate()

    assert _can_write_without_waiting(engine)
    with engine.connect() as connection:
        busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert busy_timeout == SQLITE_BUSY_TIMEOUT_MS


def _drop_pooled_connection(engine: Engine) -> None:
    """One connection in the pool, which the server then drops (as a restart would)."""
    with engine.connect() as connection:
        backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    other = make_engine(engine.url.render_as_string(hide_password=False))
    with other.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_terminate_backend({backend})")
    other.dispose()


@pytest.mark.postgresql_only
def test_a_connection_dropped_while_idle_is_replaced_before_use(
    engine: Engine, monkeypatch
) -> None:
    _drop_pooled_connection(engine)
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)  # it sat long enough

    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1


@pytest.mark.postgresql_only
def test_a_connection_used_a_moment_ago_is_not_pinged(engine: Engine, monkeypatch) -> None:
    pinged: list[object] = []
    monkeypatch.setattr(engine_module, "_ping", pinged.append)
    for _ in range(3):
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    assert pinged == []

    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    assert len(pinged) == 1


def test_the_connection_pool_matches_the_threads_that_serve_requests(
    settings: Settings,
) -> None:
    from app.main import create_app

    settings = settings.model_copy(update={"threads": 7})
    with TestClient(create_app(settings)) as client:
        threads = client.portal.call(lambda: to_thread.current_default_thread_limiter())
        pool = client.app.state.engine.pool

        assert threads.total_tokens == 7
        assert pool.size() == 7
        assert pool.overflow() <= 0  # nothing lent out beyond the pool yet
        if ON_POSTGRES:
            assert pool._max_overflow == POSTGRESQL_EXTRA_CONNECTIONS
        else:  # SQLite connections are cheap: never make a request wait for one
            assert pool._max_overflow == -1


def test_an_in_memory_sqlite_database_still_works() -> None:
    engine = make_engine("sqlite://")
    with Session(engine) as session:
        assert session.exec(select(1)).one() == 1
    engine.dispose()


def _write_in_a_thread(engine: Engine, slug: str) -> threading.Thread:
    def write() -> None:
        with Session(engine) as session:
            session.add(Organisation(name=slug, slug=slug))
            session.commit()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@pytest.mark.sqlite_only
@pytest.mark.parametrize("ending", ["commit", "rollback", "close", "failed statement"])
def test_writers_in_one_process_queue_and_the_writer_ending_lets_the_next_in(
    engine: Engine, ending: str
) -> None:
    """However a writer ends, the next one in the process gets the database (no 30 s wait)."""
    session = Session(engine)
    session.add(Organisation(name="Acme", slug="acme"))
    session.flush()
    waiting = _write_in_a_thread(engine, "globex")
    waiting.join(0.3)
    assert waiting.is_alive()  # queued behind the first writer
    if ending == "failed statement":
        session.add(Organisation(name="Acme again", slug="acme"))
        with pytest.raises(IntegrityError):
            session.flush()
    getattr(session, "rollback" if ending == "failed statement" else ending)()
    session.close()
    waiting.join(10)

    assert not waiting.is_alive()
    with Session(engine) as session:
        slugs = sorted(o.slug for o in session.exec(select(Organisation)))
    assert slugs == (["acme", "globex"] if ending == "commit" else ["globex"])
