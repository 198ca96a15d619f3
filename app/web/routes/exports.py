"""Exports of an assessment (every registered format: CSV, Excel, JSON, the slide deck) and
importing a JSON export into an organisation."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from app.config import Settings
from app.db import repository
from app.db.models import Assessment, Organisation
from app.db.organisations import imported_from
from app.db.transfer import fingerprint, import_assessment
from app.db.transfer_schema import (
    MAX_DOCUMENT_BYTES,
    AssessmentDocument,
    ImportRefused,
    read_document,
)
from app.domain.policy import Action, can
from app.report_data import exported, prepared_by_of, reader_key, report_version
from app.reports.cache import cached, kept_outputs
from app.reports.registry import EXPORTS, ExportFormat
from app.reports.worker import ReportFailed
from app.web.deps import (
    AssessmentDep,
    AuditDep,
    CurrentUser,
    FormDep,
    OrganisationDep,
    SessionDep,
    SettingsDep,
    allowed,
)
from app.web.downloads import download, file_name
from app.web.feedback import done
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()


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
    if chosen.page == "assessment" and not can(user.role, Action.EXPORT_ANSWERS):
        # The answer exports carry names; the report's (the deck) keep to the threshold.
        raise HTTPException(
            status_code=403,
            detail="This export holds every answer with the participant's name: "
            "only the assessment's consultants may download it.",
        )
    prepared_by = prepared_by_of(user)
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
    directory = kept_outputs(settings.data_dir, assessment.id)
    return cached(directory, f"export-{reader_key(prepared_by)}.{chosen.name}", version, render)


@dataclass(frozen=True)
class ImportPage:
    organisation: Organisation
    message: str


@dataclass(frozen=True)
class ImportAgainPage:
    organisation: Organisation
    earlier: Assessment
    stash: str


STASH_SECONDS = 3600  # how long an upload waits for "replace or keep both"


def _stash_dir(settings: Settings, organisation: Organisation) -> Path:
    return settings.data_dir / "imports" / f"organisation-{organisation.id}"


def _stash(settings: Settings, organisation: Organisation, raw: bytes) -> str:
    """Keep an upload for the consultant's answer; older uploads are cleared on the way."""
    folder = _stash_dir(settings, organisation)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        if time.time() - old.stat().st_mtime > STASH_SECONDS:
            old.unlink(missing_ok=True)
    name = secrets.token_hex(16)
    (folder / f"{name}.json").write_bytes(raw)
    return name


def _unstash(settings: Settings, organisation: Organisation, name: str) -> bytes:
    if not re.fullmatch(r"[0-9a-f]{32}", name):
        raise ImportRefused("file: choose the file again; this upload is not known")
    path = _stash_dir(settings, organisation) / f"{name}.json"
    if not path.exists():
        raise ImportRefused("file: this upload waited too long; choose the file again")
    raw = path.read_bytes()
    path.unlink()
    return raw


def _upload(form: FormData, settings: Settings, organisation: Organisation) -> bytes:
    file, stash = form.get("file"), str(form.get("stash", ""))
    if stash:
        return _unstash(settings, organisation, stash)
    if not isinstance(file, UploadFile):
        raise ImportRefused("file: choose a Gapwise JSON export to import")
    return file.file.read(MAX_DOCUMENT_BYTES + 1)


def _summary(assessment: Assessment, document: AssessmentDocument) -> str:
    counts = [
        (len(document.participants), "participant"),
        (len(document.answers), "answer"),
        (len(document.roadmap), "roadmap initiative"),
    ]
    parts = ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts)
    return (
        f"Imported “{assessment.title}”: {parts}. It is closed and nobody has a link; "
        "reopen it and issue links to collect answers again."
    )


@router.post(
    "/organisations/{organisation_id}/import",
    name="import_assessment",
    dependencies=[allowed(Action.MANAGE_ASSESSMENTS)],
)
def import_upload(
    request: Request,
    organisation: OrganisationDep,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    """Restore an assessment from a Gapwise JSON export into this organisation. A file
    imported here before is not imported again until the consultant says replace or keep."""
    choice = str(form.get("choice", ""))
    try:
        raw = _upload(form, settings, organisation)
        document = read_document(raw)
        earlier = imported_from(
            session=session, organisation=organisation, fingerprint=fingerprint(document)
        )
        if earlier is not None and choice not in ("replace", "keep"):
            page = ImportAgainPage(organisation, earlier, _stash(settings, organisation, raw))
            return templates.TemplateResponse(request, "exports/import_again.html", {"page": page})
        if earlier is not None and choice == "replace":
            repository.delete_assessment(session=session, assessment=earlier)
            audit("removed assessment", organisation_id=organisation.id, detail=earlier.title)
        assessment = import_assessment(
            session=session, document=document, organisation=organisation
        )
    except ImportRefused as refused:
        session.rollback()
        page = ImportPage(organisation, str(refused))
        return templates.TemplateResponse(
            request, "exports/import_refused.html", {"page": page}, status_code=422
        )
    audit("imported assessment", organisation_id=organisation.id, detail=assessment.title)
    return done(request, f"/assessments/{assessment.id}", _summary(assessment, document))
