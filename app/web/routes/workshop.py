"""Setting up a live workshop: its agenda, who joined with the code, and ending it."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.db import repository, workshops
from app.db.models import Assessment, Participant, Workshop, WorkshopItem, WorkshopJoin
from app.db.results import results_of
from app.domain.framework import Framework
from app.domain.policy import Action
from app.domain.scoring import CriterionResult
from app.domain.workshop import (
    DEFAULT_AGENDA,
    MAX_AGENDA,
    WorkshopRefused,
    checked_agenda,
    moved,
    shown_join_code,
    suggest_agenda,
)
from app.web.confirm import Confirmation, ask, is_confirmed
from app.web.deps import AssessmentDep, AuditDep, DbId, FormDep, SessionDep, allowed
from app.web.templating import templates
from app.web.transactions import page_router
from app.web.workshop_access import RunningWorkshop, WorkshopDep

router = page_router()
RUN = allowed(Action.RUN_WORKSHOPS)

AGENDA_KINDS = ("disagreed", "areas", "criteria")


@dataclass(frozen=True)
class NewWorkshopPage:
    assessment: Assessment
    framework: Framework
    suggested: list[CriterionResult]
    live: Workshop | None
    form: dict[str, object] = field(default_factory=dict)
    message: str = ""
    max_agenda: int = MAX_AGENDA


def _render_new(
    request: Request, session: Session, assessment: Assessment, form: dict[str, object], message=""
) -> Response:
    data = results_of(session=session, assessment=assessment)
    by_id = {c.criterion_id: c for c in data.results.criteria()}
    page = NewWorkshopPage(
        assessment=assessment,
        framework=data.framework,
        suggested=[by_id[c] for c in suggest_agenda(data.results, MAX_AGENDA)],
        live=workshops.live_workshop_of(session=session, assessment_id=assessment.id or 0),
        form=form,
        message=message,
    )
    status = 422 if message else 200
    return templates.TemplateResponse(request, "workshop/new.html", {"page": page}, status)


@router.get("/assessments/{assessment_id}/workshops/new", name="new_workshop", dependencies=[RUN])
def new_workshop(request: Request, assessment: AssessmentDep, session: SessionDep) -> Response:
    form = {"title": "Baseline workshop", "agenda": "disagreed", "count": DEFAULT_AGENDA}
    return _render_new(request, session, assessment, form)


def _agenda_from_form(form: FormDep, framework: Framework, suggested: list[str]) -> list[str]:
    kind = form.get("agenda")
    if kind not in AGENDA_KINDS:
        raise WorkshopRefused("agenda", "choose the most disagreed criteria, areas, or criteria")
    if kind == "disagreed":
        try:
            count = int(str(form.get("count", "")))
        except ValueError:
            raise WorkshopRefused("count", f"give a number from 1 to {MAX_AGENDA}") from None
        if not 1 <= count <= MAX_AGENDA:
            raise WorkshopRefused("count", f"give a number from 1 to {MAX_AGENDA}")
        if not suggested:
            raise WorkshopRefused(
                "agenda", "no criterion has two individual ratings yet: pick areas or criteria"
            )
        return suggested[:count]
    if kind == "areas":
        chosen = set(map(str, form.getlist("area")))
        known = {a.id for a in framework.areas()}
        if chosen - known:
            raise WorkshopRefused("area", f"'{sorted(chosen - known)[0]}' is not an area here")
        return [c.id for a in framework.areas() if a.id in chosen for c in a.all_criteria()]
    return [str(c) for c in form.getlist("criterion")]


@router.post("/assessments/{assessment_id}/workshops", name="create_workshop", dependencies=[RUN])
def create_workshop(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    form: FormDep,
    audit: AuditDep,
) -> Response:
    """Start a workshop with its agenda; one runs at a time per assessment."""
    title = str(form.get("title", "")).strip()
    sent = {k: form.get(k) for k in ("title", "agenda", "count")}
    data = results_of(session=session, assessment=assessment)
    try:
        if not title or len(title) > 200:
            raise WorkshopRefused("title", "give the workshop a title (up to 200 characters)")
        suggested = suggest_agenda(data.results, MAX_AGENDA)
        agenda = checked_agenda(
            _agenda_from_form(form, data.framework, suggested), data.framework.criterion_ids()
        )
        if workshops.live_workshop_of(session=session, assessment_id=assessment.id or 0):
            raise WorkshopRefused("workshop", "one is already running: end it first")
    except WorkshopRefused as refused:
        return _render_new(
            request, session, assessment, sent, f"{refused.field}: {refused.message}"
        )
    workshop = workshops.create_workshop(
        session=session, assessment=assessment, title=title, criterion_ids=agenda
    )
    audit(
        "workshop started",
        organisation_id=assessment.organisation_id,
        detail=f"{title} (workshop {workshop.id}): {len(agenda)} items",
    )
    return RedirectResponse(f"/workshops/{workshop.id}", status_code=303)


@dataclass(frozen=True)
class AgendaRow:
    item: WorkshopItem
    text: str
    area_title: str


@dataclass(frozen=True)
class WorkshopPage:
    running: RunningWorkshop
    join_code: str
    agenda: list[AgendaRow]
    joins: list[WorkshopJoin]
    participants: list[Participant]
    not_on_agenda: list[tuple[str, str]]  # (criterion id, text)
    message: str = ""

    @property
    def end(self) -> Confirmation:
        return end_confirmation(self.running.id)


@router.get("/workshops/{workshop_id}", name="show_workshop")
def show_workshop(
    request: Request, running: WorkshopDep, session: SessionDep, done: str = ""
) -> Response:
    texts = {c.id: (c.text, a.title) for a in running.framework.areas() for c in a.all_criteria()}
    items = workshops.items_of(session=session, workshop_id=running.id)
    on_agenda = {i.criterion_id for i in items}
    page = WorkshopPage(
        running=running,
        join_code=shown_join_code(running.workshop.join_code),
        agenda=[AgendaRow(i, *texts[i.criterion_id]) for i in items],
        joins=list(workshops.joins_of(session=session, workshop_id=running.id)),
        participants=list(
            repository.participants_of(session=session, assessment=running.assessment)
        ),
        not_on_agenda=[(cid, text) for cid, (text, _) in texts.items() if cid not in on_agenda],
        message=NOTICES.get(done, ""),
    )
    return templates.TemplateResponse(request, "workshop/show.html", {"page": page})


NOTICES = {"ended": "The workshop has ended: its join code no longer lets anyone in."}


def _back(running: RunningWorkshop, notice: str = "") -> Response:
    """Back to the workshop's page: at its agenda, or at its top to read a notice."""
    where = f"?done={notice}" if notice else "#agenda"
    return RedirectResponse(f"/workshops/{running.id}{where}", status_code=303)


