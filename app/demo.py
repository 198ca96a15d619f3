"""A demo workspace: one organisation, one assessment, a leadership team with plausible answers.

The answers are deterministic (seeded by participant and criterion), so screenshots, tests and
reports built on the demo are stable. They tell one story: weak foundations, above all customer
data, and ambitions that differ by area, so the gap ranking says where to start (data,
leadership and measurement) and where not (acquisition, ways of working); leaders rating the
present higher than the front line does; comments that differ by area and by group, as a
workshop would hear them. Seven of nine have answered everything and submitted; two are still
part-way, so reminders have someone to reach.
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
    progress: float = 1.0  # the share of the questionnaire answered; below 1: not submitted


DEMO_TEAM = (
    DemoParticipant("Amira Haddad", "Leadership", "Chief Executive", 0.8),
    DemoParticipant("Tom Becker", "Leadership", "Chief Financial Officer", 0.5),
    DemoParticipant("Grace Okafor", "Leadership", "Chief Customer Officer", 0.3),
    DemoParticipant("Luis Moreno", "Management", "Head of Contact Centre", 0.2),
    DemoParticipant("Hannah Schulz", "Management", "Head of Digital", 0.0, progress=0.6),
    DemoParticipant("Ravi Patel", "Management", "Data & Insight Manager", -0.2),
    DemoParticipant("Chloe Martin", "Front line", "Customer Adviser", -0.6),
    DemoParticipant("Daniel Kim", "Front line", "Field Sales Representative", -0.4, progress=0.3),
    DemoParticipant("Sofia Rossi", "Front line", "Complaints Specialist", -0.8),
)

# Where Northwind stands today, by layer: weak foundations, patchy enabling, decent execution.
LAYER_BASELINE = {"foundations": 1.6, "enabling": 2.0, "execution": 2.4}
# The areas that stand out from their layer: three customer databases that do not agree, no
# measure beyond the quarter's revenue; a complaints team and a field sales force that work.
AREA_SHIFT = {"data-management": -0.6, "measurement": -0.4, "retention": 0.5, "acquisition": 0.3}
# Where the leadership team wants each area to be: far ahead on data, leadership and
# measurement, content with acquisition and the way work flows. The gaps, ranked, tell the
# story: fix the foundations and the measures first; selling harder is not the problem.
AREA_TARGET = {
    "leadership-direction": 4.2,
    "culture": 3.5,
    "people-competencies": 3.0,
    "data-management": 4.1,
    "insight-planning": 3.7,
    "proposition": 2.9,
    "channels-media": 3.1,
    "experience-management": 3.8,
    "agility-workflow": 2.6,
    "measurement": 3.9,
    "retention": 3.5,
    "efficiency": 3.3,
    "acquisition": 2.9,
    "penetration": 3.1,
}
COMMENT_RATE = 0.2  # the share of criteria a person comments on

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

# Other remarks, by area and by where the writer sits: what each group would notice.
AREA_COMMENTS = {
    "leadership-direction": {
        "Leadership": (
            "We talk about customers at every board meeting, but the budget says otherwise.",
            "The five-year plan has a customer chapter; it has not been revisited since.",
        ),
        "Management": (
            "Directors agree in the room and then fund their own priorities.",
            "Customer goals appear in my objectives, but nobody asks about them.",
        ),
        "Front line": (
            "Leaders visited the call floor once this year, for a photo.",
            "We hear about cost savings far more than about customers.",
        ),
    },
    "culture": {
        "Leadership": (
            "People care; the systems and rules make it hard for them to show it.",
            "Our values poster says 'customer first', but bonuses reward volume.",
        ),
        "Management": (
            "Teams help customers despite the process, not because of it.",
            "Good service stories get shared, but nothing changes afterwards.",
        ),
        "Front line": (
            "You get thanked for short calls, not for solving the problem.",
            "Most of us would fix things for customers if we were allowed to.",
        ),
    },
    "people-competencies": {
        "Leadership": (
            "Training budgets were cut twice; we feel it in the quality of calls.",
            "We hire for attitude, then give people little time to learn.",
        ),
        "Management": (
            "New starters are on the phones after two weeks of system training.",
            "Coaching happens when the queue allows, which is rarely.",
        ),
        "Front line": (
            "I learned the billing system from colleagues, not from a course.",
            "Nobody has talked to me about my development in over a year.",
        ),
    },
    "data-management": {
        "Leadership": (
            "We cannot say how many customers we have without a week's notice.",
            "Data quality is everyone's problem, so it is nobody's.",
        ),
        "Management": (
            "Reports from finance and from the contact centre never match.",
            "Consent is recorded in two places and they disagree.",
        ),
        "Front line": (
            "Addresses are wrong so often that I check every one by phone.",
            "When a customer moves house, we set them up from scratch.",
        ),
    },
    "insight-planning": {
        "Leadership": (
            "We commission research every year and read the summary slide.",
            "Plans are built from last year's numbers plus five percent.",
        ),
        "Management": (
            "The insight team is two people, mostly producing reports for others.",
            "Segments exist in a deck; campaigns still go to everyone.",
        ),
        "Front line": (
            "We hear the same suggestions from customers every week; nobody asks us.",
            "Nobody tells us why a campaign is running until the calls arrive.",
        ),
    },
    "proposition": {
        "Leadership": (
            "Our tariffs are competitive; the trouble is how we explain them.",
            "We launched two new bundles last year; one sold well.",
        ),
        "Management": (
            "Products are designed by pricing, then handed to service to support.",
            "Tariff names change more often than the tariffs do.",
        ),
        "Front line": (
            "Customers ask which tariff suits them and I have no tool to tell them.",
            "The green tariff sells itself when people understand it.",
        ),
    },
    "channels-media": {
        "Leadership": (
            "The app rating went from two stars to four in a year.",
            "We spend more on advertising than on the channels people actually use.",
        ),
        "Management": (
            "Web chat is staffed from the same team as the phones, so both suffer.",
            "The app and the website show different balances on the same day.",
        ),
        "Front line": (
            "Half my calls are people who tried the app first and gave up.",
            "Customers quote a web offer that the phone system cannot see.",
        ),
    },
    "experience-management": {
        "Leadership": (
            "We measure satisfaction after every call; we rarely act on it.",
            "Journey maps were drawn two years ago and framed on a wall.",
        ),
        "Management": (
            "Complaint themes go to a monthly meeting that keeps getting cancelled.",
            "Each channel improves its own part; nobody owns the whole journey.",
        ),
        "Front line": (
            "Moving home takes a customer four contacts; it should take one.",
            "We promise callbacks that the back office cannot keep.",
        ),
    },
    "agility-workflow": {
        "Leadership": (
            "Changing a letter template takes a quarter and three sign-offs.",
            "We have started small pilots, and they work when left alone.",
        ),
        "Management": (
            "Work waits between teams more than it is worked on.",
            "IT changes queue for months behind regulatory projects.",
        ),
        "Front line": (
            "I raise the same system fault every week by email.",
            "Handing a case to billing feels like posting it into a void.",
        ),
    },
    "measurement": {
        "Leadership": (
            "The board pack is revenue, cost and complaints; nothing about loyalty.",
            "We know what a customer costs us, not what one is worth.",
        ),
        "Management": (
            "Targets are set per team and pull against each other.",
            "Every department has its own version of the churn figure.",
        ),
        "Front line": (
            "I am measured on call length, so I rush the difficult ones.",
            "Nobody shows us whether what we do keeps customers.",
        ),
    },
    "retention": {
        "Leadership": (
            "The save team is our best performer; we would like more like it.",
            "Churn is down two points since the save team started.",
        ),
        "Management": (
            "We spot customers about to leave only when they call to leave.",
            "Win-back offers work, but we make them too late.",
        ),
        "Front line": (
            "I can keep most customers if I may offer something that makes sense.",
            "Loyal customers pay more than new ones, and they notice.",
        ),
    },
    "efficiency": {
        "Leadership": (
            "Cost to serve fell, but repeat calls rose with it.",
            "Automation saved money where customers did not mind.",
        ),
        "Management": (
            "The cheapest contact is the one we avoid by getting the bill right.",
            "We track handle time closely and first-time resolution loosely.",
        ),
        "Front line": (
            "Self-service is fine until something goes wrong, then it costs twice.",
            "Most calls I take are chasing something that should have happened.",
        ),
    },
    "acquisition": {
        "Leadership": (
            "We win enough new customers; the question is keeping them.",
            "Switching campaigns do well in spring, every year.",
        ),
        "Management": (
            "Sales and service see the same prospects and never compare notes.",
            "Our comparison-site presence brings price shoppers who leave within a year.",
        ),
        "Front line": (
            "Door-to-door sales promise things that the service side cannot deliver.",
            "New customers get a welcome letter and then silence until the first bill.",
        ),
    },
    "penetration": {
        "Leadership": (
            "Few households take both gas and broadband from us, despite the offer.",
            "Business customers buy more from us when an account manager exists.",
        ),
        "Management": (
            "Cross-selling is a script at the end of a call, whatever the call was about.",
            "We do not know which customers already hold which products.",
        ),
        "Front line": (
            "Offering boiler cover to someone calling about a wrong bill goes badly.",
            "When the moment is right, customers are glad to hear about other services.",
        ),
    },
}


def _comment(
    person: DemoParticipant, area_id: str, criterion_id: str, rng: random.Random, said: set[str]
) -> str:
    """A story comment if there is one for this criterion, else now and then a remark about
    the area: one per area and person at most, so nobody repeats themselves."""
    story = STORY_COMMENTS.get(criterion_id, {}).get(person.name)
    if story:
        return story
    remarks = AREA_COMMENTS.get(area_id, {}).get(person.group, ())
    colleagues = [p.name for p in DEMO_TEAM if p.group == person.group]
    rank = (colleagues.index(person.name) + zlib.crc32(area_id.encode())) % len(colleagues)
    if rank >= len(remarks) or area_id in said or rng.random() >= COMMENT_RATE:
        return ""  # each remark has one author: nobody repeats a colleague
    said.add(area_id)
    return remarks[rank]


def demo_answers(framework: Framework, person: DemoParticipant) -> list[AnswerChoice]:
    """Plausible, repeatable answers of one demo participant, as far as they have got."""
    top = framework.scale.maximum
    answers = []
    criteria = [(a, c) for layer in framework.layers for a in layer.areas for c in a.all_criteria()]
    answered = round(len(criteria) * person.progress)
    layer_of = {a.id: layer.id for layer in framework.layers for a in layer.areas}
    said: set[str] = set()  # areas this person has remarked on
    for area, criterion in criteria[:answered]:
        baseline = LAYER_BASELINE.get(layer_of[area.id], 2.0) + AREA_SHIFT.get(area.id, 0.0)
        rng = random.Random(zlib.crc32(f"{person.name}|{criterion.id}".encode()))
        comment = _comment(person, area.id, criterion.id, rng, said)
        if person.optimism < 0 and rng.random() < 0.06:
            answers.append(AnswerChoice(criterion.id, None, None, True, comment))
            continue
        current = round(min(top, max(0, baseline + person.optimism + rng.gauss(0, 0.7))))
        wanted = AREA_TARGET.get(area.id, baseline + 1.5) + 0.3 * person.optimism
        target = round(min(top, max(current, wanted + rng.gauss(0, 0.5))))
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
        if person.progress >= 1:  # who answered everything has submitted
            repository.set_submitted(session=session, participant=participant, submitted=True)
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
