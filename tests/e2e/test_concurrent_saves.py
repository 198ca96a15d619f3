"""Twenty participants saving at the same moment through a real uvicorn server.

Each saves 30 criteria twice (the second time with other levels), all at once: every request
must succeed and the database must hold exactly one answer per participant and criterion,
with the last levels sent.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest

from tests.databases import rows
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e

PARTICIPANTS = 20
CRITERIA = 30


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _sign_in(client: httpx2.Client, server: LiveServer) -> None:
    token = _csrf(client.get("/login").text)
    client.post(
        "/login",
        data={"email": server.demo_email, "password": server.demo_password, "csrf_token": token},
    ).raise_for_status()


def _set_up(server: LiveServer) -> tuple[int, list[str]]:
    """An open assessment with twenty participants; returns its id and their invite paths."""
    with httpx2.Client(base_url=server.url, follow_redirects=True, timeout=30) as client:
        _sign_in(client, server)
        org = re.search(r'href="/organisations/(\d+)"', client.get("/organisations").text)
        assert org
        created = client.post(
            f"/organisations/{org.group(1)}/assessments",
            data={
                "title": "Concurrency drill",
                "framework_id": "reap-blueprint",
                "csrf_token": _csrf(client.get("/").text),
            },
        )
        assessment = int(str(created.url).rsplit("/", 1)[1])
        client.post(
            f"/assessments/{assessment}/status",
            data={"action": "open", "csrf_token": _csrf(created.text)},
        ).raise_for_status()
        links = []
        for n in range(PARTICIPANTS):
            page = client.post(
                f"/assessments/{assessment}/participants",
                data={
                    "name": f"Load {n}",
                    "group": "Front line",
                    "csrf_token": _csrf(created.text),
                },
            )
            link = re.search(r'readonly value="http://[^/]+(/p/[^"]+)"', page.text)
            assert link, page.text[:500]
            links.append(link.group(1))
    return assessment, links


def _answer_everything(server: LiveServer, link: str, criteria: list[str]) -> list[int]:
    """One participant's browser: open the link, then save each criterion twice."""
    with httpx2.Client(base_url=server.url, timeout=30) as client:
        headers = {"X-CSRF-Token": _csrf(client.get(link).text), "Accept": "application/json"}
        statuses = []
        for current, target in ((1, 2), (2, 4)):
            for criterion in criteria:
                answer = {"criterion_id": criterion, "current": current, "target": target}
                response = client.post(f"{link}/answers", json=answer, headers=headers)
                statuses.append(response.status_code)
    return statuses


def test_twenty_participants_saving_at_once_leave_one_answer_each(
    live_server: LiveServer,
) -> None:
    assessment, links = _set_up(live_server)
    with httpx2.Client(base_url=live_server.url) as client:
        framework = client.get("/frameworks/reap-blueprint").text
    criteria = re.findall(r'id="criterion-([a-z0-9.-]+)"', framework)[:CRITERIA]
    assert len(criteria) == CRITERIA

    with ThreadPoolExecutor(max_workers=PARTICIPANTS) as pool:
        results = list(
            pool.map(lambda link: _answer_everything(live_server, link, criteria), links)
        )

    statuses = [status for result in results for status in result]
    assert len(statuses) == PARTICIPANTS * CRITERIA * 2
    assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    stored = rows(
        live_server.database_url,
        "SELECT a.participant_id, a.criterion_id, COUNT(*), MAX(a.current), MAX(a.target) "
        "FROM answer a JOIN participant p ON p.id = a.participant_id "
        "WHERE p.assessment_id = :assessment GROUP BY a.participant_id, a.criterion_id",
        assessment=assessment,
    )
    assert len(stored) == PARTICIPANTS * CRITERIA
    assert {(count, current, target) for _, _, count, current, target in stored} == {(1, 2, 4)}
