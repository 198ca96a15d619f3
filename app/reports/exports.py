"""Answers and scores as CSV and XLSX for spreadsheets.

A text cell that starts with = + - @ (or a tab or carriage return) would run as a formula in
a spreadsheet; such cells get a leading apostrophe, so a participant's comment stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.answering import AnswerChoice
from app.domain.framework import Framework
from app.domain.levels import AnswerLevels, Option
from app.domain.roadmap import HORIZONS, PlannedItem
from app.domain.scoring import Results, Score

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# current and target are the values of the answers (on the scale or the criterion's answer
# set); the labels say them in words.
ANSWER_COLUMNS = (
    "participant", "group", "role", "layer", "area", "sub_component", "criterion_id",
    "criterion", "current", "target", "dont_know", "comment", "current_label", "target_label",
    "not_applicable", "na_reason",
)  # fmt: skip


@dataclass(frozen=True)
class ExportParticipant:
    name: str
    group: str
    role: str
    answers: dict[str, AnswerChoice]


def neutralised(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def answer_rows(
    framework: Framework, participants: Sequence[ExportParticipant]
) -> list[list[object]]:
    """One row per participant and criterion; empty cells where nothing was answered."""
    rows = []
    for person in participants:
        for layer in framework.layers:
            for area in layer.areas:
                places = [(None, c) for c in area.criteria] + [
                    (sub, c) for sub in area.sub_components for c in sub.criteria
                ]
                for sub, criterion in places:
                    answer = person.answers.get(criterion.id)
                    levels = framework.levels_of(criterion)
                    current = _option(levels, answer.current if answer else None)
                    target = _option(levels, answer.target if answer else None)
                    rows.append(
                        [
                            person.name,
                            person.group,
                            person.role,
                            layer.title,
                            area.title,
                            sub.title if sub else "",
                            criterion.id,
                            criterion.text,
                            _value(current),
                            _value(target),
                            answer.dont_know if answer else None,
                            answer.comment if answer else "",
                            current.label if current else "",
                            target.label if target else "",
                            answer.not_applicable if answer else None,
                            answer.reason if answer else "",
                        ]  # fmt: skip
                    )
    return rows


def _option(levels: AnswerLevels, code: int | None) -> Option | None:
    return next((o for o in levels.options if o.code == code), None)


def _value(option: Option | None) -> int | float | None:
    """3 on a scale (never 3.0), 0.25 in an answer set."""
    if option is None:
        return None
    return int(option.value) if option.value.is_integer() else option.value


def answers_csv(framework: Framework, participants: Sequence[ExportParticipant]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ANSWER_COLUMNS)
    for row in answer_rows(framework, participants):
        writer.writerow(["" if v is None else neutralised(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read UTF-8


def _levels(score: Score | None) -> list[object]:
    """Current, target and gap in levels (empty where the parts use different levels)."""
    if score is None:
        return [None, None, None]
    values = (score.current, score.target, score.gap)
    return [None if v is None else round(v, 3) for v in values]


def _percents(score: Score | None) -> list[object]:
    if score is None:
        return [None, None]
    return [round(score.current_percent, 1), round(score.target_percent, 1)]


def answers_xlsx(
    *,
    title: str,
    framework: Framework,
    results: Results,
    participants: Sequence[ExportParticipant],
    roadmap: Sequence[PlannedItem],
) -> bytes:
    """Summary, Scores, Answers and Roadmap sheets."""
    book = Workbook()
    summary = book.create_sheet("Summary", 0)
    book.remove(book.worksheets[1])  # the empty sheet every new workbook starts with
    _append(summary, ["Assessment", title])
    _append(summary, ["Framework", f"{framework.title} ({framework.version})"])
    _append(summary, ["Participants who scored", results.participants])
    _append(summary, ["", "Current", "Target", "Gap", "Current %", "Target %"])
    _append(summary, ["Overall", *_levels(results.overall), *_percents(results.overall)])
    for layer in results.layers:
        _append(summary, [layer.title, *_levels(layer.score), *_percents(layer.score)])
    scores = book.create_sheet("Scores")
    _append(
        scores,
        ["Layer", "Area", "Criterion", "Current", "Target", "Gap", "n", "Don't know",
         "Current %", "Target %", "Not applicable", "Why not applicable", "Criteria scored"],
    )  # fmt: skip
    for layer in results.layers:
        for area in layer.areas:
            n = area.score.n if area.score else 0
            row = [layer.title, area.title, "", *_levels(area.score), n, None]
            coverage = f"{area.criteria_scored}/{area.criteria_total}"
            _append(scores, [*row, *_percents(area.score), None, None, coverage])
            for c in area.all_criteria():
                row = [layer.title, area.title, c.text, *_levels(c.score), c.n, c.dont_know]
                reasons = "; ".join(c.reasons)
                _append(scores, [*row, *_percents(c.score), c.not_applicable, reasons, None])
    answers = book.create_sheet("Answers")
    _append(answers, list(ANSWER_COLUMNS))
    for row in answer_rows(framework, participants):
        _append(answers, row)
    plan = book.create_sheet("Roadmap")
    _append(plan, ["Initiative", "Area", "Horizon", "Status", "Owner", "Why", "Notes", "Actions"])
    for item in roadmap:
        horizon = HORIZONS[item.horizon]
        row = [item.title, item.area_id, horizon, item.status, item.owner, item.reason, item.notes]
        _append(plan, [*row, "\n".join(item.actions)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet: Worksheet, row: list[object]) -> None:
    sheet.append([neutralised(v) for v in row])
