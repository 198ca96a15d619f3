"""Public pages: what Gapwise is (the framework pages are in frameworks.py)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import FileResponse, HTMLResponse

from app.config import PROJECT_ROOT
from app.db import repository
from app.domain.framework import Framework
from app.web.deps import OptionalUser, SessionDep
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()


@dataclass(frozen=True)
class HomePage:
    frameworks: list[Framework]


@router.get("/", name="home")
def show_home(request: Request, session: SessionDep, user: OptionalUser) -> HTMLResponse:
    """`user` only so that the header shows who is signed in."""
    snapshots = repository.latest_snapshots(session=session, offered_only=True)
    page = HomePage(frameworks=[repository.framework_of(s) for s in snapshots])
    return templates.TemplateResponse(request, "home.html", {"page": page})


@router.get("/favicon.ico", name="favicon", include_in_schema=False)
def favicon() -> FileResponse:
    """For browsers and tools that ask here instead of reading the page's icon link."""
    return FileResponse(PROJECT_ROOT / "static" / "favicon.svg", media_type="image/svg+xml")
