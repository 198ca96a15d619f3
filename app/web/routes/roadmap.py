"""The roadmap: drafted from the gaps, then edited by the consultant in one form.

Every initiative is a part of one form, so a save keeps every edit on the page, whichever
button sent it (its own Save, Up/Down, Drop, Add, or the save bar). The form carries the
roadmap's revision: a save over someone else's newer one is refused with the edits kept.
With JavaScript (static/js/roadmap.js) a save happens in place, without losing the scroll
position, and leaving with unsaved changes asks first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData

from app.db import roadmaps
from app.db.models import Assessment, RoadmapItem, RoadmapStatus
from app.db.results import results_of
from app.db.roadmaps import ItemEdit
from app.domain.policy import Action
from app.domain.roadmap import HORIZONS, MAX_IMPORTANCE, MAX_POSITION
from app.domain.scoring import AreaResult
from app.domain.text import (
    INITIATIVE_UNTITLED,
    MAX_LONG_TEXT,
    MAX_OWNER,
    MAX_TITLE,
    TextRefused,
    checked_text,
)
from app.report_data import chart_data_of, drafted
from app.reports.figures import Figures
from app.reports.method import Method, method_of
from app.reports.registry import Chart, charts_on_page
from app.web.confirm import Confirmation, ask, carried, is_confirmed
from app.web.deps import AssessmentDep, AuditDep, FormDep, SessionDep, allowed
from app.web.errors import ErrorPublic
from app.web.feedback import done
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

EDIT = allowed(Action.EDIT_ROADMAP)
LIMITS = {  # characters, per field of an initiative
    "title": MAX_TITLE,
    "owner": MAX_OWNER,
    "actions": MAX_LONG_TEXT,
    "outcome": 1000,
    "depends_on": 1000,
    "notes": MAX_LONG_TEXT,
}
ONE_LINE = ("title", "owner")  # the other fields keep their line breaks


class EditRefused(ValueError):
    """An edit that cannot be saved; the message names the initiative and the field."""


@dataclass(frozen=True)
class EditorRow:
    """One initiative as the editor shows it: stored, or as just sent back when refused."""

    item: RoadmapItem
    edit: ItemEdit
    drop: Confirmation

    @property
    def actions_text(self) -> str:
        return "\n".join(self.edit.actions)

    @property
    def depends_on_text(self) -> str:
        return "\n".join(self.edit.depends_on)


@dataclass(frozen=True)
class RoadmapPage:
    assessment: Assessment
    rows: list[EditorRow]
    revision: str
    areas: list[AreaResult]
    importance: dict[str, float]
    figures: Figures
    method: Method
    charts: list[Chart]
    redraft: Confirmation
    horizons: tuple[str, ...] = HORIZONS
    statuses: tuple[str, ...] = tuple(RoadmapStatus)
    message: str = ""
    new_title: str = ""


def _stored(item: RoadmapItem) -> ItemEdit:
    return ItemEdit(
        item.id or 0,
        item.title,
        item.owner,
        item.horizon,
        item.status,
        roadmaps.actions_of(item),
        item.outcome,
        roadmaps.lines_of(item.depends_on),
        item.notes,
        item.position,
    )


def _drop(assessment: Assessment, item: RoadmapItem) -> Confirmation:
    return Confirmation(
        f"Drop “{item.title}”?",
        "The initiative leaves the roadmap, its timeline and the report; your other changes "
        "are saved with it. To keep it on record instead, set its status to “dropped”.",
        "Drop the initiative",
        f"/assessments/{assessment.id}/roadmap",
    )


def _redraft(assessment: Assessment) -> Confirmation:
    return Confirmation(
        "Draft the roadmap again?",
        "Every initiative is replaced by a new draft from the gaps: titles, owners, actions, "
        "outcomes and notes you edited are lost, and so are changes not saved yet.",
        "Draft again",
        f"/assessments/{assessment.id}/roadmap",
    )


def _render(
    request: Request,
    session: Session,
    assessment: Assessment,
    *,
    sent: dict[int, ItemEdit] | None = None,
    message: str = "",
    status: int = 200,
    new_title: str = "",
) -> Response:
    items = list(roadmaps.roadmap_of(session=session, assessment=assessment))
    shown = sent or {}
    data = results_of(session=session, assessment=assessment)
    page = RoadmapPage(
        assessment=assessment,
        rows=[EditorRow(i, shown.get(i.id or 0, _stored(i)), _drop(assessment, i)) for i in items],
        revision=roadmaps.revision(items),
        areas=list(data.headline.areas()),
        importance=roadmaps.importance_of(assessment),
        figures=Figures(data.framework),
        method=method_of(data.framework),
        charts=charts_on_page("roadmap", chart_data_of(session=session, assessment=assessment)),
        redraft=_redraft(assessment),
        message=message,
        new_title=new_title,
    )
    return templates.TemplateResponse(
        request, "roadmap/index.html", {"page": page}, status_code=status
    )


def _editor(assessment: Assessment, anchor: str = "roadmap-editor") -> str:
    return f"/assessments/{assessment.id}/roadmap#{anchor}"


@router.get("/assessments/{assessment_id}/roadmap", name="show_roadmap")
def show_roadmap(request: Request, assessment: AssessmentDep, session: SessionDep) -> Response:
    return _render(request, session, assessment)


def _text(form: FormData, name: str, field: str, label: str) -> str:
    """The field under the one rule for text (app/domain/text.py), or EditRefused."""
    try:
        value = str(form.get(name, ""))
        return checked_text(value, max_length=LIMITS[field], one_line=field in ONE_LINE)
    except TextRefused as refused:
        raise EditRefused(f"{label}: {refused}") from None


def _number(form: FormData, name: str, label: str, default: int, top: int, beyond: str) -> int:
    raw = str(form.get(name, default)).strip()[:20]
    try:
        value = int(raw)
    except ValueError:
        raise EditRefused(f"{label}: give a whole number, not '{raw}'") from None
    if not 0 <= value <= top:
        raise EditRefused(f"{label}: {beyond}")
    return value


def _horizon(form: FormData, name: str, default: int) -> int:
    return _number(form, name, "Horizon", default, len(HORIZONS) - 1, HORIZON_CHOICE)


HORIZON_CHOICE = "choose one of the horizons listed"


def _edit_from(form: FormData, item: RoadmapItem, number: int) -> ItemEdit:
    """Initiative `number`'s edit from the form, or EditRefused naming it and the field."""
    prefix = f"item-{item.id}."
    if f"{prefix}title" not in form:
        return _stored(item)  # not on the page that was sent (added since): left as it is
    where = f"Initiative {number} (“{item.title}”)"
    try:
        title = _text(form, f"{prefix}title", "title", "Title")
        if not title:
            raise EditRefused(f"Title: {INITIATIVE_UNTITLED}")
        status = str(form.get(f"{prefix}status", item.status))
        if status not in tuple(RoadmapStatus):
            raise EditRefused(f"Status: choose one of {', '.join(RoadmapStatus)}")
        return ItemEdit(
            item.id or 0,
            title,
            _text(form, f"{prefix}owner", "owner", "Owner"),
            _horizon(form, f"{prefix}horizon", item.horizon),
            RoadmapStatus(status),
            roadmaps.lines_of(_text(form, f"{prefix}actions", "actions", "Actions")),
            _text(form, f"{prefix}outcome", "outcome", "Outcome"),
            roadmaps.lines_of(_text(form, f"{prefix}depends_on", "depends_on", "Depends on")),
            _text(form, f"{prefix}notes", "notes", "Notes"),
            _number(
                form,
                f"{prefix}position",
                "Position",
                item.position,
                MAX_POSITION,
                f"must be from 0 to {MAX_POSITION}",
            ),
        )
    except EditRefused as refused:
        raise EditRefused(f"{where}: {refused}") from None


