"""Which participant groups may be shown on their own: the anonymity threshold k.

A group is shown under its own name only when at least k of its people scored. Smaller groups
are pooled as "Other groups"; when that pool is itself smaller than k (but not empty), every
group is withheld: otherwise the whole minus the named groups would give the small ones away.
A participant without a group is in the group "No group", so groups always add up to the whole.
The rules are written up in docs/methodology.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

OTHER_GROUPS = "Other groups"
NO_GROUP = "No group"
DEFAULT_THRESHOLD = 3
MIN_THRESHOLD = 2  # one person is never a group: k = 1 would show individuals
MAX_THRESHOLD = 25
THRESHOLD_PROBLEM = (
    f"Anonymity threshold: a whole number from {MIN_THRESHOLD} to {MAX_THRESHOLD} "
    "(the fewest people a group needs before its results are shown on their own)."
)


def group_of(group: str) -> str:
    """The group a participant speaks for; "No group" when they were given none."""
    return group.strip() or NO_GROUP


def sizes_of(groups: Iterable[str]) -> dict[str, int]:
    """How many people each group has, from one group name per person."""
    sizes: dict[str, int] = {}
    for group in groups:
        name = group_of(group)
        sizes[name] = sizes.get(name, 0) + 1
    return sizes


def shown_groups(groups: Mapping[str, int], threshold: int) -> dict[str, str]:
    """{group: the label it is shown under}; {} when no group may be shown.

    `groups` counts the people who scored in each group; groups with nobody are left out.
    """
    counted = {name: size for name, size in groups.items() if size > 0}
    small = {name for name, size in counted.items() if size < threshold}
    pooled = sum(counted[name] for name in small)
    if 0 < pooled < threshold:
        return {}
    return {name: OTHER_GROUPS if name in small else name for name in counted}


def compared(labels: Mapping[str, str]) -> bool:
    """Whether a comparison between groups can be shown: two labels or more."""
    return len(set(labels.values())) > 1


def threshold_problem(value: object) -> str:
    """What is wrong with a threshold from a form, the API or an import; empty when none."""
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"[1-9][0-9]{0,2}", text):
        return THRESHOLD_PROBLEM
    return "" if MIN_THRESHOLD <= int(text) <= MAX_THRESHOLD else THRESHOLD_PROBLEM


def groups_note(threshold: int, *, pooled: bool, withheld: bool) -> str:
    """What the threshold did to the groups on this page, in one sentence."""
    rule = f"Groups are shown only where at least {threshold} of their people scored"
    if withheld:
        return (
            f"{rule}, and the smaller groups pooled have fewer than {threshold} people too: "
            "showing the others would give their answers away, so no group is shown."
        )
    if pooled:
        return f"{rule}: smaller groups are pooled as “{OTHER_GROUPS}”."
    return f"{rule}."


def promise(threshold: int) -> str:
    """What participants are told before they answer: who sees what, truthfully. The
    results, the report, the deck and the workshop show no names; the consultant's data
    exports do (docs/methodology.md), and participants are told so."""
    return (
        "Your name is never shown next to your answers or comments in the results, the report "
        f"or a workshop. Results are shown by group only where at least {threshold} people in "
        "the group have answered; smaller groups are pooled or left out, and their comments "
        "are shown without a group. The consultants running the assessment, and the "
        "administrators of this service, can see who gave which answer, to check and prepare "
        "the results."
    )
