"""A participant's phone in the workshop: join with the code, vote, follow the room.

The vote page works without JavaScript (a plain form, then a refresh); with it, the page
follows the live stream and keeps an unsent vote in the browser until the server confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from app.db import repository, workshops
from app.db.models import WorkshopStatus
from app.domain.levels import AnswerLevels
from app.domain.workshop import WorkshopRefused, check_vote, normalised_join_code
from app.web.deps import FormDep, SessionDep, client_address
from app.web.live import event_stream
from app.web.templating import templates
from app.web.transactions import page_router
from app.web.workshop_access import Seat, SeatDep, whole_number
from app.web.workshop_stage import PHONE, Stage, builder, stage_of

router = page_router()

MAX_NAME_LENGTH = 200
WRONG_CODE = "Code: no workshop is running with this code. Check the code on the screen."
TOO_MANY = "Too many wrong codes from this network: wait 15 minutes, or ask the facilitator."


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is the key
    return response


@dataclass(frozen=True)
class JoinPage:
    code: str = ""
    name: str = ""
    message: str = ""


@router.get("/join", name="show_join")
def show_join(request: Request, code: str = "") -> Response:
    page = JoinPage(code=code[:20])
    return _private(templates.TemplateResponse(request, "workshop/join.html", {"page": page}))


@router.post("/join", name="join_workshop")
def join_workshop(request: Request, session: SessionDep, form: FormDep) -> Response:
    """Ask to join with the code on the screen; the consultant then says who this is."""
    address = client_address(request)
    code = normalised_join_code(str(form.get("code", ""))[:20])
    name = str(form.get("name", "")).strip()
    page = JoinPage(str(form.get("code", ""))[:20], name[:MAX_NAME_LENGTH])
    if workshops.is_join_rate_limited(session=session, address=address):
        return _join_refused(request, page, TOO_MANY, 429)
    if not name or len(name) > MAX_NAME_LENGTH:
        return _join_refused(request, page, "Name: say who you are (up to 200 characters).")
    workshop = workshops.workshop_by_code(session=session, code=code) if code else None
    if workshop is None or workshop.status != WorkshopStatus.LIVE:
        workshops.note_failed_join(session=session, address=address)
        return _join_refused(request, page, WRONG_CODE)
    workshops.claim(session=session, workshop_id=workshop.id or 0)
    secret = workshops.start_join(session=session, workshop=workshop, name=name, address=address)
    return RedirectResponse(f"/join/{secret}", status_code=303)


def _join_refused(request: Request, page: JoinPage, message: str, status: int = 422) -> Response:
    shown = JoinPage(page.code, page.name, message)
    response = templates.TemplateResponse(request, "workshop/join.html", {"page": shown}, status)
    return _private(response)


@router.get("/join/{join_token}", name="show_join_status")
def show_join_status(request: Request, join_token: str, session: SessionDep) -> Response:
    """Waiting for the consultant; once confirmed, the phone goes on to vote."""
    join = workshops.join_for_secret(session=session, secret=join_token)
    if join is None:
        raise HTTPException(404, "This join is not known. Join again with the code on the screen.")
    if join.status == "confirmed":
        return RedirectResponse(f"/vote/{join_token}", status_code=303)
    context = {"join": join}
    if "application/json" in request.headers.get("accept", ""):
        return _private(JSONResponse({"status": join.status}))
    return _private(templates.TemplateResponse(request, "workshop/waiting.html", context))


@dataclass(frozen=True)
class VotePage:
    seat: Seat
    stage: Stage | None
    levels: AnswerLevels | None  # the open item's criterion's levels
    mine: tuple[int, int] | None  # this phone's participant's vote on the item now, if any
    message: str = ""


def _mine(session: SessionDep, seat: Seat, stage: Stage | None) -> tuple[int, int] | None:
    if stage is None or stage.item is None:
        return None
    return workshops.own_vote(
        session=session,
        item_id=stage.item.id,
        round_=stage.item.round,
        participant_id=seat.voter.participant.id or 0,
    )


def _vote_page(
    request: Request, session: SessionDep, seat: Seat, message: str = "", status: int = 200
) -> Response:
    stage = None
    if seat.workshop is not None:
        assessment = workshops.assessment_of_workshop(session=session, workshop=seat.workshop)
        stage = stage_of(
            session=session, workshop=seat.workshop, assessment=assessment, audience=PHONE
        )
    page = VotePage(
        seat, stage, stage.levels if stage else None, _mine(session, seat, stage), message
    )
    response = templates.TemplateResponse(request, "workshop/vote.html", {"page": page}, status)
    return _private(response)


@router.get("/vote/{voter_token}", name="show_vote")
def show_vote(request: Request, seat: SeatDep, session: SessionDep) -> Response:
    return _vote_page(request, session, seat)


@router.get("/vote/{voter_token}/mine", name="my_vote")
def my_vote(seat: SeatDep, session: SessionDep) -> Response:
    """This phone's own vote on the item now (after a reconnect or a move), never others'."""
    workshop = seat.ensure_workshop()
    item = workshops.item_of(
        session=session, workshop_id=workshop.id or 0, item_id=workshop.current_item_id or 0
    )
    mine = _mine_of(session, seat, item.id or 0, item.round) if item else None
    return _private(
        JSONResponse(
            {
                "item": item.id if item else None,
                "round": item.round if item else None,
                "vote": {"current": mine[0], "target": mine[1]} if mine else None,
            }
        )
    )


def _mine_of(session: SessionDep, seat: Seat, item_id: int, round_: int) -> tuple[int, int] | None:
    participant_id = seat.voter.participant.id or 0
    return workshops.own_vote(
        session=session, item_id=item_id, round_=round_, participant_id=participant_id
    )


@router.get("/vote/{voter_token}/events", name="vote_events")
async def vote_events(request: Request, seat: SeatDep, session: SessionDep) -> Response:
    """The phone's live stream; the session is closed first so the stream holds no connection."""
    workshop = seat.ensure_workshop()
    session.close()
    engine = request.app.state.engine
    return _private(event_stream(request, workshop.id or 0, PHONE, builder(engine, PHONE)))


