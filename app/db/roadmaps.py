"""Reading and writing an assessment's roadmap and the area importance behind it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from app.db.models import Assessment, RoadmapItem, RoadmapStatus, utc_now
from app.db.repository import mark_changed
from app.domain.roadmap import Initiative


def actions_of(item: RoadmapItem) -> tuple[str, ...]:
    """A roadmap item's improvement actions, stored one per line."""
    return tuple(line for line in item.actions.splitlines() if line.strip())


def stored_actions(actions: Sequence[str]) -> str:
    """Actions as stored: one per line, blank lines and surrounding spaces dropped."""
    return "\n".join(line.strip() for line in actions if line.strip())


def importance_of(assessment: Assessment) -> dict[str, float]:
    return {str(k): float(v) for k, v in json.loads(assessment.area_importance or "{}").items()}


def set_importance(*, session: Session, assessment: Assessment, weights: dict[str, float]) -> None:
    """Keep only weights that differ from the default 1."""
    assessment.area_importance = json.dumps({k: v for k, v in sorted(weights.items()) if v != 1})
    session.add(assessment)
    mark_changed(session=session, assessment_id=assessment.id)


def roadmap_of(*, session: Session, assessment: Assessment) -> Sequence[RoadmapItem]:
    query = select(RoadmapItem).where(RoadmapItem.assessment_id == assessment.id)
    return session.exec(query.order_by(RoadmapItem.horizon, RoadmapItem.position)).all()


def replace_roadmap(
    *, session: Session, assessment: Assessment, initiatives: Sequence[Initiative]
) -> None:
    """Draft the roadmap afresh from the gaps; the consultant's earlier edits are replaced."""
    session.exec(delete(RoadmapItem).where(col(RoadmapItem.assessment_id) == assessment.id))
    for position, initiative in enumerate(initiatives):
        session.add(
            RoadmapItem(
                assessment_id=assessment.id,
                area_id=initiative.area_id,
                title=initiative.title,
                horizon=initiative.horizon,
                reason=initiative.reason,
                actions=stored_actions(initiative.actions),
                outcome=initiative.outcome,
                depends_on=stored_actions(initiative.depends_on),
                position=position,
            )
        )
    mark_changed(session=session, assessment_id=assessment.id)


def add_item(*, session: Session, assessment: Assessment, title: str, horizon: int) -> RoadmapItem:
    last = max((i.position for i in roadmap_of(session=session, assessment=assessment)), default=-1)
    item = RoadmapItem(
        assessment_id=assessment.id,
        title=title,
        horizon=horizon,
        reason="Added by the consultant.",
        position=last + 1,
    )
    session.add(item)
    session.flush()
    mark_changed(session=session, assessment_id=assessment.id)
    return item


def update_item(
    *,
    session: Session,
    item: RoadmapItem,
    title: str,
    owner: str,
    horizon: int,
    status: RoadmapStatus,
    notes: str,
    actions: Sequence[str],
) -> None:
    item.title, item.owner, item.horizon, item.status, item.notes = (
        title,
        owner,
        horizon,
        status,
        notes,
    )
    item.actions = stored_actions(actions)
    item.updated_at = utc_now()
    session.add(item)
    mark_changed(session=session, assessment_id=item.assessment_id)


def lines_of(text: str) -> tuple[str, ...]:
    """A text stored one entry per line (actions, dependencies), as entries."""
    return tuple(line for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class ItemEdit:
    """One initiative as the editor sends it back."""

    item_id: int
    title: str
    owner: str
    horizon: int
    status: RoadmapStatus
    actions: tuple[str, ...]
    outcome: str
    depends_on: tuple[str, ...]
    notes: str
    position: int


def revision(items: Sequence[RoadmapItem]) -> str:
    """Changes whenever anyone saves, adds or drops an initiative: an editor that loaded an
    older revision must not overwrite a newer one unseen."""
    key = sorted((i.id, i.updated_at.replace(tzinfo=None).isoformat()) for i in items)
    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


def save_roadmap(*, session: Session, assessment: Assessment, edits: Sequence[ItemEdit]) -> None:
    """Every initiative's edits at once; the items not in `edits` stay as they are."""
    items = {i.id: i for i in roadmap_of(session=session, assessment=assessment)}
    now = utc_now()
    for edit in edits:
        item = items[edit.item_id]
        item.title, item.owner, item.horizon, item.status = (
            edit.title,
            edit.owner,
            edit.horizon,
            edit.status,
        )
        item.actions, item.outcome = stored_actions(edit.actions), edit.outcome
        item.depends_on, item.notes = stored_actions(edit.depends_on), edit.notes
        item.position, item.updated_at = edit.position, now
        session.add(item)
    mark_changed(session=session, assessment_id=assessment.id)


def delete_item(*, session: Session, item: RoadmapItem) -> None:
    session.delete(item)
    mark_changed(session=session, assessment_id=item.assessment_id)
