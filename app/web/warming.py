"""Results ready before anyone asks: shortly after a change to an assessment, its scores are
recomputed and the charts at the top of its results page redrawn, in one background thread.

The first view after a change otherwise pays for the scoring and matplotlib (a radar is
about 150 ms). Changes are debounced: an assessment is warmed once nothing has changed in it
for QUIET seconds, and at least every AT_MOST seconds while changes keep coming, so a
workshop of 50 people saving every few seconds costs one recompute every AT_MOST seconds,
not one per save. What is warmed lands in the same caches a view reads (keyed by the data
version), so a view never sees anything a view would not have computed itself; a view that
comes first simply computes it, as before.

The board report is drawn ahead too, for the reader whose name goes on its cover: when they
open the report page (a download is near), and again once changes to that assessment have
settled, for the latest reader who opened it, so their next download after a change finds it
drawn. A render is 3-5 s of a core in a process of its own, so it waits for REPORT_QUIET
seconds without a change and comes at most every REPORT_AT_MOST seconds while changes keep
coming (a workshop), and only for an assessment someone has opened the report of lately.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from app.config import Settings
from app.db.models import Assessment
from app.web.routes.reports import prepare_report
from app.web.routes.results import prepare_results

log = logging.getLogger(__name__)

QUIET = 0.5  # seconds without a change before an assessment is warmed
AT_MOST = 10.0  # seconds: while changes keep coming, warm at least this often


class Warmer:
    """Calls `warm(assessment_id)` in its own thread, debounced per assessment."""

    def __init__(
        self, warm: Callable[[int], None], *, quiet: float = QUIET, at_most: float = AT_MOST
    ) -> None:
        self._warm, self._quiet, self._at_most = warm, quiet, at_most
        self._changes: dict[int, tuple[float, float]] = {}  # id -> (first, last) change
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="gapwise-warmer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Forget what is pending and wait for a warm in progress to end."""
        with self._wake:
            self._stopped = True
            self._changes.clear()
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def changed(self, assessment_ids: Iterable[int]) -> None:
        """Note changes committed just now."""
        now = time.monotonic()
        with self._wake:
            for assessment_id in assessment_ids:
                first, _ = self._changes.get(assessment_id, (now, now))
                self._changes[assessment_id] = (first, now)
            self._wake.notify()

    def _due(self, first: float, last: float) -> float:
        return min(last + self._quiet, first + self._at_most)

    def _next(self) -> int | None:
        """The next assessment to warm, once it is due; None once stopped."""
        with self._wake:
            while not self._stopped:
                if not self._changes:
                    self._wake.wait()
                    continue
                assessment_id, (first, last) = min(
                    self._changes.items(), key=lambda item: self._due(*item[1])
                )
                wait = self._due(first, last) - time.monotonic()
                if wait <= 0:
                    del self._changes[assessment_id]
                    return assessment_id
                self._wake.wait(wait)
            return None

    def _run(self) -> None:
        while (assessment_id := self._next()) is not None:
            try:
                self._warm(assessment_id)
            except Exception:  # a view will compute it instead; never stop warming
                log.warning("warming assessment %s failed", assessment_id, exc_info=True)


def results_warmer(engine: Engine, settings: Settings) -> Warmer:
    """A warmer that prepares an assessment's results page (app/web/routes/results.py)."""

    def warm(assessment_id: int) -> None:
        with Session(engine) as session:
            assessment = session.get(Assessment, assessment_id)
            if assessment is not None:  # deleted since
                prepare_results(session=session, assessment=assessment, data_dir=settings.data_dir)

    return Warmer(warm)


MAX_WAITING = 4  # assessments whose report waits to be drawn; older requests are dropped
REPORT_QUIET = 5.0  # seconds without a change before the latest reader's report is redrawn
REPORT_AT_MOST = 120.0  # seconds: while changes keep coming, redraw it at least this often
READER_KEPT = 8 * 3600.0  # seconds: a report opened longer ago is not redrawn after a change
MAX_READERS = 256  # assessments whose latest reader is remembered; the oldest is forgotten


