"""How large a request body may be, refused with 413 as it arrives: a form or a JSON body is
read whole into memory, and an upload is spooled to disk, so without a limit one request
could fill either. The check wraps `receive`, so the refusal is raised inside the route and
worded by the one error handler (app/web/errors.py), as JSON or as a page."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIB = 1024
MIB = 1024 * KIB
# Forms and JSON. The largest real ones are a long roadmap or a list of 200 people pasted in,
# a few hundred KiB even with every character percent-encoded; a save is under 20 KiB.
MAX_BODY_BYTES = 4 * MIB
# Multipart uploads: the largest file any route accepts (an import, 20 MiB) and its form.
MAX_UPLOAD_BODY_BYTES = 21 * MIB


class BodyLimitMiddleware:
    """Pure ASGI: refuses a body longer than its limit, by its declared length before any of
    it is read, else (sent in chunks without one) as soon as the bytes received pass it.
    The limit is `limit` when given (one route's own), else by content type. Once the
    response has started (a stream listening for the client to leave) nothing is refused:
    a refusal could no longer be sent."""

    def __init__(self, app: ASGIApp, limit: int | None = None) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.limit or _limit_for(headers.get("content-type", ""))
        declared = _declared_length(headers)
        received, started = 0, False

        async def receive_within_limit() -> Message:
            nonlocal received
            if declared > limit and not started:
                raise too_large(limit)
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit and not started:
                raise too_large(limit)
            return message

        async def send_noting_the_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, receive_within_limit, send_noting_the_start)


def _limit_for(content_type: str) -> int:
    uploading = content_type.lower().startswith("multipart/form-data")
    return MAX_UPLOAD_BODY_BYTES if uploading else MAX_BODY_BYTES


def _declared_length(headers: Headers) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:  # the server refuses such a request before it gets here
        return 0


def too_large(limit: int) -> HTTPException:
    size = f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit // KIB} KiB"
    return HTTPException(
        status_code=413,
        detail=f"Request body: at most {size} is allowed here; nothing was saved.",
    )
