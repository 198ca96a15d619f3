"""Moving an assessment to a newer version of its framework: see what changes, then confirm.

Answers to unchanged criteria carry over. Answers to reworded criteria, or to criteria now
answered on other levels, are set aside and listed for their participants to answer again;
answers to removed criteria are set aside as history. Nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.db import frameworks, repository
from app.db.models import MAX_ID, Assessment, AssessmentStatus, FrameworkSnapshot
from app.domain.policy import Action
from app.domain.versions import FrameworkDiff, diff_frameworks
from app.web.deps import AssessmentDep, AuditDep, SessionDep, allowed
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()
UPGRADE = allowed(Action.UPGRADE_ASSESSMENTS)


@dataclass(frozen=True)
class UpgradePage:
    assessment: Assessment
    current: FrameworkSnapshot
    target: FrameworkSnapshot | None
    diff: FrameworkDiff | None
    answers_to_revisit: int  # stored answers that will be set aside for participants
    answers_removed: int
    refusal: str  # why the upgrade cannot happen now; empty when it can


def _plan(session: Session, assessment: Assessment) -> UpgradePage:
    current = session.get(FrameworkSnapshot, assessment.framework_snapshot_id)
    assert current is not None  # a foreign key guarantees it
    target = frameworks.upgrade_target(session=session, assessment=assessment)
    diff = None
    revisit = removed = 0
    if target is not None:
        diff = diff_frameworks(repository.framework_of(current), repository.framework_of(target))
        for answer in repository.answers_of(session=session, assessment=assessment):
            revisit += answer.criterion_id in diff.to_revisit
            removed += answer.criterion_id in diff.removed_ids
    refusal = ""
    if target is None:
        refusal = "There is no newer version of this framework to move to."
    elif assessment.status == AssessmentStatus.CLOSED:
        refusal = "This assessment is closed: reopen it first, so its results may change."
    return UpgradePage(assessment, current, target, diff, revisit, removed, refusal)


@router.get("/assessments/{assessment_id}/upgrade", name="confirm_upgrade", dependencies=[UPGRADE])
def confirm_upgrade(request: Request, assessment: AssessmentDep, session: SessionDep) -> Response:
    page = _plan(session, assessment)
    return templates.TemplateResponse(request, "assessments/upgrade.html", {"page": page})


@router.post(
    "/assessments/{assessment_id}/upgrade", name="upgrade_assessment", dependencies=[UPGRADE]
)
def upgrade_assessment(
    assessment: AssessmentDep,
    session: SessionDep,
    audit: AuditDep,
    to: Annotated[int, Form(ge=1, le=MAX_ID)],
) -> Response:
    """Upgrade to the version the confirmation page showed, and to no other."""
    plan = _plan(session, assessment)
    if plan.refusal:
        raise HTTPException(status_code=409, detail=plan.refusal)
    assert plan.target is not None and plan.diff is not None  # no refusal means both exist
    if plan.target.id != to:
        raise HTTPException(
            status_code=409,
            detail="The newest version changed since you looked; review the changes again.",
        )
    try:
        outcome = frameworks.upgrade_assessment(
            session=session, assessment=assessment, snapshot=plan.target, diff=plan.diff
        )
    except frameworks.UpgradeConflict:
        raise HTTPException(
            status_code=409, detail="This assessment was upgraded just now by someone else."
        ) from None
    detail = (
        f"{assessment.title}: {plan.current.version} → {plan.target.version}; {outcome.kept} "
        f"answers kept, {outcome.to_revisit} to revisit, {outcome.removed} removed (archived)"
    )
    audit("upgraded assessment", organisation_id=assessment.organisation_id, detail=detail)
    summary = f"{outcome.kept}.{outcome.to_revisit}.{outcome.removed}"
    return RedirectResponse(f"/assessments/{assessment.id}?upgraded={summary}", status_code=303)
