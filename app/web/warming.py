"""Results ready before anyone asks: shortly after a change to an assessment, its scores are
recomputed and the charts at the top of its results page redrawn, in one background thread.

The first view after a change otherwise pays for the scoring and matplotlib (a radar is
about 150 ms). Changes are debounced: an assessment is warmed once nothing has changed in it
for QUIET seconds, and at least every AT_MOST seconds while changes keep coming, so a
workshop of 50 people saving every few seconds costs one recompute every AT_MOST seconds,
not one per save. What is warmed lands in the same caches a view reads (keyed by the data
version), so a view never sees anything a view would not have computed itself; a view that
comes first simply computes it, as before. A warm waits while the worker renders a report:
someone waits for that render, and its charts are drawn on the second core.

The board report is drawn ahead too, for the reader whose name goes on its cover: when they
open the report page (a download is near), and again once changes to that assessment have
settled, for the latest reader who opened it, so their next download after a change finds it
drawn. A render is 3-5 s of a core in a process of its own, so a redraw waits for
REPORT_QUIET seconds without a change, comes at most once every REPORT_APART seconds per
assessment, and only for an assessment whose report someone opened lately.
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
from app.reports import worker
from app.web.routes.reports import prepare_report
from app.web.routes.results import prepare_results

log = logging.getLogger(__name__)

QUIET = 0.5  # seconds without a change before an assessment is warmed
AT_MOST = 10.0  # seconds: while changes keep coming, warm at least this often
RENDERS_FIRST = 30.0  # seconds a warm waits at most for the worker's renders to end


class Warmer:
    """Calls `warm(assessment_id)` in its own thread, debounced per assessment: once nothing
    has changed for `quiet` seconds, at least every `at_most` seconds while changes keep
    coming, and never sooner than `apart` seconds after the assessment's previous warm that
    did something (`warm` returns True when it did)."""

    def __init__(
        self,
        warm: Callable[[int], bool | None],
        *,
        quiet: float = QUIET,
        at_most: float = AT_MOST,
        apart: float = 0.0,
        name: str = "gapwise-warmer",
    ) -> None:
        self._warm, self._quiet, self._at_most, self._apart = warm, quiet, at_most, apart
        self._changes: dict[int, tuple[float, float]] = {}  # id -> (first, last) change
        self._warmed: dict[int, float] = {}  # id -> when, for the last `apart` seconds
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

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
        """Note changes committed just now. Only an assessment that was not waiting wakes the
        thread: another change to one that waits moves its time later, never sooner, and the
        thread's timed wait finds the new time when it ends. (A wake on every change cost
        each save in a workshop two thread switches.)"""
        now = time.monotonic()
        with self._wake:
            waiting = len(self._changes)
            for assessment_id in assessment_ids:
                first, _ = self._changes.get(assessment_id, (now, now))
                self._changes[assessment_id] = (first, now)
            if len(self._changes) > waiting:
                self._wake.notify()

    def _due(self, assessment_id: int) -> float:
        first, last = self._changes[assessment_id]
        due = min(last + self._quiet, first + self._at_most)
        return max(due, self._warmed.get(assessment_id, -self._apart) + self._apart)

    def _next(self) -> int | None:
        """The next assessment to warm, once it is due; None once stopped."""
        with self._wake:
            while not self._stopped:
                if not self._changes:
                    self._wake.wait()
                    continue
                assessment_id = min(self._changes, key=self._due)
                wait = self._due(assessment_id) - time.monotonic()
                if wait <= 0:
                    del self._changes[assessment_id]
                    return assessment_id
                self._wake.wait(wait)
            return None

    def _note_warmed(self, assessment_id: int) -> None:
        now = time.monotonic()
        with self._wake:
            self._warmed = {i: t for i, t in self._warmed.items() if now - t < self._apart}
            self._warmed[assessment_id] = now

    def _run(self) -> None:
        while (assessment_id := self._next()) is not None:
            try:
                if self._warm(assessment_id) and self._apart:
                    self._note_warmed(assessment_id)
            except Exception:  # a view will compute it instead; never stop warming
                log.warning("warming assessment %s failed", assessment_id, exc_info=True)


def results_warmer(engine: Engine, settings: Settings) -> Warmer:
    """A warmer that prepares an assessment's results page (app/web/routes/results.py)."""

    def warm(assessment_id: int) -> None:
        worker.after_renders(timeout=RENDERS_FIRST)  # a reader waits, or soon will
        with Session(engine) as session:
            assessment = session.get(Assessment, assessment_id)
            if assessment is not None:  # deleted since
                prepare_results(session=session, assessment=assessment, data_dir=settings.data_dir)

    return Warmer(warm)


