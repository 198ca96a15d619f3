"""What a framework (questionnaire) is: a scale, answer sets, and layers of areas holding criteria.

Plain data, frozen once loaded. The YAML files in `questionnaires/` (and uploaded ones) are
validated against these models; see docs/questionnaire-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic_core import PydanticCustomError

from app.domain.levels import SCALE, AnswerLevels, Option
from app.domain.text import MAX_LONG_TEXT, TextRefused, checked_text

# A framework file is a door like any form: its text follows the one rule for text (NUL
# refused, control characters dropped), and numbers stay where scores and the database hold.
MAX_LEVEL_VALUE = 1000  # |value| of a level: far past any maturity scale, well inside INTEGER
MAX_WEIGHT = 1000.0


def _framework_text(max_length: int) -> AfterValidator:
    def clean(value: str) -> str:
        try:
            return checked_text(value, max_length=max_length, one_line=False, required=True)
        except TextRefused as refused:
            raise PydanticCustomError("text", str(refused)) from None

    return AfterValidator(clean)


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=80)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), _framework_text(MAX_LONG_TEXT)
]
Weight = Annotated[float, Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False)]
LevelValue = Annotated[int, Field(ge=-MAX_LEVEL_VALUE, le=MAX_LEVEL_VALUE)]
AnswerValue = Annotated[float, Field(ge=-MAX_LEVEL_VALUE, le=MAX_LEVEL_VALUE, allow_inf_nan=False)]
# blueprint: paraphrases a point of the published framework; derived: drafted by the file's
# authors from an area's described scope; quoted: the published text itself (see attribution).
Source = Literal["blueprint", "derived", "quoted"]
MAX_LAYERS = 8  # beyond eight, layer colours can no longer be told apart
Hint = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    _framework_text(200),
]
Action = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=400),
    _framework_text(400),
]


def added_later(default: Any = None, **constraints: Any) -> Any:
    """A field the format gained after files were written: optional, and left out of the dump
    while it holds its default, so a file without it keeps its content hash (and exports of it
    still import)."""
    return Field(default=default, exclude_if=lambda value: value == default, **constraints)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Level(_Frozen):
    """One maturity level of the framework's scale: its value, a short label, what you observe."""

    value: LevelValue
    label: Text
    description: Text


class Scale(_Frozen):
    levels: tuple[Level, ...] = Field(min_length=2)
    wgll_level: int | None = None

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.levels)

    @property
    def minimum(self) -> int:
        return self.levels[0].value

    @property
    def maximum(self) -> int:
        return self.levels[-1].value


class AnswerLevel(_Frozen):
    """One answer of an answer set: values need not be whole or evenly spaced (0, 0.25, 1)."""

    value: AnswerValue
    label: Text
    description: Text | None = None


class AnswerSet(_Frozen):
    """Named answers a criterion may use instead of the framework's scale."""

    title: Text | None = None
    levels: tuple[AnswerLevel, ...] = Field(min_length=2)


def _whole_keys(anchors: dict[float, str] | None) -> dict[float, str] | None:
    """Anchor keys 3 and 3.0 are the same level: store them one way, so hashes are stable."""
    if anchors is None:
        return None
    return {(int(k) if float(k).is_integer() else float(k)): v for k, v in anchors.items()}


class Criterion(_Frozen):
    """One statement scored for current and target, on the scale or on an answer set.

    The statement as written describes the scale's `wgll_level`; `anchors` say what the
    criterion looks like at other levels (keyed by the values of its own scale or answer set).
    `hint` is for the participant, `evidence` for the consultant (older files call a single
    evidence prompt `guidance`), `action` is what moves the criterion up one level.
    """

    id: Id
    text: Text
    guidance: Text | None = None
    weight: Weight = 1.0
    source: Source | None = None
    answer_set: Id | None = added_later()  # the name of one of the framework's answer sets
    anchors: dict[float, Text] | None = added_later()
    quality: tuple[Text, ...] | None = added_later(min_length=2)
    hint: Hint | None = added_later()
    evidence: tuple[Text, ...] | None = added_later(min_length=1)
    action: Action | None = added_later()

    _whole_anchor_keys = field_validator("anchors")(_whole_keys)

    @property
    def evidence_prompts(self) -> tuple[str, ...]:
        """What a consultant looks for, from `evidence` or an older file's `guidance`."""
        if self.evidence:
            return self.evidence
        return (self.guidance,) if self.guidance else ()

    def anchor(self, level: float) -> str | None:
        """What this criterion looks like at `level`, if the file says."""
        return (self.anchors or {}).get(level)


def sentence_count(text: str) -> int:
    """Sentences in a short text: ends of sentence followed by a space or the end."""
    return len(re.findall(r"[.!?](?:\s|$)", text.strip())) or 1


class SubComponent(_Frozen):
    id: Id
    title: Text
    description: Text | None = None
    source: Source | None = None
    criteria: tuple[Criterion, ...] = Field(min_length=1)


