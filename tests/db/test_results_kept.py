"""Results kept in memory: the assessments people look at stay, the least recently used go."""

from __future__ import annotations

from sqlmodel import Session

from app.db import results
from app.domain.evidence import ALL, SUBMITTED, View
from app.domain.recent import Recent
from tests.factories import Tenant


def test_the_least_recently_used_results_are_forgotten_not_the_first_computed(
    session: Session, tenants: tuple[Tenant, Tenant], monkeypatch
) -> None:
    acme, _ = tenants
    monkeypatch.setattr(results, "_recent", Recent(2))
    every, submitted, all_answers = View(), View(SUBMITTED), View(ALL)
    first = results.results_of(session=session, assessment=acme.assessment, view=every)
    results.results_of(session=session, assessment=acme.assessment, view=submitted)

    again = results.results_of(session=session, assessment=acme.assessment, view=every)
    results.results_of(session=session, assessment=acme.assessment, view=all_answers)

    assert again is first  # kept, not scored again
    assert [key[-1] for key in results._recent] == [every, all_answers]
