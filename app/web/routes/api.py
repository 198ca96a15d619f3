"""The JSON API, version 1."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app.db import repository
from app.domain.framework import Framework
from app.web.deps import FrameworkSnapshotDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["frameworks"])


class FrameworkListItem(BaseModel):
    id: str
    version: str
    title: str
    content_hash: str
    area_count: int
    criterion_count: int
    url: str


class FrameworkDetail(BaseModel):
    content_hash: str
    framework: Framework


@router.get("/frameworks", response_model=list[FrameworkListItem])
def list_frameworks(
    request: Request, session: SessionDep, settings: SettingsDep
) -> list[FrameworkListItem]:
    """Every framework loaded in this instance, the newest version of each."""
    items = []
    for snapshot in repository.latest_snapshots(session=session):
        framework = repository.framework_of(snapshot)
        path = request.app.url_path_for("get_framework", framework_id=framework.id)
        items.append(
            FrameworkListItem(
                id=framework.id,
                version=framework.version,
                title=framework.title,
                content_hash=snapshot.content_hash,
                area_count=framework.area_count,
                criterion_count=framework.criterion_count,
                url=settings.base_url_text + path,
            )
        )
    return items


@router.get("/frameworks/{framework_id}", response_model=FrameworkDetail, name="get_framework")
def get_framework(snapshot: FrameworkSnapshotDep) -> FrameworkDetail:
    """The whole structure of a framework: scale, layers, areas, sub-components, criteria."""
    framework = repository.framework_of(snapshot)
    return FrameworkDetail(content_hash=snapshot.content_hash, framework=framework)
