"""Exports of an assessment (CSV, XLSX, JSON) and importing a JSON export into an organisation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.db import report_data
from app.db.models import Organisation
from app.db.transfer import ImportRefused, import_assessment
from app.web.deps import (
    AssessmentDep,
    ConsultantUser,
    CurrentUser,
    OrganisationDep,
    SessionDep,
    record_change,
)
from app.web.downloads import download, file_name
from app.web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
EXPORT_NAMES = {"csv": "answers", "xlsx": "", "json": "Gapwise export"}
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
    name = file_name(session, assessment, export_format, what=EXPORT_NAMES[export_format])
    return download(content, MEDIA_TYPES[export_format], name)


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
        try:
            document = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ImportRefused("file: not JSON; choose a Gapwise JSON export") from None
        if not isinstance(document, dict):
            raise ImportRefused("file: not a Gapwise JSON export")
        assessment = import_assessment(
            session=session, document=document, organisation=organisation
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
