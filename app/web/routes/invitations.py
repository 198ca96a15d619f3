"""Inviting many people at once, the links just issued (page and CSV), and reminders."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from app.config import Settings
from app.db import invites, repository
from app.db.models import Assessment, AssessmentStatus, Participant
from app.domain.messages import compose
from app.domain.people import ListProblem, ParticipantDetails, parse_people
from app.domain.policy import Action
from app.mail import mail_enabled
from app.reports.exports import neutralised
from app.web.deps import (
    AssessmentDep,
    AuditDep,
    CurrentUser,
    FormDep,
    SessionDep,
    SettingsDep,
    allowed,
)
from app.web.feedback import done
from app.web.invitations import (
    INVITATION,
    REMINDER,
    SUBJECTS,
    Batch,
    email_values,
    issue_batch,
    link_for,
    minutes_to_allow,
    show_batch,
    shown_batches,
    template_of,
)
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()
MANAGE = allowed(Action.MANAGE_PARTICIPANTS)
MAX_UPLOAD_BYTES = 1024 * 1024


@dataclass(frozen=True)
class InvitePage:
    assessment: Assessment
    mail_enabled: bool
    people: str = ""  # the list as typed or uploaded, kept when refused
    problems: tuple[ListProblem, ...] = ()


def _render_invite(request: Request, page: InvitePage) -> Response:
    status = 422 if page.problems else 200
    return templates.TemplateResponse(
        request, "participants/invite.html", {"page": page}, status_code=status
    )


@router.get("/assessments/{assessment_id}/invite", name="invite_people", dependencies=[MANAGE])
def invite_people(request: Request, assessment: AssessmentDep, settings: SettingsDep) -> Response:
    return _render_invite(request, InvitePage(assessment, mail_enabled(settings)))


def _uploaded_text(file: object) -> tuple[str, str]:
    """(the file's text, or why it cannot be read); ("", "") when no file was chosen."""
    if not isinstance(file, UploadFile) or not file.filename:
        return "", ""
    raw = file.file.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        return "", "File: larger than 1 MB; is it a list of people?"
    try:
        return raw.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return "", "File: not UTF-8 text; save it from your spreadsheet as “CSV UTF-8”."


@router.post("/assessments/{assessment_id}/invite", name="add_people", dependencies=[MANAGE])
def add_people(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    audit: AuditDep,
    form: FormDep,
) -> Response:
    """Add everyone on the list and issue their links, or nobody if any line is wrong."""
    uploaded, unreadable = _uploaded_text(form.get("file"))
    text = uploaded or str(form.get("people", ""))
    page = InvitePage(assessment, mail_enabled(settings), text)
    if unreadable:
        return _render_invite(request, replace(page, problems=(ListProblem(0, unreadable),)))
    known = [
        p.email or "" for p in repository.participants_of(session=session, assessment=assessment)
    ]
    parsed = parse_people(text, known)
    if parsed.problems:
        return _render_invite(request, replace(page, problems=parsed.problems))
    added = [_add(session, assessment, person) for person in parsed.people]
    batch, secrets = issue_batch(
        session=session, kind=INVITATION, participants=added, issued_by=user
    )
    audit(
        "invited participants",
        organisation_id=assessment.organisation_id,
        detail=", ".join(p.name for p in added),
    )
    count = len(added)
    return show_batch(
        request,
        session=session,
        settings=settings,
        assessment=assessment,
        batch=batch,
        participants=added,
        secrets=secrets,
        consultant=user,
        message=f"Invited {count} {'person' if count == 1 else 'people'}.",
    )


def _add(session: Session, assessment: Assessment, person: ParticipantDetails) -> Participant:
    return repository.add_participant(
        session=session,
        assessment=assessment,
        name=person.name,
        email=person.email or None,
        group=person.group,
        role=person.role,
    )


@dataclass(frozen=True)
class LinkRow:
    participant: Participant
    link: str  # "" when it no longer works (replaced or revoked since)
    emailed: bool
    message: str  # the invitation's or reminder's text to copy, where it was not emailed


@dataclass(frozen=True)
class LinksPage:
    assessment: Assessment
    batch: Batch | None
    rows: list[LinkRow]
    mail_enabled: bool

    @property
    def all_links(self) -> str:
        """Name, tab, link per line: pasted into a spreadsheet, two columns."""
        return "\n".join(f"{r.participant.name}\t{r.link}" for r in self.rows if r.link)


def _all_rows(
    request: Request,
    session: Session,
    settings: Settings,
    assessment: Assessment,
    batches: list[Batch],
    user: CurrentUser,
) -> list[LinkRow]:
    """The rows of every batch shown, newest first, in the participants' order within each;
    a person in two batches once, with the newer link (issuing it stopped the older one).
    Where a link was not emailed, the invitation (or reminder) to send with it."""
    people = repository.participants_of(session=session, assessment=assessment)
    organisation = repository.organisation_of(session=session, assessment=assessment).name
    minutes = minutes_to_allow(session, assessment)

    def to_send(kind: str, name: str, link: str) -> str:
        values = email_values(
            assessment=assessment,
            organisation=organisation,
            consultant=user,
            name=name,
            link=link,
            minutes=minutes,
        )
        return compose(template_of(assessment, kind), SUBJECTS[kind], values).text

    rows: list[LinkRow] = []
    seen: set[int] = set()
    for batch in batches:
        wanted = set(batch.participant_ids) - seen
        chosen = [p for p in people if p.id in wanted]
        ids = tuple(p.id or 0 for p in chosen)
        seen.update(ids)
        live = invites.live_ids(session=session, key=batch.key, participant_ids=ids)
        kind = REMINDER if batch.shows_reminders else INVITATION
        for p in chosen:
            secret = invites.batch_secret(batch.key, p.id or 0)
            link = link_for(request, settings, secret) if p.id in live else ""
            emailed = p.id in batch.emailed
            message = to_send(kind, p.name, link) if link and not emailed else ""
            rows.append(LinkRow(p, link, emailed, message))
    return rows


@router.get("/assessments/{assessment_id}/links", name="show_links", dependencies=[MANAGE])
def show_links(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> Response:
    """The links just issued, for ten minutes; then a way to issue new ones."""
    batches = shown_batches(request, settings, (assessment, user))
    rows = _all_rows(request, session, settings, assessment, batches, user)
    page = LinksPage(assessment, batches[0] if batches else None, rows, mail_enabled(settings))
    response = templates.TemplateResponse(request, "participants/links.html", {"page": page})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/assessments/{assessment_id}/links/csv", name="links_csv", dependencies=[MANAGE])
def links_csv(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> Response:
    batches = shown_batches(request, settings, (assessment, user))
    if not batches:
        return done(
            request, f"/assessments/{assessment.id}/links", "These links are no longer shown."
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "group", "role", "link", "emailed"])
    for row in _all_rows(request, session, settings, assessment, batches, user):
        p = row.participant
        cells = [p.name, p.email or "", p.group, p.role, row.link, "yes" if row.emailed else "no"]
        writer.writerow([neutralised(c) for c in cells])
    return Response(
        out.getvalue().encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="gapwise-links-{assessment.id}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.post(
    "/assessments/{assessment_id}/reminders",
    name="send_reminders",
    dependencies=[allowed(Action.REMIND_PARTICIPANTS)],
)
def send_reminders(
    request: Request,
    assessment: AssessmentDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    audit: AuditDep,
) -> Response:
    """Remind everyone who has not submitted, at most once a day each, with a fresh link."""
    overview = f"/assessments/{assessment.id}"
    if assessment.status != AssessmentStatus.OPEN:
        return done(request, overview, "Reminders go out only while the assessment is open.")
    waiting, _ = invites.waiting_for_reminder(session=session, assessment=assessment)
    claimed = invites.claim_reminders(session=session, assessment=assessment)
    if not claimed:
        message = (
            "Everyone who has not submitted was reminded less than a day ago."
            if waiting
            else "Nobody to remind: everyone has submitted."
        )
        return done(request, overview, message)
    batch, secrets = issue_batch(
        session=session, kind=REMINDER, participants=claimed, issued_by=user
    )
    audit(
        "reminded participants",
        organisation_id=assessment.organisation_id,
        detail=", ".join(p.name for p in claimed),
    )
    skipped = waiting - len(claimed)
    message = f"Reminders ready for {len(claimed)} {'person' if len(claimed) == 1 else 'people'}."
    if skipped:
        message += (
            f" {skipped} reminded less than a day ago {'was' if skipped == 1 else 'were'} left out."
        )
    return show_batch(
        request,
        session=session,
        settings=settings,
        assessment=assessment,
        batch=batch,
        participants=claimed,
        secrets=secrets,
        consultant=user,
        message=message,
    )
