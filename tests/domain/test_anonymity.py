"""The anonymity threshold k: which groups may be shown, pooled, or withheld."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.anonymity import (
    NO_GROUP,
    OTHER_GROUPS,
    THRESHOLD_PROBLEM,
    group_of,
    shown_groups,
    sizes_of,
    threshold_problem,
)
from app.domain.answering import AnswerChoice
from app.domain.evidence import counted
from app.domain.loading import load_framework
from app.domain.scoring import Response, score_assessment, segment, top_gaps, top_strengths
from tests.conftest import MINI_FRAMEWORK

MINI = load_framework(MINI_FRAMEWORK)


@pytest.mark.parametrize(
    ("groups", "threshold", "shown"),
    [
        # every group has k people: each shown under its own name
        (
            {"Leadership": 3, "Front line": 4},
            3,
            {"Leadership": "Leadership", "Front line": "Front line"},
        ),
        # two small groups pooled to 3 >= k: pooled as "Other groups"
        (
            {"Leadership": 3, "Sales": 1, "Service": 2},
            3,
            {"Leadership": "Leadership", "Sales": OTHER_GROUPS, "Service": OTHER_GROUPS},
        ),
        # one small group of 1: the pool (1) is below k, so every group is withheld
        ({"Leadership": 5, "Front line": 1}, 3, {}),
        # one person per group (the team of three): one pool, so nothing to compare
        (
            {"Leadership": 1, "Management": 1, "Front line": 1},
            3,
            {"Leadership": OTHER_GROUPS, "Management": OTHER_GROUPS, "Front line": OTHER_GROUPS},
        ),
        # a group where nobody scored is no group at all
        ({"Leadership": 3, "Front line": 0}, 3, {"Leadership": "Leadership"}),
        ({}, 3, {}),
    ],
)
def test_groups_are_shown_pooled_or_withheld(
    groups: dict[str, int], threshold: int, shown: dict[str, str]
) -> None:
    assert shown_groups(groups, threshold) == shown


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 6)), st.integers(2, 5))
def test_no_label_ever_stands_for_fewer_than_k_people(groups: dict[str, int], k: int) -> None:
    labels = shown_groups(groups, k)
    people: dict[str, int] = {}
    for group, label in labels.items():
        people[label] = people.get(label, 0) + groups[group]
    assert all(count >= k for count in people.values())
    assert not labels or sum(people.values()) == sum(groups.values())  # all or nothing


def test_a_participant_without_a_group_is_in_no_group() -> None:
    assert group_of("  ") == NO_GROUP
    assert sizes_of(["", "Sales", " ", "Sales"]) == {NO_GROUP: 2, "Sales": 2}


@pytest.mark.parametrize("value", ["2", "3", " 25 ", 7])
def test_thresholds_allowed(value: object) -> None:
    assert threshold_problem(value) == ""


@pytest.mark.parametrize("value", ["1", "0", "26", "-3", "2.5", "", "three", "03", "³", True, None])
def test_thresholds_refused_with_one_message(value: object) -> None:
    assert threshold_problem(value) == THRESHOLD_PROBLEM


def _person(pid: int, group: str) -> Response:
    return Response(pid, group, {"data-quality": AnswerChoice("data-quality", pid % 4, 3)})


def test_segments_with_one_person_per_group_show_nothing() -> None:
    segments = segment(MINI, [_person(1, "Leadership"), _person(2, "Management"), _person(3, "")])

    assert (segments.groups, segments.differences, segments.labels) == ({}, (), {})
    assert segments.withheld


def test_segments_pool_small_groups_and_count_no_group() -> None:
    people = [_person(i, "Leadership") for i in range(3)]
    people += [_person(10, "Sales"), _person(11, ""), _person(12, "")]

    segments = segment(MINI, people, threshold=3)

    assert list(segments.groups) == ["Leadership", OTHER_GROUPS]
    assert segments.sizes == {"Leadership": 3, OTHER_GROUPS: 3}
    assert segments.labels[NO_GROUP] == OTHER_GROUPS
    assert segments.groups[OTHER_GROUPS].participants == 3
    assert [d.area_id for d in segments.differences] == ["data"]


@pytest.mark.parametrize(
    ("submitted", "scored", "heading"),
    [
        (
            {1, 2, 3, 4, 5, 6, 7},
            set(range(1, 10)),
            "7 submitted of 9 invited; 2 in progress also counted",
        ),
        (set(), {1}, "0 submitted of 9 invited; 1 in progress also counted; 8 not started"),
        (set(range(1, 10)), set(range(1, 9)), "9 submitted of 9 invited"),  # 9: all don't know
    ],
)
def test_the_heading_says_exactly_who_is_counted(
    submitted: set[int], scored: set[int], heading: str
) -> None:
    assert counted(range(1, 10), submitted, scored).heading == heading


def test_the_worked_example_of_the_methodology() -> None:
    """docs/methodology.md, "Worked example: evidence, half answers and groups"."""
    from tests.domain.test_scoring import A, B, C

    results = score_assessment(MINI, [A, B, C])

    assert results.overall is not None and results.overall.n == 3
    assert results.overall.current == pytest.approx(7 / 6)
    assert results.overall.target == pytest.approx(29 / 12)
    layers = [layer.score for layer in results.layers]
    assert results.overall.current == pytest.approx(sum(s.current for s in layers) / 2)  # type: ignore[union-attr,misc]
    for k in (3, 2):
        assert segment(MINI, [A, B, C], threshold=k).groups == {}
    assert list(segment(MINI, [A, B, C], threshold=1).groups) == ["Front line", "Leadership"]
    alone = score_assessment(MINI, [A])
    assert (top_gaps(alone), top_strengths(alone)) == ([], [])
