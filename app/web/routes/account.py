"""A user's own account: personal API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.db import accounts
from app.db.models import ApiToken, User
from app.domain.policy import Action
from app.domain.text import TokenName
from app.web.deps import AuditDep, CurrentUser, DbId, SessionDep, allowed
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router(dependencies=[allowed(Action.MANAGE_OWN_TOKENS)])


@dataclass(frozen=True)
class AccountPage:
    user: User
    tokens: list[ApiToken]
    new_secret: str = ""
    message: str = ""


def _render(
    request: Request, session: SessionDep, user: User, status: int = 200, **extra: str
) -> Response:
    page = AccountPage(
        user=user, tokens=list(accounts.api_tokens_of(session=session, user=user)), **extra
    )
    return templates.TemplateResponse(
        request, "account/index.html", {"page": page}, status_code=status
    )


@router.get("/account", name="show_account")
def show_account(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _render(request, session, user)


@router.post("/account/tokens", name="create_token")
def create_token(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    audit: AuditDep,
    name: Annotated[TokenName, Form()] = "",
) -> Response:
    """The secret appears in this one response and is never shown again."""
    if not name:
        return _render(
            request,
            session,
            user,
            status=422,
            message="Name: say what the token is for, e.g. 'reporting script'.",
        )
    token, secret = accounts.create_api_token(session=session, user=user, name=name)
    audit("created API token", detail=f"{token.name} ({token.prefix}…)")
    return _render(request, session, user, new_secret=secret)


@router.post("/account/tokens/{token_id}/revoke", name="revoke_token")
def revoke_token(
    token_id: DbId, session: SessionDep, user: CurrentUser, audit: AuditDep
) -> Response:
    token = accounts.revoke_api_token(session=session, user=user, token_id=token_id)
    if token is None:
        raise HTTPException(status_code=404, detail="There is no such token in your account.")
    audit("revoked API token", detail=f"{token.name} ({token.prefix}…)")
    return RedirectResponse("/account", status_code=303)
