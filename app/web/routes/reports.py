"""The PDF report: a page to choose the paper, and the PDF itself (cached per data version)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import HTTPException, Query, Request
from fastapi.responses import Response

from app.db import repository, roadmaps
from app.db.models import Assessment
from app.db.report_data import report_data_of
from app.reports.cache import cached
from app.reports.pdf import ReportFailed, render_pdf_in_worker
from app.web.deps import AssessmentDep, CurrentUser, SessionDep, SettingsDep
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

Paper = Literal["A4", "Letter"]


@dataclass(frozen=True)
class ReportPage:
    assessment: Assessment


@router.get("/assessments/{assessment_id}/report", name="show_report")
def show_report(request: Request, assessment: AssessmentDep, user: CurrentUser) -> Response:
    page = ReportPage(assessment)
    return templates.TemplateResponse(request, "reports/index.html", {"page": page})


def _report_version(session: SessionDep, assessment: Assessment, prepared_by: str) -> str:
    """Changes with the answers, the roadmap, the titles, the author and the day."""
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
        prepared_by,
        date.today(),
    )
    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


@router.get("/assessments/{assessment_id}/report.pdf", name="download_report")
def download_report(
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    paper: Annotated[Paper, Query()] = "A4",
) -> Response:
    """Drawn in a separate worker process with a time limit, then served from the cache."""
    prepared_by = user.name or user.email
    version = _report_version(session, assessment, prepared_by)

    def render() -> bytes:
        data = report_data_of(
            session=session, assessment=assessment, prepared_by=prepared_by, paper=paper
        )
        return render_pdf_in_worker(data)

    directory = settings.data_dir / "cache" / f"assessment-{assessment.id}"
    try:
        pdf = cached(directory, f"report-{paper}.pdf", version, render)
    except ReportFailed as failure:
        raise HTTPException(status_code=503, detail=f"{failure}. Try again in a moment.") from None
    filename = f"gapwise-report-{assessment.id}-{paper.lower()}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-cache",
        },
    )
