"""What changed between two versions of a framework: tested on the library's 1.0 and 1.1."""

from __future__ import annotations

from app.domain.answering import AnswerChoice, AnswerRefused, checked_answer
from app.domain.loading import load_framework, parse_framework
from app.domain.versions import diff_frameworks
from tests.conftest import DATA

OLD = load_framework(DATA / "library-1.0.yaml")
NEW = load_framework(DATA / "library-1.1.yaml")


def ids(placed) -> list[str]:
    return [p.criterion.id for p in placed]


def test_added_removed_reworded_moved_and_levels_changed() -> None:
    diff = diff_frameworks(OLD, NEW)

    assert ids(diff.added) == ["partners-councils"]
    assert ids(diff.removed) == ["partners-health"]
    assert [c.new.criterion.id for c in diff.reworded] == ["events-adults"]
    assert [c.new.criterion.id for c in diff.moved] == ["online-help"]
    assert [c.new.criterion.id for c in diff.levels_changed] == ["buildings-access"]
    assert diff.moved[0].old.where == "Digital › Online"
    assert diff.moved[0].new.where == "Spaces › Buildings"
    assert diff.unchanged == 6  # weeding, catalogue, children, study, ebooks, schools
    assert diff.to_revisit == {"events-adults", "buildings-access"}
    assert diff.removed_ids == {"partners-health"}


def test_a_version_compared_with_itself_has_no_changes() -> None:
    diff = diff_frameworks(OLD, OLD)

    assert diff.is_empty and diff.unchanged == OLD.criterion_count


def test_reflowing_a_statements_whitespace_is_not_rewording() -> None:
    text = (DATA / "library-1.0.yaml").read_text()
    reflowed = text.replace(
        "text: Every branch has step-free access to all public floors.",
        "text: >-\n              Every branch has step-free\n"
        "              access to all public floors.",
    )

    assert diff_frameworks(OLD, parse_framework(reflowed)).is_empty


def test_answers_on_an_answer_set_are_its_positions() -> None:
    stored = checked_answer(OLD, AnswerChoice("stock-catalogue", 1, 3))

    assert (stored.current, stored.target) == (1, 3)
    for bad in (4, 5, -1):
        try:
            checked_answer(OLD, AnswerChoice("stock-catalogue", bad, 0))
        except AnswerRefused as refused:
            assert refused.field == "current"
            assert refused.message == f"must be one of 0, 1, 2 or 3, not {bad}"
        else:
            raise AssertionError(f"{bad} was accepted")


def test_a_scale_from_one_refuses_zero() -> None:
    try:
        checked_answer(OLD, AnswerChoice("stock-weeding", 0, 5))
    except AnswerRefused as refused:
        assert str(refused) == "current: must be one of 1, 2, 3, 4 or 5, not 0"
    else:
        raise AssertionError("0 was accepted on a 1-5 scale")
