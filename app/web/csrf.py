"""CSRF protection by signed double submit: a random cookie, and a signed copy in every form.

A state-changing browser request must carry the signed copy (form field `csrf_token` or header
`X-CSRF-Token`) that matches its own cookie; another site can neither read nor forge it.
As a second line of defence (as Django does), a browser request that says it comes from
another origin (`Origin`, or `Sec-Fetch-Site: cross-site`/`same-site`) is refused even with a
valid token: only pages served from GAPWISE_BASE_URL may change anything.
API clients that authenticate with a Bearer token send no cookies and are not asked for it;
non-browser clients send no Origin and pass this check.
"""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any

from fastapi import HTTPException, Request
from fastapi.security.utils import get_authorization_scheme_param
from itsdangerous import BadSignature, Signer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "gapwise_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
REFUSED = "This form has expired or did not come from this site. Reload the page and try again."
FOREIGN = "This request came from another site: Gapwise accepts changes only from its own pages."
DEFAULT_PORTS = {"http": 80, "https": 443}


class CsrfCookieMiddleware:
    """Gives every browser a CSRF cookie, set on the first response that needs it."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        existing = _cookie_from_scope(scope)
        value = existing or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_cookie"] = value

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and not existing:
                flags = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
                header = f"{COOKIE}={value}; {flags}".encode()
                message["headers"] = [*message.get("headers", []), (b"set-cookie", header)]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _cookie_from_scope(scope: Scope) -> str | None:
    for name, raw in scope.get("headers", []):
        if name == b"cookie":
            morsel = SimpleCookie(raw.decode("latin-1")).get(COOKIE)
            if morsel and morsel.value:
                return morsel.value
    return None


def _signer(request: Request) -> Signer:
    return Signer(request.app.state.settings.secret_key, salt="gapwise-csrf")


def csrf_token_for(request: Request) -> str:
    """The value pages put in forms and in the `csrf-token` meta tag."""
    return _signer(request).sign(request.state.csrf_cookie).decode()


def sends_bearer_token(request: Request) -> bool:
    """An `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 7235)."""
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
    return scheme.lower() == "bearer" and bool(token)


def _own_origin(request: Request) -> str:
    url = request.app.state.settings.base_url
    port = "" if url.port == DEFAULT_PORTS.get(url.scheme) else f":{url.port}"
    return f"{url.scheme}://{url.host}{port}".lower()


def comes_from_another_site(request: Request) -> bool:
    """What the browser says about where the request was made: another origin, or not.

    `Sec-Fetch-Site` is set by the browser alone and says it best. `Origin` decides only
    without it: a page served with `Referrer-Policy: no-referrer` (the invite and workshop
    pages) makes the browser send `Origin: null` even on its own forms.
    """
    site = request.headers.get("sec-fetch-site", "").lower()
    if site:
        return site in ("cross-site", "same-site")
    origin = request.headers.get("origin")
    # "null" counts as foreign here: sandboxed and privacy-sensitive contexts send it
    return origin is not None and origin.lower() != _own_origin(request)


async def verify_csrf(request: Request) -> None:
    """Every router's first dependency (`site_router`), also called by the autosave itself:
    refuse unsafe browser requests without a matching token."""
    if request.method in SAFE_METHODS or sends_bearer_token(request):
        return
    if comes_from_another_site(request):
        raise HTTPException(status_code=403, detail=FOREIGN)
    sent = request.headers.get(HEADER) or await _form_token(request)
    try:
        unsigned = _signer(request).unsign(sent or "").decode()
    except BadSignature:
        raise HTTPException(status_code=403, detail=REFUSED) from None
    if not hmac.compare_digest(unsigned, request.state.csrf_cookie):
        raise HTTPException(status_code=403, detail=REFUSED)


async def _form_token(request: Request) -> Any:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    form = await request.form()
    return form.get(FIELD)