@router.post("/workshops/{workshop_id}/agenda", name="change_agenda")
def change_agenda(running: WorkshopDep, session: SessionDep, form: FormDep) -> Response:
    """Move an item up or down, take a waiting one off, or add criteria at the end."""
    running.ensure_live()
    workshops.claim(session=session, workshop_id=running.id)
    action = form.get("action")
    if action == "add":
        chosen = [str(c) for c in form.getlist("criterion")]
        try:
            checked_agenda(chosen, running.framework.criterion_ids())
        except WorkshopRefused as refused:
            raise HTTPException(422, f"{refused.field}: {refused.message}") from None
        workshops.add_items(session=session, workshop_id=running.id, criterion_ids=chosen)
        return _back(running)
    item = _item(session, running, form.get("item"))
    order = [i.id or 0 for i in workshops.items_of(session=session, workshop_id=running.id)]
    if action in ("up", "down"):
        new_order = moved(order, item.id or 0, -1 if action == "up" else 1)
        workshops.set_order(session=session, workshop_id=running.id, item_ids=new_order)
    elif action == "remove":
        if item.round or item.id == running.workshop.current_item_id:
            raise HTTPException(409, "Only an item nobody has voted on yet can be taken off.")
        workshops.remove_item(session=session, item=item)
    else:
        raise HTTPException(422, "action: must be up, down, remove or add")
    return _back(running)


def _item(session: Session, running: RunningWorkshop, raw: object) -> WorkshopItem:
    try:
        item_id = int(str(raw))
    except ValueError:
        raise HTTPException(422, "item: must be an agenda item's number") from None
    item = workshops.item_of(session=session, workshop_id=running.id, item_id=item_id)
    if item is None:
        raise HTTPException(404, "This workshop has no such agenda item.")
    return item


@router.post("/workshops/{workshop_id}/joins/{join_id}", name="settle_join")
def settle_join(
    running: WorkshopDep, join_id: DbId, session: SessionDep, form: FormDep
) -> Response:
    """Say who someone who joined with the code is (a participant of this assessment), or not."""
    running.ensure_live()
    workshops.claim(session=session, workshop_id=running.id)
    join = workshops.join_of(session=session, workshop_id=running.id, join_id=join_id)
    if join is None:
        raise HTTPException(404, "This workshop has no such join.")
    if join.status != "waiting":
        raise HTTPException(409, f"This join was already {join.status}.")
    participant_id = _participant_id(session, running, form.get("participant"))
    if participant_id and workshops.confirmed_join_of(
        session=session, workshop_id=running.id, participant_id=participant_id
    ):
        raise HTTPException(409, "That participant already joined on another phone.")
    workshops.settle_join(session=session, join=join, participant_id=participant_id)
    verdict = f"confirmed as participant {participant_id}" if participant_id else "refused"
    running.audit("workshop join", f"'{join.name}' {verdict}")
    return _back(running)


def _participant_id(session: Session, running: RunningWorkshop, raw: object) -> int | None:
    """The chosen participant, who must belong to this workshop's assessment; None to refuse."""
    if raw == "refuse":
        return None
    try:
        participant = session.get(Participant, int(str(raw)))
    except ValueError:
        participant = None
    if participant is None or participant.assessment_id != running.assessment.id:
        raise HTTPException(422, "participant: choose one of this assessment's participants")
    return participant.id


def end_confirmation(workshop_id: int) -> Confirmation:
    return Confirmation(
        "End the workshop?",
        "Its join code stops working and nothing more can be voted or agreed. Agreed values "
        "and notes are kept.",
        "End the workshop",
        f"/workshops/{workshop_id}",
    )


@router.post("/workshops/{workshop_id}/end", name="end_workshop")
def end_workshop(
    request: Request, running: WorkshopDep, session: SessionDep, form: FormDep
) -> Response:
    """Asked first: in the page's dialog, or (without JavaScript) on a page of its own."""
    if not is_confirmed(form):
        return ask(request, end_confirmation(running.id), form)
    running.ensure_live()
    workshops.claim(session=session, workshop_id=running.id)
    workshops.end_workshop(session=session, workshop=running.workshop)
    running.audit("workshop ended", "the join code no longer lets anyone in")
    return _back(running, "ended")
