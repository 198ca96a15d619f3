"""The least a server can do to save an answer: FastAPI, sqlite3 and one upsert.

benchmarks/workshop.py puts it under the same load as Gapwise, in the same run, so the ratio
between the two shows what Gapwise's own work per save costs (its session, the checks that
the link is valid and the assessment open, validation against the framework, the ORM).
It answers the same requests: GET /p/{link} (a page with a CSRF meta tag, not checked) and
POST /p/{link}/answers with {"criterion_id", "current", "target"}.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from app.db.engine import SQLITE_BUSY_TIMEOUT_MS

SCHEMA = """
CREATE TABLE IF NOT EXISTS participant (
    id INTEGER PRIMARY KEY, assessment_id INTEGER NOT NULL, name TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS answer (
    id INTEGER PRIMARY KEY, participant_id INTEGER NOT NULL REFERENCES participant (id),
    criterion_id TEXT NOT NULL, current INTEGER, target INTEGER, updated_at TEXT NOT NULL,
    UNIQUE (participant_id, criterion_id));
"""
UPSERT = """
INSERT INTO answer (participant_id, criterion_id, current, target, updated_at)
VALUES (?, ?, ?, ?, datetime('now'))
ON CONFLICT (participant_id, criterion_id) DO UPDATE SET
    current = excluded.current, target = excluded.target, updated_at = excluded.updated_at
"""


class Answer(BaseModel):
    criterion_id: str
    current: int
    target: int


def connect(path: Path | str) -> sqlite3.Connection:
    """Tuned as Gapwise tunes SQLite (app/db/engine.py): WAL, the same busy timeout, foreign
    keys, BEGIN IMMEDIATE before writes."""
    connection = sqlite3.connect(
        path,
        timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        isolation_level="IMMEDIATE",
        check_same_thread=False,
    )
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def add_participants(path: Path, names: list[str]) -> list[str]:
    """Create the schema and one participant per name; returns their link paths."""
    with connect(path) as connection:
        connection.executescript(SCHEMA)
        tokens = [f"bare-{index}" for index in range(len(names))]
        connection.executemany(
            "INSERT INTO participant (assessment_id, name, token) VALUES (1, ?, ?)",
            zip(names, tokens, strict=True),
        )
    return [f"/p/{token}" for token in tokens]


def create_app() -> FastAPI:
    path = os.environ["BARE_DATABASE"]
    local = threading.local()  # one connection per server thread

    def database() -> sqlite3.Connection:
        if not hasattr(local, "connection"):
            local.connection = connect(path)
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
        found = connection.execute("SELECT id FROM participant WHERE token = ?", (token,))
        participant = found.fetchone()
        if participant is None:
            raise HTTPException(status_code=404)
        with connection:
            connection.execute(
                UPSERT, (participant[0], answer.criterion_id, answer.current, answer.target)
            )
        return {"saved": True}

    return app
