"""Whose answers a results page counts, said exactly (docs/methodology.md, "Evidence")."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class Counted:
    """Invited people sorted by what they did: every answer given so far is counted, a
    submitted participant's and one still in progress alike."""

    invited: int
    submitted: int  # submitted their answers
    in_progress: int  # scored at least one criterion, not submitted yet
    not_started: int  # scored nothing and did not submit

    @property
    def heading(self) -> str:
        """`7 submitted of 9 invited; 2 in progress also counted; 0 not started`."""
        text = f"{self.submitted} submitted of {self.invited} invited"
        if self.in_progress:
            text += f"; {self.in_progress} in progress also counted"
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


NOTHING_TO_REPORT = (
    "Nothing to report yet: nobody has scored a criterion. The board report can be drawn "
    "as soon as the first answers arrive."
)
