"""Whose answers a results view counts, said exactly (docs/methodology.md, "Evidence").

A view counts submitted answers only, or every answer given so far (in progress too): by
default submitted answers only once anyone has submitted, every answer before that. A view may
also be narrowed to one group, but only to a group that may be shown on its own (at least k of
its people scored, app/domain/anonymity.py): a smaller group is never offered, and asking for
it by its name gives nobody's answers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from app.domain.anonymity import OTHER_GROUPS, group_of
from app.domain.scoring import Response, group_labels, scored_anything

SUBMITTED, ALL = "submitted", "all"


def group_problem(group: str, threshold: int, choosable: Sequence[str]) -> str:
    """The same words whether the group does not exist or is too small: neither is given away."""
    offered = ", ".join(f"“{g}”" for g in choosable) if choosable else "none at the moment"
    return (
        f"group: no group “{group}” can be shown on its own. A group is shown only where at "
        f"least {threshold} of its people scored; groups you can choose: {offered}."
    )


@dataclass(frozen=True)
class View:
    """Which answers a results view counts. `answers` None is the default (submitted answers
    once anyone has submitted); `group` "" is everyone, else a group's label as shown."""

    answers: str | None = None
    group: str = ""

    @property
    def default(self) -> bool:
        return self.answers is None and not self.group

    def resolved(self, responses: Sequence[Response]) -> View:
        """The view with its default made explicit for these answers."""
        if self.answers is not None:
            return self
        anyone = any(r.submitted for r in responses)
        return View(SUBMITTED if anyone else ALL, self.group)

    def counted_answers(self, responses: Sequence[Response]) -> list[Response]:
        """Everyone's answers this view counts, before any group is chosen."""
        answers = self.resolved(responses).answers
        return [r for r in responses if answers == ALL or r.submitted]

    def chosen(self, responses: Sequence[Response], threshold: int) -> list[Response]:
        """The answers this view counts: of the chosen group's people only, when a group is
        chosen; of nobody when that group may not be shown on its own."""
        kept = self.counted_answers(responses)
        return _of_group(kept, kept, self.group, threshold) if self.group else kept


EVERYONE = View()  # the default view: everyone's answers, submitted ones once anyone submitted


def choosable(responses: Sequence[Response], view: View, threshold: int) -> tuple[str, ...]:
    """The groups a view may be narrowed to under its answers setting, "Other groups" last."""
    labels = set(group_labels(view.counted_answers(responses), threshold).values())
    return tuple(sorted(labels, key=lambda name: (name == OTHER_GROUPS, name)))


@dataclass(frozen=True)
class Counted:
    """Invited people sorted by what they did, and whether those in progress are counted."""

    invited: int
    submitted: int  # submitted their answers
    in_progress: int  # scored at least one criterion, not submitted yet
    not_started: int  # scored nothing and did not submit
    answers: str = ALL  # SUBMITTED: those in progress are left out
    group: str = ""  # the group the view is narrowed to; "" for everyone

    @property
    def heading(self) -> str:
        """`7 submitted of 9 invited; 2 in progress not counted; 0 not started`."""
        text = f"{self.group}: " if self.group else ""
        text += f"{self.submitted} submitted of {self.invited} invited"
        if self.in_progress:
            also = "not counted" if self.answers == SUBMITTED else "also counted"
            text += f"; {self.in_progress} in progress {also}"
        if self.not_started:
            text += f"; {self.not_started} not started"
        return text


def counted(
    invited: Collection[int], submitted: Collection[int], scored: Collection[int]
) -> Counted:
    """From participant ids: everyone invited, who submitted, who scored anything."""
    done = set(submitted) & set(invited)
    going = (set(scored) & set(invited)) - done
    return Counted(len(invited), len(done), len(going), len(invited) - len(done) - len(going))


def counted_in(responses: Sequence[Response], view: View, threshold: int) -> Counted:
    """Who a view counts, from every participant's answers (one response per participant):
    of the chosen group's people only when a group is chosen."""
    shown = view.resolved(responses)
    people = list(responses)
    if shown.group:
        people = _of_group(people, shown.counted_answers(responses), shown.group, threshold)
    total = counted(
        [r.participant_id for r in people],
        [r.participant_id for r in people if r.submitted],
        [r.participant_id for r in people if scored_anything(r)],
    )
    return replace(total, answers=shown.answers or ALL, group=shown.group)


def _of_group(
    people: Sequence[Response], counted: Sequence[Response], group: str, threshold: int
) -> list[Response]:
    """Those of `people` in the group labelled `group`, the labels being those the answers
    `counted` allow (app/domain/anonymity.py): nobody when that group may not be shown."""
    labels = group_labels(counted, threshold)
    return [r for r in people if labels.get(group_of(r.group)) == group]


INCLUDE_THIN_PROBLEM = (
    "Include thin evidence in rankings and the roadmap draft: yes or no (a ticked box, "
    "or true or false in an import)."
)


def include_thin_of(value: object) -> bool | None:
    """The setting from a form ("yes" ticked, "" not), the API or an import (true or false);
    None when it is neither: the caller refuses it with INCLUDE_THIN_PROBLEM."""
    if isinstance(value, bool):
        return value
    return {"yes": True, "": False}.get(value) if isinstance(value, str) else None


NOTHING_TO_REPORT = (
    "Nothing to report yet: nobody has scored a criterion. The board report can be drawn "
    "as soon as the first answers arrive."
)
