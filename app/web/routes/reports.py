"""The PDF report: a page to choose the paper, and the PDF itself (cached per data version)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import HTTPException, Query, Request
from fastapi.responses import Response

from app.db.models import Assessment
from app.report_data import report_data_of, report_version
from app.reports import pdf
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
def show_report(request: Request, assessment: AssessmentDep) -> Response:
    page = ReportPage(assessment)
    return templates.TemplateResponse(request, "reports/index.html", {"page": page})


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
    version = report_version(session=session, assessment=assessment, prepared_by=prepared_by)

    def render() -> bytes:
        data = report_data_of(
            session=session, assessment=assessment, prepared_by=prepared_by, paper=paper
        )
        try:
            return render_pdf_in_worker(data)
        finally:
            pdf.prepare_worker()  # the next report's process, started while this one is sent

    directory = settings.data_dir / "cache" / f"assessment-{assessment.id}"
    try:
        document = cached(directory, f"report-{paper}.pdf", version, render)
    except ReportFailed as failure:
        raise HTTPException(status_code=503, detail=f"{failure}. Try again in a moment.") from None
    filename = f"gapwise-report-{assessment.id}-{paper.lower()}.pdf"
    return Response(
        document,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-cache",
        },
    )
