"""What the projector and the phones show of a workshop, as one view model and one payload.

The same Jinja partials render the first page and every live update (sent as HTML inside
the SSE payload), so there is one rendering, not one in Jinja and another in JavaScript.

Blind vote: `stage_of` reads a round's votes only once that round is revealed. Before that,
nothing about them but their count is loaded, so no page, payload or stream can carry one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from app.db import repository, workshops
from app.db.models import Assessment, Workshop, WorkshopItem
from app.domain.framework import Criterion, Framework
from app.domain.levels import SCALE, AnswerLevels, number
from app.domain.workshop import (
    OTHER_GROUPS,
    ItemStatus,
    Summary,
    Vote,
    shown_groups,
    shown_join_code,
    summarise,
)
from app.web.live import Build
from app.web.templating import templates

PRESENTER = "presenter"
PHONE = "phone"
GROUP_COLOURS = 6  # CSS classes g1..g6; more groups than that share colours


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    css: str


@dataclass(frozen=True)
class PlotRow:
    label: str
    top: float
    baseline: float
    dots: tuple[Dot, ...]
    mean_x: float | None
    mean: float | None
    mean_on_left: bool = False  # its label ends at the line: past the middle it ran off


@dataclass(frozen=True)
class Plot:
    """A dot plot by level (SVG geometry): one row for today, one for target."""

    title: str
    summary: Summary
    width: int
    height: int
    left: int  # where the axis starts
    ticks: tuple[tuple[float, str], ...]  # (x, level value as written)
    rows: tuple[PlotRow, ...]
    description: str  # the counts in words, for screen readers
    decimals: int  # a mean's, as the tables write it on these levels


DOT = 16  # distance between dot centres in SVG units


@dataclass(frozen=True)
class Geometry:
    per_line: int  # dots side by side at one level before a new line starts above
    left: int  # room for the row labels

    @property
    def column(self) -> int:
        return DOT * (self.per_line + 1)

    def x(self, level_index: int, n: int, count: int) -> float:
        """The n-th dot at a level, lines of dots centred over the level's tick."""
        line_start = n - n % self.per_line
        in_line = min(count - line_start, self.per_line)
        centre = self.left + self.column * (level_index + 0.5)
        return centre + DOT * (n % self.per_line - (in_line - 1) / 2)


WIDE = Geometry(per_line=5, left=80)  # the projector
NARROW = Geometry(per_line=2, left=56)  # a phone: drawn near its real size


