"""Real servers on a free loopback port, for the end-to-end tests and the benchmarks."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
from sqlmodel import Session

from app.db.engine import make_engine
from app.demo import reset_demo_consultant
from tests.databases import ON_POSTGRES, database_for
from tests.passwords import hashed_as_in_production


def environment(data_dir: Path, **env: str) -> dict[str, str]:
    """The environment of a gapwise process using `data_dir`. On SQLite the database is the
    default file in it, as for a newcomer; in the PostgreSQL run, the folder's own database."""
    database = {"GAPWISE_DATABASE_URL": database_for(data_dir)} if ON_POSTGRES else {}
    return {**os.environ, "GAPWISE_DATA_DIR": str(data_dir), **database, **env}


class ServerFailed(RuntimeError):
    """The server exited or never answered; the message holds its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(
    command: list[str], env: dict[str, str], ready_url: str, log: Path, cwd: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` (in `cwd`) until the block ends; the block starts once `ready_url`
    answers 200, and is given the server's process."""
    with running(command, env, log, cwd) as server:
        wait_until_ready(ready_url, server, log)
        yield server


@contextmanager
def running(
    command: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` (in `cwd`), its output to `log`, until the block ends: servers started
    together, then each waited for (`wait_until_ready`), start in the time of one."""
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@dataclass(frozen=True)
class LiveServer:
    url: str
    demo_email: str
    demo_password: str
    data_dir: Path
    database_url: str  # for checking what the server stored
    log: Path  # everything the server wrote: its access log, errors


@contextmanager
def demo_server(data_dir: Path, *, template: str = "", **env: str) -> Iterator[LiveServer]:
    """`gapwise serve` in a fresh data folder with the demo in it: made by `gapwise demo`, as
    a newcomer would, or copied from `template` (the tests' `demo_template`), which spares a
    process's imports and the demo's 1,400 statements (3-5 s of a test's set-up)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "app.cli"]
    copied = copy_of_demo(data_dir, template) if template else None  # before the environment
    environ = environment(data_dir, GAPWISE_BASE_URL=url, **env)  # makes an empty database
    email, password = copied or _gapwise_demo(command, environ)
    serve = [*command, "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = data_dir / "server.log"
    with serving(serve, environ, f"{url}/healthz", log):
        yield LiveServer(url, email, password, data_dir, database_for(data_dir), log)


def _gapwise_demo(command: list[str], environ: dict[str, str]) -> tuple[str, str]:
    demo = subprocess.run(
        [*command, "demo"], env=environ, check=True, capture_output=True, text=True, timeout=120
    )
    credentials = re.search(r"as (\S+) with password: (\S+)", demo.stdout)
    assert credentials, demo.stdout
    return credentials.group(1), credentials.group(2)


def copy_of_demo(data_dir: Path, template: str) -> tuple[str, str]:
    """The demo in `data_dir`'s database, copied from `template`, with a new password for its
    consultant hashed as `gapwise demo` hashes it; returns the consultant's email and password.
    Call it before anything else asks for the folder's database (`environment` would make it
    empty)."""
    data_dir.mkdir(parents=True, exist_ok=True)  # as `gapwise demo` makes it
    engine = make_engine(database_for(data_dir, template=template))
    try:
        with Session(engine) as session, hashed_as_in_production():
            credentials = reset_demo_consultant(session)
            session.commit()
    finally:
        engine.dispose()
    return credentials


# How long a server may take to start. Generous: on a busy machine (several test runs on two
# cores) a start took over a minute; speed goals live in benchmarks/, not in tests.
START_TIMEOUT_SECONDS = 180


def wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerFailed(f"the server exited early:\n{log.read_text()}")
        try:
            if httpx2.get(url, timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise ServerFailed(
        f"the server did not answer within {START_TIMEOUT_SECONDS} s:\n{log.read_text()}"
    )
