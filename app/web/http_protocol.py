"""uvicorn's HTTP protocol with Nagle's algorithm off on every connection.

With `--workers N`, uvicorn binds the listening socket itself with no protocol number, so
asyncio does not see the accepted connections as TCP and leaves Nagle's algorithm on (uvicorn
issue 3149). A response written in two parts (headers, then body) then waits for the client's
delayed acknowledgement, about 40 ms on Linux, on every request but a connection's first.
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress

from uvicorn.protocols.http.auto import AutoHTTPProtocol


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            with suppress(OSError):  # a socket that cannot take the option serves as before
                connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
