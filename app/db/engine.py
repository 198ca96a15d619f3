"""The database engine: SQLite tuned for concurrent readers and one writer, or PostgreSQL.

On SQLite, reads run outside any transaction and a write opens one with BEGIN IMMEDIATE: it
takes the write lock up front, waits its turn for up to the busy timeout, and holds the lock
only until its commit. A transaction that began by reading and then wrote could not wait: if
another writer had committed meanwhile, SQLite would refuse it at once ("database is locked").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000  # a save queues behind a burst of others rather than fail
DEFAULT_CONNECTIONS = 40  # anyio's default thread pool, which runs the routes
EXTRA_CONNECTIONS = 10  # for requests that hold a connection while no thread runs them


def make_engine(url: str, *, connections: int = DEFAULT_CONNECTIONS) -> Engine:
    """An engine whose pool has a connection for every thread that serves requests."""
    pool = {"pool_size": connections, "max_overflow": EXTRA_CONNECTIONS}
    if url.startswith("sqlite"):
        # sqlite3 itself says BEGIN IMMEDIATE before the first INSERT, UPDATE or DELETE.
        driver = {"check_same_thread": False, "isolation_level": "IMMEDIATE"}
        engine = create_engine(url, connect_args=driver, **pool)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run during a write; the busy timeout makes writers wait, not fail."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
