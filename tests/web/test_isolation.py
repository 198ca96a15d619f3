"""Tenant isolation: walk every route that takes an id as the wrong tenant, anonymous, and with
a revoked token. Nothing of the other tenant may be read, changed, or even confirmed to exist."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import Session, select
from starlette.routing import Route

from app.db import accounts, repository, roadmaps, workshops
from app.db.models import ApiToken, RoadmapItem
from tests.factories import Tenant, csrf_from, sign_in

SHARED = {"framework_id", "snapshot_id"}  # frameworks are the instance's, not a tenant's data
LINKS = {"invite_token", "voter_token", "join_token"}  # a participant's links: no account


def flatten(routes: list) -> list:
    """app.routes, with routers that FastAPI includes lazily opened up."""
    flat = []
    for route in routes:
        included = getattr(route, "original_router", None)
        flat.extend(flatten(included.routes) if included is not None else [route])
    return flat


def id_routes(client: TestClient) -> list[tuple[str, str, set[str]]]:
    """(method, path, names of its path parameters) for every route with a parameter."""
    routes = []
    for route in flatten(client.app.routes):
        params = set(re.findall(r"{(\w+)", getattr(route, "path", "")))
        if isinstance(route, Route) and params:  # FastAPI's routes, and plain ones
            routes.extend((method, route.path, params) for method in sorted(route.methods))
    return routes


def victim_workshop(session: Session, victim: Tenant) -> tuple[int, int, int]:
    """The victim's live workshop (made once), one of its agenda items, one person who joined."""
    workshop = workshops.live_workshop_of(session=session, assessment_id=victim.assessment.id)
    if workshop is None:
        workshop = workshops.create_workshop(
            session=session,
            assessment=victim.assessment,
            title="secret comment of the workshop",
            criterion_ids=["cm-cross-channel-ownership"],
        )
        workshops.start_join(
            session=session, workshop=workshop, name="secret comment of", address=""
        )
        session.commit()
    item = workshops.items_of(session=session, workshop_id=workshop.id)[0]
    join = workshops.joins_of(session=session, workshop_id=workshop.id)[0]
    return workshop.id, item.id, join.id


def victim_ids(session: Session, victim: Tenant) -> dict[str, object]:
    token = session.exec(select(ApiToken).where(ApiToken.user_id == victim.consultant.id)).one()
    workshop_id, agenda_item_id, join_id = victim_workshop(session, victim)
    return {
        "workshop_id": workshop_id,
        "agenda_item_id": agenda_item_id,
        "join_id": join_id,
        "voter_token": "not-a-real-voter-token-but-long-enough-to-look-like-one",
        "join_token": "not-a-real-join-token-but-long-enough-to-look-like-one",
        "organisation_id": victim.organisation.id,
        "assessment_id": victim.assessment.id,
        "participant_id": victim.participant.id,
        "user_id": victim.consultant.id,
        "token_id": token.id,
        "invite_token": "not-a-real-invite-token-but-long-enough-to-look-like-one",
        "framework_id": "reap-blueprint",
        "snapshot_id": repository.latest_snapshot(
            session=session, framework_key="reap-blueprint"
        ).id,
        "area_id": "channels-media",
        "chart_name": "radar",
        "export_format": "json",
        "item_id": session.exec(
            select(RoadmapItem.id).where(RoadmapItem.assessment_id == victim.assessment.id)
        ).one(),
    }


def leaked(text: str, victim: Tenant) -> list[str]:
    secrets = [
        victim.organisation.name,
        victim.assessment.title,
        victim.participant.name,
        victim.consultant.email,
        "secret comment of",
    ]
    return [s for s in secrets if s in text]


def call(client: TestClient, method: str, url: str, headers: dict[str, str] | None = None):
    headers = dict(headers or {})
    if method == "GET":
        return client.get(url, headers=headers, follow_redirects=False)
    if "Authorization" not in headers:
        headers["X-CSRF-Token"] = csrf_from(client.get("/").text)
    return client.request(method, url, headers=headers, follow_redirects=False)


def test_the_walk_covers_every_id_route(client: TestClient, session: Session, tenants) -> None:
    known = set(victim_ids(session, tenants[1]))
    routes = id_routes(client)

    for _, path, params in routes:
        assert set(params) <= known, f"{path}: add its ids to victim_ids()"
    assert len(routes) >= 12


