"""The report page (the consultant's narrative, downloads) and the PDF (cached per version)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from app.config import Settings
from app.db import branding, repository, roadmaps
from app.db.models import Assessment, Organisation, Role, User
from app.db.report_data import report_data_of
from app.domain.narrative import FIELDS as NARRATIVE_FIELDS
from app.domain.narrative import MAX_CHARACTERS, Narrative, NarrativeRefused, clean_narrative
from app.reports.cache import cached
from app.reports.deck import PPTX, render_deck
from app.reports.pdf import ReportData, render_pdf
from app.reports.worker import ReportFailed, render_in_worker
from app.web.deps import (
    AssessmentDep,
    ConsultantUser,
    CurrentUser,
    FormDep,
    SessionDep,
    SettingsDep,
    record_change,
)
from app.web.downloads import download, file_name
from app.web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)

Paper = Literal["A4", "Letter"]


@dataclass(frozen=True)
class ReportPage:
    assessment: Assessment
    organisation: Organisation
    narrative: Narrative  # as stored, or as just submitted when it could not be saved
    base: str  # the stored texts' digest when the form was drawn: edits never cross silently
    can_edit: bool
    fields: dict[str, str] = field(default_factory=lambda: dict(NARRATIVE_FIELDS))
    max_characters: int = MAX_CHARACTERS
    message: str = ""
    saved: bool = False


def _digest(narrative: Narrative) -> str:
    return hashlib.sha256(repr(narrative).encode()).hexdigest()[:16]


def _render_report_page(
    request: Request,
    session: Session,
    assessment: Assessment,
    user: User,
    *,
    shown: Narrative | None = None,
    message: str = "",
    saved: bool = False,
) -> Response:
    stored = repository.narrative_of(assessment)
    page = ReportPage(
        assessment=assessment,
        organisation=repository.organisation_of(session=session, assessment=assessment),
        narrative=shown if shown is not None else stored,
        base=_digest(stored),
        can_edit=user.role in (Role.ADMIN, Role.CONSULTANT),
        message=message,
        saved=saved,
    )
    return templates.TemplateResponse(
        request, "reports/index.html", {"page": page}, status_code=422 if message else 200
    )


@router.get("/assessments/{assessment_id}/report", name="show_report")
def show_report(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    user: CurrentUser,
    saved: bool = False,
) -> Response:
    return _render_report_page(request, session, assessment, user, saved=saved)


@router.post("/assessments/{assessment_id}/narrative", name="save_narrative")
def save_narrative(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    user: ConsultantUser,
    form: FormDep,
) -> Response:
    """Save the three texts, unless someone else saved theirs since this form was drawn."""
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        narrative = clean_narrative(fields)
    except NarrativeRefused as refused:
        submitted = Narrative(*(fields.get(name, "") for name in NARRATIVE_FIELDS))
        return _render_report_page(
            request, session, assessment, user, shown=submitted, message=str(refused)
        )
    if fields.get("base") != _digest(repository.narrative_of(assessment)):
        message = (
            "narrative: someone else saved these texts while you were editing. Yours are in "
            "the form, not saved yet; compare with the report, then save again to replace theirs."
        )
        return _render_report_page(
            request, session, assessment, user, shown=narrative, message=message
        )
    repository.set_narrative(session=session, assessment=assessment, narrative=narrative)
    record_change(
        request,
        session,
        "edited report narrative",
        user,
        organisation_id=assessment.organisation_id,
        detail=assessment.title,
    )
    return RedirectResponse(f"/assessments/{assessment.id}/report?saved=true", status_code=303)


def _report_version(session: SessionDep, assessment: Assessment, prepared_by: str) -> str:
    """Changes with the answers, the roadmap, the titles, the narrative, the branding, the
    author and the day."""
    items = [
        (i.id, i.title, i.owner, i.horizon, str(i.status), i.notes, i.updated_at)
        for i in roadmaps.roadmap_of(session=session, assessment=assessment)
    ]
    organisation = repository.organisation_of(session=session, assessment=assessment)
    key = (
        repository.data_version(session=session, assessment=assessment),
        items,
        assessment.title,
        assessment.purpose,
        str(assessment.status),
        assessment.target_date,
        assessment.area_importance,
        organisation.name,
        repository.narrative_of(assessment),
        branding.brand_of(session=session, organisation=organisation).version,
        prepared_by,
        date.today(),
    )
    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


def _drawn(
    session: Session,
    settings: Settings,
    assessment: Assessment,
    user: User,
    name: str,
    render: Callable[[ReportData], bytes],
    paper: str = "A4",
) -> bytes:
    """Drawn in a separate worker process with a time limit, then served from the cache."""
    prepared_by = user.name or user.email
    version = _report_version(session, assessment, prepared_by)

    def draw() -> bytes:
        data = report_data_of(
            session=session, assessment=assessment, prepared_by=prepared_by, paper=paper
        )
        return render_in_worker(render, data)

    directory = settings.data_dir / "cache" / f"assessment-{assessment.id}"
    try:
        return cached(directory, name, version, draw)
    except ReportFailed as failure:
        raise HTTPException(status_code=503, detail=f"{failure}. Try again in a moment.") from None


@router.get("/assessments/{assessment_id}/report.pdf", name="download_report")
def download_report(
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    paper: Annotated[Paper, Query()] = "A4",
) -> Response:
    pdf = _drawn(session, settings, assessment, user, f"report-{paper}.pdf", render_pdf, paper)
    what = "US Letter" if paper == "Letter" else ""
    return download(pdf, "application/pdf", file_name(session, assessment, "pdf", what=what))


@router.get("/assessments/{assessment_id}/deck.pptx", name="download_deck")
def download_deck(
    assessment: AssessmentDep, session: SessionDep, settings: SettingsDep, user: CurrentUser
) -> Response:
    deck = _drawn(session, settings, assessment, user, "deck.pptx", render_deck)
    return download(deck, PPTX, file_name(session, assessment, "pptx"))
