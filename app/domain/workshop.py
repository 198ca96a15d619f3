"""The rules of a live workshop: an agenda of criteria, blind votes, reveal, agree or park.

Plain data and pure functions; the database (app/db/workshops.py) stores what they decide.

An agenda item moves  waiting -> voting -> locked -> revealed  and can be voted on again
(a new round, the earlier rounds kept). Reveal from voting locks the round first: nobody
changes a vote after seeing the others. Agreeing or parking is allowed once the room has
seen the votes (revealed), and can be changed later.
"""

from __future__ import annotations

import secrets
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.levels import AnswerLevels
from app.domain.scoring import Results

MAX_RATIONALE_LENGTH = 2000
MAX_NOTES_LENGTH = 4000
MAX_AGENDA = 60  # a half-day workshop discusses ten or twenty; more is a mistake
DEFAULT_AGENDA = 8
OTHER_GROUPS = "Other groups"

# Join codes: no 0/O, 1/I/L, so a code read off a projector is typed right. 31**6 is about
# 887 million codes; with guessing rate-limited per address a live code is not found in practice.
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6


class ItemStatus(StrEnum):
    WAITING = "waiting"  # on the agenda, not opened yet
    VOTING = "voting"  # votes come in, blind
    LOCKED = "locked"  # no more votes this round; still blind
    REVEALED = "revealed"  # everyone sees this round's distribution


class Outcome(StrEnum):
    NONE = ""
    AGREED = "agreed"
    PARKED = "parked"  # no consensus: the room moves on and the roadmap picks it up


class WorkshopRefused(ValueError):
    """A step the rules do not allow now; `field` names what to fix, `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ItemState:
    status: ItemStatus = ItemStatus.WAITING
    round: int = 0  # 0 until opened; each revote starts the next
    outcome: Outcome = Outcome.NONE


def opened(state: ItemState) -> ItemState:
    """Moving onto an item opens its first round; an item already opened stays as it is."""
    if state.status is ItemStatus.WAITING:
        return ItemState(ItemStatus.VOTING, 1, state.outcome)
    return state


def locked(state: ItemState) -> ItemState:
    if state.status is not ItemStatus.VOTING:
        raise WorkshopRefused("item", "only an item open for votes can be locked")
    return ItemState(ItemStatus.LOCKED, state.round, state.outcome)


def revealed(state: ItemState) -> ItemState:
    if state.status not in (ItemStatus.VOTING, ItemStatus.LOCKED):
        raise WorkshopRefused("item", "only an item open for votes or locked can be revealed")
    return ItemState(ItemStatus.REVEALED, state.round, state.outcome)


def revoted(state: ItemState) -> ItemState:
    """A new blind round after discussion; the earlier rounds' votes stay stored."""
    if state.status is not ItemStatus.REVEALED:
        raise WorkshopRefused("item", "reveal this round before voting again")
    return ItemState(ItemStatus.VOTING, state.round + 1, Outcome.NONE)


def decided(state: ItemState, outcome: Outcome) -> ItemState:
    if state.status is not ItemStatus.REVEALED:
        raise WorkshopRefused("item", "reveal the votes before recording what the room agreed")
    return ItemState(state.status, state.round, outcome)


@dataclass(frozen=True)
class Decision:
    """What the facilitator records for an item: agreed levels and why, or parked."""

    outcome: Outcome
    current: int | None = None
    target: int | None = None
    rationale: str = ""


def checked_decision(levels: AnswerLevels, decision: Decision) -> Decision:
    """The decision as it will be stored, or WorkshopRefused naming the field. Levels are
    codes, as in answers: the value on the scale, the position in an answer set."""
    rationale = decision.rationale.strip()
    if len(rationale) > MAX_RATIONALE_LENGTH:
        raise WorkshopRefused("rationale", f"must be at most {MAX_RATIONALE_LENGTH} characters")
    if decision.outcome is Outcome.PARKED:
        return Decision(Outcome.PARKED, rationale=rationale)
    if decision.outcome is not Outcome.AGREED:
        raise WorkshopRefused("outcome", "must be agreed or parked")
    for field, level in (("current", decision.current), ("target", decision.target)):
        _check_level(levels, field, level)
    return Decision(Outcome.AGREED, decision.current, decision.target, rationale)


def checked_notes(notes: str) -> str:
    notes = notes.strip()
    if len(notes) > MAX_NOTES_LENGTH:
        raise WorkshopRefused("notes", f"must be at most {MAX_NOTES_LENGTH} characters")
    return notes


def _check_level(levels: AnswerLevels, field: str, level: int | None) -> None:
    allowed = levels.codes
    if level is None:
        raise WorkshopRefused(field, f"choose a level from {allowed[0]} to {allowed[-1]}")
    if level not in allowed:
        raise WorkshopRefused(field, f"must be one of {', '.join(map(str, allowed))}, not {level}")


def check_vote(
    state: ItemState, levels: AnswerLevels, current: int | None, target: int | None
) -> None:
    """A vote counts only while its item is open for votes, with two of the criterion's levels."""
    if state.status is ItemStatus.WAITING:
        raise WorkshopRefused("item", "voting on this item has not opened yet")
    if state.status is not ItemStatus.VOTING:
        raise WorkshopRefused("item", "voting on this item is closed: it was locked")
    _check_level(levels, "current", current)
    _check_level(levels, "target", target)


