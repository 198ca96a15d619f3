"""Instance administration: users and their sessions, the instance-wide audit log."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.db import accounts
from app.db.models import AuditEvent, User
from app.domain.policy import Action
from app.web.deps import AuditDep, DbId, SessionDep, allowed
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router(dependencies=[allowed(Action.ADMINISTER)])


@dataclass(frozen=True)
class UserRow:
    user: User
    open_sessions: int


@dataclass(frozen=True)
class AdminPage:
    users: list[UserRow]
    events: list[AuditEvent]


@router.get("/admin", name="show_admin")
def show_admin(request: Request, session: SessionDep) -> Response:
    page = AdminPage(
        users=[
            UserRow(u, accounts.active_sessions(session=session, user=u))
            for u in accounts.all_users(session=session)
        ],
        events=list(accounts.audit_events(session=session, limit=100)),
    )
    return templates.TemplateResponse(request, "admin/index.html", {"page": page})


@router.post("/admin/users/{user_id}/revoke-sessions", name="revoke_sessions")
def revoke_sessions(user_id: DbId, session: SessionDep, audit: AuditDep) -> Response:
    target = session.get(User, user_id)
    if target is None:
        raise HTTPException(status_code=404, detail="There is no such user.")
    count = accounts.revoke_sessions_of(session=session, user=target)
    audit("revoked sessions", detail=f"{target.email}: {count}")
    return RedirectResponse("/admin", status_code=303)
