"""The roadmap: drafted from the gaps, then edited by the consultant (title, owner, horizon...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.db import roadmaps
from app.db.models import Assessment, RoadmapItem, RoadmapStatus
from app.db.results import results_of
from app.domain.policy import Action
from app.domain.roadmap import HORIZONS
from app.domain.scoring import AreaResult
from app.web.deps import AssessmentDep, AuditDep, DbId, FormDep, SessionDep, allowed
from app.web.templating import templates
from app.web.transactions import page_router

router = page_router()

MAX_IMPORTANCE = 5.0
EDIT = allowed(Action.EDIT_ROADMAP)


@dataclass(frozen=True)
class RoadmapPage:
    assessment: Assessment
    items: list[RoadmapItem]
    areas: list[AreaResult]
    importance: dict[str, float]
    horizons: tuple[str, ...] = HORIZONS
    statuses: tuple[str, ...] = tuple(RoadmapStatus)
    message: str = ""


def _render(
    request: Request, session: Session, assessment: Assessment, message: str = ""
) -> Response:
    page = RoadmapPage(
        assessment=assessment,
        items=list(roadmaps.roadmap_of(session=session, assessment=assessment)),
        areas=list(results_of(session=session, assessment=assessment).headline.areas()),
        importance=roadmaps.importance_of(assessment),
        message=message,
    )
    status = 422 if message else 200
    return templates.TemplateResponse(
        request, "roadmap/index.html", {"page": page}, status_code=status
    )


def _back(assessment: Assessment) -> RedirectResponse:
    return RedirectResponse(f"/assessments/{assessment.id}/roadmap", status_code=303)


@router.get("/assessments/{assessment_id}/roadmap", name="show_roadmap")
def show_roadmap(request: Request, assessment: AssessmentDep, session: SessionDep) -> Response:
    return _render(request, session, assessment)


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
    """Set area importance and draft the roadmap from the gaps (replacing the current one)."""
    data = results_of(session=session, assessment=assessment)
    results = data.headline
    fields = {k: str(v) for k, v in form.items()}
    try:
        weights = _importance_from(fields, [a.area_id for a in results.areas()])
    except ValueError as problem:
        return _render(request, session, assessment, message=str(problem))
    roadmaps.set_importance(session=session, assessment=assessment, weights=weights)
    initiatives = data.draft_roadmap(weights)
    roadmaps.replace_roadmap(session=session, assessment=assessment, initiatives=initiatives)
    audit(
        "drafted roadmap",
        organisation_id=assessment.organisation_id,
        detail=f"{len(initiatives)} initiatives",
    )
    return _back(assessment)


Horizon = Annotated[int, Form(ge=0, le=len(HORIZONS) - 1)]
Title = Annotated[str, Form(min_length=1, max_length=200)]


@router.post(
    "/assessments/{assessment_id}/roadmap/items", name="add_roadmap_item", dependencies=[EDIT]
)
def add_roadmap_item(
    assessment: AssessmentDep,
    session: SessionDep,
    audit: AuditDep,
    title: Title,
    horizon: Horizon = 0,
) -> Response:
    roadmaps.add_item(session=session, assessment=assessment, title=title.strip(), horizon=horizon)
    audit(
        "added roadmap item",
        organisation_id=assessment.organisation_id,
        detail=title,
    )
    return _back(assessment)


def get_item(item_id: DbId, assessment: AssessmentDep, session: SessionDep) -> RoadmapItem:
    item = session.get(RoadmapItem, item_id)
    if item is None or item.assessment_id != assessment.id:
        raise HTTPException(status_code=404, detail="This roadmap has no such item.")
    return item


ItemDep = Annotated[RoadmapItem, Depends(get_item)]


@router.post(
    "/assessments/{assessment_id}/roadmap/items/{item_id}",
    name="update_roadmap_item",
    dependencies=[EDIT],
)
def update_roadmap_item(
    assessment: AssessmentDep,
    item: ItemDep,
    session: SessionDep,
    audit: AuditDep,
    title: Title,
    status: Annotated[RoadmapStatus, Form()],
    horizon: Horizon = 0,
    owner: Annotated[str, Form(max_length=120)] = "",
    notes: Annotated[str, Form(max_length=4000)] = "",
    actions: Annotated[str, Form(max_length=roadmaps.MAX_ACTIONS_LENGTH)] = "",
) -> Response:
    roadmaps.update_item(
        session=session,
        item=item,
        title=title.strip(),
        owner=owner.strip(),
        horizon=horizon,
        status=status,
        notes=notes.strip(),
        actions=actions.splitlines(),
    )
    audit(
        "changed roadmap item",
        organisation_id=assessment.organisation_id,
        detail=item.title,
    )
    return _back(assessment)


@router.post(
    "/assessments/{assessment_id}/roadmap/items/{item_id}/delete",
    name="delete_roadmap_item",
    dependencies=[EDIT],
)
def delete_roadmap_item(
    assessment: AssessmentDep,
    item: ItemDep,
    session: SessionDep,
    audit: AuditDep,
) -> Response:
    title = item.title
    roadmaps.delete_item(session=session, item=item)
    audit(
        "dropped roadmap item",
        organisation_id=assessment.organisation_id,
        detail=title,
    )
    return _back(assessment)
