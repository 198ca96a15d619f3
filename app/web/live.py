"""Live updates over Server-Sent Events, driven by each workshop's version in the database.

State lives in the database, never in one process: any worker can serve any phone. In each
worker one task polls the versions of the workshops someone is watching (one small query per
poll, however many phones are connected) and wakes their streams. An idle stream holds no
database connection and no thread: it is a coroutine waiting on an event. What a stream sends
is built once per version and audience and shared by every stream in the worker.

A stream starts with the current state, so a phone that slept or lost the network comes back
on the current item; EventSource reconnects by itself (after `RETRY_MS`).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable

from sqlalchemy import Engine
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import StreamingResponse

from app.db.models import Workshop

POLL_SECONDS = 0.2
HEARTBEAT_SECONDS = 15.0  # a comment line keeps proxies and phones from closing the stream
RETRY_MS = 1000
KEPT_PAYLOADS = 64

Build = Callable[[int], str]  # (workshop id) -> the JSON payload for its current state


class Watcher:
    """One per worker: polls the versions of watched workshops and wakes their streams."""

    def __init__(self, engine: Engine, poll_seconds: float = POLL_SECONDS) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.versions: dict[int, int] = {}
        self._watching: dict[int, int] = {}  # workshop id -> streams open
        self._changed: dict[int, asyncio.Event] = {}
        self._payloads: OrderedDict[tuple[int, int, str], str] = OrderedDict()
        self._building: dict[tuple[int, str], asyncio.Lock] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def open_streams(self) -> int:
        return sum(self._watching.values())

    def _read_versions(self, ids: list[int]) -> dict[int, int]:
        with Session(self.engine) as session:
            query = select(Workshop.id, Workshop.version).where(col(Workshop.id).in_(ids))
            return {wid: version for wid, version in session.exec(query).all() if wid}

    async def _poll(self) -> None:
        while self._watching:
            try:
                found = await run_in_threadpool(self._read_versions, list(self._watching))
            except Exception:  # a database hiccup: keep the streams, try again
                found = {}
            for workshop_id, version in found.items():
                if self.versions.get(workshop_id) != version:
                    self.versions[workshop_id] = version
                    self._changed.pop(workshop_id, asyncio.Event()).set()
            await asyncio.sleep(self.poll_seconds)
        self._task = None

    async def _subscribe(self, workshop_id: int) -> None:
        if workshop_id not in self.versions:
            found = await run_in_threadpool(self._read_versions, [workshop_id])
            self.versions.update(found)
        self._watching[workshop_id] = self._watching.get(workshop_id, 0) + 1
        if self._task is None:
            self._task = asyncio.create_task(self._poll())

    def _unsubscribe(self, workshop_id: int) -> None:
        self._watching[workshop_id] -= 1
        if not self._watching[workshop_id]:
            del self._watching[workshop_id]
            self.versions.pop(workshop_id, None)

    async def _wait_for_change(self, workshop_id: int, seen: int | None) -> bool:
        """True once the version differs from `seen`; False after a heartbeat's time."""
        if self.versions.get(workshop_id) != seen:
            return True
        event = self._changed.setdefault(workshop_id, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), HEARTBEAT_SECONDS)
        except TimeoutError:
            return self.versions.get(workshop_id) != seen
        return True

    async def payload(self, workshop_id: int, version: int, audience: str, build: Build) -> str:
        """The state for this version, built once however many streams ask at once."""
        key = (workshop_id, version, audience)
        lock = self._building.setdefault((workshop_id, audience), asyncio.Lock())
        async with lock:
            if key not in self._payloads:
                self._payloads[key] = await run_in_threadpool(build, workshop_id)
                while len(self._payloads) > KEPT_PAYLOADS:
                    self._payloads.popitem(last=False)
        return self._payloads[key]

    async def events(self, workshop_id: int, audience: str, build: Build) -> AsyncIterator[str]:
        """The SSE lines of one stream: the state now, then after every change.

        Starlette cancels it when the client goes away (the `finally` then runs).
        """
        await self._subscribe(workshop_id)
        try:
            yield f"retry: {RETRY_MS}\n\n"
            seen: int | None = None
            while True:
                if not await self._wait_for_change(workshop_id, seen):
                    yield ": still here\n\n"
                    continue
                seen = self.versions.get(workshop_id)
                if seen is None:
                    return  # the workshop is gone
                data = await self.payload(workshop_id, seen, audience, build)
                yield f"id: {seen}\nevent: state\ndata: {_with_clock(data)}\n\n"
        finally:
            self._unsubscribe(workshop_id)


def _with_clock(payload: str) -> str:
    """The shared payload plus the server's clock now, for the timer on each screen."""
    return f'{{"now": {time.time():.3f}, "state": {payload}}}'


def watcher_for(request: Request) -> Watcher:
    """The worker's watcher, made on first use."""
    state = request.app.state
    if getattr(state, "workshop_watcher", None) is None:
        state.workshop_watcher = Watcher(state.engine)
    return state.workshop_watcher  # type: ignore[no-any-return]


def event_stream(
    request: Request, workshop_id: int, audience: str, build: Build
) -> StreamingResponse:
    """The streaming response for one screen (a phone or the projector)."""
    events = watcher_for(request).events(workshop_id, audience, build)
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)
