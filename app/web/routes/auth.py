"""Signing in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from app.db import accounts
from app.domain.text import Email
from app.web.deps import SESSION_COOKIE, OptionalUser, SessionDep, SettingsDep, client_address
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, so the login cannot redirect away."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/organisations"


def render_login(
    request: Request,
    *,
    message: str = "",
    email: str = "",
    status: int = 200,
    next_path: str | None = None,
) -> Response:
    context = {"message": message, "email": email, "next": safe_next(next_path or request.url.path)}
    return templates.TemplateResponse(request, "auth/login.html", context, status_code=status)


@router.get("/login", name="show_login")
def show_login(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render_login(request, next_path=next or "/organisations")


@router.post("/login", name="login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[Email, Form()] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/organisations",
) -> Response:
    address = client_address(request)
    engine = request.app.state.engine
    if not accounts.count_attempt(engine=engine, email=email, address=address):
        message = "Too many failed attempts. Wait 15 minutes, then try again."
        return render_login(request, message=message, email=email, status=429, next_path=next)
    user = accounts.authenticate(session=session, email=email, password=password)
    if user is None:
        accounts.record(
            session=session, action="sign-in failed", actor_label=email, address=address
        )
        message = "That email and password do not match an account."
        return render_login(request, message=message, email=email, status=401, next_path=next)
    token = accounts.start_session(session=session, user=user, address=address)
    accounts.record(session=session, action="signed in", actor=user, address=address)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.base_url.scheme == "https",
    )
    return response


@router.post("/logout", name="logout")
def logout(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.end_session(session=session, token=token)
        if user:
            accounts.record(
                session=session, action="signed out", actor=user, address=client_address(request)
            )
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
