"""What a participant sees through their invite link (no account needed)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.db import repository
from app.db.models import Assessment, Participant
from app.domain.framework import Framework
from app.web.deps import InvitedParticipant, SessionDep
from app.web.templating import templates

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


@dataclass(frozen=True)
class StartPage:
    participant: Participant
    assessment: Assessment
    organisation_name: str
    framework: Framework


@router.get("/p/{invite_token}", name="start_answering")
def start_answering(
    request: Request, participant: InvitedParticipant, session: SessionDep
) -> Response:
    assessment = repository.assessment_of(session=session, participant=participant)
    page = StartPage(
        participant=participant,
        assessment=assessment,
        organisation_name=repository.organisation_of(session=session, assessment=assessment).name,
        framework=repository.framework_of_assessment(session=session, assessment=assessment),
    )
    response = templates.TemplateResponse(request, "answering/start.html", {"page": page})
    response.headers["Cache-Control"] = "no-store"
    return response
