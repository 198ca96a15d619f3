"""The workshop's rules, written out as tables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.agreed import (
    Agreed,
    Decided,
    agreed_levels,
    baseline,
    compare,
    parked,
    with_workshop,
)
from app.domain.answering import AnswerChoice
from app.domain.levels import AnswerLevels, Option
from app.domain.loading import load_framework
from app.domain.roadmap import build_roadmap
from app.domain.scoring import Response, score_assessment
from app.domain.workshop import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    OTHER_GROUPS,
    Decision,
    ItemState,
    ItemStatus,
    Outcome,
    Vote,
    WorkshopRefused,
    check_vote,
    checked_agenda,
    checked_decision,
    decided,
    locked,
    moved,
    new_join_code,
    normalised_join_code,
    opened,
    revealed,
    revoted,
    shown_groups,
    shown_join_code,
    suggest_agenda,
    summarise,
)
from tests.conftest import DATA, MINI_FRAMEWORK

LIBRARY = DATA / "library-1.0.yaml"

SCALE = AnswerLevels("scale", "Scale", tuple(Option(v, v, f"L{v}", "d") for v in range(4)))
# An answer set: stored as positions 0-3, scored as these values.
COVERAGE = AnswerLevels(
    "coverage",
    "Coverage",
    tuple(Option(i, v, f"C{i}", None) for i, v in enumerate((0, 0.25, 0.5, 1))),
)
W, V, L, R = ItemStatus.WAITING, ItemStatus.VOTING, ItemStatus.LOCKED, ItemStatus.REVEALED


@pytest.mark.parametrize(
    ("step", "before", "after"),
    [
        (opened, ItemState(W, 0), ItemState(V, 1)),
        (opened, ItemState(R, 2), ItemState(R, 2)),  # going back shows it as it was
        (locked, ItemState(V, 1), ItemState(L, 1)),
        (revealed, ItemState(V, 1), ItemState(R, 1)),  # reveal locks the round too
        (revealed, ItemState(L, 1), ItemState(R, 1)),
        (revoted, ItemState(R, 1, Outcome.PARKED), ItemState(V, 2)),
    ],
)
def test_item_steps(step, before: ItemState, after: ItemState) -> None:
    assert step(before) == after


@pytest.mark.parametrize(
    ("step", "before"),
    [
        (locked, ItemState(W, 0)),
        (locked, ItemState(R, 1)),
        (revealed, ItemState(W, 0)),
        (revealed, ItemState(R, 1)),
        (revoted, ItemState(V, 1)),
        (revoted, ItemState(L, 1)),
    ],
)
def test_steps_out_of_order_are_refused(step, before: ItemState) -> None:
    with pytest.raises(WorkshopRefused) as refused:
        step(before)
    assert refused.value.field == "item"


@pytest.mark.parametrize("status", [W, L, R])
def test_a_vote_counts_only_while_voting(status: ItemStatus) -> None:
    with pytest.raises(WorkshopRefused, match="item"):
        check_vote(ItemState(status, 1), SCALE, 1, 2)


@pytest.mark.parametrize(
    ("current", "target", "field"),
    [(None, 2, "current"), (1, None, "target"), (4, 2, "current"), (1, -1, "target")],
)
def test_a_vote_needs_two_levels_on_the_scale(current, target, field: str) -> None:
    with pytest.raises(WorkshopRefused) as refused:
        check_vote(ItemState(V, 1), SCALE, current, target)
    assert refused.value.field == field


def test_agreeing_needs_the_reveal_first() -> None:
    with pytest.raises(WorkshopRefused, match="reveal"):
        decided(ItemState(V, 1), Outcome.AGREED)
    assert decided(ItemState(R, 1), Outcome.AGREED) == ItemState(R, 1, Outcome.AGREED)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        (Decision(Outcome.AGREED, 1, 3, "  said so  "), Decision(Outcome.AGREED, 1, 3, "said so")),
        (Decision(Outcome.PARKED, 1, 3, "split"), Decision(Outcome.PARKED, None, None, "split")),
        (Decision(Outcome.AGREED, 0, 0), Decision(Outcome.AGREED, 0, 0)),
    ],
)
def test_checked_decision(sent: Decision, stored: Decision) -> None:
    assert checked_decision(SCALE, sent) == stored


@pytest.mark.parametrize(
    ("sent", "field"),
    [
        (Decision(Outcome.AGREED, None, 3), "current"),
        (Decision(Outcome.AGREED, 1, 9), "target"),
        (Decision(Outcome.NONE), "outcome"),
        (Decision(Outcome.PARKED, rationale="x" * 2001), "rationale"),
    ],
)
def test_refused_decisions_name_the_field(sent: Decision, field: str) -> None:
    with pytest.raises(WorkshopRefused) as refused:
        checked_decision(SCALE, sent)
    assert refused.value.field == field


def test_summary_counts_levels_and_never_names() -> None:
    votes = [Vote(1, 3, "A"), Vote(1, 2, "B"), Vote(3, 3, "A")]

    summary = summarise(SCALE, votes)

    assert summary.n == 3
    assert summary.current_counts == (0, 2, 0, 1)
    assert summary.target_counts == (0, 0, 1, 2)
    assert summary.current_mean == pytest.approx(5 / 3)
    assert summary.target_mean == pytest.approx(8 / 3)
    assert summary.current_range == (1, 3)
    assert summary.current_stdev == pytest.approx(0.9428, abs=1e-4)
    assert summary.groups == ()


@pytest.mark.parametrize(
    ("groups", "threshold", "shown"),
    [
        # big enough groups keep their names
        (["A"] * 3 + ["B"] * 3, 3, {"A": "A", "B": "B"}),
        # small groups pool as "Other groups" when the pool is big enough
        (
            ["A"] * 3 + ["B", "C", ""],
            3,
            {"A": "A", "B": OTHER_GROUPS, "C": OTHER_GROUPS, "": OTHER_GROUPS},
        ),
        # a pool of one or two would single them out: nobody is coloured
        (["A"] * 5 + ["B"] * 4 + ["C"], 3, {"A": "", "B": "", "C": ""}),
        # one colour for everyone tells nothing
        (["A"] * 6, 3, {"A": ""}),
        (["A"] * 2 + ["B"] * 2, 2, {"A": "A", "B": "B"}),
        ([], 3, {}),
    ],
)
def test_shown_groups(groups: list[str], threshold: int, shown: dict[str, str]) -> None:
    assert shown_groups(groups, threshold) == shown


@given(st.lists(st.sampled_from(["A", "B", "C", "D", ""]), max_size=30), st.integers(1, 6))
def test_no_shown_group_has_fewer_voters_than_the_threshold(groups, threshold: int) -> None:
    shown = shown_groups(groups, threshold)
    sizes: dict[str, int] = {}
    for group in groups:
        if shown[group]:
            sizes[shown[group]] = sizes.get(shown[group], 0) + 1
    assert all(size >= threshold for size in sizes.values())
    uncoloured = sum(1 for g in groups if not shown[g])
    assert uncoloured in (0, len(groups)), "a few uncoloured voters among coloured ones"


def test_summary_splits_by_shown_group() -> None:
    votes = [Vote(1, 3, "A"), Vote(2, 3, "A"), Vote(1, 2, "B"), Vote(0, 1, "C")]
    labels = {"A": "A", "B": OTHER_GROUPS, "C": OTHER_GROUPS}

    summary = summarise(SCALE, votes, labels)

    assert summary.groups == (
        ("A", (0, 1, 1, 0), (0, 0, 0, 2)),
        (OTHER_GROUPS, (1, 1, 0, 0), (0, 1, 1, 0)),
    )


def test_suggested_agenda_puts_the_widest_spread_first() -> None:
    framework = load_framework(MINI_FRAMEWORK)
    ratings = {  # criterion: today's levels of three people
        "data-one-view": (0, 3, 3),  # sd 1.41
        "data-quality": (1, 2, 2),  # sd 0.47
        "growth-offers": (0, 1, 3),  # sd 1.25
    }
    responses = [
        Response(p, "", {c: AnswerChoice(c, levels[p], 3) for c, levels in ratings.items()})
        for p in range(3)
    ]

    agenda = suggest_agenda(score_assessment(framework, responses), 8)

    assert agenda == ["data-one-view", "growth-offers", "data-quality"]
    assert suggest_agenda(score_assessment(framework, responses[:1]), 8) == []


def test_checked_agenda_keeps_order_and_drops_repeats() -> None:
    assert checked_agenda(["b", "a", "b"], {"a", "b"}) == ["b", "a"]
    with pytest.raises(WorkshopRefused, match="'x' is not a criterion"):
        checked_agenda(["a", "x"], {"a"})
    with pytest.raises(WorkshopRefused, match="at least one"):
        checked_agenda([], {"a"})


@pytest.mark.parametrize(
    ("item", "step", "order"),
    [(2, -1, [2, 1, 3]), (2, 1, [1, 3, 2]), (1, -1, [1, 2, 3]), (3, 5, [1, 2, 3])],
)
def test_moved(item: int, step: int, order: list[int]) -> None:
    assert moved([1, 2, 3], item, step) == order


def test_join_codes_are_short_unambiguous_and_typed_back_loosely() -> None:
    code = new_join_code()

    assert len(code) == JOIN_CODE_LENGTH and set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set("01OIL") & set(JOIN_CODE_ALPHABET)
    assert normalised_join_code(f" {shown_join_code(code).lower()} ") == code
    assert len({new_join_code() for _ in range(200)}) == 200


# The agreed baseline (app/domain/agreed.py), on the mini framework (scale 0-3) -------------


def _mini_results():
    framework = load_framework(MINI_FRAMEWORK)
    answers = {  # two people: (current, target) per criterion
        "data-one-view": ((1, 3), (3, 3)),  # mean 2 -> 3
        "data-quality": ((2, 3), (0, 1)),  # mean 1 -> 2, weight 2
        "growth-offers": ((1, 2), (1, 2)),
    }
    responses = [
        Response(p, "", {c: AnswerChoice(c, *levels[p]) for c, levels in answers.items()})
        for p in range(2)
    ]
    return score_assessment(framework, responses)


def test_the_baseline_takes_agreed_levels_and_keeps_the_weights() -> None:
    individual = _mini_results()
    agreed = {"data-quality": Agreed(2, 3)}

    result = baseline(individual, agreed, load_framework(MINI_FRAMEWORK))
    rows = compare(individual, result, agreed)

    data = next(a for a in result.areas() if a.area_id == "data")
    assert (data.score.current, data.score.target) == pytest.approx((2.0, 3.0))  # (2+2*2)/3
    assert individual.layers[0].areas[0].score.current == pytest.approx(4 / 3)  # untouched
    assert [r.id for r in rows.criteria] == ["data-quality"]
    assert rows.criteria[0].difference_current == pytest.approx(1.0)
    area = next(r for r in rows.areas if r.id == "data")
    assert (area.agreed, area.criteria) == (1, 2)
    assert area.difference_current == pytest.approx(2 - 4 / 3)
    assert rows.overall.difference_target == pytest.approx(
        result.overall.target - individual.overall.target
    )


def _decided(criterion: str, outcome: Outcome, levels=(None, None), notes: str = "") -> Decided:
    return Decided(criterion, outcome, *levels, "", notes, "W", "")


def test_a_later_decision_wins_and_parking_undoes_an_agreement() -> None:
    decided = [
        _decided("a", Outcome.AGREED, (1, 2)),
        _decided("b", Outcome.AGREED, (2, 3)),
        _decided("a", Outcome.PARKED),
        _decided("b", Outcome.AGREED, (3, 3)),
        _decided("c", Outcome.NONE, notes="only a note"),
    ]

    assert agreed_levels(decided) == {"b": Agreed(3, 3)}
    assert [d.criterion_id for d in parked(decided)] == ["a"]


def test_the_roadmap_picks_up_notes_and_parked_criteria() -> None:
    results = _mini_results()
    drafted = build_roadmap(results, framework=load_framework(MINI_FRAMEWORK))
    decided = [
        _decided("data-quality", Outcome.AGREED, (1, 2), notes="Name a data owner."),
        _decided("growth-offers", Outcome.PARKED, notes="Ask sales for evidence."),
    ]

    planned = with_workshop(drafted, decided, results)

    first = planned[0]
    assert first.title == "Settle where Growth stands" and first.horizon == 0
    assert "Offers fit the customer." in first.reason and "Ask sales for evidence." in first.reason
    data = next(i for i in planned if i.area_id == "data")
    assert data.reason.endswith("Workshop notes: Name a data owner.")
    assert len(planned) == len(drafted) + 1


def test_on_an_answer_set_votes_are_positions_and_the_figures_their_values() -> None:
    votes = [Vote(0, 3), Vote(2, 3), Vote(3, 3)]  # today: 0, 0.5 and 1; target: 1 each

    summary = summarise(COVERAGE, votes)

    assert summary.current_counts == (1, 0, 1, 1) and summary.target_counts == (0, 0, 0, 3)
    assert summary.current_mean == pytest.approx(0.5) and summary.target_mean == 1
    assert summary.current_range == (0, 1)
    check_vote(ItemState(V, 1), COVERAGE, 3, 3)
    with pytest.raises(WorkshopRefused, match="must be one of 0, 1, 2, 3, not 4"):
        check_vote(ItemState(V, 1), COVERAGE, 1, 4)  # there is no fifth answer


def test_an_agreed_answer_on_an_answer_set_is_scored_at_its_value() -> None:
    library = load_framework(LIBRARY)
    criterion = "stock-catalogue"  # coverage: 0, 0.25, 0.5, 1
    answers = {criterion: AnswerChoice(criterion, 1, 2)}  # 0.25 -> 0.5
    individual = score_assessment(library, [Response(1, "", answers)])

    agreed = baseline(individual, {criterion: Agreed(2, 3)}, library)  # 0.5 -> 1

    (row,) = compare(individual, agreed, {criterion: Agreed(2, 3)}).criteria
    assert (row.baseline.current, row.baseline.target) == (0.5, 1)
    assert (row.baseline.current_percent, row.baseline.target_percent) == (50, 100)
    assert row.difference_current == pytest.approx(0.25)
    assert row.difference_target_points == pytest.approx(50)
