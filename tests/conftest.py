"""Shared fixtures: every test gets its own data folder and database (see databases.py)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.auth import secrets
from app.config import PROJECT_ROOT, Settings, load_settings
from app.db import repository
from app.db.engine import make_engine
from app.db.migrations import migrate
from app.db.models import Assessment
from app.demo import create_demo, reset_demo_consultant
from app.main import create_app
from app.reports import worker
from tests.databases import ON_POSTGRES, database_for, drop_databases_under
from tests.factories import Tenant, make_tenant, sign_in
from tests.passwords import CHEAP_PASSWORD_HASHER, hashed_as_in_production

T = TypeVar("T")

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


# In this process passwords are hashed at argon2's lowest cost (tests/passwords.py); one test
# pins the production parameters (tests/web/test_auth.py), and every server the tests start
# stores passwords hashed at production cost.
secrets.PASSWORD_HASHER = CHEAP_PASSWORD_HASHER


@pytest.fixture
def production_password_hashing() -> Iterator[None]:
    with hashed_as_in_production():
        yield


@pytest.fixture(autouse=True)
def _collector_thresholds_kept() -> Iterator[None]:
    """A started app raises the cycle collector's threshold for its whole process (a serving
    process serves one app): each test starts from the thresholds the process began with."""
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)


@pytest.fixture(autouse=True)
def _reports_rendered_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The routes and the CLI draw a PDF or a deck in a fresh worker process (a time limit
    stops a runaway render); starting one takes seconds, so in this process they are drawn in
    place. The worker itself is tested: its time limit in tests/reports/test_pdf.py, the whole
    path by tests/e2e/test_report.py against a real server."""

    def render_here(render: Callable[[T], bytes], data: T, time_limit: float = 0) -> bytes:
        return render(data)

    monkeypatch.setattr(worker, "render_in_worker", render_here)
    monkeypatch.setattr(worker, "prepare_worker", lambda ahead=None: None)  # no process waits


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """With parallel workers (`-n 2 --dist loadgroup`) the end-to-end tests share one worker,
    so one live server and one Chromium serve them all, as in a serial run; every other test
    goes wherever a worker is free. (xdist_group marks would say the same, but under pytest
    9.2 xdist no longer sees them: pytest-xdist issue 1386.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class EndToEndTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "e2e" if nodeid.startswith("tests/e2e/") else nodeid

    return EndToEndTogether(config, log)  # type: ignore[arg-type]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out (pytest counts them) the tests about SQLite itself in the PostgreSQL run, and
    those about what a page shows and does, in a browser or a document, which the database
    does not change, in one of the two runs (`_run_elsewhere`)."""
    left_out = [item for item in items if _run_elsewhere(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item not in left_out]
    items.sort(key=_browsers_apart)


def _browsers_apart(item: pytest.Item) -> bool:
    """The SQLite run takes its end-to-end tests first and the PostgreSQL run, side by side,
    last: two runs' browsers and servers at once made both runs' end-to-end tests a third
    slower (docs/testing.md). A stable sort: the order is otherwise kept."""
    return item.nodeid.startswith("tests/e2e/") == ON_POSTGRES


# Tests of plain Python that never opens a database (app/domain may import no database code,
# and the questionnaire files are read as files): the same in either run, so run in one.
NO_DATABASE = (
    "tests/domain/",
    "tests/test_questionnaires.py",
    "tests/test_questionnaire_wording.py",
)


def _run_elsewhere(item: pytest.Item) -> bool:
    """`sqlite_only` runs in the SQLite run, `postgresql_only` in the PostgreSQL run;
    `pages_only` in one run: the SQLite run, or the
    PostgreSQL run for `pages_only(run="postgresql")`, so that the two runs, side by side on
    two cores, take about as long as each other (docs/testing.md). The tests that open no
    database (NO_DATABASE) run in the SQLite run."""
    if item.get_closest_marker("sqlite_only") or item.nodeid.startswith(NO_DATABASE):
        return ON_POSTGRES
    if item.get_closest_marker("postgresql_only"):
        return not ON_POSTGRES
    pages = item.get_closest_marker("pages_only")
    if pages is None:
        return False
    run = pages.kwargs.get("run", "sqlite")
    if run not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f'{item.nodeid}: pages_only(run=...) is "sqlite" or "postgresql"')
    return ON_POSTGRES != (run == "postgresql")


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


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated and loaded with the shipped questionnaires, once per test process:
    each test gets a copy of it (a file copy, or PostgreSQL's CREATE DATABASE ... TEMPLATE)."""
    url = database_for(tmp_path_factory.mktemp("template"))
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        repository.store_questionnaires(session=session, directory=QUESTIONNAIRES)
        session.commit()
    engine.dispose()  # a template must be idle to be copied
    return url


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, migrated_template: str) -> str:
    """The template with the demo workspace in it, made once per test process: creating it
    is about 1,400 statements (1.5-2 s), which every test of the demo paid before."""
    url = database_for(tmp_path_factory.mktemp("demo-template"), template=migrated_template)
    engine = make_engine(url)
    with Session(engine) as session:
        create_demo(session)
        session.commit()
    engine.dispose()  # a template must be idle to be copied
    return url


@pytest.fixture
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    """A data folder whose database is a copy of the template: with the demo in it for a
    test that uses the `demo` fixture (directly or through another fixture)."""
    template = "demo_template" if "demo" in request.fixturenames else "migrated_template"
    data_dir = tmp_path / "var"
    database_url = database_for(data_dir, template=request.getfixturevalue(template))
    return load_settings(  # warming in the background only where a test asks for it
        data_dir=data_dir,
        database_url=database_url,
        questionnaires_dir=QUESTIONNAIRES,
        warm_results=False,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A migrated database with the shipped questionnaires loaded (a copy of the template)."""
    engine = make_engine(settings.sqlalchemy_url)
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
    """The demo assessment (nine participants), with its consultant signed in; the database
    is a copy of `demo_template` (see `settings`)."""
    email, password = reset_demo_consultant(session)
    session.commit()
    sign_in(client, email, password)
    return session.exec(select(Assessment)).one()
