"""What a participant may answer and how progress is counted, on the mini framework (0-3)."""

from __future__ import annotations

import pytest
import yaml

from app.domain.answering import (
    AnswerChoice,
    AnswerRefused,
    checked_answer,
    estimated_minutes,
    progress,
    unanswered,
)
from app.domain.framework import Framework
from app.domain.loading import load_framework, parse_framework
from tests.conftest import MINI_FRAMEWORK, QUESTIONNAIRES


@pytest.fixture(scope="module")
def mini() -> Framework:
    return load_framework(MINI_FRAMEWORK)


@pytest.mark.parametrize(
    ("choice", "stored"),
    [
        (AnswerChoice("data-quality", 0, 3), AnswerChoice("data-quality", 0, 3)),
        (AnswerChoice("data-quality", 2, None), AnswerChoice("data-quality", 2, None)),
        (
            AnswerChoice("data-quality", 1, 2, dont_know=True, comment=" why "),
            AnswerChoice("data-quality", dont_know=True, comment="why"),
        ),
        (AnswerChoice("data-quality", 3, 1), AnswerChoice("data-quality", 3, 1)),
    ],
)
def test_checked_answer_keeps_what_is_allowed(
    mini: Framework, choice: AnswerChoice, stored: AnswerChoice
) -> None:
    assert checked_answer(mini, choice) == stored


@pytest.mark.parametrize(
    ("choice", "field", "message"),
    [
        (AnswerChoice("data-quality", 4, 3), "current", "must be one of 0, 1, 2 or 3, not 4"),
        (AnswerChoice("data-quality", 1, -1), "target", "must be one of 0, 1, 2 or 3, not -1"),
        (AnswerChoice("nope", 1, 1), "criterion_id", "'nope' is not a criterion of this"),
        (AnswerChoice("data-quality", comment="x" * 4001), "comment", "at most 4000 characters"),
    ],
)
def test_checked_answer_refuses_and_names_the_field(
    mini: Framework, choice: AnswerChoice, field: str, message: str
) -> None:
    with pytest.raises(AnswerRefused) as refused:
        checked_answer(mini, choice)

    assert refused.value.field == field
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("choice", "complete", "below"),
    [
        (AnswerChoice("c", 1, 2), True, False),
        (AnswerChoice("c", 2, 1), True, True),
        (AnswerChoice("c", 1, None), False, False),
        (AnswerChoice("c", dont_know=True), True, False),
        (AnswerChoice("c", comment="only a comment"), False, False),
    ],
)
def test_complete_means_both_levels_or_dont_know(
    choice: AnswerChoice, complete: bool, below: bool
) -> None:
    assert (choice.is_complete, choice.target_below_current) == (complete, below)


def test_progress_counts_complete_answers_per_area(mini: Framework) -> None:
    answers = [
        AnswerChoice("data-one-view", 1, 2),
        AnswerChoice("data-quality", 1, None),  # half an answer does not count
        AnswerChoice("growth-offers", dont_know=True),
        AnswerChoice("dropped-in-a-newer-version", 1, 2),  # not in this framework: not counted
    ]

    result = progress(mini, answers)

    assert [(a.area.id, a.answered, a.total) for a in result.areas] == [
        ("data", 1, 2),
        ("growth", 1, 1),
    ]
    assert (result.answered, result.total) == (2, 3)
    assert result.first_unfinished_area().id == "data"
    assert result.area_after("data").id == "growth"  # type: ignore[union-attr]
    assert result.area_after("growth") is None


def test_progress_counts_sub_components_criteria_in_their_area() -> None:
    shipped = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")
    everything = [AnswerChoice(c.id, 1, 2) for c in shipped.criteria()]

    result = progress(shipped, everything)

    assert [(a.area.id, a.answered) for a in result.areas] == [
        (area.id, sum(1 for _ in area.all_criteria())) for area in shipped.areas()
    ]
    assert any(area.sub_components for area in shipped.areas())  # REAP's Execution has them
    assert result.answered == result.total == shipped.criterion_count