class Area(_Frozen):
    id: Id
    title: Text
    intent: Text
    weight: Weight = 1.0
    source: Source | None = None
    criteria: tuple[Criterion, ...] = ()
    sub_components: tuple[SubComponent, ...] = ()

    def all_criteria(self) -> Iterator[Criterion]:
        """The area's own criteria, then those of each sub-component, in file order."""
        yield from self.criteria
        for sub_component in self.sub_components:
            yield from sub_component.criteria


class Layer(_Frozen):
    id: Id
    title: Text
    description: Text | None = None
    areas: tuple[Area, ...] = Field(min_length=1)


class Wording(_Frozen):
    """What this framework calls its parts; pages, emails and reports take their words here."""

    assessment: Text = "Maturity assessment"  # what an assessment against it is (report cover)
    statement: Text = "statement"  # one criterion, as participants read it
    statements: Text = "statements"  # "You rate 12 <statements>"
    statements_heading: Text = "Criteria"  # the heading above an area's criteria
    intent: Text = "Intent"  # the label of an area's intent
    layer: Text = "layer"
    layers: Text = "layers"
    sequence_reason: Text | None = None  # why sequenced layers go in order (roadmap reasons)


class Attribution(_Frozen):
    """Whose work the file quotes or paraphrases, and under what licence."""

    title: Text
    licence: Text
    authors: Text | None = None
    url: Text | None = None
    licence_url: Text | None = None
    notice: Text | None = None  # changes made, trademarks, how to credit


class Framework(_Frozen):
    id: Id
    version: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
        _framework_text(40),
    ]
    title: Text
    description: Text | None = None
    wording: Wording = added_later(Wording())
    attribution: Attribution | None = added_later()
    layers_sequenced: bool = added_later(False)  # earlier layers first in the roadmap if true
    scale: Scale
    answer_sets: dict[Id, AnswerSet] = added_later({})
    layers: tuple[Layer, ...] = Field(min_length=1, max_length=MAX_LAYERS)

    def areas(self) -> Iterator[Area]:
        for layer in self.layers:
            yield from layer.areas

    def criteria(self) -> Iterator[Criterion]:
        for area in self.areas():
            yield from area.all_criteria()

    def criterion_ids(self) -> frozenset[str]:
        return frozenset(self.criteria_by_id)

    @cached_property
    def criteria_by_id(self) -> dict[str, Criterion]:
        return {criterion.id: criterion for criterion in self.criteria()}

    @cached_property
    def area_of_criterion(self) -> dict[str, str]:
        """Criterion id -> its area's id: progress counted per save without walking the tree."""
        return {c.id: area.id for area in self.areas() for c in area.all_criteria()}

    @cached_property
    def criteria_per_area(self) -> dict[str, int]:
        """Area id -> how many criteria it has, sub-components' included."""
        return {area.id: sum(1 for _ in area.all_criteria()) for area in self.areas()}

    def improvement_actions(self) -> dict[str, str]:
        """Criterion id -> what moves it up one level, for criteria that say."""
        return {c.id: c.action for c in self.criteria() if c.action}

    @property
    def area_count(self) -> int:
        return sum(1 for _ in self.areas())

    @property
    def criterion_count(self) -> int:
        return sum(1 for _ in self.criteria())

    @cached_property
    def answer_levels(self) -> dict[str, AnswerLevels]:
        """The scale (key `scale`) and each answer set, as the options a participant picks."""
        scale = AnswerLevels(
            SCALE,
            "Scale",
            tuple(
                Option(level.value, float(level.value), level.label, level.description)
                for level in self.scale.levels
            ),
        )
        sets = {
            name: AnswerLevels(
                name,
                answer_set.title or name,
                tuple(
                    Option(code, level.value, level.label, level.description)
                    for code, level in enumerate(answer_set.levels)
                ),
            )
            for name, answer_set in self.answer_sets.items()
        }
        return {SCALE: scale, **sets}

    def levels_of(self, criterion: Criterion) -> AnswerLevels:
        """What the criterion is answered on: its answer set, or else the framework's scale."""
        return self.answer_levels[criterion.answer_set or SCALE]

    def shared_levels(self, criteria: Iterable[Criterion] | None = None) -> AnswerLevels | None:
        """The one set of levels all these criteria (default: all) use, or None when mixed."""
        keys = {c.answer_set or SCALE for c in (self.criteria() if criteria is None else criteria)}
        return self.answer_levels[keys.pop()] if len(keys) == 1 else None

    def levels_for_figures(self, key: str | None) -> AnswerLevels | None:
        """The levels a score is written in, given the key of the levels its parts share: the
        scale's when they are all on the scale; None means in percent of the range (an answer
        set's values are for scoring, its labels for answering)."""
        return self.answer_levels[SCALE] if key == SCALE else None


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Order versions as people read them: 1.10 after 1.9 after 1.0, 2.0 after all of them.

    Parts are split on "." and "-"; numbers compare as numbers, a text part (such as "draft")
    sorts before any number in the same place, and a version that adds parts to another comes
    after it (2.0, then 2.0-draft, then 2.0.1).
    """
    parts = re.split(r"[.\-]", version.strip())
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in parts)
