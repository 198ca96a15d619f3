"""Results for consultants and viewers: scores, gaps, disagreements, groups, and charts."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from fastapi.responses import Response

from app.db import repository
from app.db.models import Assessment, Organisation
from app.db.results import AssessmentResults, results_of
from app.domain.framework import Area, Criterion
from app.domain.narrative import FIELDS as NARRATIVE_FIELDS
from app.domain.narrative import Narrative
from app.domain.scoring import (
    AreaResult,
    CriterionResult,
    disagreements,
    top_gaps,
    top_strengths,
)
from app.report_data import ChartData, chart_data_of
from app.reports import charts
from app.reports.cache import cached
from app.reports.figures import Figures
from app.reports.method import Method, method_of
from app.reports.registry import CHARTS, Chart, ExportFormat, charts_on_page, exports_on
from app.web.deps import AssessmentDep, SessionDep, SettingsDep
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

PAGE_SECTIONS = ("overview", "groups", "people")  # where results/index.html places charts
# Chart text on a page reads like the page's own text (16 px) at desktop widths, where the
# charts are shown at about their natural size; see tests/e2e/test_results.py.
SCREEN_TEXT_SCALE = 1.45


def _for_screen(chart: Chart, data: ChartData) -> bytes:
    with charts.legible(SCREEN_TEXT_SCALE):
        return chart.draw(data, "svg")


@dataclass(frozen=True)
class ResultsPage:
    assessment: Assessment
    organisation: Organisation
    data: AssessmentResults
    top_gaps: list[CriterionResult]
    top_strengths: list[CriterionResult]
    disagreements: list[CriterionResult]
    area_titles: dict[str, str]  # criterion id -> its area's title
    criterion_texts: dict[str, str]
    charts: dict[str, list[Chart]]  # page section -> the charts registered for it
    figures: Figures
    method: Method
    narrative: Narrative
    exports: list[ExportFormat] = field(default_factory=lambda: exports_on("assessment"))
    narrative_labels: dict[str, str] = field(default_factory=lambda: dict(NARRATIVE_FIELDS))


@router.get("/assessments/{assessment_id}/results", name="show_results")
def show_results(request: Request, assessment: AssessmentDep, session: SessionDep) -> Response:
    data = results_of(session=session, assessment=assessment)
    drawn_from = chart_data_of(session=session, assessment=assessment)
    page = ResultsPage(
        assessment=assessment,
        organisation=repository.organisation_of(session=session, assessment=assessment),
        data=data,
        top_gaps=top_gaps(data.headline),
        top_strengths=top_strengths(data.headline),
        disagreements=disagreements(data.results)[:10],
        area_titles={
            c.criterion_id: area.title for area in data.results.areas() for c in area.all_criteria()
        },
        criterion_texts={c.criterion_id: c.text for c in data.results.criteria()},
        figures=Figures(data.framework),
        method=method_of(data.framework),
        charts={section: charts_on_page(section, drawn_from) for section in PAGE_SECTIONS},
        narrative=repository.narrative_of(assessment),
    )
    return templates.TemplateResponse(request, "results/index.html", {"page": page})


@dataclass(frozen=True)
class AreaResultsPage:
    assessment: Assessment
    data: AssessmentResults
    area: AreaResult
    framework_area: Area
    comments: dict[str, list[tuple[str, str]]]  # criterion id -> (group, comment)
    figures: Figures
    criteria: dict[str, Criterion]  # by id: evidence prompts and action for the consultant
    previous_area: AreaResult | None = None
    next_area: AreaResult | None = None


@router.get("/assessments/{assessment_id}/results/areas/{area_id}", name="show_area_results")
def show_area_results(
    request: Request,
    assessment: AssessmentDep,
    area_id: str,
    session: SessionDep,
) -> Response:
    data = results_of(session=session, assessment=assessment)
    areas = list(data.results.areas())
    index = next((i for i, a in enumerate(areas) if a.area_id == area_id), None)
    if index is None:
        raise HTTPException(status_code=404, detail=f"This assessment has no area '{area_id}'.")
    area = areas[index]
    page = AreaResultsPage(
        assessment=assessment,
        data=data,
        area=area,
        framework_area=next(a for a in data.framework.areas() if a.id == area_id),
        comments=repository.comments_by_criterion(session=session, assessment=assessment),
        figures=Figures(data.framework),
        criteria={c.id: c for c in data.framework.criteria()},
        previous_area=areas[index - 1] if index else None,
        next_area=areas[index + 1] if index + 1 < len(areas) else None,
    )
    return templates.TemplateResponse(request, "results/area.html", {"page": page})


@router.get("/assessments/{assessment_id}/charts/{chart_name}.svg", name="show_chart")
def show_chart(
    assessment: AssessmentDep,
    chart_name: str,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """A chart as SVG, drawn once per data version and then served from the disk cache."""
    chart = CHARTS.get(chart_name)
    if chart is None:
        raise HTTPException(status_code=404, detail=f"There is no chart '{chart_name}'.")
    data = chart_data_of(session=session, assessment=assessment)
    directory = settings.data_dir / "cache" / f"assessment-{assessment.id}"
    svg = cached(directory, f"{chart.name}.svg", data.version, lambda: _for_screen(chart, data))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"})
