"""The shipped questionnaires are a contract: each loads; the REAP blueprint keeps its shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.loading import load_framework
from tests.conftest import QUESTIONNAIRES

FILES = sorted(QUESTIONNAIRES.glob("*.yaml"))
REAP = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_questionnaire_file_loads_and_keeps_its_id_as_file_name(path: Path) -> None:
    framework = load_framework(path)

    assert framework.id == path.stem
    assert framework.criterion_count > 0


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
