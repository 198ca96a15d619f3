"""Exports of an assessment (CSV, XLSX, JSON) and importing a JSON export into an organisation."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from app.db.models import Organisation
from app.db.transfer import ImportRefused, import_assessment
from app.domain.policy import Action
from app.report_data import exported
from app.reports.registry import EXPORTS
from app.web.deps import AssessmentDep, AuditDep, OrganisationDep, SessionDep, allowed
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

MAX_IMPORT_BYTES = 20 * 1024 * 1024


@router.get("/assessments/{assessment_id}/export/{export_format}", name="export_assessment")
def export(
    assessment: AssessmentDep,
    export_format: str,
    session: SessionDep,
) -> Response:
    chosen = EXPORTS.get(export_format)
    if chosen is None:
        known = ", ".join(EXPORTS)
        raise HTTPException(
            status_code=404, detail=f"There is no export format '{export_format}' ({known})."
        )
    content = exported(session=session, assessment=assessment, export_format=chosen)
    filename = f"gapwise-assessment-{assessment.id}.{chosen.name}"
    return Response(
        content,
        media_type=chosen.media_type,
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
