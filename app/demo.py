"""A demo workspace: one organisation, one assessment, a leadership team with plausible answers.

The answers are deterministic (seeded by participant and criterion), so screenshots, tests and
reports built on the demo are stable. Leaders rate the present a little higher than the front
line does: the framework's own point, and something later pages should make visible.
"""

from __future__ import annotations

import random
import secrets
import zlib
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.db import accounts, repository
from app.db.models import AssessmentStatus, Role
from app.domain.answering import AnswerChoice
from app.domain.framework import Framework

DEMO_SLUG = "northwind-demo"
DEMO_CONSULTANT = "consultant@demo.gapwise.invalid"
DEMO_FRAMEWORK = "reap-blueprint"


@dataclass(frozen=True)
class DemoParticipant:
    name: str
    group: str
    role: str
    optimism: float  # how much higher than the shared baseline this person rates the present


DEMO_TEAM = (
    DemoParticipant("Amira Haddad", "Leadership", "Chief Executive", 0.8),
    DemoParticipant("Tom Becker", "Leadership", "Chief Financial Officer", 0.5),
    DemoParticipant("Grace Okafor", "Leadership", "Chief Customer Officer", 0.3),
    DemoParticipant("Luis Moreno", "Management", "Head of Contact Centre", 0.2),
    DemoParticipant("Hannah Schulz", "Management", "Head of Digital", 0.0),
    DemoParticipant("Ravi Patel", "Management", "Data & Insight Manager", -0.2),
    DemoParticipant("Chloe Martin", "Front line", "Customer Adviser", -0.6),
    DemoParticipant("Daniel Kim", "Front line", "Field Sales Representative", -0.4),
    DemoParticipant("Sofia Rossi", "Front line", "Complaints Specialist", -0.8),
)

# Where Northwind stands today, by layer: weak foundations, patchy enabling, decent execution.
LAYER_BASELINE = {"foundations": 1.6, "enabling": 2.0, "execution": 2.4}

COMMENTS = (
    "We talk about it in strategy days, but it rarely reaches the front line.",
    "Done well in the business customer team; elsewhere it depends on who you ask.",
    "There is a project for this, but it has been paused twice.",
    "Our systems make this hard: three customer databases that do not agree.",
    "Good intentions, no owner.",
)


def demo_answers(framework: Framework, person: DemoParticipant) -> list[AnswerChoice]:
    """Plausible, repeatable answers of one demo participant to every criterion."""
    top = framework.scale.maximum
    answers = []
    for layer in framework.layers:
        baseline = LAYER_BASELINE.get(layer.id, 2.0)
        for area in layer.areas:
            for criterion in area.all_criteria():
                rng = random.Random(zlib.crc32(f"{person.name}|{criterion.id}".encode()))
                if person.optimism < 0 and rng.random() < 0.06:
                    answers.append(AnswerChoice(criterion.id, None, None, True, ""))
                    continue
                current = round(min(top, max(0, baseline + person.optimism + rng.gauss(0, 0.7))))
                target = min(top, current + rng.choice((1, 1, 2, 2, 2, 3)))
                comment = rng.choice(COMMENTS) if rng.random() < 0.08 else ""
                answers.append(AnswerChoice(criterion.id, current, target, False, comment))
    return answers


def create_demo(session: Session) -> bool:
    """Create the demo workspace once; return False when it already exists."""
    if repository.organisation_by_slug(session=session, slug=DEMO_SLUG):
        return False
    snapshot = repository.latest_snapshot(session=session, framework_key=DEMO_FRAMEWORK)
    if snapshot is None:
        raise LookupError(f"the '{DEMO_FRAMEWORK}' framework is not loaded; run `gapwise migrate`")
    framework = repository.framework_of(snapshot)
    organisation = repository.create_organisation(
        session=session, slug=DEMO_SLUG, name="Northwind Utilities (demo)"
    )
    assessment = repository.create_assessment(
        session=session,
        organisation=organisation,
        snapshot=snapshot,
        title="Customer capability baseline",
        purpose="Agree where we stand on customer management and what to fix first.",
        status=AssessmentStatus.OPEN,
        target_date=date(2028, 6, 30),
    )
    for person in DEMO_TEAM:
        participant = repository.add_participant(
            session=session,
            assessment=assessment,
            name=person.name,
            group=person.group,
            role=person.role,
        )
        for answer in demo_answers(framework, person):
            repository.save_answer(session=session, participant=participant, choice=answer)
    return True


def reset_demo_consultant(session: Session) -> tuple[str, str]:
    """Give the demo consultant a new random password (none is kept in code); return both."""
    password = secrets.token_urlsafe(12)
    user = accounts.user_by_email(session=session, email=DEMO_CONSULTANT)
    if user is None:
        user = accounts.create_user(
            session=session,
            email=DEMO_CONSULTANT,
            password=password,
            role=Role.CONSULTANT,
            name="Demo Consultant",
        )
    else:
        accounts.set_password(session=session, user=user, password=password)
    organisation = repository.organisation_by_slug(session=session, slug=DEMO_SLUG)
    assert organisation is not None  # create_demo ran first
    accounts.add_membership(session=session, user=user, organisation=organisation)
    return user.email, password
