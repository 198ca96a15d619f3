"""Feedback after a change: a flash message shown once by the page the redirect leads to.

The message rides in a short-lived signed cookie set on the redirect; the page that shows it
(base.html asks `flashed_messages()`) has the cookie cleared on its own response, so a reload
does not show it again.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadData, URLSafeTimedSerializer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FLASH_COOKIE = "gapwise_flash"
FLASH_SECONDS = 120  # long enough for a slow redirect, short enough never to surprise later


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.secret_key, salt="gapwise-flash")


def _pending(request: Request) -> list[str]:
    raw = request.cookies.get(FLASH_COOKIE, "")
    try:
        messages = _serializer(request).loads(raw, max_age=FLASH_SECONDS) if raw else []
    except BadData:
        return []
    return [str(m) for m in messages] if isinstance(messages, list) else []


def done(request: Request, url: str, message: str) -> RedirectResponse:
    """303 to `url`, which then says `message` once (after any message not shown yet)."""
    response = RedirectResponse(url, status_code=303)
    flash(request, response, message)
    return response


def flash(request: Request, response: RedirectResponse, message: str) -> None:
    messages = [*_pending(request), message][-5:]
    response.set_cookie(
        FLASH_COOKIE,
        _serializer(request).dumps(messages),
        max_age=FLASH_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.base_url.scheme == "https",
    )


def flashed_messages(request: Request) -> list[str]:
    """The messages waiting for this page; the response then clears them."""
    messages = _pending(request)
    if messages:
        request.state.flash_shown = True
    return messages


class FlashClearingMiddleware:
    """Clears the flash cookie on the response of the page that showed its messages."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_clearing(message: Message) -> None:
            if message["type"] == "http.response.start" and scope.get("state", {}).get(
                "flash_shown"
            ):
                clear = f"{FLASH_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax".encode()
                message["headers"] = [*message.get("headers", []), (b"set-cookie", clear)]
            await send(message)

        await self.app(scope, receive, send_clearing)
