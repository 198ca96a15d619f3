"""`gapwise backup` of a running instance, `gapwise restore` into a fresh one: every answer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.conftest import LiveServer
from tests.test_cli import gapwise

pytestmark = pytest.mark.e2e

ANSWERS = (
    "SELECT p.name, a.criterion_id, a.current, a.target, a.dont_know, a.comment, a.updated_at "
    "FROM answer a JOIN participant p ON p.id = a.participant_id ORDER BY 1, 2"
)


def _rows(database: Path) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(ANSWERS).fetchall()


def test_a_backup_of_a_live_instance_restores_every_answer(
    live_server: LiveServer, tmp_path: Path
) -> None:
    backup = tmp_path / "gapwise-backup.db"
    fresh = tmp_path / "fresh"

    made = gapwise("backup", str(backup), data_dir=live_server.database.parent)
    restored = gapwise("restore", str(backup), data_dir=fresh)
    again = gapwise("restore", str(backup), data_dir=fresh)

    assert made.returncode == 0, made.stderr
    assert restored.returncode == 0, restored.stderr
    original = _rows(live_server.database)
    assert len(original) >= 9 * 98 and _rows(fresh / "gapwise.db") == original
    assert again.returncode == 2 and "pass --replace to overwrite them" in again.stderr
