"""Nagle's algorithm is off on every connection the server accepts, with any number of workers.

With `--workers N` uvicorn binds the listening socket itself, with no protocol number, and
asyncio then leaves Nagle on: each response written in two parts waited ~40 ms for the client's
delayed acknowledgement (benchmarks/workshop.py --workers 4 showed 52 ms against 8 ms).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn
from typer.testing import CliRunner
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from app import cli
from app.web.http_protocol import NoDelayHTTPProtocol
from tests.servers import environment


async def _plain_text(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _nodelay_of_accepted_connection(protocol: type[asyncio.Protocol]) -> int:
    """Serve one request with uvicorn through `protocol` on a listener bound as uvicorn binds
    it for several workers; the TCP_NODELAY the server's side of the connection had."""
    seen: list[int] = []

    class Spy(protocol):  # type: ignore[misc,valid-type]
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            connection = transport.get_extra_info("socket")
            seen.append(connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    listener = socket.socket(family=socket.AF_INET)  # as uvicorn's Config.bind_socket: proto 0
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(_plain_text, http=Spy, log_config=None, lifespan="off"))
    serving = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
    serving.start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        for _ in range(100):
            if server.started:
                break
            threading.Event().wait(0.05)
        assert httpx2.get(url, timeout=10).text == "ok"
    finally:
        server.should_exit = True
        serving.join(timeout=10)
        listener.close()
    return seen[0]


def test_uvicorn_alone_leaves_nagle_on_for_a_listener_it_bound_itself() -> None:
    assert _nodelay_of_accepted_connection(AutoHTTPProtocol) == 0  # why the class below exists


def test_every_connection_has_nagle_off() -> None:
    assert _nodelay_of_accepted_connection(NoDelayHTTPProtocol) == 1


@pytest.mark.parametrize("workers", [1, 3])
def test_serve_uses_it_with_one_worker_or_several(
    workers: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(cli.uvicorn, "run", lambda app, **options: started.append(options))
    monkeypatch.setenv("GAPWISE_BASE_URL", "http://127.0.0.1:8000")  # serve sets it: undone after

    result = CliRunner().invoke(
        cli.app, ["serve", "--workers", str(workers)], env=environment(tmp_path)
    )

    assert result.exit_code == 0, result.output
    assert started[0]["http"] == "app.web.http_protocol:NoDelayHTTPProtocol"
