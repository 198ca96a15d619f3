"""Which database a test's data folder uses: its own SQLite file, or its own PostgreSQL database.

`scripts/test` runs the suite twice: once on SQLite files, then inside `scripts/with-postgres`,
which starts a throw-away PostgreSQL server and sets GAPWISE_TEST_POSTGRES_URL. There, every
data folder a test uses (the fixtures', a CLI run's, a live server's) gets a fresh database.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from uuid import uuid4

from sqlalchemy import NullPool, create_engine, make_url, text

POSTGRES_URL = os.environ.get("GAPWISE_TEST_POSTGRES_URL", "")
ON_POSTGRES = bool(POSTGRES_URL)

_databases: dict[Path, str] = {}


def database_for(data_dir: Path, *, template: str = "") -> str:
    """The database URL of a data folder, created the first time it is asked for: empty, or
    a copy of the `template` database (a URL from this function), which must be idle."""
    if template and (data_dir in _databases or (data_dir / "gapwise.db").exists()):
        raise ValueError(f"{data_dir} has a database already: copy the template first")
    if not ON_POSTGRES:
        path = data_dir / "gapwise.db"
        if template:
            data_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(make_url(template).database or "", path)
        return f"sqlite:///{path}"
    if data_dir not in _databases:
        name = f"gapwise_test_{uuid4().hex[:16]}"
        # FILE_COPY: copying the files takes 30 ms against WAL_LOG's 50 (PostgreSQL 15, fsync off)
        copy = f' TEMPLATE "{make_url(template).database}" STRATEGY FILE_COPY' if template else ""
        _run_on_server(f'CREATE DATABASE "{name}"{copy}')
        url = make_url(POSTGRES_URL).set(database=name)
        _databases[data_dir] = url.render_as_string(hide_password=False)
    return _databases[data_dir]


def drop_databases_under(folder: Path) -> None:
    """Drop the databases of data folders inside `folder` (a finished test's tmp_path)."""
    for data_dir in [d for d in _databases if d.is_relative_to(folder)]:
        name = make_url(_databases.pop(data_dir)).database
        _run_on_server(f'DROP DATABASE "{name}" WITH (FORCE)')


def rows(url: str, query: str, **parameters: object) -> list[tuple]:
    """What a server stored, read straight from its database."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query), parameters)]
    finally:
        engine.dispose()


def _run_on_server(statement: str) -> None:
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()
