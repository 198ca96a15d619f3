"""Every table Gapwise stores, in one module."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


def _timestamp(**kwargs: object) -> object:
    return Field(default_factory=utc_now, sa_type=DateTime(timezone=True), **kwargs)


class FrameworkSnapshot(SQLModel, table=True):
    """A framework exactly as loaded from its file; never updated once stored."""

    __tablename__ = "framework_snapshot"
    __table_args__ = (UniqueConstraint("framework_key", "version", "content_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    framework_key: str = Field(index=True, max_length=80)
    version: str = Field(max_length=40)
    content_hash: str = Field(max_length=64)
    title: str = Field(max_length=200)
    content: str = Field(sa_column=Column(Text, nullable=False))
    loaded_at: datetime = _timestamp()


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=200)
    created_at: datetime = _timestamp()


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Assessment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    framework_snapshot_id: int = Field(foreign_key="framework_snapshot.id")
    title: str = Field(max_length=200)
    purpose: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: AssessmentStatus = Field(default=AssessmentStatus.DRAFT, sa_type=String(10))
    target_date: date | None = None
    created_at: datetime = _timestamp()


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)
    group: str = Field(default="", max_length=80)
    role: str = Field(default="", max_length=120)
    submitted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = _timestamp()


class Answer(SQLModel, table=True):
    """One participant's view of one criterion: current and target level, or don't know."""

    __table_args__ = (UniqueConstraint("participant_id", "criterion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    criterion_id: str = Field(max_length=80)
    current: int | None = None
    target: int | None = None
    dont_know: bool = False
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_at: datetime = _timestamp()