def strip_plot(
    title: str, levels: AnswerLevels, summary: Summary, classes: dict[str, str], shape: Geometry
) -> Plot:
    """Dots stacked above each level, coloured by shown group (`classes`: label -> CSS)."""
    values = levels.values
    tallest = max([*summary.current_counts, *summary.target_counts, 1])
    row_height = DOT * -(-tallest // shape.per_line) + 30
    rows = []
    for index, (label, counts, mean) in enumerate(
        (
            ("Today", summary.current_counts, summary.current_mean),
            ("Target", summary.target_counts, summary.target_mean),
        )
    ):
        top = row_height * index
        baseline = top + row_height - 6
        css = _dot_classes(summary, index, classes)
        dots = [
            Dot(
                shape.x(level, n, count),
                baseline - DOT / 2 - DOT * (n // shape.per_line),
                css[level][n] if n < len(css[level]) else "dot",
            )
            for level, count in enumerate(counts)
            for n in range(count)
        ]
        mean_x = _x_of(mean, values, shape)
        past_middle = mean_x is not None and mean_x > shape.left + shape.column * len(values) / 2
        rows.append(PlotRow(label, top, baseline, tuple(dots), mean_x, mean, past_middle))
    return Plot(
        title=title,
        summary=summary,
        width=shape.left + shape.column * len(values),
        height=row_height * 2 + 24,
        left=shape.left,
        ticks=tuple(
            (shape.left + shape.column * (i + 0.5), number(v)) for i, v in enumerate(values)
        ),
        rows=tuple(rows),
        description=_described(levels, summary),
        decimals=levels.decimals,
    )


def _described(levels: AnswerLevels, summary: Summary) -> str:
    def counted(counts: tuple[int, ...]) -> str:
        values = (number(v) for v in levels.values)
        return ", ".join(f"{n} at {v}" for v, n in zip(values, counts, strict=True) if n)

    today, target = counted(summary.current_counts), counted(summary.target_counts)
    return f"Today: {today or 'none'}. Target: {target or 'none'}."


def _dot_classes(summary: Summary, row: int, classes: dict[str, str]) -> list[list[str]]:
    """Per level, the CSS class of each dot there: grouped dots first, in legend order."""
    levels = len(summary.current_counts)
    css: list[list[str]] = [[] for _ in range(levels)]
    for label, currents, targets in summary.groups:
        counts = currents if row == 0 else targets
        for level in range(levels):
            css[level].extend([f"dot {classes.get(label, '')}".strip()] * counts[level])
    return css


def _x_of(mean: float | None, values: tuple[float, ...], shape: Geometry) -> float | None:
    """Where a mean value sits between the level columns (uneven values: between their two)."""
    if mean is None or len(values) < 2:
        return None
    upper = next((i for i, v in enumerate(values) if v >= mean), len(values) - 1)
    lower = max(upper - 1, 0)
    span = values[upper] - values[lower]
    position = lower + ((mean - values[lower]) / span if span else 0.0)
    return shape.left + shape.column * (position + 0.5)


@dataclass(frozen=True)
class StageItem:
    id: int
    position: int  # 1-based
    count: int
    criterion: Criterion
    area_title: str
    status: ItemStatus
    round: int
    outcome: str
    agreed_current: int | None
    agreed_target: int | None
    rationale: str
    notes: str
    started_at: float | None  # epoch seconds the round opened, for the timer


@dataclass(frozen=True)
class Stage:
    """Everything a screen shows of a workshop at one version."""

    workshop_id: int
    title: str
    live: bool
    join_code: str
    version: int
    levels: AnswerLevels  # the current item's criterion's (the scale while no item is open)
    item: StageItem | None
    votes: int
    voters: int
    rounds: tuple[Plot, ...]  # revealed rounds, latest first; empty while the vote is blind
    before: Plot | None  # the individual ratings from before the workshop
    legend: tuple[tuple[str, str], ...]  # (group label, CSS class)
    joins_waiting: int


def _item_of(item: WorkshopItem, position: int, count: int, framework: Framework) -> StageItem:
    criterion, area_title = _criterion(framework, item.criterion_id)
    return StageItem(
        id=item.id or 0,
        position=position,
        count=count,
        criterion=criterion,
        area_title=area_title,
        status=ItemStatus(item.status),
        round=item.round,
        outcome=item.outcome,
        agreed_current=item.agreed_current,
        agreed_target=item.agreed_target,
        rationale=item.rationale,
        notes=item.notes,
        started_at=item.round_started_at.timestamp() if item.round_started_at else None,
    )


def _criterion(framework: Framework, criterion_id: str) -> tuple[Criterion, str]:
    for area in framework.areas():
        for criterion in area.all_criteria():
            if criterion.id == criterion_id:
                return criterion, area.title
    raise LookupError(criterion_id)  # agendas are checked against the framework


def stage_of(
    *, session: Session, workshop: Workshop, assessment: Assessment, audience: str = PRESENTER
) -> Stage:
    """The stage now; `audience` picks the plots' shape (wide projector, narrow phone)."""
    shape = WIDE if audience == PRESENTER else NARROW
    framework = repository.framework_of_assessment(session=session, assessment=assessment)
    items = workshops.items_of(session=session, workshop_id=workshop.id or 0)
    current = next((i for i in items if i.id == workshop.current_item_id), None)
    item = _item_of(current, items.index(current) + 1, len(items), framework) if current else None
    levels = framework.levels_of(item.criterion) if item else framework.answer_levels[SCALE]
    rounds: tuple[Plot, ...] = ()
    before = None
    legend: tuple[tuple[str, str], ...] = ()
    if item and item.status is ItemStatus.REVEALED:  # the only place votes are read
        rounds, legend = _revealed(session, assessment, item, levels, shape)
        ratings = workshops.ratings_of(
            session=session, assessment_id=assessment.id or 0, criterion_id=item.criterion.id
        )
        if ratings:
            title = f"Before the workshop · {len(ratings)} individual ratings"
            summary = summarise(levels, ratings)
            before = strip_plot(title, levels, summary, {}, shape)
    joins = workshops.joins_of(session=session, workshop_id=workshop.id or 0)
    return Stage(
        workshop_id=workshop.id or 0,
        title=workshop.title,
        live=workshop.status == "live",
        join_code=shown_join_code(workshop.join_code),
        version=workshop.version,
        levels=levels,
        item=item,
        votes=workshops.vote_count(session=session, item_id=item.id, round_=item.round)
        if item
        else 0,
        voters=workshops.participant_count(session=session, assessment_id=assessment.id or 0),
        rounds=rounds,
        before=before,
        legend=legend,
        joins_waiting=sum(1 for j in joins if j.status == "waiting"),
    )


def _revealed(
    session: Session,
    assessment: Assessment,
    item: StageItem,
    levels: AnswerLevels,
    shape: Geometry,
) -> tuple[tuple[Plot, ...], tuple[tuple[str, str], ...]]:
    """Plots of every round so far (all revealed), latest first, and the group legend."""
    by_round = {
        r: workshops.votes_of(session=session, item_id=item.id, round_=r)
        for r in range(item.round, 0, -1)
    }
    labels = _labels(by_round[item.round], assessment.anonymity_threshold)
    classes = group_classes(labels)
    plots = tuple(
        strip_plot(
            f"Round {r} · {len(votes)} votes",
            levels,
            summarise(levels, votes, labels),
            classes,
            shape,
        )
        for r, votes in by_round.items()
    )
    legend = tuple((label, css) for label, css in classes.items())
    return plots, legend


def _labels(votes: list[Vote], threshold: int) -> dict[str, str]:
    return shown_groups((v.group for v in votes), threshold)


def group_classes(labels: dict[str, str]) -> dict[str, str]:
    shown = sorted({label for label in labels.values() if label and label != OTHER_GROUPS})
    classes = {label: f"g{i % GROUP_COLOURS + 1}" for i, label in enumerate(shown)}
    if OTHER_GROUPS in labels.values():
        classes[OTHER_GROUPS] = "other"
    return classes


def render_stage(stage: Stage, audience: str) -> str:
    template = "workshop/_stage_presenter.html" if audience == PRESENTER else "workshop/_stage.html"
    return templates.env.get_template(template).render(stage=stage)


def payload(stage: Stage, audience: str) -> str:
    """The JSON a screen receives: a few facts for its script, and the stage as HTML."""
    item = stage.item
    return json.dumps(
        {
            "version": stage.version,
            "live": stage.live,
            "levels": stage.levels.key,  # a screen reloads when the item's levels change
            "item": None
            if item is None
            else {
                "id": item.id,
                "status": item.status,
                "round": item.round,
                "outcome": item.outcome,
                "started_at": item.started_at,
                "position": item.position,
                "count": item.count,
                **(_decision(item) if audience == PRESENTER else {}),
            },
            "votes": stage.votes,
            "voters": stage.voters,
            "joins_waiting": stage.joins_waiting if audience == PRESENTER else 0,
            "html": render_stage(stage, audience),
        }
    )


def _decision(item: StageItem) -> dict[str, object]:
    """What the facilitator's decision form shows for the item (the projector only)."""
    return {
        "agreed_current": item.agreed_current,
        "agreed_target": item.agreed_target,
        "rationale": item.rationale,
        "notes": item.notes,
    }


def builder(engine: Engine, audience: str) -> Build:
    """The function live streams call to build this audience's payload for a workshop."""

    def build(workshop_id: int) -> str:
        with Session(engine) as session:
            workshop = session.get(Workshop, workshop_id)
            assert workshop is not None  # streams stop when a workshop is gone
            assessment = session.get(Assessment, workshop.assessment_id)
            assert assessment is not None  # a foreign key guarantees it
            stage = stage_of(
                session=session, workshop=workshop, assessment=assessment, audience=audience
            )
            return payload(stage, audience)

    return build