@router.post("/vote/{voter_token}", name="cast_vote")
def cast_vote(request: Request, seat: SeatDep, session: SessionDep, form: FormDep) -> Response:
    """Vote (or change the vote) on the item open now, in its current round."""
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        _store_vote(session, seat, form)
    except HTTPException as refused:
        session.rollback()
        if wants_json or refused.status_code not in (409, 422):
            raise
        return _vote_page(request, session, seat, str(refused.detail), refused.status_code)
    if wants_json:
        return _private(JSONResponse({"saved": True}))
    return RedirectResponse(f"/vote/{seat.token}", status_code=303)


def _store_vote(session: SessionDep, seat: Seat, form: FormDep) -> None:
    """Everything that needs no lock first; then claim the workshop (votes to one workshop
    queue here), check the item afresh and store: the queue moves as fast as this tail."""
    workshop = seat.ensure_workshop()
    item_id = whole_number(form.get("item"), "item")
    sent_round = whole_number(form.get("round"), "round")
    current = whole_number(form.get("current"), "current")
    target = whole_number(form.get("target"), "target")
    assessment = workshops.assessment_of_workshop(session=session, workshop=workshop)
    framework = repository.framework_of_assessment(session=session, assessment=assessment)
    workshops.claim(session=session, workshop_id=workshop.id or 0)
    session.refresh(workshop)
    item = workshops.item_of(session=session, workshop_id=workshop.id or 0, item_id=item_id or 0)
    if workshop.status != WorkshopStatus.LIVE:
        raise HTTPException(409, "This workshop has ended.")
    if item is None or item.id != workshop.current_item_id:
        raise HTTPException(409, "Voting on this item is not open: the room has moved on.")
    if sent_round != item.round:
        raise HTTPException(409, "That round of voting has closed; vote again on this round.")
    try:
        levels = framework.levels_of(framework.criteria_by_id[item.criterion_id])
        check_vote(workshops.state_of(item), levels, current, target)
    except WorkshopRefused as refused:
        if refused.field == "item":
            raise HTTPException(
                409, f"{refused.message[0].upper()}{refused.message[1:]}."
            ) from None
        raise HTTPException(422, str(refused)) from None
    assert current is not None and target is not None  # check_vote refuses a missing level
    workshops.save_vote(
        session=session,
        item=item,
        participant_id=seat.voter.participant.id or 0,
        current=current,
        target=target,
    )
