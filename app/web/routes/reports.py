"""The report page (the consultant's narrative, the downloads) and the PDF, cached per version."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from fastapi import HTTPException, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import repository
from app.db.models import Assessment, Organisation
from app.db.results import results_of
from app.domain.evidence import NOTHING_TO_REPORT
from app.domain.narrative import FIELDS as NARRATIVE_FIELDS
from app.domain.narrative import MAX_CHARACTERS, Narrative, NarrativeRefused, clean_narrative
from app.domain.policy import Action
from app.report_data import prepared_by_of, reader_key, report_data_of, report_version
from app.reports import worker
from app.reports.cache import cached, kept_outputs
from app.reports.pdf import prepare_charts, render_pdf
from app.reports.registry import ExportFormat, exports_on
from app.reports.worker import ReportFailed
from app.web.deps import (
    AssessmentDep,
    AuditDep,
    CurrentUser,
    FormDep,
    SessionDep,
    SettingsDep,
    allowed,
)
from app.web.downloads import download, file_name
from app.web.feedback import done
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

Paper = Literal["A4", "Letter"]


@dataclass(frozen=True)
class ReportPage:
    assessment: Assessment
    organisation: Organisation
    narrative: Narrative  # as stored, or as just submitted when it could not be saved
    base: str  # the stored texts' digest when the form was drawn: edits never cross silently
    downloads: list[ExportFormat]  # the registered formats offered beside the PDF (the deck)
    drawn_ahead: bool  # opening the page queued the A4 report (GAPWISE_WARM_RESULTS)
    fields: dict[str, str] = field(default_factory=lambda: dict(NARRATIVE_FIELDS))
    max_characters: int = MAX_CHARACTERS
    message: str = ""


def _digest(narrative: Narrative) -> str:
    return hashlib.sha256(repr(narrative).encode()).hexdigest()[:16]


def _render_report_page(
    request: Request,
    session: Session,
    assessment: Assessment,
    *,
    shown: Narrative | None = None,
    message: str = "",
    drawn_ahead: bool = False,
) -> Response:
    stored = repository.narrative_of(assessment)
    page = ReportPage(
        assessment=assessment,
        organisation=repository.organisation_of(session=session, assessment=assessment),
        narrative=shown if shown is not None else stored,
        base=_digest(stored),
        downloads=exports_on("report"),
        drawn_ahead=drawn_ahead,
        message=message,
    )
    return templates.TemplateResponse(
        request, "reports/index.html", {"page": page}, status_code=422 if message else 200
    )


@router.get("/assessments/{assessment_id}/report", name="show_report")
def show_report(
    request: Request, assessment: AssessmentDep, session: SessionDep, user: CurrentUser
) -> Response:
    """The page; the A4 report starts being drawn in the background, for this reader, as it
    opens: the first download is the one a reader waits for."""
    background = getattr(request.app.state, "background", None)
    if background is not None and assessment.id is not None:
        background.preparer.prepare(assessment.id, prepared_by_of(user))
    return _render_report_page(request, session, assessment, drawn_ahead=background is not None)


@router.post(
    "/assessments/{assessment_id}/narrative",
    name="save_narrative",
    dependencies=[allowed(Action.WRITE_NARRATIVE)],
)
def save_narrative(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    """Save the three texts, unless someone else saved theirs since this form was drawn."""
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        narrative = clean_narrative(fields)
    except NarrativeRefused as refused:
        submitted = Narrative(*(fields.get(name, "") for name in NARRATIVE_FIELDS))
        return _render_report_page(
            request, session, assessment, shown=submitted, message=str(refused)
        )
    if fields.get("base") != _digest(repository.narrative_of(assessment)):
        message = (
            "narrative: someone else saved these texts while you were editing. Yours are in "
            "the form, not saved yet; compare with the report, then save again to replace theirs."
        )
        return _render_report_page(request, session, assessment, shown=narrative, message=message)
    repository.set_narrative(session=session, assessment=assessment, narrative=narrative)
    organisation_id = assessment.organisation_id
    audit("edited report narrative", organisation_id=organisation_id, detail=assessment.title)
    message = "Narrative saved: the report and the deck carry these texts now."
    return done(request, f"/assessments/{assessment.id}/report", message)


@router.get("/assessments/{assessment_id}/report.pdf", name="download_report")
def download_report(
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    paper: Annotated[Paper, Query()] = "A4",
) -> Response:
    """Drawn in a separate worker process with a time limit, then served from the cache
    (often drawn already: as the report page opens and after a change, see `prepare_report`)."""
    try:
        pdf = report_pdf(
            session=session,
            assessment=assessment,
            data_dir=settings.data_dir,
            prepared_by=prepared_by_of(user),
            paper=paper,
        )
    except ReportFailed as failure:
        raise HTTPException(status_code=503, detail=f"{failure}. Try again in a moment.") from None
    what = "US Letter" if paper == "Letter" else ""
    return download(pdf, "application/pdf", file_name(session, assessment, "pdf", what=what))


def report_pdf(
    *, session: Session, assessment: Assessment, data_dir: Path, prepared_by: str, paper: Paper
) -> bytes:
    """The report at the assessment's data version: from the cache, else drawn (and kept).
    Without scoring when it is cached: a report cached at this version had something to say."""
    version = report_version(session=session, assessment=assessment, prepared_by=prepared_by)

    def render() -> bytes:
        if results_of(session=session, assessment=assessment).results.overall is None:
            raise HTTPException(status_code=409, detail=NOTHING_TO_REPORT)  # not 15 empty pages
        data = report_data_of(
            session=session, assessment=assessment, prepared_by=prepared_by, paper=paper
        )
        try:
            return worker.render_in_worker(render_pdf, data)
        finally:  # the next report's process, started while this one is sent
            worker.prepare_worker(ahead=functools.partial(prepare_charts, data.framework))

    directory = kept_outputs(data_dir, assessment.id)
    return cached(directory, f"report-{paper}-{reader_key(prepared_by)}.pdf", version, render)


def prepare_report(
    *, session: Session, assessment: Assessment, data_dir: Path, prepared_by: str
) -> None:
    """Draw the A4 report into the cache, if there is anything to report, while its page is
    being read or once a change has settled (app/web/warming.py calls it): the download then
    finds it, or waits only for the rest of this render, never for a second one."""
    if results_of(session=session, assessment=assessment).results.overall is not None:
        report_pdf(
            session=session,
            assessment=assessment,
            data_dir=data_dir,
            prepared_by=prepared_by,
            paper="A4",
        )
