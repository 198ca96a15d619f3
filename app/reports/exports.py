"""Answers as CSV for spreadsheets, and the rows the workbook (app/reports/workbook.py) shares.

A text cell that starts with = + - @ (or a tab or carriage return) would run as a formula in
a spreadsheet; such cells get a leading apostrophe, so a participant's comment stays text.
Control characters are dropped from every cell: XLSX cannot hold them, and text stored before
input was cleaned may still have them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.answering import AnswerChoice
from app.domain.framework import Framework
from app.domain.levels import AnswerLevels, Option
from app.domain.text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# current and target are the values of the answers (on the scale or the criterion's answer
# set); the labels say them in words.
ANSWER_COLUMNS = (
    "participant", "group", "role", "submitted", "layer", "area", "sub_component", "criterion_id",
    "criterion", "current", "target", "dont_know", "comment", "current_label", "target_label",
    "not_applicable", "na_reason",
)  # fmt: skip


@dataclass(frozen=True)
class ExportParticipant:
    name: str
    group: str
    role: str
    answers: dict[str, AnswerChoice]
    submitted: bool  # whether their answers are final; by default only theirs count


def neutralised(value: object) -> object:
    """A cell's value as exported: printable text that no spreadsheet runs as a formula."""
    if not isinstance(value, str):
        return value
    text = printable(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
                            person.submitted,
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
