"""Public pages: what Gapwise is, and the framework browser."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.db import repository
from app.domain.framework import Framework
from app.web.deps import FrameworkSnapshotDep, SessionDep
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()


@dataclass(frozen=True)
class HomePage:
    frameworks: list[Framework]


@dataclass(frozen=True)
class FrameworkPage:
    framework: Framework
    content_hash: str


def _frameworks(session: SessionDep) -> list[Framework]:
    return [repository.framework_of(s) for s in repository.latest_snapshots(session=session)]


@router.get("/", name="home")
def show_home(request: Request, session: SessionDep) -> HTMLResponse:
    page = HomePage(frameworks=_frameworks(session))
    return templates.TemplateResponse(request, "home.html", {"page": page})


@router.get("/frameworks", name="list_frameworks")
def list_frameworks(request: Request, session: SessionDep) -> HTMLResponse:
    page = HomePage(frameworks=_frameworks(session))
    return templates.TemplateResponse(request, "frameworks/index.html", {"page": page})


@router.get("/frameworks/{framework_id}", name="show_framework")
def show_framework(request: Request, snapshot: FrameworkSnapshotDep) -> HTMLResponse:
    page = FrameworkPage(
        framework=repository.framework_of(snapshot), content_hash=snapshot.content_hash
    )
    return templates.TemplateResponse(request, "frameworks/detail.html", {"page": page})
