"""What changed between two versions of a framework, and what that means for answers.

Criteria are matched by id (ids are never reused, see docs/questionnaire-format.md). An
answer carries over to the new version unless its statement was reworded or it is now
answered on different levels; those are listed for participants to revisit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.domain.framework import Criterion, Framework


@dataclass(frozen=True)
class Placed:
    """A criterion with where it sits: layer, area and sub-component titles."""

    criterion: Criterion
    layer_id: str
    area_id: str
    sub_component_id: str
    where: str  # "Layer › Area › Sub-component"
    levels: str  # what it is answered on: "the scale" or the answer set's title

    @property
    def place(self) -> tuple[str, str, str]:
        return self.layer_id, self.area_id, self.sub_component_id


@dataclass(frozen=True)
class Changed:
    old: Placed
    new: Placed


@dataclass(frozen=True)
class FrameworkDiff:
    old_version: str
    new_version: str
    added: tuple[Placed, ...]
    removed: tuple[Placed, ...]
    reworded: tuple[Changed, ...]
    moved: tuple[Changed, ...]
    levels_changed: tuple[Changed, ...]  # answered on other levels: old answers do not fit
    unchanged: int  # criteria the same in text, place and levels

    @property
    def to_revisit(self) -> frozenset[str]:
        """Criteria whose answers cannot carry over, though the criterion is still there."""
        return frozenset(c.new.criterion.id for c in (*self.reworded, *self.levels_changed))

    @property
    def removed_ids(self) -> frozenset[str]:
        return frozenset(p.criterion.id for p in self.removed)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added or self.removed or self.reworded or self.moved or self.levels_changed
        )


def placed_criteria(framework: Framework) -> Iterator[Placed]:
    def placed(criterion: Criterion, layer: str, area: str, sub: str, where: str) -> Placed:
        levels = framework.levels_of(criterion)
        answered_on = "the scale" if levels.is_scale else f"“{levels.title}”"
        return Placed(criterion, layer, area, sub, where, answered_on)

    for layer in framework.layers:
        for area in layer.areas:
            for criterion in area.criteria:
                yield placed(criterion, layer.id, area.id, "", f"{layer.title} › {area.title}")
            for sub in area.sub_components:
                where = f"{layer.title} › {area.title} › {sub.title}"
                for criterion in sub.criteria:
                    yield placed(criterion, layer.id, area.id, sub.id, where)


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _levels(framework: Framework, criterion: Criterion) -> tuple[tuple[int, float, str], ...]:
    return tuple((o.code, o.value, o.label) for o in framework.levels_of(criterion).options)


def diff_frameworks(old: Framework, new: Framework) -> FrameworkDiff:
    """Criteria added, removed, reworded, moved, or now answered on other levels."""
    before = {p.criterion.id: p for p in placed_criteria(old)}
    after = {p.criterion.id: p for p in placed_criteria(new)}
    reworded, moved, levels_changed = [], [], []
    unchanged = 0
    for id_, now in after.items():
        was = before.get(id_)
        if was is None:
            continue
        same_text = _same_text(was.criterion.text, now.criterion.text)
        same_levels = _levels(old, was.criterion) == _levels(new, now.criterion)
        if not same_text:
            reworded.append(Changed(was, now))
        if not same_levels:
            levels_changed.append(Changed(was, now))
        if was.place != now.place:
            moved.append(Changed(was, now))
        unchanged += same_text and same_levels and was.place == now.place
    return FrameworkDiff(
        old_version=old.version,
        new_version=new.version,
        added=tuple(p for id_, p in after.items() if id_ not in before),
        removed=tuple(p for id_, p in before.items() if id_ not in after),
        reworded=tuple(reworded),
        moved=tuple(moved),
        levels_changed=tuple(levels_changed),
        unchanged=unchanged,
    )