MAX_WAITING = 4  # assessments whose report waits to be drawn; older requests are dropped
REPORT_QUIET = 5.0  # seconds without a change before the latest reader's report is redrawn
REPORT_AT_MOST = 120.0  # seconds: while changes keep coming, redraw it at least this often
REPORT_APART = 30.0  # seconds: and never more often than this (a render is 3-5 s of a core)
READER_KEPT = 3600.0  # seconds: a report opened longer ago is not redrawn after a change
MAX_READERS = 256  # assessments whose latest reader is remembered; the oldest is forgotten


class Preparer:
    """Calls `prepare(assessment_id, reader)` in one background thread, oldest request first,
    a page just opened (its download is seconds away) before any redraw after a change.

    Bounded: an assessment waits at most once (a later reader replaces an earlier one, and a
    page reloaded while its report waits adds nothing), and at most MAX_WAITING assessments
    wait in each queue; beyond that the oldest request is dropped (its download will draw it
    instead). It remembers each assessment's latest reader for READER_KEPT seconds (at most
    MAX_READERS assessments), so `again` can draw their report afresh after a change.
    """

    def __init__(
        self, prepare: Callable[[int, str], None], *, max_waiting: int = MAX_WAITING
    ) -> None:
        self._prepare, self._max_waiting = prepare, max_waiting
        self._opened: dict[int, str] = {}  # assessment id -> reader, in the order asked
        self._redraws: dict[int, str] = {}  # the same, after a change, drawn when none is opened
        self._readers: OrderedDict[int, tuple[str, float]] = OrderedDict()  # oldest first
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="gapwise-preparer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Forget what waits and wait (a while) for a preparation in progress to end."""
        with self._wake:
            self._stopped = True
            self._opened.clear()
            self._redraws.clear()
            self._readers.clear()
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def prepare(self, assessment_id: int, reader: str) -> None:
        """Draw the report for `reader`, who opened its page just now."""
        with self._wake:
            self._readers.pop(assessment_id, None)
            self._readers[assessment_id] = (reader, time.monotonic())
            self._forget_old_readers()
            self._redraws.pop(assessment_id, None)
            self._queue(self._opened, assessment_id, reader)

    def again(self, assessment_id: int) -> bool:
        """Draw the report afresh (it changed) for its latest reader, if they opened it lately;
        whether it will."""
        with self._wake:
            self._forget_old_readers()
            latest = self._readers.get(assessment_id)
            if latest is None or self._stopped:
                return False
            if assessment_id not in self._opened:
                self._queue(self._redraws, assessment_id, latest[0])
            return True

    def _forget_old_readers(self) -> None:
        """Readers older than READER_KEPT, and the oldest beyond MAX_READERS (they are kept in
        the order they last opened a report)."""
        now = time.monotonic()
        while self._readers:
            _, when = next(iter(self._readers.values()))
            if now - when <= READER_KEPT and len(self._readers) <= MAX_READERS:
                return
            self._readers.popitem(last=False)

    def _queue(self, waiting: dict[int, str], assessment_id: int, reader: str) -> None:
        if self._stopped:
            return
        waiting.pop(assessment_id, None)
        waiting[assessment_id] = reader
        while len(waiting) > self._max_waiting:
            del waiting[next(iter(waiting))]
        self._wake.notify()

    def _next(self) -> tuple[int, str] | None:
        with self._wake:
            while not self._stopped and not (self._opened or self._redraws):
                self._wake.wait()
            if self._stopped:
                return None
            waiting = self._opened or self._redraws
            assessment_id = next(iter(waiting))
            return assessment_id, waiting.pop(assessment_id)

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
        """Each part forgets what waits and ends; the preparer before the results warmer, so
        it starts no render while the warmer finishes."""
        for part in (self.redrawer, self.preparer, self.warmer):
            part.stop()


def background_work(engine: Engine, settings: Settings) -> Background:
    """A worker's background parts, not started yet."""
    preparer = report_preparer(engine, settings)
    redrawer = Warmer(
        preparer.again,
        quiet=REPORT_QUIET,
        at_most=REPORT_AT_MOST,
        apart=REPORT_APART,
        name="gapwise-redrawer",
    )
    return Background(warmer=results_warmer(engine, settings), preparer=preparer, redrawer=redrawer)
