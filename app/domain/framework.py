"""What a framework (questionnaire) is: a scale and layers of areas holding criteria.

Plain data, frozen once loaded. The YAML files in `questionnaires/` are validated against
these models; see docs/questionnaire-format.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Weight = Annotated[float, Field(gt=0)]
Source = Literal["blueprint", "derived"]


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
    """One "what good looks like" statement scored for current and target."""

    id: Id
    text: Text
    guidance: Text | None = None
    weight: Weight = 1.0
    source: Source | None = None


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

    @property
    def area_count(self) -> int:
        return sum(1 for _ in self.areas())

    @property
    def criterion_count(self) -> int:
        return sum(1 for _ in self.criteria())