def test_wrong_tenant_gets_404_or_403_and_no_data(
    client: TestClient, session: Session, tenants
) -> None:
    attacker, victim = tenants
    ids = victim_ids(session, victim)
    sign_in(client, attacker.consultant.email)

    for method, path, params in id_routes(client):
        if set(params) & SHARED:
            continue
        response = call(client, method, path.format(**ids))
        assert response.status_code in (403, 404), f"{method} {path}: {response.status_code}"
        assert not leaked(response.text, victim), (
            f"{method} {path} leaked {leaked(response.text, victim)}"
        )

    assert accounts.members_of(session=session, organisation=victim.organisation)
    assert accounts.participant_for_invite(session=session, secret=victim.invite) is not None
    assert len(repository.answers_of(session=session, assessment=victim.assessment)) == 1
    (item,) = roadmaps.roadmap_of(session=session, assessment=victim.assessment)
    assert item.title == "secret comment of Globex plan"


def test_own_container_with_the_other_tenants_inner_id_is_404(
    client: TestClient, session: Session, tenants
) -> None:
    """E.g. my assessment's URL with their participant's id: the inner id must be checked too."""
    attacker, victim = tenants
    mixed = {
        **victim_ids(session, victim),
        "organisation_id": attacker.organisation.id,
        "assessment_id": attacker.assessment.id,
    }
    sign_in(client, attacker.consultant.email)

    walked = 0
    for method, path, params in id_routes(client):
        if not params & {
            "participant_id",
            "user_id",
            "token_id",
            "item_id",
            "agenda_item_id",
            "join_id",
        }:
            continue
        walked += 1
        response = call(client, method, path.format(**mixed))
        assert response.status_code in (403, 404), f"{method} {path}: {response.status_code}"
        assert not leaked(response.text, victim), f"{method} {path}"
    assert walked >= 4


def test_anonymous_caller_gets_401_or_404(client: TestClient, session: Session, tenants) -> None:
    ids = victim_ids(session, tenants[1])

    for method, path, _ in id_routes(client):
        if method == "GET" and path.startswith("/frameworks/"):
            continue  # the public framework browser
        response = call(client, method, path.format(**ids))
        assert response.status_code in (401, 403, 404), f"{method} {path}: {response.status_code}"
        assert not leaked(response.text, tenants[1]), f"{method} {path}"


def test_revoked_token_gets_401_everywhere(client: TestClient, session: Session, tenants) -> None:
    owner = tenants[0]
    token = session.exec(select(ApiToken).where(ApiToken.user_id == owner.consultant.id)).one()
    accounts.revoke_api_token(session=session, user=owner.consultant, token_id=token.id)
    session.commit()
    own_ids = victim_ids(session, owner)
    headers = {"Authorization": f"Bearer {owner.token}"}

    for method, path, params in id_routes(client):
        if params & LINKS or (method == "GET" and path.startswith("/frameworks/")):
            continue  # participant links and the public framework browser take no token
        response = call(client, method, path.format(**own_ids), headers)
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"


def test_each_tenant_reads_its_own_data(client: TestClient, tenants) -> None:
    own, other = tenants
    headers = {"Authorization": f"Bearer {own.token}"}

    listed = client.get("/api/v1/organisations", headers=headers).json()
    detail = client.get(f"/api/v1/assessments/{own.assessment.id}", headers=headers)

    assert [o["name"] for o in listed] == [own.organisation.name]
    assert detail.status_code == 200
    assert detail.json()["title"] == own.assessment.title
    assert (
        client.get(f"/api/v1/assessments/{other.assessment.id}", headers=headers).status_code == 404
    )


def test_viewer_reads_but_cannot_manage(client: TestClient, tenants) -> None:
    own = tenants[0]
    sign_in(client, own.viewer.email)

    page = client.get(f"/organisations/{own.organisation.id}")
    token = csrf_from(page.text)
    invite = client.post(
        f"/assessments/{own.assessment.id}/participants/{own.participant.id}/invite",
        data={"csrf_token": token},
    )

    assert page.status_code == 200 and own.organisation.name in page.text
    assert invite.status_code == 403
    assert client.get(f"/organisations/{own.organisation.id}/audit").status_code == 403
