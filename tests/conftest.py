"""Shared fixtures: every test gets its own data folder and database (see databases.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.config import PROJECT_ROOT, Settings, load_settings
from app.db import repository
from app.db.engine import make_engine
from app.db.migrations import migrate
from app.db.models import Assessment
from app.demo import create_demo, reset_demo_consultant
from app.main import create_app
from tests.databases import ON_POSTGRES, database_for, drop_databases_under
from tests.factories import Tenant, make_tenant, sign_in

DATA = Path(__file__).parent / "data"
MINI_FRAMEWORK = DATA / "mini-framework.yaml"
QUESTIONNAIRES = PROJECT_ROOT / "questionnaires"


@pytest.fixture(autouse=True)
def _no_gapwise_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's own GAPWISE_* settings."""
    import os

    for name in list(os.environ):
        if name.startswith("GAPWISE_"):
            monkeypatch.delenv(name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In the PostgreSQL run, leave out the tests about SQLite itself (pytest counts them)."""
    left_out = [item for item in items if ON_POSTGRES and item.get_closest_marker("sqlite_only")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]


def pytest_sessionfinish() -> None:
    """Drop the databases still left (a live server's), should the server outlive the run."""
    drop_databases_under(Path("/"))


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL' if ON_POSTGRES else 'SQLite'}"


@pytest.fixture(autouse=True)
def _drop_test_databases(tmp_path: Path) -> Iterator[None]:
    """A test's PostgreSQL databases go when it ends (SQLite files go with tmp_path)."""
    yield
    drop_databases_under(tmp_path)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    data_dir = tmp_path / "var"
    return load_settings(
        data_dir=data_dir, database_url=database_for(data_dir), questionnaires_dir=QUESTIONNAIRES
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated database with the shipped questionnaires loaded."""
    engine = make_engine(settings.sqlalchemy_url)
    migrate(engine)
    with Session(engine) as session:
        repository.store_questionnaires(session=session, directory=settings.questionnaires_dir)
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def tenants(session: Session) -> tuple[Tenant, Tenant]:
    """Two client organisations that must never see each other's data."""
    return make_tenant(session, "Acme"), make_tenant(session, "Globex")


@pytest.fixture
def api_token(tenants: tuple[Tenant, Tenant]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tenants[0].token}"}


@pytest.fixture
def demo(client: TestClient, session: Session) -> Assessment:
    """The demo assessment (nine participants), with its consultant signed in."""
    create_demo(session)
    email, password = reset_demo_consultant(session)
    session.commit()
    sign_in(client, email, password)
    return session.exec(select(Assessment)).one()
