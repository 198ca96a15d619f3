"""A demo workspace: one organisation, one assessment, a leadership team with plausible answers.

The answers are deterministic (seeded by participant and criterion), so screenshots, tests and
reports built on the demo are stable. They tell one story: weak foundations, above all customer
data; retention and acquisition ahead of the rest; leaders rating the present a little higher
than the front line does (the framework's own point, and something later pages make visible);
comments that a workshop would pick up, on the criteria they are about.
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
# The areas that stand out from their layer: three customer databases that do not agree, no
# measure beyond the quarter's revenue; a complaints team and a field sales force that work.
AREA_SHIFT = {"data-management": -0.6, "measurement": -0.4, "retention": 0.5, "acquisition": 0.3}
# Where the leadership team wants to go further than elsewhere: the data it lacks.
AREA_AMBITION = {"data-management": 1, "leadership-direction": 1}

# What people wrote, by criterion: evidence a workshop would pick up, and the disagreement
# between the board room and the front line on the first criterion.
STORY_COMMENTS = {
    "ld-customer-strategy": {
        "Amira Haddad": "Agreed at the board away-day last spring; it is on the intranet.",
        "Sofia Rossi": "I have never seen a customer strategy, only sales targets.",
    },
    "ld-committed-investment": {
        "Tom Becker": "There is a project for this, but it has been paused twice.",
    },
    "cu-empowered-staff": {
        "Luis Moreno": "Advisers need a team leader's sign-off for any refund over 20 pounds.",
    },
    "dm-single-view": {
        "Ravi Patel": "Our systems make this hard: three customer databases that do not agree.",
    },
    "dm-view-at-contact": {
        "Chloe Martin": "Four screens open on every call, and I still ask for the account number.",
    },
    "cm-cross-channel-ownership": {
        "Hannah Schulz": "Good intentions, no owner: web and phone journeys are run separately.",
    },
    "me-lifetime-value": {
        "Ravi Patel": "We have a lifetime value model for business customers only.",
    },
    "re-root-cause": {
        "Sofia Rossi": "We fix the same billing complaint every month; nobody owns the cause.",
    },
    "pe-key-account-planning": {
        "Daniel Kim": "Done well for business customers; elsewhere it depends on who you ask.",
    },
}


def demo_answers(framework: Framework, person: DemoParticipant) -> list[AnswerChoice]:
    """Plausible, repeatable answers of one demo participant to every criterion."""
    top = framework.scale.maximum
    answers = []
    for layer in framework.layers:
        for area in layer.areas:
            baseline = LAYER_BASELINE.get(layer.id, 2.0) + AREA_SHIFT.get(area.id, 0.0)
            ambition = AREA_AMBITION.get(area.id, 0)
            for criterion in area.all_criteria():
                rng = random.Random(zlib.crc32(f"{person.name}|{criterion.id}".encode()))
                comment = STORY_COMMENTS.get(criterion.id, {}).get(person.name, "")
                if person.optimism < 0 and rng.random() < 0.06:
                    answers.append(AnswerChoice(criterion.id, None, None, True, comment))
                    continue
                current = round(min(top, max(0, baseline + person.optimism + rng.gauss(0, 0.7))))
                target = min(top, current + ambition + rng.choice((1, 1, 2, 2, 2, 3)))
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
