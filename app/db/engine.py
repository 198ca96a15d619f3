"""The database engine: SQLite tuned for concurrent readers and one writer, or PostgreSQL.

On SQLite, reads run outside any transaction (WAL: they never wait), and sqlite3 opens a
transaction only before the first write, with BEGIN IMMEDIATE: the write lock is taken before
anything is written, never by upgrading a transaction that began by reading, and it is held
until the commit. Other writers wait for it (polling, up to the busy timeout).
Keep it that way: a savepoint (begin_nested) or a per-connection isolation_level option would
quietly turn this off.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, Engine, event, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000  # a save waits behind a burst of others rather than fail
DEFAULT_CONNECTIONS = 40  # anyio's default thread pool, which runs the routes
POSTGRESQL_EXTRA_CONNECTIONS = 10


def make_engine(url: str, *, connections: int = DEFAULT_CONNECTIONS) -> Engine:
    """An engine whose pool keeps a connection for every thread that serves requests.

    A request holds its connection from its first query to its end, also while it waits for
    a thread, so more requests than threads can hold one. SQLite connections are cheap and
    open without limit beyond that; PostgreSQL's count against the server's max_connections.
    """
    if url.startswith("sqlite"):
        # sqlite3 itself says BEGIN IMMEDIATE before the first INSERT, UPDATE or DELETE.
        driver = {"check_same_thread": False, "isolation_level": "IMMEDIATE"}
        in_memory = make_url(url).database in (None, "", ":memory:")
        pool = {} if in_memory else {"pool_size": connections, "max_overflow": -1}
        engine = create_engine(url, connect_args=driver, **pool)
        event.listen(engine, "connect", _tune_sqlite)
        _queue_writers(engine)
        return engine
    pool = {"pool_size": connections, "max_overflow": POSTGRESQL_EXTRA_CONNECTIONS}
    engine = create_engine(url, **pool)
    _ping_when_idle(engine)
    return engine


PING_AFTER_IDLE_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """A PostgreSQL connection that sat in the pool PING_AFTER_IDLE_SECONDS or more is tried
    with `SELECT 1` before use, and replaced if the server dropped it (a restart, an idle
    timeout), so the request using it does not fail. SQLAlchemy's own `pool_pre_ping` tries
    every connection at every use: a round trip on each request, 10-15 % of a save's CPU
    (docs/performance.md). One used a moment ago is as alive as the ping would prove.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_driver: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(driver: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # new, or used a moment ago
        try:
            _ping(driver)
        except Exception:  # dropped: the pool replaces it and checks out again
            raise DisconnectionError("the database dropped this idle connection") from None


def _ping(driver: Any) -> None:
    with driver.cursor() as cursor:
        cursor.execute("SELECT 1")
    driver.rollback()  # no transaction left open by the ping


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run during a write; the busy timeout makes writers wait, not fail."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


_WRITE = ("insert", "update", "delete", "replace")


class WouldWait(Exception):
    """A write inside `without_waiting` found the database's write lock taken; nothing was
    written."""


_WITHOUT_WAITING: ContextVar[bool] = ContextVar("gapwise_without_waiting", default=False)


@contextmanager
def without_waiting() -> Iterator[None]:
    """SQLite writes in the block take the write lock only if it is free at once, else raise
    WouldWait before their first statement: when another thread of this process writes or
    waits to (they go first), or another process holds SQLite's lock (the busy timeout is 0
    for every statement in the block, reads too). For a save on the event loop, which must
    not wait for anyone."""
    wanted = _WITHOUT_WAITING.set(True)
    try:
        yield
    except OperationalError as error:
        if isinstance(error.orig, sqlite3.OperationalError) and "locked" in str(error.orig):
            raise WouldWait from None  # SQLite's own lock: another process writes
        raise
    finally:
        _WITHOUT_WAITING.reset(wanted)


class _Waiting:
    """How many threads wait for the writers' lock."""

    def __init__(self) -> None:
        self._counting = threading.Lock()
        self.count = 0

    @contextmanager
    def one(self) -> Iterator[None]:
        with self._counting:
            self.count += 1
        try:
            yield
        finally:
            with self._counting:
                self.count -= 1


def _queue_writers(engine: Engine) -> None:
    """Writers in this process wait for each other in a queue, not in SQLite's busy handler.

    SQLite's waiters poll for the write lock with growing sleeps (up to 100 ms), so under a
    burst of saves most of a waiter's time is sleep after the lock was already free. A
    process-wide lock taken before the first write and released at commit or rollback hands
    the database over at once. Other processes still meet SQLite's own lock and timeout.
    A writer that must not wait (`without_waiting`) takes the lock only when it is free and
    nobody waits for it, so it never overtakes a writer that waits.
    """
    lock = threading.Lock()
    waiting = _Waiting()

    @event.listens_for(engine, "before_cursor_execute")
    def _before(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        info = connection.info
        without_waiting = _WITHOUT_WAITING.get()
        if without_waiting and not info.get("busy_timeout_off"):
            cursor.connection.execute("PRAGMA busy_timeout=0")  # reads too: none may wait
            info["busy_timeout_off"] = True  # put back at the end (_release)
        if info.get("writing") or not statement.lstrip()[:7].lower().startswith(_WRITE):
            return
        if without_waiting:
            if waiting.count or not lock.acquire(blocking=False):
                raise WouldWait
        else:
            with waiting.one():
                acquired = lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
            if not acquired:
                raise sqlite3.OperationalError("database is locked")  # as SQLite's timeout says
        info["writing"] = True

    def _release(info: dict[str, Any], driver_connection: Any) -> None:
        """At the end of a transaction, and when a connection goes back to the pool (also one
        dropped as broken: no driver connection then, and the lock must still be freed)."""
        try:
            if info.pop("busy_timeout_off", False) and driver_connection is not None:
                driver_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            if info.pop("writing", False):
                lock.release()

    def _ended(connection: Any) -> None:
        try:
            driver_connection = connection.connection.driver_connection
        except SQLAlchemyError:  # dropped as broken: checkin frees what it held
            return
        _release(connection.info, driver_connection)

    event.listen(engine, "commit", _ended)
    event.listen(engine, "rollback", _ended)
    event.listen(engine, "checkin", lambda driver, record: _release(record.info, driver))


SQLITE_SAVES_AT_ONCE = 2


def saves_at_once(engine: Engine) -> int | None:
    """How many saves a server worker should run in threads at once; None for as many as it
    has threads.

    SQLite writes one at a time (the writers' queue above), so a burst of saves in 40 threads
    mostly waits for that lock, and every wait and hand-over is a thread switch: two at a time
    lets one save read while the other commits (benchmarks/workshop.py: 5 % more saves a second
    and a third off p95 than 40 at once, and one at a time gains less). PostgreSQL writes in
    parallel and waits on the network between statements: a limit there costs throughput.
    """
    return SQLITE_SAVES_AT_ONCE if engine.dialect.name == "sqlite" else None


def saves_on_the_event_loop(engine: Engine) -> bool:
    """Whether a save is tried on the server's event loop first (`without_waiting`), falling
    back to a thread when it would wait. On SQLite a save takes 1-2 ms of the worker's core,
    and handing it to a thread and back (the interpreter's lock passed between the two at each
    of its statements) took a third of that: 590 saves/s in a thread, 820-860 on the loop.
    PostgreSQL's statements wait on the network: they stay in threads."""
    return engine.dialect.name == "sqlite"


def one_statement_at_a_time(session: Session) -> None:
    """On PostgreSQL, each statement of the session's unit of work commits on its own
    (autocommit), from its first statement on: for a unit whose one write is one statement
    (the save, repository.save_answer), which is then exactly as atomic, without the BEGIN
    and COMMIT round trips around it (two of a save's four). A save took 12 % less CPU in
    process, and a served workshop made 6 % more saves a second (three runs back to back,
    docs/performance.md). The pool puts the connection back in transactions when the
    session ends. SQLite's transactions cost no round trip, and its writers' queue (above)
    is kept per transaction: nothing changes there."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def core_connection(session: Session) -> Connection:
    """The session's connection, for a Core statement in its transaction: the few statements
    a save runs, past the ORM's per-statement work. Pending ORM changes are flushed first, as
    `session.execute` would, so the statement sees them and rows are locked in the same order."""
    session.flush()
    return session.connection()


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
