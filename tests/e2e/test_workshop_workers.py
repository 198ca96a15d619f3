"""Live workshop streams across processes: two `gapwise serve` processes on one database (as
workers behind a proxy are), phones on one, the consultant on the other. A change made
through one reaches the phones on the other: the state is in the database, not in a process."""

from __future__ import annotations

import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from tests.servers import copy_of_demo, environment, free_port, running, wait_until_ready
from tests.workshop import Screen, criteria_of, csrf, follow, open_assessment, sign_in

pytestmark = pytest.mark.e2e

PHONES = 12


def _serve(port: int) -> list[str]:
    return [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]


def test_a_change_through_one_process_reaches_phones_on_another(
    tmp_path: Path, demo_template: str
) -> None:
    ports = free_port(), free_port()
    phones_url, url = (f"http://127.0.0.1:{port}" for port in ports)
    email, password = copy_of_demo(tmp_path / "gapwise", demo_template)
    env = environment(tmp_path / "gapwise", GAPWISE_BASE_URL=url)
    logs = tmp_path / "phones.log", tmp_path / "consultant.log"
    with (
        running(_serve(ports[0]), env, logs[0]) as phones_server,
        running(_serve(ports[1]), env, logs[1]) as consultant_server,
    ):
        wait_until_ready(f"{phones_url}/healthz", phones_server, logs[0])
        wait_until_ready(f"{url}/healthz", consultant_server, logs[1])
        with httpx2.Client(base_url=url, follow_redirects=True, timeout=60) as consultant:
            sign_in(consultant, email, password)
            assessment, links = open_assessment(consultant, PHONES)
            token = csrf(consultant.get("/").text)
            created = consultant.post(
                f"/assessments/{assessment}/workshops",
                data={
                    "title": "Two workers",
                    "agenda": "criteria",
                    "criterion": criteria_of(consultant)[:2],
                    "csrf_token": token,
                },
            )
            workshop = int(str(created.url).rsplit("/", 1)[1])
            watch = _watch(phones_url, links, consultant, workshop, token)
            with ThreadPoolExecutor(max_workers=1) as own_thread:  # its own event loop, even
                phones = own_thread.submit(asyncio.run, watch).result()  # beside Playwright's

    late = [p.name for p in phones if p.first(0, lambda s: s["item"] is not None) is None]
    assert not late, f"phones that never saw the first item: {late}"
    delays = [p.first(0, lambda s: s["item"] is not None) - p.states[0][0] for p in phones]
    assert max(delays) < 5  # generous on a loaded machine; the benchmark measures it


async def _watch(url, links, consultant, workshop, token):
    """Open every phone's stream, then move to the first item through the consultant."""
    phones = [Screen(link) for link in links]
    clients = [httpx2.AsyncClient(base_url=url, timeout=60) for _ in links]
    ready = [asyncio.Event() for _ in links]
    tasks = [
        asyncio.create_task(follow(c, link.replace("/p/", "/vote/") + "/events", s, r))
        for c, link, s, r in zip(clients, links, phones, ready, strict=True)
    ]
    try:
        await asyncio.gather(*(r.wait() for r in ready))
        deadline = time.monotonic() + 10
        while any(not p.states for p in phones) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        headers = {"X-CSRF-Token": token, "Accept": "application/json"}
        moved = await asyncio.to_thread(
            consultant.post,
            f"/workshops/{workshop}/control",
            data={"action": "next"},
            headers=headers,
        )
        assert moved.status_code == 200, moved.text
        await asyncio.sleep(3)
        return phones
    finally:
        for task in tasks:
            task.cancel()
        for client in clients:
            await client.aclose()
