"""Security headers on every response: a strict CSP, no framing, no sniffing, HSTS over https."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

Headers = list[tuple[bytes, bytes]]


def security_headers(settings: Settings) -> Headers:
    """The headers for this deployment; HSTS only when the public base URL is https."""
    headers = {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
    }
    if settings.base_url.scheme == "https":
        headers["strict-transport-security"] = STRICT_TRANSPORT_SECURITY
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


class SecurityHeadersMiddleware:
    """Pure ASGI: adds each header to `http.response.start` unless the response set its own."""

    def __init__(self, app: ASGIApp, headers: Headers) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _merged(list(message.get("headers", [])), self.headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _merged(existing: Headers, extra: Headers) -> Headers:
    present = {name.lower() for name, _ in existing}
    return existing + [(name, value) for name, value in extra if name not in present]


def install_security_headers(app: FastAPI, settings: Settings) -> None:
    """Wrap the whole middleware stack, so the headers also reach 500 pages.

    `add_middleware` would sit inside Starlette's ServerErrorMiddleware, whose 500 response
    is sent past every user middleware; wrapping the built stack puts ours outermost.
    """
    headers = security_headers(settings)
    build_stack = app.build_middleware_stack

    def build_stack_with_headers() -> ASGIApp:
        return SecurityHeadersMiddleware(build_stack(), headers)

    app.build_middleware_stack = build_stack_with_headers  # type: ignore[method-assign]
