"""What a participant does through their invite link (no account): read, answer, submit.

Every page works without JavaScript (plain form posts per area); with it, each change is
saved at once through `save_answer_json` and kept in the browser until the server confirms.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property, partial
from typing import Annotated

from anyio import to_thread
from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.requests import ClientDisconnect
from starlette.routing import request_response

from app.db import frameworks, invites, repository
from app.db.engine import WouldWait, one_statement_at_a_time, without_waiting
from app.db.invites import AnsweringLink
from app.db.models import ArchivedAnswer, Assessment, AssessmentStatus, Participant
from app.domain.anonymity import promise
from app.domain.answering import (
    MAX_COMMENT_LENGTH,
    MAX_REASON_LENGTH,
    AnswerChoice,
    AnswerRefused,
    Progress,
    checked_answer,
    estimated_minutes,
    progress,
    progress_of_complete,
    unanswered,
)
from app.domain.framework import Area, Framework
from app.domain.levels import AnswerLevels
from app.domain.text import LongText
from app.web.confirm import Confirmation, ask, is_confirmed
from app.web.csrf import verify_csrf
from app.web.deps import (
    FormDep,
    InvitedParticipant,
    SessionDep,
    note_link_use,
    parsed_json,
    refuse_link,
)
from app.web.feedback import done
from app.web.limits import KIB, BodyLimitMiddleware
from app.web.templating import templates
from app.web.transactions import page_router, unit_of_work

router = page_router()


@dataclass(frozen=True)
class Questionnaire:
    """A participant's view of their assessment: everything every page of theirs needs."""

    invite_token: str
    participant: Participant
    assessment: Assessment
    organisation_name: str
    framework: Framework
    answers: dict[str, AnswerChoice]

    @cached_property
    def progress(self) -> Progress:
        """Computed once per request: an area page reads it some twenty times."""
        return progress(self.framework, self.answers.values())

    @property
    def locked_reason(self) -> str:
        """Why answers cannot change now; empty while they can."""
        return locked_reason(self.assessment.status, self.participant.submitted_at)

    def ensure_open(self) -> None:
        """Refuse a change (409, with the reason) while answers cannot change."""
        _ensure_open(self.locked_reason)

    def area(self, area_id: str) -> Area:
        for area in self.framework.areas():
            if area.id == area_id:
                return area
        raise HTTPException(status_code=404, detail=f"This questionnaire has no area '{area_id}'.")


def locked_reason(status: AssessmentStatus, submitted_at: datetime | None) -> str:
    """Why the participant's answers cannot change now (their assessment's status, when they
    submitted them); empty while they can."""
    if status == AssessmentStatus.DRAFT:
        return "This assessment has not opened yet. You can read it, but not answer yet."
    if status == AssessmentStatus.CLOSED:
        return "This assessment is closed: answers can no longer be changed."
    if submitted_at is not None:
        return (
            f"You submitted your answers on {_day(submitted_at)}. "
            "If you need to change something, ask the person who invited you to unlock them."
        )
    return ""


def _ensure_open(reason: str) -> None:
    """Refuse a change (409, with the reason) while answers cannot change."""
    if reason:
        raise HTTPException(status_code=409, detail=reason)


def _day(moment: datetime) -> str:
    return f"{moment:%-d %B %Y}"


def get_questionnaire(
    invite_token: str, participant: InvitedParticipant, session: SessionDep
) -> Questionnaire:
    assessment = repository.assessment_of(session=session, participant=participant)
    return Questionnaire(
        invite_token=invite_token,
        participant=participant,
        assessment=assessment,
        organisation_name=repository.organisation_of(session=session, assessment=assessment).name,
        framework=repository.framework_of_assessment(session=session, assessment=assessment),
        answers=repository.choices_of(session=session, participant=participant),
    )


QuestionnaireDep = Annotated[Questionnaire, Depends(get_questionnaire)]


