"""The permission table, cell by cell: every role (and a participant) against every action."""

from __future__ import annotations

import pytest

from app.domain.policy import EVERYONE, PARTICIPANT, Action, Role, can

A, C, V, P = Role.ADMIN, Role.CONSULTANT, Role.VIEWER, PARTICIPANT
# Written out again here, by hand: a change to the policy has to be made twice, on purpose.
EXPECTED = {
    Action.READ_ASSESSMENTS: {A, C, V},
    Action.EXPORT_ANSWERS: {A, C},
    Action.SEE_ANSWERS_IN_PROGRESS: {A, C},
    Action.MANAGE_OWN_TOKENS: {A, C, V},
    Action.CREATE_ORGANISATIONS: {A, C},
    Action.MANAGE_MEMBERS: {A, C},
    Action.READ_AUDIT_LOG: {A, C},
    Action.MANAGE_ASSESSMENTS: {A, C},
    Action.EDIT_ASSESSMENTS: {A, C},
    Action.MANAGE_ORGANISATIONS: {A, C},
    Action.MANAGE_PARTICIPANTS: {A, C},
    Action.REMIND_PARTICIPANTS: {A, C},
    Action.REMOVE_PARTICIPANTS: {A, C},
    Action.EDIT_ROADMAP: {A, C},
    Action.RUN_WORKSHOPS: {A, C},
    Action.WRITE_NARRATIVE: {A, C},
    Action.SET_CLIENT_LOGO: {A, C},
    Action.UPLOAD_FRAMEWORKS: {A, C},
    Action.UPGRADE_ASSESSMENTS: {A, C},
    Action.RETIRE_FRAMEWORK_VERSIONS: {A},
    Action.BRAND_INSTANCE: {A},
    Action.SEE_EVERY_ORGANISATION: {A},
    Action.ADMINISTER: {A},
    Action.ANSWER: {P},
    Action.VOTE: {P},
}
CELLS = [(who, action) for action in Action for who in EVERYONE]


def test_the_expected_table_covers_every_action() -> None:
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize(("who", "action"), CELLS, ids=[f"{w}-{a.name}" for w, a in CELLS])
def test_each_role_may_take_exactly_the_actions_of_the_table(who: str, action: Action) -> None:
    assert can(who, action) is (who in EXPECTED[action])


def test_an_unknown_role_may_do_nothing() -> None:
    assert not any(can("guest", action) for action in Action)


def test_an_action_that_is_not_in_the_table_is_an_error() -> None:
    with pytest.raises(TypeError):
        can(Role.ADMIN, "administer")  # type: ignore[arg-type]
