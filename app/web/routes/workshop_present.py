"""The presenter's view and controls: move through the agenda, lock, reveal, revote, agree.

Each control is a plain form post (303 back to the view) or, from the view's script, the same
post asking for JSON; the screens then update through the live stream.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlmodel import Session

from app.db import workshops
from app.db.models import WorkshopItem
from app.domain.workshop import (
    Decision,
    Outcome,
    WorkshopRefused,
    checked_decision,
    checked_notes,
    decided,
    locked,
    revealed,
    revoted,
)
from app.web.deps import DbId, FormDep, SessionDep
from app.web.live import event_stream
from app.web.templating import templates
from app.web.transactions import page_router
from app.web.workshop_access import RunningWorkshop, WorkshopDep, whole_number
from app.web.workshop_stage import PRESENTER, Stage, builder, stage_of

router = page_router()

STEPS = {"lock": locked, "reveal": revealed, "revote": revoted}
AUDITED = {"lock": "locked", "reveal": "revealed", "revote": "started another round of"}


@dataclass(frozen=True)
class PresenterPage:
    running: RunningWorkshop
    stage: Stage


@router.get("/workshops/{workshop_id}/present", name="present_workshop")
def present_workshop(request: Request, running: WorkshopDep, session: SessionDep) -> Response:
    stage = stage_of(session=session, workshop=running.workshop, assessment=running.assessment)
    page = PresenterPage(running, stage)
    response = templates.TemplateResponse(request, "workshop/present.html", {"page": page})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/workshops/{workshop_id}/events", name="workshop_events")
async def workshop_events(request: Request, running: WorkshopDep, session: SessionDep) -> Response:
    """The projector's live stream. The request's session is closed first: an open stream
    holds no database connection while it waits."""
    session.close()
    return event_stream(
        request, running.id, PRESENTER, builder(request.app.state.engine, PRESENTER)
    )


def _done(request: Request, running: RunningWorkshop, version: int) -> Response:
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": True, "version": version})
    return RedirectResponse(f"/workshops/{running.id}/present", status_code=303)


@router.post("/workshops/{workshop_id}/control", name="control_workshop")
def control_workshop(
    request: Request, running: WorkshopDep, session: SessionDep, form: FormDep
) -> Response:
    """next / previous / go (to `item`) / lock / reveal / revote, on the current item."""
    running.ensure_live()
    version = workshops.claim(session=session, workshop_id=running.id)
    session.refresh(running.workshop)
    action = str(form.get("action", ""))
    if action in ("next", "previous", "go"):
        _move(session, running, action, form.get("item"))
    elif action in STEPS:
        item = _current(session, running)
        try:
            state = STEPS[action](workshops.state_of(item))
        except WorkshopRefused as refused:
            raise HTTPException(409, refused.message.capitalize() + ".") from None
        workshops.set_state(session=session, item=item, state=state)
        running.audit(f"workshop item {AUDITED[action]}", _described(item))
    else:
        raise HTTPException(422, "action: must be next, previous, go, lock, reveal or revote")
    return _done(request, running, version)


def _described(item: WorkshopItem) -> str:
    return f"item {item.id} ({item.criterion_id}), round {item.round}"


def _current(session: Session, running: RunningWorkshop) -> WorkshopItem:
    current = running.workshop.current_item_id
    item = workshops.item_of(session=session, workshop_id=running.id, item_id=current or 0)
    if item is None:
        raise HTTPException(409, "No item is on the screen yet: press Next to open the first.")
    return item


def _move(session: Session, running: RunningWorkshop, action: str, raw: object) -> None:
    items = workshops.items_of(session=session, workshop_id=running.id)
    ids = [i.id for i in items]
    if not items:
        raise HTTPException(409, "The agenda is empty.")
    if action == "go":
        index = ids.index(int(str(raw))) if str(raw).isdigit() and int(str(raw)) in ids else -1
        if index < 0:
            raise HTTPException(422, "item: choose an item of this workshop's agenda")
    else:
        shown = running.workshop.current_item_id
        current = ids.index(shown) if shown in ids else -1
        index = current + (1 if action == "next" else -1)
        if not 0 <= index < len(items):
            raise HTTPException(409, f"There is no {action} item on the agenda.")
    if workshops.go_to(session=session, workshop=running.workshop, item=items[index]):
        running.audit("workshop item opened", _described(items[index]))


def _claimed_item(
    session: Session, running: RunningWorkshop, item_id: int
) -> tuple[int, WorkshopItem]:
    """The new version of the live workshop, and one of its agenda items read afresh."""
    running.ensure_live()
    version = workshops.claim(session=session, workshop_id=running.id)
    item = workshops.item_of(session=session, workshop_id=running.id, item_id=item_id)
    if item is None:
        raise HTTPException(404, "This workshop has no such agenda item.")
    return version, item


@router.post("/workshops/{workshop_id}/items/{agenda_item_id}/decision", name="decide_item")
def decide_item(
    request: Request,
    running: WorkshopDep,
    agenda_item_id: DbId,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Record the agreed today and target levels with the rationale, or park the item."""
    version, item = _claimed_item(session, running, agenda_item_id)
    outcome = str(form.get("outcome", ""))
    sent = Decision(
        Outcome(outcome) if outcome in ("agreed", "parked") else Outcome.NONE,
        whole_number(form.get("current"), "current"),
        whole_number(form.get("target"), "target"),
        str(form.get("rationale", "")),
    )
    try:
        decision = checked_decision(running.levels_of(item.criterion_id), sent)
        before = item.outcome
        workshops.set_state(
            session=session, item=item, state=decided(workshops.state_of(item), decision.outcome)
        )
    except WorkshopRefused as refused:
        code = 409 if refused.field == "item" else 422
        raise HTTPException(code, f"{refused.field}: {refused.message}") from None
    workshops.decide(session=session, item=item, decision=decision)
    levels = (
        f": today {decision.current}, target {decision.target}"
        if decision.current is not None
        else ""
    )
    action = "workshop decision changed" if before else f"workshop item {decision.outcome}"
    running.audit(action, _described(item) + levels)
    return _done(request, running, version)


@router.post("/workshops/{workshop_id}/items/{agenda_item_id}/notes", name="note_item")
def note_item(
    request: Request,
    running: WorkshopDep,
    agenda_item_id: DbId,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Actions the roadmap should pick up, noted against the item."""
    version, item = _claimed_item(session, running, agenda_item_id)
    try:
        notes = checked_notes(str(form.get("notes", "")))
    except WorkshopRefused as refused:
        raise HTTPException(422, f"{refused.field}: {refused.message}") from None
    workshops.set_notes(session=session, item=item, notes=notes)
    running.audit("workshop notes changed", _described(item))
    return _done(request, running, version)