class Preparer:
    """Calls `prepare(assessment_id, reader)` in one background thread, oldest request first.

    Bounded: an assessment waits at most once (a later reader replaces an earlier one, and a
    page reloaded while its report waits adds nothing), and at most MAX_WAITING assessments
    wait; beyond that the oldest request is dropped (its download will draw it instead).
    It remembers each assessment's latest reader for READER_KEPT seconds (at most MAX_READERS
    assessments), so `again` can draw their report afresh after a change.
    """

    def __init__(
        self, prepare: Callable[[int, str], None], *, max_waiting: int = MAX_WAITING
    ) -> None:
        self._prepare, self._max_waiting = prepare, max_waiting
        self._waiting: dict[int, str] = {}  # assessment id -> reader, in the order asked
        self._readers: OrderedDict[int, tuple[str, float]] = OrderedDict()  # -> (reader, when)
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="gapwise-preparer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Forget what waits and wait (a while) for a preparation in progress to end."""
        with self._wake:
            self._stopped = True
            self._waiting.clear()
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def prepare(self, assessment_id: int, reader: str) -> None:
        """Draw the report for `reader`, who opened its page just now."""
        with self._wake:
            self._readers.pop(assessment_id, None)
            self._readers[assessment_id] = (reader, time.monotonic())
            while len(self._readers) > MAX_READERS:
                self._readers.popitem(last=False)
            self._wait(assessment_id, reader)

    def again(self, assessment_id: int) -> None:
        """Draw the report afresh (it changed) for its latest reader, if they opened it lately."""
        with self._wake:
            reader, when = self._readers.get(assessment_id, ("", 0.0))
            if reader and time.monotonic() - when <= READER_KEPT:
                self._wait(assessment_id, reader)
            else:
                self._readers.pop(assessment_id, None)

    def _wait(self, assessment_id: int, reader: str) -> None:
        if self._stopped:
            return
        self._waiting.pop(assessment_id, None)
        self._waiting[assessment_id] = reader
        while len(self._waiting) > self._max_waiting:
            del self._waiting[next(iter(self._waiting))]
        self._wake.notify()

    def _next(self) -> tuple[int, str] | None:
        with self._wake:
            while not self._stopped and not self._waiting:
                self._wake.wait()
            if self._stopped:
                return None
            assessment_id = next(iter(self._waiting))
            return assessment_id, self._waiting.pop(assessment_id)

    def _run(self) -> None:
        while (request := self._next()) is not None:
            try:
                self._prepare(*request)
            except Exception:  # the download will draw it instead, and say what fails
                log.warning(
                    "preparing the report of assessment %s failed", request[0], exc_info=True
                )


def report_preparer(engine: Engine, settings: Settings) -> Preparer:
    """A preparer of an assessment's A4 report for a reader (the name on its cover)."""

    def prepare(assessment_id: int, prepared_by: str) -> None:
        with Session(engine) as session:
            assessment = session.get(Assessment, assessment_id)
            if assessment is not None:  # deleted since
                prepare_report(
                    session=session,
                    assessment=assessment,
                    data_dir=settings.data_dir,
                    prepared_by=prepared_by,
                )

    return Preparer(prepare)


@dataclass(frozen=True)
class Background:
    """What a server worker does beside its requests: results warmed after a change, the
    report drawn as its page opens, and drawn again once a change to it has settled."""

    warmer: Warmer
    preparer: Preparer
    redrawer: Warmer  # calls preparer.again, debounced more widely than the results

    def changed(self, assessment_ids: Iterable[int]) -> None:
        """Note changes committed just now (the unit of work calls it after each commit)."""
        changed = list(assessment_ids)
        self.warmer.changed(changed)
        self.redrawer.changed(changed)

    def start(self) -> None:
        for part in (self.warmer, self.preparer, self.redrawer):
            part.start()

    def stop(self) -> None:
        for part in (self.redrawer, self.warmer, self.preparer):  # nothing queued after it
            part.stop()


def background_work(engine: Engine, settings: Settings) -> Background:
    preparer = report_preparer(engine, settings)
    return Background(
        warmer=results_warmer(engine, settings),
        preparer=preparer,
        redrawer=Warmer(preparer.again, quiet=REPORT_QUIET, at_most=REPORT_AT_MOST),
    )
