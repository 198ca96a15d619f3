"""Public pages: what Gapwise is (the framework pages are in frameworks.py)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.db import repository
from app.domain.framework import Framework
from app.web.deps import SessionDep
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()


@dataclass(frozen=True)
class HomePage:
    frameworks: list[Framework]


@router.get("/", name="home")
def show_home(request: Request, session: SessionDep) -> HTMLResponse:
    snapshots = repository.latest_snapshots(session=session, offered_only=True)
    page = HomePage(frameworks=[repository.framework_of(s) for s in snapshots])
    return templates.TemplateResponse(request, "home.html", {"page": page})
