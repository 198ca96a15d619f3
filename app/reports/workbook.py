"""The assessment as a tidy Excel workbook: Summary, Scores, Answers and Roadmap sheets, and
after a workshop an Agreed sheet (the agreed baseline against the individual ratings).

Every sheet opens ready to read: a bold header row that stays in view, filters on it, columns
as wide as their content (long text wraps instead), names instead of ids, and scores shown to
one decimal while each cell keeps the exact value for anyone who calculates with it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.agreed import Comparisons
from app.domain.framework import Framework
from app.domain.roadmap import HORIZONS, PlannedItem
from app.domain.scoring import Results, Score, _Covered
from app.reports.exports import ANSWER_COLUMNS, ExportParticipant, answer_rows, neutralised

ONE_DECIMAL = "0.0"
MAX_WIDTH = 60  # characters; longer text wraps
HEADER_FILL = PatternFill("solid", fgColor="E9EDF1")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
# In levels (empty where an area's criteria use different levels); then as shares of the range.
SCORE_HEADERS = ("Current", "Target", "Gap")
PERCENT_HEADERS = ("Current %", "Target %")
AREA_ROW = "Area as a whole"
_SPELLED = {
    "sub_component": "Sub-component",
    "dont_know": "Don't know",
    "na_reason": "Why not applicable",  # as the Scores sheet says it
}
ANSWER_HEADERS = tuple(
    _SPELLED.get(name, name.replace("_", " ").capitalize()) for name in ANSWER_COLUMNS
)


@dataclass(frozen=True)
class WorkbookData:
    organisation: str
    title: str
    prepared_on: str
    framework: Framework
    results: Results
    participants: Sequence[ExportParticipant]
    roadmap: Sequence[PlannedItem]
    agreed: Comparisons | None = None  # after a workshop agreed or parked anything


def assessment_workbook(data: WorkbookData) -> bytes:
    book = Workbook()
    _summary(book.active, data)
    _scores(book.create_sheet("Scores"), data.results)
    _answers(book.create_sheet("Answers"), data)
    _roadmap(book.create_sheet("Roadmap"), data)
    if data.agreed is not None:
        _agreed(book.create_sheet("Agreed"), data.agreed)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _levels(score: Score | None) -> list[object]:
    """Exact values; the number format shows one decimal."""
    return [None, None, None] if score is None else [score.current, score.target, score.gap]


def _percents(score: Score | None) -> list[object]:
    return [None, None] if score is None else [score.current_percent, score.target_percent]


def _summary(sheet: Worksheet, data: WorkbookData) -> None:
    """Facts on top, then one table (overall, layers, areas) to paste into a deck."""
    sheet.title = "Summary"
    facts = [
        ("Organisation", data.organisation),
        ("Assessment", data.title),
        ("Framework", f"{data.framework.title} (version {data.framework.version})"),
        ("Participants who scored", data.results.participants),
        ("Prepared on", data.prepared_on),
    ]
    for label, value in facts:
        _append(sheet, [label, value])
        sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append([])
    results = data.results
    rows = [["Overall", "", *_levels(results.overall), *_percents(results.overall)]]
    rows[0] += _evidence(results.overall, results)
    for layer in results.layers:
        rows.append(
            [layer.title, "", *_levels(layer.score), *_percents(layer.score)]
            + _evidence(layer.score, layer)
        )
        rows.extend(
            [layer.title, area.title, *_levels(area.score), *_percents(area.score)]
            + _evidence(area.score, area)
            for area in layer.areas
        )
    headers = ["Layer", "Area", *SCORE_HEADERS, *PERCENT_HEADERS, *EVIDENCE_HEADERS]
    _table(sheet, headers, rows, scores=(3, 4, 5, 6, 7))


EVIDENCE_HEADERS = ("n (people)", "Criteria scored", "Thin evidence")


def _evidence(score: Score | None, part: _Covered) -> list[object]:
    """How many people a score rests on, the criteria scored of all, and whether it is thin."""
    coverage = f"{part.criteria_scored}/{part.criteria_total}"
    return [score.n if score else 0, coverage, "yes" if score and score.thin else ""]


def _scores(sheet: Worksheet, results: Results) -> None:
    rows = []
    for layer in results.layers:
        for area in layer.areas:
            n = area.score.n if area.score else 0
            row = [layer.title, area.title, AREA_ROW, *_levels(area.score), n, None]
            rows.append([*row, *_percents(area.score), None, ""])
            for c in area.all_criteria():
                row = [layer.title, area.title, c.text, *_levels(c.score), c.n, c.dont_know]
                reasons = "; ".join(c.reasons)
                rows.append([*row, *_percents(c.score), c.not_applicable, reasons])
    headers = ["Layer", "Area", "Criterion", *SCORE_HEADERS, "n (people)", "Don't know"]
    headers += [*PERCENT_HEADERS, "Not applicable", "Why not applicable"]
    _table(sheet, headers, rows, scores=(4, 5, 6, 9, 10))


def _answers(sheet: Worksheet, data: WorkbookData) -> None:
    _table(sheet, list(ANSWER_HEADERS), answer_rows(data.framework, data.participants))


def _roadmap(sheet: Worksheet, data: WorkbookData) -> None:
    place = {
        area.id: (layer.title, area.title)
        for layer in data.framework.layers
        for area in layer.areas
    }
    rows = [
        [
            item.title,
            *place.get(item.area_id, ("", "")),
            HORIZONS[item.horizon],
            item.status,
            item.owner,
            item.reason,
            item.notes,
            "\n".join(item.actions),
        ]
        for item in data.roadmap
    ]
    headers = [
        "Initiative",
        "Layer",
        "Area",
        "Horizon",
        "Status",
        "Owner",
        "Why",
        "Notes",
        "Actions",
    ]
    _table(sheet, headers, rows)


AGREED_HEADERS = [
    "Level",
    "Name",
    "Baseline current",
    "Baseline target",
    "Individual current",
    "Individual target",
    "Difference current",
    "Difference target",
    "Criteria agreed",
    "Criteria",
    "Baseline current %",
    "Baseline target %",
    "Individual current %",
    "Individual target %",
]


def _agreed(sheet: Worksheet, agreed: Comparisons) -> None:
    """Agreed baseline against individual, overall, per layer, area and agreed criterion: in
    levels where the parts share them (empty where they are mixed), and in % of the range."""
    rows = [
        [
            level,
            row.title,
            *_levels(row.baseline)[:2],
            *_levels(row.individual)[:2],
            row.difference_current,
            row.difference_target,
            row.agreed,
            row.criteria,
            *_percents(row.baseline),
            *_percents(row.individual),
        ]
        for level, group in (
            ("Overall", (agreed.overall,)),
            ("Layer", agreed.layers),
            ("Area", agreed.areas),
            ("Criterion", agreed.criteria),
        )
        for row in group
    ]
    _table(sheet, AGREED_HEADERS, rows, scores=(3, 4, 5, 6, 7, 8, 11, 12, 13, 14))


def _table(
    sheet: Worksheet,
    headers: list[str],
    rows: Sequence[Sequence[object]],
    scores: tuple[int, ...] = (),
) -> None:
    """A header row frozen in view with filters, then the rows; widths from the content."""
    _append(sheet, list(headers))
    top = sheet.max_row
    for cell in sheet[top]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row in rows:
        _append(sheet, list(row))
    for column in scores:
        for (cell,) in sheet.iter_rows(min_row=top + 1, min_col=column, max_col=column):
            cell.number_format = ONE_DECIMAL
    sheet.freeze_panes = sheet.cell(top + 1, 1)
    last = get_column_letter(len(headers))
    sheet.auto_filter.ref = f"A{top}:{last}{max(sheet.max_row, top)}"
    _fit_columns(sheet)


def _shown(value: object, number_format: str) -> str:
    """The text a cell shows, to measure its width."""
    if isinstance(value, float) and number_format == ONE_DECIMAL:
        return f"{value:.1f}"
    return "" if value is None else str(value)


def _fit_columns(sheet: Worksheet) -> None:
    """Each column as wide as its longest cell (at most MAX_WIDTH; longer text wraps)."""
    for column in sheet.iter_cols():
        width = max(len(_shown(cell.value, cell.number_format)) for cell in column)
        letter = get_column_letter(column[0].column)
        sheet.column_dimensions[letter].width = min(width, MAX_WIDTH) + 2
        if width > MAX_WIDTH:
            for cell in column:
                cell.alignment = WRAP


def _append(sheet: Worksheet, row: list[object]) -> None:
    sheet.append([neutralised(v) for v in row])
