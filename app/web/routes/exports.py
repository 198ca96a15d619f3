"""Exports of an assessment (every registered format: CSV, Excel, JSON, the slide deck) and
importing a JSON export into an organisation."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.config import Settings
from app.db.models import Assessment, Organisation
from app.db.transfer import ImportRefused, import_assessment
from app.domain.policy import Action
from app.report_data import exported, report_version
from app.reports.cache import cached
from app.reports.registry import EXPORTS, ExportFormat
from app.reports.worker import ReportFailed
from app.web.deps import (
    AssessmentDep,
    AuditDep,
    CurrentUser,
    OrganisationDep,
    SessionDep,
    SettingsDep,
    allowed,
)
from app.web.downloads import download, file_name
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

MAX_IMPORT_BYTES = 20 * 1024 * 1024


@router.get("/assessments/{assessment_id}/export/{export_format}", name="export_assessment")
def export(
    assessment: AssessmentDep,
    export_format: str,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> Response:
    """Any registered format; slow ones (the deck) drawn once per report version."""
    chosen = EXPORTS.get(export_format)
    if chosen is None:
        known = ", ".join(EXPORTS)
        raise HTTPException(
            status_code=404, detail=f"There is no export format '{export_format}' ({known})."
        )
    prepared_by = user.name or user.email
    try:
        content = _content(session, settings, assessment, chosen, prepared_by)
    except ReportFailed as failure:
        raise HTTPException(status_code=503, detail=f"{failure}. Try again in a moment.") from None
    name = file_name(session, assessment, chosen.name, what=chosen.what)
    return download(content, chosen.media_type, name)


def _content(
    session: Session,
    settings: Settings,
    assessment: Assessment,
    chosen: ExportFormat,
    prepared_by: str,
) -> bytes:
    def render() -> bytes:
        return exported(
            session=session, assessment=assessment, export_format=chosen, prepared_by=prepared_by
        )

    if not chosen.cached:
        return render()
    version = report_version(session=session, assessment=assessment, prepared_by=prepared_by)
    directory = settings.data_dir / "cache" / f"assessment-{assessment.id}"
    return cached(directory, f"export.{chosen.name}", version, render)


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
