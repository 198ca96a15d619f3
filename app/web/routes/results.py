"""Results for consultants and viewers: scores, gaps, disagreements, groups, and charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import repository
from app.db.models import Assessment, Organisation
from app.db.results import AssessmentResults, results_of
from app.domain.anonymity import group_of, groups_note
from app.domain.evidence import ALL, EVERYONE, SUBMITTED, Counted, View
from app.domain.framework import Area, Criterion, Framework
from app.domain.narrative import FIELDS as NARRATIVE_FIELDS
from app.domain.narrative import Narrative
from app.domain.scoring import (
    MIN_EVIDENCE,
    AreaResult,
    CriterionResult,
    disagreements,
    top_gaps,
    top_strengths,
)
from app.domain.workshop import Vote, summarise
from app.report_data import ChartData, chart_data_of
from app.reports import charts
from app.reports.cache import cached, kept_outputs
from app.reports.figures import Figures
from app.reports.method import Method, method_of
from app.reports.registry import CHARTS, Chart, ExportFormat, charts_on_page, exports_on
from app.web.deps import AssessmentDep, SessionDep, SettingsDep
from app.web.results_view import ViewDep, cache_name, query_of, results_in
from app.web.templating import templates
from app.web.transactions import page_router
from app.web.workshop_stage import Geometry, Plot, group_classes, strip_plot

router = page_router()

PAGE_SECTIONS = ("overview", "groups", "people")  # where results/index.html places charts
# Chart text on a page reads like the page's own text (16 px) at desktop widths, where the
# charts are shown at about their natural size; see tests/e2e/test_results.py.
SCREEN_TEXT_SCALE = 1.45
# The drill-down's dot plots sit under each criterion, about 26 rem wide: three dots side by
# side per level keeps the labels near the page's small print on a 0-5 scale.
SPREAD_PLOT = Geometry(per_line=3, left=56)


def _for_screen(chart: Chart, data: ChartData) -> bytes:
    with charts.legible(SCREEN_TEXT_SCALE):
        return chart.draw(data, "svg")


def screen_chart(
    chart: Chart,
    *,
    session: Session,
    assessment: Assessment,
    data_dir: Path,
    view: View = EVERYONE,
) -> bytes:
    """A chart as the results page shows it: drawn once per data version and view (each view
    has its own file), then read from the disk cache that every worker shares, without
    scoring anything."""
    directory = kept_outputs(data_dir, assessment.id)
    return cached(
        directory,
        cache_name(f"{chart.name}.svg", view),
        repository.data_version(session=session, assessment=assessment),  # the results' too
        lambda: _for_screen(
            chart, chart_data_of(session=session, assessment=assessment, view=view)
        ),
    )


def prepare_results(*, session: Session, assessment: Assessment, data_dir: Path) -> None:
    """Compute what the results page's first view needs (scores, groups, the charts at its
    top), into the caches the page reads: app/web/warming.py calls it shortly after a
    change. The charts further down (groups, heatmap) are drawn when first asked for: each
    costs 0.2-0.3 s, which warming on every change would spend whether anyone looks or not."""
    _ = results_of(session=session, assessment=assessment).segments  # computed once, then kept
    drawn_from = chart_data_of(session=session, assessment=assessment)
    for chart in charts_on_page("overview", drawn_from):
        screen_chart(chart, session=session, assessment=assessment, data_dir=data_dir)


@dataclass(frozen=True)
class Choice:
    """One link of the results filter: what it shows, where it goes, whether it is shown now."""

    label: str
    query: str
    current: bool


def _choices(data: AssessmentResults, asked: View) -> tuple[list[Choice], list[Choice]]:
    """The filter's links: submitted answers only or all; everyone or one group. Only groups
    that may be shown on their own are offered (`data.groups`)."""
    shown = data.view
    answers = [
        Choice(label, query_of(View(value, asked.group)), shown.answers == value)
        for value, label in ((SUBMITTED, "Submitted answers only"), (ALL, "All answers so far"))
    ]
    groups = [Choice("Everyone", query_of(View(asked.answers)), not shown.group)] + [
        Choice(group, query_of(View(asked.answers, group)), shown.group == group)
        for group in data.groups
    ]
    return answers, groups


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
    groups_note: str  # what the anonymity threshold did to the groups shown
    counted: Counted  # whose answers are counted, for the heading
    narrative: Narrative
    query: str  # the filter, for every link and chart that must keep it
    answer_choices: list[Choice]
    group_choices: list[Choice]
    min_evidence: int = MIN_EVIDENCE
    exports: list[ExportFormat] = field(default_factory=lambda: exports_on("assessment"))
    narrative_labels: dict[str, str] = field(default_factory=lambda: dict(NARRATIVE_FIELDS))


@router.get("/assessments/{assessment_id}/results", name="show_results")
def show_results(
    request: Request, assessment: AssessmentDep, session: SessionDep, view: ViewDep
) -> Response:
    data = results_in(session=session, assessment=assessment, view=view)
    drawn_from = chart_data_of(session=session, assessment=assessment, view=view)
    answer_choices, group_choices = _choices(data, view)
    page = ResultsPage(
        assessment=assessment,
        organisation=repository.organisation_of(session=session, assessment=assessment),
        data=data,
        top_gaps=top_gaps(data.headline, include_thin=data.include_thin),
        top_strengths=top_strengths(data.headline, include_thin=data.include_thin),
        disagreements=disagreements(data.results)[:10],
        area_titles={
            c.criterion_id: area.title for area in data.results.areas() for c in area.all_criteria()
        },
        criterion_texts={c.criterion_id: c.text for c in data.results.criteria()},
        figures=Figures(data.framework),
        method=method_of(
            data.framework, answers=data.counted.answers, include_thin=data.include_thin
        ),
        counted=data.counted,
        groups_note=_groups_note(assessment, data),
        charts={section: charts_on_page(section, drawn_from) for section in PAGE_SECTIONS},
        narrative=repository.narrative_of(assessment),
        query=query_of(view),
        answer_choices=answer_choices,
        group_choices=group_choices,
    )
    return templates.TemplateResponse(request, "results/index.html", {"page": page})


@dataclass(frozen=True)
class AreaResultsPage:
    assessment: Assessment
    data: AssessmentResults
    area: AreaResult
    framework_area: Area
    comments: dict[str, list[tuple[str, str]]]  # criterion id -> (group label or "", comment)
    figures: Figures
    criteria: dict[str, Criterion]  # by id: evidence prompts and action for the consultant
    plots: dict[str, Plot]  # by criterion id: who answered what, today and target
    legend: tuple[tuple[str, str], ...]  # (group label, CSS class) of the plots' dots
    groups_note: str  # what the anonymity threshold did to the groups (as on the results)
    query: str  # the filter, for every link that must keep it
    previous_area: AreaResult | None = None
    next_area: AreaResult | None = None


@router.get("/assessments/{assessment_id}/results/areas/{area_id}", name="show_area_results")
def show_area_results(
    request: Request,
    assessment: AssessmentDep,
    area_id: str,
    session: SessionDep,
    view: ViewDep,
) -> Response:
    data = results_in(session=session, assessment=assessment, view=view)
    areas = list(data.results.areas())
    index = next((i for i, a in enumerate(areas) if a.area_id == area_id), None)
    if index is None:
        raise HTTPException(status_code=404, detail=f"This assessment has no area '{area_id}'.")
    area = areas[index]
    framework_area = next(a for a in data.framework.areas() if a.id == area_id)
    classes = group_classes(data.segments.labels)
    page = AreaResultsPage(
        assessment=assessment,
        data=data,
        area=area,
        framework_area=framework_area,
        comments=repository.comments_by_criterion(
            session=session,
            assessment=assessment,
            labels=data.segments.labels,
            writers=data.counted_participants,
        ),
        figures=Figures(data.framework),
        criteria={c.id: c for c in data.framework.criteria()},
        plots=_plots(data, framework_area, classes),
        legend=tuple(classes.items()),
        groups_note=_groups_note(assessment, data),
        query=query_of(view),
        previous_area=areas[index - 1] if index else None,
        next_area=areas[index + 1] if index + 1 < len(areas) else None,
    )
    return templates.TemplateResponse(request, "results/area.html", {"page": page})


def _groups_note(assessment: Assessment, data: AssessmentResults) -> str:
    segments = data.segments
    return groups_note(
        assessment.anonymity_threshold, pooled=segments.pooled, withheld=segments.withheld
    )


def _plots(data: AssessmentResults, area: Area, classes: dict[str, str]) -> dict[str, Plot]:
    """Each scored criterion's dot plot: one dot per person who scored it, coloured by group
    where the anonymity threshold lets groups be shown (data.segments.labels), else pooled."""
    framework: Framework = data.framework
    plots = {}
    for criterion in area.all_criteria():
        levels = framework.levels_of(criterion)
        votes = [
            Vote(choice.current, choice.target, group_of(r.group))
            for r in data.responses
            if (choice := r.answers.get(criterion.id)) is not None and choice.is_scored
        ]
        if votes:
            summary = summarise(levels, votes, data.segments.labels)
            title = f"Who answered what · {len(votes)} {'person' if len(votes) == 1 else 'people'}"
            plots[criterion.id] = strip_plot(title, levels, summary, classes, SPREAD_PLOT)
    return plots


@router.get("/assessments/{assessment_id}/charts/{chart_name}.svg", name="show_chart")
def show_chart(
    assessment: AssessmentDep,
    chart_name: str,
    session: SessionDep,
    settings: SettingsDep,
    view: ViewDep,
) -> Response:
    """A chart as SVG, drawn once per data version and view, then served from the disk cache."""
    chart = CHARTS.get(chart_name)
    if chart is None:
        raise HTTPException(status_code=404, detail=f"There is no chart '{chart_name}'.")
    if view.group:  # refused before anything is drawn or served when it may not be shown
        results_in(session=session, assessment=assessment, view=view)
    svg = screen_chart(
        chart, session=session, assessment=assessment, data_dir=settings.data_dir, view=view
    )
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, no-cache"})
