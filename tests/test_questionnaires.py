"""The shipped questionnaires are a contract: each loads; the REAP blueprint keeps its shape.

`reap-blueprint.yaml` is the current version; `reap-blueprint-1.0.yaml` is version 1.0 kept
unchanged, so assessments answered against it keep their questions and its exports still import.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.domain.framework import Criterion
from app.domain.loading import completeness_problems, load_framework
from tests.conftest import QUESTIONNAIRES

FILES = sorted(QUESTIONNAIRES.glob("*.yaml"))
REAP = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")
REAP_1_0 = load_framework(QUESTIONNAIRES / "reap-blueprint-1.0.yaml")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_questionnaire_file_loads_and_is_named_by_its_id(path: Path) -> None:
    """`<id>.yaml` holds the current version, `<id>-<version>.yaml` an archived one."""
    framework = load_framework(path)

    assert path.stem in (framework.id, f"{framework.id}-{framework.version}")
    assert framework.criterion_count > 0


def test_the_current_reap_file_is_a_newer_version_than_the_archived_one() -> None:
    assert (REAP_1_0.id, REAP_1_0.version) == ("reap-blueprint", "1.0")
    assert (REAP.id, REAP.version) == ("reap-blueprint", "2.0")


def test_reap_has_four_six_four_areas_in_three_layers() -> None:
    shape = [(layer.id, len(layer.areas)) for layer in REAP.layers]

    assert shape == [("foundations", 4), ("enabling", 6), ("execution", 4)]


def test_reap_area_order_follows_the_blueprint_parts() -> None:
    assert [area.title for area in REAP.areas()] == [
        "Leadership & Direction",
        "Culture",
        "People & Competencies",
        "Data Management",
        "Insight & Planning",
        "Proposition",
        "Channels & Media",
        "Experience Management",
        "Agility & Workflow",
        "Measurement",
        "Retention",
        "Efficiency",
        "Acquisition",
        "Penetration",
    ]


def test_every_execution_area_is_made_of_sub_components_with_criteria() -> None:
    execution = REAP.layers[2]
    sub_components = {area.id: [s.title for s in area.sub_components] for area in execution.areas}

    assert all(len(titles) >= 2 for titles in sub_components.values())
    assert sub_components["efficiency"] == ["Calculating & Allocating Costs", "Controlling Costs"]
    assert sub_components["acquisition"][-2:] == ["Converting Sales", "Setting Up & Activating"]
    assert sub_components["penetration"] == [
        "Understanding Customer Value",
        "Increasing Customer Value",
        "Managing High Value Customers",
    ]


def test_published_wgll_points_keep_their_count_and_are_marked_blueprint() -> None:
    groups = {area.id: area.criteria for area in REAP.areas()}
    groups.update({s.id: s.criteria for a in REAP.areas() for s in a.sub_components})
    published = {
        "channels-media": 4,
        "experience-management": 4,
        "agility-workflow": 5,
        "penetration-increasing-value": 6,
        "penetration-high-value-customers": 3,
    }

    for group_id, count in published.items():
        assert [c.source for c in groups[group_id]] == ["blueprint"] * count, group_id
    other = [c for gid, cs in groups.items() if gid not in published for c in cs]
    assert {c.source for c in other} == {"derived"}


def test_every_area_has_an_intent_and_criteria() -> None:
    for area in REAP.areas():
        assert len(area.intent.split()) >= 15, area.id
        assert sum(1 for _ in area.all_criteria()) >= 4, area.id


def test_scale_is_zero_to_five_with_observable_descriptions() -> None:
    scale = REAP.scale

    assert scale.values == (0, 1, 2, 3, 4, 5)
    assert scale.wgll_level == 4
    assert all(len(level.description.split()) >= 12 for level in scale.levels)


def test_description_credits_the_author_and_does_not_claim_the_tool() -> None:
    assert "Doug Leather" in REAP.description
    assert "not the author's own" in REAP.description


# --- Version 2.0: an instrument that gives consistent ratings --------------------------------


def test_every_criterion_has_anchors_for_1_3_and_5_a_hint_evidence_and_an_action() -> None:
    assert completeness_problems(REAP, "reap-blueprint.yaml") == []
    for criterion in REAP.criteria():
        assert sorted(criterion.anchors or {}) == [1, 3, 5], criterion.id
        assert criterion.evidence, criterion.id


# A statement joins two conditions when two clauses or two predicates meet at its top level:
CLAUSE_JOIN = re.compile(
    r",\s+(?:and|but|while|whereas)\b"  # "X is done, and Y is done"
    r"|;\s"  # "X is done; Y is done"
    r"|\band\s+(?:is|are|was|were|has|have|had|can|could|will|would|should|must|do|does|also)\b"
    # "are recorded and honoured": one auxiliary carrying two participles
    r"|\b(?:is|are)\s+\w+(?:ed|en|wn|lt)\s+and\s+\w+(?:ed|en|wn|lt)\b",
    re.IGNORECASE,
)


def joins_two_conditions(criterion: Criterion) -> bool:
    """Does the statement, outside any parentheses, join two conditions?

    The heuristic looks for the ways English joins two predicates: a comma or semicolon before a
    second clause (", and", ", but", ", while", "; "), "and" followed straight by an auxiliary or
    modal ("and is protected", "and can show"), and one auxiliary carrying two participles ("are
    recorded and honoured"). It lets through what is one condition about several things: "and"
    inside a list of nouns ("needs, behaviour and value", "sales, service and support costs") and
    a compound subject ("Shared and overhead costs are allocated"), where the sentence still has
    one predicate. Parenthesised asides are not the statement's top level.

    It is tuned on version 1.0, which an outside review found to join two conditions in 47 of its
    98 statements: the heuristic flags 52 there (the test below holds it to at least 45). What it
    cannot see, such as a relative clause ("a view that staff consult") or a "with" phrase, was
    checked by reading; statements that keep several conditions on purpose list them in `quality`.
    """
    return bool(CLAUSE_JOIN.search(re.sub(r"\([^)]*\)", "", criterion.text)))


def test_no_statement_joins_two_conditions_without_a_quality_list() -> None:
    joined = [c.id for c in REAP.criteria() if joins_two_conditions(c) and not c.quality]

    assert joined == []


def test_the_and_heuristic_finds_the_compound_statements_of_version_1_0() -> None:
    flagged = [c.id for c in REAP_1_0.criteria() if joins_two_conditions(c)]

    assert len(flagged) >= 45
    assert "ld-committed-investment" in flagged  # "is committed ... and is protected"
    assert "dm-privacy-trust" in flagged  # "are recorded and honoured"
    assert "ef-cost-allocation" not in flagged  # "Shared and overhead costs are allocated"


def test_statements_leave_breadth_and_frequency_to_the_scale() -> None:
    """ "every complaint", "never have to repeat", "at least once a year" make 2 and 3 ambiguous:
    the anchors say how much is enough at each level."""
    absolute = re.compile(r"\b(?:every|never|always|at least|once a)\b", re.IGNORECASE)

    assert [c.id for c in REAP.criteria() if absolute.search(c.text)] == []
    assert max(len(c.text.split()) for c in REAP.criteria()) <= 32


# About 30 seconds per criterion (app.domain.answering.SECONDS_PER_CRITERION) keeps an area under
# five minutes at ten criteria. Penetration is the one exception: its nine published points are
# fixed, and Understanding Customer Value needs its potential-value and change-in-value criteria.
AREA_SIZE_EXCEPTIONS = {"penetration": 11}


def test_each_area_can_be_answered_in_about_five_minutes() -> None:
    sizes = {area.id: sum(1 for _ in area.all_criteria()) for area in REAP.areas()}

    assert {a: n for a, n in sizes.items() if n > AREA_SIZE_EXCEPTIONS.get(a, 10)} == {}


def test_the_published_points_keep_their_ids_so_the_22_stay_identifiable() -> None:
    blueprint = {c.id for c in REAP.criteria() if c.source == "blueprint"}

    assert blueprint == {c.id for c in REAP_1_0.criteria() if c.source == "blueprint"}
    assert len(blueprint) == 22


def test_weak_and_overlapping_criteria_of_1_0_are_gone() -> None:
    gone = {
        "ld-current-and-target-view",  # circular: running the assessment was its evidence
        "me-actionable-measures",  # no threshold; overlapped workflow prompts and the chain
        "ef-cost-review",  # budget hygiene, not customer management
        "pe-current-value",  # repeated ef-customer-profitability
        "cu-shared-accountability",  # repeated the executives' shared accountability
    }

    assert gone.isdisjoint(REAP.criterion_ids())


def test_the_drifts_from_the_published_points_are_corrected() -> None:
    areas = {area.id: area for area in REAP.areas()}
    criteria = {c.id: c for c in REAP.criteria()}

    assert "physical" in areas["experience-management"].intent
    assert "delegat" not in areas["agility-workflow"].intent
    assert "time limits" in " ".join(criteria["aw-workflow-prompts"].quality or ())
    planning = criteria["pe-key-account-planning"]
    assert "resources are allocated" in planning.text
    assert not re.search(r"staffing|joint", planning.text, re.IGNORECASE)
    research = " ".join(criteria["em-predictive-research"].quality or ())
    assert "expected" in research and "adjusted" not in research


def test_the_example_in_the_format_documentation_is_a_valid_framework() -> None:
    import re

    from app.config import PROJECT_ROOT
    from app.domain.loading import parse_framework

    text = (PROJECT_ROOT / "docs" / "questionnaire-format.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", text, re.S)

    assert example is not None
    framework = parse_framework(example.group(1), "docs/questionnaire-format.md")
    assert framework.answer_sets["coverage"].levels[1].value == 0.25
    assert framework.wording.intent == "Aim" and framework.attribution is not None


def test_reap_says_in_its_own_file_what_it_calls_things_and_that_its_layers_are_a_stack() -> None:
    assert REAP.layers_sequenced is True
    assert REAP.wording.intent == "Transformation intent"
    assert REAP.wording.assessment == "Customer capability assessment"
    assert REAP.wording.statements_heading == "What good looks like"