def test_unanswered_lists_missing_criteria_by_area(mini: Framework) -> None:
    answers = {"data-one-view": AnswerChoice("data-one-view", 1, 2)}

    assert unanswered(mini, answers) == {"data": ["data-quality"], "growth": ["growth-offers"]}


def test_time_estimate_rounds_up_to_five_minutes(mini: Framework) -> None:
    shipped = load_framework(QUESTIONNAIRES / "reap-blueprint.yaml")

    assert estimated_minutes(mini) == 5  # 3 criteria: 1.5 minutes, but never less than 5
    assert shipped.criterion_count == 106
    assert estimated_minutes(shipped) == 55  # 106 criteria x 30 s = 53 minutes


# Today's rules, one table each, so that changing a rule fails a test that names it.


def _framework_with(criteria: int) -> Framework:
    """The mini framework's scale with one layer, one area and `criteria` criteria."""
    data = yaml.safe_load(MINI_FRAMEWORK.read_text())
    area = {"id": "all", "title": "All", "intent": "Everything."}
    area["criteria"] = [{"id": f"c-{n}", "text": f"Criterion {n}."} for n in range(criteria)]
    data["layers"] = [{"id": "only", "title": "Only", "areas": [area]}]
    return parse_framework(yaml.safe_dump(data))


@pytest.mark.parametrize(
    ("comment", "stored"),
    [
        ("x" * 4000, "x" * 4000),  # exactly the limit is kept
        ("  " + "x" * 4000 + "\n", "x" * 4000),  # counted after trimming the ends
        ("é" * 4000, "é" * 4000),  # characters, not bytes
        ("  evidence  ", "evidence"),
    ],
)
def test_comment_of_up_to_4000_characters_is_kept_with_the_levels(
    mini: Framework, comment: str, stored: str
) -> None:
    choice = AnswerChoice("data-quality", 1, 2, comment=comment)

    assert checked_answer(mini, choice) == AnswerChoice("data-quality", 1, 2, comment=stored)


@pytest.mark.parametrize("comment", ["x" * 4001, "é" * 4001, " " + "x" * 4001])
def test_comment_of_4001_characters_is_refused_with_a_message_naming_the_field(
    mini: Framework, comment: str
) -> None:
    with pytest.raises(AnswerRefused) as refused:
        checked_answer(mini, AnswerChoice("data-quality", 1, 2, comment=comment))

    assert str(refused.value) == "comment: at most 4000 characters"


@pytest.mark.parametrize(
    ("answered", "resume_at"),
    [
        ([], "data"),
        (["data-quality"], "data"),  # data still has one left
        (["data-one-view", "data-quality"], "growth"),  # data done: pick up at growth
        (["growth-offers"], "data"),
        (["data-one-view", "data-quality", "growth-offers"], "data"),  # all done: the first area
    ],
)
def test_resume_where_you_left_off_is_the_first_unfinished_area(
    mini: Framework, answered: list[str], resume_at: str
) -> None:
    answers = [AnswerChoice(criterion_id, 1, 2) for criterion_id in answered]

    assert progress(mini, answers).first_unfinished_area().id == resume_at


def test_progress_names_each_area_with_its_layer(mini: Framework) -> None:
    result = progress(mini, [AnswerChoice("growth-offers", 0, 3)])

    assert [(a.layer.id, a.area.id) for a in result.areas] == [("base", "data"), ("top", "growth")]
    assert (result.of_area("growth").answered, result.of_area("growth").total) == (1, 1)
    assert (result.of_area("data").answered, result.of_area("data").total) == (0, 2)


@pytest.mark.parametrize(
    ("criteria", "minutes"),
    [
        (1, 5),  # 30 s, but never less than 5 minutes
        (10, 5),  # 5 minutes exactly
        (11, 10),  # 5.5 minutes, rounded up to the next five
        (20, 10),
        (61, 35),  # 30.5 minutes
        (98, 50),  # 49 minutes
        (106, 55),  # the REAP blueprint 2.0: 53 minutes
    ],
)
def test_time_estimate_is_30_seconds_a_criterion_rounded_up_to_five_minutes(
    criteria: int, minutes: int
) -> None:
    framework = _framework_with(criteria)

    assert framework.criterion_count == criteria
    assert estimated_minutes(framework) == minutes
