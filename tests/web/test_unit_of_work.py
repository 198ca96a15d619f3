"""One unit of work per request: routes commit once, after they succeed, before the response
leaves; a failure stores nothing, not even the audit line of the change."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

import app
from app.config import Settings
from app.db import accounts, repository
from app.db.models import ApiToken, AuditEvent, Organisation
from app.main import create_app
from app.web.deps import SessionDep
from app.web.transactions import UnitOfWorkRoute, page_router, unit_of_work
from tests.web.test_isolation import flatten

APP = Path(app.__file__).parent
NO_COMMIT = [*sorted((APP / "db").glob("*.py")), *sorted((APP / "web").rglob("*.py"))]
COMMIT_POINTS = {"engine.py", "transactions.py", "migrations.py"}  # CLI, request, schema


def _stored(engine: Engine) -> tuple[list[str], list[str]]:
    with Session(engine) as session:
        slugs = session.exec(select(Organisation.slug)).all()
        actions = session.exec(select(AuditEvent.action)).all()
    return list(slugs), list(actions)


def _app_with(settings: Settings, *, fail: bool, seen: list[list[str]] | None = None):
    """The app plus a GET route that adds an organisation and its audit line, then fails or
    answers with a response that looks into the database as it is being sent."""
    application = create_app(settings)
    router = page_router()

    class LookingResponse(Response):
        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            assert seen is not None
            seen.append(_stored(application.state.engine)[0])
            await super().__call__(scope, receive, send)

    def write(session: Session) -> None:
        repository.create_organisation(session=session, slug="uow", name="Unit of work")
        accounts.record(session=session, action="created organisation", actor_label="test")
        if fail:
            raise RuntimeError("the change fails after writing")

    @router.get("/unit-of-work")
    def change(session: SessionDep) -> Response:
        write(session)
        return LookingResponse(status_code=303)

    def change_in_a_plain_route(request: Request) -> Response:
        with unit_of_work(request) as session:
            write(session)
        return LookingResponse(status_code=303)

    application.include_router(router)
    application.add_route("/unit-of-work/plain", change_in_a_plain_route)
    return application


ROUTES = ["/unit-of-work", "/unit-of-work/plain"]  # FastAPI's, and a plain one (the save's way)


def test_every_route_commits_through_the_unit_of_work(client: TestClient) -> None:
    routes = [r for r in flatten(client.app.routes) if isinstance(r, Route)]

    assert len(routes) > 40
    # FastAPI's schema reads no data; the save is a plain route for speed, and its endpoint
    # commits through `unit_of_work`.
    assert sorted(r.path for r in routes if not isinstance(r, UnitOfWorkRoute)) == [
        "/openapi.json",
        "/p/{invite_token}/answers",
    ]


@pytest.mark.parametrize("path", ROUTES)
def test_the_change_is_stored_before_the_response_is_sent(
    settings: Settings, engine: Engine, path: str
) -> None:
    seen: list[list[str]] = []
    with TestClient(_app_with(settings, fail=False, seen=seen)) as client:
        response = client.get(path, follow_redirects=False)

    assert response.status_code == 303
    assert seen == [["uow"]]  # another connection saw the organisation while the 303 left
    assert _stored(engine) == (["uow"], ["created organisation"])


@pytest.mark.parametrize("path", ROUTES)
def test_a_failing_request_stores_neither_the_change_nor_its_audit_line(
    settings: Settings, engine: Engine, path: str
) -> None:
    with TestClient(_app_with(settings, fail=True), raise_server_exceptions=False) as client:
        response = client.get(path)

    assert response.status_code == 500
    assert _stored(engine) == ([], [])


@pytest.mark.parametrize("path", NO_COMMIT, ids=lambda p: str(p.relative_to(APP)))
def test_only_the_unit_of_work_commits(path: Path) -> None:
    calls = {
        node.func.attr
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    if path.name not in COMMIT_POINTS:
        assert "commit" not in calls, f"{path.name} commits: leave that to the unit of work"


def test_an_api_read_notes_the_token_use_at_most_once_a_minute(
    client: TestClient, session: Session, tenants
) -> None:
    """Noting a token's use is its own short write, and rare: API reads stay reads."""
    headers = {"Authorization": f"Bearer {tenants[0].token}"}
    used = select(ApiToken.last_used_at).where(ApiToken.user_id == tenants[0].consultant.id)

    client.get("/api/v1/organisations", headers=headers)
    first = session.exec(used).one()
    client.get("/api/v1/organisations", headers=headers)
    again = session.exec(used).one()

    assert first is not None and again == first
