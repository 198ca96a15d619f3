"""Exports of an assessment (CSV, XLSX, JSON) and importing a JSON export into an organisation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from fastapi import Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from app.db import report_data
from app.db.models import Organisation
from app.db.transfer import ImportRefused, import_assessment
from app.domain.policy import Action
from app.web.deps import AssessmentDep, AuditDep, OrganisationDep, SessionDep, allowed
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

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


@router.post(
    "/organisations/{organisation_id}/import",
    name="import_assessment",
    dependencies=[allowed(Action.MANAGE_ASSESSMENTS)],
)
def import_upload(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    audit: AuditDep,
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
    audit(
        "imported assessment",
        organisation_id=organisation.id,
        detail=assessment.title,
    )
    return RedirectResponse(f"/assessments/{assessment.id}", status_code=303)
