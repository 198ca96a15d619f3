"""Request dependencies as Annotated aliases, so routes declare what they need in one word."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from app.config import Settings
from app.db import repository
from app.db.models import FrameworkSnapshot


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_framework_snapshot(framework_id: str, session: SessionDep) -> FrameworkSnapshot:
    """The newest loaded version of a framework, or 404."""
    snapshot = repository.latest_snapshot(session=session, framework_key=framework_id)
    if snapshot is None:
        raise HTTPException(status_code=404, detail=f"No framework with id '{framework_id}'.")
    return snapshot


FrameworkSnapshotDep = Annotated[FrameworkSnapshot, Depends(get_framework_snapshot)]
