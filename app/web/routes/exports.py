"""Exports of an assessment (CSV, XLSX, JSON) and importing a JSON export into an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import report_data
from app.db.models import Organisation
from app.db.transfer import import_assessment
from app.db.transfer_schema import ImportRefused, read_document
from app.web.deps import (
    AssessmentDep,
    ConsultantUser,
    CurrentUser,
    OrganisationDep,
    SessionDep,
    record_change,
)
from app.web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@router.get("/assessments/{assessment_id}/export/{export_format}", name="export_assessment")
def export(
    assessment: AssessmentDep,
    export_format: Literal["csv", "xlsx", "json"],
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    content = report_data.exported(
        session=session, assessment=assessment, export_format=export_format
    )
    filename = f"gapwise-assessment-{assessment.id}.{export_format}"
    return Response(
        content,
        media_type=MEDIA_TYPES[export_format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@dataclass(frozen=True)
class ImportPage:
    organisation: Organisation
    message: str


@router.post("/organisations/{organisation_id}/import", name="import_assessment")
def import_upload(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    user: ConsultantUser,
    file: UploadFile,
) -> Response:
    """Restore an assessment from a Gapwise JSON export into this organisation."""
    raw = file.file.read(MAX_IMPORT_BYTES + 1)
    try:
        if len(raw) > MAX_IMPORT_BYTES:
            raise ImportRefused("file: larger than 20 MB; is it a Gapwise JSON export?")
        assessment = import_assessment(
            session=session, document=read_document(raw), organisation=organisation
        )
    except ImportRefused as refused:
        session.rollback()
        page = ImportPage(organisation, str(refused))
        return templates.TemplateResponse(
            request, "exports/import_refused.html", {"page": page}, status_code=422
        )
    record_change(
        request,
        session,
        "imported assessment",
        user,
        organisation_id=organisation.id,
        detail=assessment.title,
    )
    return RedirectResponse(f"/assessments/{assessment.id}", status_code=303)
