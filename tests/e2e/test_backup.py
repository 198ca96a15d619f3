"""`gapwise backup` of a running instance, `gapwise restore` into a fresh one: every answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.databases import database_for, rows
from tests.e2e.conftest import LiveServer
from tests.test_cli import gapwise

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only]  # PostgreSQL has pg_dump

ANSWERS = (
    "SELECT p.name, a.criterion_id, a.current, a.target, a.dont_know, a.comment, a.updated_at "
    "FROM answer a JOIN participant p ON p.id = a.participant_id ORDER BY 1, 2"
)


def test_a_backup_of_a_live_instance_restores_every_answer(
    live_server: LiveServer, tmp_path: Path
) -> None:
    backup = tmp_path / "gapwise-backup.db"
    fresh = tmp_path / "fresh"

    made = gapwise("backup", str(backup), data_dir=live_server.data_dir)
    restored = gapwise("restore", str(backup), data_dir=fresh)
    again = gapwise("restore", str(backup), data_dir=fresh)

    assert made.returncode == 0, made.stderr
    assert restored.returncode == 0, restored.stderr
    original = rows(live_server.database_url, ANSWERS)
    assert len(original) >= 7 * 106 and rows(database_for(fresh), ANSWERS) == original  # 2 part-way
    assert again.returncode == 2 and "pass --replace to overwrite them" in again.stderr