@dataclass(frozen=True)
class Vote:
    current: int
    target: int
    group: str = ""


@dataclass(frozen=True)
class Summary:
    """How the room voted in one round (or rated before the workshop): counts, mean, spread."""

    n: int
    current_counts: tuple[int, ...]  # one count per level, lowest first
    target_counts: tuple[int, ...]
    current_mean: float | None
    target_mean: float | None
    current_stdev: float | None
    current_range: tuple[float, float] | None  # lowest and highest value given for today
    groups: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = ()  # shown label, counts


def summarise(
    levels: AnswerLevels, votes: Sequence[Vote], group_labels: Mapping[str, str] | None = None
) -> Summary:
    """Counts per level and the statistics the room sees on reveal. Never says who voted what.

    `group_labels` (from `shown_groups`) gives each group's shown name; without it, or for a
    group it maps to "", votes are not split by group. Votes are codes; the mean, spread and
    range are of their values (an answer set's 0, 0.25, 0.5, 1), as in scoring.
    """
    currents = _values(levels, (v.current for v in votes))
    targets = _values(levels, (v.target for v in votes))
    labels = group_labels or {}
    by_label: dict[str, list[Vote]] = {}
    for vote in votes:
        if labels.get(vote.group):
            by_label.setdefault(labels[vote.group], []).append(vote)
    return Summary(
        n=len(votes),
        current_counts=_counts(levels, [v.current for v in votes]),
        target_counts=_counts(levels, [v.target for v in votes]),
        current_mean=statistics.fmean(currents) if currents else None,
        target_mean=statistics.fmean(targets) if targets else None,
        current_stdev=statistics.pstdev(currents) if currents else None,
        current_range=(min(currents), max(currents)) if currents else None,
        groups=tuple(
            (
                label,
                _counts(levels, [v.current for v in group]),
                _counts(levels, [v.target for v in group]),
            )
            for label, group in sorted(by_label.items(), key=_other_groups_last)
        ),
    )


def _other_groups_last(item: tuple[str, object]) -> tuple[bool, str]:
    return (item[0] == OTHER_GROUPS, item[0])


def _counts(levels: AnswerLevels, codes: Iterable[int]) -> tuple[int, ...]:
    counted = Counter(codes)
    return tuple(counted.get(code, 0) for code in levels.codes)


def _values(levels: AnswerLevels, codes: Iterable[int]) -> list[float]:
    return [value for code in codes if (value := levels.value_of(code)) is not None]


def shown_groups(groups: Iterable[str], threshold: int) -> dict[str, str]:
    """Which label each voter's group is shown under, so no fewer than `threshold` share one.

    Groups with fewer voters are pooled as "Other groups" (so are voters with no group). If
    that pool is smaller than the threshold too, nobody's group is shown (every label ""):
    colouring everyone else would single out the few left uncoloured.
    """
    counts = Counter(groups)
    small = {g for g, n in counts.items() if n < threshold or not g}
    pooled = sum(counts[g] for g in small)
    if 0 < pooled < threshold:
        return dict.fromkeys(counts, "")
    named = {g: g for g in counts if g not in small}
    if len(named) + (1 if pooled else 0) < 2:
        return dict.fromkeys(counts, "")  # one colour for everyone tells nothing
    return {**named, **dict.fromkeys(small, OTHER_GROUPS)}


def suggest_agenda(results: Results, count: int = DEFAULT_AGENDA) -> list[str]:
    """The criteria the room disagrees on most: today's ratings' standard deviation, then
    their range, largest first. Only criteria at least two people rated can disagree."""
    rated = [(c.criterion_id, c.current) for c in results.criteria() if c.current is not None]
    widest = sorted(
        ((cid, stats) for cid, stats in rated if stats.n > 1),
        key=lambda pair: (-pair[1].stdev, -pair[1].spread, pair[0]),
    )
    return [cid for cid, _ in widest[:count]]


def checked_agenda(criterion_ids: Sequence[str], known: Iterable[str]) -> list[str]:
    """The agenda as it will be stored: known criteria, each once, in the order given."""
    allowed = set(known)
    unknown = [c for c in criterion_ids if c not in allowed]
    if unknown:
        raise WorkshopRefused("criteria", f"'{unknown[0]}' is not a criterion of this framework")
    agenda = list(dict.fromkeys(criterion_ids))
    if not agenda:
        raise WorkshopRefused("criteria", "choose at least one criterion or area to discuss")
    if len(agenda) > MAX_AGENDA:
        raise WorkshopRefused("criteria", f"choose at most {MAX_AGENDA} criteria")
    return agenda


def moved(agenda: Sequence[int], item_id: int, step: int) -> list[int]:
    """The agenda with one item moved `step` places (negative: earlier), kept in bounds."""
    order = list(agenda)
    index = order.index(item_id)
    target = max(0, min(len(order) - 1, index + step))
    order.insert(target, order.pop(index))
    return order


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalised_join_code(typed: str) -> str:
    """What a person typed, as stored: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in typed.upper() if ch not in " -")


def shown_join_code(code: str) -> str:
    """The code as the projector shows it, in two halves: "K7M-Q4P"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
