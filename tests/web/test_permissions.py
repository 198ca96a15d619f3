"""Routes follow the permission table: walk every route that needs more than reading, as
each role, and expect 403 exactly where app/domain/policy.py says no."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.routing import Route

from app.domain.policy import Action, Role, can
from app.web.deps import Permission
from tests.factories import Tenant, make_admin, sign_in
from tests.web.test_isolation import call, flatten, victim_ids

# Live streams never end for someone allowed to open them (TestClient would wait forever):
# they are walked only where refused here, and opened in tests/e2e/test_workshop*.py.
STREAMS = {"/workshops/{workshop_id}/events"}


def actions_of(route: Route) -> set[Action]:
    """Every action a route's dependencies check, however deep (a plain Starlette route has
    no dependencies, so it checks none)."""
    if not isinstance(route, APIRoute):
        return set()
    found, stack = set(), [route.dependant]
    while stack:
        dependant = stack.pop()
        if isinstance(dependant.call, Permission):
            found.add(dependant.call.action)
        stack.extend(dependant.dependencies)
    return found


def guarded_routes(client: TestClient) -> list[tuple[str, str, set[Action]]]:
    routes = []
    for route in flatten(client.app.routes):
        if isinstance(route, APIRoute) and actions_of(route) - {Action.READ_ASSESSMENTS}:
            routes.extend((m, route.path, actions_of(route)) for m in sorted(route.methods))
    return routes


def test_every_route_that_changes_data_names_its_action(client: TestClient) -> None:
    unguarded = [
        (method, route.path)
        for route in flatten(client.app.routes)
        if isinstance(route, Route)  # FastAPI's routes, and plain ones
        for method in route.methods
        if method == "POST" and not actions_of(route)
    ]
    # Signing in and out, and a participant's own answers and workshop votes, and asking to
    # join a workshop with its code (their link, or the code on the screen, is the permission).
    assert sorted(unguarded) == [
        ("POST", "/join"),
        ("POST", "/login"),
        ("POST", "/logout"),
        ("POST", "/p/{invite_token}/answers"),
        ("POST", "/p/{invite_token}/areas/{area_id}"),
        ("POST", "/p/{invite_token}/submit"),
        ("POST", "/vote/{voter_token}"),
    ]


def test_each_role_is_refused_exactly_what_the_table_refuses(
    client: TestClient, session: Session, tenants: tuple[Tenant, Tenant]
) -> None:
    own = tenants[0]
    admin = make_admin(session)
    ids = {**victim_ids(session, own), "user_id": own.viewer.id}
    routes = guarded_routes(client)
    assert len(routes) >= 15

    # The viewer first: the consultant's walk removes the viewer's membership.
    for role, user in ((Role.VIEWER, own.viewer), (Role.CONSULTANT, own.consultant)):
        sign_in(client, user.email)
        for method, path, actions in routes:
            allowed = all(can(role, action) for action in actions)
            if allowed and path in STREAMS:
                continue
            status = call(client, method, path.format(**ids)).status_code
            assert (status == 403) is not allowed, f"{role} {method} {path}: {status}"
    sign_in(client, admin.email)
    for method, path, _ in routes:
        if path in STREAMS:
            continue
        status = call(client, method, path.format(**ids)).status_code
        assert status != 403, f"admin {method} {path}: {status}"
