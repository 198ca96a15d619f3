"""Files handed to the browser: named after the client and the assessment, never cached shared."""

from __future__ import annotations

from datetime import date

from fastapi.responses import Response
from sqlmodel import Session

from app.db import repository
from app.db.models import Assessment
from app.reports.filenames import content_disposition, download_name


def file_name(session: Session, assessment: Assessment, extension: str, *, what: str = "") -> str:
    """ "Client — Assessment[ — what] — YYYY-MM-DD.ext" """
    organisation = repository.organisation_of(session=session, assessment=assessment)
    return download_name([organisation.name, assessment.title, what], date.today(), extension)


def download(content: bytes, media_type: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(name),
            "Cache-Control": "private, no-cache",
        },
    )