def _moved(edits: list[ItemEdit], move: str) -> list[ItemEdit]:
    """The edits with one initiative swapped with its neighbour in the same horizon."""
    item_id, _, direction = move.partition(":")
    ordered = sorted(edits, key=lambda e: (e.horizon, e.position))
    index = next((i for i, e in enumerate(ordered) if str(e.item_id) == item_id), None)
    other = None if index is None else index + (-1 if direction == "up" else 1)
    if index is None or other is None or not 0 <= other < len(ordered):
        return ordered
    if ordered[other].horizon != ordered[index].horizon:
        return ordered
    ordered[index], ordered[other] = ordered[other], ordered[index]
    return [replace(e, position=n) for n, e in enumerate(ordered)]


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


@router.post("/assessments/{assessment_id}/roadmap", name="save_roadmap", dependencies=[EDIT])
def save_roadmap(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    """Save every initiative at once; then move, drop or add one if that button was pressed."""
    items = list(roadmaps.roadmap_of(session=session, assessment=assessment))
    by_id = {i.id: i for i in items}
    try:
        edits = [_edit_from(form, item, n) for n, item in enumerate(items, start=1)]
    except EditRefused as refused:
        return _refused(request, session, assessment, form, items, str(refused), 422)
    if form.get("revision") != roadmaps.revision(items):
        message = (
            "Someone saved this roadmap after you opened it, so nothing was saved. Your "
            "changes are still below: copy what you need, then reload to see theirs."
        )
        return _refused(request, session, assessment, form, items, message, 409)
    drop = str(form.get("drop", ""))
    dropped = next((i for i in items if str(i.id) == drop), None)
    if dropped is not None and not is_confirmed(form):
        keep = tuple((k, v) for k, v in carried(form) if k != "drop")
        confirmation = replace(
            _drop(assessment, dropped), keep=keep, keep_button="Keep it, save my other changes"
        )
        return ask(request, confirmation, form)
    if "move" in form:
        edits = _moved(edits, str(form.get("move")))
    roadmaps.save_roadmap(session=session, assessment=assessment, edits=edits)
    return _after_save(request, session, assessment, audit, form, edits, by_id, dropped)


def _after_save(
    request: Request,
    session: Session,
    assessment: Assessment,
    audit: AuditDep,
    form: FormData,
    edits: list[ItemEdit],
    by_id: dict[int | None, RoadmapItem],
    dropped: RoadmapItem | None,
) -> Response:
    """The button's own step after every edit is saved, and what to say."""
    audit("changed roadmap", organisation_id=assessment.organisation_id, detail="all initiatives")
    anchor, message = f"item-{form.get('save')}", "Roadmap saved."
    if form.get("save") in (None, "all"):
        anchor = "roadmap-editor"
    if dropped is not None:
        title = next(e.title for e in edits if e.item_id == dropped.id)
        roadmaps.delete_item(session=session, item=by_id[dropped.id])
        audit("dropped roadmap item", organisation_id=assessment.organisation_id, detail=title)
        anchor, message = "roadmap-editor", f"Dropped “{title}”; your other changes are saved."
    elif "move" in form:
        item_id, _, direction = str(form.get("move")).partition(":")
        anchor, message = f"item-{item_id}", f"Moved the initiative {direction}; all saved."
    elif "add" in form:
        return _add(request, session, assessment, audit, form)
    if _wants_json(request):
        items = roadmaps.roadmap_of(session=session, assessment=assessment)
        session.flush()
        return JSONResponse(
            {"saved": True, "message": message, "revision": roadmaps.revision(items)}
        )
    return done(request, _editor(assessment, anchor), message)


def _add(
    request: Request, session: Session, assessment: Assessment, audit: AuditDep, form: FormData
) -> Response:
    try:
        title = _text(form, "new.title", "title", "Title")
        horizon = _horizon(form, "new.horizon", 0)
    except EditRefused as refused:
        title, horizon, problem = "", 0, f"{refused}; "
    else:
        problem = "" if title else "Title: give it a title (up to 200 characters); "
    if problem:
        session.rollback()
        message = f"New initiative: {problem}nothing saved."
        return _render(request, session, assessment, message=message, status=422)
    item = roadmaps.add_item(session=session, assessment=assessment, title=title, horizon=horizon)
    audit("added roadmap item", organisation_id=assessment.organisation_id, detail=title)
    message = f"Added “{title}”; your other changes are saved."
    return done(request, _editor(assessment, f"item-{item.id}"), message)


def _refused(
    request: Request,
    session: Session,
    assessment: Assessment,
    form: FormData,
    items: list[RoadmapItem],
    message: str,
    status: int,
) -> Response:
    """Nothing saved: the page again, with every edit as it was sent."""
    if _wants_json(request):
        return JSONResponse(ErrorPublic(detail=message).model_dump(), status_code=status)
    sent = {}
    for item in items:
        try:
            sent[item.id or 0] = _edit_from(form, item, 0)
        except EditRefused:
            sent[item.id or 0] = replace(
                _stored(item), title=str(form.get(f"item-{item.id}.title", item.title))[:400]
            )
    new_title = str(form.get("new.title", ""))[:400]
    return _render(
        request, session, assessment, sent=sent, message=message, status=status, new_title=new_title
    )


def _importance_from(form: dict[str, str], area_ids: list[str]) -> dict[str, float]:
    """Each area's importance from `importance.<area id>`; ValueError names a bad one."""
    weights = {}
    for area_id in area_ids:
        raw = form.get(f"importance.{area_id}", "1").strip() or "1"
        try:
            weight = float(raw)
        except ValueError:
            raise ValueError(f"importance.{area_id}: '{raw}' is not a number") from None
        if not 0 < weight <= MAX_IMPORTANCE:
            raise ValueError(
                f"importance.{area_id}: must be above 0 and at most {MAX_IMPORTANCE:g}"
            )
        weights[area_id] = weight
    return weights


@router.post(
    "/assessments/{assessment_id}/roadmap/draft", name="draft_roadmap", dependencies=[EDIT]
)
def draft_roadmap(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    """Set area importance and draft the roadmap from the gaps (replacing the current one,
    asked first when there is one)."""
    data = results_of(session=session, assessment=assessment)
    fields = {k: str(v) for k, v in form.items()}
    try:
        weights = _importance_from(fields, [a.area_id for a in data.results.areas()])
    except ValueError as problem:
        return _render(request, session, assessment, message=str(problem), status=422)
    if roadmaps.roadmap_of(session=session, assessment=assessment) and not is_confirmed(form):
        return ask(request, _redraft(assessment), form)
    roadmaps.set_importance(session=session, assessment=assessment, weights=weights)
    initiatives = drafted(assessment, data)
    roadmaps.replace_roadmap(session=session, assessment=assessment, initiatives=initiatives)
    audit(
        "drafted roadmap",
        organisation_id=assessment.organisation_id,
        detail=f"{len(initiatives)} initiatives",
    )
    message = f"Drafted {len(initiatives)} initiatives from the gaps."
    return done(request, _editor(assessment), message)
