"""Level anchors, quality lists, hints, evidence prompts and actions: what the loader accepts,
what it refuses (with the place in the file), and what older files keep."""

from __future__ import annotations

import pytest
import yaml

from app.domain.framework import Criterion
from app.domain.loading import (
    FrameworkFileError,
    completeness_problems,
    content_hash,
    load_framework,
    parse_framework,
)
from tests.conftest import MINI_FRAMEWORK, QUESTIONNAIRES

# The hash of version 1.0 as it shipped (and as exports of its assessments carry it). If it
# changes, those exports no longer import and a re-loaded 1.0 becomes a second snapshot.
REAP_1_0_HASH = "1af4a735e41165e379b4559b820a26f11e555dc1f4656f0df8d1cbdddd552a89"
MINI_HASH = "12c5acd91445866bd2ac8441edf18350bb29e1ea8431257faf649372136ae471"

HELPED = {
    "anchors": {0: "Nobody does it.", 1: "A few do it.", 2: "Most teams do it."},
    "quality": ["It is written down.", "It is followed."],
    "hint": "Think of the last time you did it.",
    "evidence": ["Ask for the document.", "Watch it being done."],
    "action": "Write it down and agree it.",
}


def mini_with(**fields: object) -> dict:
    data = yaml.safe_load(MINI_FRAMEWORK.read_text())
    data["layers"][0]["areas"][0]["criteria"][0].update(fields)
    return data


def problems_of(data: dict) -> list[str]:
    """Every problem as `file: path: message` (the line is checked in test_framework_format)."""
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework(yaml.safe_dump(data), "mine.yaml")
    return [f"{p.file}: {p.path}: {p.message}" for p in caught.value.problems]


def first_criterion(data: dict) -> Criterion:
    return next(parse_framework(yaml.safe_dump(data)).criteria())


def test_a_criterion_with_every_help_field_loads() -> None:
    criterion = first_criterion(mini_with(**HELPED))

    assert criterion.anchor(2) == "Most teams do it."
    assert criterion.anchor(3) is None  # mini's wgll_level: the statement itself
    assert criterion.quality == ("It is written down.", "It is followed.")
    assert criterion.evidence_prompts == ("Ask for the document.", "Watch it being done.")


def test_an_older_file_keeps_its_guidance_as_the_one_evidence_prompt() -> None:
    criterion = first_criterion(mini_with(guidance="Look at the minutes."))

    assert criterion.evidence_prompts == ("Look at the minutes.",)
    assert criterion.hint is None and criterion.anchors is None


def test_files_without_the_new_fields_keep_their_content_hash() -> None:
    """Exports carry the hash; the new optional fields must not change it while unset."""
    assert content_hash(load_framework(MINI_FRAMEWORK)) == MINI_HASH
    assert content_hash(load_framework(QUESTIONNAIRES / "reap-blueprint-1.0.yaml")) == REAP_1_0_HASH


def test_the_help_fields_are_part_of_the_content_hash() -> None:
    plain = parse_framework(yaml.safe_dump(mini_with()))
    helped = parse_framework(yaml.safe_dump(mini_with(**HELPED)))
    reworded = parse_framework(yaml.safe_dump(mini_with(**{**HELPED, "action": "Do it."})))

    assert len({content_hash(plain), content_hash(helped), content_hash(reworded)}) == 3


AT = "mine.yaml: layers[0].areas[0].criteria[0]"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"anchors": {1: "A few do it.", 2: "Most do it."}},
            f"{AT}.anchors: describe at least 3 levels (found 1, 2)",
        ),
        (
            {"anchors": {0: "None.", 1: "A few.", 2: "Most.", 3: "All."}},
            f"{AT}.anchors[3]: leave level 3 out: the statement as written describes it "
            "(scale.wgll_level)",
        ),
        (
            {"anchors": {"one": "A few do it."}},
            f"{AT}.anchors.one: not a level: use one of the level values",
        ),
        ({"anchors": {1: "  "}}, f"{AT}.anchors[1]: must not be empty"),
        ({"quality": ["Only one condition."]}, f"{AT}.quality: must list at least 2 item(s)"),
        ({"evidence": []}, f"{AT}.evidence: must list at least 1 item(s)"),
        (
            {"hint": "Think of the last time. Then think again."},
            f"{AT}.hint: keep the hint to one sentence: a participant has about 30 seconds",
        ),
        ({"hint": "x" * 201}, f"{AT}.hint: too long: at most 200 characters"),
        ({"action": "   "}, f"{AT}.action: must not be empty"),
        (
            {"guidance": "Look at the minutes.", "evidence": ["Ask for the minutes."]},
            f"{AT}.guidance: give evidence or guidance (its older name), not both",
        ),
        ({"hints": "Typo in the field name."}, f"{AT}.hints: unknown field"),
    ],
)
def test_unusable_help_is_refused_with_its_place(fields: dict, expected: str) -> None:
    assert problems_of(mini_with(**fields)) == [expected]


def test_a_scale_whose_top_is_above_the_wgll_level_needs_an_anchor_for_the_top() -> None:
    data = mini_with(anchors={0: "None.", 1: "A few.", 2: "Most."})
    data["scale"]["levels"].append({"value": 4, "label": "Leading", "description": "Beyond."})

    assert problems_of(data) == [
        f"{AT}.anchors: describe the top level 4 too: it is the one most misread"
    ]


def test_completeness_names_each_criterion_missing_anchors_hint_or_action() -> None:
    data = mini_with(**HELPED)
    data["layers"][0]["areas"][0]["criteria"][1].update(hint="Ask yourself.")

    problems = [str(p) for p in completeness_problems(parse_framework(yaml.safe_dump(data)), "m")]

    assert problems == [
        "m: layers[0].areas[0].criteria[1]: 'data-quality' has no anchors, action "
        "(--complete asks for all three)",
        "m: layers[1].areas[0].sub_components[0].criteria[0]: 'growth-offers' has no anchors, "
        "hint, action (--complete asks for all three)",
    ]