def _revisit(session: SessionDep, questionnaire: Questionnaire) -> dict[str, ArchivedAnswer]:
    """Criteria to answer again after an upgrade of the framework, by id."""
    answered = {c.criterion_id for c in questionnaire.answers.values() if c.is_complete}
    found = frameworks.to_revisit(
        session=session,
        participant=questionnaire.participant,
        framework=questionnaire.framework,
        answered=answered,
    )
    return {archived.criterion_id: archived for archived in found}


def _page(request: Request, template: str, page: object, status: int = 200) -> Response:
    """Participant pages hold their answers: never cached, never indexed."""
    response = templates.TemplateResponse(
        request, f"answering/{template}", {"page": page}, status_code=status
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@dataclass(frozen=True)
class StartPage:
    questionnaire: Questionnaire
    minutes: int
    resume_area: Area
    revisit: dict[str, ArchivedAnswer]
    promise: str  # how answers are kept anonymous: the assessment's threshold in words


@router.get("/p/{invite_token}", name="start_answering")
def start_answering(
    request: Request, questionnaire: QuestionnaireDep, session: SessionDep
) -> Response:
    page = StartPage(
        questionnaire=questionnaire,
        minutes=estimated_minutes(questionnaire.framework),
        resume_area=questionnaire.progress.first_unfinished_area(),
        revisit=_revisit(session, questionnaire),
        promise=promise(questionnaire.assessment.anonymity_threshold),
    )
    return _page(request, "start.html", page)


@dataclass(frozen=True)
class AreaPage:
    questionnaire: Questionnaire
    area: Area
    previous_area: Area | None
    next_area: Area | None
    levels_used: list[AnswerLevels]  # the scale and answer sets this area's criteria use
    revisit: dict[str, ArchivedAnswer]
    max_comment_length: int = MAX_COMMENT_LENGTH
    max_reason_length: int = MAX_REASON_LENGTH
    message: str = ""


def _levels_used(framework: Framework, area: Area) -> list[AnswerLevels]:
    used = {framework.levels_of(c).key: framework.levels_of(c) for c in area.all_criteria()}
    return sorted(used.values(), key=lambda levels: (not levels.is_scale, levels.title))


def _render_area(
    request: Request,
    session: SessionDep,
    questionnaire: Questionnaire,
    area: Area,
    message: str = "",
) -> Response:
    ids = [a.id for a in questionnaire.framework.areas()]
    index = ids.index(area.id)
    page = AreaPage(
        questionnaire=questionnaire,
        area=area,
        previous_area=questionnaire.area(ids[index - 1]) if index else None,
        next_area=questionnaire.progress.area_after(area.id),
        levels_used=_levels_used(questionnaire.framework, area),
        revisit=_revisit(session, questionnaire),
        message=message,
    )
    return _page(request, "area.html", page, status=422 if message else 200)


@router.get("/p/{invite_token}/areas/{area_id}", name="answer_area")
def answer_area(
    request: Request, questionnaire: QuestionnaireDep, area_id: str, session: SessionDep
) -> Response:
    return _render_area(request, session, questionnaire, questionnaire.area(area_id))


def _level(raw: object, field: str, *, strict: bool) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except ValueError:
        if not strict:
            return None
        raise AnswerRefused(field, f"must be a whole number, not '{raw}'") from None


def _choices_from_form(form: FormData, area: Area, *, strict: bool = True) -> list[AnswerChoice]:
    """The choices the plain (no-JavaScript) form sent for the area's criteria.

    A criterion counts as sent only when its comment box is in the form: browsers always
    send a textarea, so a body without it (a truncated or foreign post) erases nothing.
    """
    return [
        AnswerChoice(
            criterion_id=c.id,
            current=_level(form.get(f"{c.id}.current"), f"{c.id}.current", strict=strict),
            target=_level(form.get(f"{c.id}.target"), f"{c.id}.target", strict=strict),
            dont_know=form.get(f"{c.id}.dont_know") == "yes",
            comment=str(form.get(f"{c.id}.comment")),
            not_applicable=form.get(f"{c.id}.not_applicable") == "yes",
            reason=str(form.get(f"{c.id}.reason") or ""),
        )
        for c in area.all_criteria()
        if f"{c.id}.comment" in form
    ]


def _checked_form(framework: Framework, form: FormData, area: Area) -> list[AnswerChoice]:
    """Every sent choice as it will be stored, or AnswerRefused naming the form field."""
    checked = []
    for choice in _choices_from_form(form, area):
        try:
            checked.append(checked_answer(framework, choice))
        except AnswerRefused as refused:
            field = f"{choice.criterion_id}.{refused.field}"
            raise AnswerRefused(field, refused.message) from None
    return checked


@router.post("/p/{invite_token}/areas/{area_id}", name="save_area")
def save_area(
    request: Request,
    questionnaire: QuestionnaireDep,
    area_id: str,
    session: SessionDep,
    form: FormDep,
) -> Response:
    """Save the whole area at once (all or nothing), then go on to the next area."""
    area = questionnaire.area(area_id)
    questionnaire.ensure_open()
    try:
        checked = _checked_form(questionnaire.framework, form, area)
    except AnswerRefused as refused:
        sent = {c.criterion_id: c for c in _choices_from_form(form, area, strict=False)}
        shown = replace(questionnaire, answers={**questionnaire.answers, **sent})
        return _render_area(request, session, shown, area, message=str(refused))
    for choice in checked:
        if not choice.is_empty or choice.criterion_id in questionnaire.answers:
            repository.save_answer(
                session=session, participant=questionnaire.participant, choice=choice
            )
    following = questionnaire.progress.area_after(area.id)
    target = (
        request.app.url_path_for(
            "answer_area", invite_token=questionnaire.invite_token, area_id=following.id
        )
        if following
        else request.app.url_path_for("review_answers", invite_token=questionnaire.invite_token)
    )
    return RedirectResponse(str(target), status_code=303)


class AnswerIn(BaseModel):
    """One criterion's answer as the page's script sends it."""

    model_config = ConfigDict(extra="forbid")

    criterion_id: str = Field(max_length=80)
    current: StrictInt | None = None
    target: StrictInt | None = None
    dont_know: bool = False
    comment: LongText = ""
    not_applicable: bool = False
    reason: str = Field(default="", max_length=4 * MAX_REASON_LENGTH)  # checked_answer says why


def live_answering_link(*, request: Request, invite_token: str, session: Session) -> AnsweringLink:
    """A live link for a save, with its assessment's state, in one query; LinkNotValid if not
    (for a known link, saying whom to ask, which takes a second look)."""
    link = invites.find_for_answering(session=session, secret=invite_token)
    if link is None:
        refuse_link(session, None)
    if not invites.is_live(link):
        refuse_link(session, invites.find(session=session, secret=invite_token))
    note_link_use(request, link.token_id, link)
    return link


async def save_answer_json(request: Request) -> Response:
    """Insert or replace one answer; sending the same answer twice changes nothing.

    A workshop's busiest route, so it is a plain Starlette endpoint rather than a FastAPI
    route: no dependencies to solve, and on SQLite no thread either, unless another writer
    has the database (app/db/engine.py, `saves_on_the_event_loop`). It refuses what the
    route refused, in this order: a body past its limit (MAX_SAVE_BYTES), a request without
    its CSRF token, a link that opens nothing (before the body is even parsed), then a body
    that is not an answer in JSON.
    """
    try:
        body = await request.body()  # first: the CSRF check may read a form from it
    except ClientDisconnect:
        return Response(status_code=400)  # nobody is waiting for an answer
    await verify_csrf(request)
    saving = partial(_save_answer, request, body)
    if request.app.state.saves_on_the_event_loop:
        try:
            with without_waiting():
                return saving()
        except WouldWait:  # another writer has the database: wait for it in a thread
            pass
    return await to_thread.run_sync(saving, limiter=request.app.state.saving)  # see saves_at_once


def _save_answer(request: Request, body: bytes) -> JSONResponse:
    """Asks the database only what a save must know, with statements compiled once and no
    objects loaded: one indexed query for the link, its participant and which criteria they
    have answered (read before the write, so the write lock is held for the save alone),
    their assessment's status and framework version (parsed once per process); then the
    save (repository.save_answer)."""
    with unit_of_work(request) as session:
        one_statement_at_a_time(session)  # its one write is one statement (on PostgreSQL)
        link = live_answering_link(
            request=request, invite_token=request.path_params["invite_token"], session=session
        )
        answer = parsed_json(AnswerIn, body, request.headers.get("content-type"))
        participant = link.participant
        _ensure_open(locked_reason(link.status, participant.submitted_at))
        framework = repository.framework_of_snapshot(
            session=session, snapshot_id=link.snapshot_id, content_hash=link.content_hash
        )
        try:
            choice = checked_answer(framework, AnswerChoice(**answer.model_dump()))
        except AnswerRefused as refused:
            raise HTTPException(status_code=422, detail=str(refused)) from None
        repository.save_answer(session=session, participant=participant, choice=choice)
    return _saved(choice, framework, participant.complete)


def _saved(choice: AnswerChoice, framework: Framework, before: frozenset[str]) -> JSONResponse:
    """What the page shows after a save: whether this answer is complete, and the progress
    (`before`: the criteria complete before it)."""
    this = {choice.criterion_id}
    now = progress_of_complete(framework, before | this if choice.is_complete else before - this)
    return JSONResponse(
        {
            "saved": True,
            "criterion_id": choice.criterion_id,
            "complete": choice.is_complete,
            "answered": now.answered,
            "total": now.total,
            "areas": {a.area.id: a.answered for a in now.areas},
        }
    )


# A save is under 20 KiB. Its body is read before the link is checked, whatever it claims
# to be, so it gets a limit of its own, with room for a comment past the field's limit (which
# the field's rule words).
MAX_SAVE_BYTES = 256 * KIB

# Starlette's Route serves an ASGI app given as its endpoint; FastAPI's annotation of
# add_route names only the request-to-response form.
router.add_route(
    "/p/{invite_token}/answers",
    BodyLimitMiddleware(request_response(save_answer_json), limit=MAX_SAVE_BYTES),  # type: ignore[arg-type]
    methods=["POST"],
    name="save_answer_json",
    include_in_schema=False,
)


@dataclass(frozen=True)
class ReviewPage:
    questionnaire: Questionnaire
    unanswered: dict[str, list[str]]
    revisit: dict[str, ArchivedAnswer]
    submit: Confirmation | None  # asked first when something is unanswered


def _submit_confirmation(
    questionnaire: Questionnaire, missing: dict[str, list[str]]
) -> Confirmation | None:
    left = sum(len(ids) for ids in missing.values())
    if not left:
        return None
    total = questionnaire.framework.criterion_count
    review = f"/p/{questionnaire.invite_token}/review"
    return Confirmation(
        f"{left} of {total} unanswered — submit anyway?",
        "Unanswered criteria are left out of the results. Submitting locks your answers: to "
        "change anything afterwards, ask the person who invited you to unlock them.",
        "Submit anyway",
        review,
    )


@router.get("/p/{invite_token}/review", name="review_answers")
def review_answers(
    request: Request, questionnaire: QuestionnaireDep, session: SessionDep
) -> Response:
    missing = unanswered(questionnaire.framework, questionnaire.answers)
    page = ReviewPage(
        questionnaire,
        missing,
        _revisit(session, questionnaire),
        _submit_confirmation(questionnaire, missing),
    )
    return _page(request, "review.html", page)


@router.post("/p/{invite_token}/submit", name="submit_answers")
def submit_answers(
    request: Request, questionnaire: QuestionnaireDep, session: SessionDep, form: FormDep
) -> Response:
    """Lock the answers (asked first while any is missing); the consultant can unlock them,
    and closing freezes everything."""
    questionnaire.ensure_open()
    missing = unanswered(questionnaire.framework, questionnaire.answers)
    confirmation = _submit_confirmation(questionnaire, missing)
    if confirmation is not None and not is_confirmed(form):
        return ask(request, confirmation, form)
    repository.set_submitted(session=session, participant=questionnaire.participant, submitted=True)
    target = request.app.url_path_for("review_answers", invite_token=questionnaire.invite_token)
    return done(request, str(target), "Your answers are submitted. Thank you.")
