"""A live workshop's screens: 50 phones and a projector on Server-Sent Events, one worker.

Run: .venv/bin/python benchmarks/workshop_live.py [--participants 50] [--items 5]
     scripts/with-postgres .venv/bin/python benchmarks/workshop_live.py   (on PostgreSQL)

Prints figures; asserts nothing. On loopback in a throw-away folder, `gapwise serve` (one
worker). Over HTTP the consultant opens an assessment with the participants and starts a
workshop; every participant opens the live stream of their phone, the consultant that of the
projector. Then, for each agenda item: next (move-to-all-phones latency), every participant
votes once, spread over a few seconds (vote-to-projector latency: from sending the k-th vote
to the projector showing k votes), reveal (reveal-to-all-phones: until the last phone has it).
While the streams are open and idle it counts the server's open connections and threads.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

import httpx2  # noqa: E402

from tests.servers import environment, free_port, serving  # noqa: E402
from tests.workshop import Screen, criteria_of, csrf, follow, open_assessment, sign_in  # noqa: E402

PYTHON = [sys.executable, "-m"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def ms(values: list[float]) -> str:
    if not values:
        return "no samples"
    return (
        f"p50 {1000 * statistics.median(values):.0f} ms, p95 {1000 * percentile(values, 0.95):.0f}"
        f" ms, max {1000 * max(values):.0f} ms ({len(values)} samples)"
    )


def server_counts(port: int) -> tuple[int, int]:
    """(established connections to the port, threads of the process listening on it)."""
    listing = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
    ).stdout
    pids = set(
        re.findall(
            r"pid=(\d+)",
            subprocess.run(
                ["ss", "-Htlnp", f"( sport = :{port} )"], capture_output=True, text=True
            ).stdout,
        )
    )
    threads = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
    return len(listing.splitlines()), threads


async def workshop(url: str, port: int, email: str, password: str, people: int, items: int):
    with httpx2.Client(base_url=url, follow_redirects=True, timeout=60) as consultant:
        sign_in(consultant, email, password)
        assessment, links = open_assessment(consultant, people)
        token = csrf(consultant.get("/").text)
        picked = criteria_of(consultant)[:items]
        created = consultant.post(
            f"/assessments/{assessment}/workshops",
            data={"title": "Bench", "agenda": "criteria", "criterion": picked, "csrf_token": token},
        )
        workshop_id = int(str(created.url).rsplit("/", 1)[1])
        cookies = {
            name: consultant.cookies.get(name) for name in ("gapwise_session", "gapwise_csrf")
        }
    limits = httpx2.Limits(max_connections=2)
    phones = [Screen(link) for link in links]
    projector = Screen("projector")
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    async with (
        httpx2.AsyncClient(base_url=url, cookies=cookies, timeout=60) as presenter,
    ):
        clients = [httpx2.AsyncClient(base_url=url, timeout=60, limits=limits) for _ in links]
        ready = [asyncio.Event() for _ in range(len(links) + 1)]
        tokens = []
        for client, link in zip(clients, links, strict=True):
            tokens.append(csrf((await client.get(link.replace("/p/", "/vote/"))).text))
        tasks = [
            asyncio.create_task(follow(c, link.replace("/p/", "/vote/") + "/events", s, r))
            for c, link, s, r in zip(clients, links, phones, ready[:-1], strict=True)
        ]
        tasks.append(
            asyncio.create_task(
                follow(presenter, f"/workshops/{workshop_id}/events", projector, ready[-1])
            )
        )
        await asyncio.gather(*(r.wait() for r in ready))
        await asyncio.sleep(2)
        connections, threads = server_counts(port)
        print(
            f"streams open: {len(tasks)} (phones {len(phones)} + projector); server: "
            f"{connections} established connections, {threads} threads"
        )
        moves, votes, reveals, reveal_all = [], [], [], []
        control = f"/workshops/{workshop_id}/control"
        for item in range(items):
            sent = time.perf_counter()
            await presenter.post(control, data={"action": "next"}, headers=headers)
            await asyncio.sleep(1.5)
            moves.extend(
                _arrivals(
                    phones, sent, lambda s, i=item: s["item"] and s["item"]["position"] == i + 1
                )
            )
            item_id = projector.states[-1][1]["item"]["id"]
            votes.extend(await _votes(clients, links, tokens, item_id, projector))
            sent = time.perf_counter()
            await presenter.post(control, data={"action": "reveal"}, headers=headers)
            await asyncio.sleep(1.5)
            arrived = _arrivals(
                phones, sent, lambda s: s["item"] and s["item"]["status"] == "revealed"
            )
            reveals.extend(arrived)
            if len(arrived) == len(phones):
                reveal_all.append(max(arrived))
        connections, threads = server_counts(port)
        for task in tasks:
            task.cancel()
        for client in clients:
            await client.aclose()
    print(f"after {items} items: {connections} established connections, {threads} threads")
    print(f"move to each phone:         {ms(moves)}")
    print(f"vote to projector:          {ms(votes)}")
    print(f"reveal to each phone:       {ms(reveals)}")
    print(f"reveal to all {len(phones)} phones:     {ms(reveal_all)}")


def _arrivals(phones: list[Screen], sent: float, test) -> list[float]:
    found = [phone.first(sent, test) for phone in phones]
    return [t - sent for t in found if t is not None]


async def _votes(clients, links, tokens, item_id: int, projector: Screen) -> list[float]:
    """Everyone votes once, spread over about three seconds; latency of each count's arrival."""
    sent_at: list[float] = []

    async def one(client, link, token, delay):
        await asyncio.sleep(delay)
        sent_at.append(time.perf_counter())
        data = {"item": item_id, "round": 1, "current": random.randint(0, 5), "target": 5}
        await client.post(
            link.replace("/p/", "/vote/"),
            data=data,
            headers={"X-CSRF-Token": token, "Accept": "application/json"},
        )

    delays = sorted(random.uniform(0, 3) for _ in clients)
    await asyncio.gather(*(one(*args) for args in zip(clients, links, tokens, delays, strict=True)))
    await asyncio.sleep(1.5)
    sent_at.sort()
    return [
        arrived - sent
        for count, sent in enumerate(sent_at, start=1)
        if (
            arrived := projector.first(
                sent, lambda s, n=count: s["item"]["id"] == item_id and s["votes"] >= n
            )
        )
    ]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--participants", type=int, default=50)
    options.add_argument("--items", type=int, default=5)
    arguments = options.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = environment(Path(folder) / "gapwise", GAPWISE_BASE_URL=url)
        demo = subprocess.run(
            [*PYTHON, "app.cli", "demo"], env=env, capture_output=True, text=True, check=True
        )
        email, password = re.findall(r"as (\S+) with password: (\S+)", demo.stdout)[0]
        serve = [*PYTHON, "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        with serving(serve, env, f"{url}/healthz", Path(folder) / "gapwise.log"):
            asyncio.run(
                workshop(url, port, email, password, arguments.participants, arguments.items)
            )


if __name__ == "__main__":
    main()
