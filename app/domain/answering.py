"""What a participant may answer, and how far through the questionnaire they are.

An answer to a criterion is *complete* when it has both a current and a target level, says
"don't know", or says "not applicable" with a short reason. Half an answer (only today or
only a target) is kept, counted on the results as half answered, but neither scored nor
counted as answered: the participant sees the criterion as still to do.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from app.domain.framework import Area, Framework, Layer
from app.domain.text import MAX_LONG_TEXT, TextRefused, checked_text

MAX_COMMENT_LENGTH = MAX_LONG_TEXT
MAX_REASON_LENGTH = 200  # why a criterion does not apply: a short phrase
SECONDS_PER_CRITERION = 30  # reading, choosing two levels, and now and then a comment


@dataclass(frozen=True)
class AnswerChoice:
    """One participant's view of one criterion, as they gave it."""

    criterion_id: str
    current: int | None = None
    target: int | None = None
    dont_know: bool = False
    comment: str = ""
    not_applicable: bool = False
    reason: str = ""  # why it does not apply; only with not_applicable

    @property
    def is_complete(self) -> bool:
        return (
            self.dont_know
            or self.not_applicable
            or (self.current is not None and self.target is not None)
        )

    @property
    def is_scored(self) -> bool:
        """Both levels given, and neither don't know nor not applicable: what scores count."""
        return (
            not self.dont_know
            and not self.not_applicable
            and self.current is not None
            and self.target is not None
        )

    @property
    def is_empty(self) -> bool:
        return (
            not self.dont_know
            and not self.not_applicable
            and self.current is None
            and self.target is None
            and not (self.comment)
        )

    @property
    def target_below_current(self) -> bool:
        """Allowed (a deliberate step back), but worth a second look."""
        return self.current is not None and self.target is not None and self.target < self.current


class AnswerRefused(ValueError):
    """An answer the framework does not allow; `field` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def checked_answer(framework: Framework, choice: AnswerChoice) -> AnswerChoice:
    """The answer as it will be stored, or AnswerRefused. "Don't know" clears both levels.

    Levels are codes: the level's value on the scale, the answer's position in an answer set.
    """
    criterion = framework.criteria_by_id.get(choice.criterion_id)
    if criterion is None:
        raise AnswerRefused(
            "criterion_id", f"'{choice.criterion_id}' is not a criterion of this questionnaire"
        )
    allowed = framework.levels_of(criterion).codes
    for field, level in (("current", choice.current), ("target", choice.target)):
        if level is not None and level not in allowed:
            raise AnswerRefused(field, f"must be one of {_listed(allowed)}, not {level}")
    try:
        comment = checked_text(choice.comment, max_length=MAX_COMMENT_LENGTH, one_line=False)
    except TextRefused as refused:
        raise AnswerRefused("comment", str(refused)) from None
    if choice.not_applicable:
        return _not_applicable(choice, comment)
    if choice.dont_know:
        return AnswerChoice(choice.criterion_id, dont_know=True, comment=comment)
    return AnswerChoice(choice.criterion_id, choice.current, choice.target, comment=comment)


REASON_NEEDED = (
    f"say in a few words why it does not apply here (1 to {MAX_REASON_LENGTH} characters)"
)


def _not_applicable(choice: AnswerChoice, comment: str) -> AnswerChoice:
    """Not applicable clears both levels; it needs a short reason and excludes don't know."""
    if choice.dont_know:
        raise AnswerRefused("not_applicable", "choose don't know or not applicable, not both")
    try:
        reason = " ".join(
            checked_text(choice.reason, max_length=MAX_REASON_LENGTH, one_line=True).split()
        )
    except TextRefused:
        raise AnswerRefused("reason", REASON_NEEDED) from None
    if not reason:
        raise AnswerRefused("reason", REASON_NEEDED)
    return AnswerChoice(choice.criterion_id, comment=comment, not_applicable=True, reason=reason)


def _listed(values: tuple[int, ...]) -> str:
    return ", ".join(str(v) for v in values[:-1]) + f" or {values[-1]}"


@dataclass(frozen=True)
class AreaProgress:
    layer: Layer
    area: Area
    answered: int
    total: int

    @property
    def is_complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class Progress:
    areas: tuple[AreaProgress, ...]

    @property
    def answered(self) -> int:
        return sum(a.answered for a in self.areas)

    @property
    def total(self) -> int:
        return sum(a.total for a in self.areas)

    def of_area(self, area_id: str) -> AreaProgress:
        return next(a for a in self.areas if a.area.id == area_id)

    def first_unfinished_area(self) -> Area:
        """Where a returning participant picks up: the first incomplete area, else the first."""
        unfinished = [a.area for a in self.areas if not a.is_complete]
        return (unfinished or [self.areas[0].area])[0]

    def area_after(self, area_id: str) -> Area | None:
        ids = [a.area.id for a in self.areas]
        index = ids.index(area_id) + 1
        return self.areas[index].area if index < len(ids) else None


def progress(framework: Framework, answers: Iterable[AnswerChoice]) -> Progress:
    """Answered and total criteria per area, in the framework's order."""
    return progress_of_complete(framework, {a.criterion_id for a in answers if a.is_complete})


def progress_of_complete(framework: Framework, complete: Collection[str]) -> Progress:
    """The same, from the ids of the criteria answered completely (ids the framework does not
    have, such as answers kept from an older version, count for nothing)."""
    area_of = framework.area_of_criterion
    answered = Counter(area_of[c] for c in complete if c in area_of)
    totals = framework.criteria_per_area
    return Progress(
        tuple(
            AreaProgress(layer=layer, area=area, answered=answered[area.id], total=totals[area.id])
            for layer in framework.layers
            for area in layer.areas
        )
    )


def unanswered(framework: Framework, answers: Mapping[str, AnswerChoice]) -> dict[str, list[str]]:
    """Criterion ids not yet answered, per area id (areas with none left are omitted)."""
    missing: dict[str, list[str]] = {}
    for area in framework.areas():
        ids = [c.id for c in area.all_criteria() if not _complete(answers.get(c.id))]
        if ids:
            missing[area.id] = ids
    return missing


def _complete(answer: AnswerChoice | None) -> bool:
    return answer is not None and answer.is_complete


def estimated_minutes(framework: Framework) -> int:
    """A rough time to allow, rounded up to five minutes."""
    minutes = framework.criterion_count * SECONDS_PER_CRITERION / 60
    return max(5, math.ceil(minutes / 5) * 5)
