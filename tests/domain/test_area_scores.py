"""The heatmap's fast path: each participant's area scores in one pass over their answers must
equal what scoring that participant alone (`score_assessment`) gives, on any answers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.answering import AnswerChoice
from app.domain.framework import Framework
from app.domain.loading import load_framework
from app.domain.scoring import Response, area_scores_by_participant, score_assessment
from tests.conftest import DATA

# Mixed levels (scale and answer sets, sub-components) and weights (sub-components too).
FRAMEWORKS = [
    load_framework(DATA / "library-1.0.yaml"),
    load_framework(DATA / "mini-framework.yaml"),
]

# Codes a little outside every set of levels too: such an answer is stored but not scored.
CODE = st.one_of(st.none(), st.integers(min_value=-1, max_value=6))


@st.composite
def assessments(draw: st.DrawFn) -> tuple[Framework, list[Response]]:
    framework = draw(st.sampled_from(FRAMEWORKS))
    people = []
    for pid in range(draw(st.integers(min_value=0, max_value=5))):
        answers = {}
        for criterion in framework.criteria():
            kind = draw(st.sampled_from(["skip", "levels", "dont know"]))
            if kind == "levels":
                answers[criterion.id] = AnswerChoice(criterion.id, draw(CODE), draw(CODE))
            elif kind == "dont know":
                answers[criterion.id] = AnswerChoice(criterion.id, dont_know=True)
        people.append(Response(pid, draw(st.sampled_from(["", "Leadership"])), answers))
    return framework, people


def _slow(framework: Framework, people: list[Response]) -> list[tuple[int, dict]]:
    """A full tree per participant, as the heatmap was drawn before."""
    columns = []
    for person in people:
        results = score_assessment(framework, [person])
        if results.participants:
            columns.append((person.participant_id, {a.area_id: a.score for a in results.areas()}))
    return columns


@settings(max_examples=300, deadline=None)
@given(assessments())
def test_area_scores_by_participant_equal_a_full_score_of_each(assessment) -> None:
    framework, people = assessment

    fast = area_scores_by_participant(framework, people)

    assert [(p.participant_id, p.areas) for p in fast] == _slow(framework, people)
    assert {p.participant_id: p.group for p in fast} == {
        r.participant_id: r.group
        for r in people
        if r.participant_id in {p.participant_id for p in fast}
    }
