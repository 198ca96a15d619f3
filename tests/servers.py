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

from tests.databases import ON_POSTGRES, database_for


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
) -> Iterator[None]:
    """Run `command` (in `cwd`) until the block ends; the block starts once `ready_url`
    answers 200."""
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        _wait_until_ready(ready_url, server, log)
        yield
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
def demo_server(data_dir: Path, **env: str) -> Iterator[LiveServer]:
    """`gapwise demo` then `gapwise serve` in a fresh data folder, as a newcomer would."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environ = environment(data_dir, GAPWISE_BASE_URL=url, **env)
    command = [sys.executable, "-m", "app.cli"]
    demo = subprocess.run(
        [*command, "demo"], env=environ, check=True, capture_output=True, text=True, timeout=120
    )
    credentials = re.search(r"as (\S+) with password: (\S+)", demo.stdout)
    assert credentials, demo.stdout
    serve = [*command, "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = data_dir / "server.log"
    with serving(serve, environ, f"{url}/healthz", log):
        yield LiveServer(
            url, credentials.group(1), credentials.group(2), data_dir, database_for(data_dir), log
        )


# How long a server may take to start. Generous: on a busy machine (several test runs on two
# cores) a start took over a minute; speed goals live in benchmarks/, not in tests.
START_TIMEOUT_SECONDS = 180


def _wait_until_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
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
