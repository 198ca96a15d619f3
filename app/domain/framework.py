"""What a framework (questionnaire) is: a scale and layers of areas holding criteria.

Plain data, frozen once loaded. The YAML files in `questionnaires/` are validated against
these models; see docs/questionnaire-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Weight = Annotated[float, Field(gt=0)]
Source = Literal["blueprint", "derived"]
Hint = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Action = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


def _is_unset(value: object) -> bool:
    return value is None


def added_later(**constraints: Any) -> Any:
    """A field the format gained after files were written: optional, and left out of the dump
    while unset, so a file without it keeps its content hash (and exports of it still import)."""
    return Field(default=None, exclude_if=_is_unset, **constraints)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Level(_Frozen):
    """One maturity level: its value, a short label and what you would observe."""

    value: int
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


class Criterion(_Frozen):
    """One "what good looks like" statement scored for current and target.

    The statement as written describes the scale's `wgll_level`; `anchors` say what the
    criterion looks like at other levels. `hint` is for the participant, `evidence` for the
    consultant (older files call a single evidence prompt `guidance`), `action` is what moves
    the criterion up one level.
    """

    id: Id
    text: Text
    guidance: Text | None = None
    weight: Weight = 1.0
    source: Source | None = None
    anchors: dict[int, Text] | None = added_later()
    quality: tuple[Text, ...] | None = added_later(min_length=2)
    hint: Hint | None = added_later()
    evidence: tuple[Text, ...] | None = added_later(min_length=1)
    action: Action | None = added_later()

    @property
    def evidence_prompts(self) -> tuple[str, ...]:
        """What a consultant looks for, from `evidence` or an older file's `guidance`."""
        if self.evidence:
            return self.evidence
        return (self.guidance,) if self.guidance else ()

    def anchor(self, level: int) -> str | None:
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


class Framework(_Frozen):
    id: Id
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    title: Text
    description: Text | None = None
    scale: Scale
    layers: tuple[Layer, ...] = Field(min_length=1)

    def areas(self) -> Iterator[Area]:
        for layer in self.layers:
            yield from layer.areas

    def criteria(self) -> Iterator[Criterion]:
        for area in self.areas():
            yield from area.all_criteria()

    def criterion_ids(self) -> frozenset[str]:
        return frozenset(criterion.id for criterion in self.criteria())

    def improvement_actions(self) -> dict[str, str]:
        """Criterion id -> what moves it up one level, for criteria that say."""
        return {c.id: c.action for c in self.criteria() if c.action}

    @property
    def area_count(self) -> int:
        return sum(1 for _ in self.areas())

    @property
    def criterion_count(self) -> int:
        return sum(1 for _ in self.criteria())


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Order versions as people read them: 1.10 after 1.9 after 1.0, 2.0 after all of them.

    Parts are split on "." and "-"; numbers compare as numbers, a text part (such as "draft")
    sorts before any number in the same place, and a version that adds parts to another comes
    after it (2.0, then 2.0-draft, then 2.0.1).
    """
    parts = re.split(r"[.\-]", version.strip())
    return tuple((1, int(part)) if part.isdigit() else (0, part) for part in parts)
