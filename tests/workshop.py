"""A live workshop over HTTP: a consultant opens an assessment for many participants, who then
all save answers at once. Shared by the concurrency test and benchmarks/workshop.py.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx2

from tests.databases import rows

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
INVITE = re.compile(r'readonly value="http://[^/]+(/p/[^"]+)"')
STORED = (
    "SELECT p.name, a.criterion_id, COUNT(*), MAX(a.current), MAX(a.target) "
    "FROM answer a JOIN participant p ON p.id = a.participant_id "
    "WHERE p.assessment_id = :assessment GROUP BY p.name, a.criterion_id"
)


def csrf(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def participant_name(index: int) -> str:
    return f"Participant {index + 1:02d}"


def sign_in(client: httpx2.Client, email: str, password: str) -> None:
    token = csrf(client.get("/login").text)
    client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    ).raise_for_status()


def open_assessment(client: httpx2.Client, participants: int) -> tuple[int, list[str]]:
    """As the signed-in consultant: a new open assessment in the first organisation, with
    `participants` invited. Returns its id and their invite paths."""
    organisation = re.search(r'href="/organisations/(\d+)"', client.get("/organisations").text)
    assert organisation
    created = client.post(
        f"/organisations/{organisation.group(1)}/assessments",
        data={
            "title": "Workshop",
            "framework_id": "reap-blueprint",
            "csrf_token": csrf(client.get("/").text),
        },
    )
    assessment = int(str(created.url).rsplit("/", 1)[1])
    token = csrf(created.text)
    client.post(
        f"/assessments/{assessment}/status", data={"action": "open", "csrf_token": token}
    ).raise_for_status()
    links = []
    for index in range(participants):
        page = client.post(
            f"/assessments/{assessment}/participants",
            data={"name": participant_name(index), "group": "Front line", "csrf_token": token},
        )
        link = INVITE.search(page.text)
        assert link, page.text[:500]
        links.append(link.group(1))
    return assessment, links


def criteria_of(client: httpx2.Client) -> list[str]:
    page = client.get("/frameworks/reap-blueprint").text
    return re.findall(r'id="criterion-([a-z0-9.-]+)"', page)


@dataclass
class Load:
    """What the participants saw: the latency of every confirmed save, failures by kind,
    and the last levels confirmed for each participant and criterion."""

    seconds: float = 0.0
    driver_cpu_seconds: float = 0.0  # near `seconds`: the load driver, not the server, limited
    server_cpu_seconds: float = 0.0  # the server's processes meanwhile, when measured
    latencies: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    last_saved: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    @property
    def saves(self) -> int:
        """Confirmed saves (200); failed attempts are in `failures`."""
        return len(self.latencies)

    @classmethod
    def added(cls, loads: list[Load]) -> Load:
        """Loads run one after the other as one: their times and saves added up, and the
        last levels confirmed by the latest."""
        total = cls()
        for load in loads:
            total.seconds += load.seconds
            total.driver_cpu_seconds += load.driver_cpu_seconds
            total.server_cpu_seconds += load.server_cpu_seconds
            total.latencies += load.latencies
            total.failures += load.failures
            total.last_saved |= load.last_saved
        return total


def save_answers(
    base_url: str,
    links: list[str],
    criteria: list[str],
    *,
    rounds: int = 1_000_000,
    seconds: float = float("inf"),
    every: float = 0.0,
    on_start: Callable[[], None] = lambda: None,
) -> Load:
    """Every participant at once: open the link, then save the criteria in turn, round after
    round with other levels, until `rounds` are done or `seconds` have passed. Each saves as
    fast as the server answers, or with `every` once every so many seconds (as people do,
    their starts spread evenly over the first interval). `on_start` is called as the clock
    starts, once every page is open."""
    load = _save_answers(
        base_url, links, criteria, rounds=rounds, seconds=seconds, every=every, on_start=on_start
    )
    with ThreadPoolExecutor(max_workers=1) as own_thread:  # its own event loop, even beside
        return own_thread.submit(asyncio.run, load).result()  # Playwright's


async def _save_answers(
    base_url: str,
    links: list[str],
    criteria: list[str],
    *,
    rounds: int,
    seconds: float,
    every: float,
    on_start: Callable[[], None],
) -> Load:
    load = Load()
    limits = httpx2.Limits(max_connections=1)  # one browser tab each
    cpu = time.thread_time()
    everyone_ready, ready, started = asyncio.Event(), [0], [0.0]

    async def participant(index: int, name: str, link: str) -> None:
        async with httpx2.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
            page = await client.get(link)
            headers = {"X-CSRF-Token": csrf(page.text), "Accept": "application/json"}
            ready[0] += 1
            if ready[0] == len(links):  # the clock starts once every page is open
                on_start()
                started[0] = time.perf_counter()
                everyone_ready.set()
            await everyone_ready.wait()
            deadline = started[0] + seconds
            due = started[0] + every * index / len(links)
            for round_ in range(rounds):
                for criterion in criteria:
                    if every:
                        await asyncio.sleep(max(0.0, due - time.perf_counter()))
                        due += every
                    if time.perf_counter() >= deadline:
                        return
                    levels = (round_ % 3, round_ % 3 + 2)
                    answer = {"criterion_id": criterion, "current": levels[0], "target": levels[1]}
                    if await _save(client, f"{link}/answers", answer, headers, load):
                        load.last_saved[(name, criterion)] = levels

    await asyncio.gather(
        *(participant(i, participant_name(i), link) for i, link in enumerate(links))
    )
    load.seconds = time.perf_counter() - started[0]
    load.driver_cpu_seconds = time.thread_time() - cpu
    return load


async def _save(
    client: httpx2.AsyncClient, path: str, answer: dict, headers: dict[str, str], load: Load
) -> bool:
    """One save, timed; a failure is counted by its kind."""
    sent = time.perf_counter()
    try:
        response = await client.post(path, json=answer, headers=headers)
    except httpx2.TransportError as error:
        load.failures[type(error).__name__] += 1
        return False
    if response.status_code != 200:
        load.failures[f"HTTP {response.status_code}"] += 1
        return False
    load.latencies.append(time.perf_counter() - sent)
    return True


def stored_answers(database_url: str, assessment: int) -> dict[tuple[str, str], tuple[int, ...]]:
    """(participant, criterion) -> (rows stored, current, target), read from the database."""
    found = rows(database_url, STORED, assessment=assessment)
    return {(name, criterion): tuple(rest) for name, criterion, *rest in found}


def one_answer_each(load: Load, stored: dict[tuple[str, str], tuple[int, ...]]) -> bool:
    """Exactly one stored answer per participant and criterion, holding the last levels sent."""
    expected = {key: (1, *levels) for key, levels in load.last_saved.items()}
    return bool(expected) and stored == expected


@dataclass
class Screen:
    """What one live workshop stream received: (arrival time, state) in order."""

    name: str
    states: list[tuple[float, dict]] = field(default_factory=list)

    def first(self, after: float, test) -> float | None:
        return next((t for t, s in self.states if t >= after and test(s)), None)


async def follow(client: httpx2.AsyncClient, path: str, screen: Screen, ready: asyncio.Event):
    """Read a live workshop stream into `screen` until cancelled."""
    async with client.stream("GET", path, timeout=None) as response:
        ready.set()
        data = ""
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                data = line[6:]
            elif line == "" and data:
                screen.states.append((time.perf_counter(), json.loads(data)["state"]))
                data = ""
