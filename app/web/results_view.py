"""The results filter in an address (`?answers=submitted|all&group=…`), the same for the
results page, the area pages, their charts and the API: one rule, one set of messages."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Query
from sqlmodel import Session

from app.db.models import Assessment
from app.db.results import AssessmentResults, results_of
from app.domain.evidence import ALL, View, group_problem
from app.domain.policy import Action, can
from app.web.deps import CurrentUser


def view_of(
    user: CurrentUser,
    answers: Annotated[
        Literal["submitted", "all"] | None,  # the domain's SUBMITTED and ALL
        Query(
            description="`submitted` (submitted answers only) or `all` (in progress too: "
            "consultants only); by default submitted answers only once anyone has submitted.",
        ),
    ] = None,
    group: Annotated[
        str,
        Query(
            max_length=200,
            description="One group's results (its label as shown); only a group at least "
            "`threshold` of whose people scored can be chosen.",
        ),
    ] = "",
) -> View:
    if answers == ALL and not can(user.role, Action.SEE_ANSWERS_IN_PROGRESS):
        raise HTTPException(status_code=403, detail=IN_PROGRESS_REFUSED)
    return View(answers, group.strip())


IN_PROGRESS_REFUSED = (
    "answers: only consultants see results that count answers still in progress: set beside "
    "the submitted ones, they would give away what those still answering said. Your account "
    "sees the default: submitted answers once anyone has submitted."
)


ViewDep = Annotated[View, Depends(view_of)]


def results_in(*, session: Session, assessment: Assessment, view: View) -> AssessmentResults:
    """The view's results; a group that may not be shown on its own is refused, never shown:
    as absent as a group that does not exist (404), with the same words."""
    data = results_of(session=session, assessment=assessment, view=view)
    if view.group and view.group not in data.groups:
        raise HTTPException(
            status_code=404, detail=group_problem(view.group, data.threshold, data.groups)
        )
    return data


def query_of(view: View) -> str:
    """`?answers=all&group=Leadership` for a link that keeps the view; "" for the default."""
    pairs = (("answers", view.answers), ("group", view.group))
    kept = {name: value for name, value in pairs if value}
    return "?" + urlencode(kept) if kept else ""


def cache_name(name: str, view: View) -> str:
    """A chart's file name in the disk cache: each view's own, so no view serves another's."""
    if view.default:
        return name
    digest = hashlib.sha256(repr((view.answers, view.group)).encode()).hexdigest()[:12]
    stem, _, suffix = name.rpartition(".")
    return f"{stem}-{digest}.{suffix}"
