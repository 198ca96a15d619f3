"""An assessment of many participants, written in bulk, for timing its overview page.

Used by benchmarks/workshop.py. Each participant gets a group, a live link and, for every
fourth, a few answers, so the page has activity, link states and submissions to show.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import insert, select
from sqlmodel import Session, col

from app.auth.secrets import token_digest
from app.db import repository
from app.db.models import Answer, Assessment, AssessmentStatus, InviteToken, Participant, utc_now

GROUPS = ("Leadership", "Management", "Front line", "Operations")
BATCH = 2_000


def crowded_assessment(session: Session, like: Assessment, participants: int) -> int:
    """A new open assessment beside `like` (same organisation and framework) with this many
    participants; its id. Committed."""
    organisation = repository.organisation_of(session=session, assessment=like)
    snapshot = repository.latest_snapshot(session=session, framework_key="reap-blueprint")
    assert snapshot is not None
    crowded = repository.create_assessment(
        session=session,
        organisation=organisation,
        snapshot=snapshot,
        title=f"All staff ({participants:,})",
        status=AssessmentStatus.OPEN,
    )
    framework = repository.framework_of_assessment(session=session, assessment=crowded)
    first_criteria = [c.id for c in framework.criteria()][:5]
    now = utc_now()
    for start in range(0, participants, BATCH):
        numbers = range(start, min(start + BATCH, participants))
        session.execute(
            insert(Participant),
            [
                {
                    "assessment_id": crowded.id,
                    "name": f"Person {n + 1:05d}",
                    "email": f"person{n + 1}@example.com",
                    "group": GROUPS[n % len(GROUPS)],
                    "role": "",
                    "submitted_at": now if n % 10 == 0 else None,
                    "reminders": 0,
                    "created_at": now,
                }
                for n in numbers
            ],
        )
    ids = (
        session.execute(select(Participant.id).where(col(Participant.assessment_id) == crowded.id))
        .scalars()
        .all()
    )
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        session.execute(
            insert(InviteToken),
            [
                {
                    "token_hash": token_digest(secrets.token_urlsafe(16)),
                    "participant_id": pid,
                    "created_at": now,
                    "expires_at": now + timedelta(days=30),
                    "last_used_at": now if pid % 3 == 0 else None,
                }
                for pid in chunk
            ],
        )
        answers = [
            {
                "participant_id": pid,
                "criterion_id": c,
                "current": 2,
                "target": 4,
                "dont_know": False,
                "comment": "",
                "updated_at": now,
            }
            for pid in chunk
            if pid % 4 == 0
            for c in first_criteria
        ]
        if answers:
            session.execute(insert(Answer), answers)
    repository.mark_changed(session=session, assessment_id=crowded.id)
    session.commit()
    return crowded.id or 0
