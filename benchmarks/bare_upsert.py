"""The least a server can do to save an answer: FastAPI, a database driver and one upsert.

benchmarks/workshop.py puts it under the same load as Gapwise, in the same run and on the same
database (sqlite3 on SQLite, psycopg on PostgreSQL), so the ratio between the two shows what
Gapwise's own work per save costs (its session, the checks that the link is valid and the
assessment open, validation against the framework, the ORM).
It answers the same requests: GET /p/{link} (a page with a CSRF meta tag, not checked) and
POST /p/{link}/answers with {"criterion_id", "current", "target"}.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

import psycopg
from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy.engine import make_url

from app.db.engine import SQLITE_BUSY_TIMEOUT_MS


@dataclass(frozen=True)
class Dialect:
    """The same three statements in each database's words."""

    schema: str
    participant: str  # add one: (assessment, name, token)
    find: str  # a participant's id by token
    upsert: str  # (participant, criterion, current, target)


UPSERT = """
INSERT INTO answer (participant_id, criterion_id, current, target, updated_at)
VALUES ({p}, {p}, {p}, {p}, {now})
ON CONFLICT (participant_id, criterion_id) DO UPDATE SET
    current = excluded.current, target = excluded.target, updated_at = excluded.updated_at
"""
SCHEMA = """
CREATE TABLE IF NOT EXISTS participant (
    id {key}, assessment_id INTEGER NOT NULL, name TEXT NOT NULL, token TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS answer (
    id {key}, participant_id INTEGER NOT NULL REFERENCES participant (id),
    criterion_id TEXT NOT NULL, current INTEGER, target INTEGER, updated_at {time} NOT NULL,
    UNIQUE (participant_id, criterion_id));
"""


def _dialect(p: str, key: str, time: str, now: str) -> Dialect:
    return Dialect(
        schema=SCHEMA.format(key=key, time=time),
        participant=f"INSERT INTO participant (assessment_id, name, token) VALUES ({p}, {p}, {p})",
        find=f"SELECT id FROM participant WHERE token = {p}",
        upsert=UPSERT.format(p=p, now=now),
    )


SQLITE = _dialect("?", "INTEGER PRIMARY KEY", "TEXT", "datetime('now')")
POSTGRESQL = _dialect("%s", "SERIAL PRIMARY KEY", "TIMESTAMPTZ", "now()")


class Answer(BaseModel):
    criterion_id: str
    current: int
    target: int


def _is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def connect(url: str) -> Any:
    """A connection to the database at `url` (a SQLAlchemy URL, as Gapwise's own).

    SQLite is tuned as Gapwise tunes it (app/db/engine.py): WAL, the same busy timeout,
    foreign keys, BEGIN IMMEDIATE before writes. PostgreSQL commits each statement."""
    if _is_postgresql(url):
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(plain, autocommit=True)
    connection = sqlite3.connect(
        make_url(url).database or "",
        timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        isolation_level="IMMEDIATE",
        check_same_thread=False,
    )
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def add_participants(url: str, names: list[str]) -> list[str]:
    """Create the schema and one participant per name; returns their link paths."""
    dialect = POSTGRESQL if _is_postgresql(url) else SQLITE
    tokens = [f"bare-{index}" for index in range(len(names))]
    connection = connect(url)
    with connection:  # commits (SQLite), then closes (both)
        for statement in dialect.schema.split(";"):
            if statement.strip():
                connection.execute(statement)
        for name, token in zip(names, tokens, strict=True):
            connection.execute(dialect.participant, (1, name, token))
    connection.close()
    return [f"/p/{token}" for token in tokens]


def create_app() -> FastAPI:
    url = os.environ["BARE_DATABASE"]
    dialect = POSTGRESQL if _is_postgresql(url) else SQLITE
    local = threading.local()  # one connection per server thread

    def database() -> Any:
        if not hasattr(local, "connection"):
            local.connection = connect(url)
        return local.connection

    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/p/{token}", response_class=HTMLResponse)
    def page(token: str) -> str:
        return '<meta name="csrf-token" content="unused">'

    @app.post("/p/{token}/answers")
    def save(token: str, answer: Answer) -> dict[str, bool]:
        connection = database()
        participant = connection.execute(dialect.find, (token,)).fetchone()
        if participant is None:
            raise HTTPException(status_code=404)
        values = (participant[0], answer.criterion_id, answer.current, answer.target)
        if dialect is SQLITE:
            with connection:  # BEGIN IMMEDIATE, the upsert, COMMIT
                connection.execute(dialect.upsert, values)
        else:
            connection.execute(dialect.upsert, values)  # its own transaction
        return {"saved": True}

    return app
