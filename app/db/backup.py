"""Backing up and restoring the SQLite database while the server runs (PostgreSQL: pg_dump)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupRefused(Exception):
    """The backup or restore cannot be done as asked; the message says why, in one line."""


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupRefused(
            "backups of PostgreSQL are made with pg_dump and restored with pg_restore; "
            "see docs/deployment.md"
        )
    return Path(url.database)


def backup(database_url: str, destination: Path) -> int:
    """Copy the live database consistently (SQLite's online backup); return its size in bytes."""
    source_path = sqlite_path(database_url)
    if destination.exists():
        raise BackupRefused(f"{destination} already exists; choose a new file name")
    _copy(source_path, destination)
    return destination.stat().st_size


def restore(database_url: str, backup_file: Path, *, replace: bool) -> None:
    """Copy a backup into the configured database; refuse to overwrite data unless asked."""
    target_path = sqlite_path(database_url)
    _check_backup(backup_file)
    if _has_assessments(target_path) and not replace:
        raise BackupRefused(
            f"{target_path} already holds assessments; pass --replace to overwrite them"
        )
    _copy(backup_file, target_path)


def versions_reached(database_url: str) -> dict[int, int]:
    """Each assessment's data version in the database a restore is about to replace."""
    path = sqlite_path(database_url)
    if not path.exists():
        return {}
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(connection.execute("SELECT id, data_version FROM assessment").fetchall())
    except sqlite3.OperationalError as problem:
        if str(problem).startswith(("no such table", "no such column")):
            return {}  # no tables yet, or from before data versions: nothing kept by version
        raise BackupRefused(f"{path}: cannot be read before the restore ({problem})") from None
    finally:
        connection.close()


def move_versions_past(database_url: str, reached: dict[int, int]) -> None:
    """Give each restored assessment a data version past the one the replaced database had
    reached (`versions_reached`). Results in a running server's memory and charts and reports
    on disk are kept by data version: the restored data must never reach again a version
    under which the replaced data's outputs may be kept."""
    connection = sqlite3.connect(sqlite_path(database_url))
    try:
        with connection:
            connection.executemany(
                "UPDATE assessment SET data_version = max(data_version, ?) + 1 WHERE id = ?",
                [(version, assessment_id) for assessment_id, version in reached.items()],
            )
    finally:
        connection.close()


def _copy(source_path: Path, target_path: Path) -> None:
    """SQLite's online backup: a consistent copy even while others write to the source."""
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _check_backup(path: Path) -> None:
    if not path.is_file():
        raise BackupRefused(f"{path}: no such file")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
            connection.execute("SELECT count(*) FROM assessment").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as problem:
        raise BackupRefused(f"{path}: not a Gapwise backup ({problem})") from None
    if verdict != "ok":
        raise BackupRefused(f"{path}: the backup is damaged ({verdict})")


def _has_assessments(path: Path) -> bool:
    if not path.exists():
        return False
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return bool(connection.execute("SELECT count(*) FROM assessment").fetchone()[0])
    except sqlite3.OperationalError:  # no tables yet: a fresh database
        return False
    finally:
        connection.close()
